//! Promotions (акции): rules as the journal defines them, when each is in
//! force, and the pure pricing engine ([`engine`]) that applies them to a
//! basket.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use crate::catalog::require_text;
use crate::error::{Error, Result};
use crate::money::{Money, Percent};

pub mod engine;

pub use engine::{price, BasketLine, Gift, LinePricing, Pricing, PromoShare};

/// Where a promotion runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromoStores {
    /// Every store of the chain.
    All,
    /// The listed stores.
    Only(Vec<String>),
}

/// What a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One product.
    Sku(String),
    /// A category.
    Category(String),
    /// The whole receipt.
    Receipt,
}

/// A promotion rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// For every `n` units bought the buyer pays for `m`.
    NForM {
        /// Product or category (never the whole receipt).
        target: Target,
        /// Units bought.
        n: u32,
        /// Units paid.
        m: u32,
    },
    /// Percentage off.
    Percent {
        /// What it applies to.
        target: Target,
        /// How much.
        pct: Percent,
    },
    /// Percentage off the receipt from a total.
    Threshold {
        /// Total that triggers it.
        min_total: Money,
        /// How much.
        pct: Percent,
    },
    /// A gift unit at price 0 from a total.
    Gift {
        /// Total that triggers it.
        min_total: Money,
        /// The gift.
        gift_sku: String,
    },
    /// A set bought together for a price.
    Bundle {
        /// The set (at least two products).
        skus: Vec<String>,
        /// Price of the set.
        price: Money,
    },
}

impl Rule {
    /// The journal's name of the rule kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Rule::NForM { .. } => "n_for_m",
            Rule::Percent { .. } => "percent",
            Rule::Threshold { .. } => "threshold",
            Rule::Gift { .. } => "gift",
            Rule::Bundle { .. } => "bundle",
        }
    }

    /// Products the rule names, each with its field, for reference checks.
    pub fn skus(&self) -> Vec<(String, &str)> {
        match self {
            Rule::NForM {
                target: Target::Sku(s), ..
            }
            | Rule::Percent {
                target: Target::Sku(s), ..
            } => vec![("rule.sku".to_owned(), s.as_str())],
            Rule::Gift { gift_sku, .. } => vec![("rule.gift_sku".to_owned(), gift_sku.as_str())],
            Rule::Bundle { skus, .. } => skus
                .iter()
                .enumerate()
                .map(|(n, s)| (format!("rule.skus[{n}]"), s.as_str()))
                .collect(),
            _ => vec![],
        }
    }
}

/// A promotion with its validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promotion {
    /// Journal id.
    pub id: String,
    /// Name shown on the receipt.
    pub name: String,
    /// Stores.
    pub stores: PromoStores,
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// ISO weekdays 1–7.
    pub days: Vec<u8>,
    /// Local time window, minutes from midnight: start inclusive, end
    /// exclusive. A window that ends before it starts runs past midnight
    /// (`22:00-02:00`); its small hours belong to the day it started.
    pub hours: (u16, u16),
    /// Lower applies first.
    pub priority: i64,
    /// Stops later rules on the lines it touched.
    pub exclusive: bool,
    /// The rule.
    pub rule: Rule,
}

impl Promotion {
    /// Whether the promotion runs in `store` at local time `at`.
    pub fn in_force(&self, store: &str, at: NaiveDateTime) -> bool {
        let minute = (at.hour() * 60 + at.minute()) as u16;
        let (start, end) = self.hours;
        let day = if start < end {
            if minute < start || minute >= end {
                return false;
            }
            at.date()
        } else if minute >= start {
            at.date()
        } else if minute < end {
            // 01:00 of a 22:00-02:00 window is still the evening before.
            match at.date().pred_opt() {
                Some(day) => day,
                None => return false,
            }
        } else {
            return false;
        };
        let store_ok = match &self.stores {
            PromoStores::All => true,
            PromoStores::Only(stores) => stores.iter().any(|s| s == store),
        };
        store_ok
            && self.from <= day
            && day <= self.to
            && self.days.contains(&(day.weekday().number_from_monday() as u8))
    }

    /// Checks the promotion's own rules.
    pub fn validate(&self) -> Result<()> {
        require_text("id", &self.id)?;
        require_text("name", &self.name)?;
        if self.to < self.from {
            return Err(Error::invalid(format!("to {} is before from {}", self.to, self.from)));
        }
        if self.days.is_empty() || self.days.iter().any(|d| !(1..=7).contains(d)) {
            return Err(Error::invalid("days must be ISO weekdays 1 to 7"));
        }
        for (n, day) in self.days.iter().enumerate() {
            if self.days[..n].contains(day) {
                return Err(Error::invalid(format!("days: weekday {day} is listed twice")));
            }
        }
        if self.hours.0 == self.hours.1 {
            return Err(Error::invalid(format!(
                "hours: the window {} is empty (00:00-24:00 is the whole day)",
                format_hours(self.hours)
            )));
        }
        if let PromoStores::Only(stores) = &self.stores {
            if stores.is_empty() {
                return Err(Error::invalid("stores must be \"all\" or a non-empty list"));
            }
        }
        match &self.rule {
            Rule::NForM { n, m, target } => {
                if *m == 0 || n <= m {
                    return Err(Error::invalid(format!(
                        "rule: n ({n}) must be greater than m ({m}) ≥ 1"
                    )));
                }
                if *target == Target::Receipt {
                    return Err(Error::invalid("rule: n_for_m needs a sku or a category"));
                }
            }
            Rule::Percent { pct, .. } | Rule::Threshold { pct, .. }
                if pct.as_decimal().is_zero() || *pct > Percent::HUNDRED =>
            {
                return Err(Error::invalid(format!(
                    "rule: pct {pct} must be greater than 0 and at most 100"
                )));
            }
            Rule::Threshold { min_total, .. } | Rule::Gift { min_total, .. } if min_total.is_negative() => {
                return Err(Error::invalid("rule: min_total must not be negative"));
            }
            Rule::Bundle { skus, price } => {
                if skus.len() < 2 {
                    return Err(Error::invalid("rule: a bundle needs at least two skus"));
                }
                if !price.is_positive() {
                    return Err(Error::invalid(
                        "rule: a bundle's price must be greater than 0.00 (a free item is a gift)",
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

impl<'a> BasketLine<'a> {
    /// A line of `qty` of a product card, less the cashier's discount.
    pub fn of(product: &'a crate::catalog::Product, qty: crate::money::Qty, manual_discount: Money) -> BasketLine<'a> {
        BasketLine {
            sku: &product.sku,
            category: product.category.as_deref(),
            qty,
            price: product.price,
            manual_discount,
            by_piece: product.unit == crate::catalog::Unit::Pcs,
        }
    }
}

/// A promotion as the books keep it: the rule, and whether it is in force
/// (an owner can switch it off without losing it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromotionCard {
    /// The promotion.
    pub promotion: Promotion,
    /// Switched on.
    pub enabled: bool,
}

/// Parses `"HH:MM-HH:MM"` (end may be `24:00`) into minutes.
pub fn parse_hours(text: &str) -> Result<(u16, u16)> {
    let bad = || Error::invalid(format!("hours: `{text}` is not a window like 09:00-21:00"));
    let minutes = |part: &str| -> Option<u16> {
        let (h, m) = part.split_once(':')?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
    };
    let (start, end) = text.split_once('-').ok_or_else(bad)?;
    let (start, end) = (minutes(start).ok_or_else(bad)?, minutes(end).ok_or_else(bad)?);
    if start == 1440 {
        return Err(bad());
    }
    Ok((start, end))
}

/// Formats minutes back to `"HH:MM-HH:MM"`.
pub fn format_hours((start, end): (u16, u16)) -> String {
    format!("{:02}:{:02}-{:02}:{:02}", start / 60, start % 60, end / 60, end % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hour_windows() {
        assert_eq!(parse_hours("00:00-24:00").expect("valid"), (0, 1440));
        assert_eq!(format_hours((540, 1260)), "09:00-21:00");
        for bad in ["9:00-21:00", "09:00", "25:00-26:00", "09:60-10:00", "24:30-24:40"] {
            assert!(parse_hours(bad).is_err(), "{bad}");
        }
    }
}
