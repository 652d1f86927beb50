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

/// A directory of this test's own (tests run in parallel).
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kassa-fiscal-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn cash(amount: u64) -> FiscalPayments {
    FiscalPayments {
        cash: amount,
        ..Default::default()
    }
}

fn correction(sign: CalculationSign, kind: CorrectionKind, lines: Vec<FiscalLine>, paid: u64) -> CorrectionReceipt {
    CorrectionReceipt {
        sign,
        kind,
        date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(),
        lines,
        payments: cash(paid),
        tax_system: 1,
        cashier: "Иванова".into(),
    }
}

const MAX: u64 = MAX_AMOUNT_KOPECKS;

/// The amount of an [`FiscalError::AmountTooLarge`].
fn refused<T: std::fmt::Debug>(result: Result<T, FiscalError>) -> u64 {
    match result {
        Err(FiscalError::AmountTooLarge { kopecks }) => kopecks,
        other => panic!("expected AmountTooLarge, got {other:?}"),
    }
}

#[test]
fn amounts_at_the_limit_go_through_and_one_kopeck_more_sends_nothing() {
    let device = Arc::new(Mutex::new(Device::new(fixed_clock())));
    let fuse = Fuse::intact();
    let mut register = connect(&device, fuse.clone());
    register.open_shift("Иванова").expect("open shift");
    let sent = fuse.crossed();

    // 99 999 999 999.99 ₽ used to be cut to 1 043 953 500.15 ₽ on the wire.
    assert_eq!(refused(register.cash_in(9_999_999_999_999)), 9_999_999_999_999);
    assert_eq!(refused(register.cash_in(MAX + 1)), MAX + 1);
    assert_eq!(refused(register.cash_out(MAX + 1)), MAX + 1);
    // A line sum of all 0xFF would mean "the device computes it".
    let too_big_line = receipt(
        CalculationSign::Sale,
        vec![line(
            "Слиток",
            1_000,
            MAX_LINE_SUM_KOPECKS + 1,
            MAX_LINE_SUM_KOPECKS + 1,
            VatRate::NoVat,
        )],
        cash(MAX),
    );
    assert_eq!(refused(register.register(&too_big_line)), MAX);
    // Each line fits, the total does not.
    let too_big_total = receipt(
        CalculationSign::Sale,
        vec![
            line(
                "Слиток",
                1_000,
                MAX_LINE_SUM_KOPECKS,
                MAX_LINE_SUM_KOPECKS,
                VatRate::NoVat,
            ),
            line("Пакет", 1_000, 2, 2, VatRate::NoVat),
        ],
        cash(MAX),
    );
    assert_eq!(refused(register.register(&too_big_total)), MAX + 1);
    // A unit price past the limit, even with a small discounted sum.
    let too_big_price = receipt(
        CalculationSign::Sale,
        vec![line("Слиток", 1_000, MAX + 1, 100, VatRate::NoVat)],
        cash(100),
    );
    assert_eq!(refused(register.register(&too_big_price)), MAX + 1);
    // The unit price derived from a discounted sum over a tiny quantity:
    // 1 000 × the sum, past the limit.
    let derived_price = receipt(
        CalculationSign::Sale,
        vec![line("Шафран", 1, MAX, MAX / 1_000 + 2, VatRate::NoVat)],
        cash(MAX),
    );
    assert_eq!(refused(register.register(&derived_price)), 1_099_511_629_000);
    // Payments: one too large, or all together (the change must fit too).
    let small = vec![line("Хлеб", 1_000, 4_550, 4_550, VatRate::Vat10)];
    let overpaid = receipt(CalculationSign::Sale, small.clone(), cash(MAX + 1));
    assert_eq!(refused(register.register(&overpaid)), MAX + 1);
    let mut split = receipt(CalculationSign::Sale, small.clone(), cash(MAX));
    split.payments.card = 1;
    assert_eq!(refused(register.register(&split)), MAX + 1);
    let corrected = correction(
        CalculationSign::Sale,
        CorrectionKind::SelfInitiated,
        small.clone(),
        MAX + 1,
    );
    assert_eq!(refused(register.register_correction(&corrected)), MAX + 1);
    // Not one byte crossed the link for any of them.
    assert_eq!(fuse.crossed(), sent);

    // At the limit: a cash in, and a receipt whose total is the limit.
    register.cash_in(MAX).expect("cash in at the limit");
    assert_eq!(register.cash_in_drawer().expect("drawer"), MAX);
    let at_limit = receipt(
        CalculationSign::Sale,
        vec![
            line(
                "Слиток",
                1_000,
                MAX_LINE_SUM_KOPECKS,
                MAX_LINE_SUM_KOPECKS,
                VatRate::NoVat,
            ),
            line("Пакет", 1_000, 1, 1, VatRate::NoVat),
        ],
        cash(MAX),
    );
    let document = register.register(&at_limit).expect("a receipt at the limit");
    let expected = DocumentKind::Receipt {
        sign: CalculationSign::Sale,
        total: 0xFF_FFFF_FFFF,
    };
    assert_eq!(document.kind, expected);
    assert_eq!(register.document(document.number).expect("read back").kind, expected);
    assert_eq!(register.cash_in_drawer().expect("drawer"), 2 * MAX);
    let device = device.lock().expect("device");
    let stored = device.state().documents.last().copied().expect("stored");
    assert_eq!((stored.doc_type, stored.sign, stored.value), (3, 1, 1_099_511_627_775));
    assert_eq!(device.state().registers[4], MAX);
    let tape = device.tape.lines().join("\n");
    assert!(tape.contains("ИТОГ =10995116277.75"), "{tape}");
}

#[test]
fn a_zero_receipt_is_refused_before_any_byte() {
    let device = Arc::new(Mutex::new(Device::new(fixed_clock())));
    let fuse = Fuse::intact();
    let mut register = connect(&device, fuse.clone());
    register.open_shift("Иванова").expect("open shift");
    let sent = fuse.crossed();
    // A gift alone, nothing at all, and a correction of a sale of 0.
    let gift = vec![line("Подарок", 1_000, 0, 0, VatRate::Vat22)];
    let zero = |result: Result<FiscalDocument, FiscalError>| matches!(result, Err(FiscalError::ZeroTotal));
    assert!(zero(register.register(&receipt(
        CalculationSign::Sale,
        gift.clone(),
        cash(0)
    ))));
    assert!(zero(register.register(&receipt(
        CalculationSign::SaleReturn,
        vec![],
        cash(0)
    ))));
    let corrected = correction(CalculationSign::Sale, CorrectionKind::SelfInitiated, gift.clone(), 0);
    assert!(zero(register.register_correction(&corrected)));
    assert_eq!(fuse.crossed(), sent);
    // A gift beside a paid line is fine.
    let mut lines = gift;
    lines.push(line("Хлеб", 1_000, 4_550, 4_550, VatRate::Vat10));
    let document = register
        .register(&receipt(CalculationSign::Sale, lines, cash(5_000)))
        .expect("sale with a gift");
    assert_eq!(
        document.kind,
        DocumentKind::Receipt {
            sign: CalculationSign::Sale,
            total: 4_550
        }
    );
}

/// A port that keeps a copy of every byte the host sends.
struct Tap {
    port: MemoryPort,
    sent: Arc<Mutex<Vec<u8>>>,
}

impl Port for Tap {
    fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if let Ok(mut sent) = self.sent.lock() {
            sent.extend_from_slice(bytes);
        }
        self.port.send(bytes)
    }

    fn recv(&mut self, timeout: Duration) -> std::io::Result<Option<u8>> {
        self.port.recv(timeout)
    }
}

/// The command frames in what the host sent, as hex.
fn frames_sent(sent: &Arc<Mutex<Vec<u8>>>) -> Vec<String> {
    let bytes = std::mem::take(&mut *sent.lock().expect("log"));
    crate::shtrih::frame::Decoder::new()
        .push_all(&bytes)
        .into_iter()
        .filter_map(|token| match token {
            crate::shtrih::frame::Token::Frame(payload) => Some(
                payload
                    .iter()
                    .map(|byte| format!("{byte:02X}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => None,
        })
        .collect()
}

#[test]
fn a_correction_receipt_is_sent_registered_and_read_back() {
    let device = Arc::new(Mutex::new(Device::new(fixed_clock())));
    let (host, mut dev) = memory_pair(Fuse::intact());
    {
        let device = Arc::clone(&device);
        std::thread::spawn(move || {
            let stop = AtomicBool::new(false);
            let _ = serve(&mut dev, &device, &stop);
        });
    }
    let sent = Arc::new(Mutex::new(Vec::new()));
    let tap = Tap {
        port: host,
        sent: Arc::clone(&sent),
    };
    let mut register = ShtrihM::new(tap, fast());
    register.open_shift("Иванова").expect("open shift");
    let before = register.status().expect("status").last_document;
    frames_sent(&sent);

    // Bread sold on 20.11.2026 without a receipt, corrected by order 12-34.
    let corrected = correction(
        CalculationSign::Sale,
        CorrectionKind::ByOrder { number: "12-34".into() },
        vec![line("Хлеб", 1_000, 4_550, 4_550, VatRate::Vat10)],
        5_000,
    );
    let document = register.register_correction(&corrected).expect("correction");
    let mut close = String::from("FF 45 1E 00 00 00 88 13 00 00 00");
    close.push_str(&" 00".repeat(75 + 1 + 30));
    close.push_str(" 01");
    assert_eq!(
        frames_sent(&sent),
        vec![
            // Open a correction of a sale (0x80 + type 0).
            "8D 1E 00 00 00 80".to_owned(),
            // 1 × 45.50, sum 45.50, tax sum by the device, 10 %, department 1, 1214 = 4, 1212 = 1, "Хлеб".
            "FF 46 1E 00 00 00 01 40 42 0F 00 00 00 C6 11 00 00 00 C6 11 00 00 00 FF FF FF FF FF 02 01 04 01 D5 EB E5 E1"
                .to_owned(),
            // 1173 = 1 (by order).
            "FF 0C 1E 00 00 00 95 04 01 00 01".to_owned(),
            // 1174 = {1178: 20.11.2026 00:00 as UnixTime 1795132800, 1179: "12-34"}.
            "FF 0C 1E 00 00 00 96 04 11 00 9A 04 04 00 80 8D FF 6A 9B 04 05 00 31 32 2D 33 34".to_owned(),
            // Close: 50.00 cash, nothing else, ОСН.
            close,
        ]
    );
    let expected = DocumentKind::Correction {
        sign: CalculationSign::Sale,
        total: 4_550,
    };
    assert_eq!((document.number, document.kind), (before + 1, expected));
    assert_eq!(register.document(document.number).expect("read back"), document);
    {
        let device = device.lock().expect("device");
        let state = device.state();
        assert_eq!(state.documents.len(), 2);
        let stored = state.documents[1];
        assert_eq!((stored.doc_type, stored.sign, stored.value), (31, 1, 4_550));
        // The cash came in; the sales register counts sales only.
        assert_eq!((state.cash, state.registers[4]), (4_550, 0));
        let tape = device.tape.lines().join("\n");
        assert!(
            tape.contains(
                "КАССОВЫЙ ЧЕК КОРРЕКЦИИ\nПРИХОД\nПО ПРЕДПИСАНИЮ № 12-34\nДАТА РАСЧЁТА 20.11.2026\nСМЕНА 1  ЧЕК 1\nХлеб\n  1 x 45.50 =45.50  НДС 10%\nИТОГ =45.50"
            ),
            "{tape}"
        );
        assert!(tape.contains("&s=45.50&fn=9999078900012345&i=2&"), "{tape}");
    }

    frames_sent(&sent);
    // A self-initiated correction of a return: no 1179.
    let refund = correction(
        CalculationSign::SaleReturn,
        CorrectionKind::SelfInitiated,
        vec![line("Хлеб", 1_000, 4_550, 4_550, VatRate::Vat10)],
        4_550,
    );
    let document = register.register_correction(&refund).expect("correction of a return");
    assert_eq!(
        document.kind,
        DocumentKind::Correction {
            sign: CalculationSign::SaleReturn,
            total: 4_550
        }
    );
    let frames = frames_sent(&sent);
    assert_eq!(frames[0], "8D 1E 00 00 00 82");
    assert_eq!(frames[2], "FF 0C 1E 00 00 00 95 04 01 00 00");
    assert_eq!(frames[3], "FF 0C 1E 00 00 00 96 04 08 00 9A 04 04 00 80 8D FF 6A");

    // An order number too long for 1179 is refused before sending.
    let long = correction(
        CalculationSign::Sale,
        CorrectionKind::ByOrder { number: "1".repeat(33) },
        vec![line("Хлеб", 1_000, 4_550, 4_550, VatRate::Vat10)],
        4_550,
    );
    assert!(matches!(
        register.register_correction(&long),
        Err(FiscalError::Invalid(_))
    ));
    assert!(frames_sent(&sent).is_empty());

    // A sale after it works as ever.
    let sale = receipt(
        CalculationSign::Sale,
        vec![line("Молоко", 1_000, 8_990, 8_990, VatRate::Vat10)],
        cash(10_000),
    );
    let sold = register.register(&sale).expect("sale after a correction");
    assert_eq!(
        (sold.number, sold.kind),
        (
            before + 3,
            DocumentKind::Receipt {
                sign: CalculationSign::Sale,
                total: 8_990
            }
        )
    );
    let status = register.status().expect("status");
    assert!(!status.receipt_open);
    assert_eq!(status.last_document, before + 3);
}

fn in_use(path: &std::path::Path) -> String {
    format!(
        "the fiscal register emulator {} is in use by another program",
        path.display()
    )
}

#[test]
fn one_device_at_a_time_on_a_state_file() {
    let dir = temp_dir("lock");
    let path = dir.join("register.json");
    let mut first = Device::open(path.clone(), fixed_clock()).expect("first");
    // Open a shift on the first (FF41, E0), saved to the file.
    first.handle(&[0xFF, 0x41, 30, 0, 0, 0]);
    assert_eq!(first.handle(&[0xE0, 30, 0, 0, 0]), vec![0xE0, 0x00, 30]);

    let started = std::time::Instant::now();
    let error = match Device::open_waiting(path.clone(), fixed_clock(), Duration::from_millis(300)) {
        Err(error) => error,
        Ok(_) => panic!("a second device opened while the first held the register"),
    };
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(error.kind(), std::io::ErrorKind::WouldBlock);
    assert_eq!(error.to_string(), in_use(&path));

    // Let go while the second waits: it gets in, and reads what the first wrote.
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        drop(first);
    });
    let second = Device::open(path.clone(), fixed_clock()).expect("second, after the first let go");
    releaser.join().expect("releaser");
    assert!(second.state().shift_open);
    assert_eq!(second.state().last_document(), 1);
    drop(second);
    // A register in memory locks nothing.
    let _free = Device::new(fixed_clock());
    Device::open_waiting(path, fixed_clock(), Duration::ZERO).expect("free again");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_built_in_emulator_lets_go_when_its_port_is_dropped() {
    let dir = temp_dir("spawn");
    let path = dir.join("register.json");
    let port = crate::emulator::spawn_in_memory(path.clone()).expect("spawn");
    let mut register = ShtrihM::new(port, fast());
    register.open_shift("Иванова").expect("open shift");
    register.cash_in(10_000).expect("cash in");
    // While the port is held, the register is taken.
    match Device::open_waiting(path.clone(), fixed_clock(), Duration::from_millis(100)) {
        Err(error) => assert_eq!(error.kind(), std::io::ErrorKind::WouldBlock),
        Ok(_) => panic!("opened while the built-in emulator served"),
    }
    drop(register);
    // The serving thread ends and lets go; the next one finds the state.
    let device = Device::open(path.clone(), fixed_clock()).expect("open after the port was dropped");
    assert_eq!(device.state().cash, 10_000);
    drop(device);
    let port = crate::emulator::spawn_in_memory(path).expect("spawn again");
    let mut register = ShtrihM::new(port, fast());
    assert_eq!(register.cash_in_drawer().expect("drawer"), 10_000);
    drop(register);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Set in the child process of [`another_process_waits_for_the_register`]:
/// `busy:PATH` or `free:PATH`.
const LOCK_CHILD: &str = "KASSA_FISCAL_LOCK_CHILD";

#[test]
fn another_process_waits_for_the_register() {
    if let Ok(task) = std::env::var(LOCK_CHILD) {
        // The child: try the register for a moment.
        let (expect, path) = task.split_once(':').expect("busy:PATH or free:PATH");
        let path = std::path::PathBuf::from(path);
        let result = Device::open_waiting(path.clone(), fixed_clock(), Duration::from_millis(300));
        match (expect, result) {
            ("busy", Err(error)) => {
                assert_eq!(error.kind(), std::io::ErrorKind::WouldBlock);
                assert_eq!(error.to_string(), in_use(&path));
            }
            ("free", Ok(device)) => assert!(device.state().shift_open),
            (expect, result) => panic!("expected {expect}, got {:?}", result.map(|_| ())),
        }
        return;
    }
    let dir = temp_dir("process");
    let path = dir.join("register.json");
    let child = |expect: &str| {
        std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "--exact",
                "tests::another_process_waits_for_the_register",
                "--test-threads=1",
            ])
            .env(LOCK_CHILD, format!("{expect}:{}", path.display()))
            .output()
            .expect("child runs")
    };
    let mut device = Device::open(path.clone(), fixed_clock()).expect("open");
    device.handle(&[0xFF, 0x41, 30, 0, 0, 0]);
    device.handle(&[0xE0, 30, 0, 0, 0]);
    let busy = child("busy");
    assert!(busy.status.success(), "{}", String::from_utf8_lossy(&busy.stdout));
    assert!(String::from_utf8_lossy(&busy.stdout).contains("1 passed"));
    drop(device);
    let free = child("free");
    assert!(free.status.success(), "{}", String::from_utf8_lossy(&free.stdout));
    assert!(String::from_utf8_lossy(&free.stdout).contains("1 passed"));
    let _ = std::fs::remove_dir_all(&dir);
}
