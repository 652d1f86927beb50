//! The till: the application service the GUI and the CLI call. One method
//! per user action; each checks the actor's rights here, in the core, runs
//! as one transaction, appends its events, and is idempotent by the
//! [`ActionId`] made when the action started (a double click or a retry
//! never books twice).

use chrono::NaiveDate;

use crate::catalog::barcode::{self, Scan, WeightLayout};
use crate::catalog::{Product, Store};
use crate::clock::{At, Clock};
use crate::db::report::Period;
use crate::db::{Db, Event, Ledger};
use crate::error::{Error, Result};
use crate::fiscal::{FiscalError, FiscalRegister, FiscalState, RegisterStatus};
use crate::journal::Record;
use crate::money::{Money, Percent, Qty};
use crate::promo::{self, Promotion, PromotionCard};
use crate::report::Table;
use crate::sale::{Cart, CartGift, Payment, PaymentMethod, Receipt, ReceiptDraft, ReceiptKind, ReceiptLine};
use crate::shift::{CashMove, CashOutReason, ShiftOpen, ShiftTotals};
use crate::staff::{pin_lockout, verify_pin, Employee, Permission, Rights, Role, MAX_PIN_ATTEMPTS};
use crate::stock::StockDoc;

/// The id of one user action, made when it starts (a click, a scan, a CLI
/// call). Committing the same id twice is a no-op.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActionId(String);

impl ActionId {
    /// A fresh, unique id.
    pub fn new() -> ActionId {
        ActionId(uuid::Uuid::new_v4().to_string())
    }

    /// An id chosen by the caller (e.g. carried over a retry).
    pub fn from_string(id: impl Into<String>) -> ActionId {
        ActionId(id.into())
    }

    /// The id text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for ActionId {
    fn default() -> Self {
        ActionId::new()
    }
}

/// A logged-in employee. Only [`Till::login`] makes one; every action
/// re-reads the employee's role and rights, so a change by the owner
/// applies at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    employee: String,
    name: String,
}

impl Session {
    /// Employee id.
    pub fn employee(&self) -> &str {
        &self.employee
    }

    /// Employee name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// One line to return: which product, how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnLine {
    /// Product.
    pub sku: String,
    /// Quantity to take back.
    pub qty: Qty,
}

/// A till of a store, on its own database, with its fiscal register.
pub struct Till {
    db: Db,
    store: String,
    till: String,
    clock: Box<dyn Clock>,
    register: Option<Box<dyn FiscalRegister>>,
    /// What the register last said went wrong (the sale itself is kept).
    fiscal_error: Option<String>,
    /// Layout of weighed-goods labels.
    weight_layout: WeightLayout,
    /// Promotions and rights as last read (see [`ReadCache`]).
    cache: ReadCache,
}

/// Reads a scan needs that stay good while the database holds still: the
/// enabled promotions and the last actor's rights. Dropped when another
/// connection commits (SQLite's `data_version` moves) or this till does,
/// so an owner's change applies at the next scan.
#[derive(Default)]
struct ReadCache {
    version: Option<i64>,
    promotions: Option<Vec<Promotion>>,
    rights: Option<(Employee, Rights)>,
}

impl std::fmt::Debug for Till {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Till")
            .field("store", &self.store)
            .field("till", &self.till)
            .finish_non_exhaustive()
    }
}

impl Till {
    /// A till `till` of store `store`, which must exist.
    pub fn new(db: Db, store: &str, till: &str, clock: Box<dyn Clock>) -> Result<Till> {
        if db.store(store)?.is_none() {
            return Err(Error::NotFound {
                what: "store",
                id: store.to_owned(),
            });
        }
        if till.trim().is_empty() {
            return Err(Error::invalid("till id must not be empty"));
        }
        Ok(Till {
            db,
            store: store.to_owned(),
            till: till.to_owned(),
            clock,
            register: None,
            fiscal_error: None,
            weight_layout: WeightLayout::default(),
            cache: ReadCache::default(),
        })
    }

    /// Attaches the fiscal register and reconciles with it at once: from
    /// now on every sale and return this till books goes through it.
    /// Returns how many waiting receipts were registered; the register
    /// stays attached even when reconciling fails (it is retried later).
    pub fn attach_register(&mut self, register: Box<dyn FiscalRegister>) -> Result<usize> {
        self.register = Some(register);
        self.fiscalize_pending()
    }

    /// Detaches the fiscal register (receipts booked meanwhile wait).
    pub fn detach_register(&mut self) -> Option<Box<dyn FiscalRegister>> {
        self.register.take()
    }

    /// Sets the layout of weighed-goods labels (prefixes, code and weight lengths).
    pub fn set_weight_layout(&mut self, layout: WeightLayout) {
        self.weight_layout = layout;
    }

    /// What the register said went wrong in the last action, if anything
    /// (the receipt is kept and waits: see [`Till::fiscalize_pending`]).
    pub fn fiscal_error(&self) -> Option<&str> {
        self.fiscal_error.as_deref()
    }

    /// Where a receipt stands with the register.
    pub fn fiscal_state(&self, receipt: &str) -> Result<FiscalState> {
        Ok(match self.db.fiscal_entry(receipt)? {
            None => FiscalState::NotQueued,
            Some(entry) => match (entry.fd_number, entry.fiscal_sign, entry.fiscal_at) {
                (Some(number), Some(sign), Some(at)) => FiscalState::Registered { number, sign, at },
                _ => FiscalState::Pending {
                    last_error: entry.last_error,
                },
            },
        })
    }

    /// Reconciles with the register and registers every waiting receipt,
    /// oldest first, exactly once (see [`crate::fiscal`]); then brings the
    /// register's shift in line with the till's. Returns how many receipts
    /// were registered. Run at start, after any device error, and by the
    /// cashier's "retry".
    pub fn fiscalize_pending(&mut self) -> Result<usize> {
        self.fiscalize_from(None)
    }

    /// [`Till::fiscalize_pending`] from a status just read (`None`: read it).
    fn fiscalize_from(&mut self, known: Option<RegisterStatus>) -> Result<usize> {
        let result = self.reconcile(known);
        self.fiscal_error = result.as_ref().err().map(ToString::to_string);
        result
    }

    fn reconcile(&mut self, known: Option<RegisterStatus>) -> Result<usize> {
        let Some(register) = self.register.as_mut() else {
            return Ok(0);
        };
        let mut status = match known {
            Some(status) => status,
            None => register.status()?,
        };
        if status.receipt_open {
            // A receipt cut short (a crash, a pulled cable): take it back;
            // its entry is still pending and goes again below.
            register.cancel_receipt()?;
            status.receipt_open = false;
        }
        let store = self.db.store(&self.store)?.ok_or_else(|| Error::NotFound {
            what: "store",
            id: self.store.clone(),
        })?;
        let mut registered = 0;
        let mut first_error = None;
        for entry in self.db.fiscal_pending(&self.store, &self.till)? {
            let receipt = self.db.receipt(&entry.receipt)?.ok_or_else(|| Error::NotFound {
                what: "receipt",
                id: entry.receipt.clone(),
            })?;
            let mut products = Vec::with_capacity(receipt.draft().lines.len());
            for line in &receipt.draft().lines {
                products.push(self.db.product(&line.sku)?.ok_or_else(|| Error::NotFound {
                    what: "product",
                    id: line.sku.clone(),
                })?);
            }
            let cashier = self
                .db
                .employee(&entry.cashier)?
                .map(|employee| employee.name)
                .unwrap_or_else(|| entry.cashier.clone());
            let markings = self.db.receipt_markings(&entry.receipt)?;
            let fiscal = crate::fiscal::fiscal_receipt(&receipt, &products, &markings, &store, &cashier)?;
            // Sent before? Then a receipt document after the number stored
            // before sending, with this sign and total, is this one.
            if let Some(before) = entry.fd_before.filter(|before| status.last_document > *before) {
                let mut found = None;
                for number in before + 1..=status.last_document {
                    let document = register.document(number)?;
                    if crate::fiscal::is_this_receipt(&document, &fiscal) {
                        found = Some(document);
                        break;
                    }
                }
                if let Some(document) = found {
                    self.db.fiscal_registered(&entry.receipt, &document)?;
                    registered += 1;
                    continue;
                }
            }
            if status.shift_expired {
                return Err(Error::FiscalShiftExpired);
            }
            if !status.shift_open {
                let opened = register.open_shift(&cashier)?;
                status.shift_open = true;
                status.last_document = opened.number;
            }
            self.db.fiscal_sending(&entry.receipt, status.last_document)?;
            match register.register(&fiscal) {
                Ok(document) => {
                    self.db.fiscal_registered(&entry.receipt, &document)?;
                    status.last_document = document.number;
                    registered += 1;
                }
                // The register refused this receipt (and took it back):
                // note why, go on with the next.
                Err(FiscalError::Device(error)) => {
                    self.db.fiscal_failed(&entry.receipt, &error.to_string())?;
                    first_error.get_or_insert(Error::Fiscal(FiscalError::Device(error)));
                }
                Err(error) => {
                    self.db.fiscal_failed(&entry.receipt, &error.to_string())?;
                    return Err(error.into());
                }
            }
        }
        if let Some(error) = first_error {
            return Err(error);
        }
        // The register's shift follows the till's: a Z report left undone
        // (or a shift over 24 hours) is closed, an open till shift opens
        // the register's.
        let till_open = self.db.open_shift(&self.store, &self.till)?.is_some();
        if status.shift_open && (!till_open || status.shift_expired) {
            register.close_shift("")?;
            status.shift_open = false;
        }
        if till_open && !status.shift_open {
            register.open_shift("")?;
        }
        Ok(registered)
    }

    /// After an action committed: reconcile with the register, keeping any
    /// error for the cashier (the action itself stands).
    fn sync_register(&mut self) {
        self.sync_register_from(None);
    }

    /// [`Till::sync_register`] from the status the preflight read: nothing
    /// but the books changed since, so it is not read twice.
    fn sync_register_from(&mut self, known: Option<RegisterStatus>) {
        let _ = self.fiscalize_from(known);
    }

    /// Runs a register command after its action committed; an error is
    /// kept for the cashier (the action itself stands).
    fn on_register(&mut self, command: impl FnOnce(&mut dyn FiscalRegister) -> std::result::Result<(), FiscalError>) {
        if let Some(register) = self.register.as_mut() {
            self.fiscal_error = command(register.as_mut()).err().map(|error| error.to_string());
        }
    }

    /// Before a sale or return: a register whose shift is over 24 hours
    /// cannot take it, so the cashier is told before anything is booked.
    /// Returns the status it read, for reconciling after the booking.
    fn fiscal_preflight(&mut self) -> Result<Option<RegisterStatus>> {
        let Some(register) = self.register.as_mut() else {
            return Ok(None);
        };
        // An unreachable register does not stop the sale: it waits.
        match register.status() {
            Ok(status) if status.shift_expired => Err(Error::FiscalShiftExpired),
            Ok(status) => Ok(Some(status)),
            Err(_) => Ok(None),
        }
    }

    /// The database, for reads.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The store card.
    pub fn store(&self) -> Result<Store> {
        self.db.store(&self.store)?.ok_or_else(|| Error::NotFound {
            what: "store",
            id: self.store.clone(),
        })
    }

    /// This till's id.
    pub fn till_id(&self) -> &str {
        &self.till
    }

    /// Gives the database back.
    pub fn into_db(self) -> Db {
        self.db
    }

    /// Runs one user action: a transaction in the actor's name, skipped
    /// with the earlier result when this action id already committed.
    fn act(
        &mut self,
        session: &Session,
        action: &ActionId,
        permission: Permission,
        body: impl FnOnce(&mut Ledger<'_>, &Employee, &Rights, At, &str, &str) -> Result<String>,
    ) -> Result<String> {
        let now = self.clock.now();
        let mut ledger = self.db.ledger(Some(&session.employee))?;
        ledger.set_now(now);
        if let Some(result) = ledger.action_result(action.as_str())? {
            return Ok(result);
        }
        let (employee, rights) = authorize(&ledger, session, permission)?;
        ledger.allow_closed_period(rights.allows(Permission::EditClosedPeriod));
        let result = body(&mut ledger, &employee, &rights, now, &self.store, &self.till)?;
        ledger.remember_action(action.as_str(), &result)?;
        ledger.commit()?;
        // Another connection's commit shows in `data_version`; our own
        // does not, so any action may have changed what is cached.
        self.cache = ReadCache::default();
        Ok(result)
    }

    /// Checks a right with plain reads: no transaction, no write lock, so
    /// scanning goes on while another process writes. (Actions that write
    /// check again inside their own transaction.)
    /// (It also makes sure the cache is fresh for what the action reads next.)
    fn check(&mut self, session: &Session, permission: Permission) -> Result<()> {
        self.fresh_cache()?;
        let cached = matches!(&self.cache.rights, Some((employee, _)) if employee.id == session.employee);
        if !cached {
            self.cache.rights = Some(self.db.employee_rights(&session.employee)?);
        }
        match &self.cache.rights {
            Some((_, rights)) if rights.allows(permission) => Ok(()),
            _ => Err(Error::Forbidden {
                actor: session.employee.clone(),
                permission,
            }),
        }
    }

    /// [`Till::check`], returning the employee and their rights.
    fn check_rights(&mut self, session: &Session, permission: Permission) -> Result<(Employee, Rights)> {
        self.check(session, permission)?;
        self.cache.rights.clone().ok_or_else(|| Error::Forbidden {
            actor: session.employee.clone(),
            permission,
        })
    }

    /// The cache, emptied first if the database changed since it was filled.
    fn fresh_cache(&mut self) -> Result<&mut ReadCache> {
        let version = self.db.data_version()?;
        if self.cache.version != Some(version) {
            self.cache = ReadCache {
                version: Some(version),
                ..ReadCache::default()
            };
        }
        Ok(&mut self.cache)
    }

    /// Logs in with a PIN. Five wrong PINs in a row lock the employee for
    /// a while.
    pub fn login(&mut self, employee: &str, pin: &str) -> Result<Session> {
        // Logging in writes (attempts, history): what is cached may go stale.
        self.cache = ReadCache::default();
        let now = self.clock.now();
        let mut ledger = self.db.ledger(Some(employee))?;
        ledger.set_now(now);
        let auth = ledger.employee_auth(employee)?.ok_or_else(|| Error::NotFound {
            what: "employee",
            id: employee.to_owned(),
        })?;
        if let Some(until) = auth.locked_until.filter(|until| *until > now.epoch_millis()) {
            return Err(Error::Locked {
                employee: employee.to_owned(),
                minutes: (until - now.epoch_millis() + 59_999) / 60_000,
            });
        }
        let hash = auth
            .pin_hash
            .as_deref()
            .ok_or_else(|| Error::NoPin(employee.to_owned()))?;
        if verify_pin(hash, pin) {
            ledger.record_login(employee)?;
            ledger.commit()?;
            return Ok(Session {
                employee: auth.employee.id,
                name: auth.employee.name,
            });
        }
        let failed = auth.failed_pins + 1;
        let error = if failed >= MAX_PIN_ATTEMPTS {
            let until = now.epoch_millis() + pin_lockout().num_milliseconds();
            ledger.record_wrong_pin(employee, Some(until))?;
            Error::Locked {
                employee: employee.to_owned(),
                minutes: pin_lockout().num_minutes(),
            }
        } else {
            ledger.record_wrong_pin(employee, None)?;
            Error::WrongPin {
                attempts_left: MAX_PIN_ATTEMPTS - failed,
            }
        };
        ledger.commit()?;
        Err(error)
    }

    /// A receipt this till has just booked.
    fn booked_receipt(&self, id: String) -> Result<Receipt> {
        self.db.receipt(&id)?.ok_or(Error::NotFound { what: "receipt", id })
    }

    /// The open shift of this till.
    pub fn current_shift(&self) -> Result<Option<String>> {
        self.db.open_shift(&self.store, &self.till)
    }

    fn require_shift(&self) -> Result<String> {
        self.current_shift()?
            .ok_or_else(|| Error::NoOpenShift(self.till.clone()))
    }

    /// Opens a shift (открытие смены) on this till.
    pub fn open_shift(&mut self, session: &Session, action: &ActionId) -> Result<String> {
        self.act(
            session,
            action,
            Permission::OpenCloseShift,
            |ledger, employee, _, now, store, till| {
                if let Some(shift) = ledger.open_shift(store, till)? {
                    return Err(Error::ShiftAlreadyOpen {
                        till: till.to_owned(),
                        shift,
                    });
                }
                let id = format!("{store}-{till}-{:05}", ledger.shift_count(store, till)? + 1);
                ledger.apply(Record::ShiftOpen(ShiftOpen {
                    id: id.clone(),
                    store: store.to_owned(),
                    till: till.to_owned(),
                    cashier: employee.id.clone(),
                    at: now,
                }))?;
                Ok(id)
            },
        )
        .inspect(|_| self.sync_register())
    }

    /// Puts cash into the drawer (внесение), e.g. the float at opening.
    pub fn cash_in(&mut self, session: &Session, action: &ActionId, amount: Money) -> Result<()> {
        self.cash_move(session, action, amount, None)
    }

    /// Takes cash out of the drawer (выплата; инкассация for a collection),
    /// never more than it holds.
    pub fn cash_out(
        &mut self,
        session: &Session,
        action: &ActionId,
        amount: Money,
        reason: CashOutReason,
    ) -> Result<()> {
        self.cash_move(session, action, amount, Some(reason))
    }

    fn cash_move(
        &mut self,
        session: &Session,
        action: &ActionId,
        amount: Money,
        out_reason: Option<CashOutReason>,
    ) -> Result<()> {
        if self.db.action_result(action.as_str())?.is_some() {
            return Ok(());
        }
        if !amount.is_positive() {
            return Err(Error::invalid(format!("amount {amount} must be greater than zero")));
        }
        let shift = self.require_shift()?;
        self.act(session, action, Permission::CashInOut, |ledger, _, _, now, _, _| {
            ledger.apply(Record::Cash(CashMove {
                shift,
                at: now,
                amount,
                out_reason,
            }))?;
            Ok(String::new())
        })?;
        let kopecks = u64::try_from(amount.kopecks()).unwrap_or(0);
        self.on_register(|register| {
            match out_reason {
                None => register.cash_in(kopecks)?,
                Some(_) => register.cash_out(kopecks)?,
            };
            Ok(())
        });
        Ok(())
    }

    /// Cash in the drawer now.
    pub fn cash_in_drawer(&self) -> Result<Money> {
        self.db.cash_in_drawer(&self.require_shift()?)
    }

    /// X report: the open shift's totals, nothing closed.
    pub fn x_report(&mut self, session: &Session) -> Result<ShiftTotals> {
        self.check(session, Permission::OpenCloseShift)?;
        let totals = self.db.shift_totals(&self.require_shift()?)?;
        self.on_register(|register| register.x_report());
        Ok(totals)
    }

    /// Closes the shift; returns its Z report.
    pub fn close_shift(&mut self, session: &Session, action: &ActionId) -> Result<ShiftTotals> {
        // A retried close after success answers with the same Z report.
        if let Some(shift) = self.db.action_result(action.as_str())? {
            return self.db.shift_totals(&shift);
        }
        let shift = self.require_shift()?;
        let closed = self.act(
            session,
            action,
            Permission::OpenCloseShift,
            |ledger, _, _, now, _, _| {
                ledger.apply(Record::ShiftClose {
                    shift: shift.clone(),
                    at: now,
                })?;
                Ok(shift.clone())
            },
        )?;
        // Waiting receipts go first, then the register's Z report.
        self.sync_register();
        self.db.shift_totals(&closed)
    }

    /// Finds products by the start of their name (any case, ё = е).
    pub fn find_products(&mut self, session: &Session, prefix: &str, limit: usize) -> Result<Vec<Product>> {
        self.check(session, Permission::Sell)?;
        self.db.search_products(prefix, limit)
    }

    /// Adds the product with this barcode to the cart (one piece; a
    /// weighed label's weight; a marked unit by its code) and prices the
    /// cart again. Returns the line's index.
    pub fn scan(&mut self, session: &Session, cart: &mut Cart, barcode: &str) -> Result<usize> {
        self.check(session, Permission::Sell)?;
        let line = self.ring_up(cart, barcode)?;
        self.price_cart(cart)?;
        Ok(line)
    }

    fn ring_up(&mut self, cart: &mut Cart, barcode: &str) -> Result<usize> {
        let not_found = |code: &str| Error::NotFound {
            what: "barcode",
            id: code.to_owned(),
        };
        match barcode::classify(barcode, &self.weight_layout)? {
            Scan::Ean13(code) | Scan::Ean8(code) | Scan::UpcA(code) | Scan::Other(code) => {
                let product = self.db.product_by_barcode(&code)?.ok_or_else(|| not_found(&code))?;
                cart.add(product, Qty::ONE)
            }
            // A weighed label: the product by its label code (as a barcode
            // of prefix and code, or as its sku), the weight in grams.
            Scan::Weighted(label) => {
                let short = format!("{:02}{}", label.prefix, label.product_code);
                let sku = label.product_code.trim_start_matches('0');
                let product = match self.db.product_by_barcode(&short)? {
                    Some(product) => product,
                    None => self.db.product(sku)?.ok_or_else(|| not_found(&short))?,
                };
                let qty = Qty::from_milli(i64::from(label.grams))
                    .ok_or_else(|| Error::invalid(format!("weight {} g is out of range", label.grams)))?;
                cart.add(product, qty)
            }
            // A marking code: the product by its GTIN (EAN-13 inside), the
            // code checked by the register's fiscal storage when attached.
            Scan::Marking(marking) => {
                let ean = marking.gtin.strip_prefix('0').unwrap_or(&marking.gtin).to_owned();
                let product = match self.db.product_by_barcode(&ean)? {
                    Some(product) => product,
                    None => self
                        .db
                        .product_by_barcode(&marking.gtin)?
                        .ok_or_else(|| not_found(&marking.gtin))?,
                };
                if !product.marked {
                    return cart.add(product, Qty::ONE);
                }
                if self.db.marking_sold(&marking.raw)? {
                    return Err(Error::invalid(format!(
                        "this {} has been sold already (its marking code is used)",
                        product.name
                    )));
                }
                if let Some(register) = self.register.as_mut() {
                    let check = register.check_marking(&marking.raw, crate::fiscal::CalculationSign::Sale, 1_000)?;
                    if !check.valid {
                        return Err(Error::invalid(format!(
                            "the fiscal storage rejected the marking code of {}: scan it again or put the item aside",
                            product.name
                        )));
                    }
                }
                cart.add_marked(product, marking.raw)
            }
        }
    }

    /// Adds a product by sku with a quantity (a weighed amount for goods
    /// sold by weight).
    pub fn add_product(&mut self, session: &Session, cart: &mut Cart, sku: &str, qty: Qty) -> Result<usize> {
        self.check(session, Permission::Sell)?;
        let product = self.db.product(sku)?.ok_or_else(|| Error::NotFound {
            what: "product",
            id: sku.to_owned(),
        })?;
        let line = cart.add(product, qty)?;
        self.price_cart(cart)?;
        Ok(line)
    }

    /// Changes a line's quantity (a weighed amount for goods sold by
    /// weight) and prices the cart again.
    pub fn set_qty(&mut self, session: &Session, cart: &mut Cart, line: usize, qty: Qty) -> Result<()> {
        self.check(session, Permission::Sell)?;
        cart.set_qty(line, qty)?;
        self.price_cart(cart)
    }

    /// Removes a line (сторно позиции) and prices the cart again.
    pub fn remove_line(&mut self, session: &Session, cart: &mut Cart, line: usize) -> Result<()> {
        self.check(session, Permission::Sell)?;
        cart.remove(line)?;
        self.price_cart(cart)
    }

    /// Prices the cart with the promotions in force now: each line's
    /// promotion discounts and the gifts (a return cart gets none). The
    /// till does this on every change; call it too when time may have
    /// moved past a promotion's start or end (the GUI's clock tick).
    pub fn reprice(&mut self, cart: &mut Cart) -> Result<()> {
        self.fresh_cache()?;
        self.price_cart(cart)
    }

    /// [`Till::reprice`] right after [`Till::check`] made the cache fresh.
    fn price_cart(&mut self, cart: &mut Cart) -> Result<()> {
        let now = self.clock.now();
        let pricing = self.pricing(cart, now)?;
        let mut gifts = Vec::with_capacity(pricing.gifts.len());
        for gift in pricing.gifts {
            let product = self.db.product(&gift.sku)?.ok_or_else(|| Error::NotFound {
                what: "product",
                id: gift.sku.clone(),
            })?;
            gifts.push(CartGift {
                product,
                qty: gift.qty,
                promotion: gift.promotion,
            });
        }
        cart.set_pricing(pricing.lines, gifts)
    }

    /// What the engine makes of the cart at `now`.
    fn pricing(&mut self, cart: &Cart, now: At) -> Result<promo::Pricing> {
        if cart.is_return() {
            return Ok(promo::Pricing {
                lines: vec![promo::LinePricing::default(); cart.lines().len()],
                ..promo::Pricing::default()
            });
        }
        let store = self.store.clone();
        let promotions = self.promotions_in_force()?;
        Ok(promo::price(
            &cart.basket(),
            promotions,
            &store,
            now.time().naive_local(),
        ))
    }

    /// The enabled promotions, read once per fresh cache.
    fn promotions_in_force(&mut self) -> Result<&[Promotion]> {
        if self.cache.promotions.is_none() {
            let enabled = self.db.enabled_promotions()?;
            self.cache.promotions = Some(enabled);
        }
        Ok(self.cache.promotions.as_deref().unwrap_or_default())
    }

    /// Gives a line discount in money, within the actor's limit.
    pub fn set_line_discount(
        &mut self,
        session: &Session,
        cart: &mut Cart,
        line: usize,
        discount: Money,
    ) -> Result<()> {
        let (employee, rights) = self.check_rights(session, Permission::Discount)?;
        let gross = cart.line_gross(line)?;
        check_discount(&employee, &rights, gross, discount)?;
        cart.set_discount(line, discount)?;
        self.price_cart(cart)
    }

    /// Gives a line discount in percent of the line, within the actor's
    /// limit (rounded to kopecks half up).
    pub fn set_line_discount_pct(
        &mut self,
        session: &Session,
        cart: &mut Cart,
        line: usize,
        pct: Percent,
    ) -> Result<()> {
        let gross = cart.line_gross(line)?;
        self.set_line_discount(session, cart, line, pct.of(gross))
    }

    /// Takes payment for the cart and books the sale receipt, with the
    /// promotions it was priced with. Cash may exceed what is due (the
    /// receipt's `change()` is given back). If the promotions in force no
    /// longer give the cart's prices, nothing is booked:
    /// [`Error::PricesChanged`] (reprice, show, take payment again).
    pub fn pay(&mut self, session: &Session, action: &ActionId, cart: &Cart, payments: &[Payment]) -> Result<Receipt> {
        if let Some(id) = self.db.action_result(action.as_str())? {
            return self.booked_receipt(id);
        }
        if cart.is_empty() {
            return Err(Error::invalid("the cart is empty"));
        }
        if cart.is_return() {
            return Err(Error::invalid("this cart is for a return, not a sale"));
        }
        let shift = self.require_shift()?;
        let register_status = self.fiscal_preflight()?;
        let fiscal = self.register.is_some();
        let markings = cart.markings();
        let id = self.act(
            session,
            action,
            Permission::Sell,
            |ledger, employee, rights, now, store, till| {
                // Priced at the moment it is booked, with the promotions as
                // this transaction sees them, exactly as the cart shows it.
                let promotions = ledger.enabled_promotions()?;
                let pricing = promo::price(&cart.basket(), &promotions, store, now.time().naive_local());
                if !cart.priced_as(&pricing.lines, &pricing.gifts) {
                    let undiscounted = Money::sum(cart.lines().iter().map(|l| l.amount() + l.promo.discount));
                    return Err(Error::PricesChanged {
                        total: undiscounted - pricing.discount(),
                    });
                }
                check_cashier_discounts(cart, employee, rights)?;
                let lines = cart.receipt_lines();
                for (_, code) in &markings {
                    if ledger.marking_sold(code)? {
                        return Err(Error::invalid(format!("marking code {code} has been sold already")));
                    }
                }
                let id = book_receipt(
                    ledger,
                    &shift,
                    now,
                    &employee.id,
                    ReceiptKind::Sale,
                    lines,
                    payments.to_vec(),
                    None,
                )?;
                if fiscal {
                    ledger.queue_fiscal(&id, store, till, &employee.id, &markings)?;
                }
                Ok(id)
            },
        )?;
        self.sync_register_from(register_status);
        self.booked_receipt(id)
    }

    /// Returns goods against a sale receipt (возврат по чеку). Each line is
    /// priced at what the buyer paid for it (its share of the line discount);
    /// the money goes back by the sale's methods, non-cash first, cash last.
    pub fn return_sale(
        &mut self,
        session: &Session,
        action: &ActionId,
        sale: &str,
        lines: &[ReturnLine],
    ) -> Result<Receipt> {
        if let Some(id) = self.db.action_result(action.as_str())? {
            return self.booked_receipt(id);
        }
        if lines.is_empty() {
            return Err(Error::invalid("choose at least one line to return"));
        }
        let shift = self.require_shift()?;
        let register_status = self.fiscal_preflight()?;
        let fiscal = self.register.is_some();
        let sale_markings = self.db.receipt_markings(sale)?;
        let id = self.act(
            session,
            action,
            Permission::Return,
            |ledger, employee, _, now, store, till| {
                let original = ledger.receipt(sale)?.ok_or_else(|| Error::NotFound {
                    what: "sale receipt",
                    id: sale.to_owned(),
                })?;
                if original.draft().kind != ReceiptKind::Sale {
                    return Err(Error::invalid(format!("{sale} is not a sale receipt")));
                }
                let earlier = ledger.returns_of(sale)?;
                let mut receipt_lines = Vec::with_capacity(lines.len());
                for line in lines {
                    receipt_lines.push(priced_return_line(&original, &earlier, line)?);
                }
                let total = Money::sum(receipt_lines.iter().map(ReceiptLine::amount));
                let mut payments = Vec::new();
                let mut left = total;
                for method in [PaymentMethod::Card, PaymentMethod::Other, PaymentMethod::Cash] {
                    let (paid, refunded) = ledger.refundable(sale, method)?;
                    let part = left.min(paid - refunded);
                    if part.is_positive() {
                        payments.push(Payment { method, amount: part });
                        left -= part;
                    }
                }
                let id = book_receipt(
                    ledger,
                    &shift,
                    now,
                    &employee.id,
                    ReceiptKind::Return,
                    receipt_lines,
                    payments,
                    Some(sale.to_owned()),
                )?;
                if fiscal {
                    // A marked unit goes back with its code from the sale.
                    let mut markings = Vec::new();
                    for (index, line) in lines.iter().enumerate() {
                        for (line_no, code) in &sale_markings {
                            let same_product = original.draft().lines.get(*line_no).is_some_and(|l| l.sku == line.sku);
                            let taken = markings.iter().any(|(_, c): &(usize, String)| c == code);
                            if same_product && !taken && ledger.marking_sold(code)? {
                                markings.push((index, code.clone()));
                                break;
                            }
                        }
                    }
                    ledger.queue_fiscal(&id, store, till, &employee.id, &markings)?;
                }
                Ok(id)
            },
        )?;
        self.sync_register_from(register_status);
        self.booked_receipt(id)
    }

    /// Returns goods with no sale receipt (a separate right), refunded by
    /// the chosen method at the prices of a return cart
    /// ([`Cart::for_return`]: shelf prices less the cashier's discounts).
    pub fn return_without_receipt(
        &mut self,
        session: &Session,
        action: &ActionId,
        cart: &Cart,
        method: PaymentMethod,
    ) -> Result<Receipt> {
        if let Some(id) = self.db.action_result(action.as_str())? {
            return self.booked_receipt(id);
        }
        if cart.is_empty() {
            return Err(Error::invalid("the cart is empty"));
        }
        if !cart.is_return() {
            return Err(Error::invalid("ring up the goods coming back in a return cart"));
        }
        let shift = self.require_shift()?;
        let register_status = self.fiscal_preflight()?;
        let fiscal = self.register.is_some();
        let markings = cart.markings();
        let id = self.act(
            session,
            action,
            Permission::ReturnWithoutReceipt,
            |ledger, employee, rights, now, store, till| {
                // Shelf prices less the cashier's discounts, whatever
                // pricing the cart may carry.
                check_cashier_discounts(cart, employee, rights)?;
                let lines: Vec<ReceiptLine> = cart
                    .lines()
                    .iter()
                    .map(|l| ReceiptLine::new(l.product.sku.clone(), l.qty, l.product.price, l.discount))
                    .collect();
                let total = Money::sum(lines.iter().map(ReceiptLine::amount));
                let payments = if total.is_positive() {
                    vec![Payment { method, amount: total }]
                } else {
                    vec![]
                };
                let id = book_receipt(
                    ledger,
                    &shift,
                    now,
                    &employee.id,
                    ReceiptKind::Return,
                    lines,
                    payments,
                    None,
                )?;
                if fiscal {
                    ledger.queue_fiscal(&id, store, till, &employee.id, &markings)?;
                }
                Ok(id)
            },
        )?;
        self.sync_register_from(register_status);
        self.booked_receipt(id)
    }

    /// Books a stock document: a supply (приход), a write-off (списание) or
    /// a return to the supplier. Its store must be this till's.
    pub fn book_stock(&mut self, session: &Session, action: &ActionId, doc: StockDoc) -> Result<()> {
        if doc.store != self.store {
            return Err(Error::invalid(format!(
                "{} {} is for store {}, not this till's {}",
                doc.kind, doc.id, doc.store, self.store
            )));
        }
        self.act(session, action, Permission::ManageStock, |ledger, _, _, _, _, _| {
            ledger.apply(Record::Stock(doc))?;
            Ok(String::new())
        })?;
        Ok(())
    }

    /// Creates or changes a product card.
    pub fn save_product(&mut self, session: &Session, action: &ActionId, product: Product) -> Result<()> {
        product.validate()?;
        self.save(session, action, Permission::EditCatalog, Record::Product(product))
    }

    /// Creates or changes a store card.
    pub fn save_store(&mut self, session: &Session, action: &ActionId, store: Store) -> Result<()> {
        crate::catalog::require_text("id", &store.id)?;
        crate::catalog::require_text("name", &store.name)?;
        self.save(session, action, Permission::EditCatalog, Record::Store(store))
    }

    /// Creates or changes a promotion.
    pub fn save_promotion(&mut self, session: &Session, action: &ActionId, promotion: Promotion) -> Result<()> {
        promotion.validate()?;
        self.save(session, action, Permission::EditCatalog, Record::Promotion(promotion))
    }

    /// Every promotion, in force or not, by id (the owner's list of акции).
    pub fn promotions(&mut self, session: &Session) -> Result<Vec<PromotionCard>> {
        self.check(session, Permission::EditCatalog)?;
        self.db.promotions()
    }

    /// Switches a promotion on or off; its rule is kept. The next pricing
    /// of any cart follows.
    pub fn set_promotion_enabled(
        &mut self,
        session: &Session,
        action: &ActionId,
        id: &str,
        enabled: bool,
    ) -> Result<()> {
        self.act(session, action, Permission::EditCatalog, |ledger, _, _, _, _, _| {
            ledger.set_promotion_enabled(id, enabled)?;
            Ok(String::new())
        })?;
        Ok(())
    }

    /// Creates or changes an employee, optionally setting a new PIN.
    pub fn save_employee(
        &mut self,
        session: &Session,
        action: &ActionId,
        employee: Employee,
        pin: Option<String>,
    ) -> Result<()> {
        employee.validate()?;
        if let Some(pin) = &pin {
            crate::staff::validate_pin(pin)?;
        }
        self.save(
            session,
            action,
            Permission::ManageStaff,
            Record::Employee { employee, pin },
        )
    }

    fn save(&mut self, session: &Session, action: &ActionId, permission: Permission, record: Record) -> Result<()> {
        self.act(session, action, permission, |ledger, _, _, _, _, _| {
            ledger.apply(record)?;
            Ok(String::new())
        })?;
        Ok(())
    }

    /// Changes what a role may do.
    pub fn set_rights(&mut self, session: &Session, action: &ActionId, role: Role, rights: &Rights) -> Result<()> {
        self.act(session, action, Permission::ManageStaff, |ledger, _, _, _, _, _| {
            ledger.set_rights(role, rights)?;
            Ok(String::new())
        })?;
        Ok(())
    }

    /// Locks every day up to `through` against edits.
    pub fn lock_period(&mut self, session: &Session, action: &ActionId, through: NaiveDate) -> Result<()> {
        self.act(
            session,
            action,
            Permission::EditClosedPeriod,
            |ledger, _, _, _, _, _| {
                ledger.lock_period(through)?;
                Ok(String::new())
            },
        )?;
        Ok(())
    }

    /// Runs a report of the catalogue.
    pub fn report(&mut self, session: &Session, name: &str, period: &Period) -> Result<Table> {
        self.check(session, Permission::ViewReports)?;
        crate::report::find(name)?.run(&self.db, period)
    }

    /// The latest entries of the action history (История действий).
    pub fn history(&mut self, session: &Session, limit: usize) -> Result<Vec<Event>> {
        self.check(session, Permission::ViewReports)?;
        self.db.history(limit)
    }
}

/// Each cashier's discount in the cart is within the actor's rights
/// (promotions are the owner's, not counted against the limit).
fn check_cashier_discounts(cart: &Cart, employee: &Employee, rights: &Rights) -> Result<()> {
    for line in cart.lines() {
        check_discount(employee, rights, line.qty.times(line.product.price), line.discount)?;
    }
    Ok(())
}

/// Numbers and books a receipt of this till's shift; returns its id.
#[allow(clippy::too_many_arguments)]
fn book_receipt(
    ledger: &mut Ledger<'_>,
    shift: &str,
    at: At,
    cashier: &str,
    kind: ReceiptKind,
    lines: Vec<ReceiptLine>,
    payments: Vec<Payment>,
    return_of: Option<String>,
) -> Result<String> {
    let id = format!("{shift}-{:04}", ledger.receipt_count(shift)? + 1);
    let receipt = Receipt::new(ReceiptDraft {
        id: id.clone(),
        shift: shift.to_owned(),
        at,
        kind,
        cashier: Some(cashier.to_owned()),
        lines,
        payments,
        return_of,
    })?;
    ledger.apply(Record::Receipt(receipt))?;
    Ok(id)
}

fn authorize(ledger: &Ledger<'_>, session: &Session, permission: Permission) -> Result<(Employee, Rights)> {
    let (employee, rights) = ledger.employee_rights(&session.employee)?;
    allow(employee, rights, permission)
}

fn allow(employee: Employee, rights: Rights, permission: Permission) -> Result<(Employee, Rights)> {
    if !rights.allows(permission) {
        return Err(Error::Forbidden {
            actor: employee.id,
            permission,
        });
    }
    Ok((employee, rights))
}

/// A discount may not exceed the role's limit in percent of the line.
fn check_discount(employee: &Employee, rights: &Rights, gross: Money, discount: Money) -> Result<()> {
    if discount.is_zero() {
        return Ok(());
    }
    if !rights.allows(Permission::Discount) {
        return Err(Error::Forbidden {
            actor: employee.id.clone(),
            permission: Permission::Discount,
        });
    }
    let share = discount.percent_of(gross).unwrap_or(rust_decimal::Decimal::ONE_HUNDRED);
    // The limit in money is the line's limit share rounded to kopecks (half
    // up), so "5 %" of any line is always within a 5 % limit.
    if discount > rights.max_discount.of(gross) {
        return Err(Error::DiscountOverLimit {
            actor: employee.id.clone(),
            requested: share.to_string(),
            limit: rights.max_discount,
        });
    }
    Ok(())
}

/// Prices a returned quantity at what the buyer paid: its share of the
/// sale's lines of that product, the last return taking the exact rest so
/// that returning everything refunds the sale's amount to the kopeck.
fn priced_return_line(sale: &Receipt, earlier: &[Receipt], line: &ReturnLine) -> Result<ReceiptLine> {
    let sold: Vec<&ReceiptLine> = sale.draft().lines.iter().filter(|l| l.sku == line.sku).collect();
    if sold.is_empty() {
        return Err(Error::invalid(format!(
            "sale {} has no product {}",
            sale.id(),
            line.sku
        )));
    }
    let sold_milli: i64 = sold.iter().map(|l| l.qty.milli()).sum();
    let sold_amount = Money::sum(sold.iter().map(|l| l.amount()));
    let returned = earlier
        .iter()
        .flat_map(|r| r.draft().lines.iter())
        .filter(|l| l.sku == line.sku);
    let (returned_milli, returned_amount) =
        returned.fold((0i64, Money::ZERO), |(q, a), l| (q + l.qty.milli(), a + l.amount()));
    let asked = line.qty.milli();
    if asked > sold_milli - returned_milli {
        return Err(Error::ReturnExceedsSale {
            sku: line.sku.clone(),
            requested: line.qty,
            available: Qty::from_milli(sold_milli - returned_milli).map_or_else(|| "0".to_owned(), |q| q.to_string()),
            sale: sale.id().to_owned(),
        });
    }
    // What the buyer paid for everything returned so far plus this, less
    // what earlier returns refunded: rounding never adds up past the sale.
    let due = Money::round(
        sold_amount.as_decimal() * rust_decimal::Decimal::new(returned_milli + asked, 3)
            / rust_decimal::Decimal::new(sold_milli, 3),
    );
    let amount = (due - returned_amount).max(Money::ZERO);
    let price = sold.iter().map(|l| l.price).max().unwrap_or(Money::ZERO);
    let gross = line.qty.times(price);
    let discount = gross - amount;
    if discount.is_negative() {
        return Err(Error::invalid(format!(
            "cannot price the return of {} at {amount}",
            line.sku
        )));
    }
    Ok(ReceiptLine::new(line.sku.clone(), line.qty, price, discount))
}

#[cfg(test)]
mod tests {
    /// The GUI runs till actions off its own thread (`Task::perform`): a
    /// till must be able to move there.
    #[test]
    fn a_till_can_move_to_another_thread() {
        fn movable<T: Send + 'static>() {}
        movable::<super::Till>();
        movable::<super::Session>();
        movable::<crate::error::Error>();
    }
}
