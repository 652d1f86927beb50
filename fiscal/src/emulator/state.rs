//! What the emulated register remembers across power cycles (shift, the
//! receipt in progress, money registers, the fiscal documents), and where:
//! a JSON file, written whole after every change, with a lock beside it so
//! that one program at a time runs the register, as one holds a real port.

use std::fs::{File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};

/// How long [`super::Device::open`] waits for another program to let the
/// register go.
pub const LOCK_WAIT: Duration = Duration::from_secs(3);

/// Money registers a client may read with 0x1A (Shtrih numbering).
pub mod money_register {
    #![allow(missing_docs)]
    pub const CASH_IN_DRAWER: u8 = 241;
    pub const CASH_IN_SHIFT: u8 = 242;
    pub const CASH_OUT_SHIFT: u8 = 243;
    pub const GRAND_TOTAL: u8 = 244;
    pub const SALES_SHIFT: u8 = 245;
    pub const PURCHASES_SHIFT: u8 = 246;
    pub const SALE_RETURNS_SHIFT: u8 = 247;
    pub const PURCHASE_RETURNS_SHIFT: u8 = 248;

    /// A money register holds 6 bytes (the answer of 0x1A).
    pub const MAX: u64 = 0xFFFF_FFFF_FFFF;
}

/// One line of the receipt in progress.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Item {
    /// Name.
    pub name: String,
    /// Quantity, millionths.
    pub qty_micro: u64,
    /// Unit price, kopecks.
    pub price: u64,
    /// Line sum, kopecks.
    pub sum: u64,
    /// Tax bits.
    pub tax: u8,
    /// Tag 1214.
    pub method: u8,
    /// Tag 1212.
    pub subject: u8,
    /// Marking code bound to the line.
    pub marking: Option<String>,
}

/// What a correction receipt in progress has been told of its basis.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OpenCorrection {
    /// Tag 1173: 0 self-initiated, 1 by order.
    pub kind: Option<u8>,
    /// Tag 1178: date of the corrected settlement.
    pub date: Option<NaiveDate>,
    /// Tag 1179: the order's number.
    pub order: Option<String>,
}

/// The receipt in progress.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OpenReceipt {
    /// Tag 1054: 1 sale, 2 sale return, 3 purchase, 4 purchase return; 0
    /// for a correction opened by 0xFF35 until its first line.
    pub sign: u8,
    /// Operator who opened it.
    pub operator: u8,
    /// Lines.
    pub items: Vec<Item>,
    /// TLV blocks sent for the receipt.
    pub tlv_bytes: usize,
    /// A correction receipt (FFD 1.2): its basis so far.
    #[serde(default)]
    pub correction: Option<OpenCorrection>,
}

impl OpenReceipt {
    /// Σ line sums, kopecks.
    pub fn total(&self) -> u64 {
        self.items
            .iter()
            .fold(0u64, |total, item| total.saturating_add(item.sum))
    }
}

/// A fiscal document in the virtual fiscal storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredDocument {
    /// FFD type: 2 shift open, 3 receipt, 5 shift close, 31 correction receipt.
    pub doc_type: u8,
    /// Fiscal document number.
    pub number: u32,
    /// Fiscal sign.
    pub fiscal_sign: u32,
    /// When.
    pub at: NaiveDateTime,
    /// Receipts: tag 1054.
    pub sign: u8,
    /// Receipts: total, kopecks; shift reports: shift number.
    pub value: u64,
}

/// Everything a register remembers across power cycles.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct State {
    /// Serial number of the register.
    pub serial: u32,
    /// Fiscal storage number, 16 digits.
    pub fn_number: String,
    /// Taxpayer number of the owner.
    pub inn: u64,
    /// The shift is open.
    pub shift_open: bool,
    /// Number of the open (or last) shift.
    pub shift_number: u16,
    /// When the open shift opened.
    pub shift_opened_at: Option<NaiveDateTime>,
    /// Receipts in the shift.
    pub receipts_in_shift: u16,
    /// The receipt in progress.
    pub receipt: Option<OpenReceipt>,
    /// The fiscal storage is forming a shift report (after 0xFF41/0xFF42).
    pub forming: u8,
    /// Running number of every printed document (сквозной номер).
    pub document_number: u16,
    /// Fiscal documents, in order; the last one's number is the FN counter.
    pub documents: Vec<StoredDocument>,
    /// Cash in the drawer, kopecks.
    pub cash: u64,
    /// Shift money registers 242–248 (index 1–7) and 244 the grand total.
    pub registers: [u64; 8],
    /// Paper is in.
    pub paper: bool,
}

impl State {
    /// A new register: fiscal mode, shift closed, no documents.
    pub fn new() -> State {
        State {
            serial: 12_345_678,
            fn_number: "9999078900012345".into(),
            inn: 7_707_083_893,
            shift_open: false,
            shift_number: 0,
            shift_opened_at: None,
            receipts_in_shift: 0,
            receipt: None,
            forming: 0,
            document_number: 0,
            documents: Vec::new(),
            cash: 0,
            registers: [0; 8],
            paper: true,
        }
    }

    /// Number of the last fiscal document (0 before the first).
    pub fn last_document(&self) -> u32 {
        self.documents.last().map(|doc| doc.number).unwrap_or(0)
    }

    /// A money register by its Shtrih number (0 for one not kept).
    pub fn register_value(&self, number: u8) -> u64 {
        match number {
            money_register::CASH_IN_DRAWER => self.cash,
            242..=248 => self.registers[usize::from(number - 241)],
            _ => 0,
        }
    }
}

impl Default for State {
    fn default() -> Self {
        State::new()
    }
}

/// The state's file and the lock on it, held as long as this lives.
#[derive(Debug)]
pub(crate) struct Memory {
    path: PathBuf,
    /// Unlocked when dropped (the lock belongs to the open file).
    _lock: File,
}

impl Memory {
    /// Takes the register (waiting up to `wait` for another holder), then
    /// reads its state: only after the lock, so nothing another program
    /// wrote before letting go is lost.
    pub(crate) fn open(path: PathBuf, wait: Duration) -> io::Result<(Memory, State)> {
        let lock = lock(&path, wait)?;
        let state = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|error| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: not a register state: {error}", path.display()),
                )
            })?,
            Err(error) if error.kind() == io::ErrorKind::NotFound => State::new(),
            Err(error) => return Err(error),
        };
        Ok((Memory { path, _lock: lock }, state))
    }

    /// Writes the state whole: to a new file, then renamed over the old, so
    /// a crash leaves one or the other.
    pub(crate) fn save(&self, state: &State) -> io::Result<()> {
        let bytes = serde_json::to_vec_pretty(state).map_err(io::Error::other)?;
        let temp = beside(&self.path, ".new");
        {
            use std::io::Write;
            let mut file = File::create(&temp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
        }
        std::fs::rename(&temp, &self.path)
    }
}

/// `path` with `suffix` added to its file name.
pub(crate) fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// An exclusive lock on `<path>.lock` (created if missing), retried until
/// `wait` has passed.
fn lock(path: &Path, wait: Duration) -> io::Result<File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(beside(path, ".lock"))?;
    let deadline = Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::Error(error)) => return Err(error),
            Err(TryLockError::WouldBlock) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(io::Error::new(
                        io::ErrorKind::WouldBlock,
                        format!(
                            "the fiscal register emulator {} is in use by another program",
                            path.display()
                        ),
                    ));
                }
                std::thread::sleep(left.min(Duration::from_millis(50)));
            }
        }
    }
}
