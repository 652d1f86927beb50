//! Storage: the only module that speaks SQL.
//!
//! One SQLite file per till, WAL with `synchronous=FULL` and foreign keys on;
//! migrations from `migrations/` are embedded and applied on open (schema
//! version in `user_version`). Every write goes through a [`Ledger`], one
//! transaction per user action.

mod backup;
mod documents;
pub use documents::{CashEntry, CashOrder, DocLine, StockPaper};
mod export;
mod fiscal;
mod kept_cart;
mod ledger;
mod read;
pub mod report;
mod rollups;

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

pub use backup::BackupInfo;
pub use fiscal::{DeviceSettings, FiscalEntry};
pub(crate) use ledger::{Applied, Ledger};
pub use read::{EmployeeAuth, Event};

use crate::error::{Error, Result};
use crate::staff::{Rights, Role};

/// The schema steps, in order; step N brings the database to version N.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("../../migrations/0001_init.sql")),
    ("0002_fiscal", include_str!("../../migrations/0002_fiscal.sql")),
    ("0003_promotions", include_str!("../../migrations/0003_promotions.sql")),
    ("0004_hardening", include_str!("../../migrations/0004_hardening.sql")),
    ("0005_till_desk", include_str!("../../migrations/0005_till_desk.sql")),
    ("0006_rollups", include_str!("../../migrations/0006_rollups.sql")),
    ("0007_documents", include_str!("../../migrations/0007_documents.sql")),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// An open database.
pub struct Db {
    conn: Connection,
    origin: String,
    /// The file, for a second connection (the fiscal worker); `None` in memory.
    path: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl Db {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Db> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::invalid(format!("cannot create {}: {e}", dir.display())))?;
        }
        if !path.exists() {
            // The books are readable by their owner only (SQLite gives its
            // -wal and -shm files the same mode).
            create_private(path)?;
        }
        let mut db = Db::setup(Connection::open(path)?)?;
        db.path = Some(path.to_path_buf());
        Ok(db)
    }

    /// A private database in memory (tests, pricing a basket).
    pub fn open_in_memory() -> Result<Db> {
        Db::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Db> {
        // WAL + FULL: a commit is on disk when it returns; readers never block
        // the till.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // Statement journals (per-statement undo inside a transaction) in memory.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // 64 MiB of page cache (taken only as used) for large imports; more
        // measured no faster on a million-product journal.
        conn.pragma_update(None, "cache_size", -65_536)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(64);
        migrate(&mut conn)?;
        let origin: String = conn.query_row("SELECT value FROM meta WHERE key = 'origin'", [], |r| r.get(0))?;
        Ok(Db {
            conn,
            origin,
            path: None,
        })
    }

    /// The database file (`None` for one in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The id this database records its events under (the till's node id).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Starts one user action: everything written through the ledger
    /// commits together or not at all.
    pub(crate) fn ledger(&mut self, actor: Option<&str>) -> Result<Ledger<'_>> {
        Ledger::begin(&mut self.conn, &self.origin, actor)
    }

    /// Rebuilds the reports' rollups from the books, in one transaction.
    pub fn rebuild_rollups(&mut self) -> Result<()> {
        let tx = self.conn.transaction()?;
        rollups::rebuild(&tx)?;
        Ok(tx.commit()?)
    }

    /// Every rollup row as sorted text (tests compare kept and rebuilt).
    #[doc(hidden)]
    pub fn rollups_dump(&self) -> Result<String> {
        rollups::dump(&self.conn)
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// The schema version (`user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// Creates an empty file only its owner may read and write (0600).
pub(crate) fn create_private(path: &Path) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map_err(|e| Error::invalid(format!("cannot create {}: {e}", path.display())))
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(Error::invalid(format!(
            "the database has schema version {version}, newer than this program's {SCHEMA_VERSION}"
        )));
    }
    for (step, (_name, sql)) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        if step == 0 {
            seed(&tx)?;
        }
        if step == 3 {
            fiscal::fill_marking_identities(&tx)?;
        }
        if step == 5 {
            rollups::fill_line_cogs(&tx)?;
            rollups::rebuild(&tx)?;
        }
        tx.pragma_update(None, "user_version", step as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// A new database: its node id and the default rights of each role.
fn seed(conn: &Connection) -> Result<()> {
    let origin = format!("till-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    conn.execute("INSERT INTO meta (key, value) VALUES ('origin', ?1)", params![origin])?;
    for role in Role::ALL {
        write_rights(conn, *role, &Rights::default_for(*role))?;
    }
    Ok(())
}

fn write_rights(conn: &Connection, role: Role, rights: &Rights) -> Result<()> {
    conn.execute("DELETE FROM role_permissions WHERE role = ?1", params![role.code()])?;
    for permission in &rights.permissions {
        conn.execute(
            "INSERT INTO role_permissions (role, permission) VALUES (?1, ?2)",
            params![role.code(), permission.code()],
        )?;
    }
    conn.execute(
        "INSERT INTO role_limits (role, max_discount_pct) VALUES (?1, ?2)
         ON CONFLICT (role) DO UPDATE SET max_discount_pct = excluded.max_discount_pct",
        params![role.code(), rights.max_discount.to_string()],
    )?;
    Ok(())
}

fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| r.get(0))
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_on_a_fresh_database() {
        let db = Db::open_in_memory().expect("open");
        assert_eq!(db.schema_version().expect("version"), SCHEMA_VERSION);
        assert!(db.origin().starts_with("till-"));
        let rights = db.rights(Role::Cashier).expect("rights");
        assert_eq!(rights, Rights::default_for(Role::Cashier));
    }

    #[test]
    fn reopening_keeps_the_node_id() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("k.db");
        let first = Db::open(&path).expect("open").origin().to_owned();
        let second = Db::open(&path).expect("reopen").origin().to_owned();
        assert_eq!(first, second);
    }
}
