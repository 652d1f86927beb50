//! The SQL behind reports: the books' facts ([`crate::report::facts::Source`]) read from SQLite.

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use super::Db;
use crate::error::Result;
use crate::money::Money;
use crate::report::facts::*;
use crate::shift::ShiftTotals;
use rust_decimal::Decimal;

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
}

fn day(text: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d")
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

fn decimal(text: &str) -> rusqlite::Result<Decimal> {
    text.parse::<Decimal>()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

fn milli(value: i64) -> Decimal {
    Decimal::new(value, 3)
}

const RECEIPT_FACT: &str = "SELECT r.id, r.at, s.store, s.till, r.shift, r.cashier, r.kind, r.total,
        COALESCE((SELECT SUM(amount) FROM payments p WHERE p.receipt = r.id AND p.method = 'cash'), 0) - r.change,
        COALESCE((SELECT SUM(amount) FROM payments p WHERE p.receipt = r.id AND p.method = 'card'), 0),
        COALESCE((SELECT SUM(amount) FROM payments p WHERE p.receipt = r.id AND p.method = 'other'), 0)
   FROM receipts r JOIN shifts s ON s.id = r.shift";

fn receipt_fact(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReceiptFact> {
    let at: String = r.get(1)?;
    Ok(ReceiptFact {
        id: r.get(0)?,
        day: day(&at)?,
        hour: at.get(11..13).and_then(|h| h.parse().ok()).unwrap_or(0),
        at,
        store: r.get(2)?,
        till: r.get(3)?,
        shift: r.get(4)?,
        cashier: r.get(5)?,
        sale: r.get::<_, String>(6)? == "sale",
        total: Money::from_kopecks(r.get(7)?),
        cash: Money::from_kopecks(r.get(8)?),
        card: Money::from_kopecks(r.get(9)?),
        other: Money::from_kopecks(r.get(10)?),
    })
}

fn cash_fact(r: &rusqlite::Row<'_>) -> rusqlite::Result<CashFact> {
    let at: String = r.get(2)?;
    let reason: Option<String> = r.get(4)?;
    let amount = Money::from_kopecks(r.get(3)?);
    Ok(CashFact {
        shift: r.get(0)?,
        store: r.get(1)?,
        day: day(&at)?,
        at,
        amount: if reason.is_some() { -amount } else { amount },
        reason,
    })
}

impl Source for Db {
    fn stores(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn().prepare_cached("SELECT id, name FROM stores ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn products(&self) -> Result<Vec<ProductFact>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT sku, name, category, unit, kind, cost FROM products ORDER BY sku")?;
        let rows = stmt.query_map([], |r| {
            Ok(ProductFact {
                sku: r.get(0)?,
                name: r.get(1)?,
                category: r.get(2)?,
                unit: r.get(3)?,
                stocked: r.get::<_, String>(4)? != "service",
                cost: Money::from_kopecks(r.get::<_, Option<i64>>(5)?.unwrap_or(0)).as_decimal(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn employees(&self) -> Result<Vec<EmployeeFact>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, name, commission_pct FROM employees ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(EmployeeFact {
                id: r.get(0)?,
                name: r.get(1)?,
                commission_pct: decimal(&r.get::<_, String>(2)?)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn receipts(&self, period: &Period) -> Result<Vec<ReceiptFact>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(&format!(
            "{RECEIPT_FACT} WHERE substr(r.at, 1, 10) BETWEEN ?1 AND ?2 AND (?3 IS NULL OR s.store = ?3)
              ORDER BY r.at_utc, r.id"
        ))?;
        let rows = stmt.query_map(params![from, to, period.store], receipt_fact)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn shifts(&self, period: &Period) -> Result<Vec<ShiftFact>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, store, till, cashier, opened_at, closed_at, (closed_utc - opened_utc) / 1000 FROM shifts
              WHERE substr(opened_at, 1, 10) BETWEEN ?1 AND ?2 AND (?3 IS NULL OR store = ?3)
              ORDER BY opened_utc, id",
        )?;
        let rows = stmt.query_map(params![from, to, period.store], |r| {
            let opened_at: String = r.get(4)?;
            Ok(ShiftFact {
                id: r.get(0)?,
                store: r.get(1)?,
                till: r.get(2)?,
                cashier: r.get(3)?,
                day: day(&opened_at)?,
                opened_at,
                closed_at: r.get(5)?,
                seconds: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn shift_cash(&self, period: &Period) -> Result<Vec<CashFact>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.shift, s.store, c.at, c.amount, c.reason FROM cash_moves c JOIN shifts s ON s.id = c.shift
              WHERE substr(s.opened_at, 1, 10) BETWEEN ?1 AND ?2 AND (?3 IS NULL OR s.store = ?3)
              ORDER BY c.at_utc, c.id",
        )?;
        let rows = stmt.query_map(params![from, to, period.store], cash_fact)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn cash(&self, period: &Period) -> Result<Vec<CashFact>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.shift, s.store, c.at, c.amount, c.reason FROM cash_moves c JOIN shifts s ON s.id = c.shift
              WHERE substr(c.at, 1, 10) BETWEEN ?1 AND ?2 AND (?3 IS NULL OR s.store = ?3)
              ORDER BY c.at_utc, c.id",
        )?;
        let rows = stmt.query_map(params![from, to, period.store], cash_fact)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn doc_lines(&self, period: &Period) -> Result<Vec<DocLineFact>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(
            "SELECT d.kind, d.id, d.store, COALESCE(d.supplier, d.reason, ''), l.sku, l.qty, l.cost, l.unit_cost
               FROM stock_doc_lines l JOIN stock_docs d ON d.kind = l.kind AND d.id = l.doc
              WHERE substr(d.at, 1, 10) BETWEEN ?1 AND ?2 AND (?3 IS NULL OR d.store = ?3)
              ORDER BY d.at_utc, d.id, l.line_no",
        )?;
        let rows = stmt.query_map(params![from, to, period.store], |r| {
            Ok(DocLineFact {
                kind: r.get(0)?,
                doc: r.get(1)?,
                store: r.get(2)?,
                party: r.get(3)?,
                sku: r.get(4)?,
                qty: milli(r.get(5)?),
                cost: r.get::<_, Option<i64>>(6)?.map(Money::from_kopecks),
                unit_cost: decimal(&r.get::<_, String>(7)?)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn count_lines(&self, period: &Period) -> Result<Vec<CountLineFact>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.at, l.sku, l.counted, l.delta, l.unit_cost
               FROM stock_count_lines l JOIN stock_counts c ON c.id = l.count
              WHERE substr(c.at, 1, 10) BETWEEN ?1 AND ?2 AND (?3 IS NULL OR c.store = ?3)
              ORDER BY c.at_utc, c.id, l.line_no",
        )?;
        let rows = stmt.query_map(params![from, to, period.store], |r| {
            Ok(CountLineFact {
                count: r.get(0)?,
                at: r.get(1)?,
                sku: r.get(2)?,
                counted: milli(r.get(3)?),
                delta: milli(r.get(4)?),
                unit_cost: decimal(&r.get::<_, String>(5)?)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn fiscal(&self, period: &Period) -> Result<Vec<FiscalFact>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(
            "SELECT q.receipt, q.fd_number, q.fiscal_sign, q.fiscal_at, r.total
               FROM fiscal_queue q JOIN receipts r ON r.id = q.receipt JOIN shifts s ON s.id = r.shift
              WHERE q.fd_number IS NOT NULL AND substr(r.at, 1, 10) BETWEEN ?1 AND ?2 AND (?3 IS NULL OR s.store = ?3)
              ORDER BY q.fd_number, q.receipt",
        )?;
        let rows = stmt.query_map(params![from, to, period.store], |r| {
            Ok(FiscalFact {
                receipt: r.get(0)?,
                fd: r.get(1)?,
                fp: r.get::<_, Option<i64>>(2)?.map(|s| s.to_string()).unwrap_or_default(),
                at: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                total: Money::from_kopecks(r.get(4)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn receipt_sums(&self, period: &Period) -> Result<Vec<ReceiptSum>> {
        let (from, to) = period.days();
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT * FROM roll_receipts WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR store = ?3)")?;
        let rows = stmt.query_map(params![from, to, period.store], receipt_sum)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn shift_sums(&self, period: &Period) -> Result<Vec<ReceiptSum>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(
            "SELECT x.* FROM shifts s JOIN roll_receipts x ON x.shift = s.id
              WHERE substr(s.opened_at, 1, 10) BETWEEN ?1 AND ?2 AND (?3 IS NULL OR s.store = ?3)",
        )?;
        let rows = stmt.query_map(params![from, to, period.store], receipt_sum)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn product_sums(&self, period: &Period) -> Result<Vec<ProductSum>> {
        let (from, to) = period.days();
        // Whole months of the chain come from the monthly rollup, the days
        // around them from the daily one.
        let (whole_from, whole_to) = whole_months(period);
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT NULL, NULL, sku, kind, vat, {SUMS} FROM (
               SELECT sku, kind, vat, lines, qty, amount, discount, cogs, vat_amount FROM roll_products_month
                WHERE ?3 IS NULL AND month BETWEEN ?4 AND ?5
               UNION ALL
               SELECT sku, kind, vat, lines, qty, amount, discount, cogs, vat_amount FROM roll_products
                WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR store = ?3)
                  AND NOT (?3 IS NULL AND substr(day, 1, 7) BETWEEN ?4 AND ?5))
             GROUP BY sku, kind, vat"
        ))?;
        let rows = stmt.query_map(params![from, to, period.store, whole_from, whole_to], product_sum)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn day_sums(&self, period: &Period) -> Result<Vec<ProductSum>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT day, store, '', kind, vat, {SUMS} FROM roll_days
              WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR store = ?3) GROUP BY day, store, kind, vat"
        ))?;
        let rows = stmt.query_map(params![from, to, period.store], product_sum)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn weekly_qty(&self, period: &Period) -> Result<Vec<(String, NaiveDate, Decimal)>> {
        let (from, to) = period.days();
        // A day's ISO week starts on its Monday.
        // The chain's weeks wholly inside the period come from the weekly
        // rollup; a store's, and the days at the ends, from the daily one.
        let first_monday = {
            use chrono::Datelike;
            let offset = (7 - i64::from(period.from.weekday().num_days_from_monday())) % 7;
            (period.from + chrono::Duration::days(offset))
                .format("%Y-%m-%d")
                .to_string()
        };
        let last_monday = {
            use chrono::Datelike;
            let offset = i64::from(period.to.weekday().num_days_from_monday());
            let monday = period.to - chrono::Duration::days(offset);
            let whole = offset == 6;
            (if whole {
                monday
            } else {
                monday - chrono::Duration::days(7)
            })
            .format("%Y-%m-%d")
            .to_string()
        };
        let mut stmt = self.conn().prepare_cached(
            "SELECT sku, week, SUM(qty) FROM (
               SELECT sku, week, qty FROM roll_products_week WHERE ?3 IS NULL AND week BETWEEN ?4 AND ?5
               UNION ALL
               SELECT sku, date(day, '-' || ((CAST(strftime('%w', day) AS INTEGER) + 6) % 7) || ' days') AS week,
                      CASE kind WHEN 'sale' THEN qty ELSE -qty END
                 FROM roll_products WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR store = ?3)
                  AND NOT (?3 IS NULL AND date(day, '-' || ((CAST(strftime('%w', day) AS INTEGER) + 6) % 7) || ' days')
                           BETWEEN ?4 AND ?5))
             GROUP BY sku, week",
        )?;
        let rows = stmt.query_map(params![from, to, period.store, first_monday, last_monday], |r| {
            Ok((r.get(0)?, day(&r.get::<_, String>(1)?)?, milli(r.get(2)?)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn last_sales(&self, period: &Period) -> Result<Vec<(String, NaiveDate)>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(
            "SELECT sku, MAX(day) FROM roll_products
              WHERE kind = 'sale' AND day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR store = ?3) GROUP BY sku",
        )?;
        let rows = stmt.query_map(params![from, to, period.store], |r| {
            Ok((r.get(0)?, day(&r.get::<_, String>(1)?)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn baskets(&self, period: &Period) -> Result<(Vec<(u32, u32)>, Vec<String>)> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(
            "SELECT l.receipt, l.sku FROM receipt_lines l JOIN receipts r ON r.id = l.receipt
               JOIN shifts s ON s.id = r.shift
              WHERE r.kind = 'sale' AND substr(r.at, 1, 10) BETWEEN ?1 AND ?2 AND (?3 IS NULL OR s.store = ?3)
              ORDER BY l.receipt",
        )?;
        let mut rows = stmt.query(params![from, to, period.store])?;
        let mut skus: Vec<String> = Vec::new();
        let mut numbers: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        let mut pairs = Vec::new();
        let (mut receipt_no, mut last) = (0u32, String::new());
        while let Some(row) = rows.next()? {
            let receipt = row.get_ref(0)?.as_str().unwrap_or_default();
            if receipt != last {
                receipt_no += 1;
                last = receipt.to_owned();
            }
            let sku = row.get_ref(1)?.as_str().unwrap_or_default();
            let number = match numbers.get(sku) {
                Some(n) => *n,
                None => {
                    let n = u32::try_from(skus.len()).unwrap_or(u32::MAX);
                    numbers.insert(sku.to_owned(), n);
                    skus.push(sku.to_owned());
                    n
                }
            };
            pairs.push((receipt_no, number));
        }
        Ok((pairs, skus))
    }

    fn below_cost(&self, period: &Period) -> Result<Vec<LineFact>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(
            "SELECT l.receipt, r.at, l.sku, l.qty, l.amount, l.cogs
               FROM receipt_lines l JOIN receipts r ON r.id = l.receipt JOIN shifts s ON s.id = r.shift
              WHERE substr(r.at, 1, 10) BETWEEN ?1 AND ?2 AND (?3 IS NULL OR s.store = ?3)
                AND r.kind = 'sale' AND l.amount < l.cogs
              ORDER BY r.at_utc, r.id, l.line_no",
        )?;
        let rows = stmt.query_map(params![from, to, period.store], |r| {
            Ok(LineFact {
                receipt: r.get(0)?,
                at: r.get(1)?,
                sku: r.get(2)?,
                qty: milli(r.get(3)?),
                amount: Money::from_kopecks(r.get(4)?),
                cogs: Money::from_kopecks(r.get(5)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn promo_lines(&self, period: &Period) -> Result<Vec<PromoLine>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(
            "SELECT g.promotion, g.receipt, r.kind, l.sku, l.qty, l.amount, l.cogs, g.discount, g.gift
               FROM receipt_line_promotions g JOIN receipt_lines l ON l.receipt = g.receipt AND l.line_no = g.line_no
               JOIN receipts r ON r.id = g.receipt JOIN shifts s ON s.id = r.shift
              WHERE substr(r.at, 1, 10) BETWEEN ?1 AND ?2 AND (?3 IS NULL OR s.store = ?3)
              ORDER BY r.at_utc, g.receipt, g.line_no, g.n",
        )?;
        let rows = stmt.query_map(params![from, to, period.store], |r| {
            Ok(PromoLine {
                promotion: r.get(0)?,
                receipt: r.get(1)?,
                sale: r.get::<_, String>(2)? == "sale",
                sku: r.get(3)?,
                qty: milli(r.get(4)?),
                amount: Money::from_kopecks(r.get(5)?),
                cogs: Money::from_kopecks(r.get(6)?),
                share: Money::from_kopecks(r.get(7)?),
                gift: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn markings(&self, period: &Period) -> Result<Vec<(String, i64, i64)>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(
            "SELECT l.sku, SUM(r.kind = 'sale'), SUM(r.kind = 'return')
               FROM receipt_markings m JOIN receipt_lines l ON l.receipt = m.receipt AND l.line_no = m.line_no
               JOIN receipts r ON r.id = m.receipt JOIN shifts s ON s.id = r.shift
              WHERE substr(r.at, 1, 10) BETWEEN ?1 AND ?2 AND (?3 IS NULL OR s.store = ?3)
              GROUP BY l.sku ORDER BY l.sku",
        )?;
        let rows = stmt.query_map(params![from, to, period.store], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn stock_at(&self, period: &Period, day: Option<NaiveDate>) -> Result<Vec<StockAt>> {
        let through = day.map(|d| d.format("%Y-%m-%d").to_string());
        // SQLite takes the bare avg_end from the row of MAX(booked): the
        // average after the move booked last among the days up to `day`.
        let mut stmt = self.conn().prepare_cached(
            "SELECT store, sku, MAX(booked), avg_end,
                    SUM(received - sold + returned - written_off - to_suppliers + counted)
               FROM stock_days WHERE (?1 IS NULL OR day <= ?1) AND (?2 IS NULL OR store = ?2)
              GROUP BY store, sku",
        )?;
        let rows = stmt.query_map(params![through, period.store], |r| {
            Ok(StockAt {
                store: r.get(0)?,
                sku: r.get(1)?,
                average: decimal(&r.get::<_, String>(3)?)?,
                qty: milli(r.get(4)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn stock_moves(&self, period: &Period) -> Result<Vec<StockMoves>> {
        let (from, to) = period.days();
        let mut stmt = self.conn().prepare_cached(
            "SELECT store, sku, SUM(received), SUM(sold), SUM(returned), SUM(written_off), SUM(to_suppliers), SUM(counted)
               FROM stock_days WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR store = ?3)
              GROUP BY store, sku",
        )?;
        let rows = stmt.query_map(params![from, to, period.store], |r| {
            let mut moved = [Decimal::ZERO; 6];
            for (i, slot) in moved.iter_mut().enumerate() {
                *slot = milli(r.get(2 + i)?);
            }
            Ok(StockMoves {
                store: r.get(0)?,
                sku: r.get(1)?,
                moved,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn cash_before(&self, store: Option<&str>, before: NaiveDate) -> Result<Money> {
        let day = before.format("%Y-%m-%d").to_string();
        let kopecks: i64 = self.conn().query_row(
            "SELECT
               COALESCE((SELECT SUM(CASE WHEN c.reason IS NULL THEN c.amount ELSE -c.amount END)
                           FROM cash_moves c JOIN shifts s ON s.id = c.shift
                          WHERE substr(c.at, 1, 10) < ?1 AND (?2 IS NULL OR s.store = ?2)), 0)
             + COALESCE((SELECT SUM(CASE r.kind WHEN 'sale' THEN p.amount ELSE -p.amount END)
                           FROM payments p JOIN receipts r ON r.id = p.receipt JOIN shifts s ON s.id = r.shift
                          WHERE p.method = 'cash' AND substr(r.at, 1, 10) < ?1 AND (?2 IS NULL OR s.store = ?2)), 0)
             - COALESCE((SELECT SUM(r.change) FROM receipts r JOIN shifts s ON s.id = r.shift
                          WHERE substr(r.at, 1, 10) < ?1 AND (?2 IS NULL OR s.store = ?2)), 0)",
            params![day, store],
            |r| r.get(0),
        )?;
        Ok(Money::from_kopecks(kopecks))
    }
}

/// Every stock move (of a store, or all) through a day (or all), in the
/// order the books applied them: by the seq of each record's event.
pub(crate) fn stock_moves_through(
    conn: &Connection,
    through: Option<&str>,
    store: Option<&str>,
) -> Result<Vec<StockMove>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.seq, l.line_no, s.store, l.sku, r.at, r.kind, l.qty, l.unit_cost, l.unit_cost
           FROM receipt_lines l JOIN receipts r ON r.id = l.receipt JOIN shifts s ON s.id = r.shift
           JOIN products p ON p.sku = l.sku AND p.kind <> 'service'
           JOIN events e ON e.key = 'receipt:' || r.id
          WHERE (?1 IS NULL OR substr(r.at, 1, 10) <= ?1) AND (?2 IS NULL OR s.store = ?2)
         UNION ALL
         SELECT e.seq, l.line_no, d.store, l.sku, d.at, d.kind, l.qty, l.cost, l.unit_cost
           FROM stock_doc_lines l JOIN stock_docs d ON d.kind = l.kind AND d.id = l.doc
           JOIN events e ON e.key = d.kind || ':' || d.id
          WHERE (?1 IS NULL OR substr(d.at, 1, 10) <= ?1) AND (?2 IS NULL OR d.store = ?2)
         UNION ALL
         SELECT e.seq, l.line_no, c.store, l.sku, c.at, 'count', l.delta, NULL, l.unit_cost
           FROM stock_count_lines l JOIN stock_counts c ON c.id = l.count
           JOIN events e ON e.key = 'stock_count:' || c.id
          WHERE (?1 IS NULL OR substr(c.at, 1, 10) <= ?1) AND (?2 IS NULL OR c.store = ?2)
         ORDER BY 1, 2",
    )?;
    let rows = stmt.query_map(params![through, store], |r| {
        let at: String = r.get(4)?;
        let kind: String = r.get(5)?;
        let qty = milli(r.get(6)?);
        let kind = match kind.as_str() {
            "sale" => MoveKind::Sale,
            "return" => MoveKind::Return,
            "supply" => MoveKind::Supply,
            "write_off" => MoveKind::WriteOff,
            "supplier_return" => MoveKind::SupplierReturn,
            _ => MoveKind::Count,
        };
        let in_cost = match kind {
            MoveKind::Return => Some(decimal(&r.get::<_, String>(7)?)?),
            MoveKind::Supply => r.get::<_, Option<i64>>(7)?.map(|c| Money::from_kopecks(c).as_decimal()),
            _ => None,
        };
        let signed = match kind {
            MoveKind::Sale | MoveKind::WriteOff | MoveKind::SupplierReturn => -qty,
            _ => qty,
        };
        Ok(StockMove {
            store: r.get(2)?,
            sku: r.get(3)?,
            day: day(&at)?,
            kind,
            qty: signed,
            in_cost,
            first_cost: decimal(&r.get::<_, String>(8)?)?,
            booked: r.get::<_, i64>(0)? * 100_000 + r.get::<_, i64>(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn receipt_sum(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReceiptSum> {
    Ok(ReceiptSum {
        day: day(&r.get::<_, String>(0)?)?,
        hour: r.get(1)?,
        store: r.get(2)?,
        till: r.get(3)?,
        shift: r.get(4)?,
        cashier: r.get(5)?,
        sale: r.get::<_, String>(6)? == "sale",
        receipts: r.get(7)?,
        total: Money::from_kopecks(r.get(8)?),
        cash: Money::from_kopecks(r.get(9)?),
        card: Money::from_kopecks(r.get(10)?),
        other: Money::from_kopecks(r.get(11)?),
        gross: Money::from_kopecks(r.get(12)?),
        discount: Money::from_kopecks(r.get(13)?),
        items: milli(r.get(14)?),
        discounted_lines: r.get(15)?,
    })
}

/// A `roll_products`-shaped row: day, store, sku, kind, vat, then the sums.
fn product_sum(r: &rusqlite::Row<'_>) -> rusqlite::Result<ProductSum> {
    Ok(ProductSum {
        day: r.get::<_, Option<String>>(0)?.map(|d| day(&d)).transpose()?,
        store: r.get(1)?,
        sku: r.get(2)?,
        sale: r.get::<_, String>(3)? == "sale",
        vat: r.get(4)?,
        lines: r.get(5)?,
        qty: milli(r.get(6)?),
        amount: Money::from_kopecks(r.get(7)?),
        discount: Money::from_kopecks(r.get(8)?),
        cogs: Money::from_kopecks(r.get(9)?),
        vat_amount: Money::from_kopecks(r.get(10)?),
    })
}

const SUMS: &str = "SUM(lines), SUM(qty), SUM(amount), SUM(discount), SUM(cogs), SUM(vat_amount)";

/// The first and last month wholly inside the period (an empty range when none).
fn whole_months(period: &Period) -> (String, String) {
    use chrono::Datelike;
    let first = if period.from.day() == 1 {
        Some(period.from)
    } else {
        period
            .from
            .with_day(1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
    };
    let last = period
        .to
        .succ_opt()
        .filter(|next| next.day() == 1)
        .map_or_else(|| period.to.with_day(1).and_then(|d| d.pred_opt()), |_| Some(period.to));
    match (first, last) {
        (Some(first), Some(last)) if first <= last => {
            (first.format("%Y-%m").to_string(), last.format("%Y-%m").to_string())
        }
        _ => ("9999-99".to_owned(), "0000-00".to_owned()),
    }
}
