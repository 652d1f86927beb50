//! Queries: reads shared by the ledger (inside its transaction) and by the
//! till and reports (outside one).

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::Db;
use crate::catalog::{fold_name, prefix_upper_bound, Product, ProductKind, Store, TaxSystem, Unit};
use crate::clock::At;
use crate::error::{Error, Result};
use crate::journal::{parse_line, Record};
use crate::money::{Money, Percent, VatRate};
use crate::promo::{PromoShare, PromotionCard};
use crate::sale::{PaymentMethod, Receipt};
use crate::shift::{MethodTotals, ShiftTotals};
use crate::staff::{Employee, Permission, Rights, Role};

/// An employee with what login needs.
#[derive(Debug, Clone)]
pub struct EmployeeAuth {
    /// The card.
    pub employee: Employee,
    /// Salted argon2 hash, if a PIN is set.
    pub pin_hash: Option<String>,
    /// Wrong PINs in a row.
    pub failed_pins: u32,
    /// Locked until this UTC millisecond.
    pub locked_until: Option<i64>,
}

/// One entry of the action history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Position in this database's history (gapless).
    pub seq: i64,
    /// The till (node) that recorded it.
    pub origin: String,
    /// When it happened.
    pub at: String,
    /// Who did it (`None`: the system, e.g. an import).
    pub actor: Option<String>,
    /// What kind of change.
    pub kind: String,
    /// The record it concerns.
    pub entity: String,
    /// The record, as a journal line or a JSON object.
    pub payload: String,
}

/// Where a shift stands.
#[derive(Debug, Clone)]
pub(crate) struct ShiftInfo {
    pub(crate) store: String,
    pub(crate) till: String,
    pub(crate) cashier: String,
    pub(crate) opened_at: At,
    pub(crate) closed_at: Option<At>,
    /// Cash in the drawer now, kopecks (the running balance).
    pub(crate) drawer: i64,
    /// The moment of the latest cash flow (UTC ms).
    pub(crate) last_flow_utc: Option<i64>,
}

fn corrupt(what: &str, value: &str) -> Error {
    Error::invalid(format!("the database holds an invalid {what} `{value}`"))
}

const PRODUCT_COLUMNS: &str = "sku, name, price, cost, vat, unit, category, kind, marked, barcodes";

fn product_from_row(row: &Row<'_>) -> Result<Product> {
    let sku: String = row.get(0)?;
    let vat: String = row.get(4)?;
    let unit: String = row.get(5)?;
    let kind: String = row.get(7)?;
    let barcodes: String = row.get(9)?;
    let barcodes: Vec<String> = serde_json::from_str(&barcodes).map_err(|_| corrupt("barcode list", &barcodes))?;
    Ok(Product {
        name: row.get(1)?,
        price: Money::from_kopecks(row.get(2)?),
        cost: row.get::<_, Option<i64>>(3)?.map(Money::from_kopecks),
        vat: VatRate::from_code(&vat).ok_or_else(|| corrupt("VAT rate", &vat))?,
        unit: Unit::from_code(&unit).ok_or_else(|| corrupt("unit", &unit))?,
        category: row.get(6)?,
        kind: ProductKind::from_code(&kind).ok_or_else(|| corrupt("product kind", &kind))?,
        marked: row.get(8)?,
        barcodes,
        sku,
    })
}

fn one_product(conn: &Connection, sql: &str, key: &str) -> Result<Option<Product>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params![key])?;
    match rows.next()? {
        Some(row) => product_from_row(row).map(Some),
        None => Ok(None),
    }
}

pub(crate) fn product(conn: &Connection, sku: &str) -> Result<Option<Product>> {
    one_product(
        conn,
        &format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE sku = ?1"),
        sku,
    )
}

pub(crate) fn product_by_barcode(conn: &Connection, code: &str) -> Result<Option<Product>> {
    one_product(
        conn,
        &format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE sku = (SELECT sku FROM barcodes WHERE code = ?1)"),
        code,
    )
}

pub(crate) fn store(conn: &Connection, id: &str) -> Result<Option<Store>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, address, inn, tax_system, legal_name, kpp, ogrn, director, accountant FROM stores WHERE id = ?1",
    )?;
    let row = stmt
        .query_row(params![id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get::<_, Option<String>>(4)?,
                crate::catalog::Requisites {
                    legal_name: r.get(5)?,
                    kpp: r.get(6)?,
                    ogrn: r.get(7)?,
                    director: r.get(8)?,
                    accountant: r.get(9)?,
                },
            ))
        })
        .optional()?;
    row.map(|(id, name, address, inn, tax, requisites)| {
        Ok(Store {
            id,
            name,
            address,
            inn,
            tax_system: tax
                .map(|t| TaxSystem::from_code(&t).ok_or_else(|| corrupt("tax system", &t)))
                .transpose()?,
            requisites,
        })
    })
    .transpose()
}

pub(crate) fn counterparty(conn: &Connection, id: &str) -> Result<Option<crate::catalog::Counterparty>> {
    Ok(conn
        .prepare_cached("SELECT id, name, inn, kpp, address FROM counterparties WHERE id = ?1")?
        .query_row(params![id], |r| {
            Ok(crate::catalog::Counterparty {
                id: r.get(0)?,
                name: r.get(1)?,
                inn: r.get(2)?,
                kpp: r.get(3)?,
                address: r.get(4)?,
            })
        })
        .optional()?)
}

pub(crate) fn employee_auth(conn: &Connection, id: &str) -> Result<Option<EmployeeAuth>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, role, commission_pct, pin_hash, failed_pins, locked_until, active FROM employees WHERE id = ?1",
    )?;
    let row = stmt
        .query_row(params![id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, bool>(7)?,
            ))
        })
        .optional()?;
    row.map(|(id, name, role, pct, pin_hash, failed_pins, locked_until, active)| {
        Ok(EmployeeAuth {
            employee: Employee {
                role: Role::from_code(&role).ok_or_else(|| corrupt("role", &role))?,
                commission_pct: Percent::parse(&pct).map_err(|_| corrupt("percentage", &pct))?,
                id,
                name,
                active,
            },
            pin_hash,
            failed_pins,
            locked_until,
        })
    })
    .transpose()
}

pub(crate) fn employee(conn: &Connection, id: &str) -> Result<Option<Employee>> {
    Ok(employee_auth(conn, id)?.map(|a| a.employee))
}

pub(crate) fn rights(conn: &Connection, role: Role) -> Result<Rights> {
    let mut stmt = conn.prepare_cached("SELECT permission FROM role_permissions WHERE role = ?1")?;
    let mut permissions = std::collections::BTreeSet::new();
    for code in stmt.query_map(params![role.code()], |r| r.get::<_, String>(0))? {
        let code = code?;
        // A right this build does not know (written by a newer one) grants nothing here.
        if let Some(p) = Permission::from_code(&code) {
            permissions.insert(p);
        }
    }
    let limit: Option<String> = conn
        .query_row(
            "SELECT max_discount_pct FROM role_limits WHERE role = ?1",
            params![role.code()],
            |r| r.get(0),
        )
        .optional()?;
    let max_discount = match limit {
        Some(text) => Percent::parse(&text).map_err(|_| corrupt("percentage", &text))?,
        None => Percent::ZERO,
    };
    Ok(Rights {
        permissions,
        max_discount,
    })
}

pub(crate) fn employee_rights(conn: &Connection, id: &str) -> Result<(Employee, Rights)> {
    let employee = employee(conn, id)?.ok_or_else(|| Error::NotFound {
        what: "employee",
        id: id.to_owned(),
    })?;
    let rights = rights(conn, employee.role)?;
    Ok((employee, rights))
}

pub(crate) fn open_shift(conn: &Connection, store: &str, till: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM shifts WHERE store = ?1 AND till = ?2 AND closed_at IS NULL")?
        .query_row(params![store, till], |r| r.get(0))
        .optional()?)
}

pub(crate) fn shift_info(conn: &Connection, id: &str) -> Result<Option<ShiftInfo>> {
    let row = conn
        .prepare_cached(
            "SELECT store, till, cashier, opened_at, closed_at, drawer, last_flow_utc FROM shifts WHERE id = ?1",
        )?
        .query_row(params![id], |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?),
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Option<i64>>(6)?,
            ))
        })
        .optional()?;
    row.map(|((store, till, cashier), opened, closed, drawer, last_flow_utc)| {
        Ok(ShiftInfo {
            store,
            till,
            cashier,
            opened_at: At::parse(&opened)?,
            closed_at: closed.as_deref().map(At::parse).transpose()?,
            drawer,
            last_flow_utc,
        })
    })
    .transpose()
}

/// Cash in the drawer of a shift: cash in − cash out + cash sales net of
/// change − cash refunds (the running balance the ledger keeps).
pub(crate) fn cash_in_drawer(conn: &Connection, shift: &str) -> Result<Money> {
    let kopecks: Option<i64> = conn
        .prepare_cached("SELECT drawer FROM shifts WHERE id = ?1")?
        .query_row(params![shift], |r| r.get(0))
        .optional()?;
    Ok(Money::from_kopecks(kopecks.unwrap_or(0)))
}

/// The least cash the drawer of a shift holds at `at_utc` or at any later
/// moment of the shift: cash taken out (or refunded) at `at_utc` may not
/// exceed it, so the drawer is never short, whatever order records arrive in.
pub(crate) fn cash_headroom(conn: &Connection, shift: &str, at_utc: i64) -> Result<Money> {
    // One row per instant: flows at the same moment happen together.
    let mut stmt = conn.prepare_cached(
        "SELECT at_utc, SUM(flow) FROM (
           SELECT at_utc, CASE WHEN reason IS NULL THEN amount ELSE -amount END AS flow
             FROM cash_moves WHERE shift = ?1
           UNION ALL
           SELECT r.at_utc,
                  (SELECT COALESCE(SUM(p.amount), 0) FROM payments p WHERE p.receipt = r.id AND p.method = 'cash')
                    * (CASE r.kind WHEN 'sale' THEN 1 ELSE -1 END) - r.change
             FROM receipts r WHERE r.shift = ?1)
         GROUP BY at_utc ORDER BY at_utc",
    )?;
    let mut rows = stmt.query(params![shift])?;
    let (mut balance, mut least): (i64, Option<i64>) = (0, None);
    while let Some(row) = rows.next()? {
        let (at, flow): (i64, i64) = (row.get(0)?, row.get(1)?);
        if at > at_utc {
            // The balance just before each later instant is what the drawer
            // held from `at_utc` up to then.
            least = Some(least.map_or(balance, |l| l.min(balance)));
        }
        balance = balance.saturating_add(flow);
    }
    let least = least.map_or(balance, |l| l.min(balance));
    Ok(Money::from_kopecks(least))
}

pub(crate) fn shift_totals(conn: &Connection, id: &str) -> Result<ShiftTotals> {
    let info = shift_info(conn, id)?.ok_or_else(|| Error::NotFound {
        what: "shift",
        id: id.to_owned(),
    })?;
    let mut totals = ShiftTotals {
        shift: id.to_owned(),
        store: info.store,
        till: info.till,
        cashier: info.cashier,
        opened_at: info.opened_at,
        closed_at: info.closed_at,
        sales_count: 0,
        sales: Money::ZERO,
        returns_count: 0,
        returns: Money::ZERO,
        cash: MethodTotals::default(),
        card: MethodTotals::default(),
        other: MethodTotals::default(),
        cash_in: Money::ZERO,
        cash_out: Money::ZERO,
        collections: Money::ZERO,
    };
    let mut stmt = conn.prepare_cached(
        "SELECT kind, COUNT(*), COALESCE(SUM(total), 0), COALESCE(SUM(change), 0)
           FROM receipts WHERE shift = ?1 GROUP BY kind",
    )?;
    let mut change = Money::ZERO;
    let mut rows = stmt.query(params![id])?;
    while let Some(row) = rows.next()? {
        let kind: String = row.get(0)?;
        let (count, total) = (row.get::<_, i64>(1)?, Money::from_kopecks(row.get(2)?));
        if kind == "sale" {
            totals.sales_count = count;
            totals.sales = total;
            change = Money::from_kopecks(row.get(3)?);
        } else {
            totals.returns_count = count;
            totals.returns = total;
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT r.kind, p.method, SUM(p.amount)
           FROM receipts r JOIN payments p ON p.receipt = r.id
          WHERE r.shift = ?1 GROUP BY r.kind, p.method",
    )?;
    let mut rows = stmt.query(params![id])?;
    while let Some(row) = rows.next()? {
        let kind: String = row.get(0)?;
        let method: String = row.get(1)?;
        let amount = Money::from_kopecks(row.get(2)?);
        let slot = match PaymentMethod::from_code(&method) {
            Some(PaymentMethod::Cash) => &mut totals.cash,
            Some(PaymentMethod::Card) => &mut totals.card,
            Some(PaymentMethod::Other) => &mut totals.other,
            None => return Err(corrupt("payment method", &method)),
        };
        if kind == "sale" {
            slot.sales += amount;
        } else {
            slot.returns += amount;
        }
    }
    totals.cash.sales -= change;
    let mut stmt =
        conn.prepare_cached("SELECT reason, SUM(amount) FROM cash_moves WHERE shift = ?1 GROUP BY reason")?;
    let mut rows = stmt.query(params![id])?;
    while let Some(row) = rows.next()? {
        let reason: Option<String> = row.get(0)?;
        let amount = Money::from_kopecks(row.get(1)?);
        match reason.as_deref() {
            None => totals.cash_in += amount,
            Some(r) => {
                totals.cash_out += amount;
                if r == "collection" {
                    totals.collections += amount;
                }
            }
        }
    }
    Ok(totals)
}

/// The receipt as it was recorded (from its journal line), with the
/// promotions behind its lines.
pub(crate) fn receipt(conn: &Connection, id: &str) -> Result<Option<Receipt>> {
    let payload: Option<String> = conn
        .prepare_cached("SELECT payload FROM events WHERE key = ?1")?
        .query_row(params![format!("receipt:{id}")], |r| r.get(0))
        .optional()?;
    let receipt = match payload.as_deref().map(parse_line).transpose()? {
        Some(Record::Receipt(r)) => r,
        Some(_) => return Err(corrupt("receipt event", id)),
        None => return Ok(None),
    };
    // A line booked since the journal carries promotions and gifts has
    // them; an older one takes them from the table kept beside it.
    if receipt.draft().lines.iter().any(|l| !l.promotions.is_empty() || l.gift) {
        return Ok(Some(receipt));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT line_no, promotion, discount, gift FROM receipt_line_promotions
          WHERE receipt = ?1 ORDER BY line_no, n",
    )?;
    let mut rows = stmt.query(params![id])?;
    let mut draft = receipt.draft().clone();
    let mut any = false;
    while let Some(row) = rows.next()? {
        let line_no: i64 = row.get(0)?;
        let line = usize::try_from(line_no)
            .ok()
            .and_then(|n| draft.lines.get_mut(n))
            .ok_or_else(|| corrupt("receipt promotion", id))?;
        line.promotions.push(PromoShare {
            promotion: row.get::<_, String>(1)?.into(),
            discount: Money::from_kopecks(row.get(2)?),
        });
        line.gift = row.get(3)?;
        any = true;
    }
    if !any {
        return Ok(Some(receipt));
    }
    Receipt::new(draft).map(Some)
}

/// The promotions switched on, by id.
pub(crate) fn enabled_promotions(conn: &Connection) -> Result<Vec<crate::promo::Promotion>> {
    Ok(promotions(conn)?
        .into_iter()
        .filter(|card| card.enabled)
        .map(|card| card.promotion)
        .collect())
}

/// Promotions with whether each is in force, by id.
pub(crate) fn promotions(conn: &Connection) -> Result<Vec<PromotionCard>> {
    let mut stmt = conn.prepare_cached("SELECT id, payload, enabled FROM promotions ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut cards = Vec::new();
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        let payload: String = row.get(1)?;
        match parse_line(&payload)? {
            Record::Promotion { promotion, .. } => cards.push(PromotionCard {
                promotion,
                enabled: row.get(2)?,
            }),
            _ => return Err(corrupt("promotion", &id)),
        }
    }
    Ok(cards)
}

/// Quantity of each product a sale sold, less what returns of it took back.
pub(crate) fn returnable(conn: &Connection, sale: &str, sku: &str) -> Result<(i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT
               (SELECT COALESCE(SUM(qty), 0) FROM receipt_lines WHERE receipt = ?1 AND sku = ?2),
               (SELECT COALESCE(SUM(l.qty), 0) FROM receipts r JOIN receipt_lines l ON l.receipt = r.id
                 WHERE r.return_of = ?1 AND l.sku = ?2)",
        )?
        .query_row(params![sale, sku], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// Net paid by a method on a sale (cash net of change), and refunded so far.
pub(crate) fn refundable(conn: &Connection, sale: &str, method: PaymentMethod) -> Result<(Money, Money)> {
    let (paid, refunded): (i64, i64) = conn
        .prepare_cached(
            "SELECT
               (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE receipt = ?1 AND method = ?2)
                 - CASE WHEN ?2 = 'cash' THEN (SELECT change FROM receipts WHERE id = ?1) ELSE 0 END,
               (SELECT COALESCE(SUM(p.amount), 0) FROM receipts r JOIN payments p ON p.receipt = r.id
                 WHERE r.return_of = ?1 AND p.method = ?2)",
        )?
        .query_row(params![sale, method.code()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((Money::from_kopecks(paid), Money::from_kopecks(refunded)))
}

impl Db {
    /// A product by sku.
    pub fn product(&self, sku: &str) -> Result<Option<Product>> {
        product(&self.conn, sku)
    }

    /// A product by one of its barcodes.
    pub fn product_by_barcode(&self, code: &str) -> Result<Option<Product>> {
        product_by_barcode(&self.conn, code)
    }

    /// Products whose name starts with `prefix`, ignoring case (Cyrillic
    /// included) and ё/е, by name.
    pub fn search_products(&self, prefix: &str, limit: usize) -> Result<Vec<Product>> {
        let from = fold_name(prefix);
        let to = prefix_upper_bound(&from);
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE name_fold >= ?1 AND name_fold < ?2
              ORDER BY name_fold, sku LIMIT ?3"
        ))?;
        let mut rows = stmt.query(params![from, to, limit as i64])?;
        let mut found = Vec::new();
        while let Some(row) = rows.next()? {
            found.push(product_from_row(row)?);
        }
        Ok(found)
    }

    /// A store.
    pub fn store(&self, id: &str) -> Result<Option<Store>> {
        store(&self.conn, id)
    }

    /// Every store, by id.
    pub fn stores(&self) -> Result<Vec<Store>> {
        let ids = self
            .conn
            .prepare_cached("SELECT id FROM stores ORDER BY id")?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.iter().filter_map(|id| store(&self.conn, id).transpose()).collect()
    }

    /// An employee.
    pub fn employee(&self, id: &str) -> Result<Option<Employee>> {
        employee(&self.conn, id)
    }

    /// An employee with login state.
    pub fn employee_auth(&self, id: &str) -> Result<Option<EmployeeAuth>> {
        employee_auth(&self.conn, id)
    }

    /// Rights of a role.
    pub fn rights(&self, role: Role) -> Result<Rights> {
        rights(&self.conn, role)
    }

    /// An employee and the rights of their role.
    pub fn employee_rights(&self, id: &str) -> Result<(Employee, Rights)> {
        employee_rights(&self.conn, id)
    }

    /// The result an action with this id committed, if it did.
    pub fn action_result(&self, action: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT result FROM actions WHERE id = ?1")?
            .query_row(params![action], |r| r.get(0))
            .optional()?)
    }

    /// The open shift of a till, if any.
    pub fn open_shift(&self, store: &str, till: &str) -> Result<Option<String>> {
        open_shift(&self.conn, store, till)
    }

    /// X (open) or Z (closed) totals of a shift.
    pub fn shift_totals(&self, shift: &str) -> Result<ShiftTotals> {
        shift_totals(&self.conn, shift)
    }

    /// Cash in the drawer of a shift now.
    pub fn cash_in_drawer(&self, shift: &str) -> Result<Money> {
        cash_in_drawer(&self.conn, shift)
    }

    /// What a sale sold of a product and what came back since, in
    /// thousandths.
    pub(crate) fn returnable(&self, sale: &str, sku: &str) -> Result<(i64, i64)> {
        returnable(&self.conn, sale, sku)
    }

    /// The VAT rate each line of a receipt was booked at, in line order.
    pub fn receipt_line_vats(&self, id: &str) -> Result<Vec<Option<crate::money::VatRate>>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT vat FROM receipt_lines WHERE receipt = ?1 ORDER BY line_no")?;
        let codes = stmt
            .query_map(params![id], |r| r.get::<_, Option<String>>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(codes
            .into_iter()
            .map(|code| code.as_deref().and_then(crate::money::VatRate::from_code))
            .collect())
    }

    /// A receipt as recorded.
    pub fn receipt(&self, id: &str) -> Result<Option<Receipt>> {
        receipt(&self.conn, id)
    }

    /// Every promotion, in force or not, by id.
    pub fn promotions(&self) -> Result<Vec<PromotionCard>> {
        promotions(&self.conn)
    }

    /// The promotions switched on (in force when their store, days and
    /// hours say so).
    pub fn enabled_promotions(&self) -> Result<Vec<crate::promo::Promotion>> {
        enabled_promotions(&self.conn)
    }

    /// A number that changes whenever another connection commits to the
    /// database (SQLite's `data_version`): a cache of this connection's
    /// reads stays good while it holds still.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?)
    }

    /// Stock of a product in a store in thousandths of a unit (may be
    /// negative when goods were sold before their supply was booked).
    pub fn stock_milli(&self, store: &str, sku: &str) -> Result<i64> {
        Ok(self
            .conn
            .query_row(
                "SELECT qty FROM stock WHERE store = ?1 AND sku = ?2",
                params![store, sku],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// The latest entries of the action history, newest last.
    pub fn history(&self, limit: usize) -> Result<Vec<Event>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, origin, at, actor, type, entity, payload FROM
               (SELECT * FROM events ORDER BY seq DESC LIMIT ?1) ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok(Event {
                seq: r.get(0)?,
                origin: r.get(1)?,
                at: r.get(2)?,
                actor: r.get(3)?,
                kind: r.get(4)?,
                entity: r.get(5)?,
                payload: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Number of history entries.
    pub fn event_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))?)
    }
}
