//! Kassa: the till core. Exact money, shifts, sales, returns, cash, stock,
//! staff and rights, durable storage, the journal and the reports, behind
//! one application service, [`till::Till`], that the GUI and the CLI call.
//!
//! See ARCHITECTURE.md for the map and the invariants.

pub mod books;
pub mod catalog;
pub mod clock;
/// Storage. Not the product's API: the CLI and the screens go through
/// [`Books`] and [`till::Till`]; it stays reachable for the integration
/// tests and benches to read the books back.
#[doc(hidden)]
pub mod db;
pub mod demo;
pub mod document;
pub mod error;
pub mod fiscal;
pub mod fonts;
pub mod journal;
pub mod locale;
pub mod money;
pub mod promo;
pub mod quote;
pub mod report;
pub mod sale;
pub mod shift;
pub mod staff;
pub mod stock;
pub mod till;

pub use books::{Books, Credentials};
pub use error::{Error, Result};
