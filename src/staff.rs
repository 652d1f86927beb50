//! Staff: employees, roles, rights and PINs.
//!
//! Rights belong to roles; the owner may change any role's set (the owner
//! role itself always keeps the right to manage staff, so a shop can never
//! lock itself out). PINs are stored only as salted argon2 hashes.

use std::collections::BTreeSet;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::Duration;

use crate::catalog::{journal_codes, require_text};
use crate::error::{Error, Result};
use crate::money::Percent;

journal_codes! {
    /// An employee's role (должность).
    Role {
        /// Кассир.
        Cashier = "cashier",
        /// Старший кассир.
        SeniorCashier = "senior_cashier",
        /// Управляющий.
        Manager = "manager",
        /// Владелец.
        Owner = "owner"
    }
}

journal_codes! {
    /// A right an action needs (право).
    Permission {
        /// Sell: ring up receipts.
        Sell = "sell",
        /// Return goods against a sale receipt.
        Return = "return",
        /// Return goods with no sale receipt.
        ReturnWithoutReceipt = "return_without_receipt",
        /// Give line discounts (up to the role's limit).
        Discount = "discount",
        /// Put cash in and take cash out of the drawer, collections included.
        CashInOut = "cash_in_out",
        /// Open and close shifts.
        OpenCloseShift = "open_close_shift",
        /// See reports and X totals.
        ViewReports = "view_reports",
        /// Edit products, prices, stores, promotions.
        EditCatalog = "edit_catalog",
        /// Receive supplies, write off, return to suppliers.
        ManageStock = "manage_stock",
        /// Add employees, change PINs and rights.
        ManageStaff = "manage_staff",
        /// Change anything dated in a locked (closed) period.
        EditClosedPeriod = "edit_closed_period"
    }
}

/// Wrong PINs in a row that lock an employee.
pub const MAX_PIN_ATTEMPTS: u32 = 5;

/// How long a lock after wrong PINs lasts.
pub fn pin_lockout() -> Duration {
    Duration::minutes(15)
}

/// What a role may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rights {
    /// Permitted actions.
    pub permissions: BTreeSet<Permission>,
    /// Largest line discount, in percent of the line's gross amount.
    pub max_discount: Percent,
}

impl Rights {
    /// Whether the right is granted.
    pub fn allows(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }

    /// The rights a new database gives each role.
    pub fn default_for(role: Role) -> Rights {
        use Permission::*;
        let (permissions, max_discount): (&[Permission], i64) = match role {
            Role::Cashier => (&[Sell, Return, Discount, CashInOut, OpenCloseShift], 5),
            Role::SeniorCashier => (
                &[
                    Sell,
                    Return,
                    ReturnWithoutReceipt,
                    Discount,
                    CashInOut,
                    OpenCloseShift,
                    ViewReports,
                ],
                15,
            ),
            Role::Manager => (
                &[
                    Sell,
                    Return,
                    ReturnWithoutReceipt,
                    Discount,
                    CashInOut,
                    OpenCloseShift,
                    ViewReports,
                    EditCatalog,
                    ManageStock,
                ],
                50,
            ),
            Role::Owner => (Permission::ALL, 100),
        };
        Rights {
            permissions: permissions.iter().copied().collect(),
            max_discount: Percent::parse(&max_discount.to_string()).unwrap_or(Percent::ZERO),
        }
    }
}

/// An employee (сотрудник).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Employee {
    /// Journal id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Share of the employee's net sales paid as commission.
    pub commission_pct: Percent,
    /// Works here (`false`: dismissed, no login; history kept).
    pub active: bool,
}

impl Employee {
    /// Checks the card's own rules.
    pub fn validate(&self) -> Result<()> {
        require_text("id", &self.id)?;
        require_text("name", &self.name)
    }
}

/// Refuses a PIN that is not 4 to 12 digits.
pub fn validate_pin(pin: &str) -> Result<()> {
    if !(4..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid("pin must be 4 to 12 digits"));
    }
    Ok(())
}

/// Hashes a PIN with a fresh salt (argon2id, PHC string).
pub fn hash_pin(pin: &str) -> Result<String> {
    validate_pin(pin)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Error::invalid(format!("cannot hash PIN: {e}")))
}

/// Checks a stored PIN hash from a journal: an argon2id PHC string.
pub fn validate_pin_hash(hash: &str) -> Result<()> {
    match PasswordHash::new(hash) {
        Ok(parsed) if parsed.algorithm.as_str() == "argon2id" && parsed.salt.is_some() && parsed.hash.is_some() => {
            Ok(())
        }
        _ => Err(Error::invalid(
            "pin_hash: not a salted argon2id hash ($argon2id$v=19$…)",
        )),
    }
}

/// Whether `pin` matches a stored hash. A malformed hash matches nothing.
pub fn verify_pin(stored_hash: &str, pin: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|hash| Argon2::default().verify_password(pin.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_salted_hashes() {
        let first = hash_pin("1234").expect("hash");
        let second = hash_pin("1234").expect("hash");
        assert_ne!(first, second, "each hash has its own salt");
        assert!(!first.contains("1234"));
        assert!(verify_pin(&first, "1234"));
        assert!(!verify_pin(&first, "1235"));
        assert!(!verify_pin("garbage", "1234"));
        assert!(hash_pin("12a4").is_err());
        assert!(hash_pin("123").is_err());
    }

    #[test]
    fn owner_has_every_right() {
        let owner = Rights::default_for(Role::Owner);
        assert!(Permission::ALL.iter().all(|p| owner.allows(*p)));
        let cashier = Rights::default_for(Role::Cashier);
        assert!(cashier.allows(Permission::Sell));
        assert!(!cashier.allows(Permission::ReturnWithoutReceipt));
        assert_eq!(cashier.max_discount.to_string(), "5");
    }
}
