//! Reading the journal back out of the action history.

use chrono::NaiveDate;
use rusqlite::params;

use super::Db;
use crate::error::Result;

impl Db {
    /// Calls `emit` with each journal line to export, in history order.
    /// Cards (stores, employees, products, promotions) are always written,
    /// every version where it happened, so that what refers to a card finds
    /// it as it was; dated records are filtered by the local day they belong
    /// to (a shift's records by the day it opened, so a shift is never cut
    /// in two). A promotion switched off is written by its versions that
    /// say so (`enabled: false`); one switched off before the journal had
    /// the field is left out, so that imported elsewhere it does not come
    /// back in force.
    /// Rights and period locks are written wherever they were set.
    pub fn export_lines(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        mut emit: impl FnMut(&str) -> Result<()>,
    ) -> Result<()> {
        let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let mut stmt = self.conn().prepare(
            // Rights and locks recorded before they were journal records
            // (notes of the same facts) are written as the records.
            "SELECT CASE
                      WHEN type = 'rights' AND payload NOT LIKE '{\"type\":%'
                        THEN json_object('type', 'rights', 'role', json_extract(payload, '$.role'),
                                         'permissions', json(json_extract(payload, '$.permissions')),
                                         'max_discount_pct', json_extract(payload, '$.max_discount_pct'))
                      WHEN type = 'period_locked'
                        THEN json_object('type', 'period_lock', 'through', json_extract(payload, '$.through'),
                                         'at', at)
                      ELSE payload
                    END
               FROM events
              WHERE type IN ('store', 'counterparty', 'employee', 'product', 'rights', 'period_lock', 'period_locked')
                 OR (type = 'promotion' AND (payload LIKE '%\"enabled\":false%'
                     OR entity NOT IN (SELECT id FROM promotions WHERE enabled = 0)))
                 OR (type IN ('supply', 'write_off', 'supplier_return', 'shift_open', 'cash_in', 'cash_out',
                              'receipt', 'shift_close', 'fiscal', 'stock_count')
                     AND (?1 IS NULL OR day >= ?1) AND (?2 IS NULL OR day <= ?2))
              ORDER BY seq",
        )?;
        let mut rows = stmt.query(params![day(from), day(to)])?;
        while let Some(row) = rows.next()? {
            let line: String = row.get(0)?;
            emit(&line)?;
        }
        Ok(())
    }
}
