//! `kassa`: the command line (shared/spec/cli.md). Output goes to standard
//! output (or `--out`), messages to standard error; exit 0 on success, 1 on
//! a user error with one clear line, 2 on bad usage. It reaches the books
//! only through [`kassa::Books`] and [`kassa::till::Till`].

mod journal;
mod output;
mod register;
mod report;
mod till;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use kassa::Credentials;

#[derive(Parser)]
#[command(
    name = "kassa",
    version,
    about = "Kassa point of sale: till core, journal and reports"
)]
struct Cli {
    /// Database file (default: $KASSA_DB, else the platform data directory,
    /// e.g. ~/.local/share/kassa/kassa.db).
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    /// Who acts (every change to books that have staff needs it).
    #[arg(long, global = true)]
    employee: Option<String>,
    /// Their PIN (or $KASSA_PIN).
    #[arg(long, global = true, env = "KASSA_PIN", hide_env_values = true)]
    pin: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create (or migrate) a database; --demo fills a small store.
    Init {
        /// Load the demo store (idempotent).
        #[arg(long)]
        demo: bool,
    },
    /// Load a journal (JSON Lines); all or nothing, idempotent.
    Import {
        /// The journal file (`-` for standard input).
        file: PathBuf,
    },
    /// Write the journal to standard output or --out.
    Export {
        /// First local day (YYYY-MM-DD), inclusive.
        #[arg(long, value_parser = output::parse_day)]
        from: Option<NaiveDate>,
        /// Last local day (YYYY-MM-DD), inclusive.
        #[arg(long, value_parser = output::parse_day)]
        to: Option<NaiveDate>,
        /// Output file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run a report, or list them with --list.
    Report(report::ReportArgs),
    /// Price a basket with the promotions in force; prints JSON.
    Price {
        /// The basket: {"lines": [{"sku": "...", "qty": "..."}]} (`-` for standard input).
        basket: PathBuf,
        /// Store.
        #[arg(long)]
        store: String,
        /// The moment, RFC 3339 with the store's offset (default: now).
        #[arg(long)]
        at: Option<String>,
    },
    /// A virtual Shtrih-M fiscal register on a pseudo-terminal; PATH becomes
    /// a link to it, usable as the till's serial port.
    FiscalEmulator {
        /// The link to create (e.g. /tmp/kkt).
        #[arg(long)]
        port: PathBuf,
        /// The register's memory (default: PATH.json beside the link).
        #[arg(long)]
        state: Option<PathBuf>,
    },
    /// A consistent copy of the live database, checked.
    Backup {
        /// Where the copy goes (replaced if there).
        file: PathBuf,
    },
    /// A printable document as PDF: cash-book DATE, cash-in-order N,
    /// cash-out-order N, invoice RECEIPT, upd RECEIPT, waybill RECEIPT|RETURN,
    /// write-off ID, inventory COUNT, sales-report DATE|YYYY-MM|FROM..TO.
    Document {
        /// cash-book, cash-in-order, cash-out-order, invoice, upd, waybill, write-off, inventory, sales-report.
        kind: String,
        /// The record's id or number, or the day (period).
        key: String,
        /// The store (the cash book and sales report of one store).
        #[arg(long)]
        store: Option<String>,
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Rebuild the reports' rollups from the books.
    RebuildRollups,
    /// Put a backup in place of the database.
    Restore {
        /// The backup.
        file: PathBuf,
    },
    /// Show or set a till's fiscal register (its serial port).
    FiscalDevice(register::DeviceArgs),
    /// Work a till from the command line: open a shift, sell, close.
    Till(till::TillArgs),
    /// Sell random demo carts in a loop until stopped (load and crash tests).
    #[command(hide = true)]
    SimulateSales {
        /// Stop after this many sales (default: never).
        #[arg(long)]
        count: Option<u64>,
        /// Sell through the till's fiscal register (as set by fiscal-device).
        #[arg(long)]
        fiscal: bool,
    },
}

/// Why a command failed: said on one line of standard error, exit 1.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The core refused or failed.
    Core(kassa::Error),
    /// A journal could not be imported or exported.
    Journal(kassa::journal::JournalError),
    /// The command line's own word (a file, an argument).
    Said(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Core(error) => error.fmt(f),
            Failure::Journal(error) => error.fmt(f),
            Failure::Said(message) => f.write_str(message),
        }
    }
}

impl From<kassa::Error> for Failure {
    fn from(error: kassa::Error) -> Failure {
        Failure::Core(error)
    }
}

impl From<kassa::journal::JournalError> for Failure {
    fn from(error: kassa::journal::JournalError) -> Failure {
        Failure::Journal(error)
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::Said(message)
    }
}

/// A command's outcome.
pub(crate) type Outcome<T = ()> = Result<T, Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("kassa: {}", output::one_line(&failure.to_string()));
            ExitCode::from(1)
        }
    }
}

/// Who acts, from `--employee` and `--pin`.
fn credentials<'a>(employee: &'a Option<String>, pin: &'a Option<String>) -> Option<Credentials<'a>> {
    match (employee, pin) {
        (Some(employee), Some(pin)) => Some(Credentials { employee, pin }),
        _ => None,
    }
}

fn database_path(given: Option<PathBuf>) -> Outcome<PathBuf> {
    if let Some(path) = given {
        return Ok(path);
    }
    // An empty KASSA_DB counts as unset.
    if let Some(path) = std::env::var_os("KASSA_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    directories::ProjectDirs::from("", "", "kassa")
        .map(|dirs| dirs.data_dir().join("kassa.db"))
        .ok_or_else(|| Failure::Said("no data directory on this system: give --db FILE or KASSA_DB".to_owned()))
}

fn run(cli: Cli) -> Outcome {
    let path = database_path(cli.db)?;
    let who = credentials(&cli.employee, &cli.pin);
    match cli.command {
        Command::Init { demo } => journal::init(&path, who, demo),
        Command::Import { file } => journal::import(&path, who, &file),
        Command::Export { from, to, out } => journal::export(&path, from, to, out.as_deref()),
        Command::Report(args) => report::run(&path, args),
        Command::Price { basket, store, at } => report::price(&path, &basket, &store, at.as_deref()),
        Command::SimulateSales { count, fiscal } => till::simulate_sales(&path, count, fiscal),
        Command::FiscalEmulator { port, state } => register::emulator(&port, state),
        Command::FiscalDevice(args) => register::device(&path, who, args),
        Command::Till(args) => till::run(&path, who, args),
        Command::Backup { file } => journal::backup(&path, &file),
        Command::Restore { file } => journal::restore(&path, who, &file),
        Command::RebuildRollups => journal::rebuild_rollups(&path, who),
        Command::Document { kind, key, store, out } => {
            report::document(&path, &kind, &key, store.as_deref(), out.as_deref())
        }
    }
}
