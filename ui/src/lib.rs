//! The Kassa desktop till (iced): one module per screen under `screen`,
//! and the locale rules for showing money, quantities and moments.

pub mod format;
pub mod screen;
