//! The till and its fiscal register: attaching it, the worker's state
//! and events, receipts parked for a manager, the drawer.

use crate::error::{Error, Result};
use crate::fiscal::{Connector, DeviceCommand, FiscalEvent, FiscalLink, FiscalRegister, FiscalState};
use crate::money::Money;
use crate::staff::Permission;

use super::*;

impl Till {
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
        self.connect_register_watched(connector).map(drop)
    }

    /// [`Till::connect_register`], with the worker's events subscribed to
    /// before its first round: a screen misses nothing it reports.
    pub fn connect_register_watched(&mut self, connector: Connector) -> Result<std::sync::mpsc::Receiver<FiscalEvent>> {
        let link = self.start_worker(Some(connector))?;
        let events = link.subscribe();
        link.nudge();
        self.fiscal = Some(link);
        Ok(events)
    }

    pub(super) fn start_worker(&self, connector: Option<Connector>) -> Result<FiscalLink> {
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

    /// Sends the waiting receipts to the register again, now, without
    /// waiting for the outcome (the cashier put paper in: the screen hears
    /// the outcome from [`Till::fiscal_events`]).
    pub fn retry_register(&self) {
        self.nudge_register();
    }

    pub(super) fn nudge_register(&self) {
        if let Some(link) = &self.fiscal {
            link.nudge();
        }
    }

    pub(super) fn on_register(&self, command: DeviceCommand) {
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

    /// Opens the drawer after a receipt that moved cash (a cash payment or
    /// refund), never after a card-only one; the register does it after
    /// printing the receipt (its commands run in order).
    pub(super) fn drawer_for_cash(&self, receipt: &crate::sale::Receipt) {
        let cash = receipt
            .draft()
            .payments
            .iter()
            .any(|p| p.method == crate::sale::PaymentMethod::Cash && p.amount.is_positive());
        if cash {
            self.on_register(DeviceCommand::OpenDrawer);
        }
    }

    /// Before a sale or return on a till with a register: a shift over 24
    /// hours cannot take receipts (54-FZ), so the cashier is told to close
    /// it before anything is booked. Read from the books: no device I/O.
    pub(super) fn fiscal_preflight(&self, shift: &str) -> Result<()> {
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
}

/// What the register is sent for a cash amount (positive, checked against
/// its limit before booking).
pub(super) fn register_kopecks(amount: Money) -> u64 {
    u64::try_from(amount.kopecks()).unwrap_or(0)
}
