//! The renderers read back: CSV parses to the same values, XLSX to the same
//! typed cells, every PDF renders and its text holds the title and totals.

use std::process::Command;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use kassa::report::{self, Format};
use rust_decimal::Decimal;

use crate::reports::{november, rows, two_stores};

fn rendered(db: &kassa::db::Db, name: &str, format: Format) -> Vec<u8> {
    let table = report::find(name)
        .expect("known")
        .run(db, &november(None))
        .expect("runs");
    let mut out = Vec::new();
    report::write(&table, format, &mut out).expect("written");
    out
}

fn decimal(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

#[test]
fn csv_parses_back_with_semicolons_and_decimal_commas() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = two_stores(dir.path());
    let bytes = rendered(&db, "gross_profit_by_product", Format::Csv);
    let text = String::from_utf8(bytes).expect("utf-8");
    let body = text.strip_prefix('\u{feff}').expect("a BOM for spreadsheets");
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(body.as_bytes());
    let headers = reader.headers().expect("header").clone();
    assert_eq!(headers.get(0), Some("sku"));
    assert_eq!(headers.get(5), Some("gross_profit"));
    let json = rows(&db, "gross_profit_by_product", &november(None));
    let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("records");
    assert_eq!(records.len(), 6);
    for (record, row) in records.iter().zip(json.as_array().expect("rows")) {
        assert_eq!(record.get(0), row[0].as_str());
        assert_eq!(record.get(1), row[1].as_str(), "names with their letters");
        for column in [2, 3, 4, 5] {
            let cell = record.get(column).expect("cell");
            assert!(!cell.contains('.'), "decimal comma: {cell}");
            assert_eq!(
                decimal(&cell.replace(',', ".")),
                decimal(row[column].as_str().expect("value"))
            );
        }
    }
    // A day reads as a Russian date.
    let days = String::from_utf8(rendered(&db, "sales_by_day", Format::Csv)).expect("utf-8");
    assert!(
        days.contains("\r\n02.11.2026;5;7675,00;5050,00;2625,00;1535,00\r\n"),
        "{days}"
    );
}

#[test]
fn xlsx_reads_back_with_typed_cells() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = two_stores(dir.path());
    let bytes = rendered(&db, "sales_by_day", Format::Xlsx);
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx");
    let sheet = book.sheet_names()[0].clone();
    assert_eq!(sheet, "sales_by_day");
    let range = book.worksheet_range(&sheet).expect("sheet");
    assert_eq!(range.get((0, 0)), Some(&Data::String("День".into())));
    assert_eq!(range.get((0, 4)), Some(&Data::String("Выручка".into())));
    match range.get((1, 0)) {
        Some(Data::DateTime(d)) => assert_eq!(
            d.as_datetime().map(|t| t.date()),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 2)
        ),
        other => panic!("a day is a date cell: {other:?}"),
    }
    assert_eq!(range.get((1, 1)), Some(&Data::Float(5.0)));
    assert_eq!(range.get((1, 4)), Some(&Data::Float(2625.0)));
    assert_eq!(range.get((2, 4)), Some(&Data::Float(690.0)));
    // The totals row: Итого, 6 receipts, 3315.00 net.
    assert_eq!(range.get((3, 0)), Some(&Data::String("Итого".into())));
    assert_eq!(range.get((3, 1)), Some(&Data::Float(6.0)));
    assert_eq!(range.get((3, 4)), Some(&Data::Float(3315.0)));
    // Moments are date-times.
    let journal = rendered(&db, "receipts_journal", Format::Xlsx);
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(journal)).expect("an xlsx");
    let range = book.worksheet_range("receipts_journal").expect("sheet");
    match range.get((1, 1)) {
        Some(Data::DateTime(d)) => assert_eq!(
            d.as_datetime().map(|t| t.to_string()),
            Some("2026-11-02 09:10:00".to_owned())
        ),
        other => panic!("a moment is a date-time cell: {other:?}"),
    }
    assert_eq!(range.get((1, 6)), Some(&Data::Float(460.0)));
}

#[test]
fn every_report_renders_as_a_pdf_with_its_title_and_totals() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = two_stores(dir.path());
    for def in report::CATALOG {
        let path = dir.path().join(format!("{}.pdf", def.name));
        std::fs::write(&path, rendered(&db, def.name, Format::Pdf)).expect("pdf written");
        let pages = Command::new("pdftoppm")
            .args(["-r", "20", "-png"])
            .arg(&path)
            .arg(dir.path().join(def.name))
            .status()
            .expect("pdftoppm (poppler-utils) runs");
        assert!(pages.success(), "{} renders", def.name);
        let text = Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext runs");
        assert!(text.status.success());
        let text = String::from_utf8_lossy(&text.stdout).replace('\u{a0}', " ");
        assert!(text.contains(def.title), "{}: {text}", def.name);
        assert!(text.contains("Период: 01.11.2026 — 30.11.2026"), "{}", def.name);
    }
    let text = |name: &str| {
        let out = Command::new("pdftotext")
            .arg(dir.path().join(format!("{name}.pdf")))
            .arg("-")
            .output()
            .expect("pdftotext");
        String::from_utf8_lossy(&out.stdout).replace('\u{a0}', " ")
    };
    // Totals as a person reads them.
    let by_day = text("sales_by_day");
    assert!(
        by_day.contains("Итого") && by_day.contains("3 315,00") && by_day.contains("8 725,00"),
        "{by_day}"
    );
    let balance = text("stock_balance");
    assert!(balance.contains("14 466,79"), "{balance}");
    // A series gets its chart on a page of its own.
    let chart = dir.path().join("sales_by_hour-2.png");
    assert!(chart.exists(), "the chart page of sales_by_hour");
}
