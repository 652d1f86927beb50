//! Storage of fiscalisation: the queue of receipts for the register, their
//! fiscal documents once registered, marking codes, and each till's device.

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
    })
}

const ENTRY: &str =
    "SELECT receipt, cashier, fd_before, fd_number, fiscal_sign, fiscal_at, last_error FROM fiscal_queue";

impl Ledger<'_> {
    /// Queues a receipt this till booked for the register, with the marking
    /// codes of its lines, in the sale's own transaction.
    pub fn queue_fiscal(
        &self,
        receipt: &str,
        store: &str,
        till: &str,
        cashier: &str,
        markings: &[(usize, String)],
    ) -> Result<()> {
        let tx = self.tx();
        tx.prepare_cached("INSERT INTO fiscal_queue (receipt, store, till, cashier) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![receipt, store, till, cashier])?;
        for (line, code) in markings {
            tx.prepare_cached("INSERT INTO receipt_markings (receipt, line_no, code) VALUES (?1, ?2, ?3)")?
                .execute(params![receipt, *line as i64, code])?;
        }
        Ok(())
    }

    /// Whether a marking code was sold (and not returned) already.
    pub fn marking_sold(&self, code: &str) -> Result<bool> {
        marking_sold(self.tx(), code)
    }
}

fn marking_sold(conn: &Connection, code: &str) -> Result<bool> {
    let net: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(CASE r.kind WHEN 'sale' THEN 1 ELSE -1 END), 0)
             FROM receipt_markings m JOIN receipts r ON r.id = m.receipt WHERE m.code = ?1",
        )?
        .query_row(params![code], |r| r.get(0))?;
    Ok(net > 0)
}

impl Db {
    /// Receipts of a till waiting for the register, oldest first.
    pub fn fiscal_pending(&self, store: &str, till: &str) -> Result<Vec<FiscalEntry>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "{ENTRY} WHERE store = ?1 AND till = ?2 AND fd_number IS NULL ORDER BY seq"
        ))?;
        let rows = statement.query_map(params![store, till], entry)?;
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

    /// Remembers the register's last document number before sending a
    /// receipt (committed before the receipt leaves).
    pub fn fiscal_sending(&self, receipt: &str, fd_before: u32) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE fiscal_queue SET fd_before = ?2 WHERE receipt = ?1 AND fd_number IS NULL")?
            .execute(params![receipt, fd_before])?;
        Ok(())
    }

    /// Records the fiscal document the register made of a receipt.
    pub fn fiscal_registered(&self, receipt: &str, document: &FiscalDocument) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE fiscal_queue SET fd_number = ?2, fiscal_sign = ?3, fiscal_at = ?4, last_error = NULL
                 WHERE receipt = ?1",
            )?
            .execute(params![
                receipt,
                document.number,
                document.fiscal_sign,
                document.at.to_string()
            ])?;
        Ok(())
    }

    /// Records why a receipt could not be registered yet.
    pub fn fiscal_failed(&self, receipt: &str, error: &str) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE fiscal_queue SET last_error = ?2 WHERE receipt = ?1")?
            .execute(params![receipt, error])?;
        Ok(())
    }

    /// Marking codes of a receipt's lines, by line index.
    pub fn receipt_markings(&self, receipt: &str) -> Result<Vec<(usize, String)>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT line_no, code FROM receipt_markings WHERE receipt = ?1 ORDER BY line_no")?;
        let rows = statement.query_map(params![receipt], |r| Ok((r.get::<_, i64>(0)? as usize, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether a marking code was sold (and not returned) already.
    pub fn marking_sold(&self, code: &str) -> Result<bool> {
        marking_sold(&self.conn, code)
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

    /// Sets (or with `None` removes) a till's fiscal register.
    pub fn set_fiscal_device(&self, store: &str, till: &str, device: Option<&DeviceSettings>) -> Result<()> {
        match device {
            Some(d) => self.conn.execute(
                "INSERT INTO fiscal_devices (store, till, port, baud, password, vat22) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (store, till) DO UPDATE SET port = ?3, baud = ?4, password = ?5, vat22 = ?6",
                params![store, till, d.port, d.baud, d.password, d.vat22_code],
            )?,
            None => self.conn.execute(
                "DELETE FROM fiscal_devices WHERE store = ?1 AND till = ?2",
                params![store, till],
            )?,
        };
        Ok(())
    }
}
