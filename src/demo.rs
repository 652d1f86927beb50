//! The demo store: a small grocery with staff, a catalogue, supplies and one
//! day of trade, so that every command and screen has something real to show.

use crate::db::Db;
use crate::journal::{import, ImportSummary, JournalError};

/// The demo journal (demo/demo.jsonl), embedded.
pub const JOURNAL: &str = include_str!("../demo/demo.jsonl");

/// The demo day, for reports: 2 November 2026.
pub const DAY: &str = "2026-11-02";

/// Loads the demo store into `db` (idempotent: a second load adds nothing).
pub fn load(db: &mut Db) -> Result<ImportSummary, JournalError> {
    import(db, JOURNAL.as_bytes(), |_| {})
}
