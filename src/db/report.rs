//! The SQL behind reports: plain rows, shaped into tables by `crate::report`.

use chrono::NaiveDate;
use rusqlite::params;

use super::Db;
use crate::error::Result;
use crate::money::Money;
use crate::shift::ShiftTotals;

/// The filter every report takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// First local day, inclusive.
    pub from: NaiveDate,
    /// Last local day, inclusive.
    pub to: NaiveDate,
    /// One store, or all.
    pub store: Option<String>,
}

impl Period {
    /// Every day the books can hold, optionally for one store.
    pub fn all_time(store: Option<String>) -> Period {
        Period {
            from: NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN),
            to: NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX),
            store,
        }
    }

    fn days(&self) -> (String, String) {
        (
            self.from.format("%Y-%m-%d").to_string(),
            self.to.format("%Y-%m-%d").to_string(),
        )
    }
}

/// A receipt as the receipts journal lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptRow {
    /// Receipt id.
    pub id: String,
    /// Time as recorded.
    pub at: String,
    /// `sale` or `return`.
    pub kind: String,
    /// Store.
    pub store: String,
    /// Till.
    pub till: String,
    /// Cashier.
    pub cashier: String,
    /// Total.
    pub total: Money,
    /// Cash, net of change.
    pub cash: Money,
    /// Card.
    pub card: Money,
    /// Other methods.
    pub other: Money,
}

impl Db {
    /// Totals of every shift opened in the period, by opening time.
    pub fn shifts_in(&self, period: &Period) -> Result<Vec<ShiftTotals>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(
            "SELECT id FROM shifts
              WHERE substr(opened_at, 1, 10) BETWEEN ?1 AND ?2 AND (?3 IS NULL OR store = ?3)
              ORDER BY opened_utc, id",
        )?;
        let ids = stmt
            .query_map(params![from, to, period.store], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.iter().map(|id| self.shift_totals(id)).collect()
    }

    /// Every receipt of the period (by its local day), by time.
    pub fn receipts_in(&self, period: &Period) -> Result<Vec<ReceiptRow>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(
            "SELECT r.id, r.at, r.kind, s.store, s.till, r.cashier, r.total,
                    COALESCE(SUM(CASE p.method WHEN 'cash' THEN p.amount END), 0) - r.change,
                    COALESCE(SUM(CASE p.method WHEN 'card' THEN p.amount END), 0),
                    COALESCE(SUM(CASE p.method WHEN 'other' THEN p.amount END), 0)
               FROM receipts r JOIN shifts s ON s.id = r.shift
               LEFT JOIN payments p ON p.receipt = r.id
              WHERE substr(r.at, 1, 10) BETWEEN ?1 AND ?2 AND (?3 IS NULL OR s.store = ?3)
              GROUP BY r.id
              ORDER BY r.at_utc, r.id",
        )?;
        let rows = stmt.query_map(params![from, to, period.store], |r| {
            Ok(ReceiptRow {
                id: r.get(0)?,
                at: r.get(1)?,
                kind: r.get(2)?,
                store: r.get(3)?,
                till: r.get(4)?,
                cashier: r.get(5)?,
                total: Money::from_kopecks(r.get(6)?),
                cash: Money::from_kopecks(r.get(7)?),
                card: Money::from_kopecks(r.get(8)?),
                other: Money::from_kopecks(r.get(9)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
