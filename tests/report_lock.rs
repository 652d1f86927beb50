//! A closed period's reports never change: late records are refused, and
//! trade after the lock leaves every report over the locked days as it was.

use kassa::report::{self, Params};

use crate::reports::{rows, two_stores};

#[test]
fn reports_over_a_locked_period_stay_as_they_were() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = two_stores(dir.path());
    let lock = r#"{"type":"period_lock","through":"2026-11-03","at":"2026-11-04T08:00:00+03:00"}"#;
    kassa::journal::import(&mut db, lock.as_bytes(), |_| {}).expect("locked");
    let locked: Params = kassa::db::report::Period {
        from: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("day"),
        to: chrono::NaiveDate::from_ymd_opt(2026, 11, 3).expect("day"),
        store: None,
    }
    .into();
    let before: Vec<_> = report::CATALOG.iter().map(|d| rows(&db, d.name, &locked)).collect();

    // Late records for the locked days are refused, each whole.
    for late in [
        r#"{"type":"supply","id":"LATE1","store":"S1","at":"2026-11-03T20:00:00+03:00","supplier":"ООО Хлеб","lines":[{"sku":"A","qty":"100","cost":"1.00"}]}"#,
        r#"{"type":"shift_open","id":"LATE2","store":"S2","till":"T2","cashier":"E3","at":"2026-11-02T08:00:00+03:00"}"#,
        r#"{"type":"write_off","id":"LATE3","store":"S1","at":"2026-11-01T12:00:00+03:00","reason":"порча","lines":[{"sku":"C","qty":"1"}]}"#,
    ] {
        let error = kassa::journal::import(&mut db, late.as_bytes(), |_| {}).expect_err("refused");
        assert!(error.to_string().contains("2026-11-03"), "{error}");
    }
    // Trade goes on after the lock: a supply at another cost, a shift with a sale and a return.
    let after = [
        r#"{"type":"supply","id":"W5","store":"S1","at":"2026-11-04T08:00:00+03:00","supplier":"ООО Хлеб","lines":[{"sku":"A","qty":"50","cost":"40.00"},{"sku":"H","qty":"5","cost":"5.00"}]}"#,
        r#"{"type":"shift_open","id":"SH4","store":"S1","till":"T1","cashier":"E1","at":"2026-11-04T09:00:00+03:00"}"#,
        r#"{"type":"receipt","id":"R10","shift":"SH4","at":"2026-11-04T09:30:00+03:00","kind":"sale","lines":[{"sku":"A","qty":"3","price":"50.00"},{"sku":"H","qty":"1","price":"10.00"}],"payments":[{"method":"cash","amount":"160.00"}]}"#,
        r#"{"type":"receipt","id":"R11","shift":"SH4","at":"2026-11-04T10:00:00+03:00","kind":"return","return_of":"R8","lines":[{"sku":"A","qty":"1","price":"50.00"}],"payments":[{"method":"card","amount":"50.00"}]}"#,
        r#"{"type":"cash_out","shift":"SH4","at":"2026-11-04T18:00:00+03:00","amount":"100.00","reason":"collection"}"#,
        r#"{"type":"shift_close","shift":"SH4","at":"2026-11-04T18:30:00+03:00"}"#,
    ]
    .join("\n");
    kassa::journal::import(&mut db, after.as_bytes(), |_| {}).expect("later trade");
    for (def, before) in report::CATALOG.iter().zip(before) {
        assert_eq!(
            rows(&db, def.name, &locked),
            before,
            "{} over the locked days",
            def.name
        );
    }
    // The later days do see it.
    let november = crate::reports::november(None);
    assert_eq!(rows(&db, "sales_summary", &november)[0][0], 7);
}
