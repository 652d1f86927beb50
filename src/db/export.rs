//! Reading the journal back out of the action history.

use chrono::NaiveDate;
use rusqlite::params;

use super::Db;
use crate::error::Result;

impl Db {
    /// Calls `emit` with each journal line to export, in history order.
    /// Cards (stores, employees, products, promotions) are always written,
    /// each once, in its latest version, where it first appeared; dated
    /// records are filtered by the local day they belong to (a shift's
    /// records by the day it opened, so a shift is never cut in two).
    pub fn export_lines(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        mut emit: impl FnMut(&str) -> Result<()>,
    ) -> Result<()> {
        let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let mut stmt = self.conn().prepare(
            "SELECT CASE WHEN e.key IS NULL
                         THEN (SELECT l.payload FROM events l
                                WHERE l.key IS NULL AND l.type = e.type AND l.entity = e.entity ORDER BY l.seq DESC LIMIT 1)
                         ELSE e.payload END
               FROM events e
              WHERE (e.type IN ('store', 'employee', 'product', 'promotion')
                     AND NOT EXISTS (SELECT 1 FROM events p
                                      WHERE p.key IS NULL AND p.type = e.type AND p.entity = e.entity AND p.seq < e.seq))
                 OR (e.type IN ('supply', 'write_off', 'supplier_return', 'shift_open', 'cash_in', 'cash_out',
                                'receipt', 'shift_close')
                     AND (?1 IS NULL OR e.day >= ?1) AND (?2 IS NULL OR e.day <= ?2))
              ORDER BY e.seq",
        )?;
        let mut rows = stmt.query(params![day(from), day(to)])?;
        while let Some(row) = rows.next()? {
            let line: String = row.get(0)?;
            emit(&line)?;
        }
        Ok(())
    }
}
