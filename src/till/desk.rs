//! What the desktop till needs beyond booking: the cart in progress kept
//! on disk, a sale's lines as a return sees them, the shift's figures
//! without the register, the promotions' names, the till's own register.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::money::{Money, Qty};
use crate::sale::{Cart, ReceiptKind};
use crate::shift::ShiftTotals;
use crate::staff::Permission;

use super::*;

/// One line of a kept cart, as stored.
#[derive(Serialize, Deserialize)]
struct KeptLine {
    sku: String,
    qty: String,
    discount: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    marking: Option<String>,
}

/// One tender of a kept payment, as stored.
#[derive(Serialize, Deserialize)]
struct KeptTender {
    method: String,
    amount: String,
}

/// The cart that was in progress on a till, brought back.
#[derive(Debug, Clone, Default)]
pub struct KeptCart {
    /// The cart, rung up again and priced.
    pub cart: Cart,
    /// Products of it no longer in the catalogue (left out).
    pub gone: Vec<String>,
    /// What its payment had taken (a card's part is money taken).
    pub tenders: Vec<crate::sale::Payment>,
}

/// A line of a sale as a return sees it: what was sold, what may still
/// come back, and what the buyer paid for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnableLine {
    /// Product.
    pub sku: String,
    /// Product name.
    pub name: String,
    /// Unit of measure.
    pub unit: crate::catalog::Unit,
    /// Sold on the receipt (all its lines of this product).
    pub sold: Qty,
    /// Still returnable (sold less earlier returns); `None`: nothing left.
    pub returnable: Option<Qty>,
    /// What the buyer paid for all of it.
    pub paid: Money,
}

impl Till {
    /// Keeps the cart in progress on disk (after every change), so a
    /// crash or a restart brings it back; an empty cart is forgotten.
    pub fn keep_cart(&mut self, session: &Session, cart: &Cart) -> Result<()> {
        if cart.is_empty() {
            return self.db.drop_kept_cart(&self.store, &self.till);
        }
        let lines: Vec<KeptLine> = cart
            .lines()
            .iter()
            .map(|line| KeptLine {
                sku: line.product.sku.clone(),
                qty: line.qty.to_string(),
                discount: line.discount.to_string(),
                marking: line.marking.clone(),
            })
            .collect();
        let json = serde_json::to_string(&lines).map_err(|e| Error::invalid(format!("cart: {e}")))?;
        let at = self.clock.now().to_string();
        self.db
            .keep_cart(&self.store, &self.till, &session.employee, &json, &at)
    }

    /// Keeps what the cart's payment has taken so far (a card's part is
    /// money taken: after a crash the payment goes on from there).
    pub fn keep_tenders(&mut self, tenders: &[crate::sale::Payment]) -> Result<()> {
        let kept: Vec<KeptTender> = tenders
            .iter()
            .map(|t| KeptTender {
                method: t.method.code().to_owned(),
                amount: t.amount.to_string(),
            })
            .collect();
        let json = serde_json::to_string(&kept).map_err(|e| Error::invalid(format!("tenders: {e}")))?;
        self.db.keep_tenders(&self.store, &self.till, &json)
    }

    /// Forgets the kept cart (the sale is booked, or the cashier cleared it).
    pub fn drop_kept_cart(&mut self) -> Result<()> {
        self.db.drop_kept_cart(&self.store, &self.till)
    }

    /// The cart that was in progress on this till, rung up again from the
    /// catalogue as it is now and priced; `None` if there was none. Lines
    /// whose product has gone from the catalogue are left out (their skus
    /// are returned so the screen can say so).
    pub fn kept_cart(&mut self, session: &Session) -> Result<Option<KeptCart>> {
        self.check(session, Permission::Sell)?;
        let Some(kept) = self.db.kept_cart(&self.store, &self.till)? else {
            return Ok(None);
        };
        let lines: Vec<KeptLine> =
            serde_json::from_str(&kept.lines).map_err(|e| Error::invalid(format!("kept cart: {e}")))?;
        let mut cart = Cart::new();
        let mut missing = Vec::new();
        for line in lines {
            let Some(product) = self.db.product(&line.sku)? else {
                missing.push(line.sku);
                continue;
            };
            let qty = Qty::parse(&line.qty).map_err(|e| Error::invalid(format!("kept cart: {e}")))?;
            let index = match line.marking {
                Some(code) => cart.add_marked(product, code)?,
                None => cart.add(product, qty)?,
            };
            let discount = Money::parse(&line.discount).map_err(|e| Error::invalid(format!("kept cart: {e}")))?;
            cart.set_discount(index, discount)?;
        }
        self.price_cart(&mut cart)?;
        let kept_tenders: Vec<KeptTender> =
            serde_json::from_str(&kept.tenders).map_err(|e| Error::invalid(format!("kept tenders: {e}")))?;
        let mut tenders = Vec::with_capacity(kept_tenders.len());
        for tender in kept_tenders {
            tenders.push(crate::sale::Payment {
                method: crate::sale::PaymentMethod::from_code(&tender.method)
                    .ok_or_else(|| Error::invalid(format!("kept tender method `{}`", tender.method)))?,
                amount: Money::parse(&tender.amount).map_err(|e| Error::invalid(format!("kept tender: {e}")))?,
            });
        }
        Ok(Some(KeptCart {
            cart,
            gone: missing,
            tenders,
        }))
    }

    /// A sale's lines with what may still be returned (gifts aside: they
    /// come back with the goods that earned them, at 0,00).
    pub fn returnable_lines(&mut self, session: &Session, sale: &str) -> Result<Vec<ReturnableLine>> {
        self.check(session, Permission::Return)?;
        let receipt = self.db.receipt(sale)?.ok_or_else(|| Error::NotFound {
            what: "sale receipt",
            id: sale.to_owned(),
        })?;
        if receipt.draft().kind != ReceiptKind::Sale {
            return Err(Error::NotASale(sale.to_owned()));
        }
        let mut order: Vec<String> = Vec::new();
        let mut sold: HashMap<String, (i64, Money)> = HashMap::new();
        for line in &receipt.draft().lines {
            let entry = sold.entry(line.sku.clone()).or_insert_with(|| {
                order.push(line.sku.clone());
                (0, Money::ZERO)
            });
            entry.0 += line.qty.milli();
            entry.1 += line.amount();
        }
        let mut lines = Vec::with_capacity(order.len());
        for sku in order {
            let (sold_milli, paid) = sold.get(&sku).copied().unwrap_or((0, Money::ZERO));
            let (_, returned_milli) = self.db.returnable(sale, &sku)?;
            let product = self.db.product(&sku)?;
            let Some(sold) = Qty::from_milli(sold_milli) else {
                continue;
            };
            lines.push(ReturnableLine {
                name: product.as_ref().map_or_else(|| sku.clone(), |p| p.name.clone()),
                unit: product.map_or(crate::catalog::Unit::Pcs, |p| p.unit),
                sku,
                sold,
                // A quantity is positive: nothing left is no quantity.
                returnable: Qty::from_milli(sold_milli - returned_milli),
                paid,
            });
        }
        Ok(lines)
    }

    /// The open shift's figures as the books have them now (what the shift
    /// closing screen shows): no register command, unlike the X report.
    pub fn shift_figures(&mut self, session: &Session) -> Result<ShiftTotals> {
        self.check(session, Permission::Sell)?;
        self.db.shift_totals(&self.require_shift()?)
    }

    /// The names of the promotions, by id (for the cart's lines).
    pub fn promotion_names(&mut self) -> Result<HashMap<String, String>> {
        self.fresh_cache()?;
        Ok(self
            .promotions_in_force()?
            .iter()
            .map(|p| (p.id.clone(), p.name.clone()))
            .collect())
    }

    /// The port of this till's serial barcode scanner, if it has one
    /// (`kassa fiscal-device --scanner PORT`).
    pub fn scanner_port(&self) -> Result<Option<String>> {
        self.db.till_setting(&self.store, &self.till, "scanner")
    }

    /// The language this till's screens were last set to (`ru`, `en`).
    pub fn language(&self) -> Result<Option<String>> {
        self.db.till_setting(&self.store, &self.till, "language")
    }

    /// Sets the language of this till's screens: a preference of the
    /// device, open to whoever stands at it (no books change).
    pub fn set_language(&mut self, code: &str) -> Result<()> {
        if !matches!(code, "ru" | "en") {
            return Err(Error::invalid(format!("language `{code}`: ru or en")));
        }
        self.db.set_till_setting(&self.store, &self.till, "language", code)
    }

    /// Connects the register set up for this till (`kassa fiscal-device`,
    /// or the demo's built-in emulator, whose memory lives beside the
    /// books). Returns the register's events (subscribed before its first
    /// round), or `None` when the till has no register. Call it after a
    /// login.
    pub fn connect_own_register(&mut self) -> Result<Option<std::sync::mpsc::Receiver<crate::fiscal::FiscalEvent>>> {
        let Some(device) = self.db.fiscal_device(&self.store, &self.till)? else {
            return Ok(None);
        };
        let path = self
            .db
            .path()
            .ok_or_else(|| Error::invalid("a fiscal register needs the books in a file"))?;
        let state = crate::fiscal::emulator_state_beside(path);
        self.connect_register_watched(crate::fiscal::connector(&device, &state))
            .map(Some)
    }
}
