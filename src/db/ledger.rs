//! The one write path: a `Ledger` is a transaction that applies journal
//! records (from a till action or an import line), checks every rule that
//! needs the books' state, writes the rows and appends the event.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::rc::Rc;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use rust_decimal::Decimal;

use super::read::{self, ShiftInfo};
use crate::catalog::{fold_name, Product};
use crate::clock::At;
use crate::error::{Error, Result};
use crate::journal::Record;
use crate::money::{Money, Qty};
use crate::promo::{PromoStores, Promotion, Target};
use crate::sale::{PaymentMethod, Receipt, ReceiptKind};
use crate::shift::{CashMove, ShiftOpen};
use crate::staff::{hash_pin, verify_pin, Employee, Rights, Role};
use crate::stock::StockDoc;

/// What applying a record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Applied {
    /// The books changed and an event was appended.
    Written,
    /// The record was already there, identical: nothing changed.
    Unchanged,
}

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
    pub(crate) fn commit(self) -> Result<()> {
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
        self.tx
            .prepare_cached(
                "INSERT INTO events (origin, at, actor, type, entity, day, key, payload)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![self.origin, at, self.actor, kind, entity, day, key, payload])?;
        Ok(())
    }

    /// Appends an event under a key of its own (a `fiscal` record).
    pub(super) fn append_keyed(&self, kind: &str, entity: &str, key: &str, payload: &str, at: &str) -> Result<()> {
        self.append(kind, entity, None, Some(key), payload, at)
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
        // Each kind checks the period lock after its duplicate check: a
        // record already in the books is unchanged, locked or not.
        match record {
            Record::Store(_) => self.apply_store(&record),
            Record::Employee { .. } => self.apply_employee(&record),
            Record::Product(ref p) => self.apply_product(p, &record),
            Record::Promotion(ref p) => self.apply_promotion(p, &record),
            Record::Stock(ref doc) => self.apply_stock_doc(doc, &record),
            Record::ShiftOpen(ref open) => self.apply_shift_open(open, &record),
            Record::Cash(ref cash) => self.apply_cash(cash, &record),
            Record::Receipt(receipt) => self.apply_receipt(receipt),
            Record::ShiftClose { ref shift, at } => self.apply_shift_close(shift, at, &record),
        }
    }

    /// The version number a card's next change will have.
    fn next_card_version(&self, kind: &str, id: &str) -> Result<i64> {
        let (table, id_column) = match kind {
            "store" => ("stores", "id"),
            "employee" => ("employees", "id"),
            "product" => ("products", "sku"),
            _ => ("promotions", "id"),
        };
        let current: Option<i64> = self
            .tx
            .prepare_cached(&format!("SELECT version FROM {table} WHERE {id_column} = ?1"))?
            .query_row(params![id], |r| r.get(0))
            .optional()?;
        Ok(current.unwrap_or(0) + 1)
    }

    /// In an import, whether this card line is a version the books already
    /// hold, in the journal's order: the card's lines are matched, in turn,
    /// against its history; a line found further on is known, and once a
    /// line is not found, it and the card's later lines are news. So a
    /// journal imported again, or an older one, or one that starts in the
    /// middle of a card's history, changes nothing, while a history that
    /// goes A → B → A imports whole. (A till's edit is always news.)
    fn card_line_known(&mut self, kind: &str, id: &str, digest: &str) -> Result<bool> {
        let Some((hasher, cards)) = self.card_histories.as_mut() else {
            return Ok(false);
        };
        let fingerprint = hasher.hash_one((kind, id));
        if let std::collections::hash_map::Entry::Vacant(slot) = cards.entry(fingerprint) {
            let keys: Vec<String> = self
                .tx
                .prepare_cached(
                    "SELECT key FROM events WHERE day IS NULL AND type = ?1 AND entity = ?2 AND key IS NOT NULL
                      ORDER BY seq",
                )?
                .query_map(params![kind, id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let digests = keys
                .iter()
                .filter_map(|k| k.rsplit_once(':').and_then(|(_, d)| u64::from_str_radix(d, 16).ok()))
                .collect();
            slot.insert(CardHistory {
                digests,
                next: 0,
                diverged: false,
                last: None,
            });
        }
        let Some(history) = cards.get_mut(&fingerprint) else {
            return Ok(false);
        };
        let digest = u64::from_str_radix(digest, 16).unwrap_or(0);
        // The same line twice in a row says nothing new.
        let repeated = history.last == Some(digest);
        history.last = Some(digest);
        if repeated {
            return Ok(true);
        }
        if history.diverged {
            return Ok(false);
        }
        match history.digests[history.next..].iter().position(|d| *d == digest) {
            Some(offset) => {
                history.next += offset + 1;
                Ok(true)
            }
            None => {
                history.diverged = true;
                // Past the books' history: only the last line matters now.
                history.digests = Vec::new();
                history.next = 0;
                Ok(false)
            }
        }
    }

    /// The history key of a card version.
    fn card_key(kind: &str, id: &str, version: i64, line: &str) -> String {
        format!("{kind}:{id}#{version}:{}", digest(line))
    }

    fn apply_store(&mut self, record: &Record) -> Result<Applied> {
        let Record::Store(store) = record else {
            return Ok(Applied::Unchanged);
        };
        let line = record.to_line();
        if self.card_line_known("store", &store.id, &digest(&line))?
            || read::store(&self.tx, &store.id)?.as_ref() == Some(store)
        {
            return Ok(Applied::Unchanged);
        }
        let key = Self::card_key("store", &store.id, self.next_card_version("store", &store.id)?, &line);
        self.tx
            .prepare_cached(
                "INSERT INTO stores (id, name, address, inn, tax_system, version) VALUES (?1, ?2, ?3, ?4, ?5, 1)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address,
                   inn = excluded.inn, tax_system = excluded.tax_system, version = stores.version + 1",
            )?
            .execute(params![
                store.id,
                store.name,
                store.address,
                store.inn,
                store.tax_system.map(|t| t.code())
            ])?;
        self.append("store", &store.id, None, Some(&key), &line, &self.now)?;
        Ok(Applied::Written)
    }

    fn apply_employee(&mut self, record: &Record) -> Result<Applied> {
        let Record::Employee { employee, pin } = record else {
            return Ok(Applied::Unchanged);
        };
        let line = record.to_line();
        let current = read::employee_auth(&self.tx, &employee.id)?;
        let card_known = self.card_line_known("employee", &employee.id, &digest(&line))?
            || current.as_ref().map(|c| &c.employee) == Some(employee);
        if let (true, Some(current)) = (card_known, &current) {
            // A journal sets the PIN of staff who have none; importing an old
            // journal again never puts back an old PIN (the till changes PINs).
            let Some(pin) = pin
                .as_deref()
                .filter(|_| current.pin_hash.is_none() || !self.importing())
            else {
                return Ok(Applied::Unchanged);
            };
            if current.pin_hash.as_deref().is_some_and(|hash| verify_pin(hash, pin)) {
                return Ok(Applied::Unchanged);
            }
            self.tx.execute(
                "UPDATE employees SET pin_hash = ?2, failed_pins = 0, locked_until = NULL WHERE id = ?1",
                params![employee.id, hash_pin(pin)?],
            )?;
            self.note("pin_changed", &employee.id, &serde_json::json!({}))?;
            return Ok(Applied::Written);
        }
        let importing = self.importing();
        let pin_unchanged = match (pin, current.as_ref().and_then(|c| c.pin_hash.as_deref())) {
            (None, _) => true,
            // An import never replaces a PIN that is set (the till does).
            (Some(_), Some(_)) if importing => true,
            (Some(pin), Some(hash)) => verify_pin(hash, pin),
            (Some(_), None) => false,
        };
        let key = Self::card_key(
            "employee",
            &employee.id,
            self.next_card_version("employee", &employee.id)?,
            &line,
        );
        let new_hash = match pin {
            Some(pin) if !pin_unchanged => Some(hash_pin(pin)?),
            _ => None,
        };
        self.tx
            .prepare_cached(
                "INSERT INTO employees (id, name, role, commission_pct, pin_hash, version) VALUES (?1, ?2, ?3, ?4, ?5, 1)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role,
                   commission_pct = excluded.commission_pct,
                   pin_hash = COALESCE(excluded.pin_hash, employees.pin_hash),
                   failed_pins = CASE WHEN excluded.pin_hash IS NULL THEN employees.failed_pins ELSE 0 END,
                   locked_until = CASE WHEN excluded.pin_hash IS NULL THEN employees.locked_until END,
                   version = employees.version + 1",
            )?
            .execute(params![
                employee.id,
                employee.name,
                employee.role.code(),
                employee.commission_pct.to_string(),
                new_hash
            ])?;
        self.append("employee", &employee.id, None, Some(&key), &line, &self.now)?;
        Ok(Applied::Written)
    }

    fn apply_product(&mut self, product: &Product, record: &Record) -> Result<Applied> {
        let line = record.to_line();
        let columns = params![
            product.sku,
            product.name,
            fold_name(&product.name),
            product.price.kopecks(),
            product.cost.map(Money::kopecks),
            product.vat.code(),
            product.unit.code(),
            product.category,
            product.kind.code(),
            product.marked,
            serde_json::to_string(&product.barcodes).unwrap_or_else(|_| "[]".to_owned())
        ];
        // A new card (the common case of a catalogue import) costs one
        // INSERT; only a sku already there is read and compared.
        let known = self.cache.borrow().products.contains_key(&product.sku);
        let inserted = !known
            && self
                .tx
                .prepare_cached(
                    "INSERT INTO products (sku, name, name_fold, price, cost, vat, unit, category, kind, marked, barcodes, version)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1) ON CONFLICT (sku) DO NOTHING",
                )?
                .execute(columns)?
                == 1;
        let version = if inserted {
            1
        } else {
            if self.card_line_known("product", &product.sku, &digest(&line))? {
                return Ok(Applied::Unchanged);
            }
            let current = self.product(&product.sku)?;
            if current.as_deref() == Some(product) {
                return Ok(Applied::Unchanged);
            }
            let version = self.next_card_version("product", &product.sku)?;
            self.tx
                .prepare_cached(
                    "UPDATE products SET name = ?2, name_fold = ?3, price = ?4, cost = ?5, vat = ?6, unit = ?7,
                       category = ?8, kind = ?9, marked = ?10, barcodes = ?11, version = version + 1 WHERE sku = ?1",
                )?
                .execute(columns)?;
            let mut forget = self.tx.prepare_cached("DELETE FROM barcodes WHERE code = ?1")?;
            for code in current.iter().flat_map(|p| &p.barcodes) {
                forget.execute(params![code])?;
            }
            version
        };
        let key = Self::card_key("product", &product.sku, version, &line);
        let mut insert = self
            .tx
            .prepare_cached("INSERT INTO barcodes (code, sku) VALUES (?1, ?2)")?;
        for code in &product.barcodes {
            match insert.execute(params![code, product.sku]) {
                Ok(_) => {}
                Err(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                    let owner: String =
                        self.tx
                            .query_row("SELECT sku FROM barcodes WHERE code = ?1", params![code], |r| r.get(0))?;
                    return Err(Error::invalid(if owner == product.sku {
                        format!("product {}: barcode {code} is listed twice", product.sku)
                    } else {
                        format!(
                            "product {}: barcode {code} already belongs to product {owner}",
                            product.sku
                        )
                    }));
                }
                Err(other) => return Err(other.into()),
            }
        }
        self.append("product", &product.sku, None, Some(&key), &line, &self.now)?;
        // Forget rather than remember: a catalogue import would otherwise
        // hold every card in memory; the next read fetches the new card.
        self.cache.borrow_mut().products.remove(&product.sku);
        Ok(Applied::Written)
    }

    fn apply_promotion(&mut self, promotion: &Promotion, record: &Record) -> Result<Applied> {
        let ctx = |e: Error| e.in_record(format!("promotion {}", promotion.id));
        let line = record.to_line();
        let current: Option<String> = self
            .tx
            .query_row(
                "SELECT payload FROM promotions WHERE id = ?1",
                params![promotion.id],
                |r| r.get(0),
            )
            .optional()?;
        if self.card_line_known("promotion", &promotion.id, &digest(&line))?
            || current.as_deref() == Some(line.as_str())
        {
            return Ok(Applied::Unchanged);
        }
        // References are checked for news only: a journal imported again
        // must not fail on a category renamed since.
        for (field, sku) in promotion.rule.skus() {
            let product = self.require_product(sku).map_err(|e| ctx(in_field(&field, e)))?;
            let counted_in_units = matches!(
                promotion.rule,
                crate::promo::Rule::NForM { .. } | crate::promo::Rule::Bundle { .. }
            );
            if counted_in_units && product.unit != crate::catalog::Unit::Pcs {
                return Err(ctx(Error::invalid(format!(
                    "{field}: {} is sold by {}, and this rule counts whole units",
                    product.name,
                    product.unit.code()
                ))));
            }
            if matches!(promotion.rule, crate::promo::Rule::Gift { .. }) && product.marked {
                return Err(ctx(Error::invalid(format!(
                    "{field}: {} is marked; a gift cannot scan its code",
                    product.name
                ))));
            }
        }
        if let crate::promo::Rule::NForM {
            target: Target::Category(c),
            ..
        }
        | crate::promo::Rule::Percent {
            target: Target::Category(c),
            ..
        } = &promotion.rule
        {
            let known: bool = self.tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM products WHERE category = ?1)",
                params![c],
                |r| r.get(0),
            )?;
            if !known {
                return Err(ctx(Error::NotFound {
                    what: "category",
                    id: c.clone(),
                }));
            }
        }
        if let PromoStores::Only(stores) = &promotion.stores {
            for store in stores {
                self.require_store(store).map_err(|e| ctx(in_field("stores", e)))?;
            }
        }
        let key = Self::card_key(
            "promotion",
            &promotion.id,
            self.next_card_version("promotion", &promotion.id)?,
            &line,
        );
        self.tx.execute(
            "INSERT INTO promotions (id, payload, version) VALUES (?1, ?2, 1)
             ON CONFLICT (id) DO UPDATE SET payload = excluded.payload, version = promotions.version + 1",
            params![promotion.id, line],
        )?;
        self.append("promotion", &promotion.id, None, Some(&key), &line, &self.now)?;
        Ok(Applied::Written)
    }

    /// The promotions switched on, as this transaction sees them.
    pub(crate) fn enabled_promotions(&self) -> Result<Vec<Promotion>> {
        super::read::enabled_promotions(&self.tx)
    }

    /// Puts a promotion in force or takes it out (the rule is kept).
    pub(crate) fn set_promotion_enabled(&mut self, id: &str, enabled: bool) -> Result<()> {
        let changed = self.tx.execute(
            "UPDATE promotions SET enabled = ?2 WHERE id = ?1 AND enabled <> ?2",
            params![id, enabled],
        )?;
        if changed == 0 {
            let known: bool = self.tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM promotions WHERE id = ?1)",
                params![id],
                |r| r.get(0),
            )?;
            if !known {
                return Err(Error::NotFound {
                    what: "promotion",
                    id: id.to_owned(),
                });
            }
            return Ok(());
        }
        self.note(
            if enabled {
                "promotion_enabled"
            } else {
                "promotion_disabled"
            },
            id,
            &serde_json::json!({ "promotion": id }),
        )
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

    /// The shift, which must be open at `at`.
    fn open_shift_at(&self, shift: &str, at: At) -> Result<ShiftInfo> {
        let info = self.shift(shift)?.ok_or_else(|| Error::NotFound {
            what: "shift",
            id: shift.to_owned(),
        })?;
        check_open(shift, &info, at)?;
        Ok(info)
    }

    /// Moves stock of a product and keeps its moving average cost; returns
    /// the unit cost the goods moved at. `in_cost` is the cost of incoming
    /// goods (a supply's line, a buyer's return at its sale's cost).
    fn move_stock(
        &self,
        store: &str,
        product: &Product,
        delta_milli: i64,
        in_cost: Option<Decimal>,
    ) -> Result<Decimal> {
        let catalogue_cost = product.cost.map_or(Decimal::ZERO, Money::as_decimal);
        if !product.is_stocked() {
            return Ok(catalogue_cost);
        }
        let key = (store.to_owned(), product.sku.clone());
        let cached = self.cache.borrow().stock.get(&key).copied();
        let (held, average) = match cached {
            Some((qty, average, _)) => (qty, average),
            None => {
                let row: Option<(i64, String)> = self
                    .tx
                    .prepare_cached("SELECT qty, avg_cost FROM stock WHERE store = ?1 AND sku = ?2")?
                    .query_row(params![store, product.sku], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                match row {
                    Some((qty, avg)) => (
                        qty,
                        avg.parse::<Decimal>()
                            .map_err(|_| Error::invalid(format!("the database holds an invalid cost `{avg}`")))?,
                    ),
                    None => (0, catalogue_cost),
                }
            }
        };
        let (unit_cost, new_average) = match in_cost {
            Some(cost) if delta_milli > 0 => {
                let average = if held <= 0 {
                    cost
                } else {
                    let (s, q) = (Decimal::new(held, 3), Decimal::new(delta_milli, 3));
                    moving_average(s, average, q, cost).ok_or_else(|| {
                        Error::invalid(format!("stock of {} in {store} is too large to value", product.sku))
                    })?
                };
                (cost, average)
            }
            _ => (average, average),
        };
        // Written once per product at commit.
        self.cache
            .borrow_mut()
            .stock
            .insert(key, (held + delta_milli, new_average, true));
        Ok(unit_cost)
    }

    fn apply_stock_doc(&self, doc: &StockDoc, record: &Record) -> Result<Applied> {
        let key = format!("{}:{}", doc.kind.code(), doc.id);
        let line = record.to_line();
        if let Some(applied) = self.already(&key, &line, "stock document", &doc.id)? {
            return Ok(applied);
        }
        self.check_period(doc.at)?;
        let ctx = |e: Error| e.in_record(format!("{} {}", doc.kind.code(), doc.id));
        self.require_store(&doc.store).map_err(|e| ctx(in_field("store", e)))?;
        self.tx
            .prepare_cached(
                "INSERT INTO stock_docs (kind, id, store, at, at_utc, supplier, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                doc.kind.code(),
                doc.id,
                doc.store,
                doc.at.to_string(),
                doc.at.epoch_millis(),
                doc.supplier,
                doc.reason
            ])?;
        for (n, l) in doc.lines.iter().enumerate() {
            let product = self
                .require_product(&l.sku)
                .map_err(|e| ctx(in_field(&format!("lines[{n}].sku"), e)))?;
            if !product.is_stocked() {
                return Err(ctx(Error::invalid(format!(
                    "lines[{n}]: {} is a service and has no stock",
                    l.sku
                ))));
            }
            product.check_qty(l.qty).map_err(ctx)?;
            let delta = doc.kind.direction() * l.qty.milli();
            let in_cost = l.cost.filter(|_| delta > 0).map(Money::as_decimal);
            let unit_cost = self.move_stock(&doc.store, &product, delta, in_cost)?;
            self.tx
                .prepare_cached(
                    "INSERT INTO stock_doc_lines (kind, doc, line_no, sku, qty, cost, unit_cost)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    doc.kind.code(),
                    doc.id,
                    n as i64,
                    l.sku,
                    l.qty.milli(),
                    l.cost.map(Money::kopecks),
                    unit_cost.normalize().to_string()
                ])?;
        }
        let day = doc.at.local_day().to_string();
        self.append(
            doc.kind.code(),
            &doc.id,
            Some(&day),
            Some(&key),
            &line,
            &doc.at.to_string(),
        )?;
        Ok(Applied::Written)
    }

    fn apply_shift_open(&self, open: &ShiftOpen, record: &Record) -> Result<Applied> {
        let key = format!("shift_open:{}", open.id);
        let line = record.to_line();
        if let Some(applied) = self.already(&key, &line, "shift", &open.id)? {
            return Ok(applied);
        }
        self.check_period(open.at)?;
        let ctx = |e: Error| e.in_record(format!("shift_open {}", open.id));
        self.require_store(&open.store).map_err(|e| ctx(in_field("store", e)))?;
        self.require_employee(&open.cashier)
            .map_err(|e| ctx(in_field("cashier", e)))?;
        // A shift still open when this one opens overlaps it. (An import may
        // bring in an earlier day while a later shift is open: that is
        // checked when the import commits.)
        let open_before: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT id FROM shifts WHERE store = ?1 AND till = ?2 AND closed_at IS NULL
                   AND (?3 OR opened_utc <= ?4) LIMIT 1",
            )?
            .query_row(
                params![open.store, open.till, !self.importing(), open.at.epoch_millis()],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(shift) = open_before {
            return Err(ctx(Error::ShiftAlreadyOpen {
                till: open.till.clone(),
                shift,
            }));
        }
        // Shifts of a till do not overlap: none opens inside a closed one.
        // Since shifts never overlap, only the latest one opened before can
        // still have been running.
        let inside: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT id FROM (SELECT id, closed_utc FROM shifts WHERE store = ?1 AND till = ?2 AND opened_utc <= ?3
                                  ORDER BY opened_utc DESC LIMIT 1)
                  WHERE closed_utc > ?3",
            )?
            .query_row(params![open.store, open.till, open.at.epoch_millis()], |r| r.get(0))
            .optional()?;
        if let Some(other) = inside {
            return Err(ctx(Error::invalid(format!(
                "till {} was in shift {other} at {}",
                open.till, open.at
            ))));
        }
        self.tx
            .prepare_cached(
                "INSERT INTO shifts (id, store, till, cashier, opened_at, opened_utc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                open.id,
                open.store,
                open.till,
                open.cashier,
                open.at.to_string(),
                open.at.epoch_millis()
            ])?;
        // A shift sets its till up (an imported journal brings its tills).
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO tills (store, till) VALUES (?1, ?2)")?
            .execute(params![open.store, open.till])?;
        let day = open.at.local_day().to_string();
        self.append(
            "shift_open",
            &open.id,
            Some(&day),
            Some(&key),
            &line,
            &open.at.to_string(),
        )?;
        self.cache.borrow_mut().shifts.insert(
            open.id.clone(),
            ShiftInfo {
                store: open.store.clone(),
                till: open.till.clone(),
                cashier: open.cashier.clone(),
                opened_at: open.at,
                closed_at: None,
            },
        );
        Ok(Applied::Written)
    }

    fn apply_cash(&mut self, cash: &CashMove, record: &Record) -> Result<Applied> {
        let kind = record.type_name();
        let base = format!(
            "{kind}:{}:{}:{}:{}#",
            cash.shift,
            cash.at,
            cash.amount,
            cash.out_reason.map_or("", |r| r.code())
        );
        let occurrence = match self.occurrences.as_mut() {
            Some(seen) => {
                let n = seen.entry(base.clone()).or_insert(0);
                *n += 1;
                *n as i64
            }
            None => {
                let upper = format!("{base}\u{10FFFF}");
                self.tx
                    .prepare_cached("SELECT COUNT(*) FROM events WHERE key > ?1 AND key < ?2")?
                    .query_row(params![base, upper], |r| r.get::<_, i64>(0))?
                    + 1
            }
        };
        let key = format!("{base}{occurrence}");
        if self.payload_by_key(&key)?.is_some() {
            return Ok(Applied::Unchanged);
        }
        self.check_period(cash.at)?;
        let ctx = |e: Error| e.in_record(kind);
        let info = self.open_shift_at(&cash.shift, cash.at).map_err(|e| match e {
            Error::NotFound { .. } => ctx(in_field("shift", e)),
            other => ctx(other),
        })?;
        if cash.out_reason.is_some() {
            self.ensure_cash(&cash.shift, cash.at, cash.amount, crate::error::Outflow::CashOut)
                .map_err(ctx)?;
        }
        self.tx
            .prepare_cached("INSERT INTO cash_moves (shift, at, at_utc, amount, reason) VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![
                cash.shift,
                cash.at.to_string(),
                cash.at.epoch_millis(),
                cash.amount.kopecks(),
                cash.out_reason.map(|r| r.code())
            ])?;
        let day = info.opened_at.local_day().to_string();
        self.append(
            kind,
            &cash.shift,
            Some(&day),
            Some(&key),
            &record.to_line(),
            &cash.at.to_string(),
        )?;
        Ok(Applied::Written)
    }

    fn apply_receipt(&self, receipt: Receipt) -> Result<Applied> {
        let draft = receipt.draft();
        let id = draft.id.clone();
        let ctx = |e: Error| e.in_record(format!("receipt {id}"));
        let info = self.shift(&draft.shift)?.ok_or_else(|| {
            ctx(in_field(
                "shift",
                Error::NotFound {
                    what: "shift",
                    id: draft.shift.clone(),
                },
            ))
        })?;
        // The journal's `cashier?` defaults to the shift's; the books record it.
        let cashier = draft.cashier.clone().unwrap_or_else(|| info.cashier.clone());
        let record = Record::Receipt(receipt.with_cashier(cashier.clone()));
        let line = record.to_line();
        let Record::Receipt(receipt) = record else {
            return Ok(Applied::Unchanged);
        };
        let draft = receipt.draft();
        let key = format!("receipt:{id}");
        if let Some(applied) = self.already(&key, &line, "receipt", &id)? {
            return Ok(applied);
        }
        self.check_period(draft.at)?;
        check_open(&draft.shift, &info, draft.at).map_err(ctx)?;
        self.require_employee(&cashier)
            .map_err(|e| ctx(in_field("cashier", e)))?;
        let mut products = Vec::with_capacity(draft.lines.len());
        for (n, line) in draft.lines.iter().enumerate() {
            let product = self
                .require_product(&line.sku)
                .map_err(|e| ctx(in_field(&format!("lines[{n}].sku"), e)))?;
            product.check_qty(line.qty).map_err(ctx)?;
            products.push(product);
        }
        if draft.kind == ReceiptKind::Return {
            let refund = receipt.net_by(PaymentMethod::Cash);
            if refund.is_positive() {
                self.ensure_cash(&draft.shift, draft.at, refund, crate::error::Outflow::CashRefund)
                    .map_err(ctx)?;
            }
        }
        if let Some(sale) = &draft.return_of {
            self.check_return(&receipt, sale).map_err(|e| match e {
                Error::NotFound { .. } => ctx(in_field("return_of", e)),
                other => ctx(other),
            })?;
        }
        self.tx
            .prepare_cached(
                "INSERT INTO receipts (id, shift, at, at_utc, kind, cashier, return_of, total, change)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                id,
                draft.shift,
                draft.at.to_string(),
                draft.at.epoch_millis(),
                draft.kind.code(),
                cashier,
                draft.return_of,
                receipt.total().kopecks(),
                receipt.change().kopecks()
            ])?;
        for (n, (line, product)) in draft.lines.iter().zip(&products).enumerate() {
            let unit_cost = match draft.kind {
                ReceiptKind::Sale => self.move_stock(&info.store, product, -line.qty.milli(), None)?,
                ReceiptKind::Return => {
                    let sale_cost = match &draft.return_of {
                        Some(sale) => self.sale_unit_cost(sale, &line.sku)?,
                        None => None,
                    };
                    self.move_stock(&info.store, product, line.qty.milli(), sale_cost)?
                }
            };
            self.tx
                .prepare_cached(
                    "INSERT INTO receipt_lines (receipt, line_no, sku, qty, price, discount, amount, unit_cost)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    id,
                    n as i64,
                    line.sku,
                    line.qty.milli(),
                    line.price.kopecks(),
                    line.discount.kopecks(),
                    line.amount().kopecks(),
                    unit_cost.normalize().to_string()
                ])?;
            for (k, share) in line.promotions.iter().enumerate() {
                self.tx
                    .prepare_cached(
                        "INSERT INTO receipt_line_promotions (receipt, line_no, n, promotion, discount, gift)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        id,
                        n as i64,
                        k as i64,
                        &*share.promotion,
                        share.discount.kopecks(),
                        line.gift
                    ])?;
            }
        }
        let mut insert = self
            .tx
            .prepare_cached("INSERT INTO payments (receipt, n, method, amount) VALUES (?1, ?2, ?3, ?4)")?;
        for (n, payment) in draft.payments.iter().enumerate() {
            insert.execute(params![id, n as i64, payment.method.code(), payment.amount.kopecks()])?;
        }
        let day = info.opened_at.local_day().to_string();
        self.append("receipt", &id, Some(&day), Some(&key), &line, &draft.at.to_string())?;
        Ok(Applied::Written)
    }

    /// Cash may leave a drawer at `at` only if it held that much then and
    /// at every later moment of the shift.
    fn ensure_cash(&self, shift: &str, at: At, amount: Money, what: crate::error::Outflow) -> Result<()> {
        let available = read::cash_headroom(&self.tx, shift, at.epoch_millis())?;
        if amount > available {
            return Err(Error::DrawerShort {
                what,
                requested: amount,
                available,
            });
        }
        Ok(())
    }

    fn sale_unit_cost(&self, sale: &str, sku: &str) -> Result<Option<Decimal>> {
        let cost: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT unit_cost FROM receipt_lines WHERE receipt = ?1 AND sku = ?2 ORDER BY line_no LIMIT 1",
            )?
            .query_row(params![sale, sku], |r| r.get(0))
            .optional()?;
        Ok(cost.and_then(|c| c.parse().ok()))
    }

    /// A return may take back no more than the sale sold less earlier
    /// returns, and refund each method no more than it brought in.
    fn check_return(&self, receipt: &Receipt, sale: &str) -> Result<()> {
        let found: Option<(String, String, i64)> = self
            .tx
            .prepare_cached("SELECT kind, at, at_utc FROM receipts WHERE id = ?1")?
            .query_row(params![sale], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        match found {
            None => {
                return Err(Error::NotFound {
                    what: "sale receipt",
                    id: sale.to_owned(),
                })
            }
            Some((kind, _, _)) if kind != "sale" => {
                return Err(Error::invalid(format!("return_of: {sale} is not a sale receipt")))
            }
            Some((_, sold_at, sold_utc)) if receipt.draft().at.epoch_millis() < sold_utc => {
                return Err(Error::invalid(format!(
                    "at: the return comes before its sale {sale} at {sold_at}"
                )))
            }
            Some(_) => {}
        }
        let mut asked: Vec<(&str, i64)> = Vec::new();
        for line in &receipt.draft().lines {
            match asked.iter_mut().find(|(sku, _)| *sku == line.sku) {
                Some(entry) => entry.1 += line.qty.milli(),
                None => asked.push((&line.sku, line.qty.milli())),
            }
        }
        for (sku, milli) in asked {
            let (sold, returned) = read::returnable(&self.tx, sale, sku)?;
            if milli > sold - returned {
                return Err(Error::ReturnExceedsSale {
                    sku: sku.to_owned(),
                    requested: Qty::from_milli(milli).unwrap_or(Qty::ONE),
                    available: Qty::from_milli(sold - returned).map_or_else(|| "0".to_owned(), |q| q.to_string()),
                    sale: sale.to_owned(),
                });
            }
        }
        for method in PaymentMethod::ALL {
            let refund = Money::sum(
                receipt
                    .draft()
                    .payments
                    .iter()
                    .filter(|p| p.method == *method)
                    .map(|p| p.amount),
            );
            if refund.is_zero() {
                continue;
            }
            let (paid, refunded) = read::refundable(&self.tx, sale, *method)?;
            if refund > paid - refunded {
                return Err(Error::invalid(format!(
                    "refund of {refund} by {method} exceeds the {} paid by {method} on sale {sale} and not yet refunded",
                    paid - refunded
                )));
            }
        }
        Ok(())
    }

    fn apply_shift_close(&self, shift: &str, at: At, record: &Record) -> Result<Applied> {
        let key = format!("shift_close:{shift}");
        let line = record.to_line();
        if let Some(applied) = self.already(&key, &line, "shift close", shift)? {
            return Ok(applied);
        }
        self.check_period(at)?;
        let ctx = |e: Error| e.in_record(format!("shift_close {shift}"));
        let info = self.open_shift_at(shift, at).map_err(ctx)?;
        let last: Option<i64> = self
            .tx
            .prepare_cached(
                "SELECT MAX(t) FROM (SELECT MAX(at_utc) AS t FROM receipts WHERE shift = ?1
                                     UNION ALL SELECT MAX(at_utc) FROM cash_moves WHERE shift = ?1)",
            )?
            .query_row(params![shift], |r| r.get(0))?;
        if last.is_some_and(|t| t > at.epoch_millis()) {
            return Err(ctx(Error::invalid("the shift has records after this closing time")));
        }
        let later: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT id FROM shifts WHERE store = ?1 AND till = ?2 AND id != ?3
                   AND opened_utc >= ?4 AND opened_utc < ?5 LIMIT 1",
            )?
            .query_row(
                params![
                    info.store,
                    info.till,
                    shift,
                    info.opened_at.epoch_millis(),
                    at.epoch_millis()
                ],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = later {
            return Err(ctx(Error::invalid(format!(
                "shift {other} of till {} opened before this closing time",
                info.till
            ))));
        }
        self.tx
            .prepare_cached("UPDATE shifts SET closed_at = ?2, closed_utc = ?3 WHERE id = ?1")?
            .execute(params![shift, at.to_string(), at.epoch_millis()])?;
        let day = info.opened_at.local_day().to_string();
        self.append("shift_close", shift, Some(&day), Some(&key), &line, &at.to_string())?;
        if let Some(cached) = self.cache.borrow_mut().shifts.get_mut(shift) {
            cached.closed_at = Some(at);
        }
        Ok(Applied::Written)
    }

    /// Replaces a role's rights (the owner role always keeps the right to
    /// manage staff).
    pub(crate) fn set_rights(&self, role: Role, rights: &Rights) -> Result<()> {
        let mut rights = rights.clone();
        if role == Role::Owner {
            rights.permissions.insert(crate::staff::Permission::ManageStaff);
        }
        super::write_rights(&self.tx, role, &rights)?;
        let payload = serde_json::json!({
            "role": role.code(),
            "permissions": rights.permissions.iter().map(|p| p.code()).collect::<Vec<_>>(),
            "max_discount_pct": rights.max_discount.to_string(),
        });
        self.note("rights", role.code(), &payload)
    }

    /// Records a wrong PIN. With `lock_until` the employee is locked until
    /// then and the count starts again; without, the count goes up.
    pub(crate) fn record_wrong_pin(&self, employee: &str, lock_until: Option<i64>) -> Result<()> {
        self.tx.execute(
            "UPDATE employees SET failed_pins = CASE WHEN ?2 IS NULL THEN failed_pins + 1 ELSE 0 END,
                                  locked_until = ?2
              WHERE id = ?1",
            params![employee, lock_until],
        )?;
        self.note(
            "login_failed",
            employee,
            &serde_json::json!({ "locked_until": lock_until }),
        )
    }

    /// Records a successful login.
    pub(crate) fn record_login(&self, employee: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE employees SET failed_pins = 0, locked_until = NULL WHERE id = ?1",
            params![employee],
        )?;
        self.note("login", employee, &serde_json::json!({}))
    }

    /// Locks every day up to and including `through` against edits.
    pub(crate) fn lock_period(&mut self, through: NaiveDate) -> Result<()> {
        let day = through.format("%Y-%m-%d").to_string();
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES ('locked_through', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![day],
        )?;
        self.locked_through = Some(through);
        self.note("period_locked", &day, &serde_json::json!({ "through": day }))
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

/// A record dated `at` belongs to the shift only while it is open.
fn check_open(shift: &str, info: &ShiftInfo, at: At) -> Result<()> {
    if let Some(closed) = info.closed_at {
        return Err(Error::invalid(format!("shift {shift} was closed at {closed}")));
    }
    if at < info.opened_at {
        return Err(Error::ShiftNotOpen {
            shift: shift.to_owned(),
            at: at.to_string(),
        });
    }
    Ok(())
}

/// (s·a + q·c) ÷ (s + q), or `None` if it does not fit a decimal.
fn moving_average(held: Decimal, average: Decimal, added: Decimal, cost: Decimal) -> Option<Decimal> {
    let value = held.checked_mul(average)?.checked_add(added.checked_mul(cost)?)?;
    value.checked_div(held.checked_add(added)?)
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
