//! The journal's JSON shapes, field for field as shared/spec/journal.md
//! writes them. Money, quantities and percentages stay strings here; the
//! conversion to domain types names the field that is wrong.

use serde::{Deserialize, Serialize};

/// Just the record type, read before the record itself.
#[derive(Deserialize)]
pub(super) struct TypeOnly<'a> {
    #[serde(rename = "type", borrow)]
    pub(super) kind: Option<std::borrow::Cow<'a, str>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Store {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) id: String,
    pub(super) name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) inn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) tax_system: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) legal_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) kpp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) ogrn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) director: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) accountant: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Counterparty {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) inn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) kpp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) address: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Employee {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) commission_pct: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) pin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) pin_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) active: Option<bool>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Product {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) sku: String,
    pub(super) name: String,
    pub(super) price: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) cost: Option<String>,
    pub(super) vat: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) barcodes: Option<Vec<String>>,
    #[serde(default, rename = "kind", skip_serializing_if = "Option::is_none")]
    pub(super) product_kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) marked: Option<bool>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StockLine {
    pub(super) sku: String,
    pub(super) qty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) cost: Option<String>,
}

/// `supply`, `write_off` and `supplier_return`: the spec gives a write-off a
/// `reason` and the others a `supplier`; the conversion checks which.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StockDoc {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) id: String,
    pub(super) store: String,
    pub(super) at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) supplier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) reason: Option<String>,
    pub(super) lines: Vec<StockLine>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ShiftOpen {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) id: String,
    pub(super) store: String,
    pub(super) till: String,
    pub(super) cashier: String,
    pub(super) at: String,
}

/// `cash_in` and `cash_out` (the latter with a reason).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CashMove {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) shift: String,
    pub(super) at: String,
    pub(super) amount: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) reason: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReceiptLine {
    pub(super) sku: String,
    pub(super) qty: String,
    pub(super) price: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) discount: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) promotions: Option<Vec<PromoShare>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) gift: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) marking: Option<String>,
}

/// A promotion's share of a receipt line's discount.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PromoShare {
    pub(super) id: String,
    pub(super) discount: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Payment {
    pub(super) method: String,
    pub(super) amount: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Receipt {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) id: String,
    pub(super) shift: String,
    pub(super) at: String,
    #[serde(rename = "kind")]
    pub(super) receipt_kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) cashier: Option<String>,
    pub(super) lines: Vec<ReceiptLine>,
    pub(super) payments: Vec<Payment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) return_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) buyer: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ShiftClose {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) shift: String,
    pub(super) at: String,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
pub(super) enum Stores {
    All(String),
    Only(Vec<String>),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Rule {
    pub(super) kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) n: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) m: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) pct: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) min_total: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) gift_sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) skus: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) price: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Promotion {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) stores: Stores,
    pub(super) from: String,
    pub(super) to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) days: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) hours: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) priority: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) exclusive: Option<bool>,
    pub(super) rule: Rule,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) enabled: Option<bool>,
}

/// `fiscal`: the register's requisites of a receipt.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Fiscal {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) receipt: String,
    #[serde(rename = "fn")]
    pub(super) fn_number: String,
    pub(super) fd: u32,
    pub(super) fp: String,
    pub(super) at: String,
}

/// `rights`: a role's rights from then on.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Rights {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) role: String,
    pub(super) permissions: Vec<String>,
    pub(super) max_discount_pct: String,
}

/// `period_lock`: nothing on or before `through` may change.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PeriodLock {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) through: String,
    pub(super) at: String,
}

/// `stock_count`: the quantities found in a store.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StockCount {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) id: String,
    pub(super) store: String,
    pub(super) at: String,
    pub(super) lines: Vec<CountLine>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CountLine {
    pub(super) sku: String,
    pub(super) qty: String,
}
