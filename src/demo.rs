//! The demo store: a small grocery with staff, a catalogue, supplies and one
//! day of trade, so that every command and screen has something real to show.

use crate::db::{Db, DeviceSettings};
use crate::journal::io::{import_as, Importer};
use crate::journal::{ImportSummary, JournalError};

/// The demo journal (demo/demo.jsonl), embedded.
pub const JOURNAL: &str = include_str!("../demo/demo.jsonl");

/// The demo's paperwork day (demo/paperwork.jsonl): the store's
/// requisites, a company buyer and a supplier, a supply from it, a sale to
/// the company, a write-off, a return to the supplier and a stock count on
/// 3 November, so that every document has something to print.
pub const PAPERWORK: &str = include_str!("../demo/paperwork.jsonl");

/// The demo day, for reports: 2 November 2026.
pub const DAY: &str = "2026-11-02";

/// The demo store and its till.
pub const STORE: &str = "S1";
/// The demo till, on the built-in register emulator.
pub const TILL: &str = "T1";

/// Loads the demo store into `db` (idempotent: a second load adds nothing)
/// and gives its till T1 the built-in register emulator the first time, so
/// a register set later (or `none`) is kept.
pub(crate) fn load(db: &mut Db, importer: Importer<'_>) -> Result<ImportSummary, JournalError> {
    let io = |e: crate::error::Error| JournalError::Io(e.to_string());
    let first = !db.till_exists(STORE, TILL).map_err(io)?;
    let journal = format!("{JOURNAL}{PAPERWORK}");
    let summary = import_as(db, journal.as_bytes(), importer, |_| {})?;
    if first {
        let emulator = DeviceSettings {
            port: crate::fiscal::BUILT_IN_EMULATOR.to_owned(),
            baud: 115_200,
            password: 30,
            vat22_code: kassa_fiscal::shtrih::command::tax_bits::VAT22,
        };
        let ledger = db.ledger(None).map_err(io)?;
        ledger.set_fiscal_device(STORE, TILL, Some(&emulator)).map_err(io)?;
        ledger.commit().map_err(io)?;
    }
    Ok(summary)
}
