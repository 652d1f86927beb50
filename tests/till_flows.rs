//! Till actions as a cashier uses them: login and lockout, scanning and
//! searching, idempotent actions, shift rules, the action history.

use chrono::Duration;
use kassa::error::Error;
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
    let next_day = late.replace("2026-11-02T22", "2026-11-03T08");
    kassa::journal::import(&mut db, next_day.as_bytes(), |_| {}).expect("an open day is fine");
    assert_eq!(db.stock_milli("S1", "1003").expect("stock"), 24_000 - 3_000 - 1_000);
}
