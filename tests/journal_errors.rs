//! Each rule of the journal spec broken once: a clear error naming the line
//! (and the field), and the database exactly as it was.

use kassa::db::Db;

use crate::util::{demo_db, dump};

/// Valid lines that open a new shift with a float and a cash sale, so the
/// bad line that follows has something to break.
const PRELUDE: &[&str] = &[
    r#"{"type":"shift_open","id":"SH-9","store":"S1","till":"T9","cashier":"E1","at":"2026-11-03T09:00:00+03:00"}"#,
    r#"{"type":"cash_in","shift":"SH-9","at":"2026-11-03T09:01:00+03:00","amount":"1000.00"}"#,
    r#"{"type":"receipt","id":"R-901","shift":"SH-9","at":"2026-11-03T09:10:00+03:00","kind":"sale","lines":[{"sku":"1001","qty":"2","price":"45.50"}],"payments":[{"method":"cash","amount":"100.00"}]}"#,
];

/// (the broken line, what the error must say)
const CASES: &[(&str, &str)] = &[
    (r#"{"type":"receipt","id":"R-9"#, "not a JSON object"),
    (r#"{"sku":"1001","name":"x"}"#, "missing field `type`"),
    (
        r#"{"type":"promotion","id":"P9","name":"От 1000","stores":"all","from":"2026-11-01","to":"2026-11-30","rule":{"kind":"threshold","min_total":"1000.00","pct":"5","sku":"1001"}}"#,
        "rule: unknown field `sku` for kind threshold",
    ),
    (
        r#"{"type":"cash_in","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","amount":"10"}"#,
        "amount: `10` is not money: write it with a decimal point, like 10.00",
    ),
    (
        r#"{"type":"promotion","id":"P9","name":"Подарок","stores":"all","from":"2026-11-01","to":"2026-11-30","rule":{"kind":"gift","min_total":"1000.00","gift_sku":"9999"}}"#,
        "rule.gift_sku: unknown product `9999`",
    ),
    (
        r#"{"type":"cash_in","shift":"SH-404","at":"2026-11-03T10:00:00+03:00","amount":"10.00"}"#,
        "shift: unknown shift `SH-404`",
    ),
    // At 09:05 the drawer holds the 1000.00 float only: the 09:10 sale is later.
    (
        r#"{"type":"cash_out","shift":"SH-9","at":"2026-11-03T09:05:00+03:00","amount":"1000.01","reason":"collection"}"#,
        "cash out 1000.01 exceeds the 1000.00 in the drawer",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T09:05:00+03:00","kind":"return","lines":[{"sku":"1001","qty":"1","price":"45.50"}],"payments":[{"method":"cash","amount":"45.50"}],"return_of":"R-901"}"#,
        "at: the return comes before its sale R-901 at 2026-11-03T09:10:00+03:00",
    ),
    (
        r#"{"type":"shift_open","id":"SH-10","store":"S1","till":"T1","cashier":"E1","at":"2026-11-02T20:00:00+03:00"}"#,
        "till T1 was in shift SH-1 at 2026-11-02T20:00:00+03:00",
    ),
    (
        r#"{"type":"store","id":"S6","name":"x"} {"type":"store","id":"S7","name":"y"}"#,
        "not a JSON object: trailing characters",
    ),
    (
        r#"{"type":"store","id":"S6","name":"x"} garbage"#,
        "not a JSON object: trailing characters",
    ),
    (r#"{"type":"coupon","id":"C1"}"#, "unknown type `coupon`"),
    (
        r#"{"type":"product","sku":"2001","name":"Соль","price":"19.90","vat":"vat10","colour":"white"}"#,
        "unknown field `colour`",
    ),
    (
        r#"{"type":"product","sku":"2001","price":"19.90","vat":"vat10"}"#,
        "missing field `name`",
    ),
    (
        r#"{"type":"product","sku":"2001","name":"Соль","price":19.90,"vat":"vat10"}"#,
        "price: invalid type: floating point `19.9`, expected a string",
    ),
    (
        r#"{"type":"product","sku":"2001","name":"Соль","price":"19.905","vat":"vat10"}"#,
        "price: `19.905` has more than 2 fraction digits",
    ),
    (
        r#"{"type":"product","sku":"2001","name":"Соль","price":"-19.90","vat":"vat10"}"#,
        "price: `-19.90` must not be negative",
    ),
    (
        r#"{"type":"product","sku":"2001","name":"Соль","price":"19.90","vat":"vat18"}"#,
        "vat: `vat18` is not one of",
    ),
    (
        r#"{"type":"product","sku":"2001","name":"Соль","price":"19.90","vat":"vat10","unit":"box"}"#,
        "unit: `box` is not one of pcs, kg, l, m",
    ),
    (
        r#"{"type":"product","sku":"2001","name":"Соль","price":"19.90","vat":"vat10","barcodes":["4600010010011"]}"#,
        "barcode 4600010010011 already belongs to product",
    ),
    (
        r#"{"type":"employee","id":"E8","name":"Пётр","role":"boss"}"#,
        "role: `boss` is not one of",
    ),
    (
        r#"{"type":"employee","id":"E8","name":"Пётр","role":"cashier","pin":"12ab"}"#,
        "pin must be 4 to 12 digits",
    ),
    (
        r#"{"type":"store","id":"S2","name":"Второй","tax_system":"simplified"}"#,
        "tax_system: `simplified` is not one of",
    ),
    (
        r#"{"type":"cash_in","shift":"SH-9","at":"2026-11-03 10:00","amount":"10.00"}"#,
        "at: `2026-11-03 10:00` is not an RFC 3339 time",
    ),
    (
        r#"{"type":"cash_in","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","amount":"-10.00"}"#,
        "amount: `-10.00` must be greater than zero",
    ),
    (
        r#"{"type":"cash_in","shift":"SH-404","at":"2026-11-03T10:00:00+03:00","amount":"10.00"}"#,
        "unknown shift `SH-404`",
    ),
    (
        r#"{"type":"cash_out","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","amount":"10.00","reason":"lunch"}"#,
        "reason: `lunch` is not one of collection, expense, other",
    ),
    // Drawer: 1000.00 float + 91.00 sale = 1091.00.
    (
        r#"{"type":"cash_out","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","amount":"1091.01","reason":"collection"}"#,
        "cash out 1091.01 exceeds the 1091.00 in the drawer",
    ),
    (
        r#"{"type":"shift_open","id":"SH-10","store":"S1","till":"T9","cashier":"E1","at":"2026-11-03T10:00:00+03:00"}"#,
        "a shift is already open on till T9 (SH-9)",
    ),
    (
        r#"{"type":"shift_open","id":"SH-10","store":"S404","till":"T8","cashier":"E1","at":"2026-11-03T10:00:00+03:00"}"#,
        "shift_open SH-10: store: unknown store `S404`",
    ),
    (
        r#"{"type":"shift_open","id":"SH-10","store":"S1","till":"T8","cashier":"E404","at":"2026-11-03T10:00:00+03:00"}"#,
        "shift_open SH-10: cashier: unknown employee `E404`",
    ),
    (
        r#"{"type":"receipt","id":"R-901","shift":"SH-9","at":"2026-11-03T09:10:00+03:00","kind":"sale","lines":[{"sku":"1001","qty":"3","price":"45.50"}],"payments":[{"method":"cash","amount":"200.00"}]}"#,
        "receipt `R-901` already exists with different content",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","kind":"sale","lines":[{"sku":"1001","qty":"1.5","price":"45.50"}],"payments":[{"method":"cash","amount":"100.00"}]}"#,
        "qty 1.5 of 1001 sold by the piece must be whole",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","kind":"sale","lines":[{"sku":"1006","qty":"0.3455","price":"129.90"}],"payments":[{"method":"cash","amount":"100.00"}]}"#,
        "lines[0].qty: `0.3455` has more than 3 fraction digits",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","kind":"sale","lines":[{"sku":"1001","qty":"0","price":"45.50"}],"payments":[]}"#,
        "lines[0].qty: `0` must be greater than zero",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","kind":"sale","lines":[{"sku":"9999","qty":"1","price":"45.50"}],"payments":[{"method":"cash","amount":"45.50"}]}"#,
        "receipt R-902: lines[0].sku: unknown product `9999`",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","kind":"sale","lines":[{"sku":"1001","qty":"1","price":"45.50","discount":"45.51"}],"payments":[]}"#,
        "discount 45.51 exceeds the line's 45.50",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","kind":"sale","lines":[{"sku":"1008","qty":"2","price":"500.00"}],"payments":[{"method":"cash","amount":"950.00"}]}"#,
        "receipt R-902: payments cover 950.00 of 1000.00",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","kind":"sale","lines":[{"sku":"1001","qty":"1","price":"45.50"}],"payments":[{"method":"card","amount":"50.00"}]}"#,
        "non-cash payments 50.00 exceed the total 45.50",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","kind":"sale","lines":[{"sku":"1001","qty":"1","price":"45.50"}],"payments":[{"method":"cash","amount":45.5}]}"#,
        "payments[0].amount: invalid type",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","kind":"sale","lines":[{"sku":"1001","qty":"1","price":"45.50"}],"payments":[{"method":"crypto","amount":"45.50"}]}"#,
        "payments[0].method: `crypto` is not one of cash, card, other",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","kind":"sale","lines":[],"payments":[]}"#,
        "lines must not be empty",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T08:59:59+03:00","kind":"sale","lines":[{"sku":"1001","qty":"1","price":"45.50"}],"payments":[{"method":"cash","amount":"45.50"}]}"#,
        "shift SH-9 is not open yet at 2026-11-03T08:59:59+03:00",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-1","at":"2026-11-03T10:00:00+03:00","kind":"sale","lines":[{"sku":"1001","qty":"1","price":"45.50"}],"payments":[{"method":"cash","amount":"45.50"}]}"#,
        "shift SH-1 was closed at 2026-11-02T21:00:00+03:00",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","kind":"sale","lines":[{"sku":"1001","qty":"1","price":"45.50"}],"payments":[{"method":"cash","amount":"45.50"}],"return_of":"R-901"}"#,
        "return_of is only for receipts of kind return",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","kind":"return","lines":[{"sku":"1001","qty":"3","price":"45.50"}],"payments":[{"method":"cash","amount":"136.50"}],"return_of":"R-901"}"#,
        "return of 3 × 1001 exceeds the 2 left to return from sale R-901",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","kind":"return","lines":[{"sku":"1001","qty":"1","price":"45.50"}],"payments":[{"method":"card","amount":"45.50"}],"return_of":"R-901"}"#,
        "refund of 45.50 by card exceeds the 0.00 paid by card on sale R-901",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","kind":"return","lines":[{"sku":"1001","qty":"1","price":"45.50"}],"payments":[{"method":"cash","amount":"45.50"}],"return_of":"R-404"}"#,
        "return_of: unknown sale receipt `R-404`",
    ),
    (
        r#"{"type":"receipt","id":"R-902","shift":"SH-9","at":"2026-11-03T10:00:00+03:00","kind":"return","lines":[{"sku":"1001","qty":"1","price":"45.50"}],"payments":[{"method":"cash","amount":"50.00"}]}"#,
        "refunds 50.00 exceed the return total 45.50",
    ),
    (
        r#"{"type":"shift_close","shift":"SH-9","at":"2026-11-03T09:05:00+03:00"}"#,
        "the shift has records after this closing time",
    ),
    (
        r#"{"type":"supply","id":"W-9","store":"S1","at":"2026-11-03T08:00:00+03:00","supplier":"ООО","lines":[{"sku":"1001","qty":"5"}]}"#,
        "lines[0]: missing field `cost`",
    ),
    (
        r#"{"type":"write_off","id":"WO-9","store":"S1","at":"2026-11-03T08:00:00+03:00","reason":"бой","lines":[{"sku":"1014","qty":"1"}]}"#,
        "1014 is a service and has no stock",
    ),
    (
        r#"{"type":"supply","id":"W-001","store":"S1","at":"2026-11-02T08:00:00+03:00","supplier":"ООО «Хлебозавод №1»","lines":[{"sku":"1001","qty":"41","cost":"28.00"}]}"#,
        "stock document `W-001` already exists with different content",
    ),
    (
        r#"{"type":"promotion","id":"P9","name":"3 за 3","stores":"all","from":"2026-11-01","to":"2026-11-30","rule":{"kind":"n_for_m","sku":"1010","n":3,"m":3}}"#,
        "n (3) must be greater than m (3)",
    ),
    (
        r#"{"type":"promotion","id":"P9","name":"Скидка","stores":"all","from":"2026-11-01","to":"2026-11-30","rule":{"kind":"percent","category":"Нет такой","pct":"10"}}"#,
        "unknown category `Нет такой`",
    ),
];

#[test]
fn every_broken_rule_names_its_line_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let before = dump(&path);
    let mut db = Db::open(&path).expect("open");
    for (bad, expected) in CASES {
        let mut journal = PRELUDE.join("\n");
        journal += "\n\n"; // a blank line counts as a line and is skipped
        journal += bad;
        journal += "\n";
        let bad_line = PRELUDE.len() + 2;
        let err = kassa::journal::import(&mut db, journal.as_bytes(), |_| {})
            .expect_err(bad)
            .to_string();
        let prefix = format!("journal line {bad_line}: ");
        assert!(err.starts_with(&prefix), "{bad}\n  gave: {err}");
        assert!(err.contains(expected), "{bad}\n  gave: {err}\n  wanted: {expected}");
        assert_eq!(dump(&path), before, "{bad} changed the database");
    }
    // The prelude alone is valid: the errors above came from the broken lines.
    let summary = kassa::journal::import(&mut db, PRELUDE.join("\n").as_bytes(), |_| {}).expect("prelude");
    assert_eq!(summary.written, 3);
}

#[test]
fn invalid_utf8_is_refused_by_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let before = dump(&path);
    let mut db = Db::open(&path).expect("open");
    let mut journal = PRELUDE.join("\n").into_bytes();
    journal.extend_from_slice(b"\n{\"type\":\"store\",\"id\":\"S\xff\",\"name\":\"x\"}\n");
    let err = kassa::journal::import(&mut db, &journal[..], |_| {})
        .expect_err("bad utf-8")
        .to_string();
    assert_eq!(err, "journal line 4: not valid UTF-8");
    assert_eq!(dump(&path), before);
}

#[test]
fn mangled_lines_are_refused_never_panic() {
    // Every demo line cut short at every character, and with each of a few
    // troublesome values spliced into every string position: parse_line
    // must answer (with an error or a record), never panic.
    let splices = [
        "\"",
        "\\u0000",
        "-",
        "99999999999999999999",
        "1e400",
        "{",
        "[]",
        "null",
        "ё",
        ".001",
    ];
    let mut refused = 0;
    for line in crate::util::DEMO.lines() {
        for (cut, _) in line.char_indices() {
            if kassa::journal::parse_line(&line[..cut]).is_err() {
                refused += 1;
            }
        }
        for (at, c) in line.char_indices().filter(|(_, c)| *c == '"') {
            for splice in splices {
                let mangled = format!("{}{c}{splice}{}", &line[..at], &line[at + 1..]);
                let _ = kassa::journal::parse_line(&mangled);
            }
        }
    }
    // Every proper prefix of a JSON object is incomplete.
    let prefixes: usize = crate::util::DEMO.lines().map(|l| l.chars().count()).sum();
    assert_eq!(refused, prefixes);
}

#[test]
fn a_byte_order_mark_before_the_first_record_is_fine() {
    let mut db = Db::open_in_memory().expect("db");
    let journal = "\u{feff}{\"type\":\"store\",\"id\":\"S1\",\"name\":\"Магазин\"}\r\n";
    let summary = kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("a BOM is skipped");
    assert_eq!(summary.written, 1);
    // Anywhere else it is a broken line.
    let late = "{\"type\":\"store\",\"id\":\"S2\",\"name\":\"Склад\"}\n\u{feff}{\"type\":\"store\",\"id\":\"S3\",\"name\":\"x\"}\n";
    let err = kassa::journal::import(&mut db, late.as_bytes(), |_| {}).expect_err("BOM on line 2");
    assert!(err.to_string().starts_with("journal line 2: "), "{err}");
}
