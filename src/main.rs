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
    /// Show or set a till's fiscal register (its serial port).
    FiscalDevice(DeviceArgs),
    /// Work a till from the command line: open a shift, sell, close.
    Till(TillArgs),
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

#[derive(clap::Args)]
struct DeviceArgs {
    /// Store.
    #[arg(long, default_value = "S1")]
    store: String,
    /// Till.
    #[arg(long, default_value = "T1")]
    till: String,
    /// Serial port of the register (/dev/ttyUSB0, /dev/ttyACM0, a
    /// fiscal-emulator link), or `emulator` for the built-in one, or `none`.
    #[arg(long)]
    port: Option<String>,
    /// Baud rate.
    #[arg(long, default_value_t = 115_200)]
    baud: u32,
    /// Operator password (cashier 1–28, administrator 30).
    #[arg(long, default_value_t = 30)]
    password: u32,
    /// The firmware's tax code for 22 % VAT (0xCB desktop models, 0x90 ШТРИХ-NANO-Ф, 1 if tax 1 is set to 22 %).
    #[arg(long, default_value = "0xCB", value_parser = parse_byte)]
    vat22_code: u8,
}

#[derive(clap::Args)]
struct TillArgs {
    /// Store.
    #[arg(long, default_value = "S1")]
    store: String,
    /// Till.
    #[arg(long, default_value = "T1")]
    till: String,
    /// The action's id: a script that retries the same command after a
    /// crash with the same id never books twice.
    #[arg(long)]
    action_id: Option<String>,
    #[command(subcommand)]
    action: TillAction,
}

#[derive(Subcommand)]
enum TillAction {
    /// Open a shift, putting the float into the drawer.
    Open {
        /// Float (внесение), e.g. 5000.00.
        #[arg(long)]
        float: Option<String>,
    },
    /// Sell: each ITEM is a scan (barcode, weighed label, marking code) or SKU:QTY.
    Sell {
        /// What to sell.
        #[arg(required = true)]
        items: Vec<String>,
        /// Cash tendered (change is given); without it the sale is paid by card.
        #[arg(long)]
        cash: Option<String>,
    },
    /// Return goods against a sale receipt: each ITEM is SKU:QTY.
    Return {
        /// The sale receipt.
        receipt: String,
        /// What comes back.
        #[arg(required = true)]
        items: Vec<String>,
    },
    /// Cash in (внесение).
    CashIn {
        /// Amount.
        amount: String,
    },
    /// Cash out (выплата; collection = инкассация).
    CashOut {
        /// Amount.
        amount: String,
        /// Why.
        #[arg(long, default_value = "collection")]
        reason: String,
    },
    /// X report of the open shift.
    XReport,
    /// Close the shift (Z report).
    Close,
    /// Register receipts still waiting for the fiscal register.
    Fiscalize,
}

fn parse_byte(text: &str) -> Result<u8, String> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u8::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|_| format!("`{text}` is not a byte (0–255 or 0x00–0xFF)"))
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
            eprintln!("kassa: {}", one_line(&message));
            ExitCode::from(1)
        }
    }
}

/// An error as one line of sane length: input echoed back (a 10 000-byte
/// scan, a pasted file) is cut.
fn one_line(message: &str) -> String {
    const LONGEST: usize = 300;
    let flat: String = message.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    match flat.char_indices().nth(LONGEST) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

/// Who acts, from `--employee` and `--pin`.
fn credentials<'a>(employee: &'a Option<String>, pin: &'a Option<String>) -> Option<kassa::setup::Credentials<'a>> {
    match (employee, pin) {
        (Some(employee), Some(pin)) => Some(kassa::setup::Credentials { employee, pin }),
        _ => None,
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
    let result = result.and_then(|value| {
        std::fs::rename(&partial, path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(value)
    });
    if result.is_err() {
        // Best effort: the error to report is the one that stopped us.
        let _ = std::fs::remove_file(&partial);
    }
    result
}

fn run(cli: Cli) -> Result<(), String> {
    let path = database_path(cli.db)?;
    let who = credentials(&cli.employee, &cli.pin);
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
            let result = kassa::setup::import(
                &mut db,
                &SystemClock,
                who,
                BufReader::with_capacity(1 << 20, input),
                |bytes| bar.set_position(bytes),
            );
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
        Command::Price { basket, store, at } => {
            let text = if basket.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin()).map_err(|e| format!("cannot read the basket: {e}"))?
            } else {
                std::fs::read_to_string(&basket).map_err(|e| format!("cannot read {}: {e}", basket.display()))?
            };
            let at = match at {
                Some(at) => kassa::clock::At::parse(&at).map_err(|e| format!("--at: {e}"))?,
                None => kassa::clock::Clock::now(&SystemClock),
            };
            let db = open_existing(&path)?;
            let quote = kassa::quote::quote(&db, &text, &store, at).map_err(|e| e.to_string())?;
            write_output(None, |out| {
                serde_json::to_writer(&mut *out, &quote).map_err(|e| e.to_string())?;
                writeln!(out).map_err(|e| e.to_string())
            })
        }
        Command::SimulateSales { count, fiscal } => simulate_sales(&path, count, fiscal),
        Command::FiscalEmulator { port, state } => fiscal_emulator(&port, state),
        Command::FiscalDevice(args) => fiscal_device(&path, who, args),
        Command::Till(args) => till_command(&path, who, args),
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
fn simulate_sales(path: &Path, count: Option<u64>, fiscal: bool) -> Result<(), String> {
    let mut db = open(path)?;
    kassa::demo::load(&mut db).map_err(|e| e.to_string())?;
    let e = |e: kassa::error::Error| e.to_string();
    if !db.till_exists("S1", "T9").map_err(e)? {
        let owner = kassa::setup::Credentials {
            employee: "E4",
            pin: "4444",
        };
        kassa::setup::set_up_till(&mut db, &SystemClock, Some(owner), "S1", "T9", None).map_err(e)?;
    }
    let mut till = Till::new(db, "S1", "T9", Box::new(SystemClock)).map_err(e)?;
    let session = till.login("E1", "1111").map_err(e)?;
    if fiscal {
        connect_register(&mut till, path)?;
    }
    if till.current_shift().map_err(e)?.is_none() {
        let float = Money::from_kopecks(500_000);
        till.open_shift_with_float(&session, &ActionId::new(), Some(float))
            .map_err(e)?;
    }
    let skus = ["1001", "1003", "1006", "1008", "1010", "1012"];
    let mut n: u64 = 0;
    while count.is_none_or(|c| n < c) {
        let mut cart = Cart::new();
        for k in 0..(1 + n % 3) {
            let sku = skus[((n + k) % skus.len() as u64) as usize];
            let qty = if sku == "1006" { "0.750" } else { "1" };
            let qty = Qty::parse(qty).map_err(|e| e.to_string())?;
            till.add_product(&session, &mut cart, sku, qty).map_err(e)?;
        }
        let payment = if n.is_multiple_of(2) {
            Payment::card(cart.total())
        } else {
            Payment::cash(cart.total() + Money::from_kopecks(1_000))
        };
        till.pay(&session, &ActionId::new(), &cart, &[payment]).map_err(e)?;
        // As a cashier would: the next sale after this one is registered.
        till.fiscalize_pending().map_err(e)?;
        n += 1;
    }
    eprintln!("sold {n} receipts");
    Ok(())
}

/// The emulator's memory for the built-in register: beside the database.
fn emulator_state(db: &Path) -> PathBuf {
    let mut state = db.as_os_str().to_owned();
    state.push(".fiscal-emulator.json");
    PathBuf::from(state)
}

/// Gives the till its fiscal register, if one is set (after login: nothing
/// talks to the register before). An unreachable register only makes
/// receipts wait.
fn connect_register(till: &mut Till, db_path: &Path) -> Result<bool, String> {
    let store = till.store().map_err(|e| e.to_string())?.id;
    let device = till
        .db()
        .fiscal_device(&store, till.till_id())
        .map_err(|e| e.to_string())?;
    let Some(device) = device else {
        return Ok(false);
    };
    till.connect_register(kassa::fiscal::connector(&device, &emulator_state(db_path)))
        .map_err(|e| e.to_string())?;
    Ok(true)
}

fn fiscal_emulator(port: &Path, state: Option<PathBuf>) -> Result<(), String> {
    let state = state.unwrap_or_else(|| {
        let mut state = port.as_os_str().to_owned();
        state.push(".json");
        PathBuf::from(state)
    });
    let clock = kassa_fiscal::emulator::local_clock();
    let device = kassa_fiscal::emulator::Device::open(state.clone(), clock).map_err(|e| e.to_string())?;
    let device = std::sync::Mutex::new(device);
    let stop = std::sync::atomic::AtomicBool::new(false);
    eprintln!(
        "fiscal register emulator (ШТРИХ-М-01Ф, Shtrih-M protocol) on {}; memory {}, tape {}.tape; Ctrl+C stops",
        port.display(),
        state.display(),
        state.display()
    );
    kassa_fiscal::emulator::run_on_pty(port, &device, &stop).map_err(|e| format!("{}: {e}", port.display()))
}

fn fiscal_device(path: &Path, who: Option<kassa::setup::Credentials<'_>>, args: DeviceArgs) -> Result<(), String> {
    let mut db = open_existing(path)?;
    let e = |e: kassa::error::Error| e.to_string();
    if db.store(&args.store).map_err(e)?.is_none() {
        return Err(format!("unknown store `{}`", one_line(&args.store)));
    }
    if let Some(port) = &args.port {
        let device = (port != "none").then(|| kassa::db::DeviceSettings {
            port: port.clone(),
            baud: args.baud,
            password: args.password,
            vat22_code: args.vat22_code,
        });
        kassa::setup::set_up_till(&mut db, &SystemClock, who, &args.store, &args.till, device.as_ref()).map_err(e)?;
    } else if !db.till_exists(&args.store, &args.till).map_err(e)? {
        return Err(kassa::error::Error::UnknownTill {
            store: args.store,
            till: args.till,
        }
        .to_string());
    }
    match db.fiscal_device(&args.store, &args.till).map_err(e)? {
        Some(d) => println!(
            "{}/{}: {} at {} baud, operator password {}, 22 % VAT code {:#04X}",
            args.store, args.till, d.port, d.baud, d.password, d.vat22_code
        ),
        None => println!("{}/{}: no fiscal register", args.store, args.till),
    }
    Ok(())
}

fn money_arg(text: &str) -> Result<Money, String> {
    Money::parse_positive(text).map_err(|e| format!("{}: {e}", one_line(text)))
}

fn qty_arg(item: &str, qty: &str) -> Result<Qty, String> {
    Qty::parse(qty).map_err(|err| format!("{}: {err}", one_line(item)))
}

/// A till command with its input parsed: nothing is done before all of it
/// is known to be good.
enum TillPlan {
    Open(Option<Money>),
    Sell {
        items: Vec<Item>,
        cash: Option<Money>,
    },
    Return {
        receipt: String,
        lines: Vec<kassa::till::ReturnLine>,
    },
    CashIn(Money),
    CashOut(Money, kassa::shift::CashOutReason),
    XReport,
    Close,
    Fiscalize,
}

/// One thing to sell: a scan, or a sku with its quantity.
enum Item {
    Scan(String),
    Sku(String, Qty),
}

impl TillPlan {
    fn parse(action: TillAction) -> Result<TillPlan, String> {
        Ok(match action {
            TillAction::Open { float } => TillPlan::Open(float.as_deref().map(money_arg).transpose()?),
            TillAction::Sell { items, cash } => TillPlan::Sell {
                items: items
                    .iter()
                    .map(|item| match item.split_once(':') {
                        Some((sku, qty)) => Ok(Item::Sku(sku.to_owned(), qty_arg(item, qty)?)),
                        None => Ok(Item::Scan(item.clone())),
                    })
                    .collect::<Result<_, String>>()?,
                cash: cash.as_deref().map(money_arg).transpose()?,
            },
            TillAction::Return { receipt, items } => {
                let mut lines = Vec::new();
                for item in &items {
                    let (sku, qty) = item
                        .split_once(':')
                        .ok_or_else(|| format!("{}: expected SKU:QTY", one_line(item)))?;
                    lines.push(kassa::till::ReturnLine {
                        sku: sku.to_owned(),
                        qty: qty_arg(item, qty)?,
                    });
                }
                TillPlan::Return { receipt, lines }
            }
            TillAction::CashIn { amount } => TillPlan::CashIn(money_arg(&amount)?),
            TillAction::CashOut { amount, reason } => {
                let reason = kassa::shift::CashOutReason::from_code(&reason)
                    .ok_or_else(|| format!("--reason {}: expected collection, expense or other", one_line(&reason)))?;
                TillPlan::CashOut(money_arg(&amount)?, reason)
            }
            TillAction::XReport => TillPlan::XReport,
            TillAction::Close => TillPlan::Close,
            TillAction::Fiscalize => TillPlan::Fiscalize,
        })
    }
}

fn till_command(path: &Path, who: Option<kassa::setup::Credentials<'_>>, args: TillArgs) -> Result<(), String> {
    let who = who.ok_or_else(|| "kassa till needs --employee ID and --pin PIN (or KASSA_PIN)".to_owned())?;
    let plan = TillPlan::parse(args.action)?;
    let db = open_existing(path)?;
    let e = |e: kassa::error::Error| e.to_string();
    let mut till = Till::new(db, &args.store, &args.till, Box::new(SystemClock)).map_err(e)?;
    let session = till.login(who.employee, who.pin).map_err(e)?;
    connect_register(&mut till, path)?;
    let action = args.action_id.map(ActionId::from_string).unwrap_or_default();
    let done = match plan {
        TillPlan::Open(float) => Done::Shift(till.open_shift_with_float(&session, &action, float).map_err(e)?),
        TillPlan::Sell { items, cash } => {
            // The cart first (nothing is written while scanning), then one
            // sale; the first sale of the day opens the shift, as at the till.
            let mut cart = Cart::new();
            for item in &items {
                match item {
                    Item::Scan(code) => till.scan(&session, &mut cart, code),
                    Item::Sku(sku, qty) => till.add_product(&session, &mut cart, sku, *qty),
                }
                .map_err(e)?;
            }
            let payment = match cash {
                Some(cash) if cash < cart.total() => {
                    return Err(kassa::error::Error::Underpaid {
                        paid: cash,
                        total: cart.total(),
                    }
                    .to_string())
                }
                Some(cash) => Payment::cash(cash),
                None => Payment::card(cart.total()),
            };
            if till.current_shift().map_err(e)?.is_none() {
                let open = ActionId::from_string(format!("{}:open", action.as_str()));
                let shift = till.open_shift_with_float(&session, &open, None).map_err(e)?;
                eprintln!("shift {shift} opened");
            }
            Done::Receipt(till.pay(&session, &action, &cart, &[payment]).map_err(e)?)
        }
        TillPlan::Return { receipt, lines } => {
            Done::Receipt(till.return_sale(&session, &action, &receipt, &lines).map_err(e)?)
        }
        TillPlan::CashIn(amount) => {
            till.cash_in(&session, &action, amount).map_err(e)?;
            Done::Cash
        }
        TillPlan::CashOut(amount, reason) => {
            till.cash_out(&session, &action, amount, reason).map_err(e)?;
            Done::Cash
        }
        TillPlan::XReport => Done::Totals("X", till.x_report(&session).map_err(e)?),
        TillPlan::Close => Done::Totals("Z", till.close_shift(&session, &action).map_err(e)?),
        TillPlan::Fiscalize => {
            let n = till.fiscalize_pending().map_err(e)?;
            println!("{n} receipts registered");
            return Ok(());
        }
    };
    wait_for_register(&mut till);
    match done {
        Done::Shift(shift) => println!(
            "shift {shift} open; cash in the drawer {}",
            till.cash_in_drawer().map_err(e)?
        ),
        Done::Receipt(receipt) => print_receipt(&till, &receipt)?,
        Done::Cash => println!("cash in the drawer {}", till.cash_in_drawer().map_err(e)?),
        Done::Totals(kind, totals) => print_totals(kind, &totals),
    }
    Ok(())
}

/// What a till command did, shown once the register has had its say.
enum Done {
    Shift(String),
    Receipt(kassa::sale::Receipt),
    Cash,
    Totals(&'static str, kassa::shift::ShiftTotals),
}

/// The command line waits for its own action's outcome at the register; a
/// receipt that could not go is kept and waits (said once, on stderr).
fn wait_for_register(till: &mut Till) {
    if let Err(error) = till.fiscalize_pending() {
        eprintln!(
            "kassa: kept, waiting for the fiscal register: {}",
            one_line(&error.to_string())
        );
    } else if let Some(error) = till.fiscal_error() {
        eprintln!("kassa: fiscal register: {}", one_line(&error.to_string()));
    }
}

fn print_totals(kind: &str, t: &kassa::shift::ShiftTotals) {
    println!(
        "{kind} report, shift {}: sales {} ({}), returns {} ({}), cash in {}, cash out {}, cash in the drawer {}",
        t.shift,
        t.sales,
        t.sales_count,
        t.returns,
        t.returns_count,
        t.cash_in,
        t.cash_out,
        t.cash_in_drawer()
    );
}

fn print_receipt(till: &Till, receipt: &kassa::sale::Receipt) -> Result<(), String> {
    let fiscal = till.fiscal_state(receipt.id()).map_err(|e| e.to_string())?;
    let fiscal = match fiscal {
        kassa::fiscal::FiscalState::Registered {
            number,
            sign,
            at,
            correction,
        } => {
            serde_json::json!({"state": "registered", "fd": number, "fp": sign, "at": at, "correction": correction})
        }
        kassa::fiscal::FiscalState::Pending { last_error } => {
            serde_json::json!({"state": "pending", "error": last_error})
        }
        kassa::fiscal::FiscalState::Parked { code, reason } => {
            serde_json::json!({"state": "parked", "code": code, "error": reason})
        }
        kassa::fiscal::FiscalState::NotQueued => serde_json::json!({"state": "none"}),
    };
    // Each line with why its price is what it is, as `kassa price` shows it.
    let lines: Vec<kassa::quote::QuoteLine> = receipt.draft().lines.iter().map(kassa::quote::QuoteLine::of).collect();
    let out = serde_json::json!({
        "receipt": receipt.id(),
        "lines": lines,
        "total": receipt.total().to_string(),
        "change": receipt.change().to_string(),
        "fiscal": fiscal,
    });
    println!("{out}");
    Ok(())
}
