//! A shift: opening with the float, cash in and out, X and Z reports.

use crate::error::{Error, Result};
use crate::fiscal::DeviceCommand;
use crate::journal::Record;
use crate::money::Money;
use crate::shift::{CashMove, CashOutReason, ShiftOpen, ShiftTotals};
use crate::staff::Permission;

use super::*;

impl Till {
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
            self.on_register(DeviceCommand::OpenDrawer);
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

    pub(super) fn cash_move(
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
        self.on_register(DeviceCommand::OpenDrawer);
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
        self.close_shift_counted(session, action, None)
    }

    /// Closes the shift with the cash the cashier counted in the drawer:
    /// the count, what the books expected and the difference go into the
    /// history with the closing, in one action.
    pub fn close_shift_counted(
        &mut self,
        session: &Session,
        action: &ActionId,
        counted: Option<Money>,
    ) -> Result<ShiftTotals> {
        // A retried close after success answers with the same Z report.
        if let Some(shift) = self.db.action_result(action.as_str())? {
            return self.db.shift_totals(&shift);
        }
        if let Some(counted) = counted.filter(|c| c.is_negative()) {
            return Err(Error::NotPositive(counted));
        }
        let shift = self.require_shift()?;
        let closed = self.act(
            session,
            action,
            Permission::OpenCloseShift,
            |ledger, _, _, now, _, _| {
                if let Some(counted) = counted {
                    let expected = ledger.cash_in_drawer(&shift)?;
                    ledger.note(
                        "cash_counted",
                        &shift,
                        &serde_json::json!({
                            "shift": shift,
                            "counted": counted.to_string(),
                            "expected": expected.to_string(),
                            "difference": (counted - expected).to_string(),
                        }),
                    )?;
                }
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
}
