//! Receipts: sales and returns, their lines, payments, stock and cost.

use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;

use crate::db::read::{self};
use crate::error::{Error, Result};
use crate::journal::Record;
use crate::money::{Money, Qty};
use crate::sale::{PaymentMethod, Receipt, ReceiptKind};

use super::*;
use crate::db::rollups::{LineRoll, ReceiptRoll};
use crate::report::facts::MoveKind;

impl Ledger<'_> {
    pub(super) fn apply_receipt(&self, receipt: Receipt) -> Result<Applied> {
        let draft = receipt.draft();
        let id = draft.id.clone();
        let ctx = |e: Error| e.in_record(format!("receipt {id}"));
        let info = self.shift(&draft.shift)?.ok_or_else(|| {
            ctx(in_field(
                "shift",
                Error::NotFound {
                    what: "shift",
                    id: draft.shift.clone(),
                },
            ))
        })?;
        // The journal's `cashier?` defaults to the shift's; the books record it.
        let cashier = draft.cashier.clone().unwrap_or_else(|| info.cashier.clone());
        let record = Record::Receipt(receipt.with_cashier(cashier.clone()));
        let line = record.to_line();
        let Record::Receipt(receipt) = record else {
            return Ok(Applied::Unchanged);
        };
        let draft = receipt.draft();
        let key = format!("receipt:{id}");
        if let Some(applied) = self.already(&key, &line, "receipt", &id)? {
            return Ok(applied);
        }
        self.check_period(draft.at)?;
        check_open(&draft.shift, &info, draft.at).map_err(ctx)?;
        self.require_employee(&cashier)
            .map_err(|e| ctx(in_field("cashier", e)))?;
        let mut products = Vec::with_capacity(draft.lines.len());
        for (n, line) in draft.lines.iter().enumerate() {
            let product = self
                .require_product(&line.sku)
                .map_err(|e| ctx(in_field(&format!("lines[{n}].sku"), e)))?;
            product.check_qty(line.qty).map_err(ctx)?;
            products.push(product);
        }
        if let Some(buyer) = &draft.buyer {
            if draft.kind != ReceiptKind::Sale {
                return Err(ctx(in_field("buyer", Error::invalid("only a sale names a buyer"))));
            }
            if read::counterparty(&self.tx, buyer)?.is_none() {
                return Err(ctx(in_field(
                    "buyer",
                    Error::NotFound {
                        what: "counterparty",
                        id: buyer.clone(),
                    },
                )));
            }
        }
        if draft.kind == ReceiptKind::Return {
            let refund = receipt.net_by(PaymentMethod::Cash);
            if refund.is_positive() {
                self.ensure_cash(&draft.shift, draft.at, refund, crate::error::Outflow::CashRefund)
                    .map_err(ctx)?;
            }
        }
        if let Some(sale) = &draft.return_of {
            self.check_return(&receipt, sale).map_err(|e| match e {
                Error::NotFound { .. } => ctx(in_field("return_of", e)),
                other => ctx(other),
            })?;
        }
        self.tx
            .prepare_cached(
                "INSERT INTO receipts (id, shift, at, at_utc, kind, cashier, return_of, total, change, buyer)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                id,
                draft.shift,
                draft.at.to_string(),
                draft.at.epoch_millis(),
                draft.kind.code(),
                cashier,
                draft.return_of,
                receipt.total().kopecks(),
                receipt.change().kopecks(),
                draft.buyer
            ])?;
        let day_of_sale = draft.at.local_day();
        let mut rolled = Vec::with_capacity(draft.lines.len());
        for (n, (line, product)) in draft.lines.iter().zip(&products).enumerate() {
            let unit_cost = match draft.kind {
                ReceiptKind::Sale => self.move_stock(
                    &info.store,
                    product,
                    -line.qty.milli(),
                    None,
                    (day_of_sale, MoveKind::Sale, n),
                )?,
                ReceiptKind::Return => {
                    let sale_cost = match &draft.return_of {
                        Some(sale) => self.sale_unit_cost(sale, &line.sku)?,
                        None => None,
                    };
                    self.move_stock(
                        &info.store,
                        product,
                        line.qty.milli(),
                        sale_cost,
                        (day_of_sale, MoveKind::Return, n),
                    )?
                }
            };
            // A return takes the rate its sale was made at.
            let vat = match &draft.return_of {
                Some(sale) if draft.kind == ReceiptKind::Return => self.sale_line_vat(sale, &line.sku)?,
                _ => None,
            }
            .unwrap_or_else(|| product.vat.code().to_owned());
            // The line's cost of goods, fixed now.
            let cogs = Money::round(line.qty.as_decimal() * unit_cost).kopecks();
            self.tx
                .prepare_cached(
                    "INSERT INTO receipt_lines (receipt, line_no, sku, qty, price, discount, amount, unit_cost, vat, cogs)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
                .execute(params![
                    id,
                    n as i64,
                    line.sku,
                    line.qty.milli(),
                    line.price.kopecks(),
                    line.discount.kopecks(),
                    line.amount().kopecks(),
                    unit_cost.normalize().to_string(),
                    vat,
                    cogs
                ])?;
            rolled.push((vat, cogs));
            for (k, share) in line.promotions.iter().enumerate() {
                self.tx
                    .prepare_cached(
                        "INSERT INTO receipt_line_promotions (receipt, line_no, n, promotion, discount, gift)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        id,
                        n as i64,
                        k as i64,
                        &*share.promotion,
                        share.discount.kopecks(),
                        line.gift
                    ])?;
            }
        }
        // Marked packs: a sale takes a pack not sold already (by GTIN and
        // serial); a return brings one back.
        let markings: Vec<(usize, String)> = draft
            .lines
            .iter()
            .enumerate()
            .filter_map(|(n, line)| line.marking.clone().map(|code| (n, code)))
            .collect();
        if draft.kind == ReceiptKind::Sale {
            for (n, code) in &markings {
                if self.marking_sold(code)? {
                    let product = products.get(*n).map(|p| p.name.clone()).unwrap_or_default();
                    return Err(ctx(in_field(
                        &format!("lines[{n}].marking"),
                        Error::MarkingSold { product },
                    )));
                }
            }
        }
        self.record_markings(&id, &markings)?;
        let mut insert = self
            .tx
            .prepare_cached("INSERT INTO payments (receipt, n, method, amount) VALUES (?1, ?2, ?3, ?4)")?;
        for (n, payment) in draft.payments.iter().enumerate() {
            insert.execute(params![id, n as i64, payment.method.code(), payment.amount.kopecks()])?;
        }
        let cash = Money::sum(
            draft
                .payments
                .iter()
                .filter(|p| p.method == PaymentMethod::Cash)
                .map(|p| p.amount),
        );
        let flow = match draft.kind {
            ReceiptKind::Sale => cash.kopecks() - receipt.change().kopecks(),
            ReceiptKind::Return => -cash.kopecks() - receipt.change().kopecks(),
        };
        self.drawer_flow(&draft.shift, draft.at, flow)?;
        let by = |method: PaymentMethod| {
            Money::sum(draft.payments.iter().filter(|p| p.method == method).map(|p| p.amount)).kopecks()
        };
        let lines: Vec<LineRoll<'_>> = draft
            .lines
            .iter()
            .zip(&products)
            .zip(&rolled)
            .map(|((line, product), (vat, cogs))| LineRoll {
                sku: &line.sku,
                vat,
                qty_milli: line.qty.milli(),
                amount: line.amount().kopecks(),
                discount: line.discount.kopecks(),
                cogs: *cogs,
                weighed: product.unit != crate::catalog::Unit::Pcs,
            })
            .collect();
        self.cache.borrow_mut().rolls.add_receipt(
            &ReceiptRoll {
                day: day_of_sale.to_string(),
                hour: i64::from(chrono::Timelike::hour(&draft.at.time())),
                store: &info.store,
                till: &info.till,
                shift: &draft.shift,
                cashier: &cashier,
                sale: draft.kind == ReceiptKind::Sale,
                total: receipt.total().kopecks(),
                methods: [
                    by(PaymentMethod::Cash) - receipt.change().kopecks(),
                    by(PaymentMethod::Card),
                    by(PaymentMethod::Other),
                ],
            },
            &lines,
        );
        let day = info.opened_at.local_day().to_string();
        self.append("receipt", &id, Some(&day), Some(&key), &line, &draft.at.to_string())?;
        Ok(Applied::Written)
    }

    /// A journal's `fiscal` record: the receipt's requisites, once; the
    /// same again changes nothing, other numbers for it are a conflict.
    pub(super) fn apply_fiscal(&mut self, record: &crate::journal::FiscalRecord) -> Result<Applied> {
        let line = crate::journal::Record::Fiscal(record.clone()).to_line();
        let key = format!("fiscal:{}", record.receipt);
        if let Some(applied) = self.already(&key, &line, "fiscal", &record.receipt)? {
            return Ok(applied);
        }
        let ctx = |e: Error| e.in_record("fiscal");
        let Some((at, store, till, cashier)) = self
            .tx()
            .prepare_cached(
                "SELECT r.at, s.store, s.till, r.cashier FROM receipts r JOIN shifts s ON s.id = r.shift WHERE r.id = ?1",
            )?
            .query_row(params![record.receipt], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
            })
            .optional()?
        else {
            return Err(ctx(in_field(
                "receipt",
                Error::NotFound {
                    what: "receipt",
                    id: record.receipt.clone(),
                },
            )));
        };
        self.check_period(crate::clock::At::parse(&at)?).map_err(ctx)?;
        // A receipt imported from another till was never queued here.
        self.tx
            .prepare_cached(
                "INSERT INTO fiscal_queue (receipt, store, till, cashier) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (receipt) DO NOTHING",
            )?
            .execute(params![record.receipt, store, till, cashier])?;
        self.write_fiscal(record, false)?;
        Ok(Applied::Written)
    }

    /// The VAT rate a sale's line of `sku` was sold at.
    fn sale_line_vat(&self, sale: &str, sku: &str) -> Result<Option<String>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT vat FROM receipt_lines WHERE receipt = ?1 AND sku = ?2 AND vat IS NOT NULL LIMIT 1",
            )?
            .query_row(params![sale, sku], |r| r.get(0))
            .optional()?)
    }

    pub(super) fn sale_unit_cost(&self, sale: &str, sku: &str) -> Result<Option<Decimal>> {
        let cost: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT unit_cost FROM receipt_lines WHERE receipt = ?1 AND sku = ?2 ORDER BY line_no LIMIT 1",
            )?
            .query_row(params![sale, sku], |r| r.get(0))
            .optional()?;
        Ok(cost.and_then(|c| c.parse().ok()))
    }

    /// A return may take back no more than the sale sold less earlier
    /// returns, and refund each method no more than it brought in.
    pub(super) fn check_return(&self, receipt: &Receipt, sale: &str) -> Result<()> {
        let found: Option<(String, String, i64)> = self
            .tx
            .prepare_cached("SELECT kind, at, at_utc FROM receipts WHERE id = ?1")?
            .query_row(params![sale], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        match found {
            None => {
                return Err(Error::NotFound {
                    what: "sale receipt",
                    id: sale.to_owned(),
                })
            }
            Some((kind, _, _)) if kind != "sale" => {
                return Err(Error::invalid(format!("return_of: {sale} is not a sale receipt")))
            }
            Some((_, sold_at, sold_utc)) if receipt.draft().at.epoch_millis() < sold_utc => {
                return Err(Error::invalid(format!(
                    "at: the return comes before its sale {sale} at {sold_at}"
                )))
            }
            Some(_) => {}
        }
        let mut asked: Vec<(&str, i64)> = Vec::new();
        for line in &receipt.draft().lines {
            match asked.iter_mut().find(|(sku, _)| *sku == line.sku) {
                Some(entry) => entry.1 += line.qty.milli(),
                None => asked.push((&line.sku, line.qty.milli())),
            }
        }
        for (sku, milli) in asked {
            let (sold, returned) = read::returnable(&self.tx, sale, sku)?;
            if milli > sold - returned {
                return Err(Error::ReturnExceedsSale {
                    sku: sku.to_owned(),
                    requested: Qty::from_milli(milli).unwrap_or(Qty::ONE),
                    available: Qty::from_milli(sold - returned).map_or_else(|| "0".to_owned(), |q| q.to_string()),
                    sale: sale.to_owned(),
                });
            }
        }
        for method in PaymentMethod::ALL {
            let refund = Money::sum(
                receipt
                    .draft()
                    .payments
                    .iter()
                    .filter(|p| p.method == *method)
                    .map(|p| p.amount),
            );
            if refund.is_zero() {
                continue;
            }
            let (paid, refunded) = read::refundable(&self.tx, sale, *method)?;
            if refund > paid - refunded {
                return Err(Error::invalid(format!(
                    "refund of {refund} by {method} exceeds the {} paid by {method} on sale {sale} and not yet refunded",
                    paid - refunded
                )));
            }
        }
        Ok(())
    }
}
