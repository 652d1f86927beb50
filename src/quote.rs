//! A price quote (`kassa price`): a basket priced with the promotions in
//! force in a store at a moment, without selling anything. It reads the
//! products and promotions and hands them to the pure engine, exactly as
//! the till does for its cart.

use serde::{Deserialize, Serialize};

use crate::clock::At;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::money::{Money, Qty};
use crate::promo::{self, BasketLine};
use crate::sale::ReceiptLine;

/// The basket file: `{"lines": [{"sku": "...", "qty": "..."}]}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BasketFile {
    lines: Vec<BasketFileLine>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BasketFileLine {
    sku: String,
    qty: String,
}

/// The priced basket, as `kassa price` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// The lines, in the basket's order.
    pub lines: Vec<QuoteLine>,
    /// Units given away.
    pub gifts: Vec<QuoteGift>,
    /// Σ line amounts.
    pub total: String,
}

/// One priced line; money and quantities as journal strings. The till's
/// printed receipt shows its lines the same way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteLine {
    /// Product.
    pub sku: String,
    /// Quantity.
    pub qty: String,
    /// Unit price before discount.
    pub price: String,
    /// The line's discount.
    pub discount: String,
    /// round_half_up(qty × price, 2) − discount.
    pub amount: String,
    /// Ids of the promotions that changed it, in the order they applied.
    pub promotions: Vec<String>,
    /// A unit given away (written only when true).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub gift: bool,
}

impl QuoteLine {
    /// A receipt line as shown.
    pub fn of(line: &ReceiptLine) -> QuoteLine {
        QuoteLine {
            sku: line.sku.clone(),
            qty: line.qty.to_string(),
            price: line.price.to_string(),
            discount: line.discount.to_string(),
            amount: line.amount().to_string(),
            promotions: line.promotions.iter().map(|p| p.promotion.to_string()).collect(),
            gift: line.gift,
        }
    }
}

/// A gift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteGift {
    /// The product given.
    pub sku: String,
    /// How much.
    pub qty: String,
    /// The promotion that gives it.
    pub promotion: String,
}

/// Prices the basket file's text for `store` at `at`.
pub fn quote(db: &Db, basket_json: &str, store: &str, at: At) -> Result<Quote> {
    let file: BasketFile = serde_json::from_str(basket_json)
        .map_err(|e| Error::invalid(format!("basket: {e} (expected {{\"lines\": [{{\"sku\", \"qty\"}}]}})")))?;
    if db.store(store)?.is_none() {
        return Err(Error::NotFound {
            what: "store",
            id: store.to_owned(),
        });
    }
    let mut products = Vec::with_capacity(file.lines.len());
    for (n, line) in file.lines.iter().enumerate() {
        let in_line = |e: Error| Error::invalid(format!("basket lines[{n}]: {e}"));
        let product = db.product(&line.sku)?.ok_or_else(|| {
            in_line(Error::NotFound {
                what: "product",
                id: line.sku.clone(),
            })
        })?;
        let qty = Qty::parse(&line.qty).map_err(|e| in_line(Error::amount("qty", e)))?;
        product.check_line(qty).map_err(in_line)?;
        products.push((product, qty));
    }
    let basket: Vec<BasketLine<'_>> = products
        .iter()
        .map(|(product, qty)| BasketLine::of(product, *qty, Money::ZERO))
        .collect();
    let pricing = promo::price(&basket, &db.enabled_promotions()?, store, at.time().naive_local());
    let priced: Vec<ReceiptLine> = basket
        .iter()
        .zip(pricing.lines)
        .map(|(line, priced)| ReceiptLine {
            promotions: priced.promotions,
            ..ReceiptLine::new(line.sku.to_owned(), line.qty, line.price, priced.discount)
        })
        .collect();
    let total = Money::sum(priced.iter().map(ReceiptLine::amount));
    let lines = priced.iter().map(QuoteLine::of).collect();
    Ok(Quote {
        lines,
        gifts: pricing
            .gifts
            .into_iter()
            .map(|gift| QuoteGift {
                sku: gift.sku,
                qty: gift.qty.to_string(),
                promotion: gift.promotion,
            })
            .collect(),
        total: total.to_string(),
    })
}
