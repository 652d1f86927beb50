//! Shared helpers: the demo books, a till on a manual clock, exact values.

use std::path::{Path, PathBuf};

use kassa::clock::{At, ManualClock};
use kassa::db::Db;
use kassa::money::{Money, Qty};
use kassa::till::{Session, Till};

/// The demo store's journal: catalogue, staff with PINs, supplies, one day.
pub(crate) const DEMO: &str = include_str!("../demo/demo.jsonl");

pub(crate) fn m(s: &str) -> Money {
    Money::parse(s).expect("valid money in a test")
}

pub(crate) fn q(s: &str) -> Qty {
    Qty::parse(s).expect("valid quantity in a test")
}

pub(crate) fn at(s: &str) -> At {
    At::parse(s).expect("valid time in a test")
}

/// A database with the demo books in a fresh temporary directory, and
/// till T2 of store S1 set up (no register) by the demo owner.
pub(crate) fn demo_db(dir: &Path) -> PathBuf {
    let path = dir.join("kassa.db");
    let mut db = Db::open(&path).expect("open");
    kassa::journal::import(&mut db, DEMO.as_bytes(), |_| {}).expect("demo imports");
    set_up_till(&path, "T2");
    path
}

/// Sets a till of store S1 up, as the demo owner.
pub(crate) fn set_up_till(db: &Path, till: &str) {
    let owner = kassa::Credentials {
        employee: "E4",
        pin: "4444",
    };
    let clock = ManualClock::starting_at(at("2026-11-01T08:00:00+03:00"));
    let mut books = kassa::Books::open(db).expect("open");
    books
        .set_up_till(&clock, Some(owner), "S1", till, None)
        .expect("till set up");
}

/// Till T2 of store S1 on the demo books, its clock at `start`.
pub(crate) fn demo_till(path: &Path, start: &str) -> (Till, ManualClock) {
    let clock = ManualClock::starting_at(at(start));
    let till = Till::new(Db::open(path).expect("open"), "S1", "T2", Box::new(clock.clone())).expect("till");
    (till, clock)
}

/// The demo PIN of each demo employee.
pub(crate) fn pin_of(employee: &str) -> &'static str {
    match employee {
        "E1" => "1111",
        "E2" => "2222",
        "E3" => "3333",
        _ => "4444",
    }
}

pub(crate) fn login(till: &mut Till, employee: &str) -> Session {
    till.login(employee, pin_of(employee)).expect("login")
}

/// Every row of every table, in a fixed order: equal dumps mean nothing
/// changed.
pub(crate) fn dump(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).expect("open for dump");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("tables")
        .collect::<Result<_, _>>()
        .expect("tables");
    let mut out = String::new();
    for table in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY 1, 2"))
            .expect("select");
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).expect("rows");
        out += &format!("## {table}\n");
        while let Some(row) = rows.next().expect("row") {
            for i in 0..columns {
                let value: rusqlite::types::Value = row.get(i).expect("value");
                out += &format!("{value:?}|");
            }
            out += "\n";
        }
    }
    out
}

/// The `kassa` binary.
pub(crate) const KASSA: &str = env!("CARGO_BIN_EXE_kassa");

/// Runs `kassa --db DB ARGS…` as a user would (no PIN from the
/// environment), and waits for it.
pub(crate) fn kassa(db: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(KASSA)
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("KASSA_PIN")
        .output()
        .expect("run kassa")
}
