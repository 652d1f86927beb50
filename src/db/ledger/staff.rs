//! Staff records that are not cards: rights, logins, the period lock.

use chrono::NaiveDate;
use rusqlite::params;

use crate::error::Result;
use crate::staff::{Rights, Role};

use super::*;

impl Ledger<'_> {
    /// Replaces a role's rights (the owner role always keeps the right to
    /// manage staff).
    pub(crate) fn set_rights(&self, role: Role, rights: &Rights) -> Result<()> {
        let mut rights = rights.clone();
        if role == Role::Owner {
            rights.permissions.insert(crate::staff::Permission::ManageStaff);
        }
        crate::db::write_rights(&self.tx, role, &rights)?;
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
}
