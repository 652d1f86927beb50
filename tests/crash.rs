//! Crash safety: a child process selling or importing in a loop is killed
//! with SIGKILL at random instants; after each kill the database must pass
//! `PRAGMA integrity_check` and hold only whole actions.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

const KASSA: &str = env!("CARGO_BIN_EXE_kassa");

/// xorshift: a reproducible random sequence from a printed seed.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn scalar(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Whole actions only: every receipt has its lines, its payments, its event
/// and (for till sales) its action; totals add up; stock matches the books.
fn check_whole(path: &Path, import_receipts: i64) {
    let db = kassa::db::Db::open(path).expect("reopen after the kill");
    assert_eq!(db.integrity_check().expect("check"), "ok");
    drop(db);
    let conn = Connection::open(path).expect("open");
    let broken = [
        "SELECT COUNT(*) FROM receipts r WHERE total != (SELECT COALESCE(SUM(amount), 0) FROM receipt_lines WHERE receipt = r.id)",
        "SELECT COUNT(*) FROM receipts r WHERE total + change != (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE receipt = r.id)",
        "SELECT COUNT(*) FROM receipts r WHERE NOT EXISTS (SELECT 1 FROM receipt_lines WHERE receipt = r.id)",
        // The drawer's running balance is the sum of the shift's cash flows.
        "SELECT COUNT(*) FROM shifts s WHERE drawer !=
            (SELECT COALESCE(SUM(CASE WHEN reason IS NULL THEN amount ELSE -amount END), 0) FROM cash_moves WHERE shift = s.id)
          + (SELECT COALESCE(SUM(CASE r.kind WHEN 'sale' THEN p.amount ELSE -p.amount END), 0)
               FROM receipts r JOIN payments p ON p.receipt = r.id WHERE r.shift = s.id AND p.method = 'cash')
          - (SELECT COALESCE(SUM(change), 0) FROM receipts WHERE shift = s.id)",
        "SELECT COUNT(*) FROM receipts r WHERE NOT EXISTS (SELECT 1 FROM events WHERE key = 'receipt:' || r.id)",
        "SELECT COUNT(*) FROM events e WHERE e.type = 'receipt' AND NOT EXISTS (SELECT 1 FROM receipts WHERE id = e.entity)",
        // Stock = supplies − sales + returns + counts' adjustments, per product of store S1.
        "SELECT COUNT(*) FROM stock s WHERE s.qty !=
            (SELECT COALESCE(SUM(CASE d.kind WHEN 'supply' THEN l.qty ELSE -l.qty END), 0)
               FROM stock_doc_lines l JOIN stock_docs d ON d.kind = l.kind AND d.id = l.doc
              WHERE d.store = s.store AND l.sku = s.sku)
          + (SELECT COALESCE(SUM(l.delta), 0) FROM stock_count_lines l JOIN stock_counts c ON c.id = l.count
              WHERE c.store = s.store AND l.sku = s.sku)
          - (SELECT COALESCE(SUM(CASE r.kind WHEN 'sale' THEN l.qty ELSE -l.qty END), 0)
               FROM receipt_lines l JOIN receipts r ON r.id = l.receipt JOIN shifts h ON h.id = r.shift
              WHERE h.store = s.store AND l.sku = s.sku)",
    ];
    for sql in broken {
        assert_eq!(scalar(&conn, sql), 0, "{sql}");
    }
    // Each sale of the simulator (till T9) is one action; opening with its float is one more.
    let t9_receipts = scalar(
        &conn,
        "SELECT COUNT(*) FROM receipts r JOIN shifts s ON s.id = r.shift WHERE s.till = 'T9'",
    );
    let t9_shift = scalar(&conn, "SELECT COUNT(*) FROM shifts WHERE till = 'T9'");
    assert_eq!(scalar(&conn, "SELECT COUNT(*) FROM actions"), t9_receipts + t9_shift);
    // An import is one action: none of a journal's receipts or all of them.
    let mut stmt = conn
        .prepare("SELECT s.id, COUNT(r.id) FROM shifts s LEFT JOIN receipts r ON r.shift = s.id WHERE s.id LIKE 'CS-%' GROUP BY s.id")
        .expect("prepare");
    let per_journal: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    for (shift, imported) in per_journal {
        assert_eq!(
            imported, import_receipts,
            "journal of {shift}: {imported} of {import_receipts} receipts"
        );
    }
    let gaps = scalar(&conn, "SELECT MAX(seq) - COUNT(*) FROM events");
    assert_eq!(gaps, 0, "the history has no gaps");
}

/// Journal `k`: one shift on its own till with `n` receipts.
fn big_journal(k: usize, n: usize) -> String {
    let mut lines = vec![format!(
        r#"{{"type":"shift_open","id":"CS-{k}","store":"S1","till":"T-{k}","cashier":"E1","at":"2026-11-04T08:00:00+03:00"}}"#
    )];
    for i in 0..n {
        let (h, mi, s) = (8 + i / 3600, (i / 60) % 60, i % 60);
        lines.push(format!(
            r#"{{"type":"receipt","id":"CR-{k}-{i}","shift":"CS-{k}","at":"2026-11-04T{h:02}:{mi:02}:{s:02}+03:00","kind":"sale","lines":[{{"sku":"1011","qty":"1","price":"59.90"}},{{"sku":"1006","qty":"0.250","price":"129.90"}}],"payments":[{{"method":"cash","amount":"100.00"}}]}}"#
        ));
    }
    lines.join("\n") + "\n"
}

#[test]
fn sigkill_at_random_instants_leaves_only_whole_actions() {
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(7, |d| d.as_nanos() as u64)
        | 1;
    eprintln!("crash test seed {seed}");
    let mut random = Random(seed);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("crash.db");
    assert!(Command::new(KASSA)
        .arg("--db")
        .arg(&path)
        .args(["init", "--demo"])
        .status()
        .expect("init")
        .success());
    let receipts = 1500;
    let (mut kills, mut import_kills, mut imports_done) = (0, 0, 0);
    let started = Instant::now();
    let mut round = 0;
    while kills < 50 && round < 150 {
        round += 1;
        // Every third round imports a journal of its own (about 0.2 s of
        // work in a debug build); the others sell until killed.
        let importing = round % 3 == 2;
        let mut command = Command::new(KASSA);
        command
            .arg("--db")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let pause = if importing {
            let journal = dir.path().join(format!("journal-{round}.jsonl"));
            std::fs::write(&journal, big_journal(round, receipts)).expect("journal");
            command
                .args(["--employee", "E4", "--pin", "4444", "import"])
                .arg(&journal);
            5 + random.below(250)
        } else {
            command.arg("simulate-sales");
            20 + random.below(400)
        };
        let mut child = command.spawn().expect("spawn");
        std::thread::sleep(Duration::from_millis(pause));
        match child.try_wait().expect("wait") {
            Some(status) => {
                assert!(importing && status.success(), "the child ended by itself: {status}");
                imports_done += 1;
            }
            None => {
                child.kill().expect("SIGKILL");
                child.wait().expect("reap");
                kills += 1;
                import_kills += usize::from(importing);
            }
        }
        check_whole(&path, receipts as i64);
    }
    assert!(kills >= 50, "only {kills} kills");
    assert!(import_kills >= 3, "only {import_kills} imports were cut");
    let conn = Connection::open(&path).expect("open");
    assert!(
        scalar(
            &conn,
            "SELECT COUNT(*) FROM receipts r JOIN shifts s ON s.id = r.shift WHERE s.till = 'T9'"
        ) > 0,
        "some sales committed between kills"
    );
    eprintln!(
        "{kills} kills ({import_kills} during imports), {imports_done} whole imports in {:.1?}",
        started.elapsed()
    );
}

#[test]
fn a_backup_taken_while_a_till_sells_holds_whole_sales_and_restores() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("live.db");
    let kassa = |args: &[&str]| {
        Command::new(KASSA)
            .arg("--db")
            .arg(&path)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("kassa")
    };
    assert!(kassa(&["init", "--demo"]).success());
    let mut seller = Command::new(KASSA)
        .arg("--db")
        .arg(&path)
        .arg("simulate-sales")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut sold_before = 0;
    for round in 0..5 {
        std::thread::sleep(Duration::from_millis(150));
        let copy = dir.path().join(format!("backup-{round}.db"));
        let copy_arg = copy.display().to_string();
        assert!(kassa(&["backup", &copy_arg]).success(), "backup {round}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&copy).expect("backup").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "a backup is its owner's only");
        }
        check_whole(&copy, 0);
        let conn = Connection::open(&copy).expect("open the backup");
        let sold = scalar(&conn, "SELECT COUNT(*) FROM receipts WHERE id LIKE 'S1-T9-%'");
        assert!(sold >= sold_before, "a later backup holds no fewer sales");
        sold_before = sold;
    }
    seller.kill().expect("stop the seller");
    seller.wait().expect("reap");
    assert!(sold_before > 0, "the till sold while it was backed up");
    // A backup restores into books of their own, whole.
    let restored = dir.path().join("restored.db");
    let status = Command::new(KASSA)
        .arg("--db")
        .arg(&restored)
        .args(["restore"])
        .arg(dir.path().join("backup-4.db"))
        .status()
        .expect("restore");
    assert!(status.success());
    check_whole(&restored, 0);
    let conn = Connection::open(&restored).expect("open");
    assert_eq!(
        scalar(&conn, "SELECT COUNT(*) FROM receipts WHERE id LIKE 'S1-T9-%'"),
        sold_before
    );
    // Books with staff: only their owner restores them.
    let backup_4 = dir.path().join("backup-4.db").display().to_string();
    assert_eq!(kassa(&["restore", &backup_4]).code(), Some(1), "nobody named");
    assert_eq!(
        kassa(&["--employee", "E1", "--pin", "1111", "restore", &backup_4]).code(),
        Some(1),
        "a cashier may not"
    );
    // Not a Kassa database: refused, nothing changed.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "not a database").expect("junk");
    let status = Command::new(KASSA)
        .arg("--db")
        .arg(&restored)
        .arg("restore")
        .arg(&junk)
        .args(["--employee", "E4", "--pin", "4444"])
        .status()
        .expect("restore");
    assert_eq!(status.code(), Some(1));
    assert_eq!(
        scalar(&conn, "SELECT COUNT(*) FROM receipts WHERE id LIKE 'S1-T9-%'"),
        sold_before
    );
}
