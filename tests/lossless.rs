//! Nothing lost in a move: what a till knows comes back from its journal.

use kassa::db::Db;
use kassa::fiscal::FiscalState;
use kassa::sale::{Cart, Payment};
use kassa::till::ActionId;

use crate::fiscal::open_on_emulator;
use crate::util::{m, q};

fn export(db: &Db) -> String {
    let mut out = Vec::new();
    kassa::journal::export(db, None, None, &mut out).expect("export");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn fiscal_numbers_travel_with_the_journal_and_come_back_byte_for_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut till, anna, _device) = open_on_emulator(dir.path(), kassa_fiscal::emulator::local_clock());
    let mut sold = Vec::new();
    for (sku, total) in [("1003", "89.90"), ("1008", "449.00")] {
        let mut cart = Cart::new();
        till.add_product(&anna, &mut cart, sku, q("1")).expect("product");
        sold.push(
            till.pay(&anna, &ActionId::new(), &cart, &[Payment::card(m(total))])
                .expect("sold"),
        );
    }
    assert_eq!(till.fiscalize_pending().expect("registered"), 2);
    let journal = export(till.db());
    assert_eq!(journal.matches(r#"{"type":"fiscal","receipt":""#).count(), 2, "{journal}");
    let moved = dir.path().join("moved.db");
    let mut db = Db::open(&moved).expect("open");
    kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("import");
    for receipt in &sold {
        let original = till.fiscal_state(receipt.id()).expect("state");
        let FiscalState::Registered { number, sign, .. } = original else {
            panic!("registered on the till: {original:?}")
        };
        let entry = db.fiscal_entry(receipt.id()).expect("read").expect("the receipt's requisites came along");
        assert_eq!(entry.fd_number, Some(number));
        assert_eq!(entry.fiscal_sign, Some(sign));
    }
    assert_eq!(export(&db), journal, "export → import → export is byte-identical");
    // Importing it again changes nothing.
    let summary = kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("again");
    assert_eq!(summary.written, 0);
}

#[test]
fn a_fiscal_record_that_does_not_fit_is_refused_with_its_line_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = Db::open(&dir.path().join("k.db")).expect("open");
    kassa::journal::import(&mut db, crate::util::DEMO.as_bytes(), |_| {}).expect("demo");
    let before = crate::util::dump(&dir.path().join("k.db"));
    for (line, expected) in [
        (
            r#"{"type":"fiscal","receipt":"R-404","fn":"9999078900012345","fd":7,"fp":"123","at":"2026-11-02T09:12:00+03:00"}"#,
            "journal line 1: fiscal: receipt: unknown receipt `R-404`",
        ),
        (
            r#"{"type":"fiscal","receipt":"R-001","fn":"9999078900012345","fd":7,"fp":"12x","at":"2026-11-02T09:12:00+03:00"}"#,
            "journal line 1: fp: `12x` is not a fiscal sign (up to 10 digits)",
        ),
        (
            r#"{"type":"fiscal","receipt":"R-001","fn":"9999078900012345","fd":7,"fp":"123","at":"2026-11-02T09:12:00+03:00","extra":1}"#,
            "journal line 1: extra: unknown field `extra`",
        ),
    ] {
        let error = kassa::journal::import(&mut db, line.as_bytes(), |_| {}).expect_err(line);
        assert!(error.to_string().starts_with(expected), "{error}\nexpected: {expected}");
    }
    assert_eq!(crate::util::dump(&dir.path().join("k.db")), before, "nothing written");
    // The same receipt with other numbers is a conflict.
    let first = r#"{"type":"fiscal","receipt":"R-001","fn":"9999078900012345","fd":7,"fp":"123","at":"2026-11-02T09:12:00+03:00"}"#;
    kassa::journal::import(&mut db, first.as_bytes(), |_| {}).expect("the requisites of an imported receipt");
    let other = first.replace(r#""fd":7"#, r#""fd":8"#);
    let error = kassa::journal::import(&mut db, other.as_bytes(), |_| {}).expect_err("conflict");
    assert!(error.to_string().contains("fiscal `R-001` already exists with different content"), "{error}");
}

#[test]
fn rights_and_the_period_lock_travel_with_the_journal() {
    use kassa::staff::{Permission, Rights, Role};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = crate::util::demo_db(dir.path());
    let (mut till, _clock) = crate::util::demo_till(&path, "2026-11-10T10:00:00+03:00");
    let owner = crate::util::login(&mut till, "E4");
    let mut cashier = Rights::default_for(Role::Cashier);
    cashier.max_discount = kassa::money::Percent::parse("7").expect("pct");
    cashier.permissions.remove(&Permission::CashInOut);
    till.set_rights(&owner, &ActionId::new(), Role::Cashier, &cashier).expect("rights");
    till.lock_period(&owner, &ActionId::new(), chrono::NaiveDate::from_ymd_opt(2026, 11, 2).expect("day"))
        .expect("lock");
    let journal = export(till.db());
    assert!(
        journal.contains(r#"{"type":"rights","role":"cashier","permissions":["sell","return","discount","open_close_shift"],"max_discount_pct":"7"}"#),
        "{journal}"
    );
    assert!(journal.contains(r#"{"type":"period_lock","through":"2026-11-02","at":"2026-11-10T10:00:00+03:00"}"#));
    let moved = dir.path().join("moved.db");
    let mut db = Db::open(&moved).expect("open");
    kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("import");
    assert_eq!(db.rights(Role::Cashier).expect("rights"), cashier);
    assert_eq!(export(&db), journal, "byte-identical");
    let again = kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("again");
    assert_eq!(again.written, 0, "nothing doubled");
    // The lock holds in the moved books.
    let late = r#"{"type":"cash_in","shift":"SH-1","at":"2026-11-02T20:00:00+03:00","amount":"10.00"}"#;
    let error = kassa::journal::import(&mut db, late.as_bytes(), |_| {}).expect_err("locked");
    assert!(error.to_string().contains("2026-11-02"), "{error}");
}
