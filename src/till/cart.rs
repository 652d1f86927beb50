//! The cart: scanning, searching, quantities, discounts, and pricing
//! with the promotions in force.

use crate::catalog::barcode::{self, Scan};
use crate::catalog::Product;
use crate::clock::At;
use crate::error::{Error, Result};
use crate::money::{Money, Percent, Qty};
use crate::promo::{self, Promotion};
use crate::sale::{Cart, CartGift};
use crate::staff::{Employee, Permission, Rights};

use super::*;

impl Till {
    /// Finds products by the start of their name (any case, ё = е).
    pub fn find_products(&mut self, session: &Session, prefix: &str, limit: usize) -> Result<Vec<Product>> {
        self.check(session, Permission::Sell)?;
        self.db.search_products(prefix, limit)
    }

    /// Adds the product with this barcode to the cart (one piece; a
    /// weighed label's weight; a marked unit by its code) and prices the
    /// cart again. Returns the line's index.
    pub fn scan(&mut self, session: &Session, cart: &mut Cart, barcode: &str) -> Result<usize> {
        self.scan_qty(session, cart, barcode, None)
    }

    /// [`Till::scan`] with a quantity typed before the code (`3*`, a
    /// weight `0,350*`); a weighed label carries its own weight, and a
    /// marked unit is always one.
    pub fn scan_qty(&mut self, session: &Session, cart: &mut Cart, barcode: &str, qty: Option<Qty>) -> Result<usize> {
        self.check(session, Permission::Sell)?;
        let line = self.ring_up(cart, barcode, qty)?;
        self.price_cart(cart)?;
        Ok(line)
    }

    pub(super) fn ring_up(&mut self, cart: &mut Cart, barcode: &str, qty: Option<Qty>) -> Result<usize> {
        let not_found = |code: &str| Error::NotFound {
            what: "barcode",
            id: code.to_owned(),
        };
        match barcode::classify(barcode, &self.weight_layout)? {
            Scan::Ean13(code) | Scan::Ean8(code) | Scan::UpcA(code) | Scan::Other(code) => {
                let product = self.db.product_by_barcode(&code)?.ok_or_else(|| not_found(&code))?;
                let qty = self.qty_for(&product, &code, qty)?;
                cart.add(product, qty)
            }
            // A weighed label: the product by its label code (as a barcode
            // of prefix and code, or as its sku), the weight in grams.
            Scan::Weighted(label) => {
                let short = format!("{:02}{}", label.prefix, label.product_code);
                let sku = label.product_code.trim_start_matches('0');
                let product = match self.db.product_by_barcode(&short)? {
                    Some(product) => product,
                    None => self.db.product(sku)?.ok_or_else(|| not_found(&short))?,
                };
                let qty = Qty::from_milli(i64::from(label.grams))
                    .ok_or_else(|| Error::invalid(format!("weight {} g is out of range", label.grams)))?;
                cart.add(product, qty)
            }
            // A marking code: the product by its GTIN (EAN-13 inside), the
            // code checked by the register's fiscal storage when attached.
            Scan::Marking(marking) => {
                let ean = marking.gtin.strip_prefix('0').unwrap_or(&marking.gtin).to_owned();
                let product = match self.db.product_by_barcode(&ean)? {
                    Some(product) => product,
                    None => self
                        .db
                        .product_by_barcode(&marking.gtin)?
                        .ok_or_else(|| not_found(&marking.gtin))?,
                };
                if !product.marked {
                    let qty = self.qty_for(&product, &marking.gtin, qty)?;
                    return cart.add(product, qty);
                }
                if qty.is_some_and(|q| q != Qty::ONE) {
                    return Err(Error::MarkedUnitOnly(product.name));
                }
                if self.db.marking_sold(&marking.raw)? {
                    return Err(Error::MarkingSold { product: product.name });
                }
                // The fiscal storage checks the code; a register that does
                // not answer in time leaves it to the receipt.
                if let Some(Ok(check)) = self.fiscal.as_ref().and_then(|link| link.check_marking(&marking.raw)) {
                    if !check.valid {
                        return Err(Error::MarkingRejected { product: product.name });
                    }
                }
                cart.add_marked(product, marking.raw)
            }
        }
    }

    /// The quantity to ring a product up with: the one given, else one
    /// piece; a product sold by weight needs its weight. Within what the
    /// register can take, when the till has one.
    fn qty_for(&self, product: &Product, code: &str, qty: Option<Qty>) -> Result<Qty> {
        let qty = match qty {
            Some(qty) => qty,
            None if product.unit == crate::catalog::Unit::Pcs => Qty::ONE,
            None => {
                return Err(Error::WeightRequired {
                    name: product.name.clone(),
                    code: code.to_owned(),
                })
            }
        };
        if self.fiscal.is_some() {
            crate::fiscal::check_amount(qty.times(product.price))?;
        }
        Ok(qty)
    }

    /// Adds a product by sku, one piece unless a quantity is given (goods
    /// sold by weight need theirs).
    pub fn add_product_or_piece(
        &mut self,
        session: &Session,
        cart: &mut Cart,
        sku: &str,
        qty: Option<Qty>,
    ) -> Result<usize> {
        self.check(session, Permission::Sell)?;
        let product = self.db.product(sku)?.ok_or_else(|| Error::NotFound {
            what: "product",
            id: sku.to_owned(),
        })?;
        let qty = self.qty_for(&product, sku, qty)?;
        let line = cart.add(product, qty)?;
        self.price_cart(cart)?;
        Ok(line)
    }

    /// Adds a product by sku with a quantity (a weighed amount for goods
    /// sold by weight).
    pub fn add_product(&mut self, session: &Session, cart: &mut Cart, sku: &str, qty: Qty) -> Result<usize> {
        self.check(session, Permission::Sell)?;
        let product = self.db.product(sku)?.ok_or_else(|| Error::NotFound {
            what: "product",
            id: sku.to_owned(),
        })?;
        let line = cart.add(product, qty)?;
        self.price_cart(cart)?;
        Ok(line)
    }

    /// Changes a line's quantity (a weighed amount for goods sold by
    /// weight) and prices the cart again.
    pub fn set_qty(&mut self, session: &Session, cart: &mut Cart, line: usize, qty: Qty) -> Result<()> {
        self.check(session, Permission::Sell)?;
        cart.set_qty(line, qty)?;
        self.price_cart(cart)
    }

    /// Removes a line (сторно позиции) and prices the cart again.
    pub fn remove_line(&mut self, session: &Session, cart: &mut Cart, line: usize) -> Result<()> {
        self.check(session, Permission::Sell)?;
        cart.remove(line)?;
        self.price_cart(cart)
    }

    /// Prices the cart with the promotions in force now: each line's
    /// promotion discounts and the gifts (a return cart gets none). The
    /// till does this on every change; call it too when time may have
    /// moved past a promotion's start or end (the GUI's clock tick).
    pub fn reprice(&mut self, cart: &mut Cart) -> Result<()> {
        self.fresh_cache()?;
        self.price_cart(cart)
    }

    /// [`Till::reprice`] right after [`Till::check`] made the cache fresh.
    pub(super) fn price_cart(&mut self, cart: &mut Cart) -> Result<()> {
        let now = self.clock.now();
        let pricing = self.pricing(cart, now)?;
        let mut gifts = Vec::with_capacity(pricing.gifts.len());
        for gift in pricing.gifts {
            let product = self.db.product(&gift.sku)?.ok_or_else(|| Error::NotFound {
                what: "product",
                id: gift.sku.clone(),
            })?;
            gifts.push(CartGift {
                product,
                qty: gift.qty,
                promotion: gift.promotion,
            });
        }
        cart.set_pricing(pricing.lines, gifts)
    }

    /// What the engine makes of the cart at `now`.
    pub(super) fn pricing(&mut self, cart: &Cart, now: At) -> Result<promo::Pricing> {
        if cart.is_return() {
            return Ok(promo::Pricing {
                lines: vec![promo::LinePricing::default(); cart.lines().len()],
                ..promo::Pricing::default()
            });
        }
        let store = self.store.clone();
        let promotions = self.promotions_in_force()?;
        Ok(promo::price(
            &cart.basket(),
            promotions,
            &store,
            now.time().naive_local(),
        ))
    }

    /// The enabled promotions, read once per fresh cache.
    pub(super) fn promotions_in_force(&mut self) -> Result<&[Promotion]> {
        if self.cache.promotions.is_none() {
            let enabled = self.db.enabled_promotions()?;
            self.cache.promotions = Some(enabled);
        }
        Ok(self.cache.promotions.as_deref().unwrap_or_default())
    }

    /// Gives a line discount in money, within the actor's limit.
    pub fn set_line_discount(
        &mut self,
        session: &Session,
        cart: &mut Cart,
        line: usize,
        discount: Money,
    ) -> Result<()> {
        let (employee, rights) = self.check_rights(session, Permission::Discount)?;
        let gross = cart.line_gross(line)?;
        check_discount(&employee, &rights, gross, discount)?;
        cart.set_discount(line, discount)?;
        self.price_cart(cart)
    }

    /// Gives a line discount in percent of the line, within the actor's
    /// limit (rounded to kopecks half up).
    pub fn set_line_discount_pct(
        &mut self,
        session: &Session,
        cart: &mut Cart,
        line: usize,
        pct: Percent,
    ) -> Result<()> {
        let gross = cart.line_gross(line)?;
        self.set_line_discount(session, cart, line, pct.of(gross))
    }
}

/// A discount may not exceed the role's limit in percent of the line.
pub(super) fn check_discount(employee: &Employee, rights: &Rights, gross: Money, discount: Money) -> Result<()> {
    if discount.is_zero() {
        return Ok(());
    }
    if !rights.allows(Permission::Discount) {
        return Err(Error::Forbidden {
            actor: employee.id.clone(),
            permission: Permission::Discount,
        });
    }
    let share = discount.percent_of(gross).unwrap_or(rust_decimal::Decimal::ONE_HUNDRED);
    // The limit in money is the line's limit share rounded to kopecks (half
    // up), so "5 %" of any line is always within a 5 % limit.
    if discount > rights.max_discount.of(gross) {
        return Err(Error::DiscountOverLimit {
            actor: employee.id.clone(),
            requested: share.to_string(),
            limit: rights.max_discount,
        });
    }
    Ok(())
}

/// Each cashier's discount in the cart is within the actor's rights
/// (promotions are the owner's, not counted against the limit).
pub(super) fn check_cashier_discounts(cart: &Cart, employee: &Employee, rights: &Rights) -> Result<()> {
    for line in cart.lines() {
        check_discount(employee, rights, line.qty.times(line.product.price), line.discount)?;
    }
    Ok(())
}
