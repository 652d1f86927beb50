//! Properties of the pricing engine over random baskets and rule sets
//! (proptest): no line below zero, Σ line discounts = Σ rule discounts,
//! never above the undiscounted total, scan order changes nothing, and a
//! priced cart priced again stays as it is.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use kassa::catalog::{Product, ProductKind, Unit};
use kassa::money::{Money, Percent, Qty, VatRate};
use kassa::promo::{price, BasketLine, PromoStores, Promotion, Rule, Target};
use kassa::sale::Cart;
use proptest::prelude::*;

/// The catalogue: (sku, category, sold by the piece).
const CATALOGUE: [(&str, Option<&str>, bool); 6] = [
    ("A", Some("X"), true),
    ("B", Some("X"), true),
    ("C", Some("Y"), true),
    ("D", Some("Y"), true),
    ("E", None, true),
    ("W", Some("X"), false),
];

/// A generated line: catalogue index, quantity in thousandths, unit price
/// and the cashier's share of the gross in percent.
#[derive(Debug, Clone)]
struct Line {
    product: usize,
    milli: i64,
    price: i64,
    manual_pct: i64,
}

fn line() -> impl Strategy<Value = Line> {
    // Few distinct prices, so that ties (equal unit prices, equal amounts)
    // are common: the engine must break them by content, not position.
    let price = prop_oneof![
        prop::sample::select(vec![0i64, 1, 999, 1_000, 4_550, 11_900]),
        0..=50_000i64
    ];
    let manual = prop_oneof![3 => Just(0i64), 1 => 0..=100i64];
    (0..CATALOGUE.len(), 1..=5i64, 1..=3_000i64, price, manual).prop_map(
        |(product, units, weight, price, manual_pct)| Line {
            product,
            milli: if CATALOGUE[product].2 { units * 1_000 } else { weight },
            price,
            manual_pct,
        },
    )
}

fn pct() -> impl Strategy<Value = Percent> {
    prop_oneof![
        Just("5"),
        Just("10"),
        Just("12.5"),
        Just("33.3333"),
        Just("50"),
        Just("99.99"),
        Just("100")
    ]
    .prop_map(|p| Percent::parse(p).expect("pct"))
}

fn target(receipt: bool) -> impl Strategy<Value = Target> {
    let sku = (0..5usize).prop_map(|i| Target::Sku(CATALOGUE[i].0.to_owned()));
    let category = prop_oneof![Just("X"), Just("Y")].prop_map(|c| Target::Category(c.to_owned()));
    if receipt {
        prop_oneof![sku, category, Just(Target::Receipt)].boxed()
    } else {
        prop_oneof![sku, category].boxed()
    }
}

fn rule() -> impl Strategy<Value = Rule> {
    prop_oneof![
        (target(false), 2..=4u32)
            .prop_flat_map(|(target, n)| (Just(target), Just(n), 1..n))
            .prop_map(|(target, n, m)| Rule::NForM { target, n, m }),
        (target(true), pct()).prop_map(|(target, pct)| Rule::Percent { target, pct }),
        (0..=300_000i64, pct()).prop_map(|(min, pct)| Rule::Threshold {
            min_total: Money::from_kopecks(min),
            pct
        }),
        (0..=300_000i64).prop_map(|min| Rule::Gift {
            min_total: Money::from_kopecks(min),
            gift_sku: "A".to_owned()
        }),
        (prop::collection::vec(0..5usize, 2..=3), 1..=60_000i64).prop_map(|(skus, price)| Rule::Bundle {
            skus: skus.into_iter().map(|i| CATALOGUE[i].0.to_owned()).collect(),
            price: Money::from_kopecks(price)
        }),
    ]
}

fn promotions() -> impl Strategy<Value = Vec<Promotion>> {
    prop::collection::vec((rule(), 0..=3i64, any::<bool>()), 0..=6).prop_map(|rules| {
        rules
            .into_iter()
            .enumerate()
            .map(|(n, (rule, priority, exclusive))| Promotion {
                id: format!("P{n}"),
                name: format!("P{n}"),
                stores: PromoStores::All,
                from: NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
                to: NaiveDate::from_ymd_opt(2026, 12, 31).expect("date"),
                days: (1..=7).collect(),
                hours: (0, 1440),
                priority,
                exclusive,
                rule,
            })
            .collect()
    })
}

fn noon() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 26)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .expect("time")
}

/// The generated lines as the engine takes them.
fn basket(lines: &[Line]) -> Vec<BasketLine<'static>> {
    lines
        .iter()
        .map(|l| {
            let (sku, category, by_piece) = CATALOGUE[l.product];
            let qty = Qty::from_milli(l.milli).expect("qty");
            let price = Money::from_kopecks(l.price);
            let gross = qty.times(price);
            BasketLine {
                sku,
                category,
                qty,
                price,
                manual_discount: Money::from_kopecks(gross.kopecks() * l.manual_pct / 100),
                by_piece,
            }
        })
        .collect()
}

fn product(index: usize, price: i64) -> Product {
    let (sku, category, by_piece) = CATALOGUE[index];
    Product {
        sku: sku.to_owned(),
        name: sku.to_owned(),
        price: Money::from_kopecks(price),
        cost: None,
        vat: VatRate::Vat22,
        unit: if by_piece { Unit::Pcs } else { Unit::Kg },
        category: category.map(str::to_owned),
        barcodes: vec![],
        kind: ProductKind::Goods,
        marked: false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn discounts_add_up_and_no_line_goes_below_zero(
        lines in prop::collection::vec(line(), 0..12),
        rules in promotions(),
    ) {
        let basket = basket(&lines);
        let priced = price(&basket, &rules, "S1", noon());
        prop_assert_eq!(priced.lines.len(), basket.len());
        let mut by_rule: BTreeMap<&str, Money> = BTreeMap::new();
        for (line, result) in basket.iter().zip(&priced.lines) {
            let after_manual = line.qty.times(line.price) - line.manual_discount;
            prop_assert!(result.discount <= after_manual, "{:?} → {:?}", line, result);
            prop_assert!(!result.discount.is_negative());
            prop_assert_eq!(result.discount, Money::sum(result.promotions.iter().map(|p| p.discount)));
            for share in &result.promotions {
                prop_assert!(share.discount.is_positive(), "only promotions that changed the line");
                *by_rule.entry(&*share.promotion).or_insert(Money::ZERO) += share.discount;
            }
        }
        // Each rule's own discount is exactly what its lines got.
        for applied in &priced.applied {
            let spread = by_rule.remove(&*applied.promotion).unwrap_or(Money::ZERO);
            prop_assert_eq!(spread, applied.discount, "{}", applied.promotion);
        }
        prop_assert!(by_rule.is_empty());
        let undiscounted = Money::sum(basket.iter().map(|l| l.qty.times(l.price) - l.manual_discount));
        let total = undiscounted - priced.discount();
        prop_assert!(total <= undiscounted && !total.is_negative());
    }

    #[test]
    fn scan_order_changes_nothing(
        (lines, shuffled) in prop::collection::vec(line(), 0..12)
            .prop_flat_map(|lines| (Just(lines.clone()), Just(lines).prop_shuffle())),
        rules in promotions(),
    ) {
        let result = |lines: &[Line]| {
            let basket = basket(lines);
            let priced = price(&basket, &rules, "S1", noon());
            let mut each: Vec<String> = basket
                .iter()
                .zip(&priced.lines)
                .map(|(l, r)| format!("{} {} {} {} → {} {:?}", l.sku, l.qty, l.price, l.manual_discount, r.discount, r.promotions))
                .collect();
            each.sort();
            (each, priced.gifts, priced.applied)
        };
        prop_assert_eq!(result(&lines), result(&shuffled));
    }

    #[test]
    fn a_priced_cart_priced_again_stays_as_it_is(
        lines in prop::collection::vec(line(), 1..12),
        rules in promotions(),
    ) {
        let mut cart = Cart::new();
        for l in &lines {
            let index = cart
                .add(product(l.product, l.price), Qty::from_milli(l.milli).expect("qty"))
                .expect("add");
            let gross = cart.line_gross(index).expect("gross");
            cart.set_discount(index, Money::from_kopecks(gross.kopecks() * l.manual_pct / 100))
                .expect("discount");
        }
        let first = price(&cart.basket(), &rules, "S1", noon());
        let gifts = first.gifts.iter().map(|g| kassa::sale::CartGift {
            product: product(0, 0),
            qty: g.qty,
            promotion: g.promotion.clone(),
        }).collect();
        cart.set_pricing(first.lines.clone(), gifts).expect("pricing");
        let total = cart.total();
        let again = price(&cart.basket(), &rules, "S1", noon());
        prop_assert_eq!(&again, &first);
        prop_assert!(cart.priced_as(&again.lines, &again.gifts));
        cart.set_pricing(again.lines, cart.gifts().to_vec()).expect("pricing");
        prop_assert_eq!(cart.total(), total);
    }
}
