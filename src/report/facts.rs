//! What the reports read: plain facts of the books, by a [`Source`] that
//! knows the storage. The definitions never see SQL, so the same catalogue
//! can run on another store of the books (the chain's server).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::db::report::Period;
use crate::error::Result;
use crate::money::Money;

/// A receipt, by its local day.
#[derive(Debug, Clone)]
pub struct ReceiptFact {
    /// Receipt id.
    pub id: String,
    /// The moment as recorded (RFC 3339 with the store's offset).
    pub at: String,
    /// Local day.
    pub day: NaiveDate,
    /// Local clock hour, 0–23.
    pub hour: u32,
    /// Store.
    pub store: String,
    /// Till.
    pub till: String,
    /// Shift.
    pub shift: String,
    /// Who rang it.
    pub cashier: String,
    /// `true` for a sale, `false` for a return.
    pub sale: bool,
    /// Total.
    pub total: Money,
    /// Cash, net of change.
    pub cash: Money,
    /// Card.
    pub card: Money,
    /// Other methods.
    pub other: Money,
}

/// A sale line as a line-level report lists it.
#[derive(Debug, Clone)]
pub struct LineFact {
    /// Receipt id.
    pub receipt: String,
    /// The receipt's moment as recorded.
    pub at: String,
    /// Product.
    pub sku: String,
    /// Quantity.
    pub qty: Decimal,
    /// Amount: gross − discount.
    pub amount: Money,
    /// Cost of goods, fixed when the line was rung up.
    pub cogs: Money,
}

/// A catalogue card.
#[derive(Debug, Clone)]
pub struct ProductFact {
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Category (`None`: none given).
    pub category: Option<String>,
    /// Unit code (`pcs`, `kg`, …).
    pub unit: String,
    /// Whether it carries stock (goods, not services).
    pub stocked: bool,
    /// Catalogue cost.
    pub cost: Decimal,
}

/// An employee.
#[derive(Debug, Clone)]
pub struct EmployeeFact {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Commission percent.
    pub commission_pct: Decimal,
}

/// A shift.
#[derive(Debug, Clone)]
pub struct ShiftFact {
    /// Id.
    pub id: String,
    /// Store.
    pub store: String,
    /// Till.
    pub till: String,
    /// Cashier who opened it.
    pub cashier: String,
    /// Opened, as recorded.
    pub opened_at: String,
    /// The day it belongs to.
    pub day: NaiveDate,
    /// Closed, as recorded.
    pub closed_at: Option<String>,
    /// Length in seconds, when closed.
    pub seconds: Option<i64>,
}

/// A cash in or out.
#[derive(Debug, Clone)]
pub struct CashFact {
    /// Shift.
    pub shift: String,
    /// Store.
    pub store: String,
    /// As recorded.
    pub at: String,
    /// Local day.
    pub day: NaiveDate,
    /// Positive: in; negative: out.
    pub amount: Money,
    /// `collection`, `expense`, `other` for an out; `None` for an in.
    pub reason: Option<String>,
}

/// What moved stock, in the order the books applied it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveKind {
    /// A supply came in.
    Supply,
    /// Sold.
    Sale,
    /// Returned by a buyer.
    Return,
    /// Written off.
    WriteOff,
    /// Returned to a supplier.
    SupplierReturn,
    /// A stock count's adjustment.
    Count,
}

/// One stock move of one product in one store.
#[derive(Debug, Clone)]
pub struct StockMove {
    /// Store.
    pub store: String,
    /// Product.
    pub sku: String,
    /// Local day.
    pub day: NaiveDate,
    /// What moved it.
    pub kind: MoveKind,
    /// Signed quantity.
    pub qty: Decimal,
    /// The unit cost incoming goods bring (a supply's cost, a buyer's
    /// return at its sale's cost); `None` for goods going out.
    pub in_cost: Option<Decimal>,
    /// The cost the move was booked at (for goods going out: the average then).
    pub first_cost: Decimal,
    /// Its place in the books' order: the record's event seq × 100000 + its line.
    pub booked: i64,
}

/// A line of a stock document (supply, write-off, supplier return).
#[derive(Debug, Clone)]
pub struct DocLineFact {
    /// `supply`, `write_off`, `supplier_return`.
    pub kind: String,
    /// Document id.
    pub doc: String,
    /// Store.
    pub store: String,
    /// Supplier (supplies, supplier returns) or reason (write-offs).
    pub party: String,
    /// Product.
    pub sku: String,
    /// Quantity.
    pub qty: Decimal,
    /// The document's unit cost, if it names one.
    pub cost: Option<Money>,
    /// The average cost the goods moved at.
    pub unit_cost: Decimal,
}

/// A line of a stock count.
#[derive(Debug, Clone)]
pub struct CountLineFact {
    /// Count id.
    pub count: String,
    /// As recorded.
    pub at: String,
    /// Product.
    pub sku: String,
    /// Counted quantity.
    pub counted: Decimal,
    /// Counted − book.
    pub delta: Decimal,
    /// Average cost at that moment.
    pub unit_cost: Decimal,
}

/// A receipt's fiscal requisites.
#[derive(Debug, Clone)]
pub struct FiscalFact {
    /// Receipt.
    pub receipt: String,
    /// Fiscal document number.
    pub fd: i64,
    /// Fiscal sign.
    pub fp: String,
    /// When the register printed it.
    pub at: String,
    /// The receipt's total.
    pub total: Money,
}

/// Receipts summed by day, hour, store, till, shift, cashier and kind.
#[derive(Debug, Clone)]
pub struct ReceiptSum {
    /// Local day.
    pub day: NaiveDate,
    /// Local clock hour.
    pub hour: u32,
    /// Store.
    pub store: String,
    /// Till.
    pub till: String,
    /// Shift.
    pub shift: String,
    /// Who rang them.
    pub cashier: String,
    /// Sales or returns.
    pub sale: bool,
    /// How many.
    pub receipts: i64,
    /// Their totals.
    pub total: Money,
    /// Cash net of change.
    pub cash: Money,
    /// Card.
    pub card: Money,
    /// Other methods.
    pub other: Money,
    /// Σ qty × price over the lines.
    pub gross: Money,
    /// Σ discounts over the lines.
    pub discount: Money,
    /// Items: pieces by quantity, a weighed line as one.
    pub items: Decimal,
    /// Lines with a discount.
    pub discounted_lines: i64,
}

/// Receipt lines of a product summed (by day and store where asked).
#[derive(Debug, Clone)]
pub struct ProductSum {
    /// Local day (`None`: summed over the period).
    pub day: Option<NaiveDate>,
    /// Store (`None`: summed over the stores).
    pub store: Option<String>,
    /// Product.
    pub sku: String,
    /// Sales or returns.
    pub sale: bool,
    /// The VAT code the lines were booked at.
    pub vat: String,
    /// How many lines.
    pub lines: i64,
    /// Quantity.
    pub qty: Decimal,
    /// Amounts.
    pub amount: Money,
    /// Discounts.
    pub discount: Money,
    /// Cost of goods, line by line.
    pub cogs: Money,
    /// VAT inside the amounts, line by line.
    pub vat_amount: Money,
}

/// A product's stock in a store at the end of a day.
#[derive(Debug, Clone)]
pub struct StockAt {
    /// Store.
    pub store: String,
    /// Product.
    pub sku: String,
    /// Quantity held.
    pub qty: Decimal,
    /// Moving average cost.
    pub average: Decimal,
}

/// A product's stock moves in a store over the period, by what moved them
/// (received, sold, returned by buyers, written off, returned to
/// suppliers, the counts' adjustment).
#[derive(Debug, Clone)]
pub struct StockMoves {
    /// Store.
    pub store: String,
    /// Product.
    pub sku: String,
    /// The six quantities.
    pub moved: [Decimal; 6],
}

/// A line a promotion touched.
#[derive(Debug, Clone)]
pub struct PromoLine {
    /// Promotion.
    pub promotion: String,
    /// Receipt.
    pub receipt: String,
    /// Sale or return.
    pub sale: bool,
    /// Product.
    pub sku: String,
    /// Quantity.
    pub qty: Decimal,
    /// The line's amount.
    pub amount: Money,
    /// The line's cost of goods.
    pub cogs: Money,
    /// The promotion's share of the discount.
    pub share: Money,
    /// A gift line.
    pub gift: bool,
}

/// Where reports read the books.
pub trait Source {
    /// Every store: id, name.
    fn stores(&self) -> Result<Vec<(String, String)>>;
    /// The catalogue.
    fn products(&self) -> Result<Vec<ProductFact>>;
    /// The staff.
    fn employees(&self) -> Result<Vec<EmployeeFact>>;
    /// Receipts of the period (by local day), one by one, by time.
    fn receipts(&self, period: &Period) -> Result<Vec<ReceiptFact>>;
    /// Receipts of the period summed by day, hour, store, till, shift, cashier, kind.
    fn receipt_sums(&self, period: &Period) -> Result<Vec<ReceiptSum>>;
    /// The same for the shifts that opened in the period, whatever the receipts' days.
    fn shift_sums(&self, period: &Period) -> Result<Vec<ReceiptSum>>;
    /// Lines of the period summed by product, kind and VAT.
    fn product_sums(&self, period: &Period) -> Result<Vec<ProductSum>>;
    /// Lines of the period summed by day, store, kind and VAT (no product).
    fn day_sums(&self, period: &Period) -> Result<Vec<ProductSum>>;
    /// Net quantity sold of each product by ISO week (its Monday).
    fn weekly_qty(&self, period: &Period) -> Result<Vec<(String, NaiveDate, Decimal)>>;
    /// The last day each product sold in the period.
    fn last_sales(&self, period: &Period) -> Result<Vec<(String, NaiveDate)>>;
    /// The products of each sale receipt of the period: (receipt number, sku
    /// number, the skus by number), receipts in order.
    fn baskets(&self, period: &Period) -> Result<(Vec<(u32, u32)>, Vec<String>)>;
    /// Sale lines of the period sold below their cost of goods, by time.
    fn below_cost(&self, period: &Period) -> Result<Vec<LineFact>>;
    /// Lines of the period that promotions touched, a row per promotion.
    fn promo_lines(&self, period: &Period) -> Result<Vec<PromoLine>>;
    /// Marking codes of the period: (sku, sold, returned).
    fn markings(&self, period: &Period) -> Result<Vec<(String, i64, i64)>>;
    /// Shifts that opened in the period, by opening time.
    fn shifts(&self, period: &Period) -> Result<Vec<ShiftFact>>;
    /// Cash ins and outs of the shifts opened in the period.
    fn shift_cash(&self, period: &Period) -> Result<Vec<CashFact>>;
    /// Cash ins and outs dated in the period.
    fn cash(&self, period: &Period) -> Result<Vec<CashFact>>;
    /// Stock of each product in each store (of the period's store) at the
    /// end of `day` (`None`: now).
    fn stock_at(&self, period: &Period, day: Option<NaiveDate>) -> Result<Vec<StockAt>>;
    /// Stock moves in the period by store and product.
    fn stock_moves(&self, period: &Period) -> Result<Vec<StockMoves>>;
    /// Stock document lines dated in the period.
    fn doc_lines(&self, period: &Period) -> Result<Vec<DocLineFact>>;
    /// Stock count lines dated in the period.
    fn count_lines(&self, period: &Period) -> Result<Vec<CountLineFact>>;
    /// Fiscal requisites of the period's receipts.
    fn fiscal(&self, period: &Period) -> Result<Vec<FiscalFact>>;
    /// Cash of a store (or all) moved before a day: cash ins − outs + cash
    /// sales (net of change) − cash refunds.
    fn cash_before(&self, store: Option<&str>, day: NaiveDate) -> Result<Money>;
}
