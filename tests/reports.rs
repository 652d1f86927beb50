//! The report catalogue on a hand-worked journal (tests/data/two_stores.jsonl):
//! two stores, three cashiers, supplies at two costs, manual and promotion
//! discounts, gifts, a marked pair of shoes sold and returned, returns with
//! and without cash, a write-off, a supplier return, a stock count, cash in
//! and out, a collection and fiscal records. Every figure below was worked
//! out by hand from the journal, as the comments show.

use chrono::NaiveDate;
use kassa::db::report::Period;
use kassa::db::Db;
use kassa::report::{self, Format, Params};
use serde_json::{json, Value};

pub(crate) const TWO_STORES: &str = include_str!("data/two_stores.jsonl");

pub(crate) fn two_stores(dir: &std::path::Path) -> Db {
    let mut db = Db::open(&dir.join("two.db")).expect("open");
    kassa::journal::import(&mut db, TWO_STORES.as_bytes(), |_| {}).expect("the hand-worked journal imports");
    db
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day")
}

pub(crate) fn november(store: Option<&str>) -> Params {
    Params {
        period: Period {
            from: day("2026-11-01"),
            to: day("2026-11-30"),
            store: store.map(str::to_owned),
        },
        threshold: None,
    }
}

pub(crate) fn rows(db: &Db, name: &str, params: &Params) -> Value {
    let table = report::find(name).expect("known").run(db, params).expect("runs");
    let mut out = Vec::new();
    report::write(&table, Format::Json, &mut out).expect("json");
    let doc: Value = serde_json::from_slice(&out).expect("one object");
    doc["rows"].clone()
}

#[test]
fn sales_figures_to_the_kopeck() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = two_stores(dir.path());
    let all = november(None);
    // Sales R1 460 + R2 1320 + R3 5045 + R6 510 + R7 340 + R8 1050 = 8725.00 in 6 receipts;
    // gross 500 + 1400 + 5050 + 550 + 400 + 1050 = 8950.00, discounts 40+80+5+40+60 = 225.00;
    // returns R4 50 + R5 5000 + R9 360 = 5410.00; net 3315.00; average 8725 / 6 = 1454.1666… → 1454.17;
    // items: pieces by quantity, a weighed line as 1: 3 + 5 + 2 + 4 + 1 + 3 = 18.
    assert_eq!(
        rows(&db, "sales_summary", &all),
        json!([[6, "8950.00", "225.00", "8725.00", 3, "5410.00", "3315.00", "1454.17", "18"]])
    );
    // 2 Nov: 5 sales 7675.00, returns 5050.00, average 1535.00; 3 Nov: R8 1050.00, R9 360.00.
    assert_eq!(
        rows(&db, "sales_by_day", &all),
        json!([
            ["2026-11-02", 5, "7675.00", "5050.00", "2625.00", "1535.00"],
            ["2026-11-03", 1, "1050.00", "360.00", "690.00", "1050.00"]
        ])
    );
    // S1: 7875.00 − 5410.00 = 2465.00 of 3315.00 = 74.358… %; S2: 850.00 = 25.641… %.
    assert_eq!(
        rows(&db, "sales_by_store", &all),
        json!([
            ["S1", "Магазин на Ленина", 4, "2465.00", "1968.75", "74.36"],
            ["S2", "Киоск у вокзала", 2, "850.00", "425.00", "25.64"]
        ])
    );
    // Hours: 9 → R1 460 + R8 1050; 10 → R2 1320 + R6 510; 11 → R3 5045 − R9 360;
    // 12 → −50 (R4); 13 → −5000 (R5); 15 → R7 340.
    let hours = rows(&db, "sales_by_hour", &all);
    assert_eq!(hours.as_array().map(Vec::len), Some(24), "every hour");
    assert_eq!(hours[9], json!([9, 2, "1510.00"]));
    assert_eq!(hours[10], json!([10, 2, "1830.00"]));
    assert_eq!(hours[11], json!([11, 1, "4685.00"]));
    assert_eq!(hours[12], json!([12, 0, "-50.00"]));
    assert_eq!(hours[13], json!([13, 0, "-5000.00"]));
    assert_eq!(hours[15], json!([15, 1, "340.00"]));
    assert_eq!(hours[0], json!([0, 0, "0.00"]));
    // Net by product, by net revenue: C 5 sold − 1 back = 4, 1780 − 360; B 0.5 + 1.25 kg;
    // A 7 − 1 = 6, 345 − 50; D 200; E sold and returned; G two gifts at 0.
    assert_eq!(
        rows(&db, "sales_by_product", &all),
        json!([
            ["C", "Кофе", "4", "1420.00", "42.84"],
            ["B", "Сыр", "1.75", "1400.00", "42.23"],
            ["A", "Хлеб", "6", "295.00", "8.90"],
            ["D", "Доставка", "1", "200.00", "6.03"],
            ["E", "Кроссовки", "0", "0.00", "0.00"],
            ["G", "Шоколадка", "2", "0.00", "0.00"]
        ])
    );
    // VAT per line: vat10 A 100→9.09, 45→4.09, 150→13.64, 50→4.55, return −4.55; B 400→36.36, 1000→90.91;
    // vat22 C 360→64.92, 720→129.84, 360→64.92, 340→61.31, return −64.92; E 901.64 − 901.64.
    assert_eq!(
        rows(&db, "sales_by_vat_rate", &all),
        json!([
            ["none", "200.00", "0.00"],
            ["vat10", "1695.00", "154.09"],
            ["vat22", "1420.00", "256.07"]
        ])
    );
    // Cash net of change: R1 460 + R3 45 + R6 510, back R4 50; card 1320 + 5000 + 1050, back 5000 + 360.
    assert_eq!(
        rows(&db, "payments_by_method", &all),
        json!([
            ["cash", "1015.00", "50.00", "965.00"],
            ["card", "7370.00", "5360.00", "2010.00"],
            ["other", "340.00", "0.00", "340.00"]
        ])
    );
    // A 1 of 7 back, C 1 of 5, E 1 of 1.
    assert_eq!(
        rows(&db, "returns_by_product", &all),
        json!([
            ["A", "Хлеб", "7", "1", "14.29", "50.00"],
            ["C", "Кофе", "5", "1", "20.00", "360.00"],
            ["E", "Кроссовки", "1", "1", "100.00", "5000.00"]
        ])
    );
    // December: the sale to ООО «Вектор» alone (3 coffees at 400.00), its invoice's VAT
    // 1 200 × 22 ÷ 122 = 216.39.
    let december = Params {
        period: Period {
            from: day("2026-12-01"),
            to: day("2026-12-31"),
            store: None,
        },
        threshold: None,
    };
    assert_eq!(
        rows(&db, "sales_summary", &december),
        json!([[1, "1200.00", "0.00", "1200.00", 0, "0.00", "1200.00", "1200.00", "3"]])
    );
    assert_eq!(
        rows(&db, "sales_by_vat_rate", &december),
        json!([["vat22", "1200.00", "216.39"]])
    );
    // One store only: S2's two receipts.
    assert_eq!(
        rows(&db, "sales_summary", &november(Some("S2"))),
        json!([[2, "950.00", "100.00", "850.00", 0, "0.00", "850.00", "425.00", "5"]])
    );
}

#[test]
fn cost_margin_and_stock_by_the_moving_average() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = two_stores(dir.path());
    let all = november(None);
    // COGS at the average of the moment. A in S1 is 30.00 until W4 brings 10 at 33.00 to
    // 18 held: (18·30 + 10·33) ÷ 28 = 31.0714…, so R8's loaf costs 31.07; A's net COGS
    // 60 + 30 + 90 (S2) + 31.07 − 30 (R4 back at R1's 30) = 181.07. B 250 + 625; C 250 + 500
    // + 260 + 260 − 250 (R9 back at R2's 250) = 1020; G two gifts at 60; E 3000 − 3000.
    assert_eq!(
        rows(&db, "gross_profit_by_product", &all),
        json!([
            ["B", "Сыр", "1.75", "1400.00", "875.00", "525.00", "60.00", "37.50"],
            ["C", "Кофе", "4", "1420.00", "1020.00", "400.00", "39.22", "28.17"],
            ["D", "Доставка", "1", "200.00", "0.00", "200.00", null, "100.00"],
            ["A", "Хлеб", "6", "295.00", "181.07", "113.93", "62.92", "38.62"],
            ["E", "Кроссовки", "0", "0.00", "0.00", "0.00", null, null],
            ["G", "Шоколадка", "2", "0.00", "120.00", "-120.00", "-100.00", null]
        ])
    );
    // A: S1 25 counted at 31.0714… = 776.79, S2 7 at 30 = 210.00 → 986.79 for 32;
    // C: S1 18 at (17·4370/17 + 250) ÷ 18 = 256.666… = 4620.00, S2 3 at 260 = 780.00.
    assert_eq!(
        rows(&db, "stock_balance", &all),
        json!([
            ["A", "Хлеб", "32", "30.84", "986.79"],
            ["B", "Сыр", "3", "500.00", "1500.00"],
            ["C", "Кофе", "21", "257.14", "5400.00"],
            ["E", "Кроссовки", "2", "3000.00", "6000.00"],
            ["G", "Шоколадка", "7", "60.00", "420.00"],
            ["H", "Пакет", "40", "4.00", "160.00"]
        ])
    );
    assert_eq!(
        rows(&db, "stock_movement", &all),
        json!([
            ["A", "0", "40", "7", "1", "0", "0", "-2", "32"],
            ["B", "0", "5", "1.75", "0", "0.25", "0", "0", "3"],
            ["C", "0", "25", "5", "1", "0", "0", "0", "21"],
            ["E", "0", "2", "1", "1", "0", "0", "0", "2"],
            ["G", "0", "10", "2", "0", "0", "0", "-1", "7"],
            ["H", "0", "50", "0", "0", "0", "10", "0", "40"]
        ])
    );
    // Book 27 loaves, 25 found: −2 × 31.0714… = −62.14; 8 bars, 7 found: −60.00.
    assert_eq!(
        rows(&db, "count_variance", &all),
        json!([
            [
                "SC1",
                "2026-11-03T14:00:00+03:00",
                "A",
                "Хлеб",
                "27",
                "25",
                "-2",
                "-62.14"
            ],
            [
                "SC1",
                "2026-11-03T14:00:00+03:00",
                "G",
                "Шоколадка",
                "8",
                "7",
                "-1",
                "-60.00"
            ]
        ])
    );
    // W2 5×500 + 2×3000; W1 600+2500+600+200, W3 300+1300, W4 330+2620.
    assert_eq!(
        rows(&db, "supplies_by_supplier", &all),
        json!([["ООО Сыр", 1, "7", "8500.00"], ["ООО Хлеб", 3, "125", "8450.00"]])
    );
    assert_eq!(rows(&db, "write_offs", &all), json!([["порча", 1, "0.25", "125.00"]]));
    assert_eq!(
        rows(&db, "supplier_returns", &all),
        json!([["ООО Хлеб", 1, "10", "40.00"]])
    );
    assert_eq!(rows(&db, "dead_stock", &all), json!([["H", "Пакет", "40", "160.00"]]));
    assert_eq!(rows(&db, "out_of_stock", &all), json!([]));
    // Gifts sold at 0 below their cost of 60.00.
    assert_eq!(
        rows(&db, "below_cost_sales", &all),
        json!([
            ["R2", "2026-11-02T10:20:00+03:00", "G", "1", "0.00", "60.00"],
            ["R8", "2026-11-03T09:30:00+03:00", "G", "1", "0.00", "60.00"]
        ])
    );
    // Margins 37.50, 28.17, 100, 38.62: none below 10; below 30 only coffee.
    assert_eq!(rows(&db, "low_margin_products", &all), json!([]));
    let mut below_30 = november(None);
    below_30.threshold = Some(rust_decimal::Decimal::from(30));
    assert_eq!(
        rows(&db, "low_margin_products", &below_30),
        json!([["C", "Кофе", "1420.00", "28.17"]])
    );
    // Cumulative 1420 → 42.84 (A), 2820 → 85.07 (crosses 80: B), 3115 → 93.97 (B), 3315 → 100 (C).
    assert_eq!(
        rows(&db, "abc_revenue", &all),
        json!([
            ["C", "Кофе", "1420.00", "42.84", "42.84", "A"],
            ["B", "Сыр", "1400.00", "42.23", "85.07", "B"],
            ["A", "Хлеб", "295.00", "8.90", "93.97", "B"],
            ["D", "Доставка", "200.00", "6.03", "100.00", "C"],
            ["E", "Кроссовки", "0.00", "0.00", "100.00", "C"],
            ["G", "Шоколадка", "0.00", "0.00", "100.00", "C"]
        ])
    );
    // Pairs in sale receipts: {A,C} in R1 and R6, {B,G} in R2 and R8, the rest once.
    let pairs = rows(&db, "basket_pairs", &all);
    assert_eq!(pairs[0], json!(["A", "C", 2]));
    assert_eq!(pairs[1], json!(["B", "G", 2]));
    assert_eq!(pairs.as_array().map(Vec::len), Some(10));
}

#[test]
fn cash_shifts_staff_promotions_and_fiscal_figures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = two_stores(dir.path());
    let all = november(None);
    // SH1: 1000 in, cash sales 460 + 45, back 50, expense 200, collection 800 → 455.00.
    assert_eq!(
        rows(&db, "cash_by_shift", &all),
        json!([
            [
                "SH1",
                "2026-11-02T09:00:00+03:00",
                "1000.00",
                "505.00",
                "50.00",
                "200.00",
                "800.00",
                "455.00"
            ],
            [
                "SH2",
                "2026-11-02T10:00:00+03:00",
                "500.00",
                "510.00",
                "0.00",
                "0.00",
                "0.00",
                "1010.00"
            ],
            [
                "SH3",
                "2026-11-03T09:00:00+03:00",
                "500.00",
                "0.00",
                "0.00",
                "0.00",
                "0.00",
                "500.00"
            ]
        ])
    );
    assert_eq!(
        rows(&db, "shift_summary", &all)[0],
        json!(["SH1", 3, "6825.00", 2, "5050.00", "455.00", "1320.00", "0.00", "1000.00", "1000.00", "455.00"])
    );
    // Both stores' cash: 2 Nov in 1000 + 500 + 505 + 510, out 50 + 200 + 800; 3 Nov 500 in.
    assert_eq!(
        rows(&db, "cash_book", &all),
        json!([
            ["2026-11-02", "0.00", "2515.00", "1050.00", "1465.00"],
            ["2026-11-03", "1465.00", "500.00", "0.00", "1965.00"]
        ])
    );
    assert_eq!(
        rows(&db, "collections", &all),
        json!([["SH1", "2026-11-02T18:00:00+03:00", "800.00"]])
    );
    // Net by who rang: E1 5505 − 5050, E2 2370 − 360, E3 850; commission 2 % and 1 %.
    assert_eq!(
        rows(&db, "sales_by_cashier", &all),
        json!([
            ["E1", "Анна", 2, "5505.00", "5050.00", "455.00", "2752.50"],
            ["E2", "Борис", 2, "2370.00", "360.00", "2010.00", "1185.00"],
            ["E3", "Вера", 2, "850.00", "0.00", "850.00", "425.00"]
        ])
    );
    assert_eq!(
        rows(&db, "commission", &all),
        json!([
            ["E1", "Анна", "455.00", "2.00", "9.10"],
            ["E2", "Борис", "2010.00", "1.00", "20.10"],
            ["E3", "Вера", "850.00", "0.00", "0.00"]
        ])
    );
    // Shifts of 9.5, 9 and 10 hours: E1 2 ÷ 9.5 = 0.21 receipts, 455 ÷ 9.5 = 47.89 an hour.
    assert_eq!(
        rows(&db, "cashier_productivity", &all),
        json!([
            ["E1", "Анна", "9.50", 2, "0.21", "47.89"],
            ["E2", "Борис", "9.00", 2, "0.22", "223.33"],
            ["E3", "Вера", "10.00", 2, "0.20", "85.00"]
        ])
    );
    assert_eq!(
        rows(&db, "discounts_by_cashier", &all),
        json!([
            ["E1", "Анна", 2, "45.00"],
            ["E2", "Борис", 1, "80.00"],
            ["E3", "Вера", 2, "100.00"]
        ])
    );
    // 225 of 8950 = 2.5139… %.
    assert_eq!(
        rows(&db, "discounts_summary", &all),
        json!([["8950.00", "225.00", "2.51"]])
    );
    // P1 on R1, R2, R6, R7: 40 + 80 + 40 + 40 of discount (R7's other 20 was the cashier's),
    // lines 360 + 720 + 360 + 340; P2's chocolate bars in R2 and R8.
    assert_eq!(
        rows(&db, "promotions_performance", &all),
        json!([["P1", 4, "200.00", "1780.00"], ["P2", 2, "0.00", "0.00"]])
    );
    assert_eq!(rows(&db, "gifts", &all), json!([["P2", "G", "2", "120.00"]]));
    assert_eq!(
        rows(&db, "fiscal_documents", &all),
        json!([
            ["R1", 101, "1234567890", "2026-11-02T09:10:05+03:00", "460.00"],
            ["R2", 102, "2345678901", "2026-11-02T10:20:04+03:00", "1320.00"]
        ])
    );
    assert_eq!(rows(&db, "marked_goods", &all), json!([["E", "Кроссовки", 1, 1]]));
    assert_eq!(
        rows(&db, "shifts", &all)[1],
        json!([
            "SH2",
            "S2",
            "T1",
            "E3",
            "2026-11-02T10:00:00+03:00",
            "2026-11-02T20:00:00+03:00",
            "10.00",
            2,
            "850.00"
        ])
    );
}

#[test]
fn every_report_runs_and_its_series_add_up_to_the_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = two_stores(dir.path());
    let all = november(None);
    for def in report::CATALOG {
        let table = def.run(&db, &all).unwrap_or_else(|e| panic!("{}: {e}", def.name));
        assert_eq!(
            table.columns.len(),
            table.rows.first().map_or(table.columns.len(), Vec::len)
        );
    }
    let net = |name: &str, column: usize| -> rust_decimal::Decimal {
        rows(&db, name, &all)
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| {
                r[column]
                    .as_str()
                    .expect("money")
                    .parse::<rust_decimal::Decimal>()
                    .expect("decimal")
            })
            .sum()
    };
    let total = rust_decimal::Decimal::new(331_500, 2);
    for (name, column) in [
        ("sales_by_day", 4),
        ("sales_by_hour", 2),
        ("sales_by_weekday", 2),
        ("sales_by_month", 2),
        ("sales_heatmap", 2),
        ("sales_by_store", 3),
        ("sales_by_till", 3),
        ("sales_by_category", 2),
        ("sales_by_unit", 2),
        ("sales_by_cashier", 5),
        ("gross_profit_by_day", 1),
        ("gross_profit_by_store", 1),
        ("gross_profit_by_category", 1),
        ("vat_by_day", 2),
        ("abc_xyz", 2),
    ] {
        assert_eq!(net(name, column), total, "{name}");
    }
}

#[test]
fn a_store_that_does_not_exist_is_an_error_and_a_threshold_only_where_taken() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = two_stores(dir.path());
    let error = report::find("sales_summary")
        .expect("known")
        .run(&db, &november(Some("S9")))
        .expect_err("no such store");
    assert!(error.to_string().contains("S9"), "{error}");
    let mut params = november(None);
    params.threshold = Some(rust_decimal::Decimal::ONE);
    assert!(report::find("sales_summary").expect("known").run(&db, &params).is_err());
}
