//! The pricing engine: a basket, the promotions, a store and a local time
//! in; each line's discount, the promotions behind it and the gifts out.
//! Pure: no clock, no database, no I/O. The till feeds it on every change
//! of the cart; `kassa price` feeds it a basket from a file.
//!
//! How the rules combine (the journal spec's "Promotions", made exact):
//! - Each line starts at its amount after the cashier's manual discount.
//!   Promotions work on what is left, so a manual discount never makes a
//!   promotion give more than the line, the cashier's limit is measured on
//!   the gross the cashier sees, and reports can tell the two apart.
//! - Rules in force apply one after another in ascending `priority` (then
//!   id), each to the amounts the earlier ones left.
//! - A line-level rule (`n_for_m`, `percent` on a sku or category) rounds
//!   each line's discount to the kopeck on its own. A receipt-level rule
//!   (`percent` on the receipt, `threshold`) and a `bundle` work out one
//!   discount and spread it over their lines in proportion to the lines'
//!   amounts, the remainder to the largest line, so Σ line discounts equals
//!   the rule's discount exactly.
//! - `threshold` and `gift` look at the receipt's total after the earlier
//!   rules. A gift is one unit, once per receipt per promotion.
//! - An `exclusive` rule that gives anything locks the lines it applied
//!   to: every line whose units or amount counted (for `n_for_m`, the paid
//!   units of a group too), whatever its own share, so splitting the same
//!   goods into more lines changes nothing. No later rule touches them;
//!   they still count towards a later threshold's total.
//! - Units: `n_for_m` and `bundle` count whole units of goods sold by the
//!   piece; a weighed line is never split into "units".
//! - Ties (equal unit prices, equal amounts) are broken by the line's
//!   content, never by its position, so the scan order changes nothing.

use std::cmp::Ordering;
use std::sync::Arc;

use chrono::NaiveDateTime;

use super::{Promotion, Rule, Target};
use crate::money::{Money, Percent, Qty};

/// One line of the basket as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasketLine<'a> {
    /// Product.
    pub sku: &'a str,
    /// Its category.
    pub category: Option<&'a str>,
    /// Quantity.
    pub qty: Qty,
    /// Unit price before any discount.
    pub price: Money,
    /// The cashier's discount of the whole line, in money.
    pub manual_discount: Money,
    /// Sold by the piece: its quantity counts as units for `n_for_m` and
    /// `bundle`.
    pub by_piece: bool,
}

/// What one promotion took off one line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PromoShare {
    /// Promotion id (shared: one rule's id sits on many lines).
    pub promotion: Arc<str>,
    /// Discount in money (0.00 only on a gift line, which it created).
    pub discount: Money,
}

/// A line's result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinePricing {
    /// Σ of the promotions' discounts on the line (the manual discount not
    /// included).
    pub discount: Money,
    /// The promotions that changed the line, in the order they applied.
    pub promotions: Vec<PromoShare>,
}

/// A unit given away at price 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gift {
    /// The promotion that gives it.
    pub promotion: String,
    /// The product given.
    pub sku: String,
    /// How much (one unit).
    pub qty: Qty,
}

/// The priced basket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pricing {
    /// One result per basket line, in the basket's order.
    pub lines: Vec<LinePricing>,
    /// Gifts, in the order their promotions applied.
    pub gifts: Vec<Gift>,
    /// Each promotion that gave something, with its whole discount, in the
    /// order they applied.
    pub applied: Vec<PromoShare>,
}

impl Pricing {
    /// Σ of all promotion discounts.
    pub fn discount(&self) -> Money {
        Money::sum(self.lines.iter().map(|l| l.discount))
    }
}

/// Prices `basket` with the `promotions` in force in `store` at local time
/// `at` (disabled promotions must be left out by the caller).
pub fn price(basket: &[BasketLine<'_>], promotions: &[Promotion], store: &str, at: NaiveDateTime) -> Pricing {
    let mut rules: Vec<&Promotion> = promotions.iter().filter(|p| p.in_force(store, at)).collect();
    rules.sort_by(|a, b| a.priority.cmp(&b.priority).then_with(|| a.id.cmp(&b.id)));
    let mut work = Work::new(basket);
    let mut pricing = Pricing {
        lines: vec![LinePricing::default(); basket.len()],
        gifts: Vec::new(),
        applied: Vec::new(),
    };
    let mut off = vec![0i64; basket.len()];
    for promotion in rules {
        let given = work.apply(&promotion.rule);
        if promotion.exclusive && given.discount > 0 {
            for &line in &given.touched {
                work.locked[line] = true;
            }
        }
        if given.discount <= 0 && given.gift.is_none() {
            continue;
        }
        let id: Arc<str> = Arc::from(promotion.id.as_str());
        for &(line, discount) in &given.lines {
            work.amount[line] -= discount;
            off[line] += discount;
            let shares = &mut pricing.lines[line].promotions;
            if shares.capacity() == 0 {
                shares.reserve(4);
            }
            shares.push(PromoShare {
                promotion: Arc::clone(&id),
                discount: Money::from_kopecks(discount),
            });
        }
        if let Some(sku) = given.gift {
            pricing.gifts.push(Gift {
                promotion: promotion.id.clone(),
                sku: sku.to_owned(),
                qty: Qty::ONE,
            });
        }
        pricing.applied.push(PromoShare {
            promotion: id,
            discount: Money::from_kopecks(given.discount),
        });
    }
    for (result, off) in pricing.lines.iter_mut().zip(off) {
        result.discount = Money::from_kopecks(off);
    }
    pricing
}

/// What one rule gives.
#[derive(Default)]
struct Given<'r> {
    /// The rule's discount as the rule works it out, in kopecks.
    discount: i64,
    /// Its shares by line: (line, kopecks > 0), adding up to `discount`.
    lines: Vec<(usize, i64)>,
    /// The lines the rule applied to (what an exclusive rule locks): every
    /// line that counted, even one whose own share came to nothing.
    touched: Vec<usize>,
    gift: Option<&'r str>,
}

impl Given<'_> {
    /// Each line's own share (a line-level rule).
    fn per_line(touched: Vec<usize>, lines: Vec<(usize, i64)>) -> Given<'static> {
        Given {
            discount: sum(lines.iter().map(|l| l.1)),
            lines: lines.into_iter().filter(|l| l.1 > 0).collect(),
            touched,
            gift: None,
        }
    }
}

/// The basket while rules apply: amounts in kopecks, whole units, locks.
struct Work<'b> {
    basket: &'b [BasketLine<'b>],
    amount: Vec<i64>,
    /// Whole units of a piece line; `None` for weighed lines.
    units: Vec<Option<i64>>,
    locked: Vec<bool>,
    /// Each line's place in an order by content, for ties.
    rank: Vec<usize>,
    /// Lines by content (sku first): a sku's lines are a run of it.
    by_sku: Vec<usize>,
    /// Lines with a category, by category then content.
    by_category: Vec<usize>,
}

impl<'b> Work<'b> {
    fn new(basket: &'b [BasketLine<'b>]) -> Work<'b> {
        // Integers from here on: thousandths of a unit and kopecks.
        let keys: Vec<(i64, i64, i64)> = basket
            .iter()
            .map(|l| (l.qty.milli(), l.price.kopecks(), l.manual_discount.kopecks()))
            .collect();
        let mut order: Vec<usize> = (0..basket.len()).collect();
        // An order of lines by what they are, never by where they are.
        order.sort_by(|&a, &b| {
            let (la, lb) = (&basket[a], &basket[b]);
            la.sku
                .cmp(lb.sku)
                .then(keys[a].cmp(&keys[b]))
                .then(la.category.cmp(&lb.category))
                .then(la.by_piece.cmp(&lb.by_piece))
        });
        let mut rank = vec![0; basket.len()];
        for (place, &index) in order.iter().enumerate() {
            rank[index] = place;
        }
        let mut by_category: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| basket[i].category.is_some())
            .collect();
        by_category.sort_by(|&a, &b| basket[a].category.cmp(&basket[b].category).then(rank[a].cmp(&rank[b])));
        Work {
            basket,
            // round_half_up(qty × price, 2) − manual, within the money range
            // (the receipt refuses more), so sums of a whole basket stay far
            // from overflowing.
            amount: keys
                .iter()
                .map(|&(milli, price, manual)| {
                    let gross = share(price, milli, 1_000);
                    gross.saturating_sub(manual).clamp(0, Money::MAX.kopecks())
                })
                .collect(),
            units: basket
                .iter()
                .zip(&keys)
                .map(|(l, &(milli, _, _))| (l.by_piece && milli % 1_000 == 0).then_some(milli / 1_000))
                .collect(),
            locked: vec![false; basket.len()],
            rank,
            by_sku: order,
            by_category,
        }
    }

    /// Unlocked lines with something left that a target names (in no
    /// particular order: the rules order them by content where it matters).
    fn open_lines(&self, target: &Target) -> Vec<usize> {
        match target {
            Target::Sku(sku) => self.open_sku_lines(sku),
            Target::Category(c) => self.open(run_of(&self.by_category, |i| self.basket[i].category.unwrap_or(""), c)),
            Target::Receipt => self.open(0..self.basket.len()),
        }
    }

    /// [`Work::open_lines`] of one sku.
    fn open_sku_lines(&self, sku: &str) -> Vec<usize> {
        self.open(run_of(&self.by_sku, |i| self.basket[i].sku, sku))
    }

    fn open(&self, lines: impl Iterator<Item = usize>) -> Vec<usize> {
        lines.filter(|&i| !self.locked[i] && self.amount[i] > 0).collect()
    }

    fn total(&self) -> i64 {
        sum(self.amount.iter().copied())
    }

    fn apply<'r>(&self, rule: &'r Rule) -> Given<'r> {
        match rule {
            Rule::NForM { target, n, m } => self.n_for_m(target, i64::from(*n), i64::from(*m)),
            Rule::Percent {
                target: Target::Receipt,
                pct,
            } => self.off_receipt(*pct),
            Rule::Percent { target, pct } => {
                let lines = self.open_lines(target);
                let shares = lines.iter().map(|&i| (i, percent_of(*pct, self.amount[i]))).collect();
                Given::per_line(lines, shares)
            }
            Rule::Threshold { min_total, pct } if self.total() >= min_total.kopecks() => self.off_receipt(*pct),
            Rule::Gift { min_total, gift_sku } if !self.basket.is_empty() && self.total() >= min_total.kopecks() => {
                Given {
                    gift: Some(gift_sku),
                    ..Given::default()
                }
            }
            Rule::Bundle { skus, price } => self.bundle(skus, price.kopecks()),
            Rule::Threshold { .. } | Rule::Gift { .. } => Given::default(),
        }
    }

    /// A percentage of the open lines' amounts, spread over them.
    fn off_receipt(&self, pct: Percent) -> Given<'static> {
        let lines = self.open_lines(&Target::Receipt);
        let weights: Vec<i64> = lines.iter().map(|&i| self.amount[i]).collect();
        let discount = percent_of(pct, sum(weights.iter().copied()));
        Given {
            discount,
            lines: self.spread(&lines, &weights, discount),
            touched: lines,
            gift: None,
        }
    }

    /// For every n units the buyer pays for m: the cheapest units go free.
    fn n_for_m(&self, target: &Target, n: i64, m: i64) -> Given<'static> {
        let mut lines: Vec<usize> = self
            .open_lines(target)
            .into_iter()
            .filter(|&i| self.units[i].is_some_and(|u| u > 0))
            .collect();
        let units = sum(lines.iter().filter_map(|&i| self.units[i]));
        let mut free = units / n * (n - m);
        if free == 0 {
            return Given::default();
        }
        lines.sort_by(|&a, &b| self.unit_value_order(a, b).then(self.rank[a].cmp(&self.rank[b])));
        let mut given = Vec::new();
        for &i in &lines {
            if free == 0 {
                break;
            }
            let held = self.units[i].unwrap_or(0);
            let taken = held.min(free);
            free -= taken;
            given.push((i, share(self.amount[i], taken, held)));
        }
        // Every unit counted towards the groups, paid or free: an exclusive
        // rule keeps later rules off all of them, however they were split
        // into lines.
        Given::per_line(lines, given)
    }

    /// A set bought together for `price`: as many whole sets as the open
    /// piece lines make, the dearest units first (the set price replaces
    /// what they would cost). Nothing when the set would not be cheaper.
    fn bundle(&self, skus: &[String], price: i64) -> Given<'static> {
        let mut need: Vec<(&str, i64)> = Vec::new();
        for sku in skus {
            match need.iter_mut().find(|(s, _)| *s == sku.as_str()) {
                Some((_, count)) => *count += 1,
                None => need.push((sku.as_str(), 1)),
            }
        }
        let mut per_sku = Vec::with_capacity(need.len());
        let mut sets = i64::MAX;
        for &(sku, count) in &need {
            let mut lines: Vec<usize> = self
                .open_sku_lines(sku)
                .into_iter()
                .filter(|&i| self.units[i].is_some_and(|u| u > 0))
                .collect();
            let units = sum(lines.iter().filter_map(|&i| self.units[i]));
            sets = sets.min(units / count);
            lines.sort_by(|&a, &b| self.unit_value_order(b, a).then(self.rank[a].cmp(&self.rank[b])));
            per_sku.push((lines, count));
        }
        if sets == 0 || sets == i64::MAX {
            return Given::default();
        }
        let mut lines = Vec::new();
        let mut values = Vec::new();
        for (sku_lines, count) in per_sku {
            let mut wanted = sets * count;
            for i in sku_lines {
                if wanted == 0 {
                    break;
                }
                let held = self.units[i].unwrap_or(0);
                let taken = held.min(wanted);
                wanted -= taken;
                lines.push(i);
                values.push(share(self.amount[i], taken, held));
            }
        }
        let value = sum(values.iter().copied());
        let discount = value.saturating_sub(sets.saturating_mul(price));
        if discount <= 0 {
            return Given::default();
        }
        Given {
            discount,
            lines: self.spread(&lines, &values, discount),
            touched: lines,
            gift: None,
        }
    }

    /// Orders two piece lines by their unit value (amount ÷ units), exactly.
    fn unit_value_order(&self, a: usize, b: usize) -> Ordering {
        let (ua, ub) = (self.units[a].unwrap_or(1), self.units[b].unwrap_or(1));
        (i128::from(self.amount[a]) * i128::from(ub)).cmp(&(i128::from(self.amount[b]) * i128::from(ua)))
    }

    /// Spreads `discount` over `lines` in proportion to `weights` (each
    /// line's share at most its weight), to the kopeck: each share rounded
    /// half up, the remainder to the largest line, and what it cannot take
    /// to the next largest. Returns the non-zero shares.
    fn spread(&self, lines: &[usize], weights: &[i64], discount: i64) -> Vec<(usize, i64)> {
        let whole = sum(weights.iter().copied());
        if discount <= 0 || whole <= 0 {
            return Vec::new();
        }
        let discount = discount.min(whole);
        let mut shares: Vec<i64> = weights.iter().map(|&w| share(w, discount, whole)).collect();
        let mut rest = discount - sum(shares.iter().copied());
        let larger = |a: usize, b: usize| {
            weights[a]
                .cmp(&weights[b])
                .then(self.rank[lines[b]].cmp(&self.rank[lines[a]]))
        };
        let mut take = |k: usize, rest: &mut i64| {
            let step = if *rest > 0 {
                (*rest).min(weights[k] - shares[k])
            } else {
                -((-*rest).min(shares[k]))
            };
            shares[k] += step;
            *rest -= step;
        };
        // The largest line nearly always takes the whole remainder (a few
        // kopecks); only when it cannot do the next largest lines join.
        if let Some(k) = (0..lines.len()).max_by(|&a, &b| larger(a, b)) {
            take(k, &mut rest);
        }
        if rest != 0 {
            let mut largest: Vec<usize> = (0..lines.len()).collect();
            largest.sort_by(|&a, &b| larger(b, a));
            for k in largest {
                take(k, &mut rest);
            }
        }
        lines
            .iter()
            .zip(shares)
            .filter(|&(_, s)| s > 0)
            .map(|(&i, s)| (i, s))
            .collect()
    }
}

/// The run of `sorted` (sorted by `key`) whose key is `wanted`.
fn run_of<'s>(sorted: &'s [usize], key: impl Fn(usize) -> &'s str, wanted: &str) -> impl Iterator<Item = usize> + 's {
    let start = sorted.partition_point(|&i| key(i) < wanted);
    let end = start + sorted[start..].partition_point(|&i| key(i) == wanted);
    sorted[start..end].iter().copied()
}

/// Σ, saturating (amounts are within the money range, so it never does).
fn sum(values: impl Iterator<Item = i64>) -> i64 {
    values.fold(0i64, i64::saturating_add)
}

/// round_half_up(amount × part ÷ whole), in kopecks; `whole` > 0; at most
/// `amount` when `part` ≤ `whole`.
fn share(amount: i64, part: i64, whole: i64) -> i64 {
    if part == whole {
        return amount;
    }
    let (amount, part, whole) = (i128::from(amount), i128::from(part), i128::from(whole));
    i64::try_from((2 * amount * part + whole) / (2 * whole)).unwrap_or(i64::MAX)
}

/// pct % of an amount in kopecks, rounded half up (as [`Percent::of`]),
/// in integers: pct is its mantissa over 10^scale.
fn percent_of(pct: Percent, kopecks: i64) -> i64 {
    let pct = pct.as_decimal();
    let whole = 100 * 10i128.pow(pct.scale());
    let (amount, part) = (i128::from(kopecks), pct.mantissa());
    i64::try_from((2 * amount * part + whole) / (2 * whole)).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{parse_line, Record};
    use crate::money::testing::{m, q};

    /// A promotion from its journal line's distinctive fields.
    fn promo(id: &str, priority: i64, exclusive: bool, rule: &str) -> Promotion {
        promo_when(
            id,
            priority,
            exclusive,
            rule,
            r#""days":[1,2,3,4,5,6,7],"hours":"00:00-24:00""#,
        )
    }

    fn promo_when(id: &str, priority: i64, exclusive: bool, rule: &str, when: &str) -> Promotion {
        let line = format!(
            r#"{{"type":"promotion","id":"{id}","name":"{id}","stores":"all","from":"2026-11-01","to":"2026-11-30",{when},"priority":{priority},"exclusive":{exclusive},"rule":{rule}}}"#
        );
        match parse_line(&line).expect("valid promotion") {
            Record::Promotion { promotion, .. } => promotion,
            other => panic!("not a promotion: {other:?}"),
        }
    }

    fn line<'a>(sku: &'a str, category: &'a str, qty: &str, price: &str) -> BasketLine<'a> {
        BasketLine {
            sku,
            category: Some(category),
            qty: q(qty),
            price: m(price),
            manual_discount: Money::ZERO,
            by_piece: !qty.contains('.'),
        }
    }

    /// Monday 2 November 2026, noon.
    fn monday_noon() -> NaiveDateTime {
        at("2026-11-02T12:00:00")
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").expect("time")
    }

    fn run(basket: &[BasketLine<'_>], promotions: &[Promotion]) -> Pricing {
        price(basket, promotions, "S1", monday_noon())
    }

    /// Each line's discount, as text.
    fn discounts(pricing: &Pricing) -> Vec<String> {
        pricing.lines.iter().map(|l| l.discount.to_string()).collect()
    }

    fn ids(line: &LinePricing) -> Vec<&str> {
        line.promotions.iter().map(|p| &*p.promotion).collect()
    }

    #[test]
    fn two_for_one_frees_the_cheapest_units() {
        let p = promo("P1", 10, true, r#"{"kind":"n_for_m","sku":"1010","n":2,"m":1}"#);
        // 3 × 119.00: one pair, one unit free → 119.00 off.
        let priced = run(&[line("1010", "Сладкое", "3", "119.00")], std::slice::from_ref(&p));
        assert_eq!(discounts(&priced), ["119.00"]);
        assert_eq!(ids(&priced.lines[0]), ["P1"]);
        // One unit: no pair, nothing.
        let priced = run(&[line("1010", "Сладкое", "1", "119.00")], &[p]);
        assert_eq!(discounts(&priced), ["0.00"]);
        assert!(priced.applied.is_empty());

        // 3 for 2 over a category: A 100.00 ×3, B 60.00 ×2, C 30.00, and a
        // weighed line that never counts. 6 units → 2 free: C and one B.
        let p = promo(
            "P3",
            10,
            false,
            r#"{"kind":"n_for_m","category":"Сладкое","n":3,"m":2}"#,
        );
        let basket = [
            line("A", "Сладкое", "3", "100.00"),
            line("B", "Сладкое", "2", "60.00"),
            line("C", "Сладкое", "1", "30.00"),
            line("D", "Сладкое", "0.500", "10.00"),
        ];
        let priced = run(&basket, &[p]);
        assert_eq!(discounts(&priced), ["0.00", "60.00", "30.00", "0.00"]);
        assert_eq!(
            priced.applied,
            [PromoShare {
                promotion: "P3".into(),
                discount: m("90.00")
            }]
        );
    }

    #[test]
    fn percent_on_a_sku_a_category_and_the_receipt() {
        let milk = promo("M", 10, false, r#"{"kind":"percent","sku":"1003","pct":"10"}"#);
        let bread = promo("B", 10, false, r#"{"kind":"percent","category":"Хлеб","pct":"15"}"#);
        let basket = [
            line("1003", "Молочные", "2", "89.90"),
            line("1002", "Хлеб", "1", "39.90"),
            line("1001", "Хлеб", "1", "45.50"),
        ];
        // 179.80 × 10 % = 17.98; 39.90 × 15 % = 5.985 → 5.99; 45.50 × 15 % = 6.825 → 6.83.
        let priced = run(&basket, &[milk, bread]);
        assert_eq!(discounts(&priced), ["17.98", "5.99", "6.83"]);

        // 10 % off a receipt of 33.33 + 33.33 + 33.34 = 100.00 is 10.00:
        // 3.33 + 3.33 + 3.33 = 9.99, the kopeck left goes to the largest line.
        let all = promo("R", 10, false, r#"{"kind":"percent","pct":"10"}"#);
        let basket = [
            line("X", "Прочее", "1", "33.33"),
            line("Y", "Прочее", "1", "33.34"),
            line("Z", "Прочее", "1", "33.33"),
        ];
        let priced = run(&basket, &[all]);
        assert_eq!(discounts(&priced), ["3.33", "3.34", "3.33"]);
        assert_eq!(priced.discount(), m("10.00"));
    }

    #[test]
    fn a_threshold_counts_the_total_after_item_discounts() {
        let coffee = promo("C", 10, false, r#"{"kind":"percent","sku":"1008","pct":"10"}"#);
        let from_1000 = promo(
            "T",
            20,
            false,
            r#"{"kind":"threshold","min_total":"1000.00","pct":"5"}"#,
        );
        // Coffee 2 × 449.00 = 898.00 − 89.80 = 808.20; tea 329.00; total
        // 1137.20 ≥ 1000 → 5 % = 56.86, spread 40.41 + 16.45.
        let basket = [
            line("1008", "Бакалея", "2", "449.00"),
            line("1009", "Бакалея", "1", "329.00"),
        ];
        let priced = run(&basket, &[from_1000.clone(), coffee.clone()]);
        assert_eq!(discounts(&priced), ["130.21", "16.45"]);
        assert_eq!(ids(&priced.lines[0]), ["C", "T"]);
        assert_eq!(
            priced.applied[1],
            PromoShare {
                promotion: "T".into(),
                discount: m("56.86")
            }
        );
        // 449.00 + 329.00 + 3 × 79.90 = 1017.70 gross, but 973.80 after the
        // coffee's 44.90: below the threshold.
        let basket = [
            line("1008", "Бакалея", "1", "449.00"),
            line("1009", "Бакалея", "1", "329.00"),
            line("1004", "Молочные", "3", "79.90"),
        ];
        let priced = run(&basket, &[from_1000, coffee]);
        assert_eq!(discounts(&priced), ["44.90", "0.00", "0.00"]);
    }

    #[test]
    fn a_gift_and_a_threshold_follow_their_priorities() {
        let basket = [line("1005", "Сыр", "1", "1050.00")];
        // Threshold first: 1050.00 − 52.50 = 997.50, short of the gift.
        let threshold = promo(
            "T",
            10,
            false,
            r#"{"kind":"threshold","min_total":"1000.00","pct":"5"}"#,
        );
        let gift = promo(
            "G",
            20,
            false,
            r#"{"kind":"gift","min_total":"1000.00","gift_sku":"1013"}"#,
        );
        let priced = run(&basket, &[gift.clone(), threshold.clone()]);
        assert_eq!(discounts(&priced), ["52.50"]);
        assert!(priced.gifts.is_empty());
        // Gift first: the bag is given, then 5 % off.
        let gift = Promotion { priority: 5, ..gift };
        let priced = run(&basket, &[gift, threshold]);
        assert_eq!(discounts(&priced), ["52.50"]);
        assert_eq!(
            priced.gifts,
            [Gift {
                promotion: "G".into(),
                sku: "1013".into(),
                qty: Qty::ONE
            }]
        );
        assert_eq!(
            priced.applied[0],
            PromoShare {
                promotion: "G".into(),
                discount: Money::ZERO
            }
        );
        // An empty basket earns no gift, even from 0.00.
        let free = promo("F", 1, false, r#"{"kind":"gift","min_total":"0.00","gift_sku":"1013"}"#);
        assert!(run(&[], &[free]).gifts.is_empty());
    }

    #[test]
    fn an_exclusive_rule_keeps_later_rules_off_its_lines() {
        let pair = promo("P1", 10, true, r#"{"kind":"n_for_m","sku":"1010","n":2,"m":1}"#);
        let all = promo("R", 20, false, r#"{"kind":"percent","pct":"10"}"#);
        let basket = [
            line("1010", "Сладкое", "2", "119.00"),
            line("1003", "Молочные", "1", "89.90"),
        ];
        let priced = run(&basket, &[all.clone(), pair.clone()]);
        // Chocolate: one free, then locked; milk alone gets 10 %: 8.99.
        assert_eq!(discounts(&priced), ["119.00", "8.99"]);
        assert_eq!(ids(&priced.lines[0]), ["P1"]);
        // Not exclusive: the chocolate's 119.00 left gets 10 % too.
        let pair = Promotion {
            exclusive: false,
            ..pair
        };
        let priced = run(&basket, &[all, pair]);
        assert_eq!(discounts(&priced), ["130.90", "8.99"]);
        assert_eq!(ids(&priced.lines[0]), ["P1", "R"]);
    }

    #[test]
    fn an_exclusive_pair_locks_both_units_however_they_were_rung_up() {
        // Marked goods (one line a unit) or a line with a discount by hand
        // come as separate lines: the pair is still P1's alone.
        let pair = promo("P1", 10, true, r#"{"kind":"n_for_m","sku":"X","n":2,"m":1}"#);
        let all = promo("R", 20, false, r#"{"kind":"percent","pct":"10"}"#);
        let split = [line("X", "Обувь", "1", "100.00"), line("X", "Обувь", "1", "100.00")];
        let merged = [line("X", "Обувь", "2", "100.00")];
        let rules = [pair, all];
        assert_eq!(run(&split, &rules).discount(), m("100.00"));
        assert_eq!(run(&merged, &rules).discount(), m("100.00"));
    }

    #[test]
    fn bundles_alone_and_over_two_for_one() {
        let set = promo(
            "S",
            20,
            false,
            r#"{"kind":"bundle","skus":["1008","1010"],"price":"499.00"}"#,
        );
        let basket = [
            line("1008", "Бакалея", "1", "449.00"),
            line("1010", "Сладкое", "1", "119.00"),
        ];
        // 568.00 for 499.00: 69.00 spread 54.54 + 14.46.
        let priced = run(&basket, std::slice::from_ref(&set));
        assert_eq!(discounts(&priced), ["54.54", "14.46"]);
        // Two coffees, one chocolate: one set, the second coffee at full price.
        let basket2 = [
            line("1008", "Бакалея", "2", "449.00"),
            line("1010", "Сладкое", "1", "119.00"),
        ];
        let priced = run(&basket2, std::slice::from_ref(&set));
        assert_eq!(discounts(&priced), ["54.54", "14.46"]);

        // 2-for-1 on chocolate first (not exclusive): 2 chocolates cost
        // 119.00, 59.50 a unit; the set 449.00 + 59.50 = 508.50 → 499.00,
        // 9.50 off spread 8.39 + 1.11.
        let pair = promo("P1", 10, false, r#"{"kind":"n_for_m","sku":"1010","n":2,"m":1}"#);
        let basket3 = [
            line("1008", "Бакалея", "1", "449.00"),
            line("1010", "Сладкое", "2", "119.00"),
        ];
        let priced = run(&basket3, &[set.clone(), pair.clone()]);
        assert_eq!(discounts(&priced), ["8.39", "120.11"]);
        assert_eq!(ids(&priced.lines[1]), ["P1", "S"]);
        assert_eq!(
            Money::sum(basket3.iter().map(|l| l.qty.times(l.price))) - priced.discount(),
            m("558.50")
        );
        // Exclusive 2-for-1: the chocolate is taken, no set is left.
        let pair = Promotion {
            exclusive: true,
            ..pair
        };
        let priced = run(&basket3, &[set.clone(), pair]);
        assert_eq!(discounts(&priced), ["0.00", "119.00"]);
        // A set that would cost more than its parts does nothing.
        let dear = promo(
            "D",
            10,
            false,
            r#"{"kind":"bundle","skus":["1008","1010"],"price":"600.00"}"#,
        );
        assert_eq!(run(&basket, &[dear]).discount(), Money::ZERO);
        // The same sku twice: "two for 150.00".
        let two = promo(
            "W",
            10,
            false,
            r#"{"kind":"bundle","skus":["1003","1003"],"price":"150.00"}"#,
        );
        let priced = run(&[line("1003", "Молочные", "3", "89.90")], &[two]);
        assert_eq!(discounts(&priced), ["29.80"]);
    }

    #[test]
    fn a_manual_discount_comes_first() {
        let ten = promo("R", 10, false, r#"{"kind":"percent","sku":"A","pct":"10"}"#);
        let mut basket = [line("A", "Прочее", "1", "100.00")];
        basket[0].manual_discount = m("10.00");
        // 100.00 − 10.00 by hand, then 10 % of the 90.00 left.
        assert_eq!(discounts(&run(&basket, &[ten])), ["9.00"]);
    }

    #[test]
    fn validity_by_store_day_and_hour() {
        let happy = promo_when(
            "H",
            10,
            false,
            r#"{"kind":"percent","pct":"20"}"#,
            r#""days":[1,2,3,4,5],"hours":"10:00-12:00""#,
        );
        let basket = [line("A", "Прочее", "1", "100.00")];
        let off = |time: &str, store: &str| price(&basket, std::slice::from_ref(&happy), store, at(time)).discount();
        assert_eq!(off("2026-11-02T10:00:00", "S1"), m("20.00"), "Monday 10:00");
        assert_eq!(off("2026-11-02T11:59:59", "S1"), m("20.00"));
        assert_eq!(off("2026-11-02T12:00:00", "S1"), Money::ZERO, "the end is exclusive");
        assert_eq!(off("2026-11-07T10:30:00", "S1"), Money::ZERO, "Saturday");
        assert_eq!(off("2026-10-30T10:30:00", "S1"), Money::ZERO, "before `from`");
        assert_eq!(off("2026-12-01T10:30:00", "S1"), Money::ZERO, "after `to`");
        let only_s2 = Promotion {
            stores: super::super::PromoStores::Only(vec!["S2".into()]),
            ..happy.clone()
        };
        let in_store = |store: &str| {
            price(
                &basket,
                std::slice::from_ref(&only_s2),
                store,
                at("2026-11-02T10:00:00"),
            )
            .discount()
        };
        assert_eq!(in_store("S2"), m("20.00"));
        assert_eq!(in_store("S1"), Money::ZERO);

        // Friday night 22:00-02:00: Saturday 01:00 is still Friday's night.
        let night = promo_when(
            "N",
            10,
            false,
            r#"{"kind":"percent","pct":"20"}"#,
            r#""days":[5],"hours":"22:00-02:00""#,
        );
        let off = |time: &str| price(&basket, std::slice::from_ref(&night), "S1", at(time)).discount();
        assert_eq!(off("2026-11-06T23:00:00"), m("20.00"), "Friday 23:00");
        assert_eq!(off("2026-11-07T01:00:00"), m("20.00"), "Saturday 01:00");
        assert_eq!(off("2026-11-07T23:00:00"), Money::ZERO, "Saturday 23:00");
        assert_eq!(off("2026-11-06T12:00:00"), Money::ZERO, "Friday noon");
    }

    #[test]
    fn amounts_past_the_money_range_do_not_overflow() {
        let huge: Vec<BasketLine<'_>> = (0..4)
            .map(|_| line("A", "Прочее", "999999999", "99999999999.99"))
            .collect();
        let all = promo("R", 10, false, r#"{"kind":"threshold","min_total":"0.00","pct":"50"}"#);
        let priced = run(&huge, &[all]);
        // Each line counts as at most Money::MAX; half of the four is off.
        assert_eq!(priced.discount(), Money::from_kopecks(Money::MAX.kopecks() * 2));
        assert!(priced.lines.iter().all(|l| l.discount <= Money::MAX));
    }

    #[test]
    fn integer_arithmetic_matches_the_decimal_one() {
        for pct in ["0.0001", "5", "12.5", "33.3333", "99.99", "100"] {
            let pct = Percent::parse(pct).expect("pct");
            for kopecks in [0, 1, 2, 5, 49, 50, 99, 12_345, 999_999_999_999] {
                let decimal = pct.of(Money::from_kopecks(kopecks)).kopecks();
                assert_eq!(percent_of(pct, kopecks), decimal, "{pct} % of {kopecks}");
            }
        }
        for (qty, price) in [
            ("0.350", "899.00"),
            ("1.245", "129.90"),
            ("0.001", "0.01"),
            ("3", "45.50"),
        ] {
            let gross = q(qty).times(m(price)).kopecks();
            assert_eq!(
                share(m(price).kopecks(), q(qty).milli(), 1_000),
                gross,
                "{qty} × {price}"
            );
        }
    }

    #[test]
    fn a_spread_never_takes_a_line_below_zero() {
        let basket = [
            line("A", "Прочее", "1", "0.01"),
            line("B", "Прочее", "1", "0.01"),
            line("C", "Прочее", "1", "0.01"),
        ];
        let work = Work::new(&basket);
        // 2 kopecks over three 1-kopeck lines: each rounds to 1, one gives it back.
        let shares = work.spread(&[0, 1, 2], &[1, 1, 1], 2);
        assert_eq!(shares.iter().map(|s| s.1).sum::<i64>(), 2);
        assert!(shares.iter().all(|s| s.1 == 1));
        // Everything but a kopeck over lines of 5, 3 and 2 kopecks.
        let shares = work.spread(&[0, 1, 2], &[5, 3, 2], 9);
        assert_eq!(shares.iter().map(|s| s.1).sum::<i64>(), 9);
        assert!(shares.iter().all(|&(i, s)| s <= [5, 3, 2][i]));
    }
}
