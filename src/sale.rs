//! Sales and returns: the cart a cashier fills, and the receipt it becomes.
//!
//! `Receipt::new` is the one place receipt arithmetic is checked (the journal
//! spec's definition): line amount = round_half_up(qty × price, 2) −
//! discount ≥ 0, total = Σ line amounts, non-cash payments never exceed the
//! total, cash may exceed what is left and the surplus is change. A receipt
//! that breaks a rule cannot be built.

use crate::catalog::{journal_codes, require_text, Product};
use crate::clock::At;
use crate::error::{Error, Result};
use crate::money::{Money, Qty};
use crate::promo::{BasketLine, Gift, LinePricing, PromoShare};

journal_codes! {
    /// Sale (приход) or return of a sale (возврат прихода).
    ReceiptKind {
        /// Приход.
        Sale = "sale",
        /// Возврат прихода.
        Return = "return"
    }
}

journal_codes! {
    /// How a payment was made.
    PaymentMethod {
        /// Наличные.
        Cash = "cash",
        /// Безналичные (card).
        Card = "card",
        /// Other (certificates, prepayment).
        Other = "other"
    }
}

/// One payment of a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payment {
    /// Method.
    pub method: PaymentMethod,
    /// Amount, greater than zero.
    pub amount: Money,
}

impl Payment {
    /// A cash payment.
    pub fn cash(amount: Money) -> Payment {
        Payment {
            method: PaymentMethod::Cash,
            amount,
        }
    }

    /// A card payment.
    pub fn card(amount: Money) -> Payment {
        Payment {
            method: PaymentMethod::Card,
            amount,
        }
    }
}

/// One line of a receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLine {
    /// Product.
    pub sku: String,
    /// Quantity.
    pub qty: Qty,
    /// Unit price before discount.
    pub price: Money,
    /// Total discount of the line, in money: the cashier's and the
    /// promotions'.
    pub discount: Money,
    /// What each promotion took off (part of `discount`); a gift line
    /// names the promotion that gave it, with 0.00 (the journal line's
    /// `promotions`).
    pub promotions: Vec<PromoShare>,
    /// A unit given away at price 0 by a promotion.
    pub gift: bool,
    /// The marking code (Честный ЗНАК) sold or returned on this line (its
    /// quantity is 1).
    pub marking: Option<String>,
}

impl ReceiptLine {
    /// A plain line with no promotions.
    pub fn new(sku: String, qty: Qty, price: Money, discount: Money) -> ReceiptLine {
        ReceiptLine {
            sku,
            qty,
            price,
            discount,
            promotions: Vec::new(),
            gift: false,
            marking: None,
        }
    }

    /// round_half_up(qty × price, 2).
    pub fn gross(&self) -> Money {
        self.qty.times(self.price)
    }

    /// Gross less discount.
    pub fn amount(&self) -> Money {
        self.gross() - self.discount
    }
}

/// A receipt as written: what the cashier rang up and how it was paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptDraft {
    /// Journal id.
    pub id: String,
    /// The shift it belongs to.
    pub shift: String,
    /// When.
    pub at: At,
    /// Sale or return.
    pub kind: ReceiptKind,
    /// Who rang it up; `None` means the shift's cashier.
    pub cashier: Option<String>,
    /// Lines.
    pub lines: Vec<ReceiptLine>,
    /// Payments (for a return: refunds).
    pub payments: Vec<Payment>,
    /// The sale a return refers to.
    pub return_of: Option<String>,
    /// The company a sale was made to (its invoice and waybill name it).
    pub buyer: Option<String>,
}

/// A receipt whose arithmetic holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    draft: ReceiptDraft,
    total: Money,
    change: Money,
}

impl Receipt {
    /// Checks the receipt's arithmetic and builds it.
    pub fn new(draft: ReceiptDraft) -> Result<Receipt> {
        require_text("id", &draft.id)?;
        if draft.lines.is_empty() {
            return Err(Error::invalid(format!("receipt {}: lines must not be empty", draft.id)));
        }
        if draft.return_of.is_some() && draft.kind != ReceiptKind::Return {
            return Err(Error::invalid(format!(
                "receipt {}: return_of is only for receipts of kind return",
                draft.id
            )));
        }
        for (n, line) in draft.lines.iter().enumerate() {
            if line.price.is_negative() || line.discount.is_negative() {
                return Err(Error::invalid(format!(
                    "receipt {}: lines[{n}]: price and discount must not be negative",
                    draft.id
                )));
            }
            if line.amount().is_negative() {
                return Err(Error::invalid(format!(
                    "receipt {}: lines[{n}]: discount {} exceeds the line's {}",
                    draft.id,
                    line.discount,
                    line.gross()
                )));
            }
            let by_promotions = Money::sum(line.promotions.iter().map(|p| p.discount));
            let gift_ok = !line.gift || (line.price.is_zero() && line.promotions.len() == 1);
            if by_promotions > line.discount || line.promotions.iter().any(|p| p.discount.is_negative()) || !gift_ok {
                return Err(Error::invalid(format!(
                    "receipt {}: lines[{n}]: promotions' discounts do not add up",
                    draft.id
                )));
            }
        }
        let total = Money::sum(draft.lines.iter().map(ReceiptLine::amount));
        let paid_at_most = Money::sum(draft.payments.iter().map(|p| p.amount));
        if draft.lines.iter().any(|l| l.gross() > Money::MAX) || total > Money::MAX || paid_at_most > Money::MAX {
            return Err(Error::invalid(format!(
                "receipt {}: amounts above {} are out of range",
                draft.id,
                Money::MAX
            )));
        }
        let mut paid = Money::ZERO;
        let mut non_cash = Money::ZERO;
        for (n, payment) in draft.payments.iter().enumerate() {
            if !payment.amount.is_positive() {
                return Err(Error::invalid(format!(
                    "receipt {}: payments[{n}]: amount must be greater than zero",
                    draft.id
                )));
            }
            paid += payment.amount;
            if payment.method != PaymentMethod::Cash {
                non_cash += payment.amount;
            }
        }
        if non_cash > total {
            return Err(Error::NonCashAboveTotal { non_cash, total }.in_record(format!("receipt {}", draft.id)));
        }
        if paid < total {
            return Err(Error::Underpaid { paid, total }.in_record(format!("receipt {}", draft.id)));
        }
        let change = paid - total;
        if draft.kind == ReceiptKind::Return && change.is_positive() {
            return Err(Error::invalid(format!(
                "receipt {}: refunds {paid} exceed the return total {total}",
                draft.id
            )));
        }
        Ok(Receipt { draft, total, change })
    }

    /// Names who rang the receipt up (the journal lets it default to the
    /// shift's cashier); the arithmetic does not depend on it.
    pub fn with_cashier(mut self, cashier: String) -> Receipt {
        self.draft.cashier = Some(cashier);
        self
    }

    /// What was written.
    pub fn draft(&self) -> &ReceiptDraft {
        &self.draft
    }

    /// Journal id.
    pub fn id(&self) -> &str {
        &self.draft.id
    }

    /// Σ line amounts.
    pub fn total(&self) -> Money {
        self.total
    }

    /// Cash given back: Σ payments − total.
    pub fn change(&self) -> Money {
        self.change
    }

    /// What a method brought in (or paid out, for a return), cash net of
    /// change.
    pub fn net_by(&self, method: PaymentMethod) -> Money {
        let paid = Money::sum(
            self.draft
                .payments
                .iter()
                .filter(|p| p.method == method)
                .map(|p| p.amount),
        );
        if method == PaymentMethod::Cash {
            paid - self.change
        } else {
            paid
        }
    }
}

fn no_line(index: usize) -> Error {
    Error::NoSuchLine(index + 1)
}

/// A line in the cart, with the product card it was rung up from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartLine {
    /// The product as it was when scanned (price included).
    pub product: Product,
    /// Quantity.
    pub qty: Qty,
    /// The cashier's discount of the whole line, in money.
    pub discount: Money,
    /// The marking code (Честный ЗНАК) of a marked unit: one per line.
    pub marking: Option<String>,
    /// What the promotions took off, as last priced.
    pub promo: LinePricing,
}

impl CartLine {
    /// The receipt line this becomes.
    pub fn to_receipt_line(&self) -> ReceiptLine {
        ReceiptLine {
            sku: self.product.sku.clone(),
            qty: self.qty,
            price: self.product.price,
            discount: self.discount + self.promo.discount,
            promotions: self.promo.promotions.clone(),
            gift: false,
            marking: self.marking.clone(),
        }
    }

    /// Amount after the cashier's and the promotions' discounts.
    pub fn amount(&self) -> Money {
        self.qty.times(self.product.price) - self.discount - self.promo.discount
    }

    fn basket_line(&self) -> BasketLine<'_> {
        BasketLine::of(&self.product, self.qty, self.discount)
    }
}

/// A unit a promotion gives away, with its product card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartGift {
    /// The product.
    pub product: Product,
    /// How much.
    pub qty: Qty,
    /// The promotion that gives it.
    pub promotion: String,
}

impl CartGift {
    /// The receipt line this becomes: price 0.
    pub fn to_receipt_line(&self) -> ReceiptLine {
        ReceiptLine {
            sku: self.product.sku.clone(),
            qty: self.qty,
            price: Money::ZERO,
            discount: Money::ZERO,
            promotions: vec![PromoShare {
                promotion: self.promotion.as_str().into(),
                discount: Money::ZERO,
            }],
            gift: true,
            marking: None,
        }
    }
}

/// What the cashier has rung up so far (чек в работе). Pure data: the till
/// checks rights and reprices it with the promotions on every change, and
/// checks again when the receipt is paid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cart {
    lines: Vec<CartLine>,
    gifts: Vec<CartGift>,
    returning: bool,
}

impl Cart {
    /// An empty cart for a sale.
    pub fn new() -> Cart {
        Cart::default()
    }

    /// An empty cart for goods coming back with no sale receipt: priced at
    /// the shelf price less the cashier's discounts, no promotions (they
    /// reward buying, not bringing back).
    pub fn for_return() -> Cart {
        Cart {
            returning: true,
            ..Cart::default()
        }
    }

    /// A cart of goods coming back.
    pub fn is_return(&self) -> bool {
        self.returning
    }

    /// The lines, in the order rung up.
    pub fn lines(&self) -> &[CartLine] {
        &self.lines
    }

    /// Gifts the promotions give, as last priced.
    pub fn gifts(&self) -> &[CartGift] {
        &self.gifts
    }

    /// No lines.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines as the pricing engine takes them.
    pub fn basket(&self) -> Vec<BasketLine<'_>> {
        self.lines.iter().map(CartLine::basket_line).collect()
    }

    /// Stores what the engine worked out for [`Cart::basket`]: each line's
    /// promotions (by index) and the gifts, with their product cards.
    pub fn set_pricing(&mut self, lines: Vec<LinePricing>, gifts: Vec<CartGift>) -> Result<()> {
        if lines.len() != self.lines.len() {
            return Err(Error::invalid("the pricing is for another cart"));
        }
        for (line, promo) in self.lines.iter_mut().zip(lines) {
            line.promo = promo;
        }
        self.gifts = gifts;
        Ok(())
    }

    /// Whether the cart carries exactly this pricing.
    pub fn priced_as(&self, lines: &[LinePricing], gifts: &[Gift]) -> bool {
        self.lines.len() == lines.len()
            && self.lines.iter().zip(lines).all(|(line, promo)| line.promo == *promo)
            && self.gifts.len() == gifts.len()
            && self
                .gifts
                .iter()
                .zip(gifts)
                .all(|(a, b)| a.product.sku == b.sku && a.promotion == b.promotion && a.qty == b.qty)
    }

    /// Every receipt line: the rung-up lines, then the gifts.
    pub fn receipt_lines(&self) -> Vec<ReceiptLine> {
        self.lines
            .iter()
            .map(CartLine::to_receipt_line)
            .chain(self.gifts.iter().map(CartGift::to_receipt_line))
            .collect()
    }

    /// Adds a product. A piece product already in the cart without a
    /// discount gets its quantity raised (scanning twice means two);
    /// weighed goods get a line per weighing. Returns the line's index.
    pub fn add(&mut self, product: Product, qty: Qty) -> Result<usize> {
        product.check_line(qty)?;
        if product.marked {
            return Err(Error::MarkingRequired(product.name));
        }
        if product.unit == crate::catalog::Unit::Pcs {
            if let Some(index) = self
                .lines
                .iter()
                .position(|l| l.product == product && l.discount.is_zero() && l.marking.is_none())
            {
                let merged = Qty::parse(&(self.lines[index].qty.as_decimal() + qty.as_decimal()).to_string())
                    .map_err(|e| Error::amount("qty", e))?;
                product.check_line(merged)?;
                self.unprice();
                self.lines[index].qty = merged;
                return Ok(index);
            }
        }
        self.unprice();
        self.lines.push(CartLine {
            product,
            qty,
            discount: Money::ZERO,
            marking: None,
            promo: LinePricing::default(),
        });
        Ok(self.lines.len() - 1)
    }

    /// Adds one marked unit with its marking code (a line of its own; the
    /// same code twice is refused).
    pub fn add_marked(&mut self, product: Product, code: String) -> Result<usize> {
        if self
            .lines
            .iter()
            .any(|line| line.marking.as_deref() == Some(code.as_str()))
        {
            return Err(Error::MarkingInCart(product.name));
        }
        self.unprice();
        self.lines.push(CartLine {
            product,
            qty: Qty::ONE,
            discount: Money::ZERO,
            marking: Some(code),
            promo: LinePricing::default(),
        });
        Ok(self.lines.len() - 1)
    }

    /// Marking codes of the lines, by line index.
    pub fn markings(&self) -> Vec<(usize, String)> {
        self.lines
            .iter()
            .enumerate()
            .filter_map(|(index, line)| line.marking.clone().map(|code| (index, code)))
            .collect()
    }

    /// A line about to change: the promotions' result no longer holds
    /// until the till prices the cart again.
    fn line_mut(&mut self, index: usize) -> Result<&mut CartLine> {
        if index >= self.lines.len() {
            return Err(no_line(index));
        }
        self.unprice();
        self.lines.get_mut(index).ok_or_else(|| no_line(index))
    }

    /// Drops the promotions' result (stale after any change).
    fn unprice(&mut self) {
        for line in &mut self.lines {
            line.promo = LinePricing::default();
        }
        self.gifts.clear();
    }

    /// A line's gross amount, round_half_up(qty × price, 2), before discount.
    pub fn line_gross(&self, index: usize) -> Result<Money> {
        let line = self.lines.get(index).ok_or_else(|| no_line(index))?;
        Ok(line.qty.times(line.product.price))
    }

    /// Changes a line's quantity; a discount larger than the new gross is
    /// refused.
    pub fn set_qty(&mut self, index: usize, qty: Qty) -> Result<()> {
        let line = self.lines.get(index).ok_or_else(|| no_line(index))?;
        line.product.check_line(qty)?;
        if line.marking.is_some() && qty != Qty::ONE {
            return Err(Error::MarkedUnitOnly(line.product.name.clone()));
        }
        if qty.times(line.product.price) < line.discount {
            return Err(Error::DiscountOutsideLine {
                discount: line.discount,
                gross: qty.times(line.product.price),
            });
        }
        self.line_mut(index)?.qty = qty;
        Ok(())
    }

    /// Sets a line's discount in money (the till checks the actor's limit).
    pub fn set_discount(&mut self, index: usize, discount: Money) -> Result<()> {
        let gross = self.line_gross(index)?;
        if discount.is_negative() || discount > gross {
            return Err(Error::DiscountOutsideLine { discount, gross });
        }
        self.line_mut(index)?.discount = discount;
        Ok(())
    }

    /// Removes a line.
    pub fn remove(&mut self, index: usize) -> Result<CartLine> {
        self.line_mut(index)?;
        Ok(self.lines.remove(index))
    }

    /// Σ line amounts.
    pub fn total(&self) -> Money {
        Money::sum(self.lines.iter().map(CartLine::amount))
    }

    /// Empties the cart.
    pub fn clear(&mut self) {
        self.lines.clear();
        self.gifts.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::testing::{m, q};

    fn draft(lines: Vec<ReceiptLine>, payments: Vec<Payment>) -> ReceiptDraft {
        ReceiptDraft {
            buyer: None,
            id: "R1".into(),
            shift: "S1".into(),
            at: At::parse("2026-11-02T10:00:00+03:00").expect("time"),
            kind: ReceiptKind::Sale,
            cashier: None,
            lines,
            payments,
            return_of: None,
        }
    }

    fn line(sku: &str, qty: &str, price: &str, discount: &str) -> ReceiptLine {
        ReceiptLine::new(sku.into(), q(qty), m(price), m(discount))
    }

    #[test]
    fn cash_over_the_total_is_change() {
        // 0.456 kg × 189.90 = 86.5944 → 86.59; 3 × 45.50 = 136.50 − 6.50 = 130.00
        // total 216.59; card 100.00, cash 200.00 → change 83.41
        let receipt = Receipt::new(draft(
            vec![line("A", "0.456", "189.90", "0.00"), line("B", "3", "45.50", "6.50")],
            vec![Payment::card(m("100.00")), Payment::cash(m("200.00"))],
        ))
        .expect("valid");
        assert_eq!(receipt.total(), m("216.59"));
        assert_eq!(receipt.change(), m("83.41"));
        assert_eq!(receipt.net_by(PaymentMethod::Cash), m("116.59"));
        assert_eq!(receipt.net_by(PaymentMethod::Card), m("100.00"));
    }

    #[test]
    fn broken_arithmetic_cannot_be_built() {
        let short = Receipt::new(draft(
            vec![line("A", "1", "10.00", "0.00")],
            vec![Payment::cash(m("9.99"))],
        ));
        assert!(short
            .expect_err("underpaid")
            .to_string()
            .contains("payments cover 9.99 of 10.00"));
        let card_over = Receipt::new(draft(
            vec![line("A", "1", "10.00", "0.00")],
            vec![Payment::card(m("10.01"))],
        ));
        assert!(card_over.is_err());
        let negative = Receipt::new(draft(vec![line("A", "1", "10.00", "10.01")], vec![]));
        assert!(negative.is_err());
        let empty = Receipt::new(draft(vec![], vec![]));
        assert!(empty.is_err());
        let huge = Receipt::new(draft(vec![line("A", "999999999", "99999999999.99", "0.00")], vec![]));
        assert!(huge.expect_err("out of range").to_string().contains("out of range"));
        let mut ret = draft(vec![line("A", "1", "10.00", "0.00")], vec![Payment::cash(m("11.00"))]);
        ret.kind = ReceiptKind::Return;
        assert!(Receipt::new(ret).is_err(), "a refund gives no change");
    }

    #[test]
    fn cart_merges_pieces_and_checks_discounts() {
        let product = Product {
            sku: "A".into(),
            name: "Хлеб".into(),
            price: m("45.50"),
            cost: None,
            vat: crate::money::VatRate::Vat10,
            unit: crate::catalog::Unit::Pcs,
            category: None,
            barcodes: vec![],
            kind: crate::catalog::ProductKind::Goods,
            marked: false,
        };
        let mut cart = Cart::new();
        assert_eq!(cart.add(product.clone(), q("1")).expect("add"), 0);
        assert_eq!(cart.add(product.clone(), q("2")).expect("add"), 0);
        assert_eq!(cart.total(), m("136.50"));
        assert!(cart.add(product, q("0.5")).is_err(), "pieces are whole");
        assert!(cart.set_discount(0, m("136.51")).is_err());
        cart.set_discount(0, m("6.50")).expect("discount");
        assert_eq!(cart.total(), m("130.00"));
        assert!(cart.set_qty(0, q("0.1")).is_err());
        assert!(cart.remove(3).is_err());
    }
}
