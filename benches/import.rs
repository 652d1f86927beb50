//! Import speed on a chain's journal (`cargo bench --bench import`): a
//! seeded chain journal of `KASSA_BENCH_LINES` lines (default 1,000,000)
//! imported by `kassa::journal::import` with every check, and beside it in
//! the same run a plain loader of the same rows through the same stack
//! (serde_json + rusqlite, WAL, synchronous=FULL, one transaction, prepared
//! statements, no checks): lines per second for both and their ratio.
//! `KASSA_BENCH_ROUNDS` repeats both (default 1).

// Floating point here measures time, never money.
#![allow(clippy::float_arithmetic)]

mod chain;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Instant;

use rusqlite::{params, Connection};
use serde_json::Value;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let lines = env_number("KASSA_BENCH_LINES", 1_000_000);
    let rounds = env_number("KASSA_BENCH_ROUNDS", 1);
    // The system temp dir: never inside the repository, where `git add` would take a 3 GB journal.
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = dir.path().join("chain.jsonl");
    let started = Instant::now();
    let mut file = std::io::BufWriter::new(std::fs::File::create(&journal).expect("journal file"));
    let written = chain::write_journal(&chain::Chain::default(), lines, 0x5EED, &mut file).expect("generate");
    drop(file);
    let size = std::fs::metadata(&journal).map(|m| m.len()).unwrap_or(0);
    println!(
        "chain journal: {written} lines, {:.0} MB, generated in {:.1} s",
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    for round in 1..=rounds {
        let plain_db = dir.path().join(format!("plain-{round}.db"));
        let started = Instant::now();
        let rows = plain_load(&journal, &plain_db);
        let plain = started.elapsed().as_secs_f64();

        let kassa_db = dir.path().join(format!("kassa-{round}.db"));
        let started = Instant::now();
        let mut db = kassa::db::Db::open(&kassa_db).expect("books");
        let input = BufReader::with_capacity(1 << 20, std::fs::File::open(&journal).expect("journal"));
        let summary = kassa::journal::import(&mut db, input, |_| {}).expect("import");
        let ours = started.elapsed().as_secs_f64();
        assert_eq!(summary.records as usize, written, "every line imported");

        println!(
            "round {round}: plain loader {:.1} s, {:.0} lines/s ({rows} rows) | kassa import {:.1} s, {:.0} lines/s | kassa ÷ plain speed: {:.2}×",
            plain,
            written as f64 / plain,
            ours,
            written as f64 / ours,
            plain / ours
        );
        let _ = std::fs::remove_file(&plain_db);
        let _ = std::fs::remove_file(&kassa_db);
    }
}

const MIRROR: &str = "
CREATE TABLE stores (id TEXT PRIMARY KEY, name TEXT, address TEXT, inn TEXT, tax_system TEXT);
CREATE TABLE employees (id TEXT PRIMARY KEY, name TEXT, role TEXT, commission_pct TEXT, pin TEXT);
CREATE TABLE products (sku TEXT PRIMARY KEY, name TEXT, price INTEGER, cost INTEGER, vat TEXT, unit TEXT, category TEXT);
CREATE TABLE barcodes (code TEXT PRIMARY KEY, sku TEXT REFERENCES products);
CREATE TABLE stock_docs (id TEXT PRIMARY KEY, kind TEXT, store TEXT REFERENCES stores, at TEXT, party TEXT);
CREATE TABLE stock_lines (doc TEXT REFERENCES stock_docs, line_no INTEGER, sku TEXT REFERENCES products, qty TEXT, cost INTEGER, PRIMARY KEY (doc, line_no));
CREATE TABLE shifts (id TEXT PRIMARY KEY, store TEXT REFERENCES stores, till TEXT, cashier TEXT REFERENCES employees, opened_at TEXT, closed_at TEXT);
CREATE TABLE cash_flows (id INTEGER PRIMARY KEY, shift TEXT REFERENCES shifts, at TEXT, amount INTEGER, reason TEXT);
CREATE TABLE receipts (id TEXT PRIMARY KEY, shift TEXT REFERENCES shifts, at TEXT, kind TEXT, return_of TEXT);
CREATE TABLE receipt_lines (receipt TEXT REFERENCES receipts, line_no INTEGER, sku TEXT REFERENCES products, qty TEXT, price INTEGER, discount INTEGER, PRIMARY KEY (receipt, line_no));
CREATE TABLE payments (receipt TEXT REFERENCES receipts, n INTEGER, method TEXT, amount INTEGER, PRIMARY KEY (receipt, n));
CREATE INDEX receipts_shift ON receipts (shift);
";

fn kopecks(v: &Value) -> Option<i64> {
    let s = v.as_str()?;
    let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
    let frac = format!("{frac:0<2}");
    Some(whole.parse::<i64>().ok()? * 100 + frac.get(..2)?.parse::<i64>().ok()?)
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The same rows with no checks at all: the floor the import is measured against.
fn plain_load(journal: &Path, db: &Path) -> usize {
    let mut conn = Connection::open(db).expect("plain db");
    conn.pragma_update(None, "journal_mode", "WAL").expect("wal");
    conn.pragma_update(None, "synchronous", "FULL").expect("full");
    conn.pragma_update(None, "cache_size", -65_536).expect("cache");
    conn.execute_batch(MIRROR).expect("schema");
    let tx = conn.transaction().expect("tx");
    let mut rows = 0;
    {
        let mut store = tx
            .prepare("INSERT INTO stores VALUES (?1, ?2, ?3, ?4, ?5)")
            .expect("sql");
        let mut employee = tx
            .prepare("INSERT INTO employees VALUES (?1, ?2, ?3, ?4, ?5)")
            .expect("sql");
        let mut product = tx
            .prepare("INSERT INTO products VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .expect("sql");
        let mut barcode = tx.prepare("INSERT INTO barcodes VALUES (?1, ?2)").expect("sql");
        let mut doc = tx
            .prepare("INSERT INTO stock_docs VALUES (?1, ?2, ?3, ?4, ?5)")
            .expect("sql");
        let mut doc_line = tx
            .prepare("INSERT INTO stock_lines VALUES (?1, ?2, ?3, ?4, ?5)")
            .expect("sql");
        let mut shift = tx
            .prepare("INSERT INTO shifts VALUES (?1, ?2, ?3, ?4, ?5, NULL)")
            .expect("sql");
        let mut close = tx
            .prepare("UPDATE shifts SET closed_at = ?2 WHERE id = ?1")
            .expect("sql");
        let mut flow = tx
            .prepare("INSERT INTO cash_flows (shift, at, amount, reason) VALUES (?1, ?2, ?3, ?4)")
            .expect("sql");
        let mut receipt = tx
            .prepare("INSERT INTO receipts VALUES (?1, ?2, ?3, ?4, ?5)")
            .expect("sql");
        let mut line = tx
            .prepare("INSERT INTO receipt_lines VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .expect("sql");
        let mut payment = tx.prepare("INSERT INTO payments VALUES (?1, ?2, ?3, ?4)").expect("sql");
        let reader = BufReader::with_capacity(1 << 20, std::fs::File::open(journal).expect("journal"));
        for text_line in reader.lines() {
            let text_line = text_line.expect("read");
            let v: Value = serde_json::from_str(&text_line).expect("json");
            let empty = Vec::new();
            let lines = v.get("lines").and_then(Value::as_array).unwrap_or(&empty);
            match v["type"].as_str().unwrap_or("") {
                "store" => {
                    store
                        .execute(params![
                            text(&v, "id"),
                            text(&v, "name"),
                            text(&v, "address"),
                            text(&v, "inn"),
                            text(&v, "tax_system")
                        ])
                        .expect("store");
                }
                "employee" => {
                    employee
                        .execute(params![
                            text(&v, "id"),
                            text(&v, "name"),
                            text(&v, "role"),
                            text(&v, "commission_pct"),
                            text(&v, "pin")
                        ])
                        .expect("employee");
                }
                "product" => {
                    product
                        .execute(params![
                            text(&v, "sku"),
                            text(&v, "name"),
                            kopecks(&v["price"]),
                            kopecks(&v["cost"]),
                            text(&v, "vat"),
                            text(&v, "unit"),
                            text(&v, "category")
                        ])
                        .expect("product");
                    for code in v.get("barcodes").and_then(Value::as_array).unwrap_or(&empty) {
                        barcode
                            .execute(params![code.as_str(), text(&v, "sku")])
                            .expect("barcode");
                        rows += 1;
                    }
                }
                kind @ ("supply" | "write_off" | "supplier_return" | "stock_count") => {
                    let party = text(&v, "supplier").or_else(|| text(&v, "reason"));
                    doc.execute(params![text(&v, "id"), kind, text(&v, "store"), text(&v, "at"), party])
                        .expect("doc");
                    for (n, l) in lines.iter().enumerate() {
                        doc_line
                            .execute(params![
                                text(&v, "id"),
                                n,
                                text(l, "sku"),
                                text(l, "qty"),
                                kopecks(&l["cost"])
                            ])
                            .expect("doc line");
                        rows += 1;
                    }
                }
                "shift_open" => {
                    shift
                        .execute(params![
                            text(&v, "id"),
                            text(&v, "store"),
                            text(&v, "till"),
                            text(&v, "cashier"),
                            text(&v, "at")
                        ])
                        .expect("shift");
                }
                "shift_close" => {
                    close
                        .execute(params![text(&v, "shift"), text(&v, "at")])
                        .expect("close");
                }
                kind @ ("cash_in" | "cash_out") => {
                    let amount = kopecks(&v["amount"]).unwrap_or(0) * if kind == "cash_out" { -1 } else { 1 };
                    flow.execute(params![text(&v, "shift"), text(&v, "at"), amount, text(&v, "reason")])
                        .expect("flow");
                }
                "receipt" => {
                    let id = text(&v, "id");
                    receipt
                        .execute(params![
                            id,
                            text(&v, "shift"),
                            text(&v, "at"),
                            text(&v, "kind"),
                            text(&v, "return_of")
                        ])
                        .expect("receipt");
                    for (n, l) in lines.iter().enumerate() {
                        line.execute(params![
                            id,
                            n,
                            text(l, "sku"),
                            text(l, "qty"),
                            kopecks(&l["price"]),
                            kopecks(&l["discount"]).unwrap_or(0)
                        ])
                        .expect("line");
                        rows += 1;
                    }
                    for (n, p) in v
                        .get("payments")
                        .and_then(Value::as_array)
                        .unwrap_or(&empty)
                        .iter()
                        .enumerate()
                    {
                        payment
                            .execute(params![id, n, text(p, "method"), kopecks(&p["amount"])])
                            .expect("payment");
                        rows += 1;
                    }
                }
                other => panic!("the generator wrote an unknown record {other}"),
            }
            rows += 1;
        }
    }
    tx.commit().expect("commit");
    rows
}
