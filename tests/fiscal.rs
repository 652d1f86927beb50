//! Fiscalisation exactly once, against the emulator: the link cut at every
//! byte of a sale, and the till process killed at random instants. After
//! reconciling, every receipt is in the fiscal storage once: none lost,
//! none twice.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use kassa::clock::ManualClock;
use kassa::fiscal::{DocumentKind, FiscalRegister, FiscalState};
use kassa::sale::{Cart, Payment};
use kassa::till::{ActionId, Session, Till};
use kassa_fiscal::emulator::{serve, Device, DeviceClock};
use kassa_fiscal::port::{memory_pair, Fuse};
use kassa_fiscal::shtrih::link::Timeouts;
use kassa_fiscal::{Settings, ShtrihM};

use crate::util::{demo_db, demo_till, m, q};

const KASSA: &str = env!("CARGO_BIN_EXE_kassa");

fn settings() -> Settings {
    Settings {
        timeouts: Timeouts {
            byte: Duration::from_millis(50),
            ack: Duration::from_millis(50),
            answer: Duration::from_millis(500),
            retries: 2,
        },
        ..Settings::default()
    }
}

/// A register on a new in-memory link to the emulated device.
pub(crate) fn plug(device: &Arc<Mutex<Device>>, fuse: &Fuse) -> Box<dyn FiscalRegister> {
    let (host, mut end) = memory_pair(fuse.clone());
    let device = Arc::clone(device);
    std::thread::spawn(move || {
        let _ = serve(&mut end, &device, &AtomicBool::new(false));
    });
    Box::new(ShtrihM::new(host, settings()))
}

/// Till T2 on the demo books, E1 logged in, attached to an emulated
/// register on `clock`, with a shift open on both.
pub(crate) fn open_on_emulator(dir: &Path, clock: DeviceClock) -> (Till, Session, Arc<Mutex<Device>>) {
    let (till, session, device, _) = open_on_emulator_with_clock(dir, clock);
    (till, session, device)
}

/// [`open_on_emulator`], with the till's own clock.
pub(crate) fn open_on_emulator_with_clock(
    dir: &Path,
    clock: DeviceClock,
) -> (Till, Session, Arc<Mutex<Device>>, ManualClock) {
    let path = demo_db(dir);
    let (mut till, till_clock) = demo_till(&path, "2026-11-26T10:00:00+03:00");
    let device = Arc::new(Mutex::new(Device::new(clock)));
    let session = till.login("E1", "1111").expect("login");
    till.attach_register(plug(&device, &Fuse::intact())).expect("attach");
    till.open_shift(&session, &ActionId::new()).expect("open");
    till.fiscalize_pending().expect("the register's shift opens");
    (till, session, device, till_clock)
}

/// Receipt documents in the fiscal storage: (number, sign, total).
pub(crate) fn receipt_documents(device: &Arc<Mutex<Device>>) -> Vec<(u32, u8, u64)> {
    let device = device.lock().expect("device");
    device
        .state()
        .documents
        .iter()
        .filter(|doc| doc.doc_type == 3)
        .map(|doc| (doc.number, doc.sign, doc.value))
        .collect()
}

#[test]
fn a_link_cut_at_every_byte_of_a_sale_loses_and_doubles_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut till, session, device) = open_on_emulator(dir.path(), kassa_fiscal::emulator::local_clock());
    till.cash_in(&session, &ActionId::new(), m("3000.00")).expect("float");
    till.fiscalize_pending().expect("cash in on the register");
    assert!(till.fiscal_error().is_none());

    // Bread ×2, 0.350 kg of cheese and coffee, 1 000.00 in cash: 91.00 +
    // 314.65 + 449.00 = 854.65, change 145.35.
    let sell = |till: &mut Till| {
        let mut cart = Cart::new();
        till.scan(&session, &mut cart, "4600010010011").expect("bread");
        till.scan(&session, &mut cart, "4600010010011").expect("bread again");
        till.scan(&session, &mut cart, "2001005003506").expect("weighed cheese");
        till.add_product(&session, &mut cart, "1008", q("1")).expect("coffee");
        let receipt = till
            .pay(&session, &ActionId::new(), &cart, &[Payment::cash(m("1000.00"))])
            .expect("the sale is booked whatever the register does");
        // The worker sends it; wait for the outcome.
        let _ = till.fiscalize_pending();
        receipt
    };

    // A whole sale on a link never cut: how many bytes it crosses.
    let fuse = Fuse::intact();
    till.attach_register(plug(&device, &fuse)).expect("attach");
    till.fiscalize_pending().expect("reconcile");
    let start = fuse.crossed();
    assert_eq!(sell(&mut till).total(), m("854.65"));
    let whole = fuse.crossed() - start;
    let mut sales = 1usize;
    assert!(whole > 300, "a sale of three lines crosses {whole} bytes");

    for cut in 0..whole {
        // Reconnect (a restart of the till), reconcile, then cut the link
        // `cut` bytes into the sale.
        let fuse = Fuse::intact();
        till.attach_register(plug(&device, &fuse)).expect("attach");
        till.fiscalize_pending().expect("reconciles on an intact link");
        let start = fuse.crossed();
        fuse.set_limit(Some(start + cut));
        sell(&mut till);
        sales += 1;
        assert_eq!(fuse.crossed() - start, cut, "the link carried bytes past the cut");
        assert!(till.fiscal_error().is_some(), "a cut at byte {cut} is reported");
    }

    // The last restart reconciles everything.
    till.attach_register(plug(&device, &Fuse::intact())).expect("attach");
    till.fiscalize_pending().expect("final reconcile");
    let documents = receipt_documents(&device);
    let registered = till
        .db()
        .fiscal_documents("S1", "T2")
        .expect("fiscal documents of the till");
    assert!(
        till.db().fiscal_pending("S1", "T2").expect("pending").is_empty(),
        "lost: none pending"
    );
    assert_eq!(registered.len(), sales, "every sale registered");
    assert_eq!(
        documents.len(),
        sales,
        "duplicated: the fiscal storage holds one receipt per sale"
    );
    for (receipt, number) in &registered {
        assert!(
            documents.contains(&(*number, 1, 85_465)),
            "{receipt} is registered as FD {number}, a sale of 854.65"
        );
        match till.fiscal_state(receipt).expect("state") {
            FiscalState::Registered { number: n, .. } => assert_eq!(n, *number),
            other => panic!("{receipt}: {other:?}"),
        }
    }
    let mut numbers: Vec<u32> = registered.iter().map(|(_, n)| *n).collect();
    numbers.dedup();
    assert_eq!(numbers.len(), sales, "no two receipts share a fiscal document");
    // The register's drawer agrees with the till's: float + cash of every sale.
    let drawer = device.lock().expect("device").state().cash;
    assert_eq!(drawer as i64, till.cash_in_drawer().expect("drawer").kopecks());
    assert_eq!(drawer, 300_000 + 85_465 * sales as u64);
    eprintln!("{sales} sales, a whole sale crosses {whole} bytes, cut at each");
}

#[test]
fn the_register_refusing_keeps_the_sale_pending_until_it_can() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut till, session, device) = open_on_emulator(dir.path(), kassa_fiscal::emulator::local_clock());
    device.lock().expect("device").state_mut().paper = false;
    let mut cart = Cart::new();
    till.add_product(&session, &mut cart, "1003", q("1")).expect("milk");
    let receipt = till
        .pay(&session, &ActionId::new(), &cart, &[Payment::card(m("89.90"))])
        .expect("booked");
    let outcome = till.fiscalize_pending();
    assert!(outcome.is_err(), "{outcome:?}");
    let error = till.fiscal_error().expect("the cashier is told").to_string();
    assert!(error.contains("нет чековой ленты"), "{error}");
    assert!(matches!(
        till.fiscal_state(receipt.id()).expect("state"),
        FiscalState::Pending { last_error: Some(_) }
    ));
    device.lock().expect("device").state_mut().paper = true;
    assert_eq!(till.fiscalize_pending().expect("retry"), 1);
    assert_eq!(receipt_documents(&device), vec![(2, 1, 8_990)]);
}

/// The emulator's fiscal documents of receipts, read from its state file.
fn documents_in(state: &Path) -> Vec<(u64, u64)> {
    let text = std::fs::read_to_string(state).expect("emulator state");
    let json: serde_json::Value = serde_json::from_str(&text).expect("state is JSON");
    json["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .filter(|doc| doc["doc_type"] == 3)
        .map(|doc| (doc["number"].as_u64().unwrap_or(0), doc["value"].as_u64().unwrap_or(0)))
        .collect()
}

#[test]
fn killing_the_till_process_at_random_instants_loses_and_doubles_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kassa.db");
    let link = dir.path().join("kkt");
    let state = dir.path().join("kkt.json");
    let run = |args: &[&str]| {
        let out = Command::new(KASSA)
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .expect("kassa runs");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["init", "--demo"]);
    let mut emulator = Command::new(KASSA)
        .args(["fiscal-emulator", "--port"])
        .arg(&link)
        .stderr(Stdio::null())
        .spawn()
        .expect("emulator starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !link.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let link_text = link.to_string_lossy().into_owned();
    run(&[
        "--employee",
        "E4",
        "--pin",
        "4444",
        "fiscal-device",
        "--till",
        "T9",
        "--port",
        &link_text,
        "--baud",
        "115200",
    ]);

    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(7)
        | 1;
    eprintln!("kill seed {seed}");
    let mut random = seed;
    for _ in 0..20 {
        let mut child = Command::new(KASSA)
            .arg("--db")
            .arg(&db)
            .args(["simulate-sales", "--fiscal"])
            .stderr(Stdio::null())
            .spawn()
            .expect("simulator starts");
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        std::thread::sleep(Duration::from_millis(150 + random % 500));
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
    }
    // A last start reconciles whatever the kills left.
    run(&["simulate-sales", "--fiscal", "--count", "1"]);
    let _ = emulator.kill();
    let _ = emulator.wait();

    let conn = rusqlite::Connection::open(&db).expect("open");
    let receipts: Vec<(String, i64)> = conn
        .prepare("SELECT r.id, r.total FROM receipts r JOIN shifts s ON s.id = r.shift WHERE s.till = 'T9' ORDER BY r.at_utc")
        .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("receipts");
    let registered: Vec<(String, u64)> = conn
        .prepare("SELECT receipt, fd_number FROM fiscal_queue WHERE till = 'T9' AND fd_number IS NOT NULL")
        .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("registered");
    let documents = documents_in(&state);
    assert!(receipts.len() > 20, "the simulator sold: {}", receipts.len());
    let waiting: Vec<(String, i64, Option<String>)> = conn
        .prepare("SELECT receipt, parked, last_error FROM fiscal_queue WHERE till = 'T9' AND fd_number IS NULL")
        .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
        .expect("waiting");
    assert_eq!(
        registered.len(),
        receipts.len(),
        "lost: every receipt is registered; waiting: {waiting:?}"
    );
    assert_eq!(
        documents.len(),
        receipts.len(),
        "duplicated: one fiscal receipt per sale"
    );
    for (receipt, number) in &registered {
        let total = receipts.iter().find(|(id, _)| id == receipt).map(|(_, t)| *t as u64);
        assert!(
            documents.iter().any(|(n, value)| n == number && Some(*value) == total),
            "{receipt} as FD {number}"
        );
    }
    eprintln!("{} receipts after 20 kills, each registered once", receipts.len());
}

#[test]
fn a_closed_register_shift_expires_after_24_hours() {
    let dir = tempfile::tempdir().expect("tempdir");
    let now = Arc::new(Mutex::new(
        chrono::NaiveDate::from_ymd_opt(2026, 11, 26)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .expect("time"),
    ));
    let clock_now = Arc::clone(&now);
    let (mut till, session, device, till_clock) =
        open_on_emulator_with_clock(dir.path(), Arc::new(move || *clock_now.lock().expect("clock")));
    *now.lock().expect("clock") += chrono::Duration::hours(25);
    till_clock.advance(chrono::Duration::hours(25));
    let mut cart = Cart::new();
    till.add_product(&session, &mut cart, "1003", q("1")).expect("milk");
    let refused = till.pay(&session, &ActionId::new(), &cart, &[Payment::card(m("89.90"))]);
    assert!(
        matches!(refused, Err(kassa::error::Error::ShiftOver24Hours(_))),
        "{refused:?}"
    );
    // Nothing was booked.
    assert_eq!(till.x_report(&session).expect("X").sales_count, 0);
    // Z closes both; a new shift sells again.
    till.close_shift(&session, &ActionId::new()).expect("Z");
    till.open_shift(&session, &ActionId::new()).expect("new shift");
    let receipt = till
        .pay(&session, &ActionId::new(), &cart, &[Payment::card(m("89.90"))])
        .expect("sells");
    till.fiscalize_pending().expect("registered");
    assert!(matches!(
        till.fiscal_state(receipt.id()).expect("state"),
        FiscalState::Registered { number: 4, .. }
    ));
    let kinds: Vec<DocumentKind> = {
        let device = device.lock().expect("device");
        device
            .state()
            .documents
            .iter()
            .map(|doc| match doc.doc_type {
                2 => DocumentKind::ShiftOpen,
                5 => DocumentKind::ShiftClose,
                other => DocumentKind::Other(other),
            })
            .collect()
    };
    assert_eq!(
        kinds,
        vec![
            DocumentKind::ShiftOpen,
            DocumentKind::ShiftClose,
            DocumentKind::ShiftOpen,
            DocumentKind::Other(3)
        ]
    );
}
