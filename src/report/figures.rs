//! The conventions of shared/spec/reports.md, once: sums of receipts and
//! lines, average check, shares, margins, the moving average cost.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::facts::{ProductSum, ReceiptSum, StockAt};
use super::{Cell, Column, ColumnType};
use crate::money::Money;

/// Half up to `places`, shown with all of them (`10.00` hours, not `10`).
pub(super) use crate::money::round_half_up as round;

/// part ÷ whole × 100, 2 places; `None` when whole is 0.
pub(super) fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    (!whole.is_zero()).then(|| round(part * Decimal::ONE_HUNDRED / whole, 2))
}

/// part ÷ whole at `places`; `None` when whole is 0.
pub(super) fn ratio(part: Decimal, whole: Decimal, places: u32) -> Option<Decimal> {
    (!whole.is_zero()).then(|| round(part / whole, places))
}

/// sales ÷ receipts, half up to kopecks; 0.00 with no receipts.
pub(super) fn average_check(sales: Money, receipts: i64) -> Money {
    if receipts == 0 {
        Money::ZERO
    } else {
        Money::round(sales.as_decimal() / Decimal::from(receipts))
    }
}

/// Receipt-level sums.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Checks {
    pub(super) receipts: i64,
    pub(super) sales: Money,
    pub(super) returns_count: i64,
    pub(super) returns: Money,
    pub(super) gross: Money,
    pub(super) discounts: Money,
    pub(super) items: Decimal,
    pub(super) discounted_lines: i64,
    /// Cash (net of change), card, other: received for sales, paid back for returns.
    pub(super) methods: [(Money, Money); 3],
}

impl Checks {
    pub(super) fn add(&mut self, r: &ReceiptSum) {
        let methods = [r.cash, r.card, r.other];
        if r.sale {
            self.receipts += r.receipts;
            self.sales += r.total;
            self.gross += r.gross;
            self.discounts += r.discount;
            self.items += r.items;
            self.discounted_lines += r.discounted_lines;
            for (sum, m) in self.methods.iter_mut().zip(methods) {
                sum.0 += m;
            }
        } else {
            self.returns_count += r.receipts;
            self.returns += r.total;
            for (sum, m) in self.methods.iter_mut().zip(methods) {
                sum.1 += m;
            }
        }
    }
    pub(super) fn net(&self) -> Money {
        self.sales - self.returns
    }
    pub(super) fn average(&self) -> Money {
        average_check(self.sales, self.receipts)
    }
    /// Net by method: cash, card, other.
    pub(super) fn net_by(&self, method: usize) -> Money {
        self.methods.get(method).map_or(Money::ZERO, |(s, r)| *s - *r)
    }
}

/// Line-level sums.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Lines {
    pub(super) gross: Money,
    pub(super) discounts: Money,
    pub(super) sales: Money,
    pub(super) returns: Money,
    pub(super) qty_sold: Decimal,
    pub(super) qty_returned: Decimal,
    pub(super) cogs_sales: Money,
    pub(super) cogs_returns: Money,
    pub(super) vat: Money,
}

impl Lines {
    pub(super) fn add(&mut self, l: &ProductSum) {
        if l.sale {
            self.gross += l.amount + l.discount;
            self.discounts += l.discount;
            self.sales += l.amount;
            self.qty_sold += l.qty;
            self.cogs_sales += l.cogs;
            self.vat += l.vat_amount;
        } else {
            self.returns += l.amount;
            self.qty_returned += l.qty;
            self.cogs_returns += l.cogs;
            self.vat -= l.vat_amount;
        }
    }
    pub(super) fn net(&self) -> Money {
        self.sales - self.returns
    }
    pub(super) fn net_qty(&self) -> Decimal {
        self.qty_sold - self.qty_returned
    }
    pub(super) fn net_cogs(&self) -> Money {
        self.cogs_sales - self.cogs_returns
    }
    pub(super) fn profit(&self) -> Money {
        self.net() - self.net_cogs()
    }
    pub(super) fn markup(&self) -> Option<Decimal> {
        percent(self.profit().as_decimal(), self.net_cogs().as_decimal())
    }
    pub(super) fn margin(&self) -> Option<Decimal> {
        percent(self.profit().as_decimal(), self.net().as_decimal())
    }
}

/// Product sums by a key, in key order.
pub(super) fn lines_by<K: std::hash::Hash + Eq + Ord + Clone>(
    sums: &[ProductSum],
    key: impl Fn(&ProductSum) -> Option<K>,
) -> Vec<(K, Lines)> {
    let mut by: HashMap<K, Lines> = HashMap::new();
    for l in sums {
        if let Some(k) = key(l) {
            by.entry(k).or_default().add(l);
        }
    }
    let mut by: Vec<_> = by.into_iter().collect();
    by.sort_by(|a, b| a.0.cmp(&b.0));
    by
}

/// Receipt sums by a key, in key order.
pub(super) fn checks_by<K: std::hash::Hash + Eq + Ord + Clone>(
    sums: &[ReceiptSum],
    key: impl Fn(&ReceiptSum) -> K,
) -> Vec<(K, Checks)> {
    let mut by: HashMap<K, Checks> = HashMap::new();
    for r in sums {
        by.entry(key(r)).or_default().add(r);
    }
    let mut by: Vec<_> = by.into_iter().collect();
    by.sort_by(|a, b| a.0.cmp(&b.0));
    by
}

/// Per sku over the stores: quantity, value (each store's
/// round(qty × average), summed) and the exact value (unrounded).
pub(super) fn stock_by_sku(stock: &[StockAt]) -> HashMap<String, (Decimal, Money, Decimal)> {
    let mut by_sku: HashMap<String, (Decimal, Money, Decimal)> = HashMap::new();
    for s in stock {
        let entry = by_sku
            .entry(s.sku.clone())
            .or_insert((Decimal::ZERO, Money::ZERO, Decimal::ZERO));
        entry.0 += s.qty;
        entry.1 += Money::round(s.qty * s.average);
        entry.2 += s.qty * s.average;
    }
    by_sku
}

/// The totals row: the named columns summed, the first column «Итого».
pub(super) fn totals_row(columns: &[Column], rows: &[Vec<Cell>], summed: &[&str]) -> Vec<Cell> {
    columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            if i == 0 {
                return Cell::Text("Итого".into());
            }
            if !summed.contains(&column.name) {
                return Cell::Empty;
            }
            let cells = rows.iter().filter_map(|r| r.get(i));
            match column.kind {
                ColumnType::Money => Cell::Money(Money::sum(cells.filter_map(|c| match c {
                    Cell::Money(m) => Some(*m),
                    _ => None,
                }))),
                ColumnType::Qty => Cell::Qty(
                    cells
                        .filter_map(|c| match c {
                            Cell::Qty(q) => Some(*q),
                            _ => None,
                        })
                        .sum(),
                ),
                ColumnType::Count => Cell::Count(
                    cells
                        .filter_map(|c| match c {
                            Cell::Count(n) => Some(*n),
                            _ => None,
                        })
                        .sum(),
                ),
                _ => Cell::Empty,
            }
        })
        .collect()
}
