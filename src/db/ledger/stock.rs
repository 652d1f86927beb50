//! Stock documents (supply, write-off, supplier return) and the moving
//! average cost of what they move.

use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;

use crate::catalog::Product;
use crate::error::{Error, Result};
use crate::journal::Record;
use crate::money::Money;
use crate::stock::StockDoc;

use super::*;

impl Ledger<'_> {
    /// The product of a stock line `n`, which must be one that is stocked.
    fn stocked_product(&self, n: usize, sku: &str) -> Result<Rc<Product>> {
        let product = self
            .require_product(sku)
            .map_err(|e| in_field(&format!("lines[{n}].sku"), e))?;
        if !product.is_stocked() {
            return Err(Error::invalid(format!(
                "lines[{n}]: {sku} is a service and has no stock"
            )));
        }
        Ok(product)
    }

    /// What a store holds of a product (thousandths) and its average cost.
    fn stock_held(&self, store: &str, product: &Product) -> Result<(i64, Decimal)> {
        let catalogue_cost = product.cost.map_or(Decimal::ZERO, Money::as_decimal);
        if let Some((qty, average, _)) = self.cache.borrow().stock.get(&(store.to_owned(), product.sku.clone())) {
            return Ok((*qty, *average));
        }
        let row: Option<(i64, String)> = self
            .tx
            .prepare_cached("SELECT qty, avg_cost FROM stock WHERE store = ?1 AND sku = ?2")?
            .query_row(params![store, product.sku], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(match row {
            Some((qty, avg)) => (
                qty,
                avg.parse::<Decimal>()
                    .map_err(|_| Error::invalid(format!("the database holds an invalid cost `{avg}`")))?,
            ),
            None => (0, catalogue_cost),
        })
    }

    /// A stock count: each product's stock set to what was found, the
    /// difference moved at the average cost.
    pub(super) fn apply_stock_count(&self, count: &crate::stock::StockCount, record: &Record) -> Result<Applied> {
        let key = format!("stock_count:{}", count.id);
        let line = record.to_line();
        if let Some(applied) = self.already(&key, &line, "stock count", &count.id)? {
            return Ok(applied);
        }
        self.check_period(count.at)?;
        let ctx = |e: Error| e.in_record(format!("stock_count {}", count.id));
        self.require_store(&count.store)
            .map_err(|e| ctx(in_field("store", e)))?;
        self.tx
            .prepare_cached("INSERT INTO stock_counts (id, store, at, at_utc) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![
                count.id,
                count.store,
                count.at.to_string(),
                count.at.epoch_millis()
            ])?;
        for (n, l) in count.lines.iter().enumerate() {
            let product = self.stocked_product(n, &l.sku).map_err(ctx)?;
            if count.lines[..n].iter().any(|earlier| earlier.sku == l.sku) {
                return Err(ctx(Error::invalid(format!("lines[{n}]: {} is counted twice", l.sku))));
            }
            product.check_qty(l.qty).map_err(ctx)?;
            let (held, _) = self.stock_held(&count.store, &product)?;
            let delta = l.qty.milli() - held;
            let unit_cost = self.move_stock(
                &count.store,
                &product,
                delta,
                None,
                (count.at.local_day(), crate::report::facts::MoveKind::Count, n),
            )?;
            self.tx
                .prepare_cached(
                    "INSERT INTO stock_count_lines (count, line_no, sku, counted, delta, unit_cost)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    count.id,
                    n as i64,
                    l.sku,
                    l.qty.milli(),
                    delta,
                    unit_cost.normalize().to_string()
                ])?;
        }
        let day = count.at.local_day().to_string();
        self.append(
            "stock_count",
            &count.id,
            Some(&day),
            Some(&key),
            &line,
            &count.at.to_string(),
        )?;
        Ok(Applied::Written)
    }

    /// Moves stock of a product and keeps its moving average cost; returns
    /// the unit cost the goods moved at. `in_cost` is the cost of incoming
    /// goods (a supply's line, a buyer's return at its sale's cost).
    pub(super) fn move_stock(
        &self,
        store: &str,
        product: &Product,
        delta_milli: i64,
        in_cost: Option<Decimal>,
        moved: (chrono::NaiveDate, crate::report::facts::MoveKind, usize),
    ) -> Result<Decimal> {
        let catalogue_cost = product.cost.map_or(Decimal::ZERO, Money::as_decimal);
        if !product.is_stocked() {
            return Ok(catalogue_cost);
        }
        let key = (store.to_owned(), product.sku.clone());
        let (held, average) = self.stock_held(store, product)?;
        let (unit_cost, new_average) = match in_cost {
            Some(cost) if delta_milli > 0 => {
                let average = if held <= 0 {
                    cost
                } else {
                    let (s, q) = (Decimal::new(held, 3), Decimal::new(delta_milli, 3));
                    moving_average(s, average, q, cost).ok_or_else(|| {
                        Error::invalid(format!("stock of {} in {store} is too large to value", product.sku))
                    })?
                };
                (cost, average)
            }
            _ => (average, average),
        };
        // Written once per product at commit.
        let (day, kind, line) = moved;
        let booked = self.upcoming_seq()? * 100_000 + i64::try_from(line).unwrap_or(99_999);
        let mut cache = self.cache.borrow_mut();
        let shown = if kind == crate::report::facts::MoveKind::Count {
            delta_milli
        } else {
            delta_milli.abs()
        };
        cache
            .rolls
            .add_stock((store, &product.sku, day.to_string()), kind, shown, new_average, booked);
        cache.stock.insert(key, (held + delta_milli, new_average, true));
        Ok(unit_cost)
    }

    pub(super) fn apply_stock_doc(&self, doc: &StockDoc, record: &Record) -> Result<Applied> {
        let key = format!("{}:{}", doc.kind.code(), doc.id);
        let line = record.to_line();
        if let Some(applied) = self.already(&key, &line, "stock document", &doc.id)? {
            return Ok(applied);
        }
        self.check_period(doc.at)?;
        let ctx = |e: Error| e.in_record(format!("{} {}", doc.kind.code(), doc.id));
        self.require_store(&doc.store).map_err(|e| ctx(in_field("store", e)))?;
        self.tx
            .prepare_cached(
                "INSERT INTO stock_docs (kind, id, store, at, at_utc, supplier, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                doc.kind.code(),
                doc.id,
                doc.store,
                doc.at.to_string(),
                doc.at.epoch_millis(),
                doc.supplier,
                doc.reason
            ])?;
        for (n, l) in doc.lines.iter().enumerate() {
            let product = self.stocked_product(n, &l.sku).map_err(ctx)?;
            product.check_qty(l.qty).map_err(ctx)?;
            let delta = doc.kind.direction() * l.qty.milli();
            let in_cost = l.cost.filter(|_| delta > 0).map(Money::as_decimal);
            let kind = match doc.kind.code() {
                "supply" => crate::report::facts::MoveKind::Supply,
                "write_off" => crate::report::facts::MoveKind::WriteOff,
                _ => crate::report::facts::MoveKind::SupplierReturn,
            };
            let unit_cost = self.move_stock(&doc.store, &product, delta, in_cost, (doc.at.local_day(), kind, n))?;
            self.tx
                .prepare_cached(
                    "INSERT INTO stock_doc_lines (kind, doc, line_no, sku, qty, cost, unit_cost)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    doc.kind.code(),
                    doc.id,
                    n as i64,
                    l.sku,
                    l.qty.milli(),
                    l.cost.map(Money::kopecks),
                    unit_cost.normalize().to_string()
                ])?;
        }
        let day = doc.at.local_day().to_string();
        self.append(
            doc.kind.code(),
            &doc.id,
            Some(&day),
            Some(&key),
            &line,
            &doc.at.to_string(),
        )?;
        Ok(Applied::Written)
    }
}

/// (s·a + q·c) ÷ (s + q), or `None` if it does not fit a decimal.
pub(crate) fn moving_average(held: Decimal, average: Decimal, added: Decimal, cost: Decimal) -> Option<Decimal> {
    let value = held.checked_mul(average)?.checked_add(added.checked_mul(cost)?)?;
    value.checked_div(held.checked_add(added)?)
}
