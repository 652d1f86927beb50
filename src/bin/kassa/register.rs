//! `fiscal-device`, `fiscal-emulator`: a till's register.

use std::path::{Path, PathBuf};

use kassa::clock::SystemClock;
use kassa::db::DeviceSettings;
use kassa::till::Till;
use kassa::{Books, Credentials};

use crate::{Failure, Outcome};

#[derive(clap::Args)]
pub(crate) struct DeviceArgs {
    /// Store.
    #[arg(long, default_value = "S1")]
    pub(crate) store: String,
    /// Till.
    #[arg(long, default_value = "T1")]
    pub(crate) till: String,
    /// Serial port of the register (/dev/ttyUSB0, /dev/ttyACM0, a
    /// fiscal-emulator link), or `emulator` for the built-in one, or `none`.
    #[arg(long)]
    pub(crate) port: Option<String>,
    /// Baud rate.
    #[arg(long, default_value_t = 115_200)]
    pub(crate) baud: u32,
    /// Operator password (cashier 1–28, administrator 30).
    #[arg(long, default_value_t = 30)]
    pub(crate) password: u32,
    /// The firmware's tax code for 22 % VAT (0xCB desktop models, 0x90 ШТРИХ-NANO-Ф, 1 if tax 1 is set to 22 %).
    #[arg(long, default_value = "0xCB", value_parser = parse_byte)]
    pub(crate) vat22_code: u8,
    /// Serial port of the till's barcode scanner (its GS separators reach
    /// marking codes), or `none`.
    #[arg(long)]
    pub(crate) scanner: Option<String>,
}

fn parse_byte(text: &str) -> Result<u8, String> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u8::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|_| format!("`{text}` is not a byte (0–255 or 0x00–0xFF)"))
}

/// Shows a till's register, or with `--port` sets the till up with it.
pub(crate) fn device(path: &Path, who: Option<Credentials<'_>>, args: DeviceArgs) -> Outcome {
    let mut books = Books::open_existing(path)?;
    if let Some(port) = &args.port {
        let device = (port != "none").then(|| DeviceSettings {
            port: port.clone(),
            baud: args.baud,
            password: args.password,
            vat22_code: args.vat22_code,
        });
        books.set_up_till(&SystemClock, who, &args.store, &args.till, device.as_ref())?;
    }
    if let Some(scanner) = &args.scanner {
        let port = (scanner != "none").then_some(scanner.as_str());
        books.set_till_scanner(&SystemClock, who, &args.store, &args.till, port)?;
    }
    match books.till_device(&args.store, &args.till)? {
        Some(d) => println!(
            "{}/{}: {} at {} baud, operator password {}, 22 % VAT code {:#04X}",
            args.store, args.till, d.port, d.baud, d.password, d.vat22_code
        ),
        None => println!("{}/{}: no fiscal register", args.store, args.till),
    }
    if let Some(port) = books.till_scanner(&args.store, &args.till)? {
        println!("{}/{}: barcode scanner at {port}", args.store, args.till);
    }
    Ok(())
}

/// A virtual Shtrih-M register on a pseudo-terminal until stopped.
pub(crate) fn emulator(port: &Path, state: Option<PathBuf>) -> Outcome {
    let state = state.unwrap_or_else(|| {
        let mut state = port.as_os_str().to_owned();
        state.push(".json");
        PathBuf::from(state)
    });
    let clock = kassa_fiscal::emulator::local_clock();
    let device =
        kassa_fiscal::emulator::Device::open(state.clone(), clock).map_err(|e| Failure::Said(e.to_string()))?;
    let device = std::sync::Mutex::new(device);
    let stop = std::sync::atomic::AtomicBool::new(false);
    eprintln!(
        "fiscal register emulator (ШТРИХ-М-01Ф, Shtrih-M protocol) on {}; memory {}, tape {}.tape; Ctrl+C stops",
        port.display(),
        state.display(),
        state.display()
    );
    kassa_fiscal::emulator::run_on_pty(port, &device, &stop)
        .map_err(|e| Failure::Said(format!("{}: {e}", port.display())))
}

/// The emulator's memory for the built-in register: beside the database.
fn emulator_state(db: &Path) -> PathBuf {
    kassa::fiscal::emulator_state_beside(db)
}

/// Gives a logged-in till its fiscal register, if it has one (nothing
/// talks to the register before a login). An unreachable register only
/// makes receipts wait.
pub(crate) fn connect(till: &mut Till, device: Option<&DeviceSettings>, db: &Path) -> Outcome {
    if let Some(device) = device {
        till.connect_register(kassa::fiscal::connector(device, &emulator_state(db)))?;
    }
    Ok(())
}
