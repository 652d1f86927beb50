//! A whole shift worked out by hand to the kopeck: float 5,000.00, twelve
//! sales (weighed goods, discounts, the demo's 2-for-1 promotion, mixed
//! payments with change), two returns (one partial), an expense, a
//! collection, close. Every Z figure asserted.
//!
//! Prices (demo catalogue): 1001 хлеб 45.50, 1003 молоко 89.90,
//! 1005 сыр 899.00/kg, 1006 яблоки 129.90/kg, 1008 кофе 449.00,
//! 1010 шоколад 119.00, 1012 сок 139.00.

use chrono::Duration;
use kassa::error::Error;
use kassa::money::Money;
use kassa::promo::PromoShare;
use kassa::sale::{Cart, Payment, PaymentMethod};
use kassa::shift::CashOutReason;
use kassa::till::{ActionId, ReturnLine, Session, Till};

use crate::util::{demo_db, demo_till, login, m, q};

/// Rings up `(sku, qty, discount)` lines and pays; returns the receipt id,
/// asserting the total and change worked out by hand.
fn sell(
    till: &mut Till,
    s: &Session,
    lines: &[(&str, &str, &str)],
    pay: &[Payment],
    total: &str,
    change: &str,
) -> String {
    let mut cart = Cart::new();
    for (sku, qty, discount) in lines {
        let line = till.add_product(s, &mut cart, sku, q(qty)).expect("add");
        if *discount != "0" {
            till.set_line_discount(s, &mut cart, line, m(discount))
                .expect("discount within limit");
        }
    }
    let receipt = till.pay(s, &ActionId::new(), &cart, pay).expect("pay");
    assert_eq!(receipt.total(), m(total), "total of {lines:?}");
    assert_eq!(receipt.change(), m(change), "change of {lines:?}");
    receipt.id().to_owned()
}

#[test]
fn a_day_at_the_till_to_the_kopeck() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let (mut till, clock) = demo_till(&path, "2026-11-03T09:00:00+03:00");
    let anna = login(&mut till, "E1");
    let tick = || clock.advance(Duration::minutes(7));

    till.open_shift(&anna, &ActionId::new()).expect("open");
    till.cash_in(&anna, &ActionId::new(), m("5000.00")).expect("float");
    tick();

    let cash = Payment::cash;
    let card = Payment::card;
    // 1. 2 × 45.50 + 89.90 = 180.90; cash 200.00 → change 19.10
    sell(
        &mut till,
        &anna,
        &[("1001", "2", "0"), ("1003", "1", "0")],
        &[cash(m("200.00"))],
        "180.90",
        "19.10",
    );
    tick();
    // 2. 1.245 kg × 129.90 = 161.7255 → 161.73 by card
    sell(
        &mut till,
        &anna,
        &[("1006", "1.245", "0")],
        &[card(m("161.73"))],
        "161.73",
        "0.00",
    );
    tick();
    // 3. 0.412 kg × 899.00 = 370.388 → 370.39; coffee 449.00 − 5 % (22.45) = 426.55;
    //    796.94: card 500.00 + cash 300.00 → change 3.06
    let sale3 = sell(
        &mut till,
        &anna,
        &[("1005", "0.412", "0"), ("1008", "1", "22.45")],
        &[card(m("500.00")), cash(m("300.00"))],
        "796.94",
        "3.06",
    );
    tick();
    // 4. 3 × 119.00 = 357.00 − 17.85 (5 % by hand) = 339.15; then P1 "2 по
    //    цене 1" frees one unit of the three: 339.15 / 3 = 113.05 → 226.10,
    //    exact cash
    let sale4 = sell(
        &mut till,
        &anna,
        &[("1010", "3", "17.85")],
        &[cash(m("226.10"))],
        "226.10",
        "0.00",
    );
    // The receipt keeps why: 130.90 off, of which 113.05 by P1.
    let booked = till.db().receipt(&sale4).expect("read").expect("sale 4");
    let chocolate = &booked.draft().lines[0];
    assert_eq!(chocolate.discount, m("130.90"));
    assert_eq!(
        chocolate.promotions,
        [PromoShare {
            promotion: "P1".into(),
            discount: m("113.05")
        }]
    );
    tick();
    // 5. 2 × 139.00 = 278.00 by card
    let sale5 = sell(
        &mut till,
        &anna,
        &[("1012", "2", "0")],
        &[card(m("278.00"))],
        "278.00",
        "0.00",
    );
    tick();
    // 6. 45.50 + 0.870 kg × 129.90 = 113.013 → 113.01; 158.51; cash 1000.00 → change 841.49
    sell(
        &mut till,
        &anna,
        &[("1001", "1", "0"), ("1006", "0.870", "0")],
        &[cash(m("1000.00"))],
        "158.51",
        "841.49",
    );
    tick();
    // 7. 2 × 449.00 = 898.00: card 400.00 + cash 500.00 → change 2.00
    sell(
        &mut till,
        &anna,
        &[("1008", "2", "0")],
        &[card(m("400.00")), cash(m("500.00"))],
        "898.00",
        "2.00",
    );
    tick();
    // 8. 3 × 89.90 = 269.70; cash 300.00 → change 30.30
    let sale8 = sell(
        &mut till,
        &anna,
        &[("1003", "3", "0")],
        &[cash(m("300.00"))],
        "269.70",
        "30.30",
    );
    tick();
    // 9. 1.005 kg × 899.00 = 903.495 → 903.50 (half up) by card
    sell(
        &mut till,
        &anna,
        &[("1005", "1.005", "0")],
        &[card(m("903.50"))],
        "903.50",
        "0.00",
    );
    tick();
    // 10. 119.00 + 139.00 = 258.00, exact cash
    sell(
        &mut till,
        &anna,
        &[("1010", "1", "0"), ("1012", "1", "0")],
        &[cash(m("258.00"))],
        "258.00",
        "0.00",
    );
    tick();
    // 11. 0.333 kg × 129.90 = 43.2567 → 43.26 + 45.50 = 88.76; cash 100.00 → change 11.24
    sell(
        &mut till,
        &anna,
        &[("1006", "0.333", "0"), ("1001", "1", "0")],
        &[cash(m("100.00"))],
        "88.76",
        "11.24",
    );
    tick();
    // 12. 449.00 − 10.00 + 89.90 = 528.90: card 28.90 + cash 500.00, no change
    sell(
        &mut till,
        &anna,
        &[("1008", "1", "10.00"), ("1003", "1", "0")],
        &[card(m("28.90")), cash(m("500.00"))],
        "528.90",
        "0.00",
    );
    tick();

    // A partial return: 1 of the 2 juices of sale 5, back to the card: 139.00.
    let partial = till
        .return_sale(
            &anna,
            &ActionId::new(),
            &sale5,
            &[ReturnLine {
                sku: "1012".into(),
                qty: q("1"),
            }],
        )
        .expect("partial return");
    assert_eq!(partial.total(), m("139.00"));
    assert_eq!(partial.net_by(PaymentMethod::Card), m("139.00"));
    tick();
    // A whole return of sale 8 (paid in cash, 30.30 change): 269.70 in cash.
    let whole = till
        .return_sale(
            &anna,
            &ActionId::new(),
            &sale8,
            &[ReturnLine {
                sku: "1003".into(),
                qty: q("3"),
            }],
        )
        .expect("whole return");
    assert_eq!(whole.total(), m("269.70"));
    assert_eq!(whole.net_by(PaymentMethod::Cash), m("269.70"));
    // Nothing is left to return from sale 8.
    let again = till.return_sale(
        &anna,
        &ActionId::new(),
        &sale8,
        &[ReturnLine {
            sku: "1003".into(),
            qty: q("1"),
        }],
    );
    assert!(matches!(again, Err(Error::ReturnExceedsSale { .. })), "{again:?}");
    // The coffee of sale 3 was discounted: its return would refund 426.55, not 449.00.
    assert_eq!(
        till.db().receipt(&sale3).expect("read").expect("sale 3").total(),
        m("796.94")
    );
    tick();

    // Drawer: 5000.00 + 2476.91 cash net of change − 269.70 refunded = 7207.21.
    assert_eq!(till.cash_in_drawer().expect("drawer"), m("7207.21"));
    till.cash_out(&anna, &ActionId::new(), m("150.00"), CashOutReason::Expense)
        .expect("expense");
    tick();
    // 7057.21 in the drawer: collecting a kopeck more is refused and changes nothing.
    let too_much = till.cash_out(&anna, &ActionId::new(), m("7057.22"), CashOutReason::Collection);
    assert!(
        matches!(too_much, Err(Error::DrawerShort { available, requested, .. })
            if available == m("7057.21") && requested == m("7057.22")),
        "{too_much:?}"
    );
    till.cash_out(&anna, &ActionId::new(), m("7000.00"), CashOutReason::Collection)
        .expect("collection");
    tick();

    let x = till.x_report(&anna).expect("X report");
    assert_eq!(x.closed_at, None);
    let z = till.close_shift(&anna, &ActionId::new()).expect("close");
    assert!(z.closed_at.is_some());
    assert_eq!(z.sales_count, 12);
    assert_eq!(z.sales, m("4749.04"));
    assert_eq!(z.returns_count, 2);
    assert_eq!(z.returns, m("408.70"));
    assert_eq!(z.cash.sales, m("2476.91"));
    assert_eq!(z.cash.returns, m("269.70"));
    assert_eq!(z.cash.net(), m("2207.21"));
    assert_eq!(z.card.sales, m("2272.13"));
    assert_eq!(z.card.returns, m("139.00"));
    assert_eq!(z.card.net(), m("2133.13"));
    assert_eq!(z.other.net(), Money::ZERO);
    assert_eq!(z.cash_in, m("5000.00"));
    assert_eq!(z.cash_out, m("7150.00"));
    assert_eq!(z.collections, m("7000.00"));
    assert_eq!(z.net_revenue(), m("4340.34"));
    assert_eq!(z.cash_in_drawer(), m("57.21"));
    // The X report taken before closing saw the same sales.
    assert_eq!((x.sales, x.cash_in_drawer()), (z.sales, z.cash_in_drawer()));

    // Stock moved with every sale and return: хлеб 40 supplied, 3 sold on the
    // demo day, 4 today → 33; молоко 24 − 3 − (1 + 3 + 1) + 3 returned = 19.
    assert_eq!(till.db().stock_milli("S1", "1001").expect("stock"), 33_000);
    assert_eq!(till.db().stock_milli("S1", "1003").expect("stock"), 19_000);
    // Сыр 8.500 kg − 0.412 (demo day) − 0.412 − 1.005 = 6.671 kg.
    assert_eq!(till.db().stock_milli("S1", "1005").expect("stock"), 6_671);
}
