//! Backups: a consistent copy of the live books (SQLite's online backup,
//! one step in one read transaction, so a till selling meanwhile is never
//! blocked and the copy holds whole actions only), checked; and a restore
//! that writes a checked backup into the books through the same API, so
//! programs holding them open see one change, never a torn file.

use std::path::Path;

use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};

use super::{Db, SCHEMA_VERSION};
use crate::error::{Error, Result};

/// What a backup file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    /// Its schema version.
    pub schema: i64,
    /// Its size in bytes.
    pub bytes: u64,
    /// Receipts in it.
    pub receipts: i64,
}

impl Db {
    /// Copies the books into `to` (replaced if there), checks the copy and
    /// makes it readable by its owner only.
    pub fn backup_to(&self, to: &Path) -> Result<BackupInfo> {
        let dir = to
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = to
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Written beside the target, then renamed: a failed backup never
        // leaves half a file under the backup's name.
        let partial = dir.join(format!(".{name}.partial"));
        let _ = std::fs::remove_file(&partial);
        super::create_private(&partial)?;
        let result = (|| {
            let mut copy = Connection::open(&partial)?;
            {
                let backup = Backup::new(self.conn(), &mut copy)?;
                // -1: every page in one step, one read transaction.
                backup.step(-1)?;
            }
            // A copy in rollback mode: one self-contained file.
            copy.pragma_update(None, "journal_mode", "DELETE")?;
            drop(copy);
            let info = check_backup(&partial)?;
            std::fs::rename(&partial, to).map_err(|e| Error::invalid(format!("{}: {e}", to.display())))?;
            Ok(info)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result
    }

    /// Puts the checked backup at `from` in place of these books.
    pub fn restore_from(&mut self, from: &Path) -> Result<BackupInfo> {
        let info = check_backup(from)?;
        let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        {
            let backup = Backup::new(&source, self.conn_mut())?;
            backup.step(-1)?;
        }
        // A backup from an older program: brought up to this one's schema.
        super::migrate(self.conn_mut())?;
        self.origin = self
            .conn()
            .query_row("SELECT value FROM meta WHERE key = 'origin'", [], |r| r.get(0))?;
        Ok(info)
    }
}

/// A Kassa database, sound, no newer than this program.
pub(crate) fn check_backup(path: &Path) -> Result<BackupInfo> {
    let not_ours = |why: String| Error::invalid(format!("{} is not a Kassa backup: {why}", path.display()));
    let bytes = std::fs::metadata(path).map_err(|e| not_ours(e.to_string()))?.len();
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| not_ours(e.to_string()))?;
    let schema: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| not_ours(e.to_string()))?;
    let origin: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'origin'", [], |r| r.get(0))
        .ok();
    if schema < 1 || origin.is_none() {
        return Err(not_ours("no Kassa books in it".into()));
    }
    if schema > SCHEMA_VERSION {
        return Err(Error::invalid(format!(
            "{} has schema version {schema}, newer than this program's {SCHEMA_VERSION}",
            path.display()
        )));
    }
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| not_ours(e.to_string()))?;
    if check != "ok" {
        return Err(Error::invalid(format!("{} is damaged: {check}", path.display())));
    }
    let receipts: i64 = conn
        .query_row("SELECT COUNT(*) FROM receipts", [], |r| r.get(0))
        .map_err(|e| not_ours(e.to_string()))?;
    Ok(BackupInfo {
        schema,
        bytes,
        receipts,
    })
}
