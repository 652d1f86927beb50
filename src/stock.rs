//! Stock documents: supplies (waybills), write-offs, returns to suppliers.

use crate::catalog::journal_codes;
use crate::clock::At;
use crate::money::{Money, Qty};

journal_codes! {
    /// Kind of stock document.
    StockDocKind {
        /// Приход (ТОРГ-12 from a supplier).
        Supply = "supply",
        /// Списание (ТОРГ-16).
        WriteOff = "write_off",
        /// Возврат поставщику.
        SupplierReturn = "supplier_return"
    }
}

impl StockDocKind {
    /// +1 when the document brings goods in, −1 when it takes them out.
    pub fn direction(self) -> i64 {
        match self {
            StockDocKind::Supply => 1,
            StockDocKind::WriteOff | StockDocKind::SupplierReturn => -1,
        }
    }
}

/// A line of a stock document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockLine {
    /// Product.
    pub sku: String,
    /// Quantity.
    pub qty: Qty,
    /// Unit purchase cost (supplies and supplier returns).
    pub cost: Option<Money>,
}

/// A stock document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockDoc {
    /// Which kind.
    pub kind: StockDocKind,
    /// Journal id.
    pub id: String,
    /// Store.
    pub store: String,
    /// When.
    pub at: At,
    /// Supplier (supply, supplier return).
    pub supplier: Option<String>,
    /// Reason (write-off).
    pub reason: Option<String>,
    /// Lines, at least one.
    pub lines: Vec<StockLine>,
}

/// A stock count (инвентаризация): the quantity of each listed product
/// found in a store; the books adjust to it at the average cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockCount {
    /// Journal id.
    pub id: String,
    /// Store.
    pub store: String,
    /// When it was counted.
    pub at: At,
    /// What was found.
    pub lines: Vec<CountLine>,
}

/// A product counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountLine {
    /// Product.
    pub sku: String,
    /// The quantity found.
    pub qty: Qty,
}
