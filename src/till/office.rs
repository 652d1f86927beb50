//! The owner's and manager's actions at a till: stock documents, cards,
//! promotions, staff and rights, the period lock, reports and history.

use chrono::NaiveDate;

use crate::catalog::{Product, Store};
use crate::db::Event;
use crate::error::{Error, Result};
use crate::journal::Record;
use crate::promo::{Promotion, PromotionCard};
use crate::report::Table;
use crate::staff::{Employee, Permission, Rights, Role};
use crate::stock::StockDoc;

use super::*;

impl Till {
    /// Books a stock document: a supply (приход), a write-off (списание) or
    /// a return to the supplier. Its store must be this till's.
    pub fn book_stock(&mut self, session: &Session, action: &ActionId, doc: StockDoc) -> Result<()> {
        if doc.store != self.store {
            return Err(Error::invalid(format!(
                "{} {} is for store {}, not this till's {}",
                doc.kind, doc.id, doc.store, self.store
            )));
        }
        self.act(session, action, Permission::ManageStock, |ledger, _, _, _, _, _| {
            ledger.apply(Record::Stock(doc))?;
            Ok(String::new())
        })?;
        Ok(())
    }

    /// Creates or changes a product card.
    pub fn save_product(&mut self, session: &Session, action: &ActionId, product: Product) -> Result<()> {
        product.validate()?;
        self.save(session, action, Permission::EditCatalog, Record::Product(product))
    }

    /// Creates or changes a store card.
    pub fn save_store(&mut self, session: &Session, action: &ActionId, store: Store) -> Result<()> {
        crate::catalog::require_text("id", &store.id)?;
        crate::catalog::require_text("name", &store.name)?;
        self.save(session, action, Permission::EditCatalog, Record::Store(store))
    }

    /// Creates or changes a promotion.
    pub fn save_promotion(&mut self, session: &Session, action: &ActionId, promotion: Promotion) -> Result<()> {
        promotion.validate()?;
        // A promotion switched off stays off when its rule is edited.
        let enabled = self
            .db
            .promotions()?
            .into_iter()
            .find(|card| card.promotion.id == promotion.id)
            .is_none_or(|card| card.enabled);
        self.save(
            session,
            action,
            Permission::EditCatalog,
            Record::Promotion { promotion, enabled },
        )
    }

    /// Every promotion, in force or not, by id (the owner's list of акции).
    pub fn promotions(&mut self, session: &Session) -> Result<Vec<PromotionCard>> {
        self.check(session, Permission::EditCatalog)?;
        self.db.promotions()
    }

    /// Switches a promotion on or off; its rule is kept. The next pricing
    /// of any cart follows.
    pub fn set_promotion_enabled(
        &mut self,
        session: &Session,
        action: &ActionId,
        id: &str,
        enabled: bool,
    ) -> Result<()> {
        self.act(session, action, Permission::EditCatalog, |ledger, _, _, _, _, _| {
            ledger.set_promotion_enabled(id, enabled)?;
            Ok(String::new())
        })?;
        Ok(())
    }

    /// Books a stock count (инвентаризация): each listed product's stock
    /// becomes what was found, the difference at the average cost.
    pub fn count_stock(&mut self, session: &Session, action: &ActionId, count: crate::stock::StockCount) -> Result<()> {
        self.save(session, action, Permission::ManageStock, Record::StockCount(count))
    }

    /// Creates or changes an employee, optionally setting a new PIN.
    pub fn save_employee(
        &mut self,
        session: &Session,
        action: &ActionId,
        employee: Employee,
        pin: Option<String>,
    ) -> Result<()> {
        employee.validate()?;
        if let Some(pin) = &pin {
            crate::staff::validate_pin(pin)?;
        }
        self.save(
            session,
            action,
            Permission::ManageStaff,
            Record::Employee {
                employee,
                pin,
                pin_hash: None,
            },
        )
    }

    pub(super) fn save(
        &mut self,
        session: &Session,
        action: &ActionId,
        permission: Permission,
        record: Record,
    ) -> Result<()> {
        self.act(session, action, permission, |ledger, _, _, _, _, _| {
            ledger.apply(record)?;
            Ok(String::new())
        })?;
        Ok(())
    }

    /// Changes what a role may do.
    pub fn set_rights(&mut self, session: &Session, action: &ActionId, role: Role, rights: &Rights) -> Result<()> {
        self.act(session, action, Permission::ManageStaff, |ledger, _, _, _, _, _| {
            ledger.set_rights(role, rights)?;
            Ok(String::new())
        })?;
        Ok(())
    }

    /// Locks every day up to `through` against edits.
    pub fn lock_period(&mut self, session: &Session, action: &ActionId, through: NaiveDate) -> Result<()> {
        self.act(
            session,
            action,
            Permission::EditClosedPeriod,
            |ledger, _, _, now, _, _| {
                ledger.lock_period(through, now)?;
                Ok(String::new())
            },
        )?;
        Ok(())
    }

    /// Runs a report of the catalogue.
    pub fn report(&mut self, session: &Session, name: &str, params: &crate::report::Params) -> Result<Table> {
        self.check(session, Permission::ViewReports)?;
        crate::report::find(name)?.run(&self.db, params)
    }

    /// The latest entries of the action history (История действий).
    pub fn history(&mut self, session: &Session, limit: usize) -> Result<Vec<Event>> {
        self.check(session, Permission::ViewReports)?;
        self.db.history(limit)
    }
}
