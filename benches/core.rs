//! Speed figures of the till core (`cargo bench --bench core`): a durable
//! sale commit against a bare SQLite commit of the same rows, barcode
//! lookup in a 1,000,000-product catalogue, and journal import rates.
//! `KASSA_BENCH_LINES` sets the size of the big journals (default 1,000,000).

// Floating point here measures time, never money.
#![allow(clippy::float_arithmetic)]

use std::path::Path;
use std::time::{Duration, Instant};

use kassa::clock::SystemClock;
use kassa::db::Db;
use kassa::money::{Money, Qty};
use kassa::sale::{Cart, Payment};
use kassa::till::{ActionId, Till};
use rusqlite::{params, Connection};

const DEMO: &str = include_str!("../demo/demo.jsonl");

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn percentile(samples: &mut [Duration], p: usize) -> Duration {
    samples.sort();
    samples[(samples.len() * p / 100).min(samples.len() - 1)]
}

fn micros(d: Duration) -> f64 {
    d.as_nanos() as f64 / 1000.0
}

fn main() {
    let lines: usize = std::env::var("KASSA_BENCH_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir_in(std::env::current_dir().expect("cwd")).expect("tempdir");
    sale_commit(dir.path());
    let catalogue = import_products(dir.path(), lines);
    barcode_lookup(&catalogue, lines);
    import_receipts(dir.path(), lines);
}

/// A 3-line sale through the till (rights, checks, receipt, lines, payment,
/// stock, event, action id) against the same rows written by hand.
fn sale_commit(dir: &Path) {
    const ROUNDS: usize = 300;
    let path = dir.join("sales.db");
    let mut db = Db::open(&path).expect("open");
    kassa::journal::import(&mut db, DEMO.as_bytes(), |_| {}).expect("demo");
    let mut till = Till::new(db, "S1", "T5", Box::new(SystemClock)).expect("till");
    let cashier = till.login("E1", "1111").expect("login");
    till.open_shift(&cashier, &ActionId::new()).expect("open");
    let mut ours = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let mut cart = Cart::new();
        for (sku, qty) in [("1001", "1"), ("1003", "2"), ("1006", "0.750")] {
            till.add_product(&cashier, &mut cart, sku, Qty::parse(qty).expect("qty"))
                .expect("add");
        }
        let payment = Payment::cash(cart.total() + Money::from_kopecks(500));
        let started = Instant::now();
        till.pay(&cashier, &ActionId::new(), &cart, &[payment]).expect("pay");
        ours.push(started.elapsed());
    }
    drop(till);

    // The same rows, bare: one transaction with plain INSERTs and UPDATEs.
    let bare_path = dir.join("bare.db");
    let mut conn = Connection::open(&bare_path).expect("open");
    conn.pragma_update(None, "journal_mode", "WAL").expect("wal");
    conn.pragma_update(None, "synchronous", "FULL").expect("sync");
    conn.pragma_update(None, "foreign_keys", true).expect("fk");
    conn.execute_batch(
        "CREATE TABLE receipts (id TEXT PRIMARY KEY, shift TEXT, at TEXT, at_utc INTEGER, kind TEXT, cashier TEXT, total INTEGER, change INTEGER) WITHOUT ROWID;
         CREATE TABLE receipt_lines (receipt TEXT, line_no INTEGER, sku TEXT, qty INTEGER, price INTEGER, discount INTEGER, amount INTEGER, unit_cost TEXT, PRIMARY KEY (receipt, line_no)) WITHOUT ROWID;
         CREATE TABLE payments (receipt TEXT, n INTEGER, method TEXT, amount INTEGER, PRIMARY KEY (receipt, n)) WITHOUT ROWID;
         CREATE TABLE stock (store TEXT, sku TEXT, qty INTEGER, avg_cost TEXT, PRIMARY KEY (store, sku)) WITHOUT ROWID;
         CREATE TABLE events (seq INTEGER PRIMARY KEY, origin TEXT, at TEXT, actor TEXT, type TEXT, entity TEXT, day TEXT, key TEXT UNIQUE, payload TEXT);
         CREATE TABLE actions (id TEXT PRIMARY KEY, result TEXT) WITHOUT ROWID;
         INSERT INTO stock VALUES ('S1', '1001', 100000, '28'), ('S1', '1003', 100000, '61'), ('S1', '1006', 100000, '80');",
    )
    .expect("schema");
    let payload = r#"{"type":"receipt","id":"S1-T5-00001-0001","shift":"S1-T5-00001","at":"2026-11-26T12:00:00+03:00","kind":"sale","cashier":"E1","lines":[{"sku":"1001","qty":"1","price":"45.50","discount":"0.00"},{"sku":"1003","qty":"2","price":"89.90","discount":"0.00"},{"sku":"1006","qty":"0.75","price":"129.90","discount":"0.00"}],"payments":[{"method":"cash","amount":"327.73"}]}"#;
    let mut bare = Vec::with_capacity(ROUNDS);
    for n in 0..ROUNDS {
        let id = format!("R-{n}");
        let started = Instant::now();
        let tx = conn.transaction().expect("tx");
        tx.execute(
            "INSERT INTO receipts VALUES (?1, 'S1-T5-00001', '2026-11-26T12:00:00+03:00', 0, 'sale', 'E1', 32273, 500)",
            params![id],
        )
        .expect("receipt");
        for (line, sku, qty, price) in [
            (0, "1001", 1000, 4550),
            (1, "1003", 2000, 8990),
            (2, "1006", 750, 12990),
        ] {
            tx.execute(
                "INSERT INTO receipt_lines VALUES (?1, ?2, ?3, ?4, ?5, 0, ?5, '28')",
                params![id, line, sku, qty, price],
            )
            .expect("line");
            tx.execute(
                "UPDATE stock SET qty = qty - ?2 WHERE store = 'S1' AND sku = ?1",
                params![sku, qty],
            )
            .expect("stock");
        }
        tx.execute("INSERT INTO payments VALUES (?1, 0, 'cash', 32773)", params![id])
            .expect("payment");
        tx.execute(
            "INSERT INTO events (origin, at, actor, type, entity, day, key, payload) VALUES ('till', '2026-11-26T12:00:00+03:00', 'E1', 'receipt', ?1, '2026-11-26', 'receipt:' || ?1, ?2)",
            params![id, payload],
        )
        .expect("event");
        tx.execute("INSERT INTO actions VALUES (?1, ?1)", params![id])
            .expect("action");
        tx.commit().expect("commit");
        bare.push(started.elapsed());
    }
    let (ours_median, bare_median) = (median(&mut ours), median(&mut bare));
    println!(
        "durable sale commit (3 lines, WAL, synchronous=FULL): kassa median {:.0} µs (p90 {:.0} µs), bare SQLite median {:.0} µs (p90 {:.0} µs): ratio {:.2}×",
        micros(ours_median),
        micros(percentile(&mut ours, 90)),
        micros(bare_median),
        micros(percentile(&mut bare, 90)),
        ours_median.as_secs_f64() / bare_median.as_secs_f64()
    );
}

/// Parsing and checking alone (no database): the share of an import that is JSON.
fn parse_rate(what: &str, journal: &str) {
    let started = Instant::now();
    let mut count = 0;
    for line in journal.lines() {
        kassa::journal::parse_line(line).expect("valid");
        count += 1;
    }
    let elapsed = started.elapsed();
    println!(
        "parse only, {what}: {:.0} lines/s",
        count as f64 / elapsed.as_secs_f64()
    );
}

/// A journal of `n` products with one EAN-13 barcode each.
fn product_journal(n: usize) -> String {
    let mut text = String::with_capacity(n * 170);
    for i in 0..n {
        let category = ["Бакалея", "Напитки", "Молочные продукты", "Хлеб"][i % 4];
        text += &format!(
            r#"{{"type":"product","sku":"P{i:07}","name":"Товар номер {i}","price":"{}.{:02}","cost":"{}.00","vat":"vat22","category":"{category}","barcodes":["{}"]}}"#,
            10 + i % 990,
            i % 100,
            5 + i % 500,
            barcode(i)
        );
        text.push('\n');
    }
    text
}

fn barcode(i: usize) -> String {
    format!("2{i:011}")
}

fn import_products(dir: &Path, n: usize) -> std::path::PathBuf {
    let path = dir.join("catalogue.db");
    timed_import(&path, &product_journal(n), "product lines");
    path
}

/// Parses, then imports `journal` into a new database at `path`, printing
/// both rates.
fn timed_import(path: &Path, journal: &str, what: &str) {
    parse_rate(what, journal);
    let mut db = Db::open(path).expect("open");
    let started = Instant::now();
    let summary = kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("import");
    let elapsed = started.elapsed();
    println!(
        "import of {} {what}: {:.2} s, {:.0} lines/s",
        summary.records,
        elapsed.as_secs_f64(),
        summary.records as f64 / elapsed.as_secs_f64()
    );
}

/// Barcode → product card, through the core and by a bare indexed SELECT.
fn barcode_lookup(path: &Path, n: usize) {
    const LOOKUPS: usize = 100_000;
    let db = Db::open(path).expect("open");
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut ours = Vec::with_capacity(LOOKUPS);
    for _ in 0..LOOKUPS {
        let code = barcode(next());
        let started = Instant::now();
        let product = db.product_by_barcode(&code).expect("lookup");
        ours.push(started.elapsed());
        assert!(product.is_some());
    }
    let conn = Connection::open(path).expect("open");
    let mut bare = Vec::with_capacity(LOOKUPS);
    let mut stmt = conn
        .prepare("SELECT p.sku, p.name, p.price FROM barcodes b JOIN products p ON p.sku = b.sku WHERE b.code = ?1")
        .expect("prepare");
    for _ in 0..LOOKUPS {
        let code = barcode(next());
        let started = Instant::now();
        let row: (String, String, i64) = stmt
            .query_row(params![code], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("row");
        bare.push(started.elapsed());
        assert!(!row.0.is_empty());
    }
    println!(
        "barcode lookup in a {n}-product catalogue: kassa median {:.1} µs (p99 {:.1} µs), bare indexed SELECT median {:.1} µs",
        micros(median(&mut ours)),
        micros(percentile(&mut ours, 99)),
        micros(median(&mut bare))
    );
}

/// A journal of shifts and receipts on the demo catalogue, `n` lines.
fn import_receipts(dir: &Path, n: usize) {
    let mut journal = String::from(DEMO);
    let mut line = 0;
    let mut shift = 0;
    while line < n {
        shift += 1;
        // One shift a day, day after day, on one till.
        let day = (chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date") + chrono::Duration::days(shift))
            .format("%Y-%m-%d")
            .to_string();
        journal += &format!(
            r#"{{"type":"shift_open","id":"B-{shift}","store":"S1","till":"T3","cashier":"E1","at":"{day}T08:00:00+03:00"}}"#
        );
        journal.push('\n');
        line += 1;
        for r in 0..(n - line).min(2000) {
            let (h, m, s) = (8 + r / 3600, (r / 60) % 60, r % 60);
            journal += &format!(
                r#"{{"type":"receipt","id":"B-{shift}-{r}","shift":"B-{shift}","at":"{day}T{h:02}:{m:02}:{s:02}+03:00","kind":"sale","lines":[{{"sku":"1001","qty":"1","price":"45.50"}},{{"sku":"1006","qty":"0.350","price":"129.90"}}],"payments":[{{"method":"card","amount":"90.97"}}]}}"#
            );
            journal.push('\n');
            line += 1;
        }
        journal += &format!(r#"{{"type":"shift_close","shift":"B-{shift}","at":"{day}T23:00:00+03:00"}}"#);
        journal.push('\n');
        line += 1;
    }
    timed_import(
        &dir.join("receipts.db"),
        &journal,
        "receipt and shift lines (2 items a receipt)",
    );
}
