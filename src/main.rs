//! `kassa`: the command line (shared/spec/cli.md). Output goes to standard
//! output (or `--out`), messages to standard error; exit 0 on success, 1 on
//! a user error with one clear line, 2 on bad usage.

use std::fs::File;
use std::io::{BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use kassa::clock::SystemClock;
use kassa::db::report::Period;
use kassa::db::Db;
use kassa::money::{Money, Qty};
use kassa::report::{self, Format};
use kassa::sale::{Cart, Payment};
use kassa::till::{ActionId, Till};

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
        #[arg(long, value_parser = parse_day)]
        from: Option<NaiveDate>,
        /// Last local day (YYYY-MM-DD), inclusive.
        #[arg(long, value_parser = parse_day)]
        to: Option<NaiveDate>,
        /// Output file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run a report, or list them with --list.
    Report(ReportArgs),
    /// Sell random demo carts in a loop until stopped (load and crash tests).
    #[command(hide = true)]
    SimulateSales {
        /// Stop after this many sales (default: never).
        #[arg(long)]
        count: Option<u64>,
    },
}

#[derive(clap::Args)]
#[command(arg_required_else_help = true)]
struct ReportArgs {
    /// List every report: name, title, group.
    #[arg(long, conflicts_with_all = ["name", "from", "to", "store", "out"])]
    list: bool,
    /// Report name.
    #[arg(required_unless_present = "list")]
    name: Option<String>,
    /// First local day (YYYY-MM-DD), inclusive.
    #[arg(long, value_parser = parse_day, required_unless_present = "list")]
    from: Option<NaiveDate>,
    /// Last local day (YYYY-MM-DD), inclusive.
    #[arg(long, value_parser = parse_day, required_unless_present = "list")]
    to: Option<NaiveDate>,
    /// Only this store.
    #[arg(long)]
    store: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,
    /// Output file.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Json,
    Csv,
    Pdf,
    Xlsx,
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    let bad = || format!("`{text}` is not a date YYYY-MM-DD");
    // chrono alone would take 2026-11-1; the contract says YYYY-MM-DD.
    if text.len() != 10 {
        return Err(bad());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("kassa: {message}");
            ExitCode::from(1)
        }
    }
}

fn database_path(given: Option<PathBuf>) -> Result<PathBuf, String> {
    if let Some(path) = given {
        return Ok(path);
    }
    // An empty KASSA_DB counts as unset.
    if let Some(path) = std::env::var_os("KASSA_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    directories::ProjectDirs::from("", "", "kassa")
        .map(|dirs| dirs.data_dir().join("kassa.db"))
        .ok_or_else(|| "no data directory on this system: give --db FILE or KASSA_DB".to_owned())
}

fn open(path: &Path) -> Result<Db, String> {
    Db::open(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reading commands do not create a database as a side effect.
fn open_existing(path: &Path) -> Result<Db, String> {
    if !path.exists() {
        return Err(format!("no database at {}: run `kassa init` first", path.display()));
    }
    open(path)
}

/// `--out` must not name the database (or its WAL): that would destroy it.
fn refuse_overwriting(db: &Path, out: Option<&Path>) -> Result<(), String> {
    let (Some(out), Ok(db)) = (out, db.canonicalize()) else {
        return Ok(());
    };
    let out_full = match (out.parent().filter(|p| !p.as_os_str().is_empty()), out.file_name()) {
        (Some(dir), Some(name)) => dir.canonicalize().map(|d| d.join(name)),
        (None, Some(name)) => std::env::current_dir().map(|d| d.join(name)),
        _ => return Ok(()),
    };
    let Ok(out_full) = out_full else { return Ok(()) };
    let db_text = db.as_os_str().to_string_lossy();
    let out_text = out_full.as_os_str().to_string_lossy();
    if out_text == db_text || out_text.starts_with(&format!("{db_text}-")) {
        return Err(format!("--out {} is the database itself", out.display()));
    }
    Ok(())
}

/// Runs `write` into standard output, or into `out` through a temporary
/// file renamed into place only on success, so a failed run never leaves a
/// truncated file behind.
fn write_output<T>(out: Option<&Path>, write: impl FnOnce(&mut dyn Write) -> Result<T, String>) -> Result<T, String> {
    let Some(path) = out else {
        let mut stdout = BufWriter::new(std::io::stdout().lock());
        let value = write(&mut stdout)?;
        stdout.flush().map_err(|e| format!("cannot write: {e}"))?;
        return Ok(value);
    };
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let file = File::create(&partial).map_err(|e| format!("cannot create {}: {e}", partial.display()))?;
    let mut writer = BufWriter::new(file);
    let result = write(&mut writer).and_then(|value| {
        writer
            .flush()
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(value)
    });
    match result {
        Ok(value) => {
            std::fs::rename(&partial, path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(value)
        }
        Err(e) => {
            // Best effort: the error to report is the one that stopped us.
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let path = database_path(cli.db)?;
    match cli.command {
        Command::Init { demo } => {
            let mut db = open(&path)?;
            if demo {
                let summary = kassa::demo::load(&mut db).map_err(|e| e.to_string())?;
                eprintln!(
                    "demo store loaded into {} ({} records, {} new)",
                    path.display(),
                    summary.records,
                    summary.written
                );
            } else {
                eprintln!(
                    "database ready: {} (schema {})",
                    path.display(),
                    kassa::db::SCHEMA_VERSION
                );
            }
            Ok(())
        }
        Command::Import { file } => {
            // `-` reads the journal from standard input (a pipe).
            let (input, size): (Box<dyn std::io::Read + Send>, u64) = if file.as_os_str() == "-" {
                (Box::new(std::io::stdin()), 0)
            } else {
                let handle = File::open(&file).map_err(|e| format!("cannot open {}: {e}", file.display()))?;
                let size = handle.metadata().map(|m| m.len()).unwrap_or(0);
                (Box::new(handle), size)
            };
            let mut db = open(&path)?;
            let bar = progress_bar(size);
            let started = std::time::Instant::now();
            let result = kassa::journal::import(&mut db, BufReader::with_capacity(1 << 20, input), |bytes| {
                bar.set_position(bytes)
            });
            bar.finish_and_clear();
            let summary = result.map_err(|e| e.to_string())?;
            eprintln!(
                "imported {} records from {} ({} new, {} already there) in {:.1?}",
                summary.records,
                file.display(),
                summary.written,
                summary.unchanged,
                started.elapsed()
            );
            Ok(())
        }
        Command::Export { from, to, out } => {
            if let (Some(from), Some(to)) = (from, to) {
                if from > to {
                    return Err(format!("--from {from} is after --to {to}"));
                }
            }
            let db = open_existing(&path)?;
            refuse_overwriting(&path, out.as_deref())?;
            let count = write_output(out.as_deref(), |writer| {
                kassa::journal::export(&db, from, to, writer).map_err(|e| e.to_string())
            })?;
            eprintln!("exported {count} records");
            Ok(())
        }
        Command::Report(args) => run_report(&path, args),
        Command::SimulateSales { count } => simulate_sales(&path, count),
    }
}

fn progress_bar(size: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(size);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
    {
        bar.set_style(style);
    }
    bar
}

fn run_report(path: &Path, args: ReportArgs) -> Result<(), String> {
    if args.list {
        return write_output(None, |out| {
            for def in report::CATALOG {
                writeln!(out, "{}\t{}\t{}", def.name, def.title, def.group).map_err(|e| e.to_string())?;
            }
            Ok(())
        });
    }
    let (Some(name), Some(from), Some(to)) = (args.name, args.from, args.to) else {
        return Err("report needs NAME --from D --to D".into());
    };
    if from > to {
        return Err(format!("--from {from} is after --to {to}"));
    }
    let format = match args.format {
        OutputFormat::Json => Format::Json,
        OutputFormat::Csv => Format::Csv,
        OutputFormat::Pdf | OutputFormat::Xlsx => {
            return Err("PDF and XLSX output are not built yet; use --format json or csv".into())
        }
    };
    let def = report::find(&name).map_err(|e| e.to_string())?;
    let db = open_existing(path)?;
    refuse_overwriting(path, args.out.as_deref())?;
    let table = def
        .run(
            &db,
            &Period {
                from,
                to,
                store: args.store,
            },
        )
        .map_err(|e| e.to_string())?;
    write_output(args.out.as_deref(), |out| {
        match format {
            Format::Json => report::write_json(&table, out),
            Format::Csv => report::write_csv(&table, out),
        }
        .map_err(|e| e.to_string())
    })
}

/// Sells small carts from the demo catalogue on till T9 of store S1 as the
/// demo cashier, each sale its own action, until killed or `count` is done.
fn simulate_sales(path: &Path, count: Option<u64>) -> Result<(), String> {
    let mut db = open(path)?;
    kassa::demo::load(&mut db).map_err(|e| e.to_string())?;
    let mut till = Till::new(db, "S1", "T9", Box::new(SystemClock)).map_err(|e| e.to_string())?;
    let session = till.login("E1", "1111").map_err(|e| e.to_string())?;
    if till.current_shift().map_err(|e| e.to_string())?.is_none() {
        till.open_shift(&session, &ActionId::new()).map_err(|e| e.to_string())?;
        let float = Money::from_kopecks(500_000);
        till.cash_in(&session, &ActionId::new(), float)
            .map_err(|e| e.to_string())?;
    }
    let skus = ["1001", "1003", "1006", "1008", "1010", "1012"];
    let mut n: u64 = 0;
    while count.is_none_or(|c| n < c) {
        let mut cart = Cart::new();
        for k in 0..(1 + n % 3) {
            let sku = skus[((n + k) % skus.len() as u64) as usize];
            let qty = if sku == "1006" { "0.750" } else { "1" };
            let qty = Qty::parse(qty).map_err(|e| e.to_string())?;
            till.add_product(&session, &mut cart, sku, qty)
                .map_err(|e| e.to_string())?;
        }
        let payment = if n % 2 == 0 {
            Payment::card(cart.total())
        } else {
            Payment::cash(cart.total() + Money::from_kopecks(1_000))
        };
        till.pay(&session, &ActionId::new(), &cart, &[payment])
            .map_err(|e| e.to_string())?;
        n += 1;
    }
    eprintln!("sold {n} receipts");
    Ok(())
}
