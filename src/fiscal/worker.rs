//! The fiscal worker: one thread per till owns the register, drains
//! `fiscal_queue` in order, reconciles exactly once (see the module above),
//! runs the device's other commands (cash in and out, X report, drawer,
//! marking checks) and reports what happened as [`FiscalEvent`]s. A till's
//! booking never waits for it: a register timeout stalls nothing but the
//! worker. It has its own connection to the books and writes only through
//! the [`crate::db::Ledger`].

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kassa_fiscal::{CorrectionKind, CorrectionReceipt, DeviceError, MarkingCheck};

use super::{FiscalDocument, FiscalError, FiscalReceipt, FiscalRegister, RegisterStatus};
use crate::catalog::Store;
use crate::db::{Db, FiscalEntry};
use crate::error::{Error, Result};

/// Makes a connection to the register when the worker needs one.
pub type Connector = Box<dyn FnMut() -> Result<Box<dyn FiscalRegister>> + Send>;

/// What the worker reports, for a screen to show as it happens.
#[derive(Debug, Clone)]
pub enum FiscalEvent {
    /// A receipt is in the fiscal storage.
    Registered {
        /// The receipt.
        receipt: String,
        /// Fiscal document number (ФД).
        number: u32,
        /// Fiscal sign (ФП).
        sign: u32,
    },
    /// The register refused a receipt: it is parked for a manager, and
    /// the queue goes on without it.
    Refused {
        /// The receipt.
        receipt: String,
        /// The register's code, meaning and advice.
        error: DeviceError,
    },
    /// The register cannot be reached: receipts wait and are sent when it
    /// answers again.
    LinkLost {
        /// What failed.
        error: Error,
    },
    /// The register answers again after the link was lost.
    Reconnected,
    /// The register is in a state that takes no receipt until someone acts
    /// (no paper, the lid open…): receipts wait and are sent again every
    /// few seconds.
    Stalled {
        /// What the register said, with what to do.
        error: Error,
    },
    /// A command other than a receipt (cash in, X report…) failed.
    CommandFailed {
        /// What failed.
        error: Error,
    },
    /// Nothing waits for the register (parked receipts aside).
    Idle {
        /// Receipts parked for a manager.
        parked: usize,
    },
}

/// A command for the register other than a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeviceCommand {
    /// Cash in (внесение), kopecks.
    CashIn(u64),
    /// Cash out (выплата), kopecks.
    CashOut(u64),
    /// X report.
    XReport,
    /// Opens the cash drawer.
    OpenDrawer,
}

enum Command {
    /// Receipts were booked (or a retry was asked): send what waits. With
    /// a reply: how many were registered, once done.
    Drain(Option<Sender<Result<usize>>>),
    /// A register to use from now on (tests, a reconnect by hand).
    Attach(Box<dyn FiscalRegister>),
    Device(DeviceCommand),
    CheckMarking {
        code: String,
        reply: Sender<Result<MarkingCheck>>,
    },
    /// A correction receipt for a parked receipt.
    Correct {
        receipt: String,
        kind: CorrectionKind,
        reply: Sender<Result<FiscalDocument>>,
    },
    Subscribe(Sender<FiscalEvent>),
}

/// What the till and its worker share.
#[derive(Default)]
struct Shared {
    /// The last error met (cleared by a clean drain).
    last_error: Option<Error>,
}

/// A till's handle on its worker.
pub(crate) struct FiscalLink {
    commands: Sender<Command>,
    shared: Arc<Mutex<Shared>>,
}

/// How long a scan waits for the register to check a marking code.
const MARKING_WAIT: Duration = Duration::from_secs(5);
/// How often the worker tries again while receipts wait on a lost link.
const RETRY_EVERY: Duration = Duration::from_secs(10);

impl FiscalLink {
    /// Starts the worker on its own connection to the books at `path`.
    pub(crate) fn start(
        path: &std::path::Path,
        store: &str,
        till: &str,
        connector: Option<Connector>,
    ) -> Result<FiscalLink> {
        let db = Db::open(path)?;
        let (commands, inbox) = mpsc::channel();
        let shared = Arc::new(Mutex::new(Shared::default()));
        let mut worker = Worker {
            registered: 0,
            db,
            store: store.to_owned(),
            till: till.to_owned(),
            register: None,
            connector,
            link_lost: false,
            stalled: false,
            subscribers: Vec::new(),
            shared: Arc::clone(&shared),
        };
        std::thread::Builder::new()
            .name(format!("fiscal {store}/{till}"))
            .spawn(move || worker.run(&inbox))
            .map_err(|e| Error::invalid(format!("cannot start the fiscal worker: {e}")))?;
        Ok(FiscalLink { commands, shared })
    }

    fn send(&self, command: Command) {
        // The worker only ends when this link is dropped.
        let _ = self.commands.send(command);
    }

    /// Receipts were booked: send them, without waiting.
    pub(crate) fn nudge(&self) {
        self.send(Command::Drain(None));
    }

    /// Sends a command that answers, and the channel its answer comes on.
    fn ask<T>(&self, command: impl FnOnce(Sender<Result<T>>) -> Command) -> Receiver<Result<T>> {
        let (reply, answer) = mpsc::channel();
        self.send(command(reply));
        answer
    }

    /// Sends what waits and waits for the outcome.
    pub(crate) fn drain_and_wait(&self) -> Result<usize> {
        let answer = self.ask(|reply| Command::Drain(Some(reply)));
        answer.recv().unwrap_or_else(|_| Err(stopped()))
    }

    pub(crate) fn attach(&self, register: Box<dyn FiscalRegister>) {
        self.send(Command::Attach(register));
        self.nudge();
    }

    pub(crate) fn device(&self, command: DeviceCommand) {
        self.send(Command::Device(command));
    }

    /// Checks a marking code with the fiscal storage; `None` when the
    /// register does not answer in time (the sale goes on: the code goes
    /// with the receipt and the storage checks it then).
    pub(crate) fn check_marking(&self, code: &str) -> Option<Result<MarkingCheck>> {
        let code = code.to_owned();
        let answer = self.ask(|reply| Command::CheckMarking { code, reply });
        answer.recv_timeout(MARKING_WAIT).ok()
    }

    pub(crate) fn correct(&self, receipt: &str, kind: CorrectionKind) -> Result<FiscalDocument> {
        let receipt = receipt.to_owned();
        let answer = self.ask(|reply| Command::Correct { receipt, kind, reply });
        answer.recv().unwrap_or_else(|_| Err(stopped()))
    }

    pub(crate) fn subscribe(&self) -> Receiver<FiscalEvent> {
        let (events, receiver) = mpsc::channel();
        self.send(Command::Subscribe(events));
        receiver
    }

    pub(crate) fn last_error(&self) -> Option<Error> {
        self.shared.lock().ok().and_then(|shared| shared.last_error.clone())
    }
}

fn stopped() -> Error {
    Error::invalid("the fiscal worker stopped")
}

struct Worker {
    /// Receipts registered since the last drain that was waited for.
    registered: usize,
    db: Db,
    store: String,
    till: String,
    register: Option<Box<dyn FiscalRegister>>,
    connector: Option<Connector>,
    link_lost: bool,
    /// The last round stopped on the register's state (no paper…).
    stalled: bool,
    subscribers: Vec<Sender<FiscalEvent>>,
    shared: Arc<Mutex<Shared>>,
}

impl Worker {
    fn run(&mut self, inbox: &Receiver<Command>) {
        loop {
            // While receipts wait on a lost link, try again now and then.
            let command = if self.link_lost || self.stalled {
                match inbox.recv_timeout(RETRY_EVERY) {
                    Ok(command) => command,
                    Err(RecvTimeoutError::Timeout) => Command::Drain(None),
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            } else {
                match inbox.recv() {
                    Ok(command) => command,
                    Err(_) => return,
                }
            };
            self.handle(command);
        }
    }

    fn handle(&mut self, command: Command) {
        match command {
            Command::Drain(reply) => {
                let result = self.drain();
                if let Some(reply) = reply {
                    // How many went since the caller last asked, not only
                    // in this round (a nudge may have sent its receipt).
                    let _ = reply.send(result.map(|()| std::mem::take(&mut self.registered)));
                }
            }
            Command::Attach(register) => {
                self.register = Some(register);
            }
            Command::Device(command) => {
                let result = self.with_register(|_, register| run_device(register, command));
                if let Err(error) = result {
                    self.set_error(Some(error.clone()));
                    self.emit(FiscalEvent::CommandFailed { error });
                }
            }
            Command::CheckMarking { code, reply } => {
                let result = self.with_register(|_, register| {
                    Ok(register.check_marking(&code, super::CalculationSign::Sale, 1_000)?)
                });
                let _ = reply.send(result);
            }
            Command::Correct { receipt, kind, reply } => {
                let result = self.correct(&receipt, kind);
                let _ = reply.send(result);
            }
            Command::Subscribe(events) => self.subscribers.push(events),
        }
    }

    fn emit(&mut self, event: FiscalEvent) {
        self.subscribers
            .retain(|subscriber| subscriber.send(event.clone()).is_ok());
    }

    fn set_error(&self, error: Option<Error>) {
        if let Ok(mut shared) = self.shared.lock() {
            shared.last_error = error;
        }
    }

    /// Runs `work` on the register, connecting first when needed. A lost
    /// link drops the connection (the next call reconnects); a connection
    /// the worker made itself is let go once the work is done, so another
    /// program gets its turn.
    fn with_register<T>(&mut self, work: impl FnOnce(&mut Db, &mut dyn FiscalRegister) -> Result<T>) -> Result<T> {
        let mut register = match self.register.take() {
            Some(register) => register,
            None => {
                let connected = match self.connector.as_mut() {
                    Some(connector) => connector(),
                    None => Err(super::no_link()),
                };
                match connected {
                    Ok(register) => register,
                    Err(error) => {
                        self.lost(&error);
                        return Err(error);
                    }
                }
            }
        };
        let result = work(&mut self.db, register.as_mut());
        match &result {
            Err(error @ Error::Fiscal(FiscalError::Transport(_))) => {
                let error = error.clone();
                self.lost(&error);
            }
            _ => {
                if self.link_lost {
                    self.link_lost = false;
                    self.emit(FiscalEvent::Reconnected);
                }
                if self.connector.is_none() {
                    self.register = Some(register);
                }
            }
        }
        result
    }

    fn lost(&mut self, error: &Error) {
        if !self.link_lost {
            self.link_lost = true;
            self.emit(FiscalEvent::LinkLost { error: error.clone() });
        }
    }

    fn drain(&mut self) -> Result<()> {
        let (store, till) = (self.store.clone(), self.till.clone());
        let mut outcome = Outcome::default();
        let result = self.with_register(|db, register| reconcile(db, &store, &till, register, &mut outcome));
        self.report(outcome);
        match &result {
            Ok(()) => {
                self.set_error(None);
                self.stalled = false;
                let parked = self.db.fiscal_parked(&self.store, &self.till).map_or(0, |p| p.len());
                self.emit(FiscalEvent::Idle { parked });
            }
            Err(error) => {
                self.set_error(Some(error.clone()));
                // A lost link is reported (and retried) as such.
                if !matches!(error, Error::Fiscal(FiscalError::Transport(_))) && !self.link_lost {
                    self.stalled = true;
                    self.emit(FiscalEvent::Stalled { error: error.clone() });
                }
            }
        }
        result
    }

    /// Counts and tells subscribers what a round registered and refused.
    fn report(&mut self, outcome: Outcome) {
        self.registered += outcome.registered.len();
        for (receipt, number, sign) in outcome.registered {
            self.emit(FiscalEvent::Registered { receipt, number, sign });
        }
        for (receipt, error) in outcome.refused {
            self.emit(FiscalEvent::Refused { receipt, error });
        }
    }

    /// Registers a correction receipt (чек коррекции, 1173 = 0: on the
    /// shop's own initiative, or 1: by a tax authority's order) for a parked
    /// receipt: the settlement took place, the register never registered it.
    fn correct(&mut self, receipt: &str, kind: CorrectionKind) -> Result<FiscalDocument> {
        let store = self.store.clone();
        let mut outcome = Outcome::default();
        let result = self.with_register(|db, register| {
            let entry = db
                .fiscal_entry(receipt)?
                .filter(|entry| entry.parked && entry.fd_number.is_none())
                .ok_or_else(|| Error::NotParked(receipt.to_owned()))?;
            let store = store_card(db, &store)?;
            let (fiscal, day, offset) = receipt_for_register(db, &store, &entry)?;
            let mut status = register.status()?;
            if status.receipt_open {
                register.cancel_receipt()?;
            }
            if status.shift_expired {
                register.close_shift("")?;
                status.shift_open = false;
            }
            if !status.shift_open {
                register.open_shift(&fiscal.cashier)?;
                status = register.status()?;
            }
            let before = status.last_document;
            let correction = CorrectionReceipt {
                sign: fiscal.sign,
                kind,
                date: day,
                lines: fiscal.lines,
                payments: fiscal.payments,
                tax_system: fiscal.tax_system,
                cashier: fiscal.cashier,
            };
            let document = match register.register_correction(&correction) {
                Ok(document) => document,
                // The outcome is unknown: the next correction asks again,
                // so look for it before anyone tries twice.
                Err(error) if error.outcome_unknown() => {
                    let status = register.status()?;
                    match find_after(register, before, status.last_document, |doc| {
                        doc.kind
                            == super::DocumentKind::Correction {
                                sign: correction.sign,
                                total: correction.total(),
                            }
                    })? {
                        Some(document) => document,
                        None => return Err(error.into()),
                    }
                }
                Err(error) => return Err(error.into()),
            };
            let registration = Registration {
                fn_number: &status.fn_number,
                offset,
                correction: true,
            };
            registered(db, receipt, &document, &registration, &mut outcome)?;
            Ok(document)
        });
        self.report(outcome);
        result
    }
}

/// What one round did.
#[derive(Default)]
struct Outcome {
    registered: Vec<(String, u32, u32)>,
    refused: Vec<(String, DeviceError)>,
}

fn run_device(register: &mut dyn FiscalRegister, command: DeviceCommand) -> Result<()> {
    match command {
        DeviceCommand::CashIn(kopecks) => register.cash_in(kopecks).map(drop),
        DeviceCommand::CashOut(kopecks) => register.cash_out(kopecks).map(drop),
        DeviceCommand::XReport => register.x_report(),
        DeviceCommand::OpenDrawer => register.open_drawer(),
    }
    .map_err(Error::from)
}

fn store_card(db: &Db, store: &str) -> Result<Store> {
    db.store(store)?.ok_or_else(|| Error::NotFound {
        what: "store",
        id: store.to_owned(),
    })
}

/// A queued receipt in the register's terms, with its local day and the
/// offset its moment was booked in.
fn receipt_for_register(
    db: &Db,
    store: &Store,
    entry: &FiscalEntry,
) -> Result<(FiscalReceipt, chrono::NaiveDate, chrono::FixedOffset)> {
    let receipt = db.receipt(&entry.receipt)?.ok_or_else(|| Error::NotFound {
        what: "receipt",
        id: entry.receipt.clone(),
    })?;
    let vats = db.receipt_line_vats(&entry.receipt)?;
    let mut products = Vec::with_capacity(receipt.draft().lines.len());
    for (n, line) in receipt.draft().lines.iter().enumerate() {
        let mut product = db.product(&line.sku)?.ok_or_else(|| Error::NotFound {
            what: "product",
            id: line.sku.clone(),
        })?;
        // The rate the line was booked at (a return: its sale's), not the
        // card's today.
        if let Some(Some(vat)) = vats.get(n) {
            product.vat = *vat;
        }
        products.push(product);
    }
    let cashier = db
        .employee(&entry.cashier)?
        .map(|employee| employee.name)
        .unwrap_or_else(|| entry.cashier.clone());
    let markings = db.receipt_markings(&entry.receipt)?;
    let fiscal = super::fiscal_receipt(&receipt, &products, &markings, store, &cashier)?;
    let at = receipt.draft().at;
    Ok((fiscal, at.local_day(), *at.time().offset()))
}

/// The register's moment of a document, as the journal writes times (the
/// register's clock is local: it takes the receipt's offset).
fn register_moment(document: &FiscalDocument, offset: chrono::FixedOffset) -> String {
    match document.at.and_local_timezone(offset) {
        chrono::LocalResult::Single(at) | chrono::LocalResult::Ambiguous(at, _) => {
            crate::clock::At::new(at).to_string()
        }
        chrono::LocalResult::None => document.at.format("%Y-%m-%dT%H:%M:%S").to_string(),
    }
}

/// The first document after `before` up to `last` that `is_it` accepts.
fn find_after(
    register: &mut dyn FiscalRegister,
    before: u32,
    last: u32,
    is_it: impl Fn(&FiscalDocument) -> bool,
) -> Result<Option<FiscalDocument>> {
    for number in before.saturating_add(1)..=last {
        let document = register.document(number)?;
        if is_it(&document) {
            return Ok(Some(document));
        }
    }
    Ok(None)
}

/// Whether the register refused the receipt itself (its figures or
/// fields), so sending it again can never succeed: it is parked for a
/// manager. Any other refusal is about the register's state (a receipt
/// left open, no paper, still printing, a mode, a password): the receipt
/// keeps its place and goes in a later round.
fn refuses_the_receipt(error: &DeviceError) -> bool {
    use kassa_fiscal::error::code;
    const TOTAL_OVERFLOW: u8 = 0x48;
    const NON_CASH_ABOVE_TOTAL: u8 = 0x4D;
    const MULTIPLICATION_OVERFLOW: u8 = 0x60;
    const PRICE_RANGE: u8 = 0x61;
    const QUANTITY_RANGE: u8 = 0x62;
    const TOTAL_RANGE: u8 = 0x7F;
    matches!(
        error.code,
        code::BAD_PARAMETERS
            | code::UNDERPAID
            | code::NOT_ENOUGH_CASH
            | TOTAL_OVERFLOW
            | NON_CASH_ABOVE_TOTAL
            | code::WRONG_OPERATION
            | code::NEGATIVE_TOTAL
            | MULTIPLICATION_OVERFLOW
            | PRICE_RANGE
            | QUANTITY_RANGE
            | TOTAL_RANGE
            | code::ZERO_TOTAL
    ) || (error.command > 0xFF && error.code == code::FN_TLV_TOO_LARGE)
}

/// Whether the register's refusal is about its shift (over 24 hours): the
/// cure is a Z report, not a manager's decision on the receipt.
fn shift_refusal(error: &DeviceError) -> bool {
    matches!(
        (error.code, error.command > 0xFF),
        (kassa_fiscal::error::code::SHIFT_OVER_24H, false) | (kassa_fiscal::error::code::FN_SHIFT_OVER_24H, true)
    )
}

/// How a round's documents are recorded: the fiscal storage they are in,
/// the offset of the books' moments, and whether by a correction.
struct Registration<'a> {
    fn_number: &'a str,
    offset: chrono::FixedOffset,
    correction: bool,
}

/// Records a receipt's fiscal document (the journal's `fiscal` record).
fn registered(
    db: &mut Db,
    receipt: &str,
    document: &FiscalDocument,
    how: &Registration<'_>,
    outcome: &mut Outcome,
) -> Result<()> {
    let ledger = db.ledger(None)?;
    let at = register_moment(document, how.offset);
    ledger.fiscal_registered(receipt, how.fn_number, document, &at, how.correction)?;
    ledger.commit()?;
    outcome
        .registered
        .push((receipt.to_owned(), document.number, document.fiscal_sign));
    Ok(())
}

/// Reconciles with the register and registers every waiting receipt,
/// oldest first, exactly once (see [`crate::fiscal`]); a receipt the
/// register refuses is parked and the next one goes; then the register's
/// shift is brought in line with the till's. A lost link stops it (the
/// receipt waits).
fn reconcile(
    db: &mut Db,
    store: &str,
    till: &str,
    register: &mut dyn FiscalRegister,
    outcome: &mut Outcome,
) -> Result<()> {
    let mut status: RegisterStatus = register.status()?;
    if status.receipt_open {
        // A receipt cut short (a crash, a pulled cable): take it back;
        // its entry is still pending and goes again below.
        register.cancel_receipt()?;
        status.receipt_open = false;
    }
    let card = store_card(db, store)?;
    for entry in db.fiscal_pending(store, till)? {
        let (fiscal, _, offset) = receipt_for_register(db, &card, &entry)?;
        let registration = Registration {
            fn_number: &status.fn_number,
            offset,
            correction: false,
        };
        // Sent before? Then a receipt document after the number stored
        // before sending, with this sign and total, is this one.
        if let Some(before) = entry.fd_before.filter(|before| status.last_document > *before) {
            let found = find_after(register, before, status.last_document, |document| {
                super::is_this_receipt(document, &fiscal)
            })?;
            if let Some(document) = found {
                registered(db, &entry.receipt, &document, &registration, outcome)?;
                continue;
            }
        }
        // A register shift over 24 hours takes no receipt: close it (its
        // Z report) and open the next, so the queue never wedges.
        if status.shift_expired {
            register.close_shift("")?;
            status.shift_open = false;
            status.shift_expired = false;
        }
        if !status.shift_open {
            let opened = register.open_shift(&fiscal.cashier)?;
            status.shift_open = true;
            status.last_document = opened.number;
        }
        {
            let ledger = db.ledger(None)?;
            ledger.fiscal_sending(&entry.receipt, status.last_document)?;
            ledger.commit()?;
        }
        match register.register(&fiscal) {
            Ok(document) => {
                registered(db, &entry.receipt, &document, &registration, outcome)?;
                status.last_document = document.number;
            }
            Err(error) => {
                // The register refused this receipt itself (and took it
                // back): refused twice, it is parked for a manager (the
                // first refusal may come from a state another program left
                // the register in). One that cannot be expressed at all is
                // parked at once. Either way the next receipts go on, so
                // nothing wedges.
                let refusal = match &error {
                    FiscalError::Device(refusal) if refuses_the_receipt(refusal) => Some((refusal.code, false)),
                    FiscalError::Device(_) => None,
                    other if !other.outcome_unknown() => Some((0, true)),
                    _ => None,
                };
                let ledger = db.ledger(None)?;
                if let Some((code, at_once)) = refusal {
                    let parked = ledger.fiscal_refused(&entry.receipt, code, &error.to_string(), at_once)?;
                    ledger.commit()?;
                    if let (true, FiscalError::Device(refusal)) = (parked, error) {
                        outcome.refused.push((entry.receipt.clone(), refusal));
                    }
                    continue;
                }
                // A lost link or a state of the register (no paper, a
                // receipt left open…): the receipt keeps its place for the
                // next round. A shift that ran out meanwhile is closed first.
                ledger.fiscal_failed(&entry.receipt, &error.to_string())?;
                ledger.commit()?;
                if matches!(&error, FiscalError::Device(refusal) if shift_refusal(refusal)) {
                    register.close_shift("")?;
                }
                return Err(error.into());
            }
        }
    }
    // The register's shift follows the till's: a Z report left undone
    // (or a shift over 24 hours) is closed, an open till shift opens the
    // register's. Parked receipts hold up neither.
    let till_open = db.open_shift(store, till)?.is_some();
    if status.shift_open && (!till_open || status.shift_expired) {
        register.close_shift("")?;
        status.shift_open = false;
    }
    if till_open && !status.shift_open {
        register.open_shift("")?;
    }
    Ok(())
}
