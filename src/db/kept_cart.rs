//! The cart in progress of a till, kept on disk as the cashier works, and
//! the till's own preferences (see migration 0005): working state beside
//! the books, not events of them.

use rusqlite::{params, OptionalExtension};

use super::{Db, Ledger};
use crate::error::Result;

/// A kept cart: whose it is and its lines as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeptCart {
    pub employee: String,
    pub lines: String,
    pub tenders: String,
}

impl Db {
    /// Keeps (replaces) the till's cart in progress; one short write.
    pub(crate) fn keep_cart(&self, store: &str, till: &str, employee: &str, lines: &str, at: &str) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO kept_carts (store, till, employee, lines, saved_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (store, till) DO UPDATE SET employee = excluded.employee,
                   lines = excluded.lines, saved_at = excluded.saved_at",
            )?
            .execute(params![store, till, employee, lines, at])?;
        Ok(())
    }

    /// The till's kept cart, if any.
    pub(crate) fn kept_cart(&self, store: &str, till: &str) -> Result<Option<KeptCart>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT employee, lines, tenders FROM kept_carts WHERE store = ?1 AND till = ?2")?
            .query_row(params![store, till], |r| {
                Ok(KeptCart {
                    employee: r.get(0)?,
                    lines: r.get(1)?,
                    tenders: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// Keeps the tenders taken so far for the kept cart.
    pub(crate) fn keep_tenders(&self, store: &str, till: &str, tenders: &str) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE kept_carts SET tenders = ?3 WHERE store = ?1 AND till = ?2")?
            .execute(params![store, till, tenders])?;
        Ok(())
    }

    /// Forgets the till's kept cart (booked or cleared).
    pub(crate) fn drop_kept_cart(&self, store: &str, till: &str) -> Result<()> {
        self.conn()
            .prepare_cached("DELETE FROM kept_carts WHERE store = ?1 AND till = ?2")?
            .execute(params![store, till])?;
        Ok(())
    }
}

impl Db {
    /// A till's preference.
    pub(crate) fn till_setting(&self, store: &str, till: &str, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT value FROM till_settings WHERE store = ?1 AND till = ?2 AND key = ?3")?
            .query_row(params![store, till, key], |r| r.get(0))
            .optional()?)
    }

    /// Sets a till's preference.
    pub(crate) fn set_till_setting(&self, store: &str, till: &str, key: &str, value: &str) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO till_settings (store, till, key, value) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (store, till, key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![store, till, key, value])?;
        Ok(())
    }
}

impl Ledger<'_> {
    /// Sets (or with `None` clears) a till's device setting, in the
    /// history with who did it.
    pub(crate) fn set_till_device_setting(
        &self,
        store: &str,
        till: &str,
        key: &str,
        value: Option<&str>,
    ) -> Result<()> {
        match value {
            Some(value) => self
                .tx()
                .prepare_cached(
                    "INSERT INTO till_settings (store, till, key, value) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (store, till, key) DO UPDATE SET value = excluded.value",
                )?
                .execute(params![store, till, key, value])?,
            None => self
                .tx()
                .prepare_cached("DELETE FROM till_settings WHERE store = ?1 AND till = ?2 AND key = ?3")?
                .execute(params![store, till, key])?,
        };
        self.note(
            "till_setting",
            &format!("{store}/{till}"),
            &serde_json::json!({ "key": key, "value": value }),
        )
    }
}
