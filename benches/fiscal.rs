//! A 10-line receipt through the Shtrih-M driver to the emulator over a
//! real pseudo-terminal, against the wire time of the bytes exchanged at
//! 115 200 baud (10 bits a byte). A pseudo-terminal ignores the baud rate,
//! so the same exchange is also run over an in-memory link paced at
//! 115 200 baud in both directions: that time over the wire time is the
//! protocol's own overhead (turnarounds, handshakes, the device's work).
//!
//! `cargo bench --bench fiscal`; KASSA_BENCH_RECEIPTS sets the count.

// Timings are shown in milliseconds and ratios: floats for durations, never money.
#![allow(clippy::float_arithmetic)]

use std::io;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kassa_fiscal::emulator::{local_clock, serve, Device};
use kassa_fiscal::port::{memory_pair, pty_pair, Fuse, Port};
use kassa_fiscal::{
    CalculationSign, FiscalLine, FiscalPayments, FiscalReceipt, FiscalRegister, Measure, Settings, ShtrihM, VatRate,
};

const BAUD: u64 = 115_200;

/// A port that takes as long to send as a serial line at `BAUD` would.
struct Paced<P>(P);

impl<P: Port> Port for Paced<P> {
    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        let started = Instant::now();
        let wire = Duration::from_nanos(bytes.len() as u64 * 10 * 1_000_000_000 / BAUD);
        // The bytes arrive once the line has carried them.
        while started.elapsed() < wire {
            std::hint::spin_loop();
        }
        self.0.send(bytes)
    }
    fn recv(&mut self, timeout: Duration) -> io::Result<Option<u8>> {
        self.0.recv(timeout)
    }
}

fn receipt() -> FiscalReceipt {
    let lines = (1..=10)
        .map(|n| FiscalLine {
            name: format!("Товар номер {n} для проверки скорости"),
            qty_milli: 1_000 * n,
            price: 10_000 + n,
            sum: (10_000 + n) * n,
            vat: if n % 2 == 0 { VatRate::Vat22 } else { VatRate::Vat10 },
            method: 4,
            subject: 1,
            measure: Measure::Piece,
            marking: None,
        })
        .collect::<Vec<_>>();
    let total: u64 = lines.iter().map(|l| l.sum).sum();
    FiscalReceipt {
        sign: CalculationSign::Sale,
        lines,
        payments: FiscalPayments {
            card: total,
            ..FiscalPayments::default()
        },
        tax_system: 1,
        cashier: "Бенчмарк".into(),
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn run<P: Port>(label: &str, register: &mut ShtrihM<P>, count: usize) {
    register.open_shift("bench").ok();
    let receipt = receipt();
    let mut times = Vec::with_capacity(count);
    let mut bytes = 0;
    for _ in 0..count {
        let before = register.traffic();
        let started = Instant::now();
        register.register(&receipt).expect("receipt registered");
        times.push(started.elapsed());
        let after = register.traffic();
        bytes = (after.0 - before.0) + (after.1 - before.1);
    }
    let wire = Duration::from_nanos(bytes * 10 * 1_000_000_000 / BAUD);
    let measured = median(times);
    println!(
        "{label:<34} {bytes:>5} bytes, wire time {:>7.2} ms, median {:>7.2} ms: {:.2}× the wire",
        wire.as_secs_f64() * 1e3,
        measured.as_secs_f64() * 1e3,
        measured.as_secs_f64() / wire.as_secs_f64()
    );
}

fn main() {
    let count: usize = std::env::var("KASSA_BENCH_RECEIPTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);

    // Over a real pseudo-terminal, emulator on a thread at the device end.
    let (mut device_end, path) = pty_pair().expect("pseudo-terminal");
    let device = Arc::new(Mutex::new(Device::new(local_clock())));
    {
        let device = Arc::clone(&device);
        std::thread::spawn(move || loop {
            if serve(&mut device_end, &device, &AtomicBool::new(false)).is_err() {
                std::thread::sleep(Duration::from_millis(1));
            }
        });
    }
    let port = kassa_fiscal::port::open_serial(&path, BAUD as u32).expect("client end");
    let mut register = ShtrihM::new(port, Settings::default());
    run("pseudo-terminal (rate ignored)", &mut register, count);

    // Over an in-memory link paced at 115 200 baud both ways.
    let (host, end) = memory_pair(Fuse::intact());
    let device = Arc::new(Mutex::new(Device::new(local_clock())));
    {
        let device = Arc::clone(&device);
        std::thread::spawn(move || {
            let mut end = Paced(end);
            let _ = serve(&mut end, &device, &AtomicBool::new(false));
        });
    }
    let mut register = ShtrihM::new(Paced(host), Settings::default());
    run("link paced at 115200 baud", &mut register, count.min(50));
}
