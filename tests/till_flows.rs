//! Till actions as a cashier uses them: login and lockout, scanning and
//! searching, idempotent actions, shift rules, the action history.

use chrono::Duration;
use kassa::error::Error;
use kassa::money::Money;
use kassa::sale::{Cart, Payment};
use kassa::till::ActionId;

use crate::util::{demo_db, demo_till, login, m, q};

#[test]
fn five_wrong_pins_lock_the_employee_for_a_while() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let (mut till, clock) = demo_till(&path, "2026-11-03T09:00:00+03:00");
    for left in (1..=4).rev() {
        let err = till.login("E1", "0000").expect_err("wrong PIN");
        assert!(
            matches!(err, Error::WrongPin { attempts_left } if attempts_left == left),
            "{err}"
        );
    }
    assert!(matches!(
        till.login("E1", "0000"),
        Err(Error::Locked { minutes: 15, .. })
    ));
    // Even the right PIN is refused while locked.
    assert!(matches!(till.login("E1", "1111"), Err(Error::Locked { .. })));
    clock.advance(Duration::minutes(14));
    assert!(matches!(
        till.login("E1", "1111"),
        Err(Error::Locked { minutes: 1, .. })
    ));
    clock.advance(Duration::minutes(1));
    assert_eq!(till.login("E1", "1111").expect("unlocked").employee(), "E1");
    // Other employees were never affected, and PINs are stored only hashed.
    let auth = till.db().employee_auth("E2").expect("read").expect("E2");
    assert!(auth
        .pin_hash
        .as_deref()
        .is_some_and(|h| h.starts_with("$argon2") && !h.contains("2222")));
    assert!(matches!(till.login("E404", "1111"), Err(Error::NotFound { .. })));
}

#[test]
fn scanning_searching_and_a_sale_booked_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let (mut till, _clock) = demo_till(&path, "2026-11-03T09:00:00+03:00");
    let anna = login(&mut till, "E1");
    let found: Vec<String> = till
        .find_products(&anna, "ХЛЕБ", 10)
        .expect("search")
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(found, ["Хлеб Бородинский"]);
    let found: Vec<String> = till
        .find_products(&anna, "чай чё", 10)
        .expect("search")
        .into_iter()
        .map(|p| p.sku)
        .collect();
    assert_eq!(found, ["1009"], "ё matches ё and е alike");
    assert_eq!(till.find_products(&anna, "чай че", 10).expect("search").len(), 1);

    let mut cart = Cart::new();
    assert_eq!(
        till.scan(&anna, &mut cart, " 4600010010011\r\n")
            .expect("scan, CR LF from the scanner"),
        0
    );
    till.scan(&anna, &mut cart, "4600010010011")
        .expect("second scan of the same bread");
    assert_eq!(cart.lines().len(), 1, "two scans of one product make one line of 2");
    assert_eq!(cart.total(), m("91.00"));
    assert!(matches!(
        till.scan(&anna, &mut cart, "0000000000000"),
        Err(Error::NotFound { what: "barcode", .. })
    ));

    // No shift yet: the sale is refused.
    let action = ActionId::new();
    assert!(matches!(
        till.pay(&anna, &action, &cart, &[Payment::cash(m("100.00"))]),
        Err(Error::NoOpenShift(_))
    ));
    let open = ActionId::new();
    let shift = till.open_shift(&anna, &open).expect("open");
    assert_eq!(till.open_shift(&anna, &open).expect("the same action again"), shift);
    assert!(matches!(
        till.open_shift(&anna, &ActionId::new()),
        Err(Error::ShiftAlreadyOpen { .. })
    ));

    let first = till
        .pay(&anna, &action, &cart, &[Payment::cash(m("100.00"))])
        .expect("pay");
    assert_eq!(first.change(), m("9.00"));
    // A double click sends the same action again: one receipt, not two.
    let again = till
        .pay(&anna, &action, &cart, &[Payment::cash(m("100.00"))])
        .expect("pay again");
    assert_eq!(again, first);
    let x = till.x_report(&anna).expect("x");
    assert_eq!((x.sales_count, x.sales), (1, m("91.00")));

    // Underpaid: refused, nothing booked.
    let short = till.pay(&anna, &ActionId::new(), &cart, &[Payment::cash(m("90.99"))]);
    assert!(short.is_err());
    assert_eq!(till.x_report(&anna).expect("x").sales_count, 1);

    // The history holds the action, by whom, with the receipt line.
    let owner = login(&mut till, "E4");
    let history = till.history(&owner, 20).expect("history");
    let receipt = history
        .iter()
        .find(|e| e.kind == "receipt" && e.entity == first.id())
        .expect("receipt event");
    assert_eq!(receipt.actor.as_deref(), Some("E1"));
    assert!(receipt.payload.contains(&format!("\"id\":\"{}\"", first.id())));
    assert!(history.iter().any(|e| e.kind == "login" && e.entity == "E4"));
    let seqs: Vec<i64> = history.iter().map(|e| e.seq).collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "gapless: {seqs:?}");
}

#[test]
fn weighed_goods_and_a_closed_period() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let (mut till, _clock) = demo_till(&path, "2026-11-03T09:00:00+03:00");
    let anna = login(&mut till, "E1");
    let mut cart = Cart::new();
    till.add_product(&anna, &mut cart, "1006", q("0.456"))
        .expect("apples by weight");
    till.add_product(&anna, &mut cart, "1006", q("0.500"))
        .expect("a second weighing");
    assert_eq!(cart.lines().len(), 2, "each weighing is its own line");
    // 0.456 × 129.90 = 59.2344 → 59.23; 0.5 × 129.90 = 64.95
    assert_eq!(cart.total(), m("124.18"));
    assert!(
        till.add_product(&anna, &mut cart, "1001", q("0.5")).is_err(),
        "bread is sold by the piece"
    );

    // The owner locks October and November 2; a journal line dated then is refused.
    let owner = login(&mut till, "E4");
    till.lock_period(
        &owner,
        &ActionId::new(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 2).expect("date"),
    )
    .expect("lock");
    drop(till);
    let mut db = kassa::db::Db::open(&path).expect("open");
    let late = r#"{"type":"write_off","id":"WO-1","store":"S1","at":"2026-11-02T22:00:00+03:00","reason":"бой","lines":[{"sku":"1003","qty":"1"}]}"#;
    let err = kassa::journal::import(&mut db, late.as_bytes(), |_| {})
        .expect_err("locked")
        .to_string();
    assert!(err.contains("the period up to 2026-11-02 is closed"), "{err}");
    // Records already in the books stay unchanged, locked or not.
    let again = kassa::journal::import(&mut db, crate::util::DEMO.as_bytes(), |_| {}).expect("re-import");
    assert_eq!((again.written, again.unchanged), (0, 40));
    let next_day = late.replace("2026-11-02T22", "2026-11-03T08");
    kassa::journal::import(&mut db, next_day.as_bytes(), |_| {}).expect("an open day is fine");
    assert_eq!(db.stock_milli("S1", "1003").expect("stock"), 24_000 - 3_000 - 1_000);
}

#[test]
fn card_edits_keep_the_export_importable() {
    // A product sold by weight, then switched to pieces; a promotion first on
    // one product, then on a product created after it; a cost changed after
    // a supply. Every version is exported where it happened.
    let journal = [
        r#"{"type":"store","id":"S1","name":"Магазин"}"#,
        r#"{"type":"employee","id":"E1","name":"Анна","role":"cashier"}"#,
        r#"{"type":"product","sku":"A","name":"Сыр","price":"800.00","cost":"500.00","vat":"vat10","unit":"kg"}"#,
        r#"{"type":"promotion","id":"P","name":"Скидка","stores":"all","from":"2026-11-01","to":"2026-11-30","rule":{"kind":"percent","sku":"A","pct":"10"}}"#,
        r#"{"type":"shift_open","id":"SH","store":"S1","till":"T1","cashier":"E1","at":"2026-11-02T09:00:00+03:00"}"#,
        r#"{"type":"receipt","id":"R1","shift":"SH","at":"2026-11-02T09:10:00+03:00","kind":"sale","lines":[{"sku":"A","qty":"0.5","price":"800.00"}],"payments":[{"method":"cash","amount":"400.00"}]}"#,
        r#"{"type":"product","sku":"A","name":"Сыр","price":"400.00","cost":"250.00","vat":"vat10","unit":"pcs"}"#,
        r#"{"type":"product","sku":"B","name":"Масло","price":"200.00","vat":"vat10"}"#,
        r#"{"type":"promotion","id":"P","name":"Скидка","stores":"all","from":"2026-11-01","to":"2026-11-30","rule":{"kind":"percent","sku":"B","pct":"10"}}"#,
    ]
    .join("\n");
    let mut first = kassa::db::Db::open_in_memory().expect("db");
    kassa::journal::import(&mut first, journal.as_bytes(), |_| {}).expect("import");
    let mut exported = Vec::new();
    kassa::journal::export(&first, None, None, &mut exported).expect("export");
    let mut second = kassa::db::Db::open_in_memory().expect("db");
    kassa::journal::import(&mut second, &exported[..], |_| {}).expect("the export imports");
    let mut again = Vec::new();
    kassa::journal::export(&second, None, None, &mut again).expect("export");
    assert_eq!(
        String::from_utf8(again).expect("utf-8"),
        String::from_utf8(exported).expect("utf-8")
    );
    assert_eq!(second.product("A").expect("read").expect("A").price, m("400.00"));
}

#[test]
fn retries_percent_discounts_and_partial_returns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let (mut till, _clock) = demo_till(&path, "2026-11-03T09:00:00+03:00");
    let anna = login(&mut till, "E1");
    till.open_shift(&anna, &ActionId::new()).expect("open");
    till.cash_in(&anna, &ActionId::new(), m("100.00")).expect("float");

    // 5 % of 45.50 is 2.275 → 2.28: exactly the cashier's 5 % limit.
    let mut cart = Cart::new();
    till.add_product(&anna, &mut cart, "1001", q("1")).expect("bread");
    till.set_line_discount_pct(&anna, &mut cart, 0, kassa::money::Percent::parse("5").expect("pct"))
        .expect("5 % is within a 5 % limit");
    assert_eq!(cart.total(), m("43.22"));

    // The UI retries a sale after clearing the cart: the same receipt comes back.
    let action = ActionId::new();
    let sale = till
        .pay(&anna, &action, &cart, &[Payment::cash(m("50.00"))])
        .expect("pay");
    let retried = till.pay(&anna, &action, &Cart::new(), &[]).expect("retry");
    assert_eq!(retried, sale);

    // 10 pieces for 0.05 in all (a 9.95 discount by the owner): returned one
    // by one, the refunds add up to exactly 0.05, never more.
    let owner = login(&mut till, "E4");
    let mut cart = Cart::new();
    till.add_product(&owner, &mut cart, "1013", q("10")).expect("bags");
    till.set_line_discount(&owner, &mut cart, 0, m("89.95"))
        .expect("owner discount");
    let bags = till
        .pay(&owner, &ActionId::new(), &cart, &[Payment::cash(m("0.05"))])
        .expect("pay");
    assert_eq!(bags.total(), m("0.05"));
    let mut refunded = Money::ZERO;
    for _ in 0..10 {
        let line = kassa::till::ReturnLine {
            sku: "1013".into(),
            qty: q("1"),
        };
        refunded += till
            .return_sale(&owner, &ActionId::new(), bags.id(), &[line])
            .expect("return one")
            .total();
    }
    assert_eq!(refunded, m("0.05"));
}

#[test]
fn card_versions_are_not_doubled_by_importing_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let price = |p: &str| format!(r#"{{"type":"product","sku":"Z1","name":"Зонт","price":"{p}","vat":"none"}}"#);
    let both = format!("{}\n{}\n", price("100.00"), price("120.00"));
    let mut db = kassa::db::Db::open(&path).expect("open");
    let count = |db: &kassa::db::Db| {
        let mut out = Vec::new();
        kassa::journal::export(db, None, None, &mut out).expect("export");
        String::from_utf8(out).expect("utf-8").matches("\"sku\":\"Z1\"").count()
    };
    for round in 0..3 {
        let summary = kassa::journal::import(&mut db, both.as_bytes(), |_| {}).expect("import");
        assert_eq!(summary.written, if round == 0 { 2 } else { 0 }, "round {round}");
    }
    assert_eq!(count(&db), 2);
    assert_eq!(db.product("Z1").expect("read").expect("Z1").price, m("120.00"));
    // An older journal imported again changes nothing.
    kassa::journal::import(&mut db, price("100.00").as_bytes(), |_| {}).expect("old journal");
    assert_eq!(count(&db), 2);
    assert_eq!(db.product("Z1").expect("read").expect("Z1").price, m("120.00"));
    drop(db);

    // At the till, a price may go back to an earlier one: each edit is a version.
    let (mut till, _clock) = demo_till(&path, "2026-11-03T09:00:00+03:00");
    let owner = login(&mut till, "E4");
    for p in ["100.00", "120.00"] {
        let mut card = till.db().product("Z1").expect("read").expect("Z1");
        card.price = m(p);
        till.save_product(&owner, &ActionId::new(), card).expect("edit");
    }
    assert_eq!(till.db().product("Z1").expect("read").expect("Z1").price, m("120.00"));
    assert_eq!(count(till.db()), 4);
    // And the whole history still round-trips.
    let mut exported = Vec::new();
    kassa::journal::export(till.db(), None, None, &mut exported).expect("export");
    let mut fresh = kassa::db::Db::open_in_memory().expect("db");
    kassa::journal::import(&mut fresh, &exported[..], |_| {}).expect("import");
    let mut again = Vec::new();
    kassa::journal::export(&fresh, None, None, &mut again).expect("export");
    assert_eq!(again, exported);
    let twice = kassa::journal::import(&mut fresh, &exported[..], |_| {}).expect("import twice");
    assert_eq!(twice.written, 0);
}

/// Imports a journal given as lines into `db`; returns the records written.
fn import_lines(db: &mut kassa::db::Db, lines: &[&str]) -> u64 {
    let journal = lines.join("\n");
    kassa::journal::import(db, journal.as_bytes(), |_| {})
        .expect("import")
        .written
}

fn export_text(db: &kassa::db::Db) -> String {
    let mut out = Vec::new();
    kassa::journal::export(db, None, None, &mut out).expect("export");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn older_or_overlapping_journals_never_revert_a_card() {
    let store = |name: &str| format!(r#"{{"type":"store","id":"S1","name":"{name}"}}"#);
    let (a, b, c) = (store("A"), store("B"), store("C"));
    let mut db = kassa::db::Db::open_in_memory().expect("db");
    assert_eq!(import_lines(&mut db, &[&a]), 1);
    assert_eq!(import_lines(&mut db, &[&b]), 1);
    let old_export = export_text(&db);
    assert_eq!(import_lines(&mut db, &[&c]), 1);
    // The database's own export, an older export, a journal that starts in
    // the middle of the card's history: nothing changes.
    let own = export_text(&db);
    assert_eq!(import_lines(&mut db, &[&own]), 0);
    assert_eq!(import_lines(&mut db, &[&old_export]), 0);
    assert_eq!(import_lines(&mut db, &[&b]), 0);
    assert_eq!(import_lines(&mut db, &[&b, &c]), 0);
    assert_eq!(export_text(&db), own);
    assert_eq!(db.store("S1").expect("read").expect("S1").name, "C");
    // A line repeated in a row says nothing new.
    assert_eq!(import_lines(&mut db, &[&b, &b, &c]), 0);
    // A journal that goes on past what the books know is news.
    let d = store("D");
    assert_eq!(import_lines(&mut db, &[&b, &c, &d]), 1);
    assert_eq!(db.store("S1").expect("read").expect("S1").name, "D");
}

#[test]
fn an_old_journal_never_puts_back_an_old_pin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    {
        let (mut till, _clock) = demo_till(&path, "2026-11-03T09:00:00+03:00");
        let owner = login(&mut till, "E4");
        let anna = till.db().employee("E1").expect("read").expect("E1");
        till.save_employee(&owner, &ActionId::new(), anna, Some("5555".into()))
            .expect("new PIN");
    }
    let mut db = kassa::db::Db::open(&path).expect("open");
    let again = kassa::journal::import(&mut db, crate::util::DEMO.as_bytes(), |_| {}).expect("re-import");
    assert_eq!(again.written, 0);
    drop(db);
    let (mut till, _clock) = demo_till(&path, "2026-11-03T09:05:00+03:00");
    assert!(till.login("E1", "5555").is_ok(), "the PIN set at the till stays");
}

#[test]
fn shifts_of_a_till_may_arrive_out_of_order_but_never_overlap() {
    let head = [
        r#"{"type":"store","id":"S1","name":"Магазин"}"#,
        r#"{"type":"employee","id":"E1","name":"Анна","role":"cashier"}"#,
    ];
    let day2 = [
        r#"{"type":"shift_open","id":"SH-2","store":"S1","till":"T1","cashier":"E1","at":"2026-11-03T09:00:00+03:00"}"#,
        r#"{"type":"shift_close","shift":"SH-2","at":"2026-11-03T21:00:00+03:00"}"#,
    ];
    let day1 = [
        r#"{"type":"shift_open","id":"SH-1","store":"S1","till":"T1","cashier":"E1","at":"2026-11-02T09:00:00+03:00"}"#,
        r#"{"type":"shift_close","shift":"SH-1","at":"2026-11-02T21:00:00+03:00"}"#,
    ];
    let mut db = kassa::db::Db::open_in_memory().expect("db");
    import_lines(&mut db, &head);
    assert_eq!(import_lines(&mut db, &day2), 2);
    assert_eq!(import_lines(&mut db, &day1), 2, "an earlier day after a later one");
    // With a later shift open, an earlier day still comes in; an earlier
    // shift left open does not.
    let open_later = [
        r#"{"type":"shift_open","id":"SH-9","store":"S1","till":"T1","cashier":"E1","at":"2026-11-09T09:00:00+03:00"}"#,
    ];
    assert_eq!(import_lines(&mut db, &open_later), 1);
    let day5 = [
        r#"{"type":"shift_open","id":"SH-5","store":"S1","till":"T1","cashier":"E1","at":"2026-11-05T09:00:00+03:00"}"#,
        r#"{"type":"shift_close","shift":"SH-5","at":"2026-11-05T21:00:00+03:00"}"#,
    ];
    assert_eq!(import_lines(&mut db, &day5), 2);
    let left_open = [
        r#"{"type":"shift_open","id":"SH-6","store":"S1","till":"T1","cashier":"E1","at":"2026-11-06T09:00:00+03:00"}"#,
    ];
    let err = kassa::journal::import(&mut db, left_open.join("\n").as_bytes(), |_| {}).expect_err("open before");
    assert!(
        err.to_string()
            .contains("shift SH-6 of till T1 is still open, yet shift SH-9 opened after it"),
        "{err}"
    );
    let after_open = [
        r#"{"type":"shift_open","id":"SH-10","store":"S1","till":"T1","cashier":"E1","at":"2026-11-10T09:00:00+03:00"}"#,
    ];
    let err = kassa::journal::import(&mut db, after_open.join("\n").as_bytes(), |_| {}).expect_err("two open");
    assert!(
        err.to_string().contains("a shift is already open on till T1 (SH-9)"),
        "{err}"
    );
    let close9 = [r#"{"type":"shift_close","shift":"SH-9","at":"2026-11-09T21:00:00+03:00"}"#];
    assert_eq!(import_lines(&mut db, &close9), 1);
    // A shift may open the moment the last one closed.
    let evening = [
        r#"{"type":"shift_open","id":"SH-3","store":"S1","till":"T1","cashier":"E1","at":"2026-11-03T21:00:00+03:00"}"#,
        r#"{"type":"shift_close","shift":"SH-3","at":"2026-11-03T23:00:00+03:00"}"#,
    ];
    assert_eq!(import_lines(&mut db, &evening), 2);
    // A shift that would close after the next one opened is refused.
    let long = [
        r#"{"type":"shift_open","id":"SH-0","store":"S1","till":"T1","cashier":"E1","at":"2026-11-01T09:00:00+03:00"}"#,
        r#"{"type":"shift_close","shift":"SH-0","at":"2026-11-02T10:00:00+03:00"}"#,
    ];
    let err = kassa::journal::import(&mut db, long.join("\n").as_bytes(), |_| {}).expect_err("overlap");
    assert!(
        err.to_string()
            .contains("shift SH-1 of till T1 opened before this closing time"),
        "{err}"
    );
}

#[test]
fn cash_leaves_the_drawer_only_if_it_was_there_then_and_after() {
    let mut db = kassa::db::Db::open_in_memory().expect("db");
    let base = [
        r#"{"type":"store","id":"S1","name":"Магазин"}"#,
        r#"{"type":"employee","id":"E1","name":"Анна","role":"cashier"}"#,
        r#"{"type":"product","sku":"A","name":"Чай","price":"50.00","vat":"vat22"}"#,
        r#"{"type":"shift_open","id":"SH","store":"S1","till":"T1","cashier":"E1","at":"2026-11-02T09:00:00+03:00"}"#,
        r#"{"type":"cash_in","shift":"SH","at":"2026-11-02T09:00:00+03:00","amount":"100.00"}"#,
        r#"{"type":"receipt","id":"R1","shift":"SH","at":"2026-11-02T09:30:00+03:00","kind":"sale","lines":[{"sku":"A","qty":"1","price":"50.00"}],"payments":[{"method":"card","amount":"50.00"}]}"#,
        r#"{"type":"cash_out","shift":"SH","at":"2026-11-02T12:00:00+03:00","amount":"60.00","reason":"expense"}"#,
    ];
    assert_eq!(import_lines(&mut db, &base), 7);
    // A cash refund of 50.00 at 10:00 fits the 100.00 then, but would leave
    // the 12:00 expense of 60.00 short: refused. By card it is fine.
    let cash_refund = r#"{"type":"receipt","id":"R2","shift":"SH","at":"2026-11-02T10:00:00+03:00","kind":"return","lines":[{"sku":"A","qty":"1","price":"50.00"}],"payments":[{"method":"cash","amount":"50.00"}]}"#;
    let err = kassa::journal::import(&mut db, cash_refund.as_bytes(), |_| {}).expect_err("short later");
    assert!(
        err.to_string()
            .contains("cash refund 50.00 exceeds the 40.00 in the drawer"),
        "{err}"
    );
    let card_refund = cash_refund.replace(r#""method":"cash""#, r#""method":"card""#);
    assert_eq!(import_lines(&mut db, &[&card_refund]), 1);
    // 40.00 is left at the end; a collection of exactly that at 20:00 is fine.
    let collection =
        r#"{"type":"cash_out","shift":"SH","at":"2026-11-02T20:00:00+03:00","amount":"40.00","reason":"collection"}"#;
    assert_eq!(import_lines(&mut db, &[collection]), 1);
    assert_eq!(db.cash_in_drawer("SH").expect("drawer"), Money::ZERO);
}

#[test]
fn flows_at_one_instant_count_together() {
    // A cash sale and a collection at the same 10:00:00: a refund at 09:30
    // fits, as the drawer held 200.00 then and 0.00 from 10:00.
    let mut db = kassa::db::Db::open_in_memory().expect("db");
    let lines = [
        r#"{"type":"store","id":"S1","name":"Магазин"}"#,
        r#"{"type":"employee","id":"E1","name":"Анна","role":"cashier"}"#,
        r#"{"type":"product","sku":"A","name":"Чай","price":"100.00","vat":"vat22"}"#,
        r#"{"type":"shift_open","id":"SH","store":"S1","till":"T1","cashier":"E1","at":"2026-11-02T09:00:00+03:00"}"#,
        r#"{"type":"cash_in","shift":"SH","at":"2026-11-02T09:00:00+03:00","amount":"300.00"}"#,
        r#"{"type":"receipt","id":"R0","shift":"SH","at":"2026-11-02T09:10:00+03:00","kind":"sale","lines":[{"sku":"A","qty":"1","price":"100.00"}],"payments":[{"method":"cash","amount":"100.00"}]}"#,
        r#"{"type":"cash_out","shift":"SH","at":"2026-11-02T10:00:00+03:00","amount":"400.00","reason":"collection"}"#,
        r#"{"type":"receipt","id":"R1","shift":"SH","at":"2026-11-02T10:00:00+03:00","kind":"sale","lines":[{"sku":"A","qty":"1","price":"100.00"}],"payments":[{"method":"cash","amount":"100.00"}]}"#,
        r#"{"type":"receipt","id":"R2","shift":"SH","at":"2026-11-02T09:30:00+03:00","kind":"return","lines":[{"sku":"A","qty":"1","price":"100.00"}],"payments":[{"method":"cash","amount":"100.00"}],"return_of":"R0"}"#,
    ];
    assert_eq!(import_lines(&mut db, &lines), 9);
    assert_eq!(db.cash_in_drawer("SH").expect("drawer"), Money::ZERO);
}

#[test]
fn importing_again_survives_later_edits_and_keeps_pins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    {
        let (mut till, _clock) = demo_till(&path, "2026-11-03T09:00:00+03:00");
        let owner = login(&mut till, "E4");
        // Chocolate moves to another category; the demo's promotion P1 names
        // the product, and a category promotion is added through a journal.
        let mut chocolate = till.db().product("1010").expect("read").expect("1010");
        chocolate.category = Some("Сладости".into());
        till.save_product(&owner, &ActionId::new(), chocolate).expect("edit");
        let anna = till.db().employee("E1").expect("read").expect("E1");
        till.save_employee(&owner, &ActionId::new(), anna, Some("5555".into()))
            .expect("PIN");
    }
    let mut db = kassa::db::Db::open(&path).expect("open");
    let promo = r#"{"type":"promotion","id":"P9","name":"Сладкое","stores":"all","from":"2026-11-01","to":"2026-11-30","rule":{"kind":"percent","category":"Сладости","pct":"5"}}"#;
    assert_eq!(import_lines(&mut db, &[promo]), 1);
    // A head-office journal brings Anna with a new role and an old PIN.
    let anna = r#"{"type":"employee","id":"E1","name":"Анна Иванова","role":"senior_cashier","commission_pct":"1.5","pin":"1111"}"#;
    assert_eq!(import_lines(&mut db, &[anna]), 1);
    drop(db);
    {
        let (mut till, _clock) = demo_till(&path, "2026-11-03T09:10:00+03:00");
        assert!(
            till.login("E1", "5555").is_ok(),
            "an import never replaces a PIN that is set"
        );
        let owner = login(&mut till, "E4");
        // The category is renamed; the journal with P9 imported again is fine.
        let mut chocolate = till.db().product("1010").expect("read").expect("1010");
        chocolate.category = Some("Кондитерские".into());
        till.save_product(&owner, &ActionId::new(), chocolate).expect("edit");
    }
    let mut db = kassa::db::Db::open(&path).expect("open");
    assert_eq!(import_lines(&mut db, &[promo]), 0);
}
