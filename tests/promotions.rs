//! Promotions at the till, on the demo books: P1 "2 по цене 1" on chocolate
//! 1010 (119.00, exclusive, priority 10), P4 coffee 1008 (449.00) and a
//! chocolate for 499.00 (priority 15), P2 a bag 1013 as a gift from 1000.00
//! in store S1 from 09:00 to 21:00 (priority 20); P3 (bread in the evening)
//! and P5 (weekends) are not in force on the demo clock, Thursday
//! 26 November 2026 in the daytime.

use chrono::{Duration, NaiveDate};
use kassa::error::Error;
use kassa::money::{Money, Percent};
use kassa::promo::{PromoShare, PromoStores, Promotion, Rule, Target};
use kassa::sale::{Cart, Payment, PaymentMethod};
use kassa::till::ActionId;

use crate::util::{demo_db, demo_till, dump, login, m, q};

const CHOCOLATE: &str = "4600010010103";

fn totals(cart: &Cart) -> (Money, Vec<String>) {
    (
        cart.total(),
        cart.gifts()
            .iter()
            .map(|g| format!("{}:{}", g.product.sku, g.promotion))
            .collect(),
    )
}

#[test]
fn the_cart_is_priced_again_on_every_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let (mut till, _clock) = demo_till(&path, "2026-11-26T12:00:00+03:00");
    let anna = login(&mut till, "E1");
    let mut cart = Cart::new();

    till.scan(&anna, &mut cart, CHOCOLATE).expect("scan");
    assert_eq!(totals(&cart), (m("119.00"), vec![]));
    // The second scan makes a pair: one is free.
    till.scan(&anna, &mut cart, CHOCOLATE).expect("scan");
    assert_eq!(cart.lines()[0].promo.discount, m("119.00"));
    assert_eq!(
        cart.lines()[0].promo.promotions,
        [PromoShare {
            promotion: "P1".into(),
            discount: m("119.00")
        }]
    );
    assert_eq!(totals(&cart).0, m("119.00"));
    // 119.00 + 2 × 449.00 = 1017.00: the bag comes as a gift.
    let coffee = till.add_product(&anna, &mut cart, "1008", q("2")).expect("coffee");
    assert_eq!(totals(&cart), (m("1017.00"), vec!["1013:P2".to_owned()]));
    // (The paired chocolate is P1's alone: exclusive, no set with coffee.)
    // One chocolate: no pair, so coffee and chocolate make a set, 449.00 +
    // 119.00 = 568.00 for 499.00: 69.00 off (54.54 + 14.46), and 948.00 is
    // short of the bag.
    till.set_qty(&anna, &mut cart, 0, q("1")).expect("qty");
    assert_eq!(cart.lines()[0].promo.discount, m("14.46"));
    assert_eq!(cart.lines()[1].promo.discount, m("54.54"));
    assert_eq!(totals(&cart), (m("948.00"), vec![]));
    // The coffee goes: 119.00, no gift.
    till.remove_line(&anna, &mut cart, coffee).expect("remove");
    assert_eq!(totals(&cart), (m("119.00"), vec![]));
    // Back to two chocolates, and a 5 % discount by hand on the line:
    // 238.00 − 11.90 = 226.10, then one unit of two free: 113.05.
    till.set_qty(&anna, &mut cart, 0, q("2")).expect("qty");
    till.set_line_discount_pct(&anna, &mut cart, 0, Percent::parse("5").expect("pct"))
        .expect("discount");
    assert_eq!(cart.lines()[0].discount, m("11.90"));
    assert_eq!(cart.lines()[0].promo.discount, m("113.05"));
    assert_eq!(totals(&cart).0, m("113.05"));
    // Bad input changes nothing: a line that is not there, half a bar.
    let before = cart.clone();
    assert!(till.set_qty(&anna, &mut cart, 5, q("1")).is_err());
    assert!(till.set_qty(&anna, &mut cart, 0, q("1.5")).is_err());
    assert!(till.remove_line(&anna, &mut cart, 5).is_err());
    assert_eq!(cart, before);
}

#[test]
fn a_sale_books_its_promotions_and_its_gift() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let (mut till, _clock) = demo_till(&path, "2026-11-26T12:00:00+03:00");
    let anna = login(&mut till, "E1");
    till.open_shift(&anna, &ActionId::new()).expect("open");
    let bags_before = till.db().stock_milli("S1", "1013").expect("stock");
    let mut cart = Cart::new();
    till.add_product(&anna, &mut cart, "1010", q("2")).expect("chocolate");
    till.add_product(&anna, &mut cart, "1008", q("2")).expect("coffee");
    // 238.00 − 119.00 + 898.00 = 1017.00; cash 1100.00 → change 83.00.
    let receipt = till
        .pay(&anna, &ActionId::new(), &cart, &[Payment::cash(m("1100.00"))])
        .expect("pay");
    assert_eq!((receipt.total(), receipt.change()), (m("1017.00"), m("83.00")));
    let lines = &receipt.draft().lines;
    assert_eq!(lines.len(), 3, "chocolate, coffee, and the gift");
    assert_eq!(
        (lines[2].sku.as_str(), lines[2].qty, lines[2].price, lines[2].gift),
        ("1013", q("1"), Money::ZERO, true)
    );
    assert_eq!(&*lines[0].promotions[0].promotion, "P1");
    // The books keep them for the reports of promotions and gifts.
    let conn = rusqlite::Connection::open(&path).expect("open");
    let rows: Vec<(i64, String, i64, bool)> = conn
        .prepare("SELECT line_no, promotion, discount, gift FROM receipt_line_promotions WHERE receipt = ?1 ORDER BY line_no")
        .expect("sql")
        .query_map([receipt.id()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        rows,
        [(0, "P1".to_owned(), 11_900, false), (2, "P2".to_owned(), 0, true)]
    );
    // The bag left the shelf.
    assert_eq!(till.db().stock_milli("S1", "1013").expect("stock"), bags_before - 1_000);
}

#[test]
fn a_cart_priced_before_a_promotion_ended_is_not_booked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let (mut till, clock) = demo_till(&path, "2026-11-26T20:58:00+03:00");
    let anna = login(&mut till, "E1");
    till.open_shift(&anna, &ActionId::new()).expect("open");
    let mut cart = Cart::new();
    till.add_product(&anna, &mut cart, "1008", q("3")).expect("coffee");
    assert_eq!(totals(&cart), (m("1347.00"), vec!["1013:P2".to_owned()]));
    // 21:00 passes while the buyer looks for a card: P2 is over.
    clock.advance(Duration::minutes(3));
    let before = dump(&path);
    let paid = till.pay(&anna, &ActionId::new(), &cart, &[Payment::card(m("1347.00"))]);
    assert!(
        matches!(paid, Err(Error::PricesChanged { total }) if total == m("1347.00")),
        "{paid:?}"
    );
    assert_eq!(dump(&path), before, "nothing booked");
    till.reprice(&mut cart).expect("reprice");
    assert!(cart.gifts().is_empty());
    let receipt = till
        .pay(&anna, &ActionId::new(), &cart, &[Payment::card(m("1347.00"))])
        .expect("pay");
    assert_eq!(receipt.draft().lines.len(), 1);
}

#[test]
fn owners_switch_promotions_off_and_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let (mut till, _clock) = demo_till(&path, "2026-11-26T12:00:00+03:00");
    let anna = login(&mut till, "E1");
    let maria = login(&mut till, "E3");
    let mut cart = Cart::new();
    till.add_product(&anna, &mut cart, "1010", q("2")).expect("chocolate");
    assert_eq!(cart.total(), m("119.00"));

    // A cashier may not; a manager may. The cart follows at its next change.
    let refused = till.set_promotion_enabled(&anna, &ActionId::new(), "P1", false);
    assert!(matches!(refused, Err(Error::Forbidden { .. })), "{refused:?}");
    assert!(matches!(till.promotions(&anna), Err(Error::Forbidden { .. })));
    till.set_promotion_enabled(&maria, &ActionId::new(), "P1", false)
        .expect("switch off");
    till.reprice(&mut cart).expect("reprice");
    assert_eq!(cart.total(), m("238.00"));
    let list = till.promotions(&maria).expect("list");
    let states: Vec<(&str, bool)> = list.iter().map(|c| (c.promotion.id.as_str(), c.enabled)).collect();
    assert_eq!(
        states,
        [("P1", false), ("P2", true), ("P3", true), ("P4", true), ("P5", true)]
    );
    // Exported elsewhere, a switched-off promotion must not come back on:
    // the journal says it is off.
    let mut journal = Vec::new();
    kassa::journal::export(till.db(), None, None, &mut journal).expect("export");
    let journal = String::from_utf8(journal).expect("utf-8");
    let p1: Vec<&str> = journal.lines().filter(|l| l.contains(r#""id":"P1""#)).collect();
    assert_eq!(p1.len(), 1, "{p1:?}");
    assert!(p1[0].ends_with(r#","enabled":false}"#), "{p1:?}");
    assert!(journal.contains(r#""id":"P2""#));
    // An unknown id is an error; switching on again restores the pair.
    let unknown = till.set_promotion_enabled(&maria, &ActionId::new(), "P9", true);
    assert!(matches!(unknown, Err(Error::NotFound { .. })), "{unknown:?}");
    till.set_promotion_enabled(&maria, &ActionId::new(), "P1", true)
        .expect("switch on");
    till.reprice(&mut cart).expect("reprice");
    assert_eq!(cart.total(), m("119.00"));
    // The history says who did it: two new versions of the card.
    let history = till.history(&maria, 5).expect("history");
    let last: Vec<(&str, Option<&str>, bool)> = history
        .iter()
        .rev()
        .take(2)
        .map(|e| {
            (
                e.kind.as_str(),
                e.actor.as_deref(),
                e.payload.contains(r#""enabled":false"#),
            )
        })
        .collect();
    assert_eq!(
        last,
        [("promotion", Some("E3"), false), ("promotion", Some("E3"), true)]
    );
}

#[test]
fn a_return_without_a_receipt_gets_no_promotions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let (mut till, _clock) = demo_till(&path, "2026-11-26T12:00:00+03:00");
    let maria = login(&mut till, "E3");
    till.open_shift(&maria, &ActionId::new()).expect("open");
    till.cash_in(&maria, &ActionId::new(), m("1000.00")).expect("float");
    let mut cart = Cart::for_return();
    till.scan(&maria, &mut cart, CHOCOLATE).expect("scan");
    till.scan(&maria, &mut cart, CHOCOLATE).expect("scan");
    assert_eq!(cart.total(), m("238.00"), "no 2-for-1 on goods coming back");
    let refund = till
        .return_without_receipt(&maria, &ActionId::new(), &cart, PaymentMethod::Cash)
        .expect("return");
    assert_eq!(refund.total(), m("238.00"));
    // A sale cart is not a return cart, and the other way round.
    let mut sale = Cart::new();
    till.scan(&maria, &mut sale, CHOCOLATE).expect("scan");
    assert!(till
        .return_without_receipt(&maria, &ActionId::new(), &sale, PaymentMethod::Cash)
        .is_err());
    assert!(till
        .pay(&maria, &ActionId::new(), &cart, &[Payment::cash(m("238.00"))])
        .is_err());
}

fn promotion(id: &str, rule: Rule) -> Promotion {
    Promotion {
        id: id.into(),
        name: "Акция".into(),
        stores: PromoStores::All,
        from: NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
        to: NaiveDate::from_ymd_opt(2026, 11, 30).expect("date"),
        days: vec![1, 2, 3, 4, 5, 6, 7],
        hours: (0, 1440),
        priority: 0,
        exclusive: false,
        rule,
    }
}

#[test]
fn bad_promotions_are_refused_when_saved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let (mut till, _clock) = demo_till(&path, "2026-11-26T12:00:00+03:00");
    let owner = login(&mut till, "E4");
    let sku = |s: &str| Target::Sku(s.into());
    let pct = |s: &str| Percent::parse(s).expect("pct");
    let good = promotion(
        "P9",
        Rule::Percent {
            target: sku("1001"),
            pct: pct("10"),
        },
    );
    let cases: Vec<(Promotion, &str)> = vec![
        (
            promotion(
                "P9",
                Rule::NForM {
                    target: sku("1010"),
                    n: 2,
                    m: 2,
                },
            ),
            "n (2) must be greater than m (2)",
        ),
        (
            promotion(
                "P9",
                Rule::Percent {
                    target: sku("1001"),
                    pct: pct("0"),
                },
            ),
            "pct 0 must be greater than 0",
        ),
        (
            promotion(
                "P9",
                Rule::Bundle {
                    skus: vec![],
                    price: m("100.00"),
                },
            ),
            "a bundle needs at least two skus",
        ),
        (
            promotion(
                "P9",
                Rule::Bundle {
                    skus: vec!["1008".into(), "1010".into()],
                    price: Money::ZERO,
                },
            ),
            "price must be greater than 0.00",
        ),
        (
            promotion(
                "P9",
                Rule::Percent {
                    target: sku("9999"),
                    pct: pct("10"),
                },
            ),
            "rule.sku: unknown product `9999`",
        ),
        (
            promotion(
                "P9",
                Rule::Percent {
                    target: Target::Category("Нет такой".into()),
                    pct: pct("10"),
                },
            ),
            "unknown category `Нет такой`",
        ),
        (
            promotion(
                "P9",
                Rule::NForM {
                    target: sku("1005"),
                    n: 3,
                    m: 2,
                },
            ),
            "Сыр Российский is sold by kg, and this rule counts whole units",
        ),
        (
            promotion(
                "P9",
                Rule::Gift {
                    min_total: m("500.00"),
                    gift_sku: "1015".into(),
                },
            ),
            "Кроссовки беговые is marked",
        ),
        (
            Promotion {
                hours: (600, 600),
                ..good.clone()
            },
            "hours: the window 10:00-10:00 is empty",
        ),
        (
            Promotion {
                days: vec![1, 1],
                ..good.clone()
            },
            "weekday 1 is listed twice",
        ),
        (
            Promotion {
                to: NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"),
                ..good.clone()
            },
            "to 2026-10-01 is before from 2026-11-01",
        ),
        (
            Promotion {
                stores: PromoStores::Only(vec!["S9".into()]),
                ..good.clone()
            },
            "S9",
        ),
    ];
    let before = dump(&path);
    for (bad, expected) in cases {
        let error = till
            .save_promotion(&owner, &ActionId::new(), bad.clone())
            .expect_err("refused");
        assert!(error.to_string().contains(expected), "{bad:?}: {error}");
    }
    assert_eq!(dump(&path), before, "nothing saved");
    till.save_promotion(&owner, &ActionId::new(), good)
        .expect("a good one saves");
    assert_eq!(till.promotions(&owner).expect("list").len(), 6);
}

#[test]
fn the_register_takes_a_gift_at_price_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut till, anna, device) = crate::fiscal::open_on_emulator(dir.path(), kassa_fiscal::emulator::local_clock());
    let mut cart = Cart::new();
    till.add_product(&anna, &mut cart, "1010", q("2")).expect("chocolate");
    till.add_product(&anna, &mut cart, "1008", q("2")).expect("coffee");
    let receipt = till
        .pay(&anna, &ActionId::new(), &cart, &[Payment::card(m("1017.00"))])
        .expect("pay");
    assert_eq!(till.fiscalize_pending().expect("registered"), 1);
    assert!(till.fiscal_error().is_none());
    assert!(matches!(
        till.fiscal_state(receipt.id()).expect("state"),
        kassa::fiscal::FiscalState::Registered { .. }
    ));
    // After the shift's opening report (document 1), one sale (sign 1) of
    // 1017.00: the bag went at 0.00.
    assert_eq!(crate::fiscal::receipt_documents(&device), [(2, 1, 101_700)]);
}
