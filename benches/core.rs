//! Speed figures of the till core (`cargo bench --bench core`): a durable
//! sale commit against a bare SQLite commit of the same rows, barcode
//! lookup in a 1,000,000-product catalogue, a scan to a priced cart line
//! in it, the pricing engine from 10 to 1,000 lines with 20 promotions,
//! and journal import rates.
//! `KASSA_BENCH_LINES` sets the size of the big journals (default 1,000,000).

// Floating point here measures time, never money.
#![allow(clippy::float_arithmetic)]

use std::path::Path;
use std::time::{Duration, Instant};

use kassa::clock::SystemClock;
use kassa::db::Db;
use kassa::money::{Money, Qty};
use kassa::sale::{Cart, Payment};
use kassa::till::ActionId;
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
    // The system temp dir: never inside the repository, where `git add` would take a 3 GB journal.
    let dir = tempfile::tempdir().expect("tempdir");
    sale_commit(dir.path());
    let catalogue = import_products(dir.path(), lines);
    barcode_lookup(&catalogue, lines);
    scan_to_priced_line(&catalogue, lines);
    pricing_engine();
    import_receipts(dir.path(), lines);
    long_shift_with_cash_returns(dir.path());
}

/// One shift of 5,000 to 40,000 cash receipts, every 20th a cash return:
/// each refund checks the drawer, which must not re-read the shift (the
/// time per receipt stays flat as the shift grows).
fn long_shift_with_cash_returns(dir: &Path) {
    for n in [5_000usize, 20_000, 40_000] {
        let mut journal = String::from(DEMO);
        journal += r#"{"type":"shift_open","id":"L-1","store":"S1","till":"T4","cashier":"E1","at":"2026-12-01T06:00:00+03:00"}"#;
        journal.push('\n');
        for r in 0..n {
            let (h, m, s) = (6 + r / 3600, (r / 60) % 60, r % 60);
            let at = format!("2026-12-01T{h:02}:{m:02}:{s:02}+03:00");
            if r % 20 == 19 {
                journal += &format!(
                    r#"{{"type":"receipt","id":"L-{r}","shift":"L-1","at":"{at}","kind":"return","return_of":"L-{}","lines":[{{"sku":"1001","qty":"1","price":"45.50"}}],"payments":[{{"method":"cash","amount":"45.50"}}]}}"#,
                    r - 1
                );
            } else {
                journal += &format!(
                    r#"{{"type":"receipt","id":"L-{r}","shift":"L-1","at":"{at}","kind":"sale","lines":[{{"sku":"1001","qty":"1","price":"45.50"}}],"payments":[{{"method":"cash","amount":"50.00"}}]}}"#
                );
            }
            journal.push('\n');
        }
        let mut db = Db::open(&dir.join(format!("long-shift-{n}.db"))).expect("open");
        let started = Instant::now();
        let summary = kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("import");
        let elapsed = started.elapsed();
        println!(
            "one shift of {n} cash receipts, 5 % cash returns: {:.2} s ({:.1} µs a record, {} records)",
            elapsed.as_secs_f64(),
            micros(elapsed) / summary.records as f64,
            summary.records
        );
    }
}

/// A 3-line sale through the till (rights, checks, receipt, lines, payment,
/// stock, event, action id) against the same rows written by hand.
fn sale_commit(dir: &Path) {
    const ROUNDS: usize = 300;
    let path = dir.join("sales.db");
    let mut db = Db::open(&path).expect("open");
    kassa::journal::import(&mut db, DEMO.as_bytes(), |_| {}).expect("demo");
    drop(db);
    let mut books = kassa::Books::open(&path).expect("open");
    let owner = kassa::Credentials {
        employee: "E4",
        pin: "4444",
    };
    books
        .set_up_till(&SystemClock, Some(owner), "S1", "T5", None)
        .expect("till set up");
    let mut till = books.till("S1", "T5", Box::new(SystemClock)).expect("till");
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
         INSERT INTO stock VALUES ('S1', '1001', 100000, '28'), ('S1', '1003', 100000, '61'), ('S1', '1006', 100000, '80');
         CREATE TABLE roll_receipts (day TEXT, hour INTEGER, store TEXT, till TEXT, shift TEXT, cashier TEXT, kind TEXT, receipts INTEGER, total INTEGER, cash INTEGER, card INTEGER, other INTEGER, gross INTEGER, discount INTEGER, items INTEGER, discounted_lines INTEGER, PRIMARY KEY (day, hour, store, till, shift, cashier, kind)) WITHOUT ROWID;
         CREATE TABLE roll_products (day TEXT, store TEXT, sku TEXT, kind TEXT, vat TEXT, lines INTEGER, qty INTEGER, amount INTEGER, discount INTEGER, cogs INTEGER, vat_amount INTEGER, PRIMARY KEY (day, store, sku, kind, vat)) WITHOUT ROWID;
         CREATE TABLE roll_products_month (month TEXT, sku TEXT, kind TEXT, vat TEXT, lines INTEGER, qty INTEGER, amount INTEGER, discount INTEGER, cogs INTEGER, vat_amount INTEGER, PRIMARY KEY (month, sku, kind, vat)) WITHOUT ROWID;
         CREATE TABLE roll_days (day TEXT, store TEXT, kind TEXT, vat TEXT, lines INTEGER, qty INTEGER, amount INTEGER, discount INTEGER, cogs INTEGER, vat_amount INTEGER, PRIMARY KEY (day, store, kind, vat)) WITHOUT ROWID;
         CREATE TABLE roll_products_week (week TEXT, sku TEXT, qty INTEGER, PRIMARY KEY (week, sku)) WITHOUT ROWID;
         CREATE TABLE stock_days (store TEXT, sku TEXT, day TEXT, received INTEGER, sold INTEGER, returned INTEGER, written_off INTEGER, to_suppliers INTEGER, counted INTEGER, avg_end TEXT, PRIMARY KEY (store, sku, day)) WITHOUT ROWID;",
    )
    .expect("schema");
    let payload = r#"{"type":"receipt","id":"S1-T5-00001-0001","shift":"S1-T5-00001","at":"2026-11-26T12:00:00+03:00","kind":"sale","cashier":"E1","lines":[{"sku":"1001","qty":"1","price":"45.50","discount":"0.00"},{"sku":"1003","qty":"2","price":"89.90","discount":"0.00"},{"sku":"1006","qty":"0.75","price":"129.90","discount":"0.00"}],"payments":[{"method":"cash","amount":"327.73"}]}"#;
    // Twice: the rows without the reports' rollups, then with them (the
    // same rows the sale writes since the rollups are kept with it).
    let mut bare = Vec::with_capacity(ROUNDS);
    let mut bare_rolled = Vec::with_capacity(ROUNDS);
    for n in 0..2 * ROUNDS {
        let rolled = n >= ROUNDS;
        let id = format!("R-{n}");
        let started = Instant::now();
        let tx = conn.transaction().expect("tx");
        if rolled {
            tx.execute(
                "INSERT INTO roll_receipts VALUES ('2026-11-26', 12, 'S1', 'T5', 'S1-T5-00001', 'E1', 'sale', 1, 32273, 32273, 0, 0, 32273, 0, 4000, 0)
                 ON CONFLICT DO UPDATE SET receipts = receipts + 1, total = total + excluded.total, cash = cash + excluded.cash,
                   gross = gross + excluded.gross, items = items + excluded.items",
                [],
            )
            .expect("roll receipts");
            for (sku, qty, amount) in [("1001", 1000, 4550), ("1003", 2000, 17980), ("1006", 750, 9743)] {
                tx.execute(
                    "INSERT INTO roll_products VALUES ('2026-11-26', 'S1', ?1, 'sale', 'vat10', 1, ?2, ?3, 0, ?3, 0)
                     ON CONFLICT DO UPDATE SET lines = lines + 1, qty = qty + excluded.qty, amount = amount + excluded.amount",
                    params![sku, qty, amount],
                )
                .expect("roll products");
                tx.execute(
                    "INSERT INTO roll_products_month VALUES ('2026-11', ?1, 'sale', 'vat10', 1, ?2, ?3, 0, ?3, 0)
                     ON CONFLICT DO UPDATE SET lines = lines + 1, qty = qty + excluded.qty, amount = amount + excluded.amount",
                    params![sku, qty, amount],
                )
                .expect("roll month");
                tx.execute(
                    "INSERT INTO roll_products_week VALUES ('2026-11-23', ?1, ?2) ON CONFLICT DO UPDATE SET qty = qty + excluded.qty",
                    params![sku, qty],
                )
                .expect("roll week");
                tx.execute(
                    "INSERT INTO stock_days VALUES ('S1', ?1, '2026-11-26', 0, ?2, 0, 0, 0, 0, '28')
                     ON CONFLICT DO UPDATE SET sold = sold + excluded.sold, avg_end = excluded.avg_end",
                    params![sku, qty],
                )
                .expect("stock days");
            }
            tx.execute(
                "INSERT INTO roll_days VALUES ('2026-11-26', 'S1', 'sale', 'vat10', 3, 3750, 32273, 0, 32273, 0)
                 ON CONFLICT DO UPDATE SET lines = lines + 3, amount = amount + excluded.amount",
                [],
            )
            .expect("roll days");
        }
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
        if rolled {
            bare_rolled.push(started.elapsed());
        } else {
            bare.push(started.elapsed());
        }
    }
    let (ours_median, bare_median, rolled_median) = (median(&mut ours), median(&mut bare), median(&mut bare_rolled));
    println!(
        "durable sale commit (3 lines, WAL, synchronous=FULL): kassa median {:.0} µs (p90 {:.0} µs); bare SQLite, the same rows with the rollups median {:.0} µs (p90 {:.0} µs): ratio {:.2}×; bare without the rollups median {:.0} µs: ratio {:.2}×",
        micros(ours_median),
        micros(percentile(&mut ours, 90)),
        micros(rolled_median),
        micros(percentile(&mut bare_rolled, 90)),
        ours_median.as_secs_f64() / rolled_median.as_secs_f64(),
        micros(bare_median),
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

/// A valid EAN-13 for product `i` (what a scanner reads).
fn barcode(i: usize) -> String {
    let first12 = format!("46{i:010}");
    let check = kassa::catalog::barcode::ean13_check_digit(&first12).expect("digits");
    format!("{first12}{check}")
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

/// Product numbers below `n` in a fixed pseudo-random order (xorshift).
fn product_picker(seed: u64, n: usize) -> impl FnMut() -> usize {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    }
}

/// Barcode → product card, through the core and by a bare indexed SELECT.
fn barcode_lookup(path: &Path, n: usize) {
    const LOOKUPS: usize = 100_000;
    let db = Db::open(path).expect("open");
    let mut next = product_picker(0x9E37_79B9_7F4A_7C15, n);
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

/// Twenty promotions of every kind on the benchmark catalogue's products
/// (`P0000000`…) and categories, all in force at noon on 26 November 2026.
fn bench_promotions() -> String {
    let mut text = String::new();
    let rules = [
        r#"{"kind":"n_for_m","sku":"P0000001","n":2,"m":1}"#.to_owned(),
        r#"{"kind":"n_for_m","sku":"P0000002","n":3,"m":2}"#.to_owned(),
        r#"{"kind":"n_for_m","category":"Напитки","n":3,"m":2}"#.to_owned(),
        r#"{"kind":"n_for_m","category":"Хлеб","n":4,"m":3}"#.to_owned(),
        r#"{"kind":"percent","sku":"P0000003","pct":"10"}"#.to_owned(),
        r#"{"kind":"percent","sku":"P0000004","pct":"15"}"#.to_owned(),
        r#"{"kind":"percent","category":"Бакалея","pct":"5"}"#.to_owned(),
        r#"{"kind":"percent","category":"Молочные продукты","pct":"7.5"}"#.to_owned(),
        r#"{"kind":"percent","pct":"1"}"#.to_owned(),
        r#"{"kind":"threshold","min_total":"1000.00","pct":"2"}"#.to_owned(),
        r#"{"kind":"threshold","min_total":"5000.00","pct":"3"}"#.to_owned(),
        r#"{"kind":"threshold","min_total":"20000.00","pct":"5"}"#.to_owned(),
        r#"{"kind":"gift","min_total":"500.00","gift_sku":"P0000005"}"#.to_owned(),
        r#"{"kind":"gift","min_total":"3000.00","gift_sku":"P0000006"}"#.to_owned(),
        r#"{"kind":"bundle","skus":["P0000007","P0000008"],"price":"100.00"}"#.to_owned(),
        r#"{"kind":"bundle","skus":["P0000009","P0000010","P0000011"],"price":"150.00"}"#.to_owned(),
        r#"{"kind":"bundle","skus":["P0000012","P0000012"],"price":"40.00"}"#.to_owned(),
        r#"{"kind":"percent","sku":"P0000013","pct":"20"}"#.to_owned(),
        r#"{"kind":"n_for_m","sku":"P0000014","n":2,"m":1}"#.to_owned(),
        r#"{"kind":"percent","category":"Хлеб","pct":"3"}"#.to_owned(),
    ];
    for (n, rule) in rules.iter().enumerate() {
        text += &format!(
            r#"{{"type":"promotion","id":"B{n:02}","name":"Акция {n}","stores":"all","from":"2026-11-01","to":"2026-11-30","priority":{},"exclusive":{},"rule":{rule}}}"#,
            n % 7,
            n % 5 == 0
        );
        text.push('\n');
    }
    text
}

/// A basket of `lines` lines of the benchmark catalogue's first 200
/// products (so the promotions' products come up), quantities 1 to 3.
fn bench_basket(products: &[kassa::catalog::Product], lines: usize) -> Vec<kassa::promo::BasketLine<'_>> {
    (0..lines)
        .map(|i| {
            let product = &products[(i * 7) % products.len()];
            let qty = Qty::from_milli(1_000 * (1 + (i % 3) as i64)).expect("qty");
            kassa::promo::BasketLine::of(product, qty, Money::ZERO)
        })
        .collect()
}

/// Scan → priced cart line, through the till (rights, barcode, product,
/// cart, repricing with 20 promotions), against a bare indexed SELECT of
/// the same product.
fn scan_to_priced_line(path: &Path, n: usize) {
    const SCANS: usize = 20_000;
    let mut db = Db::open(path).expect("open");
    let setup = String::from(
        r#"{"type":"store","id":"S1","name":"Бенчмарк"}
{"type":"employee","id":"E1","name":"Кассир","role":"cashier","pin":"1111"}
{"type":"employee","id":"E0","name":"Владелец","role":"owner","pin":"0000"}
"#,
    ) + &bench_promotions();
    kassa::journal::import(&mut db, setup.as_bytes(), |_| {}).expect("setup");
    drop(db);
    let noon =
        kassa::clock::ManualClock::starting_at(kassa::clock::At::parse("2026-11-26T12:00:00+03:00").expect("time"));
    let mut books = kassa::Books::open(path).expect("open");
    let owner = kassa::Credentials {
        employee: "E0",
        pin: "0000",
    };
    books
        .set_up_till(&noon, Some(owner), "S1", "T1", None)
        .expect("till set up");
    let mut till = books.till("S1", "T1", Box::new(noon)).expect("till");
    let cashier = till.login("E1", "1111").expect("login");
    // A cart of ten lines already, as at a real till mid-receipt.
    let mut base = Cart::new();
    for i in 0..10 {
        till.scan(&cashier, &mut base, &barcode(i + 1)).expect("scan");
    }
    let mut next = product_picker(0x2545_F491_4F6C_DD1D, n);
    let mut ours = Vec::with_capacity(SCANS);
    for _ in 0..SCANS {
        let mut cart = base.clone();
        let code = barcode(next());
        let started = Instant::now();
        let line = till.scan(&cashier, &mut cart, &code).expect("scan");
        ours.push(started.elapsed());
        assert!(line <= 10);
    }
    // Of which: pricing the cart again, alone.
    let mut repricing = Vec::with_capacity(SCANS);
    let mut cart = base.clone();
    till.scan(&cashier, &mut cart, &barcode(next())).expect("scan");
    for _ in 0..SCANS {
        let started = Instant::now();
        till.reprice(&mut cart).expect("reprice");
        repricing.push(started.elapsed());
    }
    // Of which: the engine alone on that cart.
    let promotions = till.db().enabled_promotions().expect("promotions");
    let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 26)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .expect("time");
    let mut engine = Vec::with_capacity(SCANS);
    for _ in 0..SCANS {
        let started = Instant::now();
        let priced = kassa::promo::price(&cart.basket(), &promotions, "S1", at);
        engine.push(started.elapsed());
        assert_eq!(priced.lines.len(), cart.lines().len());
    }
    let conn = Connection::open(path).expect("open");
    let mut stmt = conn
        .prepare(
            "SELECT p.sku, p.name, p.price, p.vat, p.unit, p.category FROM barcodes b JOIN products p ON p.sku = b.sku WHERE b.code = ?1",
        )
        .expect("prepare");
    let mut bare = Vec::with_capacity(SCANS);
    for _ in 0..SCANS {
        let code = barcode(next());
        let started = Instant::now();
        let row: (String, String, i64, String, String, Option<String>) = stmt
            .query_row(params![code], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })
            .expect("row");
        bare.push(started.elapsed());
        assert!(!row.0.is_empty());
    }
    let (ours_median, bare_median) = (median(&mut ours), median(&mut bare));
    println!(
        "scan → priced line (11-line cart, 20 promotions) in a {n}-product catalogue: kassa median {:.1} µs (p99 {:.1} µs; repricing alone {:.1} µs, the engine alone {:.1} µs), bare indexed SELECT median {:.1} µs: ratio {:.2}×",
        micros(ours_median),
        micros(percentile(&mut ours, 99)),
        micros(median(&mut repricing)),
        micros(median(&mut engine)),
        micros(bare_median),
        ours_median.as_secs_f64() / bare_median.as_secs_f64()
    );
}

/// The pure engine: 20 promotions, baskets of 10, 100 and 1,000 lines.
fn pricing_engine() {
    let mut journal = String::new();
    for i in 0..200 {
        let category = ["Бакалея", "Напитки", "Молочные продукты", "Хлеб"][i % 4];
        journal += &format!(
            r#"{{"type":"product","sku":"P{i:07}","name":"Товар {i}","price":"{}.{:02}","vat":"vat22","category":"{category}"}}"#,
            10 + i % 990,
            i % 100
        );
        journal.push('\n');
    }
    let products: Vec<kassa::catalog::Product> = journal
        .lines()
        .map(|line| match kassa::journal::parse_line(line).expect("product") {
            kassa::journal::Record::Product(p) => p,
            _ => unreachable!("products only"),
        })
        .collect();
    let promotions: Vec<kassa::promo::Promotion> = bench_promotions()
        .lines()
        .map(|line| match kassa::journal::parse_line(line).expect("promotion") {
            kassa::journal::Record::Promotion { promotion, .. } => promotion,
            _ => unreachable!("promotions only"),
        })
        .collect();
    let noon = chrono::NaiveDate::from_ymd_opt(2026, 11, 26)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .expect("time");
    let mut per_line = Vec::new();
    for lines in [10usize, 100, 1_000] {
        let basket = bench_basket(&products, lines);
        let rounds = 200_000 / lines;
        let mut samples = Vec::with_capacity(rounds);
        let mut discount = Money::ZERO;
        for _ in 0..rounds {
            let started = Instant::now();
            let priced = kassa::promo::price(&basket, &promotions, "S1", noon);
            samples.push(started.elapsed());
            discount = priced.discount();
        }
        let m = median(&mut samples);
        per_line.push(m.as_secs_f64() / lines as f64);
        println!(
            "reprice {lines} lines with 20 promotions: median {:.1} µs (p99 {:.1} µs), {:.2} µs a line, {discount} off",
            micros(m),
            micros(percentile(&mut samples, 99)),
            micros(m) / lines as f64
        );
    }
    println!(
        "time a line from 10 to 1,000 lines: ×{:.2} (1.00 is linear)",
        per_line[2] / per_line[0]
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
