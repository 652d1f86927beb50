//! The doors onto the books that are not a till's: setting a till up with
//! its fiscal register, importing a journal. Each checks, in the core, the
//! rights of the employee who acts; a new database with no staff yet is
//! open to whoever sets it up.

use std::io::BufRead;

use crate::clock::Clock;
use crate::db::{Db, DeviceSettings};
use crate::error::{Error, Result};
use crate::journal::{ImportSummary, JournalError};
use crate::staff::{Permission, Rights};
use crate::till::Session;

/// Who acts: an employee id and PIN (as the command line takes them).
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    /// Employee id.
    pub employee: &'a str,
    /// PIN.
    pub pin: &'a str,
}

/// The actor, logged in, with their rights; `None` while the books have no
/// staff (setting up).
fn actor(db: &mut Db, clock: &dyn Clock, who: Option<Credentials<'_>>) -> Result<Option<(Session, Rights)>> {
    if !db.has_staff()? {
        return Ok(None);
    }
    let who = who.ok_or(Error::NeedsEmployee)?;
    let session = crate::till::login(db, clock.now(), who.employee, who.pin)?;
    let (_, rights) = db.employee_rights(session.employee())?;
    Ok(Some((session, rights)))
}

fn require(actor: &Option<(Session, Rights)>, permission: Permission) -> Result<()> {
    match actor {
        Some((session, rights)) if !rights.allows(permission) => Err(Error::Forbidden {
            actor: session.employee().to_owned(),
            permission,
        }),
        _ => Ok(()),
    }
}

/// Sets a till of a store up and gives it its fiscal register (`None`: a
/// till without one). Settings of a till are the staff manager's
/// (`manage_staff`: the owner by default); the history records who.
pub fn set_up_till(
    db: &mut Db,
    clock: &dyn Clock,
    who: Option<Credentials<'_>>,
    store: &str,
    till: &str,
    device: Option<&DeviceSettings>,
) -> Result<()> {
    crate::catalog::require_text("till", till)?;
    if db.store(store)?.is_none() {
        return Err(Error::NotFound {
            what: "store",
            id: store.to_owned(),
        });
    }
    let actor = actor(db, clock, who)?;
    require(&actor, Permission::ManageStaff)?;
    let mut ledger = db.ledger(actor.as_ref().map(|(session, _)| session.employee()))?;
    ledger.set_now(clock.now());
    ledger.set_fiscal_device(store, till, device)?;
    ledger.commit()
}

/// Imports a journal in an employee's name: every record needs its right
/// (catalogue, staff, stock, shifts, cash, sales, returns) and a locked
/// period the right to edit it. Into books with no staff, anyone may.
pub fn import(
    db: &mut Db,
    clock: &dyn Clock,
    who: Option<Credentials<'_>>,
    input: impl BufRead + Send,
    progress: impl FnMut(u64),
) -> Result<ImportSummary, JournalError> {
    let actor = actor(db, clock, who).map_err(|error| JournalError::Io(error.to_string()))?;
    let as_actor = actor.as_ref().map(|(session, rights)| (session.employee(), rights));
    crate::journal::io::import_as(db, input, as_actor, progress)
}
