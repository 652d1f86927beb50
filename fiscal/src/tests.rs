//! Driver against emulator: the whole protocol stack, over memory and over
//! a real pseudo-terminal pair.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;

use crate::emulator::{serve, Device, DeviceClock};
use crate::port::{memory_pair, Fuse, MemoryPort, Port};
use crate::register::*;
use crate::shtrih::link::Timeouts;
use crate::{DocumentKind, FiscalError, Settings, ShtrihM};

pub(crate) fn fixed_clock() -> DeviceClock {
    let at = NaiveDate::from_ymd_opt(2026, 11, 26)
        .and_then(|day| day.and_hms_opt(10, 30, 0))
        .unwrap_or_default();
    Arc::new(move || at)
}

pub(crate) fn fast() -> Settings {
    Settings {
        timeouts: Timeouts {
            byte: Duration::from_millis(50),
            ack: Duration::from_millis(100),
            answer: Duration::from_millis(500),
            retries: 3,
        },
        ..Settings::default()
    }
}

/// An emulator thread serving one in-memory connection.
pub(crate) fn connect(device: &Arc<Mutex<Device>>, fuse: Fuse) -> ShtrihM<MemoryPort> {
    let (host, mut dev) = memory_pair(fuse);
    let device = Arc::clone(device);
    std::thread::spawn(move || {
        let stop = AtomicBool::new(false);
        let _ = serve(&mut dev, &device, &stop);
    });
    ShtrihM::new(host, fast())
}

fn line(name: &str, qty_milli: u64, price: u64, sum: u64, vat: VatRate) -> FiscalLine {
    FiscalLine {
        name: name.into(),
        qty_milli,
        price,
        sum,
        vat,
        method: 4,
        subject: 1,
        measure: Measure::Piece,
        marking: None,
    }
}

fn receipt(sign: CalculationSign, lines: Vec<FiscalLine>, payments: FiscalPayments) -> FiscalReceipt {
    FiscalReceipt {
        sign,
        lines,
        payments,
        tax_system: 1,
        cashier: "Иванова".into(),
    }
}

/// A whole shift: open, cash in, two sales, a return, cash out, X, Z.
fn whole_shift(register: &mut dyn FiscalRegister) {
    let status = register.status().expect("status");
    assert!(!status.shift_open && !status.receipt_open);
    assert_eq!(status.last_document, 0);

    let opened = register.open_shift("Иванова").expect("open shift");
    assert_eq!((opened.number, opened.kind), (1, DocumentKind::ShiftOpen));
    register.cash_in(500_000).expect("float");

    // Milk 2 × 89.90 = 179.80; cheese 0.350 kg × 1 200.00 = 420.00 less
    // 20.00 discount = 400.00; bread 45.50. Total 625.30, paid 1 000.00 cash.
    let sale = receipt(
        CalculationSign::Sale,
        vec![
            line("Молоко 3,2% 1 л", 2_000, 8_990, 17_980, VatRate::Vat10),
            line("Сыр Российский", 350, 120_000, 40_000, VatRate::Vat22),
            line("Хлеб", 1_000, 4_550, 4_550, VatRate::Vat10),
        ],
        FiscalPayments {
            cash: 100_000,
            ..Default::default()
        },
    );
    let first = register.register(&sale).expect("sale");
    assert_eq!(first.number, 2);
    assert_eq!(
        first.kind,
        DocumentKind::Receipt {
            sign: CalculationSign::Sale,
            total: 62_530
        }
    );
    // Read back from the fiscal storage: the same document.
    assert_eq!(register.document(2).expect("read back"), first);

    // A card sale of 1 500.00.
    let card = receipt(
        CalculationSign::Sale,
        vec![line("Кофе в зёрнах", 1_000, 150_000, 150_000, VatRate::Vat22)],
        FiscalPayments {
            card: 150_000,
            ..Default::default()
        },
    );
    assert_eq!(register.register(&card).expect("card sale").number, 3);

    // Bread returned for cash.
    let refund = receipt(
        CalculationSign::SaleReturn,
        vec![line("Хлеб", 1_000, 4_550, 4_550, VatRate::Vat10)],
        FiscalPayments {
            cash: 4_550,
            ..Default::default()
        },
    );
    assert_eq!(register.register(&refund).expect("return").number, 4);

    // Drawer: 5 000.00 + 625.30 − 45.50 = 5 579.80.
    assert_eq!(register.cash_in_drawer().expect("drawer"), 557_980);
    // More than the drawer holds is refused by the register itself.
    match register.cash_out(600_000) {
        Err(FiscalError::Device(error)) => assert_eq!(error.code, 0x46),
        other => panic!("expected 0x46, got {other:?}"),
    }
    register.cash_out(557_980).expect("collection");
    assert_eq!(register.cash_in_drawer().expect("drawer"), 0);
    register.x_report().expect("X");
    let closed = register.close_shift("Иванова").expect("Z");
    assert_eq!((closed.number, closed.kind), (5, DocumentKind::ShiftClose));
    let status = register.status().expect("status");
    assert!(!status.shift_open);
    assert_eq!((status.shift_number, status.last_document), (1, 5));
}

#[test]
fn a_whole_shift_in_memory() {
    let device = Arc::new(Mutex::new(Device::new(fixed_clock())));
    let mut register = connect(&device, Fuse::intact());
    whole_shift(&mut register);
    let device = device.lock().expect("device");
    let state = device.state();
    // Shift registers: sales 625.30 + 1 500.00, returns 45.50, cash in and out.
    assert_eq!(state.registers[4], 212_530);
    assert_eq!(state.registers[6], 4_550);
    assert_eq!((state.registers[1], state.registers[2]), (500_000, 557_980));
    let tape = device.tape.lines().join("\n");
    assert!(tape.contains("СДАЧА =374.70"), "{tape}");
    assert!(
        tape.contains("Сыр Российский\n  0.350 x 1142.86 =400.00  НДС 22%"),
        "{tape}"
    );
}

#[test]
fn a_whole_shift_over_a_pseudo_terminal() {
    let (master, slave) = serialport::TTYPort::pair().expect("pty pair");
    let path = serialport::SerialPort::name(&slave).expect("pty name");
    drop(slave);
    let device = Arc::new(Mutex::new(Device::new(fixed_clock())));
    let stop = Arc::new(AtomicBool::new(false));
    let server = {
        let (device, stop) = (Arc::clone(&device), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut port = crate::port::Serial::new(master);
            while !stop.load(Ordering::Relaxed) {
                if serve(&mut port, &device, &stop).is_err() {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        })
    };
    let port = crate::port::open_serial(&path, 115_200).expect("open the client end");
    let mut register = ShtrihM::new(port, fast());
    whole_shift(&mut register);
    stop.store(true, Ordering::Relaxed);
    drop(register);
    server.join().expect("server thread");
}

#[test]
fn no_answer_is_no_link() {
    let (host, _device_end) = memory_pair(Fuse::intact());
    let mut register = ShtrihM::new(host, fast());
    match register.status() {
        Err(FiscalError::Transport(crate::TransportError::NoLink)) => {}
        other => panic!("expected no link, got {other:?}"),
    }
}

#[test]
fn state_survives_a_restart_of_the_emulator() {
    let dir = std::env::temp_dir().join(format!("kassa-fiscal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("register.json");
    let _ = std::fs::remove_file(&path);
    {
        let device = Arc::new(Mutex::new(Device::open(path.clone(), fixed_clock()).expect("open")));
        let mut register = connect(&device, Fuse::intact());
        register.open_shift("x").expect("open shift");
        register.cash_in(10_000).expect("cash in");
    }
    let device = Arc::new(Mutex::new(Device::open(path.clone(), fixed_clock()).expect("reopen")));
    let mut register = connect(&device, Fuse::intact());
    let status = register.status().expect("status");
    assert!(status.shift_open);
    assert_eq!((status.shift_number, status.last_document), (1, 1));
    assert_eq!(register.cash_in_drawer().expect("drawer"), 10_000);
    let tape = std::fs::read_to_string(dir.join("register.json.tape")).expect("tape");
    assert!(tape.contains("ОТЧЁТ ОБ ОТКРЫТИИ СМЕНЫ"), "{tape}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Unused port end kept alive so the link does not look cut.
#[allow(dead_code)]
fn keep<P: Port>(_port: P) {}
