//! The `kassa` command line driven as a user (and a script) would.

use crate::util::{kassa, KASSA};

use std::process::{Command, Output};

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

#[test]
fn demo_then_z_report_as_the_readme_says() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db");
    let init = kassa(&db, &["init", "--demo"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let out = kassa(
        &db,
        &["report", "shift_summary", "--from", "2026-11-02", "--to", "2026-11-02"],
    );
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("one JSON object");
    assert_eq!(report["report"], "shift_summary");
    assert_eq!(report["columns"][2]["name"], "sales");
    assert_eq!(report["columns"][2]["type"], "money");
    // The demo day, by hand: 7 sales 3057.88; 1 return 119.00 (card);
    // cash net 1773.94; card 1183.94 − 119.00; other 100.00; float 5000.00,
    // collection 4000.00 → 2773.94 in the drawer.
    let row = serde_json::json!([
        "SH-1", 7, "3057.88", 1, "119.00", "1773.94", "1064.94", "100.00", "5000.00", "4000.00", "2773.94"
    ]);
    assert_eq!(report["rows"], serde_json::json!([row]));

    let csv = kassa(
        &db,
        &[
            "report",
            "receipts_journal",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-02",
            "--format",
            "csv",
        ],
    );
    let text = stdout(&csv);
    assert!(text.starts_with('\u{feff}'), "BOM for spreadsheets");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "id;at;kind;store;till;cashier;total;cash;card;other");
    assert_eq!(
        lines[3],
        "R-003;02.11.2026 10:05:00;sale;S1;T1;E1;783,55;283,55;500,00;0,00"
    );
    assert_eq!(lines.len(), 9);

    let list = stdout(&kassa(&db, &["report", "--list"]));
    assert!(
        list.lines().any(|l| l == "shift_summary\tZ-отчёт по сменам\tshifts"),
        "{list}"
    );
    // Another day has no shifts.
    let empty = kassa(
        &db,
        &[
            "report",
            "shift_summary",
            "--from",
            "2026-11-04",
            "--to",
            "2026-11-30",
            "--store",
            "S1",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&empty)).expect("json");
    assert_eq!(report["rows"], serde_json::json!([]));
}

#[test]
fn export_import_export_gives_the_same_bytes_and_importing_twice_adds_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = dir.path().join("first.db");
    let second = dir.path().join("second.db");
    assert!(kassa(&first, &["init", "--demo"]).status.success());
    let journal = dir.path().join("journal.jsonl");
    assert!(kassa(&first, &["export", "--out", journal.to_str().expect("path")])
        .status
        .success());
    let exported = std::fs::read(&journal).expect("read");
    // The demo day's 40 lines and the paperwork day's 13.
    assert_eq!(exported.iter().filter(|b| **b == b'\n').count(), 53);

    let import = kassa(&second, &["import", journal.to_str().expect("path")]);
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    assert_eq!(kassa(&second, &["export"]).stdout, exported, "byte for byte");
    // The same journal through a pipe adds nothing either.
    let mut piped = Command::new(KASSA)
        .arg("--db")
        .arg(&second)
        .args(["--employee", "E4", "--pin", "4444", "import", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::io::Write::write_all(&mut piped.stdin.take().expect("stdin"), &exported).expect("pipe");
    let piped = piped.wait_with_output().expect("wait");
    assert!(String::from_utf8_lossy(&piped.stderr).contains("(0 new, 53 already there)"));
    let again = kassa(
        &second,
        &[
            "import",
            journal.to_str().expect("path"),
            "--employee",
            "E4",
            "--pin",
            "4444",
        ],
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("(0 new, 53 already there)"));
    assert_eq!(kassa(&second, &["export"]).stdout, exported, "nothing doubled");

    // A period: the demo day only, then a day with nothing dated in it.
    // The demo day: its 40 lines and the paperwork day's cards (the store's
    // new version, two counterparties), none of the 3 November records.
    let day = stdout(&kassa(
        &first,
        &["export", "--from", "2026-11-02", "--to", "2026-11-02"],
    ));
    assert_eq!(day.lines().count(), 43);
    assert!(!day.contains("2026-11-03T"), "{day}");
    let later = stdout(&kassa(&first, &["export", "--from", "2026-11-04"]));
    assert!(later
        .lines()
        .all(|l| ["store", "counterparty", "employee", "product", "promotion"]
            .iter()
            .any(|t| l.starts_with(&format!("{{\"type\":\"{t}\"")))));
}

#[test]
fn user_errors_exit_1_with_one_line_and_bad_usage_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    assert!(kassa(&db, &["init"]).status.success());
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"type\":\"store\",\"id\":\"S1\",\"name\":\"Магазин\"}\n{\"type\":\"product\",\"sku\":\"1\",\"name\":\"x\",\"price\":\"1.005\",\"vat\":\"vat10\"}\n").expect("write");
    let out = kassa(&db, &["import", bad.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("journal line 2: product 1: price: `1.005` has more than 2 fraction digits"),
        "{err}"
    );
    assert_eq!(
        kassa(&db, &["export"]).stdout,
        b"",
        "all or nothing: the store of line 1 was not kept"
    );

    for args in [
        &["report", "nope", "--from", "2026-11-01", "--to", "2026-11-02"][..],
        &["import", "/no/such/file.jsonl"],
    ] {
        let out = kassa(&db, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
    for args in [
        &["report", "shift_summary", "--from", "2026-13-01", "--to", "2026-11-02"][..],
        &["frobnicate"],
        &["report"],
    ] {
        assert_eq!(kassa(&db, args).status.code(), Some(2), "{args:?}");
    }
    // KASSA_DB names the database when --db is absent; empty, it is unset.
    let env = Command::new(KASSA)
        .env("KASSA_DB", &db)
        .args(["export"])
        .output()
        .expect("run");
    assert!(env.status.success());
    let home = dir.path().join("home");
    let empty = Command::new(KASSA)
        .env("KASSA_DB", "")
        .env("HOME", &home)
        .env_remove("XDG_DATA_HOME")
        .args(["init"])
        .output()
        .expect("run");
    assert!(empty.status.success(), "{}", String::from_utf8_lossy(&empty.stderr));
    assert!(home.join(".local/share/kassa/kassa.db").exists());
    // A store that does not exist is an error, not an empty report.
    let nope = kassa(
        &db,
        &[
            "report",
            "shift_summary",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-02",
            "--store",
            "NOPE",
        ],
    );
    assert_eq!(nope.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&nope.stderr).contains("unknown store `NOPE`"));

    // Reading a database that is not there is an error, and creates nothing.
    let missing = dir.path().join("missing.db");
    let out = kassa(&missing, &["export"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("run `kassa init` first"));
    assert!(!missing.exists());
    let out = kassa(&missing, &["import", "/no/such/file.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!missing.exists(), "a journal that cannot be read creates no database");
    // A failed export leaves no half-written file behind.
    let target = dir.path().join("out.jsonl");
    let out = kassa(&missing, &["export", "--out", target.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!target.exists());
    // --out never overwrites the database itself.
    let onto_itself = kassa(&db, &["export", "--out", db.to_str().expect("path")]);
    assert_eq!(onto_itself.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&onto_itself.stderr).contains("is the database itself"));
    assert!(kassa(&db, &["export"]).status.success(), "the database survived");
    // Dates are YYYY-MM-DD, and a period runs forwards.
    assert_eq!(kassa(&db, &["export", "--from", "2026-11-1"]).status.code(), Some(2));
    let reversed = kassa(&db, &["export", "--from", "2026-12-01", "--to", "2026-11-01"]);
    assert_eq!(reversed.status.code(), Some(1));
}

#[test]
fn price_answers_for_the_demo_promotions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db");
    assert!(kassa(&db, &["init", "--demo"]).status.success());
    let basket = dir.path().join("basket.json");
    std::fs::write(
        &basket,
        r#"{"lines": [{"sku": "1010", "qty": "3"}, {"sku": "1008", "qty": "2"}, {"sku": "1001", "qty": "2"}]}"#,
    )
    .expect("write basket");
    let price = |at: &str| -> serde_json::Value {
        let out = kassa(
            &db,
            &["price", basket.to_str().expect("path"), "--store", "S1", "--at", at],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_str(&stdout(&out)).expect("one JSON object")
    };
    // Thursday noon. Chocolate 3 × 119.00 = 357.00, one free by P1 (which
    // keeps it from the coffee set): 238.00. Coffee 898.00, bread 91.00:
    // 1227.00 ≥ 1000.00, so P2's bag.
    let noon = price("2026-11-26T12:00:00+03:00");
    assert_eq!(
        noon,
        serde_json::json!({
            "lines": [
                {"sku": "1010", "qty": "3", "price": "119.00", "discount": "119.00", "amount": "238.00", "promotions": ["P1"]},
                {"sku": "1008", "qty": "2", "price": "449.00", "discount": "0.00", "amount": "898.00", "promotions": []},
                {"sku": "1001", "qty": "2", "price": "45.50", "discount": "0.00", "amount": "91.00", "promotions": []}
            ],
            "gifts": [{"sku": "1013", "qty": "1", "promotion": "P2"}],
            "total": "1227.00"
        })
    );
    // Saturday 22:00: bread −30 % (P3: 91.00 → 27.30 off), no bag after
    // 21:00, and 1199.70 is far from the weekend threshold of 3000.00.
    let evening = price("2026-11-28T22:00:00+03:00");
    assert_eq!(evening["lines"][2]["discount"], "27.30");
    assert_eq!(evening["lines"][2]["promotions"], serde_json::json!(["P3"]));
    assert_eq!(evening["gifts"], serde_json::json!([]));
    assert_eq!(evening["total"], "1199.70");
    // Bad input: one clear line, exit 1.
    let out = kassa(&db, &["price", basket.to_str().expect("path"), "--store", "S9"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    let out = kassa(
        &db,
        &[
            "price",
            basket.to_str().expect("path"),
            "--store",
            "S1",
            "--at",
            "tomorrow",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_tills_serial_scanner_is_its_setting_set_by_the_staff_manager() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    assert!(crate::util::kassa(&db, &["init", "--demo"]).status.success());
    let refused = crate::util::kassa(&db, &["fiscal-device", "--till", "T1", "--scanner", "/dev/ttyACM0"]);
    assert_eq!(refused.status.code(), Some(1), "nobody named");
    let cashier = crate::util::kassa(
        &db,
        &[
            "--employee",
            "E1",
            "--pin",
            "1111",
            "fiscal-device",
            "--till",
            "T1",
            "--scanner",
            "/dev/ttyACM0",
        ],
    );
    assert_eq!(cashier.status.code(), Some(1), "a cashier may not");
    let owner = crate::util::kassa(
        &db,
        &[
            "--employee",
            "E4",
            "--pin",
            "4444",
            "fiscal-device",
            "--till",
            "T1",
            "--scanner",
            "/dev/ttyACM0",
        ],
    );
    assert!(owner.status.success(), "{}", String::from_utf8_lossy(&owner.stderr));
    assert!(String::from_utf8_lossy(&owner.stdout).contains("S1/T1: barcode scanner at /dev/ttyACM0"));
    let books = kassa::Books::open(&db).expect("open");
    assert_eq!(
        books.till_scanner("S1", "T1").expect("read").as_deref(),
        Some("/dev/ttyACM0")
    );
    drop(books);
    let none = crate::util::kassa(
        &db,
        &[
            "--employee",
            "E4",
            "--pin",
            "4444",
            "fiscal-device",
            "--till",
            "T1",
            "--scanner",
            "none",
        ],
    );
    assert!(none.status.success());
    assert!(!String::from_utf8_lossy(&none.stdout).contains("barcode scanner"));
}

#[test]
fn a_stock_count_from_the_command_line_needs_the_right_and_sets_the_stock() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    assert!(crate::util::kassa(&db, &["init", "--demo"]).status.success());
    let count = ["till", "count", "--id", "INV-7", "1001:9", "1006:1.250"];
    let cashier: Vec<&str> = ["--employee", "E1", "--pin", "1111"].into_iter().chain(count).collect();
    assert_eq!(
        crate::util::kassa(&db, &cashier).status.code(),
        Some(1),
        "a cashier may not"
    );
    let manager: Vec<&str> = ["--employee", "E3", "--pin", "3333"].into_iter().chain(count).collect();
    let out = crate::util::kassa(&db, &manager);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("stock count INV-7: 2 products set to what was found"));
    let books = kassa::db::Db::open(&db).expect("open");
    assert_eq!(books.stock_milli("S1", "1001").expect("stock"), 9_000);
    assert_eq!(books.stock_milli("S1", "1006").expect("stock"), 1_250);
}

#[test]
fn all_61_reports_in_all_four_formats_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = dir.path().join("demo.db");
    assert!(kassa(&demo, &["init", "--demo"]).status.success());
    let imported = dir.path().join("imported.db");
    let journal = dir.path().join("two_stores.jsonl");
    std::fs::write(&journal, include_str!("data/two_stores.jsonl")).expect("journal");
    let import = kassa(&imported, &["import", journal.to_str().expect("path")]);
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    let list = stdout(&kassa(&demo, &["report", "--list"]));
    let names: Vec<&str> = list.lines().filter_map(|l| l.split('\t').next()).collect();
    assert_eq!(names.len(), 61);
    for (db, formats) in [
        (&demo, &["json", "csv", "xlsx", "pdf"][..]),
        (&imported, &["json", "csv"][..]),
    ] {
        for name in &names {
            for format in formats {
                let out = dir.path().join(format!("{name}.{format}"));
                let _ = std::fs::remove_file(&out);
                let run = kassa(
                    db,
                    &[
                        "report",
                        name,
                        "--from",
                        "2026-11-01",
                        "--to",
                        "2026-11-30",
                        "--format",
                        format,
                        "--out",
                        out.to_str().expect("path"),
                    ],
                );
                assert!(
                    run.status.success(),
                    "{name} {format}: {}",
                    String::from_utf8_lossy(&run.stderr)
                );
                let bytes = std::fs::read(&out).expect("written");
                let magic: &[u8] = match *format {
                    "pdf" => b"%PDF",
                    "xlsx" => b"PK",
                    "csv" => "\u{feff}".as_bytes(),
                    _ => b"{",
                };
                assert!(bytes.starts_with(magic), "{name} {format}");
            }
        }
    }
    // The threshold reaches the report that takes it, and only that one.
    let low = kassa(
        &imported,
        &[
            "report",
            "low_margin_products",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--threshold",
            "30",
        ],
    );
    let rows: serde_json::Value = serde_json::from_str(&stdout(&low)).expect("json");
    assert_eq!(rows["rows"], serde_json::json!([["C", "Кофе", "1420.00", "28.17"]]));
    let refused = kassa(
        &imported,
        &[
            "report",
            "sales_summary",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--threshold",
            "30",
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
}
