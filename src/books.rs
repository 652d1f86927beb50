//! The books of a shop as its doors see them (the command line, the
//! desktop till's screens): opening them, the journal in and out, reports,
//! pricing a basket, setting a till up with its fiscal register, and a
//! [`Till`] to sell on. Each change checks, in the core, the rights of the
//! employee who acts; books where no employee has a PIN yet are open to
//! whoever sets them up. Nothing outside the core touches storage.

use std::io::{BufRead, Write};
use std::path::Path;

use chrono::NaiveDate;

use crate::catalog::Store;
use crate::clock::{At, Clock};
use crate::db::report::Period;
use crate::db::{Db, DeviceSettings};
use crate::error::{Error, Result};
use crate::journal::io::Importer;
use crate::journal::{ImportSummary, JournalError};
use crate::quote::Quote;
use crate::report::Table;
use crate::shift::ShiftTotals;
use crate::staff::{Permission, Rights};
use crate::till::{Session, Till};

/// Who acts: an employee id and PIN (as the command line takes them).
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    /// Employee id.
    pub employee: &'a str,
    /// PIN.
    pub pin: &'a str,
}

/// Who acts on the books.
enum Actor {
    /// No employee has a PIN yet: whoever sets the books up.
    Setup,
    /// Nobody said who: nothing may change.
    Nobody,
    /// An employee, logged in, with their rights.
    Employee(Session, Rights),
}

/// A shop's books, open.
#[derive(Debug)]
pub struct Books {
    db: Db,
}

impl Books {
    /// Opens the books at `path`, creating and migrating them as needed.
    pub fn open(path: &Path) -> Result<Books> {
        Ok(Books { db: Db::open(path)? })
    }

    /// Opens books that exist: reading never creates a database as a side
    /// effect.
    pub fn open_existing(path: &Path) -> Result<Books> {
        if !path.exists() {
            return Err(Error::NoBooks(path.to_path_buf()));
        }
        Books::open(path)
    }

    /// Where the books are.
    pub fn path(&self) -> Option<&Path> {
        self.db.path()
    }

    /// Loads the demo store (idempotent); its till T1 gets the built-in
    /// register emulator the first time. Into books with staff, like any
    /// import: in an employee's name, unless it changes nothing.
    pub fn load_demo(
        &mut self,
        clock: &dyn Clock,
        who: Option<Credentials<'_>>,
    ) -> Result<ImportSummary, JournalError> {
        let actor = self
            .actor(clock, who)
            .map_err(|error| JournalError::Io(error.to_string()))?;
        crate::demo::load(&mut self.db, Self::importer(&actor))
    }

    /// Imports a journal in an employee's name: every record needs its
    /// right ([`crate::journal::Record::permission`]) and a locked period
    /// the right to edit it. All or nothing.
    pub fn import(
        &mut self,
        clock: &dyn Clock,
        who: Option<Credentials<'_>>,
        input: impl BufRead + Send,
        progress: impl FnMut(u64),
    ) -> Result<ImportSummary, JournalError> {
        let actor = self
            .actor(clock, who)
            .map_err(|error| JournalError::Io(error.to_string()))?;
        crate::journal::io::import_as(&mut self.db, input, Self::importer(&actor), progress)
    }

    fn importer(actor: &Actor) -> Importer<'_> {
        match actor {
            Actor::Setup => Importer::Holder,
            Actor::Nobody => Importer::Nobody,
            Actor::Employee(session, rights) => Importer::Employee(session.employee(), rights),
        }
    }

    /// Writes the journal (optionally one period of it) into `out`.
    pub fn export(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        out: &mut dyn Write,
    ) -> Result<u64, JournalError> {
        crate::journal::export(&self.db, from, to, out)
    }

    /// Runs a report of the catalogue (reading is open to whoever can read
    /// the file).
    pub fn report(&self, name: &str, params: &crate::report::Params) -> Result<Table> {
        crate::report::find(name)?.run(&self.db, params)
    }

    /// A printable document (shared/spec/documents.md) as PDF bytes: reading
    /// is open to whoever can read the books, like a report.
    pub fn document(&self, kind: crate::document::Kind, key: &str, store: Option<&str>) -> Result<Vec<u8>> {
        crate::document::render(&self.db, kind, key, store)
    }

    /// Prices a basket (`{"lines": [{"sku", "qty"}]}`) with the promotions
    /// in force at `at`; nothing is sold.
    pub fn quote(&self, basket_json: &str, store: &str, at: At) -> Result<Quote> {
        crate::quote::quote(&self.db, basket_json, store, at)
    }

    /// Every store, by id.
    pub fn stores(&self) -> Result<Vec<Store>> {
        self.db.stores()
    }

    /// Every shift of a store with its X/Z figures, by opening time (the
    /// till's status screen).
    pub fn shifts(&self, store: &str) -> Result<Vec<ShiftTotals>> {
        self.db.shifts_in(&Period::all_time(Some(store.to_owned())))
    }

    /// The fiscal register set for a till that was set up (`None`: a till
    /// without one).
    pub fn till_device(&self, store: &str, till: &str) -> Result<Option<DeviceSettings>> {
        self.require_till(store, till)?;
        self.db.fiscal_device(store, till)
    }

    /// Sets a till of a store up and gives it its fiscal register (`None`:
    /// a till without one). A till's settings are the staff manager's
    /// (`manage_staff`: the owner by default); the history records who.
    pub fn set_up_till(
        &mut self,
        clock: &dyn Clock,
        who: Option<Credentials<'_>>,
        store: &str,
        till: &str,
        device: Option<&DeviceSettings>,
    ) -> Result<()> {
        crate::catalog::require_text("till", till)?;
        if self.db.store(store)?.is_none() {
            return Err(Error::NotFound {
                what: "store",
                id: store.to_owned(),
            });
        }
        let employee = self.tills_manager(clock, who)?;
        let mut ledger = self.db.ledger(employee.as_deref())?;
        ledger.set_now(clock.now());
        ledger.set_fiscal_device(store, till, device)?;
        ledger.commit()
    }

    /// Gives a till that was set up its serial barcode scanner's port
    /// (`None`: none, a keyboard wedge only); the staff manager's, as the
    /// register.
    pub fn set_till_scanner(
        &mut self,
        clock: &dyn Clock,
        who: Option<Credentials<'_>>,
        store: &str,
        till: &str,
        port: Option<&str>,
    ) -> Result<()> {
        self.require_till(store, till)?;
        let employee = self.tills_manager(clock, who)?;
        let mut ledger = self.db.ledger(employee.as_deref())?;
        ledger.set_now(clock.now());
        ledger.set_till_device_setting(store, till, "scanner", port)?;
        ledger.commit()
    }

    /// The serial scanner's port of a till, if it has one.
    pub fn till_scanner(&self, store: &str, till: &str) -> Result<Option<String>> {
        self.require_till(store, till)?;
        self.db.till_setting(store, till, "scanner")
    }

    /// Who may set tills up: the staff manager (`None`: books being set up).
    fn tills_manager(&mut self, clock: &dyn Clock, who: Option<Credentials<'_>>) -> Result<Option<String>> {
        match self.actor(clock, who)? {
            Actor::Setup => Ok(None),
            Actor::Nobody => Err(Error::NeedsEmployee),
            Actor::Employee(session, rights) if !rights.allows(Permission::ManageStaff) => Err(Error::Forbidden {
                actor: session.employee().to_owned(),
                permission: Permission::ManageStaff,
            }),
            Actor::Employee(session, _) => Ok(Some(session.employee().to_owned())),
        }
    }

    /// A till of a store that was set up, to sell on.
    pub fn till(self, store: &str, till: &str, clock: Box<dyn Clock>) -> Result<Till> {
        Till::new(self.db, store, till, clock)
    }

    fn require_till(&self, store: &str, till: &str) -> Result<()> {
        if self.db.till_exists(store, till)? {
            return Ok(());
        }
        Err(Error::UnknownTill {
            store: store.to_owned(),
            till: till.to_owned(),
        })
    }

    /// Who acts: while no employee has a PIN, whoever sets the books up;
    /// else the employee named, logged in, with their rights, or nobody.
    /// A consistent, checked copy of the books in `to` (open to whoever can
    /// read them, like a report), readable by its owner only.
    pub fn backup(&self, to: &Path) -> Result<crate::db::BackupInfo> {
        if self.path().is_some_and(|live| same_file(live, to)) {
            return Err(Error::invalid("the backup would overwrite the books themselves"));
        }
        self.db.backup_to(to)
    }

    /// Puts the checked backup at `from` in place of the books: in books
    /// with staff, only an owner (the right to manage staff) may.
    pub fn restore(
        &mut self,
        clock: &dyn Clock,
        who: Option<Credentials<'_>>,
        from: &Path,
    ) -> Result<crate::db::BackupInfo> {
        match self.actor(clock, who)? {
            Actor::Setup => {}
            Actor::Nobody => return Err(Error::NeedsEmployee),
            Actor::Employee(session, rights) => {
                if !rights.allows(Permission::ManageStaff) {
                    return Err(Error::Forbidden {
                        actor: session.employee().to_owned(),
                        permission: Permission::ManageStaff,
                    });
                }
            }
        }
        if self.path().is_some_and(|live| same_file(live, from)) {
            return Err(Error::invalid("a database cannot be restored from itself"));
        }
        self.db.restore_from(from)
    }

    /// Rebuilds the reports' rollups from the books (they are kept with
    /// every booking; this is for books a bug or a hand edit has touched).
    /// Needs the right to view reports where the books have staff.
    pub fn rebuild_rollups(&mut self, clock: &dyn Clock, who: Option<Credentials<'_>>) -> Result<()> {
        match self.actor(clock, who)? {
            Actor::Setup => {}
            Actor::Nobody => return Err(Error::NeedsEmployee),
            Actor::Employee(session, rights) if !rights.allows(Permission::ViewReports) => {
                return Err(Error::Forbidden {
                    actor: session.employee().to_owned(),
                    permission: Permission::ViewReports,
                })
            }
            Actor::Employee(..) => {}
        }
        self.db.rebuild_rollups()
    }

    fn actor(&mut self, clock: &dyn Clock, who: Option<Credentials<'_>>) -> Result<Actor> {
        if !self.db.has_staff()? {
            return Ok(Actor::Setup);
        }
        let Some(who) = who else {
            return Ok(Actor::Nobody);
        };
        let session = crate::till::login(&mut self.db, clock.now(), who.employee, who.pin)?;
        let (_, rights) = self.db.employee_rights(session.employee())?;
        Ok(Actor::Employee(session, rights))
    }
}

/// Whether two paths name one file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
