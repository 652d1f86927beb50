//! The reports' rollups, kept with every booking, equal the rollups
//! rebuilt from the books, whether the books came by import or by a till.

use kassa::sale::{Cart, Payment};
use kassa::till::{ActionId, ReturnLine};

use crate::fiscal::open_on_emulator;
use crate::util::{kassa, m, q};

#[test]
fn rollups_kept_by_an_import_equal_the_rollups_rebuilt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = crate::reports::two_stores(dir.path());
    let kept = db.rollups_dump().expect("dump");
    assert!(
        kept.lines().filter(|l| l.starts_with("roll_receipts")).count() >= 9,
        "{kept}"
    );
    assert!(kept.contains("stock_days"), "{kept}");
    db.rebuild_rollups().expect("rebuilt");
    assert_eq!(db.rollups_dump().expect("dump"), kept);
}

#[test]
fn rollups_kept_by_a_till_equal_the_rollups_rebuilt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut till, anna, _device) = open_on_emulator(dir.path(), kassa_fiscal::emulator::local_clock());
    let mut sold = Vec::new();
    for (sku, qty, paid) in [
        ("1003", "2", Payment::cash(m("200.00"))),
        ("1005", "0.412", Payment::card(m("370.39"))),
    ] {
        let mut cart = Cart::new();
        till.add_product(&anna, &mut cart, sku, q(qty)).expect("product");
        sold.push(till.pay(&anna, &ActionId::new(), &cart, &[paid]).expect("sold"));
    }
    // Two chocolates 2-for-1 and a coffee: a promotion on the line, then one chocolate back.
    let mut cart = Cart::new();
    till.add_product(&anna, &mut cart, "1010", q("2")).expect("chocolate");
    till.add_product(&anna, &mut cart, "1008", q("1")).expect("coffee");
    let third = till
        .pay(&anna, &ActionId::new(), &cart, &[Payment::card(m("568.00"))])
        .expect("promotion sale");
    till.return_sale(
        &anna,
        &ActionId::new(),
        third.id(),
        &[ReturnLine {
            sku: "1010".into(),
            qty: q("1"),
        }],
    )
    .expect("returned");
    let path = till.db().path().expect("a file").to_path_buf();
    let kept = till.db().rollups_dump().expect("dump");
    drop(till);
    let mut db = kassa::db::Db::open(&path).expect("open");
    db.rebuild_rollups().expect("rebuilt");
    assert_eq!(db.rollups_dump().expect("dump"), kept);
    // The demo's day (7 sales, 1 return) and the till's 3 sales and 1 return.
    let summary = crate::reports::rows(&db, "sales_summary", &kassa::db::report::Period::all_time(None).into());
    assert_eq!(
        (summary[0][0].as_i64(), summary[0][4].as_i64()),
        (Some(10), Some(2)),
        "{summary}"
    );
}

#[test]
fn the_command_line_rebuilds_with_the_right_to_view_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db");
    assert!(kassa(&db, &["init", "--demo"]).status.success());
    let nobody = kassa(&db, &["rebuild-rollups"]);
    assert_eq!(nobody.status.code(), Some(1));
    let owner = kassa(&db, &["rebuild-rollups", "--employee", "E4", "--pin", "4444"]);
    assert!(owner.status.success(), "{}", String::from_utf8_lossy(&owner.stderr));
}

#[test]
fn stock_booked_out_of_day_order_takes_the_books_average() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = kassa::db::Db::open(&dir.path().join("k.db")).expect("open");
    // The later supply is booked first (10 at 10.00), the earlier one after it
    // (10 at 30.00): the books' average is then (10·10 + 10·30) ÷ 20 = 20.00.
    let journal = r#"{"type":"store","id":"S","name":"Склад"}
{"type":"product","sku":"A","name":"Гвозди","price":"50.00","cost":"1.00","vat":"vat22"}
{"type":"supply","id":"LATE","store":"S","at":"2026-03-05T09:00:00+03:00","supplier":"П","lines":[{"sku":"A","qty":"10","cost":"10.00"}]}
{"type":"supply","id":"EARLY","store":"S","at":"2026-03-03T09:00:00+03:00","supplier":"П","lines":[{"sku":"A","qty":"10","cost":"30.00"}]}"#;
    kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("import");
    let period = |from: u32, to: u32| -> kassa::report::Params {
        kassa::db::report::Period {
            from: chrono::NaiveDate::from_ymd_opt(2026, 3, from).expect("day"),
            to: chrono::NaiveDate::from_ymd_opt(2026, 3, to).expect("day"),
            store: None,
        }
        .into()
    };
    let march = crate::reports::rows(&db, "stock_balance", &period(1, 31));
    assert_eq!(march, serde_json::json!([["A", "Гвозди", "20", "20.00", "400.00"]]));
    // By 4 March only the earlier supply is dated, at the average the books had after it.
    let fourth = crate::reports::rows(&db, "stock_balance", &period(1, 4));
    assert_eq!(fourth, serde_json::json!([["A", "Гвозди", "10", "20.00", "200.00"]]));
    let kept = db.rollups_dump().expect("dump");
    db.rebuild_rollups().expect("rebuilt");
    assert_eq!(db.rollups_dump().expect("dump"), kept);
}
