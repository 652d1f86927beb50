//! The till: the application service the GUI and the CLI call. One method
//! per user action; each checks the actor's rights here, in the core, runs
//! as one transaction, appends its events, and is idempotent by the
//! [`ActionId`] made when the action started (a double click or a retry
//! never books twice).

use crate::catalog::barcode::WeightLayout;
use crate::catalog::Store;
use crate::clock::{At, Clock};
use crate::db::{Db, Ledger};
use crate::error::{Error, Result};
use crate::fiscal::FiscalLink;
use crate::money::Qty;
use crate::promo::Promotion;
use crate::sale::Receipt;
use crate::staff::{pin_lockout, verify_pin, Employee, Permission, Rights, MAX_PIN_ATTEMPTS};

mod cart;
mod desk;
mod office;
mod receipts;
mod register;
mod shift;

use cart::check_cashier_discounts;
pub use desk::{KeptCart, ReturnableLine};
use register::register_kopecks;

/// The id of one user action, made when it starts (a click, a scan, a CLI
/// call). Committing the same id twice is a no-op.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActionId(String);

impl ActionId {
    /// A fresh, unique id.
    pub fn new() -> ActionId {
        ActionId(uuid::Uuid::new_v4().to_string())
    }

    /// An id chosen by the caller (e.g. carried over a retry).
    pub fn from_string(id: impl Into<String>) -> ActionId {
        ActionId(id.into())
    }

    /// The id text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for ActionId {
    fn default() -> Self {
        ActionId::new()
    }
}

/// A logged-in employee. Only [`Till::login`] makes one; every action
/// re-reads the employee's role and rights, so a change by the owner
/// applies at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    employee: String,
    name: String,
}

impl Session {
    /// Employee id.
    pub fn employee(&self) -> &str {
        &self.employee
    }

    /// Employee name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// One line to return: which product, how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnLine {
    /// Product.
    pub sku: String,
    /// Quantity to take back.
    pub qty: Qty,
}

/// A till of a store, on its own database, with its fiscal register.
pub struct Till {
    db: Db,
    store: String,
    till: String,
    clock: Box<dyn Clock>,
    /// The fiscal worker, when the till has a register: receipts booked
    /// meanwhile are queued for it, reachable or not.
    fiscal: Option<FiscalLink>,
    /// Layout of weighed-goods labels.
    weight_layout: WeightLayout,
    /// The latest moment this till booked an action at (UTC ms).
    last_booked: Option<i64>,
    /// Promotions and rights as last read (see [`ReadCache`]).
    cache: ReadCache,
}

/// Reads a scan needs that stay good while the database holds still: the
/// enabled promotions and the last actor's rights. Dropped when another
/// connection commits (SQLite's `data_version` moves) or this till does,
/// so an owner's change applies at the next scan.
#[derive(Default)]
struct ReadCache {
    version: Option<i64>,
    promotions: Option<Vec<Promotion>>,
    rights: Option<(Employee, Rights)>,
}

impl std::fmt::Debug for Till {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Till")
            .field("store", &self.store)
            .field("till", &self.till)
            .finish_non_exhaustive()
    }
}

impl Till {
    /// A till `till` of store `store`, which must exist.
    pub fn new(db: Db, store: &str, till: &str, clock: Box<dyn Clock>) -> Result<Till> {
        if db.store(store)?.is_none() {
            return Err(Error::NotFound {
                what: "store",
                id: store.to_owned(),
            });
        }
        if !db.till_exists(store, till)? {
            return Err(Error::UnknownTill {
                store: store.to_owned(),
                till: till.to_owned(),
            });
        }
        Ok(Till {
            db,
            store: store.to_owned(),
            till: till.to_owned(),
            clock,
            fiscal: None,
            weight_layout: WeightLayout::default(),
            last_booked: None,
            cache: ReadCache::default(),
        })
    }

    /// Sets the layout of weighed-goods labels (prefixes, code and weight lengths).
    pub fn set_weight_layout(&mut self, layout: WeightLayout) {
        self.weight_layout = layout;
    }

    /// The database, for tests and benches to read back (not for screens:
    /// they ask the till).
    #[doc(hidden)]
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The store card.
    pub fn store(&self) -> Result<Store> {
        self.db.store(&self.store)?.ok_or_else(|| Error::NotFound {
            what: "store",
            id: self.store.clone(),
        })
    }

    /// This till's id.
    pub fn till_id(&self) -> &str {
        &self.till
    }

    /// Runs one user action: a transaction in the actor's name, skipped
    /// with the earlier result when this action id already committed.
    fn act(
        &mut self,
        session: &Session,
        action: &ActionId,
        permission: Permission,
        body: impl FnOnce(&mut Ledger<'_>, &Employee, &Rights, At, &str, &str) -> Result<String>,
    ) -> Result<String> {
        let now = self.moment()?;
        let mut ledger = self.db.ledger(Some(&session.employee))?;
        ledger.set_now(now);
        if let Some(result) = ledger.action_result(action.as_str())? {
            return Ok(result);
        }
        let (employee, rights) = authorize(&ledger, session, permission)?;
        ledger.allow_closed_period(rights.allows(Permission::EditClosedPeriod));
        let result = body(&mut ledger, &employee, &rights, now, &self.store, &self.till)?;
        ledger.remember_action(action.as_str(), &result)?;
        ledger.commit()?;
        self.last_booked = self.last_booked.max(Some(now.epoch_millis()));
        // Another connection's commit shows in `data_version`; our own
        // does not, so any action may have changed what is cached.
        self.cache = ReadCache::default();
        Ok(result)
    }

    /// The moment an action is booked at: the clock's, unless the clock has
    /// gone back (an NTP step, a wrong BIOS clock after a power cut) behind
    /// what the open shift already booked; then that last moment, so the
    /// till still sells and closes, and its records stay in order.
    fn moment(&self) -> Result<At> {
        let now = self.clock.now();
        // Not behind what this till booked last: the clock is trusted
        // without asking the books (a sale's hot path). Other programs on
        // this till read the same clock.
        if self.last_booked.is_some_and(|last| now.epoch_millis() >= last) {
            return Ok(now);
        }
        match self.db.last_moment(&self.store, &self.till)? {
            Some(last) if last > now.epoch_millis() => {
                let utc = chrono::DateTime::from_timestamp_millis(last).unwrap_or_else(|| now.time().to_utc());
                Ok(At::new(utc.with_timezone(now.time().offset())))
            }
            _ => Ok(now),
        }
    }

    /// Checks a right with plain reads: no transaction, no write lock, so
    /// scanning goes on while another process writes. (Actions that write
    /// check again inside their own transaction.)
    /// (It also makes sure the cache is fresh for what the action reads next.)
    fn check(&mut self, session: &Session, permission: Permission) -> Result<()> {
        self.fresh_cache()?;
        let cached = matches!(&self.cache.rights, Some((employee, _)) if employee.id == session.employee);
        if !cached {
            self.cache.rights = Some(self.db.employee_rights(&session.employee)?);
        }
        match &self.cache.rights {
            Some((_, rights)) if rights.allows(permission) => Ok(()),
            _ => Err(Error::Forbidden {
                actor: session.employee.clone(),
                permission,
            }),
        }
    }

    /// [`Till::check`], returning the employee and their rights.
    fn check_rights(&mut self, session: &Session, permission: Permission) -> Result<(Employee, Rights)> {
        self.check(session, permission)?;
        self.cache.rights.clone().ok_or_else(|| Error::Forbidden {
            actor: session.employee.clone(),
            permission,
        })
    }

    /// The cache, emptied first if the database changed since it was filled.
    fn fresh_cache(&mut self) -> Result<&mut ReadCache> {
        let version = self.db.data_version()?;
        if self.cache.version != Some(version) {
            self.cache = ReadCache {
                version: Some(version),
                ..ReadCache::default()
            };
        }
        Ok(&mut self.cache)
    }

    /// Logs in with a PIN. Five wrong PINs in a row lock the employee for
    /// a while. Nothing talks to the fiscal register before a login.
    pub fn login(&mut self, employee: &str, pin: &str) -> Result<Session> {
        // Logging in writes (attempts, history): what is cached may go stale.
        self.cache = ReadCache::default();
        login(&mut self.db, self.clock.now(), employee, pin)
    }

    /// A receipt this till has just booked.
    fn booked_receipt(&self, id: String) -> Result<Receipt> {
        self.db.receipt(&id)?.ok_or(Error::NotFound { what: "receipt", id })
    }

    /// The open shift of this till.
    pub fn current_shift(&self) -> Result<Option<String>> {
        self.db.open_shift(&self.store, &self.till)
    }

    fn require_shift(&self) -> Result<String> {
        self.current_shift()?
            .ok_or_else(|| Error::NoOpenShift(self.till.clone()))
    }
}

/// Checks a PIN and records the attempt. The hash is checked with plain
/// reads, outside any transaction (argon2 takes tens of milliseconds: the
/// books are not held meanwhile); the attempt is then recorded in a short
/// transaction that counts from what it reads itself.
pub(crate) fn login(db: &mut Db, now: At, employee: &str, pin: &str) -> Result<Session> {
    let unknown = || Error::NotFound {
        what: "employee",
        id: employee.to_owned(),
    };
    let auth = db.employee_auth(employee)?.ok_or_else(unknown)?;
    if !auth.employee.active {
        return Err(Error::Dismissed(employee.to_owned()));
    }
    let locked = |until: i64| Error::Locked {
        employee: employee.to_owned(),
        minutes: (until - now.epoch_millis() + 59_999) / 60_000,
    };
    if let Some(until) = auth.locked_until.filter(|until| *until > now.epoch_millis()) {
        return Err(locked(until));
    }
    let hash = auth
        .pin_hash
        .as_deref()
        .ok_or_else(|| Error::NoPin(employee.to_owned()))?;
    let right = verify_pin(hash, pin);
    let mut ledger = db.ledger(Some(employee))?;
    ledger.set_now(now);
    // Another process may have locked the employee meanwhile.
    let fresh = ledger.employee_auth(employee)?.ok_or_else(unknown)?;
    if let Some(until) = fresh.locked_until.filter(|until| *until > now.epoch_millis()) {
        return Err(locked(until));
    }
    if right {
        ledger.record_login(employee)?;
        ledger.commit()?;
        return Ok(Session {
            employee: auth.employee.id,
            name: auth.employee.name,
        });
    }
    let failed = fresh.failed_pins + 1;
    let error = if failed >= MAX_PIN_ATTEMPTS {
        let until = now.epoch_millis() + pin_lockout().num_milliseconds();
        ledger.record_wrong_pin(employee, Some(until))?;
        Error::Locked {
            employee: employee.to_owned(),
            minutes: pin_lockout().num_minutes(),
        }
    } else {
        ledger.record_wrong_pin(employee, None)?;
        Error::WrongPin {
            attempts_left: MAX_PIN_ATTEMPTS - failed,
        }
    };
    ledger.commit()?;
    Err(error)
}

fn authorize(ledger: &Ledger<'_>, session: &Session, permission: Permission) -> Result<(Employee, Rights)> {
    let (employee, rights) = ledger.employee_rights(&session.employee)?;
    allow(employee, rights, permission)
}

fn allow(employee: Employee, rights: Rights, permission: Permission) -> Result<(Employee, Rights)> {
    if !rights.allows(permission) {
        return Err(Error::Forbidden {
            actor: employee.id,
            permission,
        });
    }
    Ok((employee, rights))
}

#[cfg(test)]
mod tests {
    /// The GUI runs till actions off its own thread (`Task::perform`): a
    /// till must be able to move there.
    #[test]
    fn a_till_can_move_to_another_thread() {
        fn movable<T: Send + 'static>() {}
        movable::<super::Till>();
        movable::<super::Session>();
        movable::<crate::error::Error>();
    }
}
