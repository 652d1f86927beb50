//! The core's errors: typed data, so a screen or the command line says
//! them in its own language from the variant and its figures. `Display`
//! gives a plain English line (the CLI, logs). Storage causes stay inside,
//! behind `Arc`, so an error can be cloned into a message.

use std::sync::Arc;

use crate::money::{AmountError, Money, Percent, Qty};
use crate::staff::Permission;

/// Result of a core operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where cash was to leave the drawer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outflow {
    /// A cash out (выплата, инкассация).
    CashOut,
    /// A refund in cash.
    CashRefund,
}

impl std::fmt::Display for Outflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Outflow::CashOut => "cash out",
            Outflow::CashRefund => "cash refund",
        })
    }
}

/// What can go wrong in the till core. Domain refusals carry the figures a
/// cashier needs to understand them; `Storage` is the only I/O failure.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// A field's value is malformed.
    #[error("{field}: {source}")]
    Amount {
        /// The field.
        field: String,
        /// What is wrong with it.
        source: AmountError,
    },
    /// A value breaks a rule of the domain (imports, cards: the message
    /// names the rule).
    #[error("{0}")]
    Invalid(String),
    /// A refusal inside one record (an imported line, a booked document):
    /// the record, then the cause as its own variant.
    #[error("{record}: {source}")]
    InRecord {
        /// The record, as `receipt R-1` or `shift_open SH-1`.
        record: String,
        /// The cause.
        source: Box<Error>,
    },
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
    /// No books at that path (reading never creates them).
    #[error("no database at {}: run `kassa init` first", .0.display())]
    NoBooks(std::path::PathBuf),
    /// A database with staff needs someone to act (the command line's
    /// `--employee` and `--pin`).
    #[error("this database has staff: say who acts (--employee ID --pin PIN or KASSA_PIN)")]
    NeedsEmployee,
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
    /// A product sold by weight was rung up without its weight.
    #[error("{name} is sold by weight: give the weight (e.g. 0.350*{code})")]
    WeightRequired {
        /// The product.
        name: String,
        /// What was scanned or typed.
        code: String,
    },
    /// The employee was dismissed: no login.
    #[error("employee {0} no longer works here (dismissed)")]
    Dismissed(String),
    /// The till was never set up in this store.
    #[error("till `{till}` of store {store} is not set up (kassa fiscal-device --store {store} --till {till} --port PORT|emulator|none)")]
    UnknownTill {
        /// Store id.
        store: String,
        /// The till id given.
        till: String,
    },
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
    /// The till's shift is over 24 hours old: its register cannot take
    /// receipts until the shift is closed.
    #[error("shift {0} is over 24 hours old: close it (Z report) and open a new one")]
    ShiftOver24Hours(String),
    /// Paying out more cash than the drawer holds.
    #[error("{what} {requested} exceeds the {available} in the drawer")]
    DrawerShort {
        /// Cash out or cash refund.
        what: Outflow,
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
    /// An amount must be above zero.
    #[error("amount {0} must be greater than zero")]
    NotPositive(Money),
    /// An amount larger than the attached fiscal register can print.
    #[error("{amount} is more than the fiscal register can take ({limit})")]
    BeyondRegister {
        /// The amount.
        amount: Money,
        /// The largest it takes.
        limit: Money,
    },
    /// Paying for, or returning, an empty cart.
    #[error("the cart is empty")]
    EmptyCart,
    /// A sale cart where a return cart is needed, or the other way round.
    #[error("{0}")]
    WrongCart(&'static str),
    /// The cart has no such line.
    #[error("the cart has no line {0}")]
    NoSuchLine(usize),
    /// A fractional quantity of a product sold by the piece.
    #[error("qty {qty} of {sku} sold by the piece must be whole")]
    WholeUnitsOnly {
        /// Product.
        sku: String,
        /// The quantity asked for.
        qty: Qty,
    },
    /// Non-cash payments above the receipt total.
    #[error("non-cash payments {non_cash} exceed the total {total}")]
    NonCashAboveTotal {
        /// Card and other payments.
        non_cash: Money,
        /// Receipt total.
        total: Money,
    },
    /// A line discount above the line (or below zero).
    #[error("discount {discount} must be between 0.00 and the line's {gross}")]
    DiscountOutsideLine {
        /// The discount asked for.
        discount: Money,
        /// The line before discount.
        gross: Money,
    },
    /// A marked product's quantity is one unit per scanned code.
    #[error("{0} is marked: each unit is scanned with its own code")]
    MarkedUnitOnly(String),
    /// This marking code is in the cart already.
    #[error("marking code of {0} is already in the cart")]
    MarkingInCart(String),
    /// A return with no lines chosen.
    #[error("choose at least one line to return")]
    NothingToReturn,
    /// A return names a product the sale did not sell.
    #[error("sale {sale} has no product {sku}")]
    NotInSale {
        /// The sale receipt.
        sale: String,
        /// The product.
        sku: String,
    },
    /// This marked unit (by its GTIN and serial) is already sold.
    #[error("this {product} has been sold already (its marking code is used)")]
    MarkingSold {
        /// The product's name.
        product: String,
    },
    /// The fiscal storage rejected a marking code.
    #[error("the fiscal storage rejected the marking code of {product}: scan it again or put the item aside")]
    MarkingRejected {
        /// The product's name.
        product: String,
    },
    /// A return names a receipt that is not a sale.
    #[error("{0} is not a sale receipt")]
    NotASale(String),
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
    /// A receipt that is not parked cannot be corrected or retried.
    #[error("receipt {0} is not waiting for a manager's decision")]
    NotParked(String),
    /// A scan that is not a valid barcode.
    #[error("{0}")]
    Barcode(#[from] crate::catalog::barcode::BarcodeError),
    /// The fiscal register refused or could not be reached.
    #[error("{0}")]
    Fiscal(#[from] kassa_fiscal::FiscalError),
    /// The database failed.
    #[error("storage: {0}")]
    Storage(Arc<rusqlite::Error>),
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Error {
        Error::Storage(Arc::new(error))
    }
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

    /// This error inside a record (`receipt R-1`).
    pub fn in_record(self, record: impl Into<String>) -> Error {
        Error::InRecord {
            record: record.into(),
            source: Box::new(self),
        }
    }

    /// The cause, past any record context.
    pub fn root(&self) -> &Error {
        match self {
            Error::InRecord { source, .. } => source.root(),
            other => other,
        }
    }
}
