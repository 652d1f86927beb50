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

/// One line read and checked on the reading thread.
struct Parsed {
    line: u64,
    bytes: u64,
    /// `None` for a blank line.
    record: Result<Option<super::Record>, Error>,
}

/// Lines are parsed in batches on a second thread while the books are
/// written on this one; the batch size keeps the hand-over cheap.
const BATCH: usize = 512;

/// Reads and parses the journal, sending batches until the input ends, an
/// unreadable line is met, or the receiver hangs up.
fn read_and_parse(
    mut reader: impl BufRead,
    batches: std::sync::mpsc::SyncSender<Vec<Parsed>>,
) -> Result<(), JournalError> {
    let mut buffer = Vec::with_capacity(1024);
    let (mut number, mut bytes) = (0u64, 0u64);
    let mut batch = Vec::with_capacity(BATCH);
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
        // A byte order mark (spreadsheets and Windows editors write one)
        // is not part of the first record.
        let content = match buffer.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) if number == 1 => rest,
            _ => &buffer[..],
        };
        let record = match std::str::from_utf8(content) {
            Err(_) => Err(Error::invalid("not valid UTF-8")),
            Ok(text) => {
                let text = text.trim_end_matches(['\n', '\r']);
                if text.trim().is_empty() {
                    Ok(None)
                } else {
                    parse_line(text).map(Some)
                }
            }
        };
        let failed = record.is_err();
        batch.push(Parsed {
            line: number,
            bytes,
            record,
        });
        if failed || batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            // Stop at a broken line (the writer stops there too) or when the
            // writer has hung up.
            if batches.send(full).is_err() || failed {
                return Ok(());
            }
        }
    }
    // The receiver may have stopped at an error already: nothing to add.
    let _ = batches.send(batch);
    Ok(())
}

/// Imports a journal, all or nothing: one transaction, committed only when
/// every line has applied. `progress` hears the bytes read so far. This is
/// the door of whoever holds the file (setting books up, tests); a person
/// importing goes through [`crate::Books::import`], which checks rights.
pub fn import(
    db: &mut Db,
    input: impl BufRead + Send,
    progress: impl FnMut(u64),
) -> Result<ImportSummary, JournalError> {
    import_as(db, input, Importer::Holder, progress)
}

/// Who brings a journal in.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Importer<'a> {
    /// Whoever holds the file (setting books up, tests): no rights asked.
    Holder,
    /// Nobody said who: only a journal that changes nothing goes through
    /// (the books have staff, and every change needs one of them).
    Nobody,
    /// An employee: each record needs its right
    /// ([`super::Record::permission`]), a locked period the right to edit it.
    Employee(&'a str, &'a crate::staff::Rights),
}

/// [`import`] by an [`Importer`].
pub(crate) fn import_as(
    db: &mut Db,
    input: impl BufRead + Send,
    importer: Importer<'_>,
    mut progress: impl FnMut(u64),
) -> Result<ImportSummary, JournalError> {
    let actor = match importer {
        Importer::Employee(id, _) => Some(id),
        Importer::Holder | Importer::Nobody => None,
    };
    let mut ledger = db.ledger(actor).map_err(|e| JournalError::Io(e.to_string()))?;
    ledger.for_import();
    if let Importer::Employee(_, rights) = importer {
        ledger.allow_closed_period(rights.allows(crate::staff::Permission::EditClosedPeriod));
    }
    let mut summary = ImportSummary::default();
    let (sender, batches) = std::sync::mpsc::sync_channel::<Vec<Parsed>>(8);
    let mut shift_lines: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let applied = std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_and_parse(input, sender));
        let mut last_bytes = 0;
        let mut last_line = 0;
        let mut outcome = Ok(());
        'batches: for batch in &batches {
            for parsed in batch {
                let at_line = |error: Error| JournalError::Line {
                    line: parsed.line,
                    error,
                };
                let record = match parsed.record {
                    Ok(Some(record)) => record,
                    Ok(None) => continue,
                    Err(error) => {
                        outcome = Err(at_line(error));
                        break 'batches;
                    }
                };
                summary.records += 1;
                if let Importer::Employee(id, rights) = importer {
                    let permission = record.permission();
                    if !rights.allows(permission) {
                        outcome = Err(at_line(Error::Forbidden {
                            actor: id.to_owned(),
                            permission,
                        }));
                        break 'batches;
                    }
                }
                if let super::Record::ShiftOpen(open) = &record {
                    shift_lines.insert(open.id.clone(), parsed.line);
                }
                match ledger.apply(record) {
                    Ok(Applied::Written) if matches!(importer, Importer::Nobody) => {
                        outcome = Err(at_line(Error::NeedsEmployee));
                        break 'batches;
                    }
                    Ok(Applied::Written) => summary.written += 1,
                    Ok(Applied::Unchanged) => summary.unchanged += 1,
                    Err(error) => {
                        outcome = Err(at_line(error));
                        break 'batches;
                    }
                }
                last_bytes = parsed.bytes;
                last_line = parsed.line;
            }
            progress(last_bytes);
        }
        // Hang up first, so a reader still sending stops.
        drop(batches);
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(JournalError::Io("the journal reader failed".into())));
        outcome.and(read)?;
        // An import may bring in earlier days out of order, but may not leave
        // an earlier shift of a till open behind a later one.
        match ledger.stale_open_shift() {
            Ok(None) => Ok(()),
            Ok(Some((shift, error))) => Err(JournalError::Line {
                line: shift_lines.get(&shift).copied().unwrap_or(last_line),
                error,
            }),
            Err(e) => Err(JournalError::Io(e.to_string())),
        }
    });
    applied?;
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
