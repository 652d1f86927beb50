//! The Kassa fiscal crate.
