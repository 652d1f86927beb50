//! How amounts, quantities and moments are shown: the core's one formatter
//! (`kassa::locale`), shared with the reports.

pub use kassa::locale::*;
