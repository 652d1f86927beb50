//! The core's errors: each says in plain words what was refused and why.

use crate::money::{AmountError, Money, Percent, Qty};
use crate::staff::Permission;

/// Result of a core operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong in the till core. Domain refusals carry the figures a
/// cashier needs to understand them; `Storage` is the only I/O failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A field's value is malformed.
    #[error("{field}: {source}")]
    Amount {
        /// The field.
        field: String,
        /// What is wrong with it.
        source: AmountError,
    },
    /// A value breaks a rule of the domain.
    #[error("{0}")]
    Invalid(String),
    /// A referenced record does not exist.
    #[error("unknown {what} `{id}`")]
    NotFound {
        /// Kind of record.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// A record with this id exists and differs from the one given.
    #[error("{what} `{id}` already exists with different content")]
    Conflict {
        /// Kind of record.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// The actor lacks a right.
    #[error("{actor} has no right to {permission}")]
    Forbidden {
        /// Employee id.
        actor: String,
        /// The missing right.
        permission: Permission,
    },
    /// A line discount above the actor's limit.
    #[error("discount {requested}% exceeds the limit of {limit}% for {actor}")]
    DiscountOverLimit {
        /// Employee id.
        actor: String,
        /// Discount asked for, in percent of the line.
        requested: String,
        /// The role's limit.
        limit: Percent,
    },
    /// Wrong PIN.
    #[error("wrong PIN; {attempts_left} attempts left before the account is locked")]
    WrongPin {
        /// Attempts before lockout.
        attempts_left: u32,
    },
    /// Too many wrong PINs.
    #[error("employee {employee} is locked after too many wrong PINs; try again in {minutes} min")]
    Locked {
        /// Employee id.
        employee: String,
        /// Minutes until unlock (rounded up).
        minutes: i64,
    },
    /// The employee has no PIN and cannot log in.
    #[error("employee {0} has no PIN set")]
    NoPin(String),
    /// A shift is already open on this till.
    #[error("a shift is already open on till {till} ({shift})")]
    ShiftAlreadyOpen {
        /// Till id.
        till: String,
        /// The open shift.
        shift: String,
    },
    /// The action needs an open shift.
    #[error("no open shift on till {0}")]
    NoOpenShift(String),
    /// The shift is not open at that moment.
    #[error("shift {shift} is not open yet at {at}")]
    ShiftNotOpen {
        /// Shift id.
        shift: String,
        /// Moment of the action.
        at: String,
    },
    /// Paying out more cash than the drawer holds.
    #[error("{what} {requested} exceeds the {available} in the drawer")]
    NotEnoughCash {
        /// Cash out or cash refund.
        what: &'static str,
        /// Amount asked for.
        requested: Money,
        /// Cash in the drawer.
        available: Money,
    },
    /// Payments do not reach the receipt total.
    #[error("payments cover {paid} of {total}")]
    Underpaid {
        /// Sum of payments.
        paid: Money,
        /// Receipt total.
        total: Money,
    },
    /// Returning more than the sale sold, less earlier returns.
    #[error("return of {requested} × {sku} exceeds the {available} left to return from sale {sale}")]
    ReturnExceedsSale {
        /// Product.
        sku: String,
        /// Quantity asked for.
        requested: Qty,
        /// Quantity still returnable (may be 0).
        available: String,
        /// The sale receipt.
        sale: String,
    },
    /// The period is locked against edits.
    #[error("the period up to {0} is closed; editing it needs the right to edit a closed period")]
    PeriodLocked(String),
    /// A marked product needs its marking code scanned.
    #[error("{0} is marked (Честный ЗНАК): scan the Data Matrix code on the pack")]
    MarkingRequired(String),
    /// The cart's promotions no longer hold (one started, ended or changed
    /// since it was priced): it is priced again and must be checked.
    #[error("prices have changed since the cart was priced (a promotion started, ended or changed): the total is now {total}; check it and take payment again")]
    PricesChanged {
        /// The new total.
        total: Money,
    },
    /// A scan that is not a valid barcode.
    #[error("{0}")]
    Barcode(#[from] crate::catalog::barcode::BarcodeError),
    /// The fiscal register refused or could not be reached.
    #[error("{0}")]
    Fiscal(#[from] kassa_fiscal::FiscalError),
    /// The fiscal register's shift is over 24 hours old.
    #[error("the fiscal register's shift is over 24 hours old: close the shift (Z report) and open a new one")]
    FiscalShiftExpired,
    /// The database failed.
    #[error("storage: {0}")]
    Storage(#[from] rusqlite::Error),
}

impl Error {
    /// Shorthand for a rule violation.
    pub fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid(message.into())
    }

    /// Wraps an amount error with the field it came from.
    pub fn amount(field: impl Into<String>, source: AmountError) -> Error {
        Error::Amount {
            field: field.into(),
            source,
        }
    }
}
