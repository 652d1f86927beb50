//! The one write path: a `Ledger` is a transaction that applies journal
//! records (from a till action or an import line), checks every rule that
//! needs the books' state, writes the rows and appends the event.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use rust_decimal::Decimal;

use super::read::{self, ShiftInfo};
use crate::catalog::Product;
use crate::clock::At;
use crate::error::{Error, Result};
use crate::journal::Record;
use crate::money::Money;
use crate::sale::{PaymentMethod, Receipt};
use crate::staff::{Employee, Rights};

mod cards;
mod pins;
mod receipts;
mod shifts;
mod staff;
mod stock;

use shifts::check_open;
pub(crate) use stock::moving_average;

/// What applying a record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Applied {
    /// The books changed and an event was appended.
    Written,
    /// The record was already there, identical: nothing changed.
    Unchanged,
}

/// Rollup sums kept in memory before an import adds them to the tables
/// (about 200 bytes each).
const ROLLS_IN_MEMORY: usize = 500_000;

/// One open transaction on the books.
pub(crate) struct Ledger<'c> {
    tx: Transaction<'c>,
    origin: &'c str,
    actor: Option<String>,
    now: String,
    may_edit_closed: bool,
    locked_through: Option<NaiveDate>,
    /// In an import, the how-many-th time a record without an id of its own
    /// (cash in/out) has occurred in this journal.
    occurrences: Option<HashMap<String, u32>>,
    /// In an import, how far each card's lines have matched its history
    /// (by a 64-bit fingerprint of the card, never stored).
    card_histories: Option<(std::collections::hash_map::RandomState, HashMap<u64, CardHistory>)>,
    cache: RefCell<Cache>,
    /// An import's plain PINs, hashed off the writing thread.
    pins: pins::PinHashes,
    /// The next history seq once places are reserved for waiting lines.
    reserved_seq: std::cell::Cell<Option<i64>>,
    /// The last history seq this transaction wrote or read.
    last_seq: std::cell::Cell<Option<i64>>,
}

/// A card's versions as the books hold them, and how far an import's lines
/// for that card have matched them.
struct CardHistory {
    digests: Vec<u64>,
    next: usize,
    diverged: bool,
    /// The digest of this card's previous line in the journal.
    last: Option<u64>,
}

/// What this transaction has read or written, so that an import of a
/// million lines does not ask SQLite the same question a million times.
/// Every write goes through this ledger, which keeps the cache true; it dies
/// with the transaction.
#[derive(Default)]
struct Cache {
    shifts: HashMap<String, ShiftInfo>,
    products: HashMap<String, Rc<Product>>,
    employees: HashSet<String>,
    /// Stock per (store, sku): quantity in thousandths and moving average
    /// cost; `true` when changed and not yet written (written at commit).
    stock: HashMap<(String, String), (i64, Decimal, bool)>,
    /// Sums for the reports' rollups, added at commit.
    rolls: super::rollups::Rolls,
}

impl<'c> Ledger<'c> {
    pub(super) fn begin(conn: &'c mut Connection, origin: &'c str, actor: Option<&str>) -> Result<Ledger<'c>> {
        // IMMEDIATE: take the write lock now, so a check and its write can
        // never interleave with another writer.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let locked_through =
            super::meta(&tx, "locked_through")?.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
        Ok(Ledger {
            tx,
            origin,
            actor: actor.map(str::to_owned),
            now: chrono::Local::now()
                .fixed_offset()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            may_edit_closed: false,
            locked_through,
            occurrences: None,
            card_histories: None,
            cache: RefCell::new(Cache::default()),
            pins: pins::PinHashes::default(),
            reserved_seq: std::cell::Cell::new(None),
            last_seq: std::cell::Cell::new(None),
        })
    }

    /// The actor holds the right to change a locked period.
    pub(crate) fn allow_closed_period(&mut self, allowed: bool) {
        self.may_edit_closed = allowed;
    }

    /// Marks this ledger as an import: records without an id are told apart
    /// by their occurrence in the journal, so importing twice adds nothing.
    pub(crate) fn for_import(&mut self) {
        self.occurrences = Some(HashMap::new());
        self.card_histories = Some((std::collections::hash_map::RandomState::new(), HashMap::new()));
    }

    /// Whether this ledger applies an import (rather than a till's action).
    fn importing(&self) -> bool {
        self.occurrences.is_some()
    }

    /// Sets the moment non-dated events are recorded at.
    pub(crate) fn set_now(&mut self, now: At) {
        self.now = now.to_string();
    }

    /// Commits everything applied.
    pub(crate) fn commit(mut self) -> Result<()> {
        self.settle_pins()?;
        {
            let cache = self.cache.borrow();
            let mut write = self.tx.prepare_cached(
                "INSERT INTO stock (store, sku, qty, avg_cost) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (store, sku) DO UPDATE SET qty = excluded.qty, avg_cost = excluded.avg_cost",
            )?;
            for ((store, sku), (qty, average, _)) in cache.stock.iter().filter(|(_, entry)| entry.2) {
                write.execute(params![store, sku, qty, average.normalize().to_string()])?;
            }
        }
        self.cache.borrow_mut().rolls.flush(&self.tx)?;
        Ok(self.tx.commit()?)
    }

    /// After an import, an open shift must be its till's latest: returns
    /// one that is not (the import names its line), if any.
    pub(crate) fn stale_open_shift(&self) -> Result<Option<(String, Error)>> {
        let stale: Option<(String, String, String)> = self
            .tx
            .query_row(
                "SELECT o.id, o.till, l.id FROM shifts o JOIN shifts l
                   ON l.store = o.store AND l.till = o.till AND l.opened_utc > o.opened_utc
                  WHERE o.closed_at IS NULL LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(stale.map(|(open, till, later)| {
            let error = Error::invalid(format!(
                "shift_open {open}: shift {open} of till {till} is still open, yet shift {later} opened after it"
            ));
            (open, error)
        }))
    }

    fn shift(&self, id: &str) -> Result<Option<ShiftInfo>> {
        if let Some(info) = self.cache.borrow().shifts.get(id) {
            return Ok(Some(info.clone()));
        }
        let info = read::shift_info(&self.tx, id)?;
        if let Some(info) = &info {
            self.cache.borrow_mut().shifts.insert(id.to_owned(), info.clone());
        }
        Ok(info)
    }

    /// A product card, shared rather than copied: a receipt line reads it.
    fn product(&self, sku: &str) -> Result<Option<Rc<Product>>> {
        if let Some(product) = self.cache.borrow().products.get(sku) {
            return Ok(Some(Rc::clone(product)));
        }
        let product = read::product(&self.tx, sku)?.map(Rc::new);
        if let Some(product) = &product {
            self.cache
                .borrow_mut()
                .products
                .insert(sku.to_owned(), Rc::clone(product));
        }
        Ok(product)
    }

    /// The open transaction, for the storage module's other writers.
    pub(super) fn tx(&self) -> &Transaction<'c> {
        &self.tx
    }

    /// The result an action with this id committed before, if it did.
    pub(crate) fn action_result(&self, action: &str) -> Result<Option<String>> {
        Ok(self
            .tx
            .prepare_cached("SELECT result FROM actions WHERE id = ?1")?
            .query_row(params![action], |r| r.get(0))
            .optional()?)
    }

    /// Remembers that an action committed, with its result.
    pub(crate) fn remember_action(&self, action: &str, result: &str) -> Result<()> {
        self.tx
            .prepare_cached("INSERT INTO actions (id, result) VALUES (?1, ?2)")?
            .execute(params![action, result])?;
        Ok(())
    }

    /// Appends a history entry that is not a journal record (a login, a
    /// change of rights).
    pub(crate) fn note(&self, kind: &str, entity: &str, payload: &serde_json::Value) -> Result<()> {
        self.append(kind, entity, None, None, &payload.to_string(), &self.now.clone())
    }

    fn append(
        &self,
        kind: &str,
        entity: &str,
        day: Option<&str>,
        key: Option<&str>,
        payload: &str,
        at: &str,
    ) -> Result<()> {
        self.insert_event(self.next_seq(), kind, entity, day, key, payload, at)
    }

    /// The seq of the next history line when places are reserved (an
    /// import's lines waiting for PIN hashes); `None`: SQLite's next rowid.
    fn next_seq(&self) -> Option<i64> {
        let seq = self.reserved_seq.get()?;
        self.reserved_seq.set(Some(seq + 1));
        Some(seq)
    }

    /// The seq the next history line will take (a stock move's place in
    /// the books' order is its record's).
    pub(super) fn upcoming_seq(&self) -> Result<i64> {
        if let Some(seq) = self.reserved_seq.get() {
            return Ok(seq);
        }
        if let Some(last) = self.last_seq.get() {
            return Ok(last + 1);
        }
        let last: Option<i64> = self.tx.query_row("SELECT max(seq) FROM events", [], |r| r.get(0))?;
        self.last_seq.set(Some(last.unwrap_or(0)));
        Ok(last.unwrap_or(0) + 1)
    }

    /// Keeps the next history line's place for a line written later.
    fn reserve_seq(&self) -> Result<i64> {
        if self.reserved_seq.get().is_none() {
            self.reserved_seq.set(Some(self.upcoming_seq()?));
        }
        Ok(self.next_seq().unwrap_or(0))
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_event(
        &self,
        seq: Option<i64>,
        kind: &str,
        entity: &str,
        day: Option<&str>,
        key: Option<&str>,
        payload: &str,
        at: &str,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO events (seq, origin, at, actor, type, entity, day, key, payload)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                seq,
                self.origin,
                at,
                self.actor,
                kind,
                entity,
                day,
                key,
                payload
            ])?;
        self.last_seq.set(Some(self.tx.last_insert_rowid()));
        Ok(())
    }

    /// Appends an event under a key of its own (a `fiscal` record).
    pub(super) fn append_keyed(
        &self,
        kind: &str,
        entity: &str,
        day: Option<&str>,
        key: &str,
        payload: &str,
        at: &str,
    ) -> Result<()> {
        self.append(kind, entity, day, Some(key), payload, at)
    }

    fn payload_by_key(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .tx
            .prepare_cached("SELECT payload FROM events WHERE key = ?1")?
            .query_row(params![key], |r| r.get(0))
            .optional()?)
    }

    /// For a record with an identity key: `Some(Unchanged)` when the same
    /// record is already in the books, a conflict when a different one is.
    fn already(&self, key: &str, line: &str, what: &'static str, id: &str) -> Result<Option<Applied>> {
        match self.payload_by_key(key)? {
            Some(existing) if existing == line => Ok(Some(Applied::Unchanged)),
            Some(_) => Err(Error::Conflict {
                what,
                id: id.to_owned(),
            }),
            None => Ok(None),
        }
    }

    fn check_period(&self, at: At) -> Result<()> {
        match self.locked_through {
            Some(day) if at.local_day() <= day && !self.may_edit_closed => Err(Error::PeriodLocked(day.to_string())),
            _ => Ok(()),
        }
    }

    /// Applies one journal record.
    pub(crate) fn apply(&mut self, record: Record) -> Result<Applied> {
        let applied = self.apply_record(record)?;
        // A big import adds its sums to the rollups as it goes (same
        // transaction), so its memory stays bounded whatever its size.
        if self.cache.borrow().rolls.keys() >= ROLLS_IN_MEMORY {
            self.cache.borrow_mut().rolls.flush(&self.tx)?;
        }
        Ok(applied)
    }

    fn apply_record(&mut self, record: Record) -> Result<Applied> {
        // Each kind checks the period lock after its duplicate check: a
        // record already in the books is unchanged, locked or not.
        match record {
            Record::Store(_) => self.apply_store(&record),
            Record::Counterparty(_) => self.apply_counterparty(&record),
            Record::Employee { .. } => self.apply_employee(&record),
            Record::Product(ref p) => self.apply_product(p, &record),
            Record::Promotion { ref promotion, enabled } => self.apply_promotion(promotion, enabled, &record),
            Record::Stock(ref doc) => self.apply_stock_doc(doc, &record),
            Record::ShiftOpen(ref open) => self.apply_shift_open(open, &record),
            Record::Cash(ref cash) => self.apply_cash(cash, &record),
            Record::Receipt(receipt) => self.apply_receipt(receipt),
            Record::ShiftClose { ref shift, at } => self.apply_shift_close(shift, at, &record),
            Record::Fiscal(ref fiscal) => self.apply_fiscal(fiscal),
            Record::Rights { role, ref rights } => self.set_rights(role, rights),
            Record::PeriodLock { through, at } => self.lock_period(through, at),
            Record::StockCount(ref count) => self.apply_stock_count(count, &record),
        }
    }

    fn require_product(&self, sku: &str) -> Result<Rc<Product>> {
        self.product(sku)?.ok_or_else(|| Error::NotFound {
            what: "product",
            id: sku.to_owned(),
        })
    }

    fn require_store(&self, id: &str) -> Result<()> {
        let exists: bool = self
            .tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM stores WHERE id = ?1)")?
            .query_row(params![id], |r| r.get(0))?;
        if exists {
            Ok(())
        } else {
            Err(Error::NotFound {
                what: "store",
                id: id.to_owned(),
            })
        }
    }

    fn require_employee(&self, id: &str) -> Result<()> {
        if self.cache.borrow().employees.contains(id) {
            return Ok(());
        }
        let exists: bool = self
            .tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM employees WHERE id = ?1)")?
            .query_row(params![id], |r| r.get(0))?;
        if exists {
            Ok(())
        } else {
            Err(Error::NotFound {
                what: "employee",
                id: id.to_owned(),
            })
        }
    }

    /// An employee and the rights of their role, read inside this
    /// transaction so a check and the write it guards see the same state.
    pub(crate) fn employee_rights(&self, id: &str) -> Result<(Employee, Rights)> {
        read::employee_rights(&self.tx, id)
    }

    /// The open shift of a till.
    pub(crate) fn open_shift(&self, store: &str, till: &str) -> Result<Option<String>> {
        read::open_shift(&self.tx, store, till)
    }

    /// How many shifts a till has had.
    pub(crate) fn shift_count(&self, store: &str, till: &str) -> Result<i64> {
        Ok(self
            .tx
            .prepare_cached("SELECT COUNT(*) FROM shifts WHERE store = ?1 AND till = ?2")?
            .query_row(params![store, till], |r| r.get(0))?)
    }

    /// How many receipts a shift has.
    pub(crate) fn receipt_count(&self, shift: &str) -> Result<i64> {
        Ok(self
            .tx
            .prepare_cached("SELECT COUNT(*) FROM receipts WHERE shift = ?1")?
            .query_row(params![shift], |r| r.get(0))?)
    }

    /// A receipt as recorded.
    pub(crate) fn receipt(&self, id: &str) -> Result<Option<Receipt>> {
        read::receipt(&self.tx, id)
    }

    /// Receipts that returned goods of a sale.
    pub(crate) fn returns_of(&self, sale: &str) -> Result<Vec<Receipt>> {
        let ids = self
            .tx
            .prepare_cached("SELECT id FROM receipts WHERE return_of = ?1 ORDER BY at_utc, id")?
            .query_map(params![sale], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.iter()
            .map(|id| {
                read::receipt(&self.tx, id)?.ok_or_else(|| Error::NotFound {
                    what: "receipt",
                    id: id.clone(),
                })
            })
            .collect()
    }

    /// Net paid by a method on a sale and refunded so far.
    pub(crate) fn refundable(&self, sale: &str, method: PaymentMethod) -> Result<(Money, Money)> {
        read::refundable(&self.tx, sale, method)
    }

    /// Login state of an employee.
    pub(crate) fn employee_auth(&self, id: &str) -> Result<Option<super::EmployeeAuth>> {
        read::employee_auth(&self.tx, id)
    }
}

/// Names the field an error is about.
fn in_field(field: &str, error: Error) -> Error {
    error.in_record(field)
}

/// A short, stable digest of a journal line (BLAKE2s, first 8 bytes, hex):
/// it tells apart the versions of one card with the same number.
fn digest(line: &str) -> String {
    use blake2::{Blake2s256, Digest};
    Blake2s256::digest(line.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}
