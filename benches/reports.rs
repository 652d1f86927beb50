//! Report speed on a chain's trade (`cargo bench --bench reports`): the
//! seeded chain journal of `KASSA_BENCH_LINES` lines (default 1,000,000)
//! imported, then every report of the catalogue timed over the whole
//! period, and eight of them computed by DuckDB from the same rows in the
//! same run (benches/duckdb_reports.py; `pip install duckdb`), figures
//! compared. `KASSA_BENCH_DB=FILE` keeps the imported books between runs.

// Floating point here measures time, never money.
#![allow(clippy::float_arithmetic)]

mod chain;

use std::collections::BTreeMap;
use std::io::BufReader;
use std::time::Instant;

use kassa::db::report::Period;
use kassa::report::{self, Format, Params};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let lines = env_number("KASSA_BENCH_LINES", 1_000_000);
    // The system temp dir: never inside the repository, where `git add` would take a 3 GB journal.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = std::env::var("KASSA_BENCH_DB").map_or_else(|_| dir.path().join("chain.db"), std::path::PathBuf::from);
    if !path.exists() {
        let journal = dir.path().join("chain.jsonl");
        let mut file = std::io::BufWriter::new(std::fs::File::create(&journal).expect("journal"));
        let written = chain::write_journal(&chain::Chain::default(), lines, 0x5EED, &mut file).expect("generate");
        drop(file);
        let started = Instant::now();
        let mut db = kassa::db::Db::open(&path).expect("books");
        let input = BufReader::with_capacity(1 << 20, std::fs::File::open(&journal).expect("journal"));
        kassa::journal::import(&mut db, input, |_| {}).expect("import");
        println!("imported {written} lines in {:.1} s", started.elapsed().as_secs_f64());
        let _ = std::fs::remove_file(&journal);
    }
    let db = kassa::db::Db::open(&path).expect("books");
    // Every day of the books (a 10M-line journal runs into a second year).
    let params = Params {
        period: Period::all_time(None),
        threshold: None,
    };
    // DuckDB first: its process and ours do not hold the books in memory at once.
    let duck = duckdb(&path);
    let mut ours: BTreeMap<&str, (f64, usize, serde_json::Value)> = BTreeMap::new();
    let whole = Instant::now();
    for def in report::CATALOG {
        let started = Instant::now();
        let table = def.run(&db, &params).expect("report");
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        // Rows kept only where DuckDB's are compared.
        let rows = if duck.contains_key(def.name) {
            let mut json = Vec::new();
            report::write(&table, Format::Json, &mut json).expect("json");
            let doc: serde_json::Value = serde_json::from_slice(&json).expect("json");
            doc["rows"].clone()
        } else {
            serde_json::Value::Null
        };
        ours.insert(def.name, (ms, table.rows.len(), rows));
    }
    let catalogue = whole.elapsed().as_secs_f64();
    println!("| report | kassa ms | rows | DuckDB ms | kassa ÷ DuckDB time | same figures |");
    println!("|---|---:|---:|---:|---:|---|");
    for def in report::CATALOG {
        let (ms, count, rows) = &ours[def.name];
        match duck.get(def.name) {
            Some((duck_ms, duck_rows)) => println!(
                "| {} | {ms:.1} | {count} | {duck_ms:.1} | {:.2}× | {} |",
                def.name,
                ms / duck_ms,
                if same(rows, duck_rows) { "yes" } else { "NO" }
            ),
            None => println!("| {} | {ms:.1} | {count} | | | |", def.name),
        }
    }
    println!("whole catalogue: {catalogue:.1} s");
}

/// DuckDB's timings and rows, by report name; empty when DuckDB is not installed.
fn duckdb(path: &std::path::Path) -> BTreeMap<String, (f64, serde_json::Value)> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/duckdb_reports.py");
    let out = std::process::Command::new("python3").arg(script).arg(path).output();
    match out {
        Ok(out) if out.status.success() => {
            serde_json::from_slice::<BTreeMap<String, (f64, serde_json::Value)>>(&out.stdout).unwrap_or_default()
        }
        Ok(out) => {
            eprintln!("DuckDB skipped: {}", String::from_utf8_lossy(&out.stderr));
            BTreeMap::new()
        }
        Err(e) => {
            eprintln!("DuckDB skipped: {e}");
            BTreeMap::new()
        }
    }
}

/// The same figures: DuckDB's rows (strings) equal ours cell for cell in
/// the columns it computes (its rows may be shorter).
fn same(ours: &serde_json::Value, duck: &serde_json::Value) -> bool {
    let (Some(ours), Some(duck)) = (ours.as_array(), duck.as_array()) else {
        return false;
    };
    ours.len() == duck.len()
        && ours.iter().zip(duck).all(|(o, d)| {
            d.as_array().is_some_and(|d| {
                d.iter().enumerate().all(|(i, cell)| {
                    let o = &o[i];
                    let text = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    text(o) == text(cell)
                })
            })
        })
}
