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
use crate::fiscal::{Connector, DeviceCommand, FiscalEvent, FiscalLink, FiscalRegister, FiscalState};
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
    /// The fiscal worker, when the till has a register: receipts booked
    /// meanwhile are queued for it, reachable or not.
    fiscal: Option<FiscalLink>,
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
        if !db.till_exists(store, till)? {
            return Err(Error::UnknownTill {
                store: store.to_owned(),
                till: till.to_owned(),
            });
        }
        Ok(Till {
            db,
            store: store.to_owned(),
            till: till.to_owned(),
            clock,
            fiscal: None,
            weight_layout: WeightLayout::default(),
            cache: ReadCache::default(),
        })
    }

    /// Attaches a fiscal register (already connected; tests, a reconnect by
    /// hand): from now on every sale and return this till books is queued
    /// for it, and its worker reconciles at once, without blocking.
    pub fn attach_register(&mut self, register: Box<dyn FiscalRegister>) -> Result<()> {
        if self.fiscal.is_none() {
            self.fiscal = Some(self.start_worker(None)?);
        }
        if let Some(link) = &self.fiscal {
            link.attach(register);
        }
        Ok(())
    }

    /// Gives the till its fiscal register by a connector (a serial port,
    /// the built-in emulator): the worker connects when it has work, and a
    /// register that cannot be reached (unplugged) only makes receipts
    /// wait. Call it after login: nothing talks to the register before.
    pub fn connect_register(&mut self, connector: Connector) -> Result<()> {
        let link = self.start_worker(Some(connector))?;
        link.nudge();
        self.fiscal = Some(link);
        Ok(())
    }

    fn start_worker(&self, connector: Option<Connector>) -> Result<FiscalLink> {
        let path = self
            .db
            .path()
            .ok_or_else(|| Error::invalid("a fiscal register needs the books in a file"))?;
        FiscalLink::start(path, &self.store, &self.till, connector)
    }

    /// Detaches the fiscal register: receipts booked from now on are not
    /// queued for one.
    pub fn detach_register(&mut self) {
        self.fiscal = None;
    }

    /// Sets the layout of weighed-goods labels (prefixes, code and weight lengths).
    pub fn set_weight_layout(&mut self, layout: WeightLayout) {
        self.weight_layout = layout;
    }

    /// Whether this till fiscalises its receipts.
    pub fn has_register(&self) -> bool {
        self.fiscal.is_some()
    }

    /// What the register last said went wrong, if anything (the receipt is
    /// kept and waits, or is parked: see [`Till::fiscal_state`]).
    pub fn fiscal_error(&self) -> Option<Error> {
        self.fiscal.as_ref().and_then(FiscalLink::last_error)
    }

    /// The fiscal worker's events (registered, refused, link lost,
    /// reconnected…), for a screen to subscribe to.
    pub fn fiscal_events(&self) -> Option<std::sync::mpsc::Receiver<FiscalEvent>> {
        self.fiscal.as_ref().map(FiscalLink::subscribe)
    }

    /// Where a receipt stands with the register.
    pub fn fiscal_state(&self, receipt: &str) -> Result<FiscalState> {
        Ok(FiscalState::of(self.db.fiscal_entry(receipt)?))
    }

    /// Sends every waiting receipt to the register and waits for the
    /// outcome (the command line, the cashier's "retry"). Returns how many
    /// were registered.
    pub fn fiscalize_pending(&mut self) -> Result<usize> {
        match &self.fiscal {
            Some(link) => link.drain_and_wait(),
            None => Ok(0),
        }
    }

    /// Receipts the register refused, waiting for a manager's decision.
    pub fn parked_receipts(&mut self, session: &Session) -> Result<Vec<crate::db::FiscalEntry>> {
        self.check(session, Permission::ViewReports)?;
        self.db.fiscal_parked(&self.store, &self.till)
    }

    /// Sends a parked receipt to the register again (the manager fixed
    /// what it refused: paper, settings).
    pub fn retry_parked(&mut self, session: &Session, action: &ActionId, receipt: &str) -> Result<()> {
        self.act(session, action, Permission::ViewReports, |ledger, _, _, _, _, _| {
            if !ledger.fiscal_unpark(receipt)? {
                return Err(Error::NotParked(receipt.to_owned()));
            }
            Ok(String::new())
        })?;
        self.nudge_register();
        Ok(())
    }

    /// Registers a correction receipt (чек коррекции, FFD 1173) for a
    /// parked receipt: the money was taken, the register never registered
    /// it. Waits for the register's answer.
    pub fn correct_parked(
        &mut self,
        session: &Session,
        receipt: &str,
        kind: kassa_fiscal::CorrectionKind,
    ) -> Result<crate::fiscal::FiscalDocument> {
        self.check(session, Permission::ViewReports)?;
        let link = self.fiscal.as_ref().ok_or_else(crate::fiscal::no_link)?;
        link.correct(receipt, kind)
    }

    fn nudge_register(&self) {
        if let Some(link) = &self.fiscal {
            link.nudge();
        }
    }

    fn on_register(&self, command: DeviceCommand) {
        if let Some(link) = &self.fiscal {
            link.device(command);
        }
    }

    /// Opens the cash drawer (through the register).
    pub fn open_drawer(&mut self, session: &Session) -> Result<()> {
        self.check(session, Permission::CashInOut)?;
        self.on_register(DeviceCommand::OpenDrawer);
        Ok(())
    }

    /// Before a sale or return on a till with a register: a shift over 24
    /// hours cannot take receipts (54-FZ), so the cashier is told to close
    /// it before anything is booked. Read from the books: no device I/O.
    fn fiscal_preflight(&self, shift: &str) -> Result<()> {
        if self.fiscal.is_none() {
            return Ok(());
        }
        if let Some(opened) = self.db.shift_opened_utc(shift)? {
            if self.clock.now().epoch_millis() - opened > 24 * 3_600_000 {
                return Err(Error::ShiftOver24Hours(shift.to_owned()));
            }
        }
        Ok(())
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
        let now = self.moment()?;
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

    /// The moment an action is booked at: the clock's, unless the clock has
    /// gone back (an NTP step, a wrong BIOS clock after a power cut) behind
    /// what the open shift already booked; then that last moment, so the
    /// till still sells and closes, and its records stay in order.
    fn moment(&self) -> Result<At> {
        let now = self.clock.now();
        match self.db.last_moment(&self.store, &self.till)? {
            Some(last) if last > now.epoch_millis() => {
                let utc = chrono::DateTime::from_timestamp_millis(last).unwrap_or_else(|| now.time().to_utc());
                Ok(At::new(utc.with_timezone(now.time().offset())))
            }
            _ => Ok(now),
        }
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
    /// a while. Nothing talks to the fiscal register before a login.
    pub fn login(&mut self, employee: &str, pin: &str) -> Result<Session> {
        // Logging in writes (attempts, history): what is cached may go stale.
        self.cache = ReadCache::default();
        login(&mut self.db, self.clock.now(), employee, pin)
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
        self.open_shift_with_float(session, action, None)
    }

    /// Opens a shift and puts the float into the drawer («Внести деньги в
    /// кассу»), as one action: both or neither.
    pub fn open_shift_with_float(
        &mut self,
        session: &Session,
        action: &ActionId,
        float: Option<Money>,
    ) -> Result<String> {
        if let Some(float) = float {
            if !float.is_positive() {
                return Err(Error::NotPositive(float));
            }
            if self.fiscal.is_some() {
                crate::fiscal::check_amount(float)?;
            }
        }
        let float_rights = float.is_some();
        let id = self.act(
            session,
            action,
            Permission::OpenCloseShift,
            |ledger, employee, rights, now, store, till| {
                if float_rights && !rights.allows(Permission::CashInOut) {
                    return Err(Error::Forbidden {
                        actor: employee.id.clone(),
                        permission: Permission::CashInOut,
                    });
                }
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
                if let Some(amount) = float {
                    ledger.apply(Record::Cash(CashMove {
                        shift: id.clone(),
                        at: now,
                        amount,
                        out_reason: None,
                    }))?;
                }
                Ok(id)
            },
        )?;
        self.nudge_register();
        if let Some(float) = float {
            self.on_register(DeviceCommand::CashIn(register_kopecks(float)));
        }
        Ok(id)
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
            return Err(Error::NotPositive(amount));
        }
        let shift = self.require_shift()?;
        if self.fiscal.is_some() {
            crate::fiscal::check_amount(amount)?;
        }
        self.act(session, action, Permission::CashInOut, |ledger, _, _, now, _, _| {
            ledger
                .apply(Record::Cash(CashMove {
                    shift,
                    at: now,
                    amount,
                    out_reason,
                }))
                .map_err(|e| e.root().clone())?;
            Ok(String::new())
        })?;
        let kopecks = register_kopecks(amount);
        self.on_register(match out_reason {
            None => DeviceCommand::CashIn(kopecks),
            Some(_) => DeviceCommand::CashOut(kopecks),
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
        self.on_register(DeviceCommand::XReport);
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
        self.nudge_register();
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
                    return Err(Error::MarkingSold { product: product.name });
                }
                // The fiscal storage checks the code; a register that does
                // not answer in time leaves it to the receipt.
                if let Some(Ok(check)) = self.fiscal.as_ref().and_then(|link| link.check_marking(&marking.raw)) {
                    if !check.valid {
                        return Err(Error::MarkingRejected { product: product.name });
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
            return Err(Error::EmptyCart);
        }
        if cart.is_return() {
            return Err(Error::WrongCart("this cart is for a return, not a sale"));
        }
        let shift = self.require_shift()?;
        self.fiscal_preflight(&shift)?;
        let fiscal = self.fiscal.is_some();
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
                let (id, total) = book_receipt(
                    ledger,
                    &shift,
                    now,
                    &employee.id,
                    ReceiptKind::Sale,
                    lines,
                    payments.to_vec(),
                    None,
                    fiscal,
                )?;
                file_receipt(ledger, &id, total, store, till, &employee.id, &markings, fiscal)?;
                Ok(id)
            },
        )?;
        self.nudge_register();
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
        self.fiscal_preflight(&shift)?;
        let fiscal = self.fiscal.is_some();
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
                    return Err(Error::NotASale(sale.to_owned()));
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
                let (id, total) = book_receipt(
                    ledger,
                    &shift,
                    now,
                    &employee.id,
                    ReceiptKind::Return,
                    receipt_lines,
                    payments,
                    Some(sale.to_owned()),
                    fiscal,
                )?;
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
                file_receipt(ledger, &id, total, store, till, &employee.id, &markings, fiscal)?;
                Ok(id)
            },
        )?;
        self.nudge_register();
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
            return Err(Error::EmptyCart);
        }
        if !cart.is_return() {
            return Err(Error::WrongCart("ring up the goods coming back in a return cart"));
        }
        let shift = self.require_shift()?;
        self.fiscal_preflight(&shift)?;
        let fiscal = self.fiscal.is_some();
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
                let (id, total) = book_receipt(
                    ledger,
                    &shift,
                    now,
                    &employee.id,
                    ReceiptKind::Return,
                    lines,
                    payments,
                    None,
                    fiscal,
                )?;
                file_receipt(ledger, &id, total, store, till, &employee.id, &markings, fiscal)?;
                Ok(id)
            },
        )?;
        self.nudge_register();
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

/// Checks a PIN and records the attempt. The hash is checked with plain
/// reads, outside any transaction (argon2 takes tens of milliseconds: the
/// books are not held meanwhile); the attempt is then recorded in a short
/// transaction that counts from what it reads itself.
pub(crate) fn login(db: &mut Db, now: At, employee: &str, pin: &str) -> Result<Session> {
    let unknown = || Error::NotFound {
        what: "employee",
        id: employee.to_owned(),
    };
    let auth = db.employee_auth(employee)?.ok_or_else(unknown)?;
    let locked = |until: i64| Error::Locked {
        employee: employee.to_owned(),
        minutes: (until - now.epoch_millis() + 59_999) / 60_000,
    };
    if let Some(until) = auth.locked_until.filter(|until| *until > now.epoch_millis()) {
        return Err(locked(until));
    }
    let hash = auth
        .pin_hash
        .as_deref()
        .ok_or_else(|| Error::NoPin(employee.to_owned()))?;
    let right = verify_pin(hash, pin);
    let mut ledger = db.ledger(Some(employee))?;
    ledger.set_now(now);
    // Another process may have locked the employee meanwhile.
    let fresh = ledger.employee_auth(employee)?.ok_or_else(unknown)?;
    if let Some(until) = fresh.locked_until.filter(|until| *until > now.epoch_millis()) {
        return Err(locked(until));
    }
    if right {
        ledger.record_login(employee)?;
        ledger.commit()?;
        return Ok(Session {
            employee: auth.employee.id,
            name: auth.employee.name,
        });
    }
    let failed = fresh.failed_pins + 1;
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

/// Each cashier's discount in the cart is within the actor's rights
/// (promotions are the owner's, not counted against the limit).
fn check_cashier_discounts(cart: &Cart, employee: &Employee, rights: &Rights) -> Result<()> {
    for line in cart.lines() {
        check_discount(employee, rights, line.qty.times(line.product.price), line.discount)?;
    }
    Ok(())
}

/// After booking: the receipt's marking codes (so a pack is sold once),
/// and with a register, its place in the fiscal queue. A receipt with a
/// zero total moved no money and needs no fiscal receipt (a register
/// refuses it): it is not queued.
#[allow(clippy::too_many_arguments)]
fn file_receipt(
    ledger: &mut Ledger<'_>,
    id: &str,
    total: Money,
    store: &str,
    till: &str,
    cashier: &str,
    markings: &[(usize, String)],
    fiscal: bool,
) -> Result<()> {
    ledger.record_markings(id, markings)?;
    if !fiscal || total.is_zero() {
        return Ok(());
    }
    ledger.queue_fiscal(id, store, till, cashier)
}

/// Refuses a receipt the register cannot print: an amount past its money
/// fields (a price, a line, a payment, all payments together).
fn check_register_limits(receipt: &Receipt) -> Result<()> {
    let draft = receipt.draft();
    for line in &draft.lines {
        crate::fiscal::check_amount(line.price)?;
        crate::fiscal::check_amount(line.qty.times(line.price))?;
    }
    for payment in &draft.payments {
        crate::fiscal::check_amount(payment.amount)?;
    }
    crate::fiscal::check_amount(Money::sum(draft.payments.iter().map(|p| p.amount)))
}

/// What the register is sent for a cash amount (positive, checked against
/// its limit before booking).
fn register_kopecks(amount: Money) -> u64 {
    u64::try_from(amount.kopecks()).unwrap_or(0)
}

/// Numbers and books a receipt of this till's shift (with a register,
/// refused before anything is written if the register cannot print it);
/// returns its id and total.
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
    fiscal: bool,
) -> Result<(String, Money)> {
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
    if fiscal {
        check_register_limits(&receipt)?;
    }
    let total = receipt.total();
    // The till numbered this receipt: a refusal names the cause, not a
    // receipt that was never made.
    ledger.apply(Record::Receipt(receipt)).map_err(|e| e.root().clone())?;
    Ok((id, total))
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
