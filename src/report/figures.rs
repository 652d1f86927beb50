//! The conventions of shared/spec/reports.md, once: sums of receipts and
//! lines, average check, shares, margins, the moving average cost.

use std::collections::HashMap;

use rust_decimal::{Decimal, RoundingStrategy};

use super::facts::{LineFact, MoveKind, ProductFact, ReceiptFact, StockMove};
use super::{Cell, Column, ColumnType};
use crate::money::{Money, VatRate};

/// Half up to `places`.
pub(super) fn round(value: Decimal, places: u32) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    // Shown with all its places: `10.00` hours, not `10`.
    rounded.rescale(places);
    rounded
}

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
}

impl Checks {
    pub(super) fn add(&mut self, r: &ReceiptFact) {
        if r.sale {
            self.receipts += 1;
            self.sales += r.total;
        } else {
            self.returns_count += 1;
            self.returns += r.total;
        }
    }
    pub(super) fn net(&self) -> Money {
        self.sales - self.returns
    }
    pub(super) fn average(&self) -> Money {
        average_check(self.sales, self.receipts)
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
    pub(super) items: Decimal,
    pub(super) vat: Money,
    pub(super) discounted_lines: i64,
}

impl Lines {
    pub(super) fn add(&mut self, l: &LineFact, unit: &str) {
        if l.sale {
            self.gross += l.gross();
            self.discounts += l.discount;
            self.sales += l.amount;
            self.qty_sold += l.qty;
            self.cogs_sales += l.cogs();
            self.items += if unit == "pcs" { l.qty } else { Decimal::ONE };
            self.vat += vat_of(l);
            if l.discount.is_positive() {
                self.discounted_lines += 1;
            }
        } else {
            self.returns += l.amount;
            self.qty_returned += l.qty;
            self.cogs_returns += l.cogs();
            self.vat -= vat_of(l);
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

/// The VAT inside a line's amount at the rate it was booked at.
pub(super) fn vat_of(l: &LineFact) -> Money {
    VatRate::from_code(&l.vat).map_or(Money::ZERO, |rate| rate.extract(l.amount))
}

/// Sums of lines by a key, with each product's unit for items.
pub(super) fn lines_by<K: std::hash::Hash + Eq + Ord + Clone>(
    lines: &[LineFact],
    units: &HashMap<String, &ProductFact>,
    key: impl Fn(&LineFact) -> Option<K>,
) -> Vec<(K, Lines)> {
    let mut sums: HashMap<K, Lines> = HashMap::new();
    for l in lines {
        if let Some(k) = key(l) {
            let unit = units.get(&l.sku).map_or("pcs", |p| p.unit.as_str());
            sums.entry(k).or_default().add(l, unit);
        }
    }
    let mut sums: Vec<_> = sums.into_iter().collect();
    sums.sort_by(|a, b| a.0.cmp(&b.0));
    sums
}

/// Sums of receipts by a key, in key order.
pub(super) fn checks_by<K: std::hash::Hash + Eq + Ord + Clone>(
    receipts: &[ReceiptFact],
    key: impl Fn(&ReceiptFact) -> K,
) -> Vec<(K, Checks)> {
    let mut sums: HashMap<K, Checks> = HashMap::new();
    for r in receipts {
        sums.entry(key(r)).or_default().add(r);
    }
    let mut sums: Vec<_> = sums.into_iter().collect();
    sums.sort_by(|a, b| a.0.cmp(&b.0));
    sums
}

/// Stock of one product in one store: quantity and moving average cost.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Held {
    pub(super) qty: Decimal,
    pub(super) average: Decimal,
}

impl Held {
    /// Applies a move as the books do (shared/spec/reports.md, cost).
    pub(super) fn apply(&mut self, m: &StockMove) {
        if let (Some(cost), true) = (m.in_cost, m.qty > Decimal::ZERO) {
            self.average = if self.qty <= Decimal::ZERO {
                cost
            } else {
                let held = self.qty;
                (held * self.average + m.qty * cost)
                    .checked_div(held + m.qty)
                    .unwrap_or(self.average)
            };
        }
        self.qty += m.qty;
    }
    pub(super) fn value(&self) -> Money {
        Money::round(self.qty * self.average)
    }
}

/// Stock per (store, sku) after the moves through `through` (all moves
/// when `None`); starts at the catalogue cost.
pub(super) fn stock_at(
    moves: &[StockMove],
    products: &HashMap<String, &ProductFact>,
    through: Option<chrono::NaiveDate>,
) -> HashMap<(String, String), Held> {
    let mut held: HashMap<(String, String), Held> = HashMap::new();
    for m in moves.iter().filter(|m| through.is_none_or(|d| m.day <= d)) {
        held.entry((m.store.clone(), m.sku.clone()))
            .or_insert_with(|| Held {
                qty: Decimal::ZERO,
                average: products.get(&m.sku).map_or(Decimal::ZERO, |p| p.cost),
            })
            .apply(m);
    }
    held
}

/// Per sku over the stores: quantity and value.
pub(super) fn stock_by_sku(held: &HashMap<(String, String), Held>) -> HashMap<String, (Decimal, Money)> {
    let mut by_sku: HashMap<String, (Decimal, Money)> = HashMap::new();
    for ((_, sku), h) in held {
        let entry = by_sku.entry(sku.clone()).or_insert((Decimal::ZERO, Money::ZERO));
        entry.0 += h.qty;
        entry.1 += h.value();
    }
    by_sku
}

/// Which kind a move is, for the movement report's columns.
pub(super) fn move_column(kind: MoveKind) -> usize {
    match kind {
        MoveKind::Supply => 0,
        MoveKind::Sale => 1,
        MoveKind::Return => 2,
        MoveKind::WriteOff => 3,
        MoveKind::SupplierReturn => 4,
        MoveKind::Count => 5,
    }
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
