//! Shifts (смены): opening, cash in and out, X and Z totals.

use crate::catalog::journal_codes;
use crate::clock::At;
use crate::money::Money;

journal_codes! {
    /// Why cash left the drawer.
    CashOutReason {
        /// Инкассация: cash collected from the till.
        Collection = "collection",
        /// A shop expense paid from the drawer.
        Expense = "expense",
        /// Anything else.
        Other = "other"
    }
}

/// A shift opening: who opened which till when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftOpen {
    /// Journal id.
    pub id: String,
    /// Store.
    pub store: String,
    /// Till within the store.
    pub till: String,
    /// Cashier of the shift.
    pub cashier: String,
    /// When.
    pub at: At,
}

/// Cash put into the drawer (внесение) or taken out (выплата, инкассация).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashMove {
    /// Shift.
    pub shift: String,
    /// When.
    pub at: At,
    /// Amount, greater than zero.
    pub amount: Money,
    /// `None` for cash in; the reason for cash out.
    pub out_reason: Option<CashOutReason>,
}

/// Money of one payment method in a shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MethodTotals {
    /// Taken for sales (cash net of change).
    pub sales: Money,
    /// Paid back for returns.
    pub returns: Money,
}

impl MethodTotals {
    /// Sales less returns.
    pub fn net(&self) -> Money {
        self.sales - self.returns
    }
}

/// The figures of a shift at a moment: an X report while it is open, the
/// Z report once it is closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftTotals {
    /// Shift id.
    pub shift: String,
    /// Store.
    pub store: String,
    /// Till.
    pub till: String,
    /// Cashier who opened it.
    pub cashier: String,
    /// Opened at.
    pub opened_at: At,
    /// Closed at, for a Z report.
    pub closed_at: Option<At>,
    /// Number of sale receipts.
    pub sales_count: i64,
    /// Σ totals of sale receipts.
    pub sales: Money,
    /// Number of return receipts.
    pub returns_count: i64,
    /// Σ totals of return receipts.
    pub returns: Money,
    /// Cash.
    pub cash: MethodTotals,
    /// Card.
    pub card: MethodTotals,
    /// Other methods.
    pub other: MethodTotals,
    /// Cash put in (float included).
    pub cash_in: Money,
    /// Cash taken out, collections included.
    pub cash_out: Money,
    /// Of `cash_out`, collections (инкассация).
    pub collections: Money,
}

impl ShiftTotals {
    /// Cash that should be in the drawer: cash in + net cash − cash out.
    pub fn cash_in_drawer(&self) -> Money {
        self.cash_in + self.cash.net() - self.cash_out
    }

    /// Sales less returns.
    pub fn net_revenue(&self) -> Money {
        self.sales - self.returns
    }
}
