//! Speed figures of the desktop till (`cargo bench -p kassa-ui`): a scan
//! to its line on screen (the core's work, the app's update, the view built
//! and laid out as a frame is) with a 1,000-line cart, against the same
//! scan into a short cart in the same run; the cart kept on disk after
//! it (off the path to the screen); the start to the login screen; the
//! process's resident memory after a 100-line sale (without the window:
//! `ui/scripts/bench-memory.sh` measures the real window).

// Floating point here measures time, never money.
#![allow(clippy::float_arithmetic)]

use std::io::Cursor;
use std::time::{Duration, Instant};

use iced::keyboard::key::Named;
use kassa::clock::SystemClock;
use kassa::{Books, Credentials};
use kassa_ui::app::{App, Message};
use kassa_ui::core::{Core, Request};
use kassa_ui::format::Lang;
use kassa_ui::input::Press;

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn p95(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[(samples.len() * 95 / 100).min(samples.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// An EAN-13 with its check digit.
fn ean13(body: u64) -> String {
    let digits = format!("{body:012}");
    let sum: u32 = digits
        .chars()
        .enumerate()
        .map(|(i, c)| c.to_digit(10).unwrap_or(0) * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}

fn code(i: u64) -> String {
    ean13(460_999_000_000 + i)
}

/// The demo's books with `n` more products, each with a barcode.
fn books(dir: &std::path::Path, n: u64) -> std::path::PathBuf {
    let path = dir.join("bench.db");
    let mut books = Books::open(&path).expect("books");
    books.load_demo(&SystemClock, None).expect("demo");
    let mut journal = String::new();
    for i in 0..n {
        journal.push_str(&format!(
            "{{\"type\":\"product\",\"sku\":\"B{i:05}\",\"name\":\"Товар для замера {i}\",\"price\":\"{}.90\",\"vat\":\"vat22\",\"unit\":\"pcs\",\"barcodes\":[\"{}\"]}}\n",
            10 + i % 500,
            code(i)
        ));
    }
    let owner = Credentials {
        employee: "E4",
        pin: "4444",
    };
    books
        .import(&SystemClock, Some(owner), Cursor::new(journal), |_| {})
        .expect("products");
    path
}

/// A till logged in with its shift open, on the sale screen.
fn till(path: &std::path::Path) -> (App, Core) {
    let (mut core, opened) = Core::open(path, "T1", Box::new(SystemClock)).expect("till");
    let mut app = App::new(Lang::Ru);
    app.update(Message::Booted(Ok(opened)));
    let run = |app: &mut App, core: &mut Core, message: Message| {
        let mut next = app.update(message);
        while let Some(request) = next.take() {
            let outcome = core.execute(request);
            next = app.update(Message::Done(outcome));
        }
    };
    let mut at = Instant::now();
    for key in "E1".chars() {
        at += Duration::from_millis(200);
        run(&mut app, &mut core, Message::Key(Press::char(key).at(at)));
    }
    run(&mut app, &mut core, Message::Key(Press::named(Named::Tab)));
    for key in "1111".chars() {
        at += Duration::from_millis(200);
        run(&mut app, &mut core, Message::Key(Press::char(key).at(at)));
    }
    at += Duration::from_millis(200);
    run(&mut app, &mut core, Message::Key(Press::named(Named::Enter).at(at)));
    at += Duration::from_millis(200);
    run(&mut app, &mut core, Message::Key(Press::named(Named::Enter).at(at)));
    (app, core)
}

/// One scan to its line on screen: the core, the app, the view laid out.
fn scan(app: &mut App, core: &mut Core, code: &str) -> Duration {
    let start = Instant::now();
    let outcome = core.execute(Request::Enter {
        text: code.to_owned(),
        qty: None,
    });
    app.update(Message::Done(outcome));
    let ui = iced_test::simulator(kassa_ui::view::app(app));
    drop(ui);
    start.elapsed()
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let started = Instant::now();
    let path = books(dir.path(), 1_100);
    println!("books with 1,100 more products: {:.0} ms", ms(started.elapsed()));

    // Start to the login screen: the books opened, the core up, the login
    // laid out (the window itself is measured from outside).
    let mut starts = Vec::new();
    for _ in 0..10 {
        let start = Instant::now();
        let (core, opened) = Core::open(&path, "T1", Box::new(SystemClock)).expect("till");
        let mut app = App::new(Lang::Ru);
        app.update(Message::Booted(Ok(opened)));
        drop(iced_test::simulator(kassa_ui::view::app(&app)));
        starts.push(start.elapsed());
        drop(core);
    }
    println!(
        "open the books to the login laid out: median {:.1} ms",
        ms(median(&mut starts))
    );

    let (mut app, mut core) = till(&path);
    // A 100-line sale's memory, without the window.
    for i in 0..100 {
        scan(&mut app, &mut core, &code(i));
    }
    core.settle().expect("kept");
    if let Some(kib) = rss_kib() {
        println!(
            "resident memory after a 100-line cart (no window): {:.1} MB",
            kib as f64 / 1024.0
        );
    }

    // The baseline: scans into a short cart (2–51 lines).
    core.execute(Request::ClearCart).expect("clear");
    let mut short = Vec::new();
    for i in 0..50 {
        short.push(scan(&mut app, &mut core, &code(i)));
        core.settle().expect("kept");
    }
    // Up to 1,000 lines, then 50 measured scans (1,001–1,050 lines).
    core.execute(Request::ClearCart).expect("clear");
    for i in 0..1_000 {
        scan_untimed(&mut app, &mut core, &code(i));
    }
    let mut long = Vec::new();
    let mut keeps = Vec::new();
    for i in 1_000..1_050 {
        long.push(scan(&mut app, &mut core, &code(i)));
        let keep = Instant::now();
        core.settle().expect("kept");
        keeps.push(keep.elapsed());
    }
    assert_eq!(app.cart.cart.lines().len(), 1_050, "every scan made its own line");
    let (short_median, long_median) = (median(&mut short), median(&mut long));
    println!(
        "scan to the line on screen, short cart:     median {:.2} ms, p95 {:.2} ms",
        ms(short_median),
        ms(p95(&mut short))
    );
    println!(
        "scan to the line on screen, 1,000-line cart: median {:.2} ms, p95 {:.2} ms ({:.1}× the short cart; a frame is 16 ms)",
        ms(long_median),
        ms(p95(&mut long)),
        long_median.as_secs_f64() / short_median.as_secs_f64()
    );
    println!(
        "keeping the 1,000-line cart on disk after the scan: median {:.2} ms, p95 {:.2} ms",
        ms(median(&mut keeps)),
        ms(p95(&mut keeps))
    );
}

fn scan_untimed(app: &mut App, core: &mut Core, code: &str) {
    let outcome = core.execute(Request::Enter {
        text: code.to_owned(),
        qty: None,
    });
    app.update(Message::Done(outcome));
}
