//! The catalogue: stores, products, units and barcodes.

use crate::error::{Error, Result};
use crate::money::{Money, Qty, VatRate};

pub mod barcode;

/// Defines a closed set of journal codes with `code`/`from_code`.
macro_rules! journal_codes {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in journal order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The journal code.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// From the journal code.
            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// The codes, for error messages.
            pub fn expected() -> String {
                [$($code),+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use journal_codes;

journal_codes! {
    /// Unit a product is sold in.
    Unit {
        /// Pieces (штуки).
        Pcs = "pcs",
        /// Kilograms: weighed goods.
        Kg = "kg",
        /// Litres.
        L = "l",
        /// Metres.
        M = "m"
    }
}

journal_codes! {
    /// What a product is, for fiscal data (tag 1212) and stock keeping.
    ProductKind {
        /// Goods (товар).
        Goods = "goods",
        /// A service: no stock.
        Service = "service",
        /// Excise goods (подакцизный товар).
        Excise = "excise"
    }
}

journal_codes! {
    /// The store's tax system (tag 1055).
    TaxSystem {
        /// ОСН.
        Osn = "osn",
        /// УСН доход.
        UsnIncome = "usn_income",
        /// УСН доход − расход.
        UsnIncomeExpense = "usn_income_expense",
        /// ЕСХН.
        Eshn = "eshn",
        /// Патент.
        Patent = "patent"
    }
}

/// A store (магазин, торговая точка).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    /// Journal id.
    pub id: String,
    /// Name on receipts.
    pub name: String,
    /// Place of settlement.
    pub address: Option<String>,
    /// Taxpayer number (ИНН).
    pub inn: Option<String>,
    /// Tax system.
    pub tax_system: Option<TaxSystem>,
    /// Requisites the documents print: the full legal name, КПП, ОГРН,
    /// the director and the chief accountant who sign.
    pub requisites: Requisites,
}

/// A store's requisites for documents (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requisites {
    /// The seller's full name (ООО «…», ИП …).
    pub legal_name: Option<String>,
    /// КПП.
    pub kpp: Option<String>,
    /// ОГРН (ОГРНИП).
    pub ogrn: Option<String>,
    /// Who signs as the head.
    pub director: Option<String>,
    /// Who signs as the chief accountant.
    pub accountant: Option<String>,
}

/// A company the shop sells to or buys from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counterparty {
    /// Journal id.
    pub id: String,
    /// Name.
    pub name: String,
    /// ИНН.
    pub inn: String,
    /// КПП.
    pub kpp: Option<String>,
    /// Address.
    pub address: Option<String>,
}

/// A product card (товар).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// Stock keeping unit: the product's id.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Shelf price per unit, VAT included.
    pub price: Money,
    /// Purchase cost per unit, if known.
    pub cost: Option<Money>,
    /// VAT rate.
    pub vat: VatRate,
    /// Unit of sale.
    pub unit: Unit,
    /// Category, if any.
    pub category: Option<String>,
    /// Barcodes that identify it.
    pub barcodes: Vec<String>,
    /// Goods, service or excise goods.
    pub kind: ProductKind,
    /// Sale needs a marking code (Честный ЗНАК).
    pub marked: bool,
}

impl Product {
    /// Checks the card's own rules: names present, price not negative,
    /// barcodes made of printable characters.
    pub fn validate(&self) -> Result<()> {
        require_text("sku", &self.sku)?;
        require_text("name", &self.name)?;
        if self.price.is_negative() {
            return Err(Error::invalid(format!("price {} must not be negative", self.price)));
        }
        if self.cost.is_some_and(Money::is_negative) {
            return Err(Error::invalid("cost must not be negative"));
        }
        for code in &self.barcodes {
            if code.is_empty() || code.chars().any(|c| c.is_control() || c.is_whitespace()) {
                return Err(Error::invalid(format!("barcodes: `{code}` is not a barcode")));
            }
        }
        Ok(())
    }

    /// Checks that `qty` can be sold in this product's unit: pieces are whole.
    pub fn check_qty(&self, qty: Qty) -> Result<()> {
        if self.unit == Unit::Pcs && !qty.is_whole() {
            return Err(Error::WholeUnitsOnly {
                sku: self.sku.clone(),
                qty,
            });
        }
        Ok(())
    }

    /// A quantity a receipt line may have: whole for pieces, and its gross
    /// amount within the money range.
    pub fn check_line(&self, qty: Qty) -> Result<()> {
        self.check_qty(qty)?;
        let gross = qty.times(self.price);
        if gross > Money::MAX {
            return Err(Error::invalid(format!(
                "{qty} × {} of {} is out of range (at most {})",
                self.price,
                self.sku,
                Money::MAX
            )));
        }
        Ok(())
    }

    /// Carries stock (services do not).
    pub fn is_stocked(&self) -> bool {
        self.kind != ProductKind::Service
    }
}

/// Refuses an empty or blank identifier or name.
pub(crate) fn require_text(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(format!("{field} must not be empty")));
    }
    Ok(())
}

/// The search key of a name: lower case, `ё` as `е`, so that a cashier
/// typing "молоко" or "ЁЛКА" finds what they mean.
pub fn fold_name(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

/// The first key after every key that starts with `prefix`, for a range
/// scan over an index: `prefix <= key < upper_bound(prefix)`.
pub fn prefix_upper_bound(prefix: &str) -> String {
    let mut upper = prefix.to_owned();
    upper.push(char::MAX);
    upper
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_for_search() {
        assert_eq!(fold_name("Молоко ЁЖИК Milk"), "молоко ежик milk");
        assert!(fold_name("Ёлка") >= fold_name("ёл"));
        assert!(fold_name("Ёлка") < prefix_upper_bound(&fold_name("ёл")));
    }

    #[test]
    fn codes_round_trip() {
        for unit in Unit::ALL {
            assert_eq!(Unit::from_code(unit.code()), Some(*unit));
        }
        assert_eq!(Unit::from_code("kilo"), None);
        assert_eq!(
            TaxSystem::expected(),
            "osn, usn_income, usn_income_expense, eshn, patent"
        );
    }
}
