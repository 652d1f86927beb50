//! What the shop's documents read from the books: cash orders and a cash
//! day, stock documents and counts with their lines.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;

use super::Db;
use crate::error::Result;
use crate::money::Money;

/// A cash in or out as a cash order (its number is its row in the books).
#[derive(Debug, Clone)]
pub struct CashOrder {
    /// The order's number.
    pub number: i64,
    /// Shift.
    pub shift: String,
    /// Store.
    pub store: String,
    /// The shift's cashier.
    pub cashier: String,
    /// As recorded.
    pub at: String,
    /// Amount.
    pub amount: Money,
    /// `None`: cash in; else the out's reason.
    pub reason: Option<String>,
}

/// A line of a cash day: a cash order, or a shift's cash takings or
/// refunds (by its Z report).
#[derive(Debug, Clone)]
pub struct CashEntry {
    /// The document: an order's number or «Z-отчёт, смена …».
    pub document: String,
    /// From whom received, or to whom paid.
    pub party: String,
    /// The corresponding account.
    pub account: &'static str,
    /// Received (in) or paid out.
    pub received: bool,
    /// Amount.
    pub amount: Money,
}

/// A line of a stock document or a count, with its product.
#[derive(Debug, Clone)]
pub struct DocLine {
    /// Product.
    pub sku: String,
    /// Its name.
    pub name: String,
    /// Its unit code (`pcs`, `kg`, …).
    pub unit: String,
    /// Its VAT code.
    pub vat: String,
    /// Quantity (a count: counted).
    pub qty: Decimal,
    /// The document's unit cost, if any.
    pub cost: Option<Money>,
    /// The average cost the goods moved at.
    pub unit_cost: Decimal,
    /// A count's book quantity (counted − delta); 0 elsewhere.
    pub book_qty: Decimal,
}

/// A stock document or a count with its lines.
#[derive(Debug, Clone)]
pub struct StockPaper {
    /// Id.
    pub id: String,
    /// Store.
    pub store: String,
    /// As recorded.
    pub at: String,
    /// Supplier (an id of a counterparty, or a name) or reason.
    pub party: Option<String>,
    /// Lines.
    pub lines: Vec<DocLine>,
}

fn milli(v: i64) -> Decimal {
    Decimal::new(v, 3)
}

impl Db {
    /// A cash order by its number.
    pub fn cash_order(&self, number: i64) -> Result<Option<CashOrder>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT c.id, c.shift, s.store, s.cashier, c.at, c.amount, c.reason
                   FROM cash_moves c JOIN shifts s ON s.id = c.shift WHERE c.id = ?1",
            )?
            .query_row(params![number], |r| {
                Ok(CashOrder {
                    number: r.get(0)?,
                    shift: r.get(1)?,
                    store: r.get(2)?,
                    cashier: r.get(3)?,
                    at: r.get(4)?,
                    amount: Money::from_kopecks(r.get(5)?),
                    reason: r.get(6)?,
                })
            })
            .optional()?)
    }

    /// A store's cash day: every cash order, and each shift's cash takings
    /// and refunds of the day, in time order.
    pub fn cash_day(&self, store: &str, day: NaiveDate) -> Result<Vec<CashEntry>> {
        let day = day.format("%Y-%m-%d").to_string();
        let mut entries: Vec<(i64, CashEntry)> = Vec::new();
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.at_utc, c.amount, c.reason, e.name
               FROM cash_moves c JOIN shifts s ON s.id = c.shift JOIN employees e ON e.id = s.cashier
              WHERE s.store = ?1 AND substr(c.at, 1, 10) = ?2",
        )?;
        let mut rows = stmt.query(params![store, day])?;
        while let Some(r) = rows.next()? {
            let reason: Option<String> = r.get(3)?;
            let cashier: String = r.get(4)?;
            let (party, account) = match reason.as_deref() {
                None => (format!("{cashier} (внесение наличных)"), "57.01"),
                Some("collection") => ("Инкассация: сдача выручки в банк".to_owned(), "57.01"),
                Some("expense") => (format!("{cashier} (расходы)"), "71.01"),
                Some(_) => (format!("{cashier} (прочее)"), "76.09"),
            };
            entries.push((
                r.get(1)?,
                CashEntry {
                    document: r.get::<_, i64>(0)?.to_string(),
                    party,
                    account,
                    received: reason.is_none(),
                    amount: Money::from_kopecks(r.get(2)?),
                },
            ));
        }
        let mut stmt = self.conn().prepare_cached(
            "SELECT x.shift, MAX(x.receipts), SUM(CASE x.kind WHEN 'sale' THEN x.cash ELSE 0 END),
                    SUM(CASE x.kind WHEN 'return' THEN x.cash ELSE 0 END), sh.closed_utc, sh.opened_utc
               FROM roll_receipts x JOIN shifts sh ON sh.id = x.shift
              WHERE x.store = ?1 AND x.day = ?2 GROUP BY x.shift",
        )?;
        let mut rows = stmt.query(params![store, day])?;
        while let Some(r) = rows.next()? {
            let shift: String = r.get(0)?;
            let (takings, refunds): (i64, i64) = (r.get(2)?, r.get(3)?);
            let when: i64 = r.get::<_, Option<i64>>(4)?.unwrap_or(r.get(5)?);
            for (amount, party, received) in [
                (takings, "Выручка по ККТ", true),
                (refunds, "Возвраты покупателям", false),
            ] {
                if amount != 0 {
                    entries.push((
                        when,
                        CashEntry {
                            document: format!("Z {shift}"),
                            party: format!("{party}, смена {shift}"),
                            account: "90.01",
                            received,
                            amount: Money::from_kopecks(amount),
                        },
                    ));
                }
            }
        }
        entries.sort_by_key(|e| e.0);
        Ok(entries.into_iter().map(|(_, e)| e).collect())
    }

    /// A supply, write-off or supplier return with its lines.
    pub fn stock_paper(&self, kind: &str, id: &str) -> Result<Option<StockPaper>> {
        let head: Option<(String, String, Option<String>)> = self
            .conn()
            .prepare_cached("SELECT store, at, COALESCE(supplier, reason) FROM stock_docs WHERE kind = ?1 AND id = ?2")?
            .query_row(params![kind, id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((store, at, party)) = head else {
            return Ok(None);
        };
        let mut stmt = self.conn().prepare_cached(
            "SELECT l.sku, p.name, p.unit, p.vat, l.qty, l.cost, l.unit_cost
               FROM stock_doc_lines l JOIN products p ON p.sku = l.sku
              WHERE l.kind = ?1 AND l.doc = ?2 ORDER BY l.line_no",
        )?;
        let lines = stmt
            .query_map(params![kind, id], |r| {
                Ok(DocLine {
                    sku: r.get(0)?,
                    name: r.get(1)?,
                    unit: r.get(2)?,
                    vat: r.get(3)?,
                    qty: milli(r.get(4)?),
                    cost: r.get::<_, Option<i64>>(5)?.map(Money::from_kopecks),
                    unit_cost: r.get::<_, String>(6)?.parse().unwrap_or_default(),
                    book_qty: Decimal::ZERO,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(StockPaper {
            id: id.to_owned(),
            store,
            at,
            party,
            lines,
        }))
    }

    /// A stock count with its lines (counted, and the book quantity).
    pub fn count_paper(&self, id: &str) -> Result<Option<StockPaper>> {
        let head: Option<(String, String)> = self
            .conn()
            .prepare_cached("SELECT store, at FROM stock_counts WHERE id = ?1")?
            .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((store, at)) = head else {
            return Ok(None);
        };
        let mut stmt = self.conn().prepare_cached(
            "SELECT l.sku, p.name, p.unit, p.vat, l.counted, l.delta, l.unit_cost
               FROM stock_count_lines l JOIN products p ON p.sku = l.sku WHERE l.count = ?1 ORDER BY l.line_no",
        )?;
        let lines = stmt
            .query_map(params![id], |r| {
                let (counted, delta) = (milli(r.get(4)?), milli(r.get(5)?));
                Ok(DocLine {
                    sku: r.get(0)?,
                    name: r.get(1)?,
                    unit: r.get(2)?,
                    vat: r.get(3)?,
                    qty: counted,
                    cost: None,
                    unit_cost: r.get::<_, String>(6)?.parse().unwrap_or_default(),
                    book_qty: counted - delta,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(StockPaper {
            id: id.to_owned(),
            store,
            at,
            party: None,
            lines,
        }))
    }

    /// A counterparty by id.
    pub fn counterparty(&self, id: &str) -> Result<Option<crate::catalog::Counterparty>> {
        super::read::counterparty(self.conn(), id)
    }

    /// The store a receipt was booked in.
    pub fn receipt_store(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT s.store FROM receipts r JOIN shifts s ON s.id = r.shift WHERE r.id = ?1")?
            .query_row(params![id], |r| r.get(0))
            .optional()?)
    }

    /// How many days of a store's year up to `day` have a cash operation
    /// (the cash book's sheet number).
    pub fn cash_sheet_number(&self, store: &str, day: NaiveDate) -> Result<i64> {
        let (from, to) = (day.format("%Y-01-01").to_string(), day.format("%Y-%m-%d").to_string());
        Ok(self.conn().query_row(
            "SELECT COUNT(DISTINCT d) FROM (
               SELECT substr(c.at, 1, 10) AS d FROM cash_moves c JOIN shifts s ON s.id = c.shift
                WHERE s.store = ?1 AND substr(c.at, 1, 10) BETWEEN ?2 AND ?3
               UNION SELECT day FROM roll_receipts WHERE store = ?1 AND cash <> 0 AND day BETWEEN ?2 AND ?3)",
            params![store, from, to],
            |r| r.get(0),
        )?)
    }
}
