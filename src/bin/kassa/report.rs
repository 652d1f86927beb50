//! `report` and `price`: reading the books.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use clap::ValueEnum;
use kassa::clock::{At, Clock, SystemClock};
use kassa::db::report::Period;
use kassa::report::{self, Format, Params};
use kassa::Books;

use crate::output::{check_period, refuse_overwriting, write_output};
use crate::{Failure, Outcome};

#[derive(clap::Args)]
#[command(arg_required_else_help = true)]
pub(crate) struct ReportArgs {
    /// List every report: name, title, group.
    #[arg(long, conflicts_with_all = ["name", "from", "to", "store", "out", "threshold"])]
    pub(crate) list: bool,
    /// Report name.
    #[arg(required_unless_present = "list")]
    pub(crate) name: Option<String>,
    /// First local day (YYYY-MM-DD), inclusive.
    #[arg(long, value_parser = crate::output::parse_day, required_unless_present = "list")]
    pub(crate) from: Option<NaiveDate>,
    /// Last local day (YYYY-MM-DD), inclusive.
    #[arg(long, value_parser = crate::output::parse_day, required_unless_present = "list")]
    pub(crate) to: Option<NaiveDate>,
    /// Only this store.
    #[arg(long)]
    pub(crate) store: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    pub(crate) format: OutputFormat,
    /// Output file.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// `low_margin_products`: list margins below this percent (default 10).
    #[arg(long)]
    pub(crate) threshold: Option<rust_decimal::Decimal>,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum OutputFormat {
    Json,
    Csv,
    Pdf,
    Xlsx,
}

/// Runs a report, or lists them.
pub(crate) fn run(path: &Path, args: ReportArgs) -> Outcome {
    let write_error = |e: std::io::Error| Failure::Said(format!("cannot write: {e}"));
    if args.list {
        return write_output(None, |out| {
            for def in report::CATALOG {
                writeln!(out, "{}\t{}\t{}", def.name, def.title, def.group).map_err(write_error)?;
            }
            Ok(())
        });
    }
    let (Some(name), Some(from), Some(to)) = (args.name, args.from, args.to) else {
        return Err(Failure::Said("report needs NAME --from D --to D".into()));
    };
    check_period(Some(from), Some(to))?;
    let format = match args.format {
        OutputFormat::Json => Format::Json,
        OutputFormat::Csv => Format::Csv,
        OutputFormat::Pdf => Format::Pdf,
        OutputFormat::Xlsx => Format::Xlsx,
    };
    report::find(&name)?;
    let books = Books::open_existing(path)?;
    refuse_overwriting(path, args.out.as_deref())?;
    let table = books.report(
        &name,
        &Params {
            period: Period {
                from,
                to,
                store: args.store,
            },
            threshold: args.threshold,
        },
    )?;
    write_output(args.out.as_deref(), |out| Ok(report::write(&table, format, out)?))
}

/// Prices a basket file (`-`: standard input) with the promotions in force.
pub(crate) fn price(path: &Path, basket: &Path, store: &str, at: Option<&str>) -> Outcome {
    let text = if basket.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| Failure::Said(format!("cannot read the basket: {e}")))?
    } else {
        std::fs::read_to_string(basket).map_err(|e| Failure::Said(format!("cannot read {}: {e}", basket.display())))?
    };
    let at = match at {
        Some(at) => At::parse(at).map_err(|e| Failure::Said(format!("--at: {e}")))?,
        None => SystemClock.now(),
    };
    let books = Books::open_existing(path)?;
    let quote = books.quote(&text, store, at)?;
    write_output(None, |out| {
        serde_json::to_writer(&mut *out, &quote).map_err(|e| Failure::Said(e.to_string()))?;
        writeln!(out).map_err(|e| Failure::Said(format!("cannot write: {e}")))
    })
}

/// Writes a printable document as PDF.
pub(crate) fn document(path: &Path, kind: &str, key: &str, store: Option<&str>, out: Option<&Path>) -> Outcome {
    let kind = kassa::document::Kind::from_code(kind)?;
    let books = Books::open_existing(path)?;
    refuse_overwriting(path, out)?;
    let pdf = books.document(kind, key, store)?;
    write_output(out, |sink| {
        sink.write_all(&pdf)
            .map_err(|e| Failure::Said(format!("cannot write: {e}")))
    })
}
