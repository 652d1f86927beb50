//! The Kassa desktop till (iced) will live here. It starts with what every
//! screen needs and that does not depend on iced: the locale rules for
//! showing money, quantities and moments to people.

pub mod format;
