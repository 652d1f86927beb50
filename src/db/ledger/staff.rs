//! Staff records that are not cards: rights, logins, the period lock.

use chrono::NaiveDate;
use rusqlite::params;

use crate::db::read;
use crate::error::Result;
use crate::journal::Record;
use crate::staff::{Rights, Role};

use super::*;

impl Ledger<'_> {
    /// Replaces a role's rights (the owner role always keeps the right to
    /// manage staff): the journal's `rights` record, from a till or an
    /// import. Rights the role already has change nothing; an import's
    /// rights line the books hold in the role's history is known.
    pub(crate) fn set_rights(&mut self, role: Role, rights: &Rights) -> Result<Applied> {
        let mut rights = rights.clone();
        if role == Role::Owner {
            rights.permissions.insert(crate::staff::Permission::ManageStaff);
        }
        let line = Record::Rights {
            role,
            rights: rights.clone(),
        }
        .to_line();
        let current = read::rights(&self.tx, role)?;
        if self.card_line_known("rights", role.code(), &digest(&line))? || current == rights {
            return Ok(Applied::Unchanged);
        }
        crate::db::write_rights(&self.tx, role, &rights)?;
        let version: i64 = self
            .tx
            .prepare_cached("SELECT COUNT(*) FROM events WHERE type = 'rights' AND entity = ?1")?
            .query_row(params![role.code()], |r| r.get(0))?;
        let key = Self::card_key("rights", role.code(), version + 1, &line);
        self.append("rights", role.code(), None, Some(&key), &line, &self.now.clone())?;
        Ok(Applied::Written)
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

    /// Locks every day up to and including `through` against edits: the
    /// journal's `period_lock` record (the same record again changes
    /// nothing).
    pub(crate) fn lock_period(&mut self, through: NaiveDate, at: crate::clock::At) -> Result<Applied> {
        let day = through.format("%Y-%m-%d").to_string();
        let line = Record::PeriodLock { through, at }.to_line();
        let key = format!("period_lock:{day}@{at}");
        if let Some(applied) = self.already(&key, &line, "period_lock", &day)? {
            return Ok(applied);
        }
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES ('locked_through', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![day],
        )?;
        self.locked_through = Some(through);
        self.append("period_lock", &day, None, Some(&key), &line, &at.to_string())?;
        Ok(Applied::Written)
    }
}
