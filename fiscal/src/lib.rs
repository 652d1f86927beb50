//! `kassa-fiscal`: fiscal registers (ККТ), their emulator and serial barcode
//! scanners. The Shtrih-M protocol is built in layers: pure frames and
//! commands ([`shtrih::frame`], [`shtrih::command`]), the exchange with its
//! retries over any [`port::Port`] ([`shtrih::link`]), and the typed
//! [`FiscalRegister`] the till core uses ([`shtrih::driver`]). The
//! [`emulator`] serves the same protocol from the device side. The core
//! depends on this crate, never the other way round.

pub mod emulator;
pub mod error;
pub mod port;
pub mod register;
pub mod scanner;
pub mod shtrih;

pub use error::{DeviceError, FiscalError, TransportError};
pub use register::{
    CalculationSign, CorrectionKind, CorrectionReceipt, DocumentKind, FiscalDocument, FiscalLine, FiscalPayments,
    FiscalReceipt, FiscalRegister, MarkingCheck, Measure, RegisterStatus, VatRate, MAX_AMOUNT_KOPECKS,
    MAX_LINE_SUM_KOPECKS,
};
pub use shtrih::driver::{Settings, ShtrihM};

#[cfg(test)]
mod bytes_tests;
#[cfg(test)]
mod tests;
