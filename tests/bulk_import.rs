//! An import hashes plain PINs off the writing thread: the history still
//! holds every line whole, in journal order, with no gaps, and the PINs work.

use kassa::db::Db;
use kassa::staff::verify_pin;

use crate::util::DEMO;

fn export(db: &Db) -> String {
    let mut out = Vec::new();
    kassa::journal::export(db, None, None, &mut out).expect("export");
    String::from_utf8(out).expect("utf-8")
}

/// The demo with a new employee after the catalogue and a renamed E1 (same PIN) at the end.
fn journal() -> String {
    let mut journal = String::new();
    for line in DEMO.lines() {
        journal += line;
        journal.push('\n');
        if line.contains(r#""sku":"1015""#) {
            journal += r#"{"type":"employee","id":"E5","name":"Ирина Волкова","role":"cashier","pin":"55555"}"#;
            journal.push('\n');
        }
    }
    journal += r#"{"type":"employee","id":"E1","name":"Анна Иванова-Петрова","role":"cashier","commission_pct":"1.5","pin":"1111"}"#;
    journal.push('\n');
    journal
}

#[test]
fn pins_hashed_aside_land_in_their_place_in_the_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = Db::open(&dir.path().join("a.db")).expect("open");
    let journal = journal();
    kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("import");

    for (employee, pin) in [
        ("E1", "1111"),
        ("E2", "2222"),
        ("E3", "3333"),
        ("E4", "4444"),
        ("E5", "55555"),
    ] {
        let auth = db.employee_auth(employee).expect("read").expect("imported");
        let hash = auth.pin_hash.expect("a PIN is set");
        assert!(hash.starts_with("$argon2id$"), "{employee}: {hash}");
        assert!(verify_pin(&hash, pin), "{employee} logs in with {pin}");
        assert!(!verify_pin(&hash, "9999"));
    }
    assert_eq!(
        db.employee_auth("E1").expect("read").expect("E1").employee.name,
        "Анна Иванова-Петрова"
    );

    let history = db.history(100_000).expect("history");
    let seqs: Vec<i64> = history.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=history.len() as i64).collect::<Vec<_>>(), "gapless");
    assert!(
        history.iter().all(|e| !e.payload.contains("pending")),
        "no placeholder left"
    );

    // The export keeps the journal's order: E5 right after the last product,
    // the renamed E1 last, each with a hash of its PIN.
    let exported = export(&db);
    let lines: Vec<&str> = exported.lines().collect();
    let e5 = lines
        .iter()
        .position(|l| l.contains(r#""id":"E5""#))
        .expect("E5 exported");
    assert!(lines[e5 - 1].contains(r#""sku":"1015""#), "{}", lines[e5 - 1]);
    let last_e1 = lines.iter().rposition(|l| l.contains(r#""id":"E1""#)).expect("E1");
    assert!(lines[last_e1].contains("Иванова-Петрова"));
    for (line, pin) in [(lines[e5], "55555"), (lines[last_e1], "1111")] {
        let record: serde_json::Value = serde_json::from_str(line).expect("json");
        let hash = record["pin_hash"].as_str().expect("pin_hash exported");
        assert!(verify_pin(hash, pin), "{line}");
    }

    // Moved again: byte-identical, nothing hashed anew.
    let mut moved = Db::open(&dir.path().join("b.db")).expect("open");
    kassa::journal::import(&mut moved, exported.as_bytes(), |_| {}).expect("import");
    assert_eq!(export(&moved), exported);
    // The first books again: nothing new.
    let again = kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect("again");
    assert_eq!(again.written, 0);
}

#[test]
fn a_bad_pin_is_refused_at_its_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = Db::open(&dir.path().join("a.db")).expect("open");
    let journal = journal().replace(r#""pin":"55555""#, r#""pin":"55a55""#);
    let line = journal.lines().position(|l| l.contains("55a55")).expect("the line") as u64 + 1;
    let error = kassa::journal::import(&mut db, journal.as_bytes(), |_| {}).expect_err("refused");
    let text = error.to_string();
    assert!(text.starts_with(&format!("journal line {line}:")), "{text}");
    assert!(text.contains("4 to 12 digits"), "{text}");
    assert_eq!(db.event_count().expect("count"), 0);
    assert!(db.employee_auth("E1").expect("read").is_none());
}
