//! What the till asks of a fiscal register (ККТ), in its own terms: money
//! in kopecks, quantities in thousandths, fiscal data by FFD tag values.
//! The Shtrih-M driver implements it; so could an ATOL driver later.

use chrono::{NaiveDate, NaiveDateTime};

use crate::error::FiscalError;

/// The largest amount a money field carries: 5 bytes of kopecks,
/// 10 995 116 277.75 ₽. The driver refuses a price, sum, total or payment
/// above it before sending anything ([`FiscalError::AmountTooLarge`]).
pub const MAX_AMOUNT_KOPECKS: u64 = 0xFF_FFFF_FFFF;

/// The largest line sum sent explicitly: in 0xFF46 a sum of all 0xFF means
/// "the device computes it", so an explicit sum stops one kopeck short of
/// [`MAX_AMOUNT_KOPECKS`].
pub const MAX_LINE_SUM_KOPECKS: u64 = MAX_AMOUNT_KOPECKS - 1;

/// Calculation sign (tag 1054, признак расчёта).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CalculationSign {
    /// 1: sale (приход).
    Sale,
    /// 2: return of a sale (возврат прихода).
    SaleReturn,
    /// 3: expense (расход).
    Expense,
    /// 4: return of an expense (возврат расхода).
    ExpenseReturn,
}

impl CalculationSign {
    /// The tag value.
    pub fn code(self) -> u8 {
        match self {
            CalculationSign::Sale => 1,
            CalculationSign::SaleReturn => 2,
            CalculationSign::Expense => 3,
            CalculationSign::ExpenseReturn => 4,
        }
    }

    /// From the tag value.
    pub fn from_code(code: u8) -> Option<CalculationSign> {
        Some(match code {
            1 => CalculationSign::Sale,
            2 => CalculationSign::SaleReturn,
            3 => CalculationSign::Expense,
            4 => CalculationSign::ExpenseReturn,
            _ => return None,
        })
    }
}

/// VAT rate of a line (tag 1199 values; the register's tax byte is derived
/// from it by the driver).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum VatRate {
    /// 22 % (standard rate from 1 January 2026).
    Vat22,
    /// 20 % (standard rate before 2026).
    Vat20,
    /// 10 %.
    Vat10,
    /// 7 % (УСН).
    Vat7,
    /// 5 % (УСН).
    Vat5,
    /// 0 %.
    Vat0,
    /// Not subject to VAT (без НДС).
    NoVat,
}

impl VatRate {
    /// Tag 1199 value.
    pub fn tag_1199(self) -> u8 {
        match self {
            VatRate::Vat20 => 1,
            VatRate::Vat10 => 2,
            VatRate::Vat0 => 5,
            VatRate::NoVat => 6,
            VatRate::Vat5 => 7,
            VatRate::Vat7 => 8,
            VatRate::Vat22 => 11,
        }
    }

    /// The rate in percent.
    pub fn percent(self) -> u32 {
        match self {
            VatRate::Vat22 => 22,
            VatRate::Vat20 => 20,
            VatRate::Vat10 => 10,
            VatRate::Vat7 => 7,
            VatRate::Vat5 => 5,
            VatRate::Vat0 | VatRate::NoVat => 0,
        }
    }
}

/// Measure of quantity (tag 2108).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Measure {
    /// 0: piece.
    Piece,
    /// 11: kilogram.
    Kilogram,
    /// 41: litre.
    Litre,
    /// 22: metre.
    Metre,
}

impl Measure {
    /// Tag 2108 value.
    pub fn code(self) -> u8 {
        match self {
            Measure::Piece => 0,
            Measure::Kilogram => 11,
            Measure::Litre => 41,
            Measure::Metre => 22,
        }
    }
}

/// One line of a fiscal receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiscalLine {
    /// Item name as printed.
    pub name: String,
    /// Quantity in thousandths (1 piece = 1000, 0.350 kg = 350).
    pub qty_milli: u64,
    /// Unit price before discount, kopecks.
    pub price: u64,
    /// Line sum after discount, kopecks (sent explicitly, so a discount
    /// never needs a fraction of a kopeck in the unit price).
    pub sum: u64,
    /// VAT rate.
    pub vat: VatRate,
    /// Payment method, tag 1214 (4: full payment).
    pub method: u8,
    /// Subject of calculation, tag 1212 (1 goods, 4 service, 33 marked goods with a code).
    pub subject: u8,
    /// Measure of quantity, tag 2108.
    pub measure: Measure,
    /// Marking code (tag 2000), as scanned with GS separators.
    pub marking: Option<String>,
}

/// Payment sums of a receipt, kopecks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FiscalPayments {
    /// Cash (tag 1031); may exceed what is due: the register gives change.
    pub cash: u64,
    /// Non-cash, by card (tag 1081).
    pub card: u64,
    /// Prepayment, e.g. a gift certificate (tag 1215).
    pub prepaid: u64,
}

impl FiscalPayments {
    /// Everything tendered (saturating: the driver refuses it past
    /// [`MAX_AMOUNT_KOPECKS`] anyway).
    pub fn total(&self) -> u64 {
        self.cash.saturating_add(self.card).saturating_add(self.prepaid)
    }
}

/// A receipt to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiscalReceipt {
    /// Sale or return.
    pub sign: CalculationSign,
    /// Lines.
    pub lines: Vec<FiscalLine>,
    /// Payments.
    pub payments: FiscalPayments,
    /// Tax system bits (tag 1055): 1 ОСН, 2 УСН income, 4 УСН income − expense, 16 ЕСХН, 32 patent.
    pub tax_system: u8,
    /// Cashier name (tag 1021).
    pub cashier: String,
}

impl FiscalReceipt {
    /// Σ line sums, kopecks (saturating, never a panic).
    pub fn total(&self) -> u64 {
        lines_total(&self.lines)
    }
}

fn lines_total(lines: &[FiscalLine]) -> u64 {
    lines.iter().fold(0u64, |total, line| total.saturating_add(line.sum))
}

/// Why a correction is made (tag 1173).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CorrectionKind {
    /// 0: on the taxpayer's own initiative (самостоятельно).
    SelfInitiated,
    /// 1: by order of the tax office (по предписанию).
    ByOrder {
        /// The order's number (tag 1179, at most 32 bytes in CP1251).
        number: String,
    },
}

impl CorrectionKind {
    /// Tag 1173 value.
    pub fn code(&self) -> u8 {
        match self {
            CorrectionKind::SelfInitiated => 0,
            CorrectionKind::ByOrder { .. } => 1,
        }
    }
}

/// A correction receipt (кассовый чек коррекции, FFD 1.2): the settlement
/// that was not registered, or was registered wrongly, on `date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionReceipt {
    /// Calculation sign of the correction (tag 1054).
    pub sign: CalculationSign,
    /// Self-initiated or by order (tags 1173, 1179).
    pub kind: CorrectionKind,
    /// Date of the corrected settlement (tag 1178).
    pub date: NaiveDate,
    /// Lines.
    pub lines: Vec<FiscalLine>,
    /// Payments.
    pub payments: FiscalPayments,
    /// Tax system bits (tag 1055).
    pub tax_system: u8,
    /// Cashier name (tag 1021).
    pub cashier: String,
}

impl CorrectionReceipt {
    /// Σ line sums, kopecks (saturating, never a panic).
    pub fn total(&self) -> u64 {
        lines_total(&self.lines)
    }
}

/// Kind of a fiscal document in the fiscal storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DocumentKind {
    /// Report on opening a shift (type 2).
    ShiftOpen,
    /// Report on closing a shift (type 5).
    ShiftClose,
    /// A receipt (type 3) with its calculation sign and total in kopecks.
    Receipt {
        /// Sale, return…
        sign: CalculationSign,
        /// Total, kopecks.
        total: u64,
    },
    /// A correction receipt (type 31) with its calculation sign and total.
    Correction {
        /// Sale, return…
        sign: CalculationSign,
        /// Total, kopecks.
        total: u64,
    },
    /// Another document type (its FFD code).
    Other(u8),
}

/// A fiscal document (ФД) as the fiscal storage signed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiscalDocument {
    /// Fiscal document number (номер ФД).
    pub number: u32,
    /// Fiscal sign (ФП).
    pub fiscal_sign: u32,
    /// What it is.
    pub kind: DocumentKind,
    /// When the register made it (its own clock).
    pub at: NaiveDateTime,
}

/// The register's state, as a till needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterStatus {
    /// The shift is open.
    pub shift_open: bool,
    /// The open shift lasted over 24 hours: only a Z report will do.
    pub shift_expired: bool,
    /// A receipt is open (mode 8).
    pub receipt_open: bool,
    /// Number of the open shift, or of the last closed one.
    pub shift_number: u16,
    /// Number of the last fiscal document in the fiscal storage.
    pub last_document: u32,
    /// The fiscal storage's number (16 digits).
    pub fn_number: String,
    /// The register's serial number.
    pub serial: String,
}

/// Result of checking a marking code with the fiscal storage (FFD 1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkingCheck {
    /// The fiscal storage verified the code's crypto tail locally.
    pub valid: bool,
    /// Tag 2106 (the result of the check, bits as the FFD defines).
    pub result: u8,
}

/// A fiscal register as a till uses it. Every call is one exchange with the
/// device; a [`FiscalError::Transport`] leaves the outcome unknown, so the
/// caller reads [`FiscalRegister::status`] and [`FiscalRegister::document`]
/// before trying again.
pub trait FiscalRegister: Send {
    /// Shift, receipt and fiscal storage state.
    fn status(&mut self) -> Result<RegisterStatus, FiscalError>;
    /// Opens a shift (report on opening, a fiscal document).
    fn open_shift(&mut self, cashier: &str) -> Result<FiscalDocument, FiscalError>;
    /// Closes the shift with a Z report (a fiscal document).
    fn close_shift(&mut self, cashier: &str) -> Result<FiscalDocument, FiscalError>;
    /// Prints an X report (totals, nothing closed).
    fn x_report(&mut self) -> Result<(), FiscalError>;
    /// Cash in (внесение), kopecks; returns the register's document number.
    fn cash_in(&mut self, amount: u64) -> Result<u16, FiscalError>;
    /// Cash out (выплата), kopecks; returns the register's document number.
    fn cash_out(&mut self, amount: u64) -> Result<u16, FiscalError>;
    /// Registers a whole receipt: lines, marking codes, payments, close.
    /// A receipt with a total of 0 or an amount past
    /// [`MAX_AMOUNT_KOPECKS`] is refused before anything is sent.
    fn register(&mut self, receipt: &FiscalReceipt) -> Result<FiscalDocument, FiscalError>;
    /// Registers a correction receipt (FFD 1.2), refused as
    /// [`FiscalRegister::register`] refuses.
    fn register_correction(&mut self, correction: &CorrectionReceipt) -> Result<FiscalDocument, FiscalError>;
    /// Cancels an open receipt (аннулирование).
    fn cancel_receipt(&mut self) -> Result<(), FiscalError>;
    /// A fiscal document by number, read back from the fiscal storage.
    fn document(&mut self, number: u32) -> Result<FiscalDocument, FiscalError>;
    /// Checks a marking code with the fiscal storage before it is sold.
    fn check_marking(&mut self, code: &str, sign: CalculationSign, qty_milli: u64)
        -> Result<MarkingCheck, FiscalError>;
    /// Cash in the drawer by the register's count, kopecks.
    fn cash_in_drawer(&mut self) -> Result<u64, FiscalError>;
    /// Opens the cash drawer.
    fn open_drawer(&mut self) -> Result<(), FiscalError>;
    /// Prints non-fiscal text (a slip), one line each.
    fn print_text(&mut self, lines: &[String]) -> Result<(), FiscalError>;
}
