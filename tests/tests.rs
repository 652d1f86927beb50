//! Integration tests of the whole system, one binary (it links once).

mod util;

mod bulk_import;
mod cli;
mod crash;
mod documents;
mod fiscal;
mod hardening;
mod journal_errors;
mod lossless;
mod promo_props;
mod promotions;
mod report_formats;
mod report_lock;
mod report_props;
mod reports;
mod rights;
mod rollups;
mod scenario;
mod till_flows;
