//! A till that cannot be wedged: each case here once stopped a till in
//! testing (the hardening issue). Each test fails without its fix.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use kassa::error::Error;
use kassa::fiscal::{FiscalDocument, FiscalError, FiscalReceipt, FiscalRegister, FiscalState, RegisterStatus};
use kassa::sale::{Cart, Payment};
use kassa::till::{ActionId, ReturnLine};
use kassa_fiscal::emulator::Device;
use kassa_fiscal::{CorrectionKind, CorrectionReceipt, DeviceError, MarkingCheck};

use crate::fiscal::{open_on_emulator, open_on_emulator_with_clock, receipt_documents};
use crate::util::{at, demo_db, demo_till, dump, kassa, login, m, q, KASSA};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Fiscal documents of every kind in the emulator: (type, sign, value).
fn documents(device: &Arc<Mutex<Device>>) -> Vec<(u8, u8, u64)> {
    let device = device.lock().expect("device");
    device
        .state()
        .documents
        .iter()
        .map(|doc| (doc.doc_type, doc.sign, doc.value))
        .collect()
}

#[test]
fn a_gift_only_return_needs_no_fiscal_receipt_and_the_next_day_sells() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut till, anna, device, clock) =
        open_on_emulator_with_clock(dir.path(), kassa_fiscal::emulator::local_clock());
    // Two coffees (449.00 each) and two chocolates: 1 017.00 after the
    // 2-for-1, over 1 000.00, so the bag (1013) comes as a gift at 0.00.
    let mut cart = Cart::new();
    till.add_product(&anna, &mut cart, "1010", q("2")).expect("chocolate");
    till.add_product(&anna, &mut cart, "1008", q("2")).expect("coffee");
    let sale = till
        .pay(&anna, &ActionId::new(), &cart, &[Payment::card(m("1017.00"))])
        .expect("sale");
    // The buyer brings back only the bag: 0.00, no money moves.
    let back = till
        .return_sale(
            &anna,
            &ActionId::new(),
            sale.id(),
            &[ReturnLine {
                sku: "1013".into(),
                qty: q("1"),
            }],
        )
        .expect("the bag comes back");
    assert_eq!(back.total(), m("0.00"));
    assert_eq!(
        till.fiscalize_pending().expect("nothing wedges"),
        1,
        "only the sale goes"
    );
    assert!(till.fiscal_error().is_none());
    assert_eq!(till.fiscal_state(back.id()).expect("state"), FiscalState::NotQueued);
    // The register never saw a zero receipt: shift opening, the sale.
    assert_eq!(receipt_documents(&device), [(2, 1, 101_700)]);

    till.close_shift(&anna, &ActionId::new()).expect("Z");
    till.fiscalize_pending().expect("Z on the register");
    clock.set(at("2026-11-27T09:30:00+03:00"));
    till.open_shift(&anna, &ActionId::new()).expect("the next day opens");
    let mut cart = Cart::new();
    till.add_product(&anna, &mut cart, "1003", q("1")).expect("milk");
    let next = till
        .pay(&anna, &ActionId::new(), &cart, &[Payment::card(m("89.90"))])
        .expect("the next day sells");
    till.fiscalize_pending().expect("registered");
    assert!(matches!(
        till.fiscal_state(next.id()).expect("state"),
        FiscalState::Registered {
            number: 5,
            correction: false,
            ..
        }
    ));
    // open, sale, close, open, sale.
    let kinds: Vec<u8> = documents(&device).iter().map(|d| d.0).collect();
    assert_eq!(kinds, [2, 3, 5, 2, 3]);
}

/// A register that refuses the next receipts with a code of the
/// register's own (here 0x33, bad parameters), then works again.
struct Refusing {
    inner: Box<dyn FiscalRegister>,
    refusals: u32,
    /// Every receipt the till sent, as sent.
    sent: Arc<Mutex<Vec<FiscalReceipt>>>,
}

impl FiscalRegister for Refusing {
    fn status(&mut self) -> Result<RegisterStatus, FiscalError> {
        self.inner.status()
    }
    fn open_shift(&mut self, cashier: &str) -> Result<FiscalDocument, FiscalError> {
        self.inner.open_shift(cashier)
    }
    fn close_shift(&mut self, cashier: &str) -> Result<FiscalDocument, FiscalError> {
        self.inner.close_shift(cashier)
    }
    fn x_report(&mut self) -> Result<(), FiscalError> {
        self.inner.x_report()
    }
    fn cash_in(&mut self, amount: u64) -> Result<u16, FiscalError> {
        self.inner.cash_in(amount)
    }
    fn cash_out(&mut self, amount: u64) -> Result<u16, FiscalError> {
        self.inner.cash_out(amount)
    }
    fn register(&mut self, receipt: &FiscalReceipt) -> Result<FiscalDocument, FiscalError> {
        if let Ok(mut sent) = self.sent.lock() {
            sent.push(receipt.clone());
        }
        if self.refusals > 0 {
            self.refusals -= 1;
            return Err(FiscalError::Device(DeviceError {
                command: 0xFF46,
                code: 0x33,
            }));
        }
        self.inner.register(receipt)
    }
    fn register_correction(&mut self, correction: &CorrectionReceipt) -> Result<FiscalDocument, FiscalError> {
        self.inner.register_correction(correction)
    }
    fn cancel_receipt(&mut self) -> Result<(), FiscalError> {
        self.inner.cancel_receipt()
    }
    fn document(&mut self, number: u32) -> Result<FiscalDocument, FiscalError> {
        self.inner.document(number)
    }
    fn check_marking(
        &mut self,
        code: &str,
        sign: kassa::fiscal::CalculationSign,
        qty_milli: u64,
    ) -> Result<MarkingCheck, FiscalError> {
        self.inner.check_marking(code, sign, qty_milli)
    }
    fn cash_in_drawer(&mut self) -> Result<u64, FiscalError> {
        self.inner.cash_in_drawer()
    }
    fn open_drawer(&mut self) -> Result<(), FiscalError> {
        self.inner.open_drawer()
    }
    fn print_text(&mut self, lines: &[String]) -> Result<(), FiscalError> {
        self.inner.print_text(lines)
    }
}

#[test]
fn a_refused_receipt_is_parked_blocks_nothing_and_a_correction_registers_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut till, anna, device) = open_on_emulator(dir.path(), kassa_fiscal::emulator::local_clock());
    let events = till.fiscal_events().expect("a register is attached");
    let plugged = crate::fiscal::plug(&device, &kassa_fiscal::port::Fuse::intact());
    // Refused twice: the first refusal may be a state another program left
    // the register in, the second parks it.
    till.attach_register(Box::new(Refusing {
        inner: plugged,
        refusals: 2,
        sent: Arc::default(),
    }))
    .expect("attach");
    let sell = |till: &mut kassa::till::Till, sku: &str, total: &str| {
        let mut cart = Cart::new();
        till.add_product(&anna, &mut cart, sku, q("1")).expect("product");
        till.pay(&anna, &ActionId::new(), &cart, &[Payment::card(m(total))])
            .expect("booked")
    };
    let refused = sell(&mut till, "1003", "89.90");
    // Its own round and the next: refused twice.
    till.fiscalize_pending().expect("the queue goes on");
    let next = sell(&mut till, "1008", "449.00");
    till.fiscalize_pending().expect("the queue goes on");
    match till.fiscal_state(refused.id()).expect("state") {
        FiscalState::Parked { code, reason } => {
            assert_eq!(code, Some(0x33));
            assert!(reason.contains("0x33"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        till.fiscal_state(next.id()).expect("state"),
        FiscalState::Registered { number: 2, .. }
    ));
    let seen: Vec<kassa::fiscal::FiscalEvent> = events.try_iter().collect();
    assert!(
        seen.iter()
            .any(|e| matches!(e, kassa::fiscal::FiscalEvent::Refused { receipt, error }
            if receipt == refused.id() && error.code == 0x33)),
        "{seen:?}"
    );

    // The Z report goes through with the receipt parked.
    till.close_shift(&anna, &ActionId::new()).expect("Z");
    till.fiscalize_pending().expect("the register's shift closes");
    let kinds: Vec<u8> = documents(&device).iter().map(|d| d.0).collect();
    assert_eq!(kinds, [2, 3, 5]);

    // A cashier sees no parked list; a manager does, and corrects it.
    assert!(matches!(till.parked_receipts(&anna), Err(Error::Forbidden { .. })));
    let maria = login(&mut till, "E3");
    let parked = till.parked_receipts(&maria).expect("the manager's list");
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].receipt, refused.id());
    let document = till
        .correct_parked(&maria, refused.id(), CorrectionKind::SelfInitiated)
        .expect("the correction registers");
    assert!(matches!(
        till.fiscal_state(refused.id()).expect("state"),
        FiscalState::Registered { correction: true, number, .. } if number == document.number
    ));
    // A correction of a sale (sign 1) for 89.90, in a shift of its own.
    let last = documents(&device);
    assert_eq!(last.last(), Some(&(31, 1, 8_990)));
    assert!(till.parked_receipts(&maria).expect("list").is_empty());
    // The register's answer is the journal's `fiscal` record, nothing more.
    let conn = rusqlite::Connection::open(dir.path().join("kassa.db")).expect("open");
    let payload: String = conn
        .query_row(
            "SELECT payload FROM events WHERE type = 'fiscal' AND entity = ?1",
            [refused.id()],
            |r| r.get(0),
        )
        .expect("the fiscal record");
    let record: serde_json::Value = serde_json::from_str(&payload).expect("JSON");
    let keys: Vec<&str> = record.as_object().expect("object").keys().map(String::as_str).collect();
    assert_eq!(keys, ["type", "receipt", "fn", "fd", "fp", "at"]);
    assert_eq!(record["fd"], document.number);
    assert_eq!(record["fp"], document.fiscal_sign.to_string());
    assert_eq!(record["fn"].as_str().map(str::len), Some(16));
    assert!(matches!(
        till.correct_parked(&maria, refused.id(), CorrectionKind::SelfInitiated),
        Err(Error::NotParked(_))
    ));
}

#[test]
fn amounts_past_the_registers_fields_are_refused_before_booking() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut till, anna, _device) = open_on_emulator(dir.path(), kassa_fiscal::emulator::local_clock());
    let boss = login(&mut till, "E4");
    let path = dir.path().join("kassa.db");
    let before = dump(&path);
    // One kopeck past 10 995 116 277.75: refused, nothing written.
    let past = till.cash_in(&boss, &ActionId::new(), m("10995116277.76"));
    assert!(
        matches!(past, Err(Error::BeyondRegister { amount, .. }) if amount == m("10995116277.76")),
        "{past:?}"
    );
    let far = till.cash_in(&boss, &ActionId::new(), m("99999999999.99"));
    assert!(matches!(far, Err(Error::BeyondRegister { .. })), "{far:?}");
    assert_eq!(dump(&path), before, "nothing booked");
    // At the limit it goes through.
    till.cash_in(&anna, &ActionId::new(), m("10995116277.75"))
        .expect("the largest amount the register prints");
    assert_eq!(till.cash_in_drawer().expect("drawer"), m("10995116277.75"));
}

#[test]
fn a_clock_that_goes_back_still_sells_and_closes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let (mut till, clock) = demo_till(&path, "2026-11-26T10:00:00+03:00");
    let anna = login(&mut till, "E1");
    till.open_shift(&anna, &ActionId::new()).expect("open");
    clock.set(at("2026-11-26T10:30:00+03:00"));
    let mut cart = Cart::new();
    till.add_product(&anna, &mut cart, "1003", q("1")).expect("milk");
    till.pay(&anna, &ActionId::new(), &cart, &[Payment::cash(m("100.00"))])
        .expect("sale");
    // NTP steps the clock back two hours.
    clock.set(at("2026-11-26T08:30:00+03:00"));
    let late = till
        .pay(&anna, &ActionId::new(), &cart, &[Payment::cash(m("100.00"))])
        .expect("still sells");
    assert_eq!(late.draft().at.to_string(), "2026-11-26T10:30:00+03:00");
    let z = till.close_shift(&anna, &ActionId::new()).expect("still closes");
    assert_eq!(z.sales_count, 2);
    assert_eq!(z.sales, m("179.80"));
}

#[test]
fn a_marked_pack_is_sold_once_whatever_tail_the_scanner_adds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let (mut till, _clock) = demo_till(&path, "2026-11-26T10:00:00+03:00");
    let anna = login(&mut till, "E1");
    till.open_shift(&anna, &ActionId::new()).expect("open");
    let pack = "010460001001015821SNEAKER000001\u{1d}93dGVz";
    let same_pack_other_tail = "010460001001015821SNEAKER000001\u{1d}93AbCd";
    let mut cart = Cart::new();
    till.scan(&anna, &mut cart, pack).expect("the sneakers");
    till.pay(&anna, &ActionId::new(), &cart, &[Payment::card(m("3990.00"))])
        .expect("sold");
    let mut again = Cart::new();
    let twice = till.scan(&anna, &mut again, same_pack_other_tail);
    assert!(matches!(twice, Err(Error::MarkingSold { .. })), "{twice:?}");
}

#[test]
fn a_mistyped_till_is_refused_and_tills_exist_by_set_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    assert!(kassa(&db, &["init", "--demo"]).status.success());
    let before = dump(&db);
    let typo = kassa(
        &db,
        &["till", "--till", "t1", "--employee", "E1", "--pin", "1111", "open"],
    );
    assert_eq!(typo.status.code(), Some(1));
    assert!(
        stderr(&typo).contains("till `t1` of store S1 is not set up"),
        "{}",
        stderr(&typo)
    );
    assert_eq!(stderr(&typo).lines().count(), 1);
    assert_eq!(dump(&db), before, "nothing changed");
    let shown = kassa(&db, &["fiscal-device", "--till", "t1"]);
    assert_eq!(shown.status.code(), Some(1), "showing does not set a till up");
}

#[test]
fn changing_the_books_needs_an_employee_with_the_right() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    assert!(kassa(&db, &["init", "--demo"]).status.success());
    let journal = dir.path().join("j.jsonl");
    std::fs::write(
        &journal,
        r#"{"type":"employee","id":"E1","name":"Анна Иванова","role":"owner","commission_pct":"1.5"}"#,
    )
    .expect("journal");
    let journal = journal.to_str().expect("path");
    let before = dump(&db);
    let books_of = |dump: &str| {
        dump.split("## ")
            .filter(|table| !table.starts_with("events") && !table.starts_with("employees"))
            .collect::<Vec<_>>()
            .join("## ")
    };
    let nobody = kassa(&db, &["import", journal]);
    assert_eq!(nobody.status.code(), Some(1));
    assert!(stderr(&nobody).contains("--employee"), "{}", stderr(&nobody));
    // A cashier cannot make herself owner.
    let cashier = kassa(&db, &["--employee", "E1", "--pin", "1111", "import", journal]);
    assert_eq!(cashier.status.code(), Some(1));
    assert!(
        stderr(&cashier).contains("journal line 1: E1 has no right to manage_staff"),
        "{}",
        stderr(&cashier)
    );
    let device = kassa(
        &db,
        &[
            "fiscal-device",
            "--till",
            "T1",
            "--port",
            "none",
            "--employee",
            "E3",
            "--pin",
            "3333",
        ],
    );
    assert_eq!(device.status.code(), Some(1), "a manager does not change devices");
    assert!(
        stderr(&device).contains("E3 has no right to manage_staff"),
        "{}",
        stderr(&device)
    );
    // Nothing changed but the logins in the history.
    let books = |db: &Path| {
        dump(db)
            .split("## ")
            .filter(|table| !table.starts_with("events") && !table.starts_with("employees"))
            .collect::<Vec<_>>()
            .join("## ")
    };
    let before = books_of(&before);
    assert_eq!(books(&db), before, "nothing changed");
    let conn = rusqlite::Connection::open(&db).expect("open");
    let role: String = conn
        .query_row("SELECT role FROM employees WHERE id = 'E1'", [], |r| r.get(0))
        .expect("E1");
    assert_eq!(role, "cashier");
    drop(conn);
    // The owner may; the history says who.
    let owner = kassa(
        &db,
        &[
            "fiscal-device",
            "--till",
            "T7",
            "--port",
            "none",
            "--employee",
            "E4",
            "--pin",
            "4444",
        ],
    );
    assert!(owner.status.success(), "{}", stderr(&owner));
    let conn = rusqlite::Connection::open(&db).expect("open");
    let actor: String = conn
        .query_row(
            "SELECT actor FROM events WHERE type = 'fiscal_device' AND entity = 'S1/T7'",
            [],
            |r| r.get(0),
        )
        .expect("the device change is in the history");
    assert_eq!(actor, "E4");
}

#[test]
fn one_action_id_books_once_and_bad_input_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    assert!(kassa(&db, &["init", "--demo"]).status.success());
    let as_anna = ["till", "--employee", "E1", "--pin", "1111"];
    let before = dump(&db);
    let bad_float = kassa(&db, &[&as_anna[..], &["open", "--float", "1,50"]].concat());
    assert_eq!(bad_float.status.code(), Some(1));
    assert_eq!(stderr(&bad_float).lines().count(), 1, "{}", stderr(&bad_float));
    let bad_scan = kassa(&db, &[&as_anna[..], &["sell", "4600010010011", "123"]].concat());
    assert_eq!(bad_scan.status.code(), Some(1));
    // Nothing but the logins: no shift, no cash.
    let books = |dump: String| {
        dump.split("## ")
            .filter(|table| !table.starts_with("events") && !table.starts_with("employees"))
            .collect::<Vec<_>>()
            .join("## ")
    };
    assert_eq!(books(dump(&db)), books(before), "no shift was opened");

    let sell = [
        &as_anna[..],
        &["--action-id", "script-42", "sell", "1003:1", "--cash", "100.00"],
    ]
    .concat();
    let first = kassa(&db, &sell);
    assert!(first.status.success(), "{}", stderr(&first));
    let retried = kassa(&db, &sell);
    assert!(retried.status.success(), "{}", stderr(&retried));
    let receipt = |out: &Output| -> serde_json::Value {
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("receipt JSON")["receipt"].clone()
    };
    assert_eq!(receipt(&first), receipt(&retried));
    let conn = rusqlite::Connection::open(&db).expect("open");
    let sales: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM receipts r JOIN shifts s ON s.id = r.shift WHERE s.till = 'T1' AND s.id <> 'SH-1'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(sales, 1, "booked once");
}

#[test]
fn a_register_port_that_vanishes_keeps_the_sale_waiting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let link = dir.path().join("kkt");
    let start_emulator = || {
        let child = Command::new(KASSA)
            .args(["fiscal-emulator", "--port"])
            .arg(&link)
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("emulator starts");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !link.exists() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        child
    };
    assert!(kassa(&db, &["init", "--demo"]).status.success());
    let mut emulator = start_emulator();
    let port = link.to_str().expect("path");
    let owner = ["--employee", "E4", "--pin", "4444"];
    let set = kassa(
        &db,
        &[&owner[..], &["fiscal-device", "--till", "T1", "--port", port]].concat(),
    );
    assert!(set.status.success(), "{}", stderr(&set));
    let as_anna = ["till", "--employee", "E1", "--pin", "1111"];
    let sell = || kassa(&db, &[&as_anna[..], &["sell", "1003:1", "--cash", "100.00"]].concat());
    let state = |out: &Output| -> String {
        let receipt: serde_json::Value = serde_json::from_slice(&out.stdout).expect("receipt JSON");
        receipt["fiscal"]["state"].as_str().unwrap_or_default().to_owned()
    };
    assert_eq!(state(&sell()), "registered");
    // The USB cable is pulled: the port is gone.
    emulator.kill().expect("kill");
    emulator.wait().expect("reaped");
    let _ = std::fs::remove_file(&link);
    let kept = sell();
    assert!(kept.status.success(), "the sale is kept: {}", stderr(&kept));
    assert_eq!(state(&kept), "pending");
    assert_eq!(stderr(&kept).lines().count(), 1, "{}", stderr(&kept));
    // Plugged back in: the waiting receipt goes.
    let mut emulator = start_emulator();
    let retry = kassa(&db, &[&as_anna[..], &["fiscalize"]].concat());
    let _ = emulator.kill();
    let _ = emulator.wait();
    assert!(retry.status.success(), "{}", stderr(&retry));
    assert_eq!(String::from_utf8_lossy(&retry.stdout).trim(), "1 receipts registered");
}

/// Receipt documents (type 3) in an emulator's state file: (number, total).
fn emulated_receipts(state: &Path) -> Vec<(u64, u64)> {
    let Ok(text) = std::fs::read_to_string(state) else {
        return Vec::new();
    };
    let json: serde_json::Value = serde_json::from_str(&text).expect("state is JSON");
    json["documents"]
        .as_array()
        .map(|documents| {
            documents
                .iter()
                .filter(|doc| doc["doc_type"] == 3)
                .map(|doc| (doc["number"].as_u64().unwrap_or(0), doc["value"].as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn two_till_processes_share_the_built_in_register_without_doubling() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    assert!(kassa(&db, &["init", "--demo"]).status.success());
    let as_anna = ["till", "--employee", "E1", "--pin", "1111"];
    let open = kassa(&db, &[&as_anna[..], &["open", "--float", "1000.00"]].concat());
    assert!(open.status.success(), "{}", stderr(&open));
    // The desktop till and a script, say: two processes selling at once.
    let seller = |n: usize| {
        let db = db.clone();
        std::thread::spawn(move || {
            let mut failures = Vec::new();
            for _ in 0..n {
                let out = kassa(&db, &["till", "--employee", "E1", "--pin", "1111", "sell", "1003:1"]);
                if !out.status.success() || !stderr(&out).is_empty() {
                    failures.push(stderr(&out));
                }
            }
            failures
        })
    };
    let (first, second) = (seller(4), seller(4));
    let failures: Vec<String> = [first, second]
        .into_iter()
        .flat_map(|seller| seller.join().expect("seller"))
        .collect();
    assert!(failures.is_empty(), "{failures:?}");
    let state = dir.path().join("k.db.fiscal-emulator.json");
    let mut documents = emulated_receipts(&state);
    assert_eq!(documents.len(), 8, "one fiscal receipt per sale: {documents:?}");
    assert!(documents.iter().all(|(_, total)| *total == 8_990));
    documents.dedup_by_key(|(number, _)| *number);
    assert_eq!(documents.len(), 8, "no two share a fiscal document number");
    let conn = rusqlite::Connection::open(&db).expect("open");
    let waiting: i64 = conn
        .query_row("SELECT COUNT(*) FROM fiscal_queue WHERE fd_number IS NULL", [], |r| {
            r.get(0)
        })
        .expect("count");
    assert_eq!(waiting, 0, "every receipt registered");
}

#[test]
fn nothing_talks_to_the_register_before_a_login() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    assert!(kassa(&db, &["init", "--demo"]).status.success());
    let owner = ["--employee", "E4", "--pin", "4444"];
    let unplugged = dir.path().join("no-such-port");
    let unplugged = unplugged.to_str().expect("path");
    // A sale waits for a register that is not there.
    let set = |port: &str| {
        kassa(
            &db,
            &[&owner[..], &["fiscal-device", "--till", "T1", "--port", port]].concat(),
        )
    };
    assert!(set(unplugged).status.success());
    let sale = kassa(&db, &["till", "--employee", "E1", "--pin", "1111", "sell", "1003:1"]);
    assert!(sale.status.success(), "{}", stderr(&sale));
    assert!(set("emulator").status.success());
    let state = dir.path().join("k.db.fiscal-emulator.json");
    // Someone who cannot log in: the register is not touched.
    let stranger = kassa(&db, &["till", "--employee", "E9", "--pin", "9999", "x-report"]);
    assert_eq!(stranger.status.code(), Some(1));
    let wrong_pin = kassa(&db, &["till", "--employee", "E1", "--pin", "0000", "x-report"]);
    assert_eq!(wrong_pin.status.code(), Some(1));
    assert!(!state.exists(), "the register was not opened");
    // The cashier logs in: the waiting sale goes first.
    let x = kassa(&db, &["till", "--employee", "E1", "--pin", "1111", "x-report"]);
    assert!(x.status.success(), "{}", stderr(&x));
    assert_eq!(emulated_receipts(&state), [(2, 8_990)]);
}

#[test]
fn a_cashiers_mistakes_come_back_as_typed_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let (mut till, _clock) = demo_till(&path, "2026-11-26T10:00:00+03:00");
    let anna = login(&mut till, "E1");
    till.open_shift(&anna, &ActionId::new()).expect("open");
    let mut cart = Cart::new();
    let half = till.add_product(&anna, &mut cart, "1003", q("1.5"));
    assert!(
        matches!(&half, Err(Error::WholeUnitsOnly { sku, qty }) if sku == "1003" && *qty == q("1.5")),
        "{half:?}"
    );
    let empty = till.pay(&anna, &ActionId::new(), &cart, &[Payment::card(m("1.00"))]);
    assert!(matches!(empty, Err(Error::EmptyCart)), "{empty:?}");
    till.add_product(&anna, &mut cart, "1003", q("1")).expect("milk");
    let too_much = till.set_line_discount(&anna, &mut cart, 0, m("90.00"));
    assert!(
        matches!(&too_much, Err(Error::DiscountOverLimit { actor, .. }) if actor == "E1"),
        "{too_much:?}"
    );
    // The owner gives 100.00 off a kilo of apples (129.90); the scale
    // then says half a kilo: 64.95, less than the discount.
    let oleg = login(&mut till, "E4");
    let mut apples = Cart::new();
    till.add_product(&oleg, &mut apples, "1006", q("1")).expect("apples");
    till.set_line_discount(&oleg, &mut apples, 0, m("100.00"))
        .expect("within the owner's limit");
    let past_line = till.set_qty(&oleg, &mut apples, 0, q("0.5"));
    assert!(
        matches!(past_line, Err(Error::DiscountOutsideLine { discount, gross })
            if discount == m("100.00") && gross == m("64.95")),
        "{past_line:?}"
    );
    let short = till.pay(&anna, &ActionId::new(), &cart, &[Payment::cash(m("50.00"))]);
    assert!(
        matches!(short.as_ref().map_err(Error::root), Err(Error::Underpaid { paid, total })
            if *paid == m("50.00") && *total == m("89.90")),
        "{short:?}"
    );
    let sale = till
        .pay(&anna, &ActionId::new(), &cart, &[Payment::card(m("89.90"))])
        .expect("sale");
    let none = till.return_sale(&anna, &ActionId::new(), sale.id(), &[]);
    assert!(matches!(none, Err(Error::NothingToReturn)), "{none:?}");
    let bread = ReturnLine {
        sku: "1001".into(),
        qty: q("1"),
    };
    let other = till.return_sale(&anna, &ActionId::new(), sale.id(), &[bread]);
    assert!(
        matches!(&other, Err(Error::NotInSale { sku, .. }) if sku == "1001"),
        "{other:?}"
    );
    let zero = till.cash_in(&anna, &ActionId::new(), m("0.00"));
    assert!(matches!(zero, Err(Error::NotPositive(_))), "{zero:?}");
}

#[test]
fn without_an_employee_only_what_changes_nothing_goes_through() {
    let dir = tempfile::tempdir().expect("tempdir");
    let shop = dir.path().join("shop.db");
    let journal = dir.path().join("shop.jsonl");
    std::fs::write(
        &journal,
        concat!(
            r#"{"type":"store","id":"M1","name":"Лавка"}"#,
            "\n",
            r#"{"type":"employee","id":"B1","name":"Хозяйка","role":"owner","pin":"7777"}"#,
            "\n"
        ),
    )
    .expect("journal");
    let journal = journal.to_str().expect("path");
    // New books: whoever sets them up.
    assert!(kassa(&shop, &["import", journal]).status.success());
    // The same journal again changes nothing: no one needs to say who.
    let again = kassa(&shop, &["import", journal]);
    assert!(again.status.success(), "{}", stderr(&again));
    // The demo into a shop with staff is a change: refused without the owner.
    let before = dump(&shop);
    let demo = kassa(&shop, &["init", "--demo"]);
    assert_eq!(demo.status.code(), Some(1));
    assert!(stderr(&demo).contains("--employee"), "{}", stderr(&demo));
    assert_eq!(dump(&shop), before, "nothing changed");
    let owner = kassa(&shop, &["init", "--demo", "--employee", "B1", "--pin", "7777"]);
    assert!(owner.status.success(), "{}", stderr(&owner));
    // The demo's books take `init --demo` again from anyone: nothing changes.
    let demo_db = dir.path().join("demo.db");
    assert!(kassa(&demo_db, &["init", "--demo"]).status.success());
    assert!(kassa(&demo_db, &["init", "--demo"]).status.success());
}

#[test]
fn a_return_refunds_at_the_vat_rate_its_sale_was_made_at() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut till, anna, device) = open_on_emulator(dir.path(), kassa_fiscal::emulator::local_clock());
    let sent = Arc::new(Mutex::new(Vec::new()));
    till.attach_register(Box::new(Refusing {
        inner: crate::fiscal::plug(&device, &kassa_fiscal::port::Fuse::intact()),
        refusals: 0,
        sent: Arc::clone(&sent),
    }))
    .expect("attach");
    // Coffee is sold at 22 %.
    let mut cart = Cart::new();
    till.add_product(&anna, &mut cart, "1008", q("1")).expect("coffee");
    let sale = till
        .pay(&anna, &ActionId::new(), &cart, &[Payment::card(m("449.00"))])
        .expect("sold");
    // Then the card's rate changes (a law, a mistake put right).
    let owner = till.login("E4", "4444").expect("owner");
    let mut coffee = till.db().product("1008").expect("read").expect("coffee");
    coffee.vat = kassa::money::VatRate::Vat10;
    till.save_product(&owner, &ActionId::new(), coffee)
        .expect("the card changes");
    let back = till
        .return_sale(
            &anna,
            &ActionId::new(),
            sale.id(),
            &[ReturnLine {
                sku: "1008".into(),
                qty: q("1"),
            }],
        )
        .expect("returned");
    till.fiscalize_pending().expect("registered");
    assert_eq!(
        till.db().receipt_line_vats(back.id()).expect("read"),
        vec![Some(kassa::money::VatRate::Vat22)],
        "the return's line keeps its sale's rate"
    );
    let sent = sent.lock().expect("sent");
    let return_sent = sent.last().expect("the return went to the register");
    assert_eq!(return_sent.lines.len(), 1);
    assert_eq!(return_sent.lines[0].vat, kassa_fiscal::VatRate::Vat22);
    assert_eq!(return_sent.lines[0].sum, 44_900);
    // A new sale takes the card's new rate.
    let mut cart = Cart::new();
    till.add_product(&anna, &mut cart, "1008", q("1")).expect("coffee");
    let again = till
        .pay(&anna, &ActionId::new(), &cart, &[Payment::card(m("449.00"))])
        .expect("sold");
    assert_eq!(
        till.db().receipt_line_vats(again.id()).expect("read"),
        vec![Some(kassa::money::VatRate::Vat10)]
    );
}
