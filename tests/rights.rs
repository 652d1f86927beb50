//! The rights matrix: every action × every role, allowed or refused exactly
//! as the role's rights are configured, checked in the core.

use std::path::Path;

use kassa::catalog::Product;
use kassa::db::report::Period;
use kassa::error::Error;
use kassa::money::Percent;
use kassa::sale::{Cart, Payment, PaymentMethod};
use kassa::shift::CashOutReason;
use kassa::staff::{Employee, Permission, Rights, Role};
use kassa::stock::{StockDoc, StockDocKind, StockLine};
use kassa::till::{ActionId, ReturnLine, Session, Till};

use crate::util::{at, demo_db, demo_till, login, m, q};

const ROLES: [(Role, &str); 4] = [
    (Role::Cashier, "E1"),
    (Role::SeniorCashier, "E2"),
    (Role::Manager, "E3"),
    (Role::Owner, "E4"),
];

/// An action a user can take, with the right it needs and how to try it
/// on a till where the owner has opened a shift and made one sale.
struct Action {
    name: &'static str,
    needs: Permission,
    needs_open_shift: bool,
    run: fn(&mut Till, &Session, &str) -> Result<(), Error>,
}

fn sale_cart(till: &mut Till, s: &Session) -> Result<Cart, Error> {
    let mut cart = Cart::new();
    till.add_product(s, &mut cart, "1001", q("1"))?;
    Ok(cart)
}

const ACTIONS: &[Action] = &[
    Action {
        name: "open shift",
        needs: Permission::OpenCloseShift,
        needs_open_shift: false,
        run: |t, s, _| t.open_shift(s, &ActionId::new()).map(drop),
    },
    Action {
        name: "close shift",
        needs: Permission::OpenCloseShift,
        needs_open_shift: true,
        run: |t, s, _| t.close_shift(s, &ActionId::new()).map(drop),
    },
    Action {
        name: "X report",
        needs: Permission::OpenCloseShift,
        needs_open_shift: true,
        run: |t, s, _| t.x_report(s).map(drop),
    },
    Action {
        name: "cash in",
        needs: Permission::CashInOut,
        needs_open_shift: true,
        run: |t, s, _| t.cash_in(s, &ActionId::new(), m("100.00")),
    },
    Action {
        name: "cash out",
        needs: Permission::CashInOut,
        needs_open_shift: true,
        run: |t, s, _| t.cash_out(s, &ActionId::new(), m("10.00"), CashOutReason::Collection),
    },
    Action {
        name: "sell",
        needs: Permission::Sell,
        needs_open_shift: true,
        run: |t, s, _| {
            let cart = sale_cart(t, s)?;
            t.pay(s, &ActionId::new(), &cart, &[Payment::cash(m("50.00"))])
                .map(drop)
        },
    },
    Action {
        name: "search products",
        needs: Permission::Sell,
        needs_open_shift: false,
        run: |t, s, _| t.find_products(s, "хл", 5).map(drop),
    },
    Action {
        name: "line discount 1 %",
        needs: Permission::Discount,
        needs_open_shift: false,
        run: |t, s, _| {
            let mut cart = Cart::new();
            cart.add(t.db().product("1008")?.expect("coffee"), q("1"))?;
            t.set_line_discount_pct(s, &mut cart, 0, Percent::parse("1").expect("pct"))
        },
    },
    Action {
        name: "return against a receipt",
        needs: Permission::Return,
        needs_open_shift: true,
        run: |t, s, sale| {
            t.return_sale(
                s,
                &ActionId::new(),
                sale,
                &[ReturnLine {
                    sku: "1001".into(),
                    qty: q("1"),
                }],
            )
            .map(drop)
        },
    },
    Action {
        name: "return without receipt",
        needs: Permission::ReturnWithoutReceipt,
        needs_open_shift: true,
        run: |t, s, _| {
            let mut cart = Cart::for_return();
            cart.add(t.db().product("1001")?.expect("bread"), q("1"))?;
            t.return_without_receipt(s, &ActionId::new(), &cart, PaymentMethod::Cash)
                .map(drop)
        },
    },
    Action {
        name: "receive a supply",
        needs: Permission::ManageStock,
        needs_open_shift: false,
        run: |t, s, _| {
            t.book_stock(
                s,
                &ActionId::new(),
                StockDoc {
                    kind: StockDocKind::Supply,
                    id: "W-9".into(),
                    store: "S1".into(),
                    at: at("2026-11-03T08:00:00+03:00"),
                    supplier: Some("ООО «Поставщик»".into()),
                    reason: None,
                    lines: vec![StockLine {
                        sku: "1001".into(),
                        qty: q("10"),
                        cost: Some(m("27.00")),
                    }],
                },
            )
        },
    },
    Action {
        name: "edit a product",
        needs: Permission::EditCatalog,
        needs_open_shift: false,
        run: |t, s, _| {
            let mut bread: Product = t.db().product("1001")?.expect("bread");
            bread.price = m("47.00");
            t.save_product(s, &ActionId::new(), bread)
        },
    },
    Action {
        name: "add an employee",
        needs: Permission::ManageStaff,
        needs_open_shift: false,
        run: |t, s, _| {
            let employee = Employee {
                id: "E9".into(),
                name: "Новый Кассир".into(),
                role: Role::Cashier,
                commission_pct: Percent::ZERO,
                active: true,
            };
            t.save_employee(s, &ActionId::new(), employee, Some("9999".into()))
        },
    },
    Action {
        name: "change rights",
        needs: Permission::ManageStaff,
        needs_open_shift: false,
        run: |t, s, _| t.set_rights(s, &ActionId::new(), Role::Cashier, &Rights::default_for(Role::Cashier)),
    },
    Action {
        name: "lock a period",
        needs: Permission::EditClosedPeriod,
        needs_open_shift: false,
        run: |t, s, _| {
            t.lock_period(
                s,
                &ActionId::new(),
                chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("date"),
            )
        },
    },
    Action {
        name: "run a report",
        needs: Permission::ViewReports,
        needs_open_shift: false,
        run: |t, s, _| {
            let period = Period {
                from: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
                to: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("date"),
                store: None,
            };
            t.report(s, "shift_summary", &period.into()).map(drop)
        },
    },
    Action {
        name: "read the action history",
        needs: Permission::ViewReports,
        needs_open_shift: false,
        run: |t, s, _| t.history(s, 10).map(drop),
    },
];

/// Runs every action as every role on a copy of `template`, expecting what
/// the configured rights say.
fn check_matrix(template: &Path) {
    let owner_rights: Vec<Rights> = {
        let db = kassa::db::Db::open(template).expect("open");
        ROLES
            .iter()
            .map(|(role, _)| db.rights(*role).expect("rights"))
            .collect()
    };
    for ((role, employee), rights) in ROLES.iter().zip(&owner_rights) {
        for action in ACTIONS {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("kassa.db");
            std::fs::copy(template, &path).expect("copy");
            let (mut till, _clock) = demo_till(&path, "2026-11-03T10:00:00+03:00");
            let owner = login(&mut till, "E4");
            let mut sale = String::new();
            if action.needs_open_shift {
                till.open_shift(&owner, &ActionId::new()).expect("owner opens");
                till.cash_in(&owner, &ActionId::new(), m("1000.00")).expect("float");
                let cart = sale_cart(&mut till, &owner).expect("cart");
                sale = till
                    .pay(&owner, &ActionId::new(), &cart, &[Payment::cash(m("45.50"))])
                    .expect("sale")
                    .id()
                    .to_owned();
            }
            let session = login(&mut till, employee);
            let before = till.db().event_count().expect("count");
            let result = (action.run)(&mut till, &session, &sale);
            let allowed = rights.allows(action.needs);
            match (&result, allowed) {
                (Ok(()), true) => {}
                (Err(Error::Forbidden { permission, .. }), false) => {
                    assert_eq!(*permission, action.needs, "{role}: {}", action.name);
                    assert_eq!(
                        till.db().event_count().expect("count"),
                        before,
                        "a refusal changes nothing"
                    );
                }
                _ => panic!("{role} / {}: expected allowed = {allowed}, got {result:?}", action.name),
            }
        }
    }
}

#[test]
fn every_action_for_every_role_as_configured() {
    let dir = tempfile::tempdir().expect("tempdir");
    let template = demo_db(dir.path());
    check_matrix(&template);

    // The owner reconfigures: cashiers may no longer return, but may see reports.
    {
        let (mut till, _clock) = demo_till(&template, "2026-11-03T09:00:00+03:00");
        let owner = login(&mut till, "E4");
        let mut cashier = Rights::default_for(Role::Cashier);
        cashier.permissions.remove(&Permission::Return);
        cashier.permissions.insert(Permission::ViewReports);
        till.set_rights(&owner, &ActionId::new(), Role::Cashier, &cashier)
            .expect("owner sets rights");
        assert_eq!(till.db().rights(Role::Cashier).expect("rights"), cashier);
    }
    check_matrix(&template);
}

#[test]
fn discounts_stop_at_the_role_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_db(dir.path());
    let (mut till, _clock) = demo_till(&path, "2026-11-03T10:00:00+03:00");
    let anna = login(&mut till, "E1");
    let mut cart = Cart::new();
    let line = till
        .add_product(&anna, &mut cart, "1008", q("1"))
        .expect("coffee 449.00");
    // 5 % of 449.00 is 22.45: allowed; 22.46 is over the cashier's limit.
    let over = till.set_line_discount(&anna, &mut cart, line, m("22.46"));
    assert!(matches!(over, Err(Error::DiscountOverLimit { .. })), "{over:?}");
    assert_eq!(
        cart.total(),
        m("449.00"),
        "a refused discount leaves the cart as it was"
    );
    till.set_line_discount(&anna, &mut cart, line, m("22.45"))
        .expect("at the limit");
    // A cart doctored past the limit is refused again when paid.
    cart.set_discount(line, m("100.00"))
        .expect("the cart itself only checks the amount");
    till.open_shift(&anna, &ActionId::new()).expect("open");
    let paid = till.pay(&anna, &ActionId::new(), &cart, &[Payment::cash(m("349.00"))]);
    assert!(matches!(paid, Err(Error::DiscountOverLimit { .. })), "{paid:?}");
    assert_eq!(till.x_report(&anna).expect("x").sales_count, 0);
}
