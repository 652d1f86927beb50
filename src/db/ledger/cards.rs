//! Card records: stores, employees, products, promotions, each a new
//! version keyed by its content, so an import matches a card's history.

use std::hash::BuildHasher;

use rusqlite::{params, OptionalExtension};

use crate::catalog::{fold_name, Product};
use crate::db::read::{self};
use crate::error::{Error, Result};
use crate::journal::Record;
use crate::money::Money;
use crate::promo::{PromoStores, Promotion, Target};
use crate::staff::{hash_pin, validate_pin, verify_pin};

use super::*;

impl Ledger<'_> {
    /// The version number a card's next change will have.
    pub(super) fn next_card_version(&self, kind: &str, id: &str) -> Result<i64> {
        let (table, id_column) = match kind {
            "store" => ("stores", "id"),
            "employee" => ("employees", "id"),
            "product" => ("products", "sku"),
            "counterparty" => ("counterparties", "id"),
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
    pub(super) fn card_line_known(&mut self, kind: &str, id: &str, digest: &str) -> Result<bool> {
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
    pub(super) fn card_key(kind: &str, id: &str, version: i64, line: &str) -> String {
        format!("{kind}:{id}#{version}:{}", digest(line))
    }

    pub(super) fn apply_store(&mut self, record: &Record) -> Result<Applied> {
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
                "INSERT INTO stores (id, name, address, inn, tax_system, legal_name, kpp, ogrn, director, accountant, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address,
                   inn = excluded.inn, tax_system = excluded.tax_system, legal_name = excluded.legal_name,
                   kpp = excluded.kpp, ogrn = excluded.ogrn, director = excluded.director,
                   accountant = excluded.accountant, version = stores.version + 1",
            )?
            .execute(params![
                store.id,
                store.name,
                store.address,
                store.inn,
                store.tax_system.map(|t| t.code()),
                store.requisites.legal_name,
                store.requisites.kpp,
                store.requisites.ogrn,
                store.requisites.director,
                store.requisites.accountant
            ])?;
        self.append("store", &store.id, None, Some(&key), &line, &self.now)?;
        Ok(Applied::Written)
    }

    /// A counterparty card: a new version whenever it changes.
    pub(super) fn apply_counterparty(&mut self, record: &Record) -> Result<Applied> {
        let Record::Counterparty(party) = record else {
            return Ok(Applied::Unchanged);
        };
        let line = record.to_line();
        if self.card_line_known("counterparty", &party.id, &digest(&line))?
            || read::counterparty(&self.tx, &party.id)?.as_ref() == Some(party)
        {
            return Ok(Applied::Unchanged);
        }
        let key = Self::card_key(
            "counterparty",
            &party.id,
            self.next_card_version("counterparty", &party.id)?,
            &line,
        );
        self.tx
            .prepare_cached(
                "INSERT INTO counterparties (id, name, inn, kpp, address, version) VALUES (?1, ?2, ?3, ?4, ?5, 1)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, inn = excluded.inn, kpp = excluded.kpp,
                   address = excluded.address, version = counterparties.version + 1",
            )?
            .execute(params![party.id, party.name, party.inn, party.kpp, party.address])?;
        self.append("counterparty", &party.id, None, Some(&key), &line, &self.now)?;
        Ok(Applied::Written)
    }

    /// An employee card with its PIN's hash: a new version whenever the
    /// card or the hash changes (a till's new PIN is a new version, its
    /// hash in the history, so an export carries it). A journal's plain
    /// `pin` sets the PIN of staff who have none; an import never puts back
    /// an old PIN over a set one (the till changes PINs); a `pin_hash` line
    /// the card's history does not hold is news like any card line.
    pub(super) fn apply_employee(&mut self, record: &Record) -> Result<Applied> {
        let Record::Employee {
            employee,
            pin,
            pin_hash,
        } = record
        else {
            return Ok(Applied::Unchanged);
        };
        let current = read::employee_auth(&self.tx, &employee.id)?;
        let current_hash = current.as_ref().and_then(|c| c.pin_hash.clone());
        // The history holds a plain PIN's line with the hash it was given:
        // a PIN the card already has is matched as that line.
        let as_held = match (pin, &current_hash) {
            (Some(_), Some(hash)) => Record::Employee {
                employee: employee.clone(),
                pin: None,
                pin_hash: Some(hash.clone()),
            }
            .to_line(),
            _ => record.to_line(),
        };
        if self.card_line_known("employee", &employee.id, &digest(&as_held))? {
            return Ok(Applied::Unchanged);
        }
        let importing = self.importing();
        let hash = match (pin, pin_hash) {
            (None, None) => current_hash.clone(),
            (None, Some(hash)) => Some(hash.clone()),
            (Some(pin), _) => match &current_hash {
                Some(hash) if importing || verify_pin(hash, pin) => Some(hash.clone()),
                _ if importing => {
                    validate_pin(pin)?;
                    Some(self.pins.submit(&employee.id, pin))
                }
                _ => Some(hash_pin(pin)?),
            },
        };
        if current.as_ref().is_some_and(|c| &c.employee == employee) && hash == current_hash {
            return Ok(Applied::Unchanged);
        }
        let line = Record::Employee {
            employee: employee.clone(),
            pin: None,
            pin_hash: hash.clone(),
        }
        .to_line();
        let key = Self::card_key(
            "employee",
            &employee.id,
            self.next_card_version("employee", &employee.id)?,
            &line,
        );
        let new_pin = hash != current_hash;
        self.tx
            .prepare_cached(
                "INSERT INTO employees (id, name, role, commission_pct, pin_hash, active, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role,
                   commission_pct = excluded.commission_pct, pin_hash = excluded.pin_hash,
                   active = excluded.active,
                   failed_pins = CASE WHEN ?7 THEN 0 ELSE employees.failed_pins END,
                   locked_until = CASE WHEN ?7 THEN NULL ELSE employees.locked_until END,
                   version = employees.version + 1",
            )?
            .execute(params![
                employee.id,
                employee.name,
                employee.role.code(),
                employee.commission_pct.to_string(),
                hash,
                employee.active,
                new_pin
            ])?;
        if self.pins.is_placeholder(hash.as_deref()) {
            let seq = self.reserve_seq()?;
            let version_key = key.rsplit_once(':').map_or(key.as_str(), |(v, _)| v).to_owned();
            self.pins.wait_for(pins::WaitingLine {
                seq,
                entity: employee.id.clone(),
                version_key,
                payload: line,
                at: self.now.clone(),
            });
        } else {
            self.append("employee", &employee.id, None, Some(&key), &line, &self.now)?;
        }
        Ok(Applied::Written)
    }

    pub(super) fn apply_product(&mut self, product: &Product, record: &Record) -> Result<Applied> {
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

    pub(super) fn apply_promotion(&mut self, promotion: &Promotion, enabled: bool, record: &Record) -> Result<Applied> {
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
            "INSERT INTO promotions (id, payload, enabled, version) VALUES (?1, ?2, ?3, 1)
             ON CONFLICT (id) DO UPDATE SET payload = excluded.payload, enabled = excluded.enabled,
               version = promotions.version + 1",
            params![promotion.id, line, enabled],
        )?;
        self.append("promotion", &promotion.id, None, Some(&key), &line, &self.now)?;
        Ok(Applied::Written)
    }

    /// The promotions switched on, as this transaction sees them.
    pub(crate) fn enabled_promotions(&self) -> Result<Vec<Promotion>> {
        read::enabled_promotions(&self.tx)
    }

    /// Puts a promotion in force or takes it out (the rule is kept): a new
    /// version of its card, `enabled` in its journal line.
    pub(crate) fn set_promotion_enabled(&mut self, id: &str, enabled: bool) -> Result<()> {
        let payload: Option<String> = self
            .tx
            .query_row("SELECT payload FROM promotions WHERE id = ?1", params![id], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(payload) = payload else {
            return Err(Error::NotFound {
                what: "promotion",
                id: id.to_owned(),
            });
        };
        let Record::Promotion { promotion, .. } = crate::journal::parse_line(&payload)? else {
            return Err(Error::invalid(format!("promotion {id}: its card is not a promotion")));
        };
        let record = Record::Promotion { promotion, enabled };
        let Record::Promotion { promotion, .. } = &record else {
            return Ok(());
        };
        let promotion = promotion.clone();
        self.apply_promotion(&promotion, enabled, &record)?;
        Ok(())
    }
}
