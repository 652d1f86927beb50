//! `till`: a cashier's actions from the command line, each one action;
//! and the hidden `simulate-sales` of the load and crash tests.

use std::path::Path;

use clap::Subcommand;

use kassa::clock::SystemClock;
use kassa::money::{Money, Qty};
use kassa::sale::{Cart, Payment};
use kassa::till::{ActionId, Till};
use kassa::{Books, Credentials};

use crate::{Failure, Outcome};

#[derive(clap::Args)]
pub(crate) struct TillArgs {
    /// Store.
    #[arg(long, default_value = "S1")]
    pub(crate) store: String,
    /// Till.
    #[arg(long, default_value = "T1")]
    pub(crate) till: String,
    /// The action's id: a script that retries the same command after a
    /// crash with the same id never books twice.
    #[arg(long)]
    pub(crate) action_id: Option<String>,
    #[command(subcommand)]
    pub(crate) action: TillAction,
}

#[derive(Subcommand)]
pub(crate) enum TillAction {
    /// Open a shift, putting the float into the drawer.
    Open {
        /// Float (внесение), e.g. 5000.00.
        #[arg(long)]
        float: Option<String>,
    },
    /// Sell: each ITEM is a scan (barcode, weighed label, marking code) or SKU:QTY.
    Sell {
        /// What to sell.
        #[arg(required = true)]
        items: Vec<String>,
        /// Cash tendered (change is given); without it the sale is paid by card.
        #[arg(long)]
        cash: Option<String>,
    },
    /// Return goods against a sale receipt: each ITEM is SKU:QTY.
    Return {
        /// The sale receipt.
        receipt: String,
        /// What comes back.
        #[arg(required = true)]
        items: Vec<String>,
    },
    /// Cash in (внесение).
    CashIn {
        /// Amount.
        amount: String,
    },
    /// Cash out (выплата; collection = инкассация).
    CashOut {
        /// Amount.
        amount: String,
        /// Why.
        #[arg(long, default_value = "collection")]
        reason: String,
    },
    /// X report of the open shift.
    XReport,
    /// Close the shift (Z report).
    Close,
    /// Register receipts still waiting for the fiscal register.
    Fiscalize,
    /// A stock count (инвентаризация): each ITEM is SKU:QTY found; the
    /// books take those quantities (the manage_stock right).
    Count {
        /// The count's id (default: INV- and the moment).
        #[arg(long)]
        id: Option<String>,
        /// What was found.
        #[arg(required = true)]
        items: Vec<String>,
    },
}

pub(crate) fn money_arg(text: &str) -> Result<Money, String> {
    Money::parse_positive(text).map_err(|e| format!("{}: {e}", crate::output::one_line(text)))
}

fn qty_arg(item: &str, qty: &str) -> Result<Qty, String> {
    Qty::parse(qty).map_err(|err| format!("{}: {err}", crate::output::one_line(item)))
}

/// A till command with its input parsed: nothing is done before all of it
/// is known to be good.
enum TillPlan {
    Open(Option<Money>),
    Sell {
        items: Vec<Item>,
        cash: Option<Money>,
    },
    Return {
        receipt: String,
        lines: Vec<kassa::till::ReturnLine>,
    },
    CashIn(Money),
    CashOut(Money, kassa::shift::CashOutReason),
    XReport,
    Close,
    Fiscalize,
    Count {
        id: Option<String>,
        lines: Vec<kassa::till::ReturnLine>,
    },
}

/// `SKU:QTY` items (a return, a count).
fn sku_quantities(items: &[String]) -> Result<Vec<kassa::till::ReturnLine>, String> {
    let mut lines = Vec::new();
    for item in items {
        let (sku, qty) = item
            .split_once(':')
            .ok_or_else(|| format!("{}: expected SKU:QTY", crate::output::one_line(item)))?;
        lines.push(kassa::till::ReturnLine {
            sku: sku.to_owned(),
            qty: qty_arg(item, qty)?,
        });
    }
    Ok(lines)
}

/// One thing to sell: a scan, or a sku with its quantity.
enum Item {
    Scan(String),
    Sku(String, Qty),
}

impl TillPlan {
    fn parse(action: TillAction) -> Result<TillPlan, String> {
        Ok(match action {
            TillAction::Open { float } => TillPlan::Open(float.as_deref().map(money_arg).transpose()?),
            TillAction::Sell { items, cash } => TillPlan::Sell {
                items: items
                    .iter()
                    .map(|item| match item.split_once(':') {
                        Some((sku, qty)) => Ok(Item::Sku(sku.to_owned(), qty_arg(item, qty)?)),
                        None => Ok(Item::Scan(item.clone())),
                    })
                    .collect::<Result<_, String>>()?,
                cash: cash.as_deref().map(money_arg).transpose()?,
            },
            TillAction::Return { receipt, items } => TillPlan::Return {
                receipt,
                lines: sku_quantities(&items)?,
            },
            TillAction::Count { id, items } => TillPlan::Count {
                id,
                lines: sku_quantities(&items)?,
            },
            TillAction::CashIn { amount } => TillPlan::CashIn(money_arg(&amount)?),
            TillAction::CashOut { amount, reason } => {
                let reason = kassa::shift::CashOutReason::from_code(&reason).ok_or_else(|| {
                    format!(
                        "--reason {}: expected collection, expense or other",
                        crate::output::one_line(&reason)
                    )
                })?;
                TillPlan::CashOut(money_arg(&amount)?, reason)
            }
            TillAction::XReport => TillPlan::XReport,
            TillAction::Close => TillPlan::Close,
            TillAction::Fiscalize => TillPlan::Fiscalize,
        })
    }
}

/// Runs one till action: logs in, then (after the login) reaches the
/// register, acts once, waits for the register's outcome and shows it.
pub(crate) fn run(path: &Path, who: Option<Credentials<'_>>, args: TillArgs) -> Outcome {
    let who = who.ok_or_else(|| Failure::Said("kassa till needs --employee ID and --pin PIN (or KASSA_PIN)".into()))?;
    let plan = TillPlan::parse(args.action)?;
    let books = Books::open_existing(path)?;
    let device = books.till_device(&args.store, &args.till)?;
    let mut till = books.till(&args.store, &args.till, Box::new(SystemClock))?;
    let session = till.login(who.employee, who.pin)?;
    crate::register::connect(&mut till, device.as_ref(), path)?;
    let action = args.action_id.map(ActionId::from_string).unwrap_or_default();
    let done = match plan {
        TillPlan::Open(float) => Done::Shift(till.open_shift_with_float(&session, &action, float)?),
        TillPlan::Sell { items, cash } => {
            // The cart first (nothing is written while scanning), then one
            // sale; the first sale of the day opens the shift, as at the till.
            let mut cart = Cart::new();
            for item in &items {
                match item {
                    Item::Scan(code) => till.scan(&session, &mut cart, code),
                    Item::Sku(sku, qty) => till.add_product(&session, &mut cart, sku, *qty),
                }?;
            }
            let payment = match cash {
                Some(cash) if cash < cart.total() => {
                    return Err(kassa::Error::Underpaid {
                        paid: cash,
                        total: cart.total(),
                    }
                    .into())
                }
                Some(cash) => Payment::cash(cash),
                None => Payment::card(cart.total()),
            };
            if till.current_shift()?.is_none() {
                let open = ActionId::from_string(format!("{}:open", action.as_str()));
                let shift = till.open_shift_with_float(&session, &open, None)?;
                eprintln!("shift {shift} opened");
            }
            Done::Receipt(till.pay(&session, &action, &cart, &[payment])?)
        }
        TillPlan::Return { receipt, lines } => Done::Receipt(till.return_sale(&session, &action, &receipt, &lines)?),
        TillPlan::CashIn(amount) => {
            till.cash_in(&session, &action, amount)?;
            Done::Cash
        }
        TillPlan::CashOut(amount, reason) => {
            till.cash_out(&session, &action, amount, reason)?;
            Done::Cash
        }
        TillPlan::XReport => Done::Totals("X", till.x_report(&session)?),
        TillPlan::Close => Done::Totals("Z", till.close_shift(&session, &action)?),
        TillPlan::Fiscalize => {
            let n = till.fiscalize_pending()?;
            println!("{n} receipts registered");
            return Ok(());
        }
        TillPlan::Count { id, lines } => {
            use kassa::clock::Clock;
            let at = SystemClock.now();
            let id = id.unwrap_or_else(|| format!("INV-{}", at.time().format("%Y%m%d-%H%M%S")));
            let count = kassa::stock::StockCount {
                id: id.clone(),
                store: args.store.clone(),
                at,
                lines: lines
                    .into_iter()
                    .map(|l| kassa::stock::CountLine { sku: l.sku, qty: l.qty })
                    .collect(),
            };
            let products = count.lines.len();
            till.count_stock(&session, &action, count)?;
            println!("stock count {id}: {products} products set to what was found");
            return Ok(());
        }
    };
    wait_for_register(&mut till);
    match done {
        Done::Shift(shift) => println!("shift {shift} open; cash in the drawer {}", till.cash_in_drawer()?),
        Done::Receipt(receipt) => print_receipt(&till, &receipt)?,
        Done::Cash => println!("cash in the drawer {}", till.cash_in_drawer()?),
        Done::Totals(kind, totals) => print_totals(kind, &totals),
    }
    Ok(())
}

/// What a till command did, shown once the register has had its say.
enum Done {
    Shift(String),
    Receipt(kassa::sale::Receipt),
    Cash,
    Totals(&'static str, kassa::shift::ShiftTotals),
}

/// Sells small carts from the demo catalogue on till T9 of store S1 as the
/// demo cashier, each sale its own action, until killed or `count` is done.
pub(crate) fn simulate_sales(path: &Path, count: Option<u64>, fiscal: bool) -> Outcome {
    let mut books = Books::open(path)?;
    books.load_demo(&SystemClock, None)?;
    if books.till_device("S1", "T9").is_err() {
        let owner = Credentials {
            employee: "E4",
            pin: "4444",
        };
        books.set_up_till(&SystemClock, Some(owner), "S1", "T9", None)?;
    }
    let device = books.till_device("S1", "T9")?;
    let mut till = books.till("S1", "T9", Box::new(SystemClock))?;
    let session = till.login("E1", "1111")?;
    if fiscal {
        crate::register::connect(&mut till, device.as_ref(), path)?;
    }
    if till.current_shift()?.is_none() {
        let float = Money::from_kopecks(500_000);
        till.open_shift_with_float(&session, &ActionId::new(), Some(float))?;
    }
    let skus = ["1001", "1003", "1006", "1008", "1010", "1012"];
    let mut n: u64 = 0;
    while count.is_none_or(|c| n < c) {
        let mut cart = Cart::new();
        for k in 0..(1 + n % 3) {
            let sku = skus[((n + k) % skus.len() as u64) as usize];
            let qty = if sku == "1006" { "0.750" } else { "1" };
            let qty = Qty::parse(qty).map_err(|e| Failure::Said(e.to_string()))?;
            till.add_product(&session, &mut cart, sku, qty)?;
        }
        let payment = if n.is_multiple_of(2) {
            Payment::card(cart.total())
        } else {
            Payment::cash(cart.total() + Money::from_kopecks(1_000))
        };
        till.pay(&session, &ActionId::new(), &cart, &[payment])?;
        // As a cashier would: the next sale after this one is registered.
        till.fiscalize_pending()?;
        n += 1;
    }
    eprintln!("sold {n} receipts");
    Ok(())
}

/// The command line waits for its own action's outcome at the register; a
/// receipt that could not go is kept and waits (said once, on stderr).
fn wait_for_register(till: &mut Till) {
    if let Err(error) = till.fiscalize_pending() {
        eprintln!(
            "kassa: kept, waiting for the fiscal register: {}",
            crate::output::one_line(&error.to_string())
        );
    } else if let Some(error) = till.fiscal_error() {
        eprintln!(
            "kassa: fiscal register: {}",
            crate::output::one_line(&error.to_string())
        );
    }
}

fn print_totals(kind: &str, t: &kassa::shift::ShiftTotals) {
    println!(
        "{kind} report, shift {}: sales {} ({}), returns {} ({}), cash in {}, cash out {}, cash in the drawer {}",
        t.shift,
        t.sales,
        t.sales_count,
        t.returns,
        t.returns_count,
        t.cash_in,
        t.cash_out,
        t.cash_in_drawer()
    );
}

fn print_receipt(till: &Till, receipt: &kassa::sale::Receipt) -> Outcome {
    let fiscal = till.fiscal_state(receipt.id())?;
    let fiscal = match fiscal {
        kassa::fiscal::FiscalState::Registered {
            number,
            sign,
            at,
            correction,
        } => {
            serde_json::json!({"state": "registered", "fd": number, "fp": sign, "at": at, "correction": correction})
        }
        kassa::fiscal::FiscalState::Pending { last_error } => {
            serde_json::json!({"state": "pending", "error": last_error})
        }
        kassa::fiscal::FiscalState::Parked { code, reason } => {
            serde_json::json!({"state": "parked", "code": code, "error": reason})
        }
        kassa::fiscal::FiscalState::NotQueued => serde_json::json!({"state": "none"}),
    };
    // Each line with why its price is what it is, as `kassa price` shows it.
    let lines: Vec<kassa::quote::QuoteLine> = receipt.draft().lines.iter().map(kassa::quote::QuoteLine::of).collect();
    let out = serde_json::json!({
        "receipt": receipt.id(),
        "lines": lines,
        "total": receipt.total().to_string(),
        "change": receipt.change().to_string(),
        "fiscal": fiscal,
    });
    println!("{out}");
    Ok(())
}
