//! Storage of fiscalisation: the queue of receipts for the register, their
//! fiscal documents once registered, parked refusals, marking codes, each
//! till's device. Every write is a [`Ledger`] transaction with its event.

use rusqlite::{params, Connection, OptionalExtension};

use super::{Db, Ledger};
use crate::error::Result;
use crate::fiscal::FiscalDocument;

/// A receipt in the fiscal queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiscalEntry {
    /// The receipt.
    pub receipt: String,
    /// Who sold it (a name the register prints).
    pub cashier: String,
    /// The register's last document number just before it was sent.
    pub fd_before: Option<u32>,
    /// Its fiscal document number, once registered.
    pub fd_number: Option<u32>,
    /// Its fiscal sign (ФП), once registered.
    pub fiscal_sign: Option<u32>,
    /// When the register made the document (its own clock).
    pub fiscal_at: Option<String>,
    /// The last error met sending it.
    pub last_error: Option<String>,
    /// The register refused it: it waits for a manager (retry or correction).
    pub parked: bool,
    /// The register's error code when it refused.
    pub refusal_code: Option<u8>,
    /// Registered by a correction receipt (чек коррекции) rather than itself.
    pub correction: bool,
}

/// A till's fiscal register: where it is and how to talk to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSettings {
    /// Serial port path (`/dev/ttyUSB0`, `/dev/ttyACM0`, or the emulator's link).
    pub port: String,
    /// Baud rate.
    pub baud: u32,
    /// Operator password.
    pub password: u32,
    /// The firmware's tax code for 22 %.
    pub vat22_code: u8,
}

fn entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<FiscalEntry> {
    Ok(FiscalEntry {
        receipt: row.get(0)?,
        cashier: row.get(1)?,
        fd_before: row.get(2)?,
        fd_number: row.get(3)?,
        fiscal_sign: row.get(4)?,
        fiscal_at: row.get(5)?,
        last_error: row.get(6)?,
        parked: row.get(7)?,
        refusal_code: row.get(8)?,
        correction: row.get(9)?,
    })
}

const ENTRY: &str = "SELECT receipt, cashier, fd_before, fd_number, fiscal_sign, fiscal_at, last_error, parked,
                            refusal_code, correction
                       FROM fiscal_queue";

/// `01` GTIN `21` serial of a marking code; the code itself when it does
/// not parse (it was checked when scanned).
pub(crate) fn marking_identity(code: &str) -> String {
    crate::catalog::barcode::parse_marking(code).map_or_else(|_| code.to_owned(), |marking| marking.identity())
}

/// Migration step 4: the identity of every marking code sold before.
pub(super) fn fill_marking_identities(conn: &Connection) -> Result<()> {
    let rows: Vec<(String, i64, String)> = conn
        .prepare("SELECT receipt, line_no, code FROM receipt_markings")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (receipt, line, code) in rows {
        conn.execute(
            "UPDATE receipt_markings SET identity = ?3 WHERE receipt = ?1 AND line_no = ?2",
            params![receipt, line, marking_identity(&code)],
        )?;
    }
    Ok(())
}

impl Ledger<'_> {
    /// Queues a receipt this till booked for the register, in the sale's
    /// own transaction.
    pub(crate) fn queue_fiscal(&self, receipt: &str, store: &str, till: &str, cashier: &str) -> Result<()> {
        self.tx()
            .prepare_cached("INSERT INTO fiscal_queue (receipt, store, till, cashier) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![receipt, store, till, cashier])?;
        Ok(())
    }

    /// The marking codes of a receipt's lines (sold or returned), by their
    /// GTIN and serial too.
    pub(crate) fn record_markings(&self, receipt: &str, markings: &[(usize, String)]) -> Result<()> {
        for (line, code) in markings {
            self.tx()
                .prepare_cached(
                    "INSERT INTO receipt_markings (receipt, line_no, code, identity) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![receipt, *line as i64, code, marking_identity(code)])?;
        }
        Ok(())
    }

    /// Whether this pack (by GTIN and serial) was sold and not returned.
    pub(crate) fn marking_sold(&self, code: &str) -> Result<bool> {
        marking_sold(self.tx(), code)
    }

    /// Remembers the register's last document number before sending a
    /// receipt (committed before the receipt leaves).
    pub(crate) fn fiscal_sending(&self, receipt: &str, fd_before: u32) -> Result<()> {
        self.tx()
            .prepare_cached("UPDATE fiscal_queue SET fd_before = ?2 WHERE receipt = ?1 AND fd_number IS NULL")?
            .execute(params![receipt, fd_before])?;
        Ok(())
    }

    /// Records the fiscal document the register made of a receipt (or of
    /// its correction), with the journal's `fiscal` record as its event.
    pub(crate) fn fiscal_registered(
        &self,
        receipt: &str,
        fn_number: &str,
        document: &FiscalDocument,
        at: &str,
        correction: bool,
    ) -> Result<()> {
        let record = crate::journal::FiscalRecord {
            receipt: receipt.to_owned(),
            fn_number: fn_number.to_owned(),
            fd: document.number,
            fp: document.fiscal_sign,
            at: at.to_owned(),
        };
        self.write_fiscal(&record, correction)
    }

    /// Stores a receipt's requisites and appends the `fiscal` record, its
    /// day its receipt's (as the receipt itself is filed).
    pub(crate) fn write_fiscal(&self, record: &crate::journal::FiscalRecord, correction: bool) -> Result<()> {
        self.tx()
            .prepare_cached(
                "UPDATE fiscal_queue SET fd_number = ?2, fiscal_sign = ?3, fiscal_at = ?4, fn_number = ?5,
                        correction = ?6, last_error = NULL, parked = 0
                  WHERE receipt = ?1",
            )?
            .execute(params![
                record.receipt,
                record.fd,
                record.fp,
                record.at,
                record.fn_number,
                correction
            ])?;
        // The journal's `fiscal` record, exactly (an export writes it as
        // is); how it was registered stays in the queue's `correction`.
        let line = crate::journal::Record::Fiscal(record.clone()).to_line();
        let day: Option<String> = self
            .tx()
            .prepare_cached("SELECT day FROM events WHERE key = ?1")?
            .query_row(params![format!("receipt:{}", record.receipt)], |r| r.get(0))
            .optional()?
            .flatten();
        self.append_keyed(
            "fiscal",
            &record.receipt,
            day.as_deref(),
            &format!("fiscal:{}", record.receipt),
            &line,
            &record.at,
        )
    }

    /// Records why a receipt could not be registered yet (the link).
    pub(crate) fn fiscal_failed(&self, receipt: &str, error: &str) -> Result<()> {
        self.tx()
            .prepare_cached("UPDATE fiscal_queue SET last_error = ?2 WHERE receipt = ?1")?
            .execute(params![receipt, error])?;
        Ok(())
    }

    /// The register refused a receipt itself. The first time it keeps its
    /// place (the register may have been left in a state by another
    /// program); refused again, it is parked, out of the queue, until a
    /// manager retries it or registers a correction; `at_once`: parked on
    /// the first refusal (nothing reached the register: it cannot be sent
    /// at all). Returns whether it was parked.
    pub(crate) fn fiscal_refused(&self, receipt: &str, code: u8, reason: &str, at_once: bool) -> Result<bool> {
        let refusals: i64 = self
            .tx()
            .prepare_cached(
                "UPDATE fiscal_queue SET refusals = refusals + 1, refusal_code = ?2, last_error = ?3,
                        parked = CASE WHEN ?4 OR refusals + 1 >= 2 THEN 1 ELSE 0 END
                  WHERE receipt = ?1 RETURNING refusals",
            )?
            .query_row(params![receipt, code, reason, at_once], |r| r.get(0))?;
        let parked = at_once || refusals >= 2;
        if parked {
            self.note(
                "fiscal_refused",
                receipt,
                &serde_json::json!({ "receipt": receipt, "code": code, "reason": reason }),
            )?;
        }
        Ok(parked)
    }

    /// A manager sends a parked receipt to the register again.
    pub(crate) fn fiscal_unpark(&self, receipt: &str) -> Result<bool> {
        let changed = self
            .tx()
            .prepare_cached("UPDATE fiscal_queue SET parked = 0, refusals = 0 WHERE receipt = ?1 AND parked = 1")?
            .execute(params![receipt])?;
        if changed == 1 {
            self.note("fiscal_retry", receipt, &serde_json::json!({ "receipt": receipt }))?;
        }
        Ok(changed == 1)
    }

    /// Sets up a till (once), and sets (or with `None` removes) its fiscal
    /// register; the history records who did it.
    pub(crate) fn set_fiscal_device(&self, store: &str, till: &str, device: Option<&DeviceSettings>) -> Result<()> {
        let tx = self.tx();
        tx.execute(
            "INSERT OR IGNORE INTO tills (store, till) VALUES (?1, ?2)",
            params![store, till],
        )?;
        match device {
            Some(d) => tx.execute(
                "INSERT INTO fiscal_devices (store, till, port, baud, password, vat22) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (store, till) DO UPDATE SET port = ?3, baud = ?4, password = ?5, vat22 = ?6",
                params![store, till, d.port, d.baud, d.password, d.vat22_code],
            )?,
            None => tx.execute(
                "DELETE FROM fiscal_devices WHERE store = ?1 AND till = ?2",
                params![store, till],
            )?,
        };
        let payload = match device {
            Some(d) => serde_json::json!({
                "store": store, "till": till, "port": d.port, "baud": d.baud, "vat22_code": d.vat22_code,
            }),
            None => serde_json::json!({ "store": store, "till": till, "port": "none" }),
        };
        self.note("fiscal_device", &format!("{store}/{till}"), &payload)
    }
}

fn marking_sold(conn: &Connection, code: &str) -> Result<bool> {
    let net: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(CASE r.kind WHEN 'sale' THEN 1 ELSE -1 END), 0)
             FROM receipt_markings m JOIN receipts r ON r.id = m.receipt WHERE m.identity = ?1",
        )?
        .query_row(params![marking_identity(code)], |r| r.get(0))?;
    Ok(net > 0)
}

fn till_exists(conn: &Connection, store: &str, till: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM tills WHERE store = ?1 AND till = ?2")?
        .query_row(params![store, till], |_| Ok(()))
        .optional()?
        .is_some())
}

impl Db {
    /// Receipts of a till waiting for the register, oldest first (parked
    /// ones wait for a manager instead).
    pub fn fiscal_pending(&self, store: &str, till: &str) -> Result<Vec<FiscalEntry>> {
        self.unregistered(store, till, false)
    }

    /// Receipts of a till the register refused, oldest first.
    pub fn fiscal_parked(&self, store: &str, till: &str) -> Result<Vec<FiscalEntry>> {
        self.unregistered(store, till, true)
    }

    /// A till's receipts not registered yet, parked or waiting, oldest first.
    fn unregistered(&self, store: &str, till: &str, parked: bool) -> Result<Vec<FiscalEntry>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "{ENTRY} WHERE store = ?1 AND till = ?2 AND fd_number IS NULL AND parked = ?3 ORDER BY seq"
        ))?;
        let rows = statement.query_map(params![store, till, parked], entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A receipt's place in the fiscal queue (`None`: never queued, e.g.
    /// imported from elsewhere).
    pub fn fiscal_entry(&self, receipt: &str) -> Result<Option<FiscalEntry>> {
        Ok(self
            .conn
            .prepare_cached(&format!("{ENTRY} WHERE receipt = ?1"))?
            .query_row(params![receipt], entry)
            .optional()?)
    }

    /// Every registered receipt's fiscal document number, in queue order.
    pub fn fiscal_documents(&self, store: &str, till: &str) -> Result<Vec<(String, u32)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT receipt, fd_number FROM fiscal_queue
             WHERE store = ?1 AND till = ?2 AND fd_number IS NOT NULL ORDER BY seq",
        )?;
        let rows = statement.query_map(params![store, till], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marking codes of a receipt's lines, by line index.
    pub fn receipt_markings(&self, receipt: &str) -> Result<Vec<(usize, String)>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT line_no, code FROM receipt_markings WHERE receipt = ?1 ORDER BY line_no")?;
        let rows = statement.query_map(params![receipt], |r| Ok((r.get::<_, i64>(0)? as usize, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether this pack (by GTIN and serial) was sold and not returned.
    pub fn marking_sold(&self, code: &str) -> Result<bool> {
        marking_sold(&self.conn, code)
    }

    /// Whether a till was set up.
    pub fn till_exists(&self, store: &str, till: &str) -> Result<bool> {
        till_exists(&self.conn, store, till)
    }

    /// Whether the books have staff who can log in (then every change needs
    /// one of them). Staff without PINs (a journal carries none) cannot act,
    /// so until one has a PIN the books are still being set up.
    pub fn has_staff(&self) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM employees WHERE pin_hash IS NOT NULL)")?
            .query_row([], |r| r.get(0))?)
    }

    /// The fiscal register set for a till.
    pub fn fiscal_device(&self, store: &str, till: &str) -> Result<Option<DeviceSettings>> {
        Ok(self
            .conn
            .prepare_cached("SELECT port, baud, password, vat22 FROM fiscal_devices WHERE store = ?1 AND till = ?2")?
            .query_row(params![store, till], |r| {
                Ok(DeviceSettings {
                    port: r.get(0)?,
                    baud: r.get(1)?,
                    password: r.get(2)?,
                    vat22_code: r.get(3)?,
                })
            })
            .optional()?)
    }

    /// When a shift opened (UTC ms).
    pub fn shift_opened_utc(&self, shift: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT opened_utc FROM shifts WHERE id = ?1")?
            .query_row(params![shift], |r| r.get(0))
            .optional()?)
    }

    /// The latest moment a till's open shift has booked (UTC ms): a till
    /// whose clock went back books at this moment instead.
    pub fn last_moment(&self, store: &str, till: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "WITH open AS (SELECT id, opened_utc FROM shifts
                                WHERE store = ?1 AND till = ?2 AND closed_at IS NULL)
                 SELECT MAX(m) FROM (
                   SELECT opened_utc AS m FROM open
                   UNION ALL SELECT MAX(r.at_utc) FROM receipts r JOIN open ON r.shift = open.id
                   UNION ALL SELECT MAX(c.at_utc) FROM cash_moves c JOIN open ON c.shift = open.id)",
            )?
            .query_row(params![store, till], |r| r.get(0))?)
    }
}
