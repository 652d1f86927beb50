//! Import and export of whole journals.

use std::io::{BufRead, Write};

use chrono::NaiveDate;

use super::parse_line;
use crate::db::{Applied, Db};
use crate::error::Error;

/// Why an import failed: the line and what is wrong with it.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// A line broke a rule; nothing was written.
    #[error("journal line {line}: {error}")]
    Line {
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        error: Error,
    },
    /// The journal could not be read or written, or the database failed.
    #[error("{0}")]
    Io(String),
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Records read (blank lines not counted).
    pub records: u64,
    /// Records that changed the books.
    pub written: u64,
    /// Records already in the books, identical.
    pub unchanged: u64,
}

/// Imports a journal, all or nothing: one transaction, committed only when
/// every line has applied. `progress` hears the bytes read so far.
pub fn import(db: &mut Db, input: impl BufRead, mut progress: impl FnMut(u64)) -> Result<ImportSummary, JournalError> {
    let mut ledger = db.ledger(None).map_err(|e| JournalError::Io(e.to_string()))?;
    ledger.for_import();
    let mut summary = ImportSummary::default();
    let mut reader = input;
    let mut buffer = Vec::with_capacity(1024);
    let (mut number, mut bytes) = (0u64, 0u64);
    loop {
        buffer.clear();
        let read = reader
            .read_until(b'\n', &mut buffer)
            .map_err(|e| JournalError::Io(format!("cannot read the journal: {e}")))?;
        if read == 0 {
            break;
        }
        number += 1;
        bytes += read as u64;
        if number % 4096 == 0 {
            progress(bytes);
        }
        let at_line = |error: Error| JournalError::Line { line: number, error };
        let text = std::str::from_utf8(&buffer).map_err(|_| at_line(Error::invalid("not valid UTF-8")))?;
        let text = text.trim_end_matches(['\n', '\r']);
        if text.trim().is_empty() {
            continue;
        }
        let record = parse_line(text).map_err(at_line)?;
        summary.records += 1;
        match ledger.apply(record).map_err(at_line)? {
            Applied::Written => summary.written += 1,
            Applied::Unchanged => summary.unchanged += 1,
        }
    }
    progress(bytes);
    ledger.commit().map_err(|e| JournalError::Io(e.to_string()))?;
    Ok(summary)
}

/// Writes the journal (optionally one period of it) into `out`.
pub fn export(
    db: &Db,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    out: &mut dyn Write,
) -> Result<u64, JournalError> {
    let mut count = 0;
    db.export_lines(from, to, |line| {
        count += 1;
        out.write_all(line.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .map_err(|e| Error::invalid(format!("cannot write the journal: {e}")))
    })
    .map_err(|e| JournalError::Io(e.to_string()))?;
    out.flush()
        .map_err(|e| JournalError::Io(format!("cannot write the journal: {e}")))?;
    Ok(count)
}
