//! The Shtrih-M protocol in layers: [`frame`] (bytes and checksum),
//! [`command`] (typed commands and answers), [`link`] (the ENQ/ACK/NAK
//! exchange over a port) and [`driver`] (the [`crate::FiscalRegister`]).

pub mod command;
pub mod driver;
pub mod frame;
pub mod link;
