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
    assert_eq!(
        journal.matches(r#"{"type":"fiscal","receipt":""#).count(),
        2,
        "{journal}"
    );
    let moved = dir.path().join("moved.db");
    let mut db = Db::open(&moved).expect("open");
    kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("import");
    for receipt in &sold {
        let original = till.fiscal_state(receipt.id()).expect("state");
        let FiscalState::Registered { number, sign, .. } = original else {
            panic!("registered on the till: {original:?}")
        };
        let entry = db
            .fiscal_entry(receipt.id())
            .expect("read")
            .expect("the receipt's requisites came along");
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
    assert!(
        error
            .to_string()
            .contains("fiscal `R-001` already exists with different content"),
        "{error}"
    );
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
    till.set_rights(&owner, &ActionId::new(), Role::Cashier, &cashier)
        .expect("rights");
    till.lock_period(
        &owner,
        &ActionId::new(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 2).expect("day"),
    )
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

#[test]
fn staff_come_back_with_their_pins_and_the_dismissed_stay_out() {
    use kassa::staff::Employee;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = crate::util::demo_db(dir.path());
    let (mut till, _clock) = crate::util::demo_till(&path, "2026-11-10T10:00:00+03:00");
    let owner = crate::util::login(&mut till, "E4");
    let anna = till.db().employee_auth("E1").expect("read").expect("E1").employee;
    till.save_employee(&owner, &ActionId::new(), anna, Some("5555".into()))
        .expect("a new PIN");
    let mut pavel: Employee = till.db().employee_auth("E2").expect("read").expect("E2").employee;
    pavel.active = false;
    till.save_employee(&owner, &ActionId::new(), pavel, None)
        .expect("dismissed");
    assert!(matches!(till.login("E2", "2222"), Err(kassa::Error::Dismissed(_))));
    let journal = export(till.db());
    assert!(!journal.contains(r#""pin":"#), "no PIN in clear");
    assert!(
        journal.contains(
            r#""id":"E2","name":"Павел Петров","role":"senior_cashier","commission_pct":"1","pin_hash":"$argon2id$"#
        ),
        "{journal}"
    );
    assert!(journal.contains(r#","active":false}"#));
    let moved = dir.path().join("moved.db");
    let mut db = Db::open(&moved).expect("open");
    kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("import");
    assert_eq!(export(&db), journal, "byte-identical");
    assert_eq!(
        kassa::journal::import(&mut db, journal.as_bytes(), |_| {})
            .expect("again")
            .written,
        0
    );
    drop(db);
    let mut moved_till = kassa::till::Till::new(
        Db::open(&moved).expect("open"),
        "S1",
        "T1",
        Box::new(kassa::clock::ManualClock::starting_at(crate::util::at(
            "2026-11-10T11:00:00+03:00",
        ))),
    )
    .expect("till");
    assert!(moved_till.login("E1", "5555").is_ok(), "the new PIN logs in");
    assert!(matches!(
        moved_till.login("E1", "1111"),
        Err(kassa::Error::WrongPin { .. })
    ));
    assert!(matches!(
        moved_till.login("E2", "2222"),
        Err(kassa::Error::Dismissed(_))
    ));
    assert!(moved_till.login("E3", "3333").is_ok());
}

#[test]
fn a_pin_and_a_pin_hash_together_or_a_bad_hash_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = Db::open(&dir.path().join("k.db")).expect("open");
    for (line, expected) in [
        (
            r#"{"type":"employee","id":"E7","name":"Ив","role":"cashier","pin":"1234","pin_hash":"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"}"#,
            "journal line 1: employee E7: pin_hash: a record carries pin or pin_hash, never both",
        ),
        (
            r#"{"type":"employee","id":"E7","name":"Ив","role":"cashier","pin_hash":"1234"}"#,
            "journal line 1: employee E7: pin_hash: not a salted argon2id hash",
        ),
    ] {
        let error = kassa::journal::import(&mut db, line.as_bytes(), |_| {}).expect_err(line);
        assert!(error.to_string().starts_with(expected), "{error}\nexpected: {expected}");
    }
    assert!(db.employee_auth("E7").expect("read").is_none(), "nothing written");
}

#[test]
fn receipt_lines_keep_their_promotions_gifts_and_marking_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = crate::util::demo_db(dir.path());
    // A Sunday noon: 2 for 1 on chocolate and the gift from 1 000 ₽ apply.
    let (mut till, _clock) = crate::util::demo_till(&path, "2026-11-29T12:00:00+03:00");
    let anna = crate::util::login(&mut till, "E1");
    till.open_shift(&anna, &ActionId::new()).expect("open");
    let mut cart = Cart::new();
    till.add_product(&anna, &mut cart, "1010", q("2")).expect("chocolate");
    till.scan(&anna, &mut cart, "010460001001015821SNEAKER000001\u{1d}93dGVz")
        .expect("sneakers");
    let total = cart.total();
    let sale = till
        .pay(&anna, &ActionId::new(), &cart, &[Payment::card(total)])
        .expect("sold");
    let journal = export(till.db());
    let line = journal
        .lines()
        .find(|l| l.contains(&format!(r#""id":"{}""#, sale.id())))
        .expect("the sale is exported");
    assert!(line.contains(r#""promotions":[{"id":"P1","discount":"#), "{line}");
    assert!(line.contains(r#""gift":true"#), "{line}");
    assert!(
        line.contains(r#""marking":"010460001001015821SNEAKER000001\u001d93dGVz""#),
        "{line}"
    );
    let moved = dir.path().join("moved.db");
    let mut db = Db::open(&moved).expect("open");
    kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("import");
    assert_eq!(export(&db), journal, "byte-identical");
    let back = db.receipt(sale.id()).expect("read").expect("moved");
    assert_eq!(
        back.draft().lines,
        sale.draft().lines,
        "promotions, gift and marking as sold"
    );
    assert_eq!(
        db.receipt_markings(sale.id()).expect("markings").len(),
        1,
        "the pack is known sold"
    );
}

#[test]
fn receipt_lines_that_do_not_add_up_are_refused_with_their_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = Db::open(&dir.path().join("k.db")).expect("open");
    kassa::journal::import(&mut db, crate::util::DEMO.as_bytes(), |_| {}).expect("demo");
    let open =
        r#"{"type":"shift_open","id":"X-1","store":"S1","till":"T1","cashier":"E1","at":"2026-11-03T09:00:00+03:00"}"#;
    for (receipt, expected) in [
        (
            r#"{"type":"receipt","id":"X-R1","shift":"X-1","at":"2026-11-03T09:10:00+03:00","kind":"sale","lines":[{"sku":"1010","qty":"2","price":"119.00","discount":"10.00","promotions":[{"id":"P1","discount":"119.00"}]}],"payments":[{"method":"card","amount":"228.00"}]}"#,
            "journal line 2: receipt X-R1: lines[0].promotions: the shares sum to 119.00, more than the line's discount 10.00",
        ),
        (
            r#"{"type":"receipt","id":"X-R1","shift":"X-1","at":"2026-11-03T09:10:00+03:00","kind":"sale","lines":[{"sku":"1015","qty":"2","price":"3990.00","marking":"0104600010010158215X"}],"payments":[{"method":"card","amount":"7980.00"}]}"#,
            "journal line 2: receipt X-R1: lines[0].marking: a line with a marking code has the quantity 1, not 2",
        ),
    ] {
        let journal = format!("{open}\n{receipt}\n");
        let error = kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect_err(receipt);
        assert!(error.to_string().starts_with(expected), "{error}\nexpected: {expected}");
    }
    assert!(db.receipt("X-R1").expect("read").is_none(), "nothing written");
}

#[test]
fn a_promotion_switched_off_stays_off_in_moved_books() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = crate::util::demo_db(dir.path());
    let (mut till, _clock) = crate::util::demo_till(&path, "2026-11-29T12:00:00+03:00");
    let owner = crate::util::login(&mut till, "E4");
    till.set_promotion_enabled(&owner, &ActionId::new(), "P1", false)
        .expect("off");
    let journal = export(till.db());
    assert_eq!(
        journal.lines().filter(|l| l.contains(r#""id":"P1""#)).count(),
        1,
        "only the version that says it is off: {journal}"
    );
    assert!(journal.contains(r#""enabled":false}"#));
    let moved = dir.path().join("moved.db");
    let mut db = Db::open(&moved).expect("open");
    kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("import");
    let p1 = db
        .promotions()
        .expect("read")
        .into_iter()
        .find(|card| card.promotion.id == "P1")
        .expect("P1 came along");
    assert!(!p1.enabled, "and stays off");
    assert_eq!(export(&db), journal, "byte-identical");
    // Switched on again, the journal says so too.
    till.set_promotion_enabled(&owner, &ActionId::new(), "P1", true)
        .expect("on");
    let journal = export(till.db());
    let mut db = Db::open(&dir.path().join("again.db")).expect("open");
    kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("import");
    assert!(db
        .promotions()
        .expect("read")
        .iter()
        .any(|c| c.promotion.id == "P1" && c.enabled));
}

#[test]
fn a_stock_count_sets_the_books_to_what_was_found_and_travels() {
    use kassa::stock::{CountLine, StockCount};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = crate::util::demo_db(dir.path());
    let (mut till, _clock) = crate::util::demo_till(&path, "2026-11-29T12:00:00+03:00");
    let maria = crate::util::login(&mut till, "E3");
    let count = StockCount {
        id: "INV-1".into(),
        store: "S1".into(),
        at: crate::util::at("2026-11-29T21:00:00+03:00"),
        lines: vec![
            CountLine {
                sku: "1001".into(),
                qty: q("7"),
            },
            CountLine {
                sku: "1006".into(),
                qty: q("2.5"),
            },
        ],
    };
    // A cashier may not count stock.
    let anna = crate::util::login(&mut till, "E1");
    assert!(matches!(
        till.count_stock(&anna, &ActionId::new(), count.clone()),
        Err(kassa::Error::Forbidden { .. })
    ));
    till.count_stock(&maria, &ActionId::new(), count.clone())
        .expect("counted");
    let held = |db: &Db, sku: &str| db.stock_milli("S1", sku).expect("stock");
    assert_eq!(held(till.db(), "1001"), 7_000);
    assert_eq!(held(till.db(), "1006"), 2_500);
    let journal = export(till.db());
    assert!(journal.contains(r#"{"type":"stock_count","id":"INV-1","store":"S1","at":"2026-11-29T21:00:00+03:00","lines":[{"sku":"1001","qty":"7"},{"sku":"1006","qty":"2.5"}]}"#), "{journal}");
    let moved = dir.path().join("moved.db");
    let mut db = Db::open(&moved).expect("open");
    kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("import");
    assert_eq!(held(&db, "1001"), 7_000);
    assert_eq!(export(&db), journal, "byte-identical");
    // The same product twice in one count is refused, nothing written.
    let twice = r#"{"type":"stock_count","id":"INV-2","store":"S1","at":"2026-11-29T22:00:00+03:00","lines":[{"sku":"1001","qty":"1"},{"sku":"1001","qty":"2"}]}"#;
    let error = kassa::journal::import(&mut db, twice.as_bytes(), |_| {}).expect_err("twice");
    assert!(error.to_string().contains("lines[1]: 1001 is counted twice"), "{error}");
    assert_eq!(held(&db, "1001"), 7_000);
}

/// The proof of issue 14: a rich day on a till, every receipt fiscalised,
/// exported, imported into empty books: the same journal byte for byte,
/// the same PINs, the same reports, the lock, the fiscal numbers.
#[test]
fn a_rich_day_moves_to_new_books_whole() {
    use kassa::db::report::Period;
    use kassa::staff::{Permission, Rights, Role};
    use kassa::till::ReturnLine;
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut till, anna, _device) = open_on_emulator(dir.path(), kassa_fiscal::emulator::local_clock());
    let owner = till.login("E4", "4444").expect("owner");
    // Staff: a new PIN, a dismissal, rights changed.
    let maria = till.db().employee_auth("E3").expect("read").expect("E3").employee;
    till.save_employee(&owner, &ActionId::new(), maria.clone(), Some("7777".into()))
        .expect("PIN");
    let mut pavel = till.db().employee_auth("E2").expect("read").expect("E2").employee;
    pavel.active = false;
    till.save_employee(&owner, &ActionId::new(), pavel, None)
        .expect("dismissed");
    let mut cashier = Rights::default_for(Role::Cashier);
    cashier.max_discount = kassa::money::Percent::parse("8").expect("pct");
    cashier.permissions.insert(Permission::ViewReports);
    till.set_rights(&owner, &ActionId::new(), Role::Cashier, &cashier)
        .expect("rights");
    // Promotions off and on again, one left off.
    till.set_promotion_enabled(&owner, &ActionId::new(), "P3", false)
        .expect("off");
    till.set_promotion_enabled(&owner, &ActionId::new(), "P4", false)
        .expect("off");
    till.set_promotion_enabled(&owner, &ActionId::new(), "P4", true)
        .expect("on");
    // Sales: chocolate two for one, a marked pack, a gift from 1 000 ₽.
    let pack = "010460001001015821SNEAKER000001\u{1d}93dGVz";
    let mut cart = Cart::new();
    till.add_product(&anna, &mut cart, "1010", q("2")).expect("chocolate");
    till.scan(&anna, &mut cart, pack).expect("sneakers");
    let big = till
        .pay(&anna, &ActionId::new(), &cart, &[Payment::card(cart.total())])
        .expect("sold");
    let mut cart = Cart::new();
    till.add_product(&anna, &mut cart, "1003", q("3")).expect("milk");
    let small = till
        .pay(&anna, &ActionId::new(), &cart, &[Payment::cash(m("300.00"))])
        .expect("sold");
    // The pack comes back.
    till.return_sale(
        &anna,
        &ActionId::new(),
        big.id(),
        &[ReturnLine {
            sku: "1015".into(),
            qty: q("1"),
        }],
    )
    .expect("returned");
    // A stock count, then the period locked.
    let manager = till.login("E3", "7777").expect("the new PIN");
    till.count_stock(
        &manager,
        &ActionId::new(),
        kassa::stock::StockCount {
            id: "INV-9".into(),
            store: "S1".into(),
            at: crate::util::at("2026-11-26T18:00:00+03:00"),
            lines: vec![kassa::stock::CountLine {
                sku: "1001".into(),
                qty: q("12"),
            }],
        },
    )
    .expect("counted");
    assert_eq!(till.fiscalize_pending().expect("registered"), 3);
    till.lock_period(
        &owner,
        &ActionId::new(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 26).expect("day"),
    )
    .expect("locked");
    let journal = export(till.db());

    let moved_path = dir.path().join("moved.db");
    let mut moved = Db::open(&moved_path).expect("open");
    kassa::journal::import(&mut moved, journal.as_bytes(), |_| {}).expect("import");
    assert_eq!(export(&moved), journal, "export → import → export is byte-identical");
    // Every report of the catalogue, row for row.
    let period = Period::all_time(None).into();
    for def in kassa::report::CATALOG {
        let here = def.run(till.db(), &period).expect("report");
        let there = def.run(&moved, &period).expect("report");
        assert_eq!(here.rows, there.rows, "{}", def.name);
    }
    let promotions = kassa::report::find("promotions_performance")
        .expect("known")
        .run(&moved, &period)
        .expect("report");
    assert!(!promotions.rows.is_empty(), "the promotion shares came along");
    // Each receipt's fiscal numbers.
    for receipt in [big.id(), small.id()] {
        let here = till.db().fiscal_entry(receipt).expect("read").expect("entry");
        let there = moved.fiscal_entry(receipt).expect("read").expect("came along");
        assert_eq!((here.fd_number, here.fiscal_sign), (there.fd_number, there.fiscal_sign));
        assert!(there.fd_number.is_some());
    }
    assert_eq!(moved.rights(Role::Cashier).expect("rights"), cashier);
    assert_eq!(
        moved.stock_milli("S1", "1001").expect("stock"),
        till.db().stock_milli("S1", "1001").expect("stock")
    );
    // The same PINs log in; the dismissed stays out; the lock holds.
    drop(moved);
    let mut moved_till = kassa::till::Till::new(
        Db::open(&moved_path).expect("open"),
        "S1",
        "T2",
        Box::new(kassa::clock::ManualClock::starting_at(crate::util::at(
            "2026-11-27T10:00:00+03:00",
        ))),
    )
    .expect("the till's shift came along");
    assert!(moved_till.login("E3", "7777").is_ok());
    assert!(moved_till.login("E1", "1111").is_ok());
    assert!(matches!(
        moved_till.login("E2", "2222"),
        Err(kassa::Error::Dismissed(_))
    ));
    let late = r#"{"type":"stock_count","id":"INV-10","store":"S1","at":"2026-11-26T19:00:00+03:00","lines":[{"sku":"1001","qty":"1"}]}"#;
    let mut moved = Db::open(&moved_path).expect("open");
    let error = kassa::journal::import(&mut moved, late.as_bytes(), |_| {}).expect_err("locked");
    assert!(error.to_string().contains("2026-11-26"), "{error}");
    // The pack was sold and came back: it may be sold again there too.
    assert_eq!(moved.receipt_markings(big.id()).expect("markings").len(), 1);
}
