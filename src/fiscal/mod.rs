//! The till's side of fiscalisation (54-FZ): a booked receipt in the
//! register's terms, and the exactly-once protocol around it.
//!
//! A receipt is queued as pending in the sale's own transaction. Before it
//! is sent, the register's last fiscal document number is stored; after the
//! register answers, the document number and fiscal sign are. Whatever
//! happened in between (a crash, a cable pulled at any byte), reconciling
//! reads the register back: an open receipt on it is cancelled and sent
//! again; a document after the stored number with this receipt's sign and
//! total is this receipt. So a receipt is never lost and never printed twice.

pub use kassa_fiscal::{
    CalculationSign, DeviceError, DocumentKind, FiscalDocument, FiscalError, FiscalLine, FiscalPayments, FiscalReceipt,
    FiscalRegister, Measure, RegisterStatus,
};

mod worker;

pub use worker::{Connector, FiscalEvent};
pub(crate) use worker::{DeviceCommand, FiscalLink};

use crate::catalog::{Product, ProductKind, Store, TaxSystem, Unit};
use crate::error::{Error, Result};
use crate::money::VatRate;
use crate::sale::{PaymentMethod, Receipt, ReceiptKind};

/// Where a receipt stands with the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FiscalState {
    /// No fiscal receipt: imported, sold on a till without a register, or
    /// a zero total (no money moved: a register refuses such a receipt).
    NotQueued,
    /// Waiting to be registered; the last error met, if any.
    Pending {
        /// Why it is not registered yet.
        last_error: Option<String>,
    },
    /// The register refused it: out of the queue (it holds up nothing),
    /// waiting for a manager to retry it or register a correction.
    Parked {
        /// The register's error code.
        code: Option<u8>,
        /// What the register said, with what to do.
        reason: String,
    },
    /// Registered: the fiscal document.
    Registered {
        /// Fiscal document number (ФД).
        number: u32,
        /// Fiscal sign (ФП).
        sign: u32,
        /// When the register made it.
        at: String,
        /// By a correction receipt (чек коррекции), not the receipt itself.
        correction: bool,
    },
}

impl FiscalState {
    /// Where a queue entry stands (`None`: never queued).
    pub fn of(entry: Option<crate::db::FiscalEntry>) -> FiscalState {
        let Some(entry) = entry else {
            return FiscalState::NotQueued;
        };
        match (entry.fd_number, entry.fiscal_sign, entry.fiscal_at) {
            (Some(number), Some(sign), Some(at)) => FiscalState::Registered {
                number,
                sign,
                at,
                correction: entry.correction,
            },
            _ if entry.parked => FiscalState::Parked {
                code: entry.refusal_code,
                reason: entry.last_error.unwrap_or_default(),
            },
            _ => FiscalState::Pending {
                last_error: entry.last_error,
            },
        }
    }
}

/// The largest amount a register's 5-byte money field holds:
/// 10 995 116 277.75 ₽. Anything larger is refused before it is booked.
pub fn max_amount() -> crate::money::Money {
    crate::money::Money::from_kopecks(kassa_fiscal::MAX_AMOUNT_KOPECKS as i64)
}

/// Refuses an amount the register cannot print.
pub fn check_amount(amount: crate::money::Money) -> Result<()> {
    if amount > max_amount() {
        return Err(Error::BeyondRegister {
            amount,
            limit: max_amount(),
        });
    }
    Ok(())
}

/// FFD tax system bits (tag 1055) of a store; ОСН when not set.
pub fn tax_system_bits(store: &Store) -> u8 {
    match store.tax_system {
        None | Some(TaxSystem::Osn) => 1,
        Some(TaxSystem::UsnIncome) => 2,
        Some(TaxSystem::UsnIncomeExpense) => 4,
        Some(TaxSystem::Eshn) => 16,
        Some(TaxSystem::Patent) => 32,
    }
}

fn vat(rate: VatRate) -> kassa_fiscal::VatRate {
    match rate {
        VatRate::Vat22 => kassa_fiscal::VatRate::Vat22,
        VatRate::Vat20 => kassa_fiscal::VatRate::Vat20,
        VatRate::Vat10 => kassa_fiscal::VatRate::Vat10,
        VatRate::Vat7 => kassa_fiscal::VatRate::Vat7,
        VatRate::Vat5 => kassa_fiscal::VatRate::Vat5,
        VatRate::Vat0 => kassa_fiscal::VatRate::Vat0,
        VatRate::None => kassa_fiscal::VatRate::NoVat,
    }
}

/// Subject of calculation (tag 1212) of a product line.
fn subject(product: &Product, marked_with_code: bool) -> u8 {
    match (product.kind, marked_with_code) {
        (ProductKind::Service, _) => 4,
        // FFD 1.2: 31 excise marked goods with a code, 33 marked goods with a code.
        (ProductKind::Excise, true) => 31,
        (ProductKind::Excise, false) => 2,
        (ProductKind::Goods, true) => 33,
        (ProductKind::Goods, false) => 1,
    }
}

fn measure(unit: Unit) -> Measure {
    match unit {
        Unit::Pcs => Measure::Piece,
        Unit::Kg => Measure::Kilogram,
        Unit::L => Measure::Litre,
        Unit::M => Measure::Metre,
    }
}

fn kopecks(amount: crate::money::Money) -> Result<u64> {
    u64::try_from(amount.kopecks()).map_err(|_| Error::invalid(format!("{amount} cannot go to the register")))
}

/// A booked receipt as the register takes it. `products` are the cards of
/// its lines, in order; `markings` the marking codes by line index.
pub fn fiscal_receipt(
    receipt: &Receipt,
    products: &[Product],
    markings: &[(usize, String)],
    store: &Store,
    cashier: &str,
) -> Result<FiscalReceipt> {
    let draft = receipt.draft();
    let mut lines = Vec::with_capacity(draft.lines.len());
    for (index, (line, product)) in draft.lines.iter().zip(products).enumerate() {
        let marking = markings
            .iter()
            .find(|(line_no, _)| *line_no == index)
            .map(|(_, code)| code.clone());
        lines.push(FiscalLine {
            name: product.name.clone(),
            qty_milli: u64::try_from(line.qty.milli()).map_err(|_| Error::invalid("negative quantity"))?,
            price: kopecks(line.price)?,
            sum: kopecks(line.amount())?,
            vat: vat(product.vat),
            method: 4,
            subject: subject(product, marking.is_some()),
            measure: measure(product.unit),
            marking,
        });
    }
    let mut payments = FiscalPayments::default();
    for payment in &draft.payments {
        let amount = kopecks(payment.amount)?;
        match payment.method {
            PaymentMethod::Cash => payments.cash += amount,
            PaymentMethod::Card => payments.card += amount,
            PaymentMethod::Other => payments.prepaid += amount,
        }
    }
    Ok(FiscalReceipt {
        sign: match draft.kind {
            ReceiptKind::Sale => CalculationSign::Sale,
            ReceiptKind::Return => CalculationSign::SaleReturn,
        },
        lines,
        payments,
        tax_system: tax_system_bits(store),
        cashier: cashier.to_owned(),
    })
}

/// Whether a document the register holds is this receipt: a receipt with
/// its calculation sign and total.
pub fn is_this_receipt(document: &FiscalDocument, receipt: &FiscalReceipt) -> bool {
    document.kind
        == DocumentKind::Receipt {
            sign: receipt.sign,
            total: receipt.total(),
        }
}

/// No register is reachable (none attached, or the link is down).
pub(crate) fn no_link() -> Error {
    Error::Fiscal(FiscalError::Transport(kassa_fiscal::TransportError::NoLink))
}

/// Where the built-in emulator keeps its memory for the books at `db`:
/// beside them (`<db>.fiscal-emulator.json`).
pub fn emulator_state_beside(db: &std::path::Path) -> std::path::PathBuf {
    let mut state = db.as_os_str().to_owned();
    state.push(".fiscal-emulator.json");
    std::path::PathBuf::from(state)
}

/// The port name that means "the emulator built into this program".
pub const BUILT_IN_EMULATOR: &str = "emulator";

/// How a till reaches its fiscal register: a Shtrih-M register on a serial
/// port, or with the port `emulator`, the built-in emulator whose state
/// lives in `emulator_state` (the demo's register: no hardware needed).
/// The worker calls it whenever it needs the register and lets go when
/// the queue is empty, so another program (the CLI beside the desktop
/// till) gets its turn, as with a serial port.
pub fn connector(device: &crate::db::DeviceSettings, emulator_state: &std::path::Path) -> Connector {
    let device = device.clone();
    let emulator_state = emulator_state.to_path_buf();
    Box::new(move || connect(&device, &emulator_state))
}

fn connect(device: &crate::db::DeviceSettings, emulator_state: &std::path::Path) -> Result<Box<dyn FiscalRegister>> {
    let settings = kassa_fiscal::Settings {
        password: device.password,
        vat22_code: device.vat22_code,
        ..kassa_fiscal::Settings::default()
    };
    let unreachable = |error: std::io::Error| {
        Error::Fiscal(FiscalError::Transport(kassa_fiscal::TransportError::io(
            std::io::Error::new(error.kind(), format!("{}: {error}", device.port)),
        )))
    };
    if device.port == BUILT_IN_EMULATOR {
        let port = kassa_fiscal::emulator::spawn_in_memory(emulator_state.to_path_buf()).map_err(unreachable)?;
        return Ok(Box::new(kassa_fiscal::ShtrihM::new(port, settings)));
    }
    let port = kassa_fiscal::port::open_serial(&device.port, device.baud).map_err(unreachable)?;
    Ok(Box::new(kassa_fiscal::ShtrihM::new(port, settings)))
}
