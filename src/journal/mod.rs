//! The JSONL journal (shared/spec/journal.md): parse and check each line into
//! a domain `Record`, and write records back in one canonical form, so that
//! export → import → export gives the same bytes.

pub(crate) mod io;
mod wire;

pub use io::{export, import, ImportSummary, JournalError};

use chrono::NaiveDate;
use serde::de::DeserializeOwned;

use crate::catalog::{Counterparty, Product, ProductKind, Requisites, Store, TaxSystem, Unit};
use crate::clock::At;
use crate::error::{Error, Result};
use crate::money::{Money, Percent, Qty, VatRate};
use crate::promo::{format_hours, parse_hours, PromoStores, Promotion, Rule, Target};
use crate::sale::{Payment, PaymentMethod, Receipt, ReceiptDraft, ReceiptKind, ReceiptLine};
use crate::shift::{CashMove, CashOutReason, ShiftOpen};
use crate::staff::{validate_pin, Employee, Role};
use crate::stock::{StockDoc, StockDocKind, StockLine};

/// One journal record: every state change of the books is one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A store card.
    Store(Store),
    /// A company the shop sells to or buys from.
    Counterparty(Counterparty),
    /// An employee card, with a PIN to set (never written back out) or
    /// the PIN's stored hash (what an export writes).
    Employee {
        /// The card.
        employee: Employee,
        /// PIN to hash and store.
        pin: Option<String>,
        /// The PIN's salted argon2id hash.
        pin_hash: Option<String>,
    },
    /// A product card.
    Product(Product),
    /// Supply, write-off or supplier return.
    Stock(StockDoc),
    /// A shift opening.
    ShiftOpen(ShiftOpen),
    /// Cash in or out.
    Cash(CashMove),
    /// A sale or return receipt.
    Receipt(Receipt),
    /// A shift closing.
    ShiftClose {
        /// Shift.
        shift: String,
        /// When.
        at: At,
    },
    /// A promotion, switched on or off.
    Promotion {
        /// The rule and when it applies.
        promotion: Promotion,
        /// In force (`false`: switched off, kept).
        enabled: bool,
    },
    /// The fiscal register's requisites of a receipt.
    Fiscal(FiscalRecord),
    /// A role's rights from then on.
    Rights {
        /// The role.
        role: Role,
        /// Its rights.
        rights: crate::staff::Rights,
    },
    /// A stock count.
    StockCount(crate::stock::StockCount),
    /// The period up to `through` is closed to edits.
    PeriodLock {
        /// The last day locked.
        through: NaiveDate,
        /// When it was locked.
        at: At,
    },
}

/// A `fiscal` record: the receipt's fiscal storage, document number and
/// sign, and the moment the register printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiscalRecord {
    /// The receipt.
    pub receipt: String,
    /// Fiscal storage number (ФН).
    pub fn_number: String,
    /// Fiscal document number (ФД).
    pub fd: u32,
    /// Fiscal sign (ФП).
    pub fp: u32,
    /// As the register printed it (the journal's time format).
    pub at: String,
}

impl Record {
    /// The right an actor needs to bring this record into the books.
    pub fn permission(&self) -> crate::staff::Permission {
        use crate::sale::ReceiptKind;
        use crate::staff::Permission;
        match self {
            Record::Store(_) | Record::Counterparty(_) | Record::Product(_) | Record::Promotion { .. } => {
                Permission::EditCatalog
            }
            Record::Employee { .. } => Permission::ManageStaff,
            Record::Stock(_) => Permission::ManageStock,
            Record::ShiftOpen(_) | Record::ShiftClose { .. } => Permission::OpenCloseShift,
            Record::Cash(_) => Permission::CashInOut,
            Record::Receipt(r) if r.draft().kind == ReceiptKind::Return => Permission::Return,
            Record::Receipt(_) | Record::Fiscal(_) => Permission::Sell,
            Record::Rights { .. } => Permission::ManageStaff,
            Record::PeriodLock { .. } => Permission::EditClosedPeriod,
            Record::StockCount(_) => Permission::ManageStock,
        }
    }

    /// The journal `type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Record::Store(_) => "store",
            Record::Counterparty(_) => "counterparty",
            Record::Employee { .. } => "employee",
            Record::Product(_) => "product",
            Record::Stock(doc) => doc.kind.code(),
            Record::ShiftOpen(_) => "shift_open",
            Record::Cash(m) if m.out_reason.is_none() => "cash_in",
            Record::Cash(_) => "cash_out",
            Record::Receipt(_) => "receipt",
            Record::ShiftClose { .. } => "shift_close",
            Record::Promotion { .. } => "promotion",
            Record::Fiscal(_) => "fiscal",
            Record::Rights { .. } => "rights",
            Record::PeriodLock { .. } => "period_lock",
            Record::StockCount(_) => "stock_count",
        }
    }

    /// The canonical journal line (no trailing newline). A PIN is never
    /// written: only its hash is kept, and only in the database.
    pub fn to_line(&self) -> String {
        let text = match self {
            Record::Store(s) => serde_json::to_string(&wire::Store {
                kind: "store".into(),
                id: s.id.clone(),
                name: s.name.clone(),
                address: s.address.clone(),
                inn: s.inn.clone(),
                tax_system: s.tax_system.map(|t| t.code().to_owned()),
                legal_name: s.requisites.legal_name.clone(),
                kpp: s.requisites.kpp.clone(),
                ogrn: s.requisites.ogrn.clone(),
                director: s.requisites.director.clone(),
                accountant: s.requisites.accountant.clone(),
            }),
            Record::Counterparty(c) => serde_json::to_string(&wire::Counterparty {
                kind: "counterparty".into(),
                id: c.id.clone(),
                name: c.name.clone(),
                inn: c.inn.clone(),
                kpp: c.kpp.clone(),
                address: c.address.clone(),
            }),
            Record::Employee {
                employee: e, pin_hash, ..
            } => serde_json::to_string(&wire::Employee {
                kind: "employee".into(),
                id: e.id.clone(),
                name: e.name.clone(),
                role: e.role.code().into(),
                commission_pct: Some(e.commission_pct.to_string()),
                pin: None,
                pin_hash: pin_hash.clone(),
                // Written only for a dismissed employee (the default is true).
                active: (!e.active).then_some(false),
            }),
            Record::Product(p) => serde_json::to_string(&wire::Product {
                kind: "product".into(),
                sku: p.sku.clone(),
                name: p.name.clone(),
                price: p.price.to_string(),
                cost: p.cost.map(|c| c.to_string()),
                vat: p.vat.code().into(),
                unit: Some(p.unit.code().into()),
                category: p.category.clone(),
                barcodes: Some(p.barcodes.clone()),
                product_kind: Some(p.kind.code().into()),
                marked: Some(p.marked),
            }),
            Record::Stock(d) => serde_json::to_string(&wire::StockDoc {
                kind: d.kind.code().into(),
                id: d.id.clone(),
                store: d.store.clone(),
                at: d.at.to_string(),
                supplier: d.supplier.clone(),
                reason: d.reason.clone(),
                lines: d
                    .lines
                    .iter()
                    .map(|l| wire::StockLine {
                        sku: l.sku.clone(),
                        qty: l.qty.to_string(),
                        cost: l.cost.map(|c| c.to_string()),
                    })
                    .collect(),
            }),
            Record::ShiftOpen(s) => serde_json::to_string(&wire::ShiftOpen {
                kind: "shift_open".into(),
                id: s.id.clone(),
                store: s.store.clone(),
                till: s.till.clone(),
                cashier: s.cashier.clone(),
                at: s.at.to_string(),
            }),
            Record::Cash(m) => serde_json::to_string(&wire::CashMove {
                kind: self.type_name().into(),
                shift: m.shift.clone(),
                at: m.at.to_string(),
                amount: m.amount.to_string(),
                reason: m.out_reason.map(|r| r.code().into()),
            }),
            Record::Receipt(r) => {
                let d = r.draft();
                serde_json::to_string(&wire::Receipt {
                    kind: "receipt".into(),
                    id: d.id.clone(),
                    shift: d.shift.clone(),
                    at: d.at.to_string(),
                    receipt_kind: d.kind.code().into(),
                    cashier: d.cashier.clone(),
                    lines: d
                        .lines
                        .iter()
                        .map(|l| wire::ReceiptLine {
                            sku: l.sku.clone(),
                            qty: l.qty.to_string(),
                            price: l.price.to_string(),
                            discount: Some(l.discount.to_string()),
                            promotions: (!l.promotions.is_empty()).then(|| {
                                l.promotions
                                    .iter()
                                    .map(|share| wire::PromoShare {
                                        id: share.promotion.to_string(),
                                        discount: share.discount.to_string(),
                                    })
                                    .collect()
                            }),
                            gift: l.gift.then_some(true),
                            marking: l.marking.clone(),
                        })
                        .collect(),
                    payments: d
                        .payments
                        .iter()
                        .map(|p| wire::Payment {
                            method: p.method.code().into(),
                            amount: p.amount.to_string(),
                        })
                        .collect(),
                    return_of: d.return_of.clone(),
                    buyer: d.buyer.clone(),
                })
            }
            Record::ShiftClose { shift, at } => serde_json::to_string(&wire::ShiftClose {
                kind: "shift_close".into(),
                shift: shift.clone(),
                at: at.to_string(),
            }),
            Record::Promotion { promotion, enabled } => serde_json::to_string(&wire::Promotion {
                // Written only for one switched off (the default is on).
                enabled: (!enabled).then_some(false),
                ..promotion_to_wire(promotion)
            }),
            Record::Rights { role, rights } => serde_json::to_string(&wire::Rights {
                kind: "rights".into(),
                role: role.code().into(),
                permissions: rights.permissions.iter().map(|p| p.code().to_owned()).collect(),
                max_discount_pct: rights.max_discount.to_string(),
            }),
            Record::StockCount(c) => serde_json::to_string(&wire::StockCount {
                kind: "stock_count".into(),
                id: c.id.clone(),
                store: c.store.clone(),
                at: c.at.to_string(),
                lines: c
                    .lines
                    .iter()
                    .map(|l| wire::CountLine {
                        sku: l.sku.clone(),
                        qty: l.qty.to_string(),
                    })
                    .collect(),
            }),
            Record::PeriodLock { through, at } => serde_json::to_string(&wire::PeriodLock {
                kind: "period_lock".into(),
                through: through.format("%Y-%m-%d").to_string(),
                at: at.to_string(),
            }),
            Record::Fiscal(f) => serde_json::to_string(&wire::Fiscal {
                kind: "fiscal".into(),
                receipt: f.receipt.clone(),
                fn_number: f.fn_number.clone(),
                fd: f.fd,
                fp: f.fp.to_string(),
                at: f.at.clone(),
            }),
        };
        // Serialising plain strings, numbers and vectors cannot fail.
        text.unwrap_or_default()
    }
}

/// Parses and checks one journal line (without its number: the importer
/// adds that). Errors name the record and the field.
pub fn parse_line(line: &str) -> Result<Record> {
    match record_type(line)?.as_ref() {
        "store" => store(decode(line)?),
        "counterparty" => counterparty(decode(line)?),
        "employee" => employee(decode(line)?),
        "product" => product(decode(line)?),
        "supply" | "write_off" | "supplier_return" => stock_doc(decode(line)?),
        "shift_open" => shift_open(decode(line)?),
        "cash_in" | "cash_out" => cash_move(decode(line)?),
        "receipt" => receipt(decode(line)?),
        "shift_close" => {
            let w: wire::ShiftClose = decode(line)?;
            Ok(Record::ShiftClose {
                at: at(&w.at, "at")?,
                shift: id_field(w.shift, "shift")?,
            })
        }
        "promotion" => promotion(decode(line)?),
        "fiscal" => fiscal(decode(line)?),
        "rights" => rights(decode(line)?),
        "stock_count" => stock_count(decode(line)?),
        "period_lock" => {
            let w: wire::PeriodLock = decode(line)?;
            Ok(Record::PeriodLock {
                through: NaiveDate::parse_from_str(&w.through, "%Y-%m-%d")
                    .map_err(|_| Error::invalid(format!("through: `{}` is not a day (YYYY-MM-DD)", w.through)))?,
                at: at(&w.at, "at")?,
            })
        }
        other => Err(Error::invalid(format!(
            "unknown type `{other}`, expected one of store, employee, product, supply, write_off, \
             supplier_return, shift_open, cash_in, cash_out, receipt, shift_close, promotion, fiscal, \
             rights, period_lock, stock_count, counterparty"
        ))),
    }
}

/// The record's `type`. Lines as Kassa writes them start with it, so it is
/// read off the front without a parse; anything else takes a full parse.
/// (A second `type` key later in the line is a duplicate field: refused by
/// the record's own parse.)
fn record_type(line: &str) -> Result<std::borrow::Cow<'_, str>> {
    if let Some(rest) = line.strip_prefix(r#"{"type":""#) {
        if let Some(kind) = rest.split_once('"').map(|(kind, _)| kind).filter(|k| !k.contains('\\')) {
            return Ok(std::borrow::Cow::Borrowed(kind));
        }
    }
    serde_json::from_str::<wire::TypeOnly<'_>>(line)
        .map_err(|e| Error::invalid(format!("not a JSON object: {}", strip_position(&e))))?
        .kind
        .ok_or_else(|| Error::invalid("missing field `type`"))
}

/// Decodes a record; only a line that fails is parsed again to find the
/// path of the field at fault.
fn decode<T: DeserializeOwned>(line: &str) -> Result<T> {
    if let Ok(value) = serde_json::from_str(line) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_str(line);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        // The record itself read fine: what failed is what follows it.
        Ok(_) => Err(Error::invalid(match de.end() {
            Err(e) => format!("not a JSON object: {}", strip_position(&e)),
            Ok(()) => "not a JSON object".to_owned(),
        })),
        Err(e) if e.inner().is_syntax() || e.inner().is_eof() => Err(Error::invalid(format!(
            "not a JSON object: {}",
            strip_position(e.inner())
        ))),
        Err(e) => {
            let path = e.path().to_string();
            let inner = strip_position(e.inner());
            if path == "." || inner.contains('`') && inner.starts_with("missing field") {
                Err(Error::invalid(inner))
            } else {
                Err(Error::invalid(format!("{path}: {inner}")))
            }
        }
    }
}

/// serde_json appends "at line 1 column N"; the importer names the line.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

fn id_field(value: String, field: &str) -> Result<String> {
    if value.trim().is_empty() {
        return Err(Error::invalid(format!("{field} must not be empty")));
    }
    Ok(value)
}

fn money(value: &str, field: &str) -> Result<Money> {
    Money::parse_non_negative(value).map_err(|e| Error::amount(field, e))
}

fn positive_money(value: &str, field: &str) -> Result<Money> {
    Money::parse_positive(value).map_err(|e| Error::amount(field, e))
}

fn qty(value: &str, field: &str) -> Result<Qty> {
    Qty::parse(value).map_err(|e| Error::amount(field, e))
}

fn percent(value: &str, field: &str) -> Result<Percent> {
    Percent::parse(value).map_err(|e| Error::amount(field, e))
}

fn at(value: &str, field: &str) -> Result<At> {
    At::parse(value).map_err(|e| Error::invalid(format!("{field}: {e}")))
}

fn code<T>(value: &str, field: &str, parse: fn(&str) -> Option<T>, expected: String) -> Result<T> {
    parse(value).ok_or_else(|| Error::invalid(format!("{field}: `{value}` is not one of {expected}")))
}

fn store(w: wire::Store) -> Result<Record> {
    let tax_system = w
        .tax_system
        .map(|t| code(&t, "tax_system", TaxSystem::from_code, TaxSystem::expected()))
        .transpose()?;
    Ok(Record::Store(Store {
        id: id_field(w.id, "id")?,
        name: id_field(w.name, "name")?,
        address: w.address,
        // A store's INN stays as written (journals before the requisites
        // carried any text); a counterparty's is checked.
        inn: w.inn,
        tax_system,
        requisites: Requisites {
            legal_name: w.legal_name,
            kpp: w.kpp.map(|kpp| digits(kpp, "kpp", 9)).transpose()?,
            ogrn: w.ogrn.map(ogrn_field).transpose()?,
            director: w.director,
            accountant: w.accountant,
        },
    }))
}

fn counterparty(w: wire::Counterparty) -> Result<Record> {
    let id = id_field(w.id, "id")?;
    let ctx = |e: Error| e.in_record(format!("counterparty {id}"));
    Ok(Record::Counterparty(Counterparty {
        name: id_field(w.name, "name").map_err(ctx)?,
        inn: inn_field(w.inn, "inn").map_err(ctx)?,
        kpp: w.kpp.map(|kpp| digits(kpp, "kpp", 9)).transpose().map_err(ctx)?,
        address: w.address,
        id,
    }))
}

/// A field of exactly `len` digits (КПП: 9).
fn digits(value: String, field: &str, len: usize) -> Result<String> {
    if value.len() == len && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value)
    } else {
        Err(Error::invalid(format!("{field}: `{value}` is not {len} digits")))
    }
}

/// An ИНН: 10 digits (a company) or 12 (a person).
fn inn_field(value: String, field: &str) -> Result<String> {
    if matches!(value.len(), 10 | 12) && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value)
    } else {
        Err(Error::invalid(format!(
            "{field}: `{value}` is not an INN (10 or 12 digits)"
        )))
    }
}

/// An ОГРН: 13 digits (a company) or 15 (ОГРНИП).
fn ogrn_field(value: String) -> Result<String> {
    if matches!(value.len(), 13 | 15) && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value)
    } else {
        Err(Error::invalid(format!(
            "ogrn: `{value}` is not an OGRN (13 or 15 digits)"
        )))
    }
}

fn employee(w: wire::Employee) -> Result<Record> {
    let employee = Employee {
        id: id_field(w.id, "id")?,
        name: id_field(w.name, "name")?,
        role: code(&w.role, "role", Role::from_code, Role::expected())?,
        commission_pct: match &w.commission_pct {
            Some(p) => percent(p, "commission_pct")?,
            None => Percent::ZERO,
        },
        active: w.active.unwrap_or(true),
    };
    if let Some(pin) = &w.pin {
        validate_pin(pin).map_err(|e| Error::invalid(format!("employee {}: {e}", employee.id)))?;
    }
    if let Some(hash) = &w.pin_hash {
        if w.pin.is_some() {
            return Err(Error::invalid(format!(
                "employee {}: pin_hash: a record carries pin or pin_hash, never both",
                employee.id
            )));
        }
        crate::staff::validate_pin_hash(hash).map_err(|e| Error::invalid(format!("employee {}: {e}", employee.id)))?;
    }
    Ok(Record::Employee {
        employee,
        pin: w.pin,
        pin_hash: w.pin_hash,
    })
}

fn product(w: wire::Product) -> Result<Record> {
    let sku = id_field(w.sku, "sku")?;
    let ctx = |e: Error| Error::invalid(format!("product {sku}: {e}"));
    let product = Product {
        name: w.name,
        price: money(&w.price, "price").map_err(ctx)?,
        cost: w.cost.as_deref().map(|c| money(c, "cost")).transpose().map_err(ctx)?,
        vat: code(
            &w.vat,
            "vat",
            VatRate::from_code,
            VatRate::ALL.map(VatRate::code).join(", "),
        )
        .map_err(ctx)?,
        unit: match &w.unit {
            Some(u) => code(u, "unit", Unit::from_code, Unit::expected()).map_err(ctx)?,
            None => Unit::Pcs,
        },
        category: w.category,
        barcodes: w.barcodes.unwrap_or_default(),
        kind: match &w.product_kind {
            Some(k) => code(k, "kind", ProductKind::from_code, ProductKind::expected()).map_err(ctx)?,
            None => ProductKind::Goods,
        },
        marked: w.marked.unwrap_or(false),
        sku: sku.clone(),
    };
    product.validate().map_err(ctx)?;
    Ok(Record::Product(product))
}

fn stock_doc(w: wire::StockDoc) -> Result<Record> {
    let kind = StockDocKind::from_code(&w.kind).unwrap_or(StockDocKind::Supply);
    let id = id_field(w.id, "id")?;
    let ctx = |e: Error| Error::invalid(format!("{} {id}: {e}", kind.code()));
    let needs_supplier = kind != StockDocKind::WriteOff;
    match (needs_supplier, &w.supplier, &w.reason) {
        (true, None, _) => return Err(ctx(Error::invalid("missing field `supplier`"))),
        (true, _, Some(_)) => return Err(ctx(Error::invalid("unknown field `reason`"))),
        (false, _, None) => return Err(ctx(Error::invalid("missing field `reason`"))),
        (false, Some(_), _) => return Err(ctx(Error::invalid("unknown field `supplier`"))),
        _ => {}
    }
    if w.lines.is_empty() {
        return Err(ctx(Error::invalid("lines must not be empty")));
    }
    let mut lines = Vec::with_capacity(w.lines.len());
    for (n, l) in w.lines.iter().enumerate() {
        let cost = match (&l.cost, needs_supplier) {
            (Some(c), true) => Some(money(c, &format!("lines[{n}].cost")).map_err(ctx)?),
            (None, true) => return Err(ctx(Error::invalid(format!("lines[{n}]: missing field `cost`")))),
            (Some(_), false) => return Err(ctx(Error::invalid(format!("lines[{n}]: unknown field `cost`")))),
            (None, false) => None,
        };
        lines.push(StockLine {
            sku: id_field(l.sku.clone(), &format!("lines[{n}].sku")).map_err(ctx)?,
            qty: qty(&l.qty, &format!("lines[{n}].qty")).map_err(ctx)?,
            cost,
        });
    }
    Ok(Record::Stock(StockDoc {
        kind,
        at: at(&w.at, "at").map_err(ctx)?,
        store: id_field(w.store, "store").map_err(ctx)?,
        supplier: w.supplier,
        reason: w.reason,
        lines,
        id,
    }))
}

fn shift_open(w: wire::ShiftOpen) -> Result<Record> {
    Ok(Record::ShiftOpen(ShiftOpen {
        at: at(&w.at, "at")?,
        id: id_field(w.id, "id")?,
        store: id_field(w.store, "store")?,
        till: id_field(w.till, "till")?,
        cashier: id_field(w.cashier, "cashier")?,
    }))
}

fn cash_move(w: wire::CashMove) -> Result<Record> {
    let out_reason = match (w.kind.as_str(), &w.reason) {
        ("cash_in", None) => None,
        ("cash_in", Some(_)) => return Err(Error::invalid("cash_in: unknown field `reason`")),
        (_, None) => return Err(Error::invalid("cash_out: missing field `reason`")),
        (_, Some(r)) => Some(code(r, "reason", CashOutReason::from_code, CashOutReason::expected())?),
    };
    Ok(Record::Cash(CashMove {
        at: at(&w.at, "at")?,
        amount: positive_money(&w.amount, "amount")?,
        shift: id_field(w.shift, "shift")?,
        out_reason,
    }))
}

fn stock_count(w: wire::StockCount) -> Result<Record> {
    let id = id_field(w.id, "id")?;
    let ctx = |e: Error| Error::invalid(format!("stock_count {id}: {e}"));
    if w.lines.is_empty() {
        return Err(ctx(Error::invalid("lines must not be empty")));
    }
    let mut lines = Vec::with_capacity(w.lines.len());
    for (n, l) in w.lines.iter().enumerate() {
        lines.push(crate::stock::CountLine {
            sku: id_field(l.sku.clone(), &format!("lines[{n}].sku")).map_err(ctx)?,
            qty: qty(&l.qty, &format!("lines[{n}].qty")).map_err(ctx)?,
        });
    }
    Ok(Record::StockCount(crate::stock::StockCount {
        at: at(&w.at, "at").map_err(ctx)?,
        store: id_field(w.store, "store").map_err(ctx)?,
        lines,
        id,
    }))
}

fn rights(w: wire::Rights) -> Result<Record> {
    let role = code(&w.role, "role", Role::from_code, Role::expected())?;
    let mut permissions = std::collections::BTreeSet::new();
    for (n, p) in w.permissions.iter().enumerate() {
        permissions.insert(code(
            p,
            &format!("permissions[{n}]"),
            crate::staff::Permission::from_code,
            crate::staff::Permission::expected(),
        )?);
    }
    let max_discount = percent(&w.max_discount_pct, "max_discount_pct")?;
    Ok(Record::Rights {
        role,
        rights: crate::staff::Rights {
            permissions,
            max_discount,
        },
    })
}

fn fiscal(w: wire::Fiscal) -> Result<Record> {
    let fn_number = id_field(w.fn_number, "fn")?;
    if !fn_number.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(format!(
            "fn: `{fn_number}` is not a fiscal storage number (digits)"
        )));
    }
    let fp = match w.fp.parse::<u32>() {
        Ok(fp) if w.fp.chars().all(|c| c.is_ascii_digit()) => fp,
        _ => {
            return Err(Error::invalid(format!(
                "fp: `{}` is not a fiscal sign (up to 10 digits)",
                w.fp
            )))
        }
    };
    // Checked, but kept as written: an export writes it back byte for byte.
    at(&w.at, "at")?;
    Ok(Record::Fiscal(FiscalRecord {
        receipt: id_field(w.receipt, "receipt")?,
        fn_number,
        fd: w.fd,
        fp,
        at: w.at,
    }))
}

fn receipt(w: wire::Receipt) -> Result<Record> {
    let id = id_field(w.id, "id")?;
    let ctx = |e: Error| match e {
        Error::Invalid(text) if text.starts_with("receipt ") => Error::Invalid(text),
        other => Error::invalid(format!("receipt {id}: {other}")),
    };
    let mut lines = Vec::with_capacity(w.lines.len());
    for (n, l) in w.lines.iter().enumerate() {
        let mut line = ReceiptLine::new(
            id_field(l.sku.clone(), &format!("lines[{n}].sku")).map_err(ctx)?,
            qty(&l.qty, &format!("lines[{n}].qty")).map_err(ctx)?,
            money(&l.price, &format!("lines[{n}].price")).map_err(ctx)?,
            match &l.discount {
                Some(d) => money(d, &format!("lines[{n}].discount")).map_err(ctx)?,
                None => Money::ZERO,
            },
        );
        for (k, share) in l.promotions.iter().flatten().enumerate() {
            line.promotions.push(crate::promo::PromoShare {
                promotion: id_field(share.id.clone(), &format!("lines[{n}].promotions[{k}].id"))
                    .map_err(ctx)?
                    .into(),
                discount: money(&share.discount, &format!("lines[{n}].promotions[{k}].discount")).map_err(ctx)?,
            });
        }
        let shares = Money::sum(line.promotions.iter().map(|share| share.discount));
        if shares > line.discount {
            return Err(ctx(Error::invalid(format!(
                "lines[{n}].promotions: the shares sum to {shares}, more than the line's discount {}",
                line.discount
            ))));
        }
        line.gift = l.gift.unwrap_or(false);
        if line.gift && !line.price.is_zero() {
            return Err(ctx(Error::invalid(format!(
                "lines[{n}].gift: a gift line has the price 0.00, not {}",
                line.price
            ))));
        }
        if let Some(code) = &l.marking {
            if line.qty != Qty::ONE {
                return Err(ctx(Error::invalid(format!(
                    "lines[{n}].marking: a line with a marking code has the quantity 1, not {}",
                    line.qty
                ))));
            }
            line.marking = Some(id_field(code.clone(), &format!("lines[{n}].marking")).map_err(ctx)?);
        }
        lines.push(line);
    }
    let mut payments = Vec::with_capacity(w.payments.len());
    for (n, p) in w.payments.iter().enumerate() {
        payments.push(Payment {
            method: code(
                &p.method,
                &format!("payments[{n}].method"),
                PaymentMethod::from_code,
                PaymentMethod::expected(),
            )
            .map_err(ctx)?,
            amount: positive_money(&p.amount, &format!("payments[{n}].amount")).map_err(ctx)?,
        });
    }
    let draft = ReceiptDraft {
        shift: id_field(w.shift, "shift").map_err(ctx)?,
        at: at(&w.at, "at").map_err(ctx)?,
        kind: code(&w.receipt_kind, "kind", ReceiptKind::from_code, ReceiptKind::expected()).map_err(ctx)?,
        cashier: w.cashier,
        lines,
        payments,
        return_of: w.return_of,
        buyer: w.buyer,
        id: id.clone(),
    };
    Receipt::new(draft).map(Record::Receipt).map_err(ctx)
}

fn target(sku: Option<String>, category: Option<String>) -> Result<Target> {
    match (sku, category) {
        (Some(_), Some(_)) => Err(Error::invalid("rule: give sku or category, not both")),
        (Some(s), None) => Ok(Target::Sku(s)),
        (None, Some(c)) => Ok(Target::Category(c)),
        (None, None) => Ok(Target::Receipt),
    }
}

fn promotion(w: wire::Promotion) -> Result<Record> {
    let id = id_field(w.id, "id")?;
    let ctx = |e: Error| Error::invalid(format!("promotion {id}: {e}"));
    let date = |value: &str, field: &str| {
        NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| Error::invalid(format!("{field}: `{value}` is not a date YYYY-MM-DD")))
    };
    let r = w.rule;
    let missing = |field: &str| Error::invalid(format!("rule: missing field `{field}`"));
    let present = [
        ("sku", r.sku.is_some()),
        ("category", r.category.is_some()),
        ("n", r.n.is_some()),
        ("m", r.m.is_some()),
        ("pct", r.pct.is_some()),
        ("min_total", r.min_total.is_some()),
        ("gift_sku", r.gift_sku.is_some()),
        ("skus", r.skus.is_some()),
        ("price", r.price.is_some()),
    ];
    let allowed: &[&str] = match r.kind.as_str() {
        "n_for_m" => &["sku", "category", "n", "m"],
        "percent" => &["sku", "category", "pct"],
        "threshold" => &["min_total", "pct"],
        "gift" => &["min_total", "gift_sku"],
        "bundle" => &["skus", "price"],
        _ => &[],
    };
    // A field of another rule kind would be dropped silently: refuse it.
    if let Some((field, _)) = present
        .iter()
        .find(|(f, set)| *set && !allowed.is_empty() && !allowed.contains(f))
    {
        return Err(ctx(Error::invalid(format!(
            "rule: unknown field `{field}` for kind {}",
            r.kind
        ))));
    }
    let rule = match r.kind.as_str() {
        "n_for_m" => Rule::NForM {
            target: target(r.sku, r.category)?,
            n: r.n.ok_or_else(|| missing("n"))?,
            m: r.m.ok_or_else(|| missing("m"))?,
        },
        "percent" => Rule::Percent {
            target: target(r.sku, r.category)?,
            pct: percent(r.pct.as_deref().ok_or_else(|| missing("pct"))?, "rule.pct")?,
        },
        "threshold" => Rule::Threshold {
            min_total: money(
                r.min_total.as_deref().ok_or_else(|| missing("min_total"))?,
                "rule.min_total",
            )?,
            pct: percent(r.pct.as_deref().ok_or_else(|| missing("pct"))?, "rule.pct")?,
        },
        "gift" => Rule::Gift {
            min_total: money(
                r.min_total.as_deref().ok_or_else(|| missing("min_total"))?,
                "rule.min_total",
            )?,
            gift_sku: r.gift_sku.ok_or_else(|| missing("gift_sku"))?,
        },
        "bundle" => Rule::Bundle {
            skus: r.skus.ok_or_else(|| missing("skus"))?,
            price: money(r.price.as_deref().ok_or_else(|| missing("price"))?, "rule.price")?,
        },
        other => {
            return Err(ctx(Error::invalid(format!(
                "rule.kind: `{other}` is not one of n_for_m, percent, threshold, gift, bundle"
            ))))
        }
    };
    let stores = match w.stores {
        wire::Stores::All(all) if all == "all" => PromoStores::All,
        wire::Stores::All(other) => {
            return Err(ctx(Error::invalid(format!(
                "stores: `{other}` is not \"all\" or a list"
            ))))
        }
        wire::Stores::Only(list) => PromoStores::Only(list),
    };
    let promotion = Promotion {
        name: w.name,
        stores,
        from: date(&w.from, "from").map_err(ctx)?,
        to: date(&w.to, "to").map_err(ctx)?,
        days: w.days.unwrap_or_else(|| (1..=7).collect()),
        hours: parse_hours(w.hours.as_deref().unwrap_or("00:00-24:00")).map_err(ctx)?,
        priority: w.priority.unwrap_or(0),
        exclusive: w.exclusive.unwrap_or(false),
        rule,
        id: id.clone(),
    };
    promotion.validate().map_err(ctx)?;
    Ok(Record::Promotion {
        promotion,
        enabled: w.enabled.unwrap_or(true),
    })
}

fn promotion_to_wire(p: &Promotion) -> wire::Promotion {
    let mut rule = wire::Rule {
        kind: p.rule.kind().into(),
        sku: None,
        category: None,
        n: None,
        m: None,
        pct: None,
        min_total: None,
        gift_sku: None,
        skus: None,
        price: None,
    };
    let set_target = |rule: &mut wire::Rule, t: &Target| match t {
        Target::Sku(s) => rule.sku = Some(s.clone()),
        Target::Category(c) => rule.category = Some(c.clone()),
        Target::Receipt => {}
    };
    match &p.rule {
        Rule::NForM { target, n, m } => {
            set_target(&mut rule, target);
            rule.n = Some(*n);
            rule.m = Some(*m);
        }
        Rule::Percent { target, pct } => {
            set_target(&mut rule, target);
            rule.pct = Some(pct.to_string());
        }
        Rule::Threshold { min_total, pct } => {
            rule.min_total = Some(min_total.to_string());
            rule.pct = Some(pct.to_string());
        }
        Rule::Gift { min_total, gift_sku } => {
            rule.min_total = Some(min_total.to_string());
            rule.gift_sku = Some(gift_sku.clone());
        }
        Rule::Bundle { skus, price } => {
            rule.skus = Some(skus.clone());
            rule.price = Some(price.to_string());
        }
    }
    wire::Promotion {
        kind: "promotion".into(),
        id: p.id.clone(),
        name: p.name.clone(),
        stores: match &p.stores {
            PromoStores::All => wire::Stores::All("all".into()),
            PromoStores::Only(list) => wire::Stores::Only(list.clone()),
        },
        from: p.from.format("%Y-%m-%d").to_string(),
        to: p.to.format("%Y-%m-%d").to_string(),
        days: Some(p.days.clone()),
        hours: Some(format_hours(p.hours)),
        priority: Some(p.priority),
        exclusive: Some(p.exclusive),
        rule,
        enabled: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(line: &str) -> String {
        parse_line(line).expect("valid line").to_line()
    }

    #[test]
    fn canonical_lines_are_stable() {
        let lines = [
            r#"{"type":"product","sku":"1001","name":"Хлеб","price":"45.5","vat":"vat10"}"#,
            r#"{"type":"receipt","id":"R1","shift":"S1","at":"2026-11-02T09:15:00+03:00","kind":"sale","lines":[{"sku":"1001","qty":"2","price":"45.50"}],"payments":[{"method":"cash","amount":"100.00"}]}"#,
            r#"{"type":"promotion","id":"P1","name":"2 по цене 1","stores":"all","from":"2026-11-01","to":"2026-11-30","days":[1,2,3,4,5,6,7],"hours":"00:00-24:00","priority":10,"exclusive":true,"rule":{"kind":"n_for_m","sku":"1001","n":2,"m":1}}"#,
            r#"{"type":"cash_out","shift":"S1","at":"2026-11-02T20:00:00+03:00","amount":"10.00","reason":"collection"}"#,
        ];
        for line in lines {
            let once = round_trip(line);
            assert_eq!(round_trip(&once), once);
        }
        assert_eq!(
            round_trip(lines[0]),
            r#"{"type":"product","sku":"1001","name":"Хлеб","price":"45.50","vat":"vat10","unit":"pcs","barcodes":[],"kind":"goods","marked":false}"#
        );
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (
                r#"{"type":"product","sku":"1","name":"x","price":12.5,"vat":"vat10"}"#,
                "price",
            ),
            (
                r#"{"type":"product","sku":"1","name":"x","price":"12.505","vat":"vat10"}"#,
                "price",
            ),
            (
                r#"{"type":"product","sku":"1","name":"x","price":"1.00","vat":"vat18"}"#,
                "vat",
            ),
            (
                r#"{"type":"product","sku":"1","name":"x","price":"1.00","vat":"vat10","colour":"red"}"#,
                "colour",
            ),
            (r#"{"type":"product","sku":"1","price":"1.00","vat":"vat10"}"#, "name"),
            (r#"{"type":"gizmo"}"#, "gizmo"),
            (r#"{"sku":"1"}"#, "type"),
            (
                r#"{"type":"cash_in","shift":"S1","at":"2026-11-02 09:00","amount":"1.00"}"#,
                "at",
            ),
            (
                r#"{"type":"cash_out","shift":"S1","at":"2026-11-02T09:00:00+03:00","amount":"1.00"}"#,
                "reason",
            ),
            (
                r#"{"type":"receipt","id":"R","shift":"S","at":"2026-11-02T09:00:00+03:00","kind":"sale","lines":[{"sku":"1","qty":"1.0001","price":"1.00"}],"payments":[]}"#,
                "lines[0].qty",
            ),
        ];
        for (line, field) in cases {
            let err = parse_line(line).expect_err(line).to_string();
            assert!(err.contains(field), "{line}: {err}");
        }
    }
}
