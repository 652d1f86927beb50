//! Taking payment and giving refunds: the receipts a till books.

use crate::clock::At;
use crate::db::Ledger;
use crate::error::{Error, Result};
use crate::journal::Record;
use crate::money::{Money, Qty};
use crate::promo::{self};
use crate::sale::{Cart, Payment, PaymentMethod, Receipt, ReceiptDraft, ReceiptKind, ReceiptLine};
use crate::staff::Permission;

use super::*;

impl Till {
    /// Takes payment for the cart and books the sale receipt, with the
    /// promotions it was priced with. Cash may exceed what is due (the
    /// receipt's `change()` is given back). If the promotions in force no
    /// longer give the cart's prices, nothing is booked:
    /// [`Error::PricesChanged`] (reprice, show, take payment again).
    pub fn pay(&mut self, session: &Session, action: &ActionId, cart: &Cart, payments: &[Payment]) -> Result<Receipt> {
        if let Some(id) = self.db.action_result(action.as_str())? {
            return self.booked_receipt(id);
        }
        if cart.is_empty() {
            return Err(Error::EmptyCart);
        }
        if cart.is_return() {
            return Err(Error::WrongCart("this cart is for a return, not a sale"));
        }
        let shift = self.require_shift()?;
        self.fiscal_preflight(&shift)?;
        let fiscal = self.fiscal.is_some();
        let markings = cart.markings();
        let id = self.act(
            session,
            action,
            Permission::Sell,
            |ledger, employee, rights, now, store, till| {
                // Priced at the moment it is booked, with the promotions as
                // this transaction sees them, exactly as the cart shows it.
                let promotions = ledger.enabled_promotions()?;
                let pricing = promo::price(&cart.basket(), &promotions, store, now.time().naive_local());
                if !cart.priced_as(&pricing.lines, &pricing.gifts) {
                    let undiscounted = Money::sum(cart.lines().iter().map(|l| l.amount() + l.promo.discount));
                    return Err(Error::PricesChanged {
                        total: undiscounted - pricing.discount(),
                    });
                }
                check_cashier_discounts(cart, employee, rights)?;
                let lines = cart.receipt_lines();
                for (index, code) in &markings {
                    if ledger.marking_sold(code)? {
                        let product = cart
                            .lines()
                            .get(*index)
                            .map(|l| l.product.name.clone())
                            .unwrap_or_default();
                        return Err(Error::MarkingSold { product });
                    }
                }
                let id = book_receipt(
                    ledger,
                    &shift,
                    now,
                    &employee.id,
                    ReceiptKind::Sale,
                    lines,
                    payments.to_vec(),
                    None,
                    fiscal.then_some((store, till)),
                )?;
                Ok(id)
            },
        )?;
        self.after_booking(id)
    }

    /// After a receipt is booked: the register is nudged, the drawer opens
    /// for cash, and the receipt as booked is returned.
    fn after_booking(&mut self, id: String) -> Result<Receipt> {
        self.nudge_register();
        let receipt = self.booked_receipt(id)?;
        self.drawer_for_cash(&receipt);
        Ok(receipt)
    }

    /// Returns goods against a sale receipt (возврат по чеку). Each line is
    /// priced at what the buyer paid for it (its share of the line discount);
    /// the money goes back by the sale's methods, non-cash first, cash last.
    pub fn return_sale(
        &mut self,
        session: &Session,
        action: &ActionId,
        sale: &str,
        lines: &[ReturnLine],
    ) -> Result<Receipt> {
        if let Some(id) = self.db.action_result(action.as_str())? {
            return self.booked_receipt(id);
        }
        if lines.is_empty() {
            return Err(Error::NothingToReturn);
        }
        let shift = self.require_shift()?;
        self.fiscal_preflight(&shift)?;
        let fiscal = self.fiscal.is_some();
        let sale_markings = self.db.receipt_markings(sale)?;
        let id = self.act(
            session,
            action,
            Permission::Return,
            |ledger, employee, _, now, store, till| {
                let original = ledger.receipt(sale)?.ok_or_else(|| Error::NotFound {
                    what: "sale receipt",
                    id: sale.to_owned(),
                })?;
                if original.draft().kind != ReceiptKind::Sale {
                    return Err(Error::NotASale(sale.to_owned()));
                }
                let earlier = ledger.returns_of(sale)?;
                let mut receipt_lines = Vec::with_capacity(lines.len());
                for line in lines {
                    receipt_lines.push(priced_return_line(&original, &earlier, line)?);
                }
                // A marked unit goes back with its code from the sale.
                let mut markings = Vec::new();
                for (index, line) in lines.iter().enumerate() {
                    for (line_no, code) in &sale_markings {
                        let same_product = original.draft().lines.get(*line_no).is_some_and(|l| l.sku == line.sku);
                        let taken = markings.iter().any(|(_, c): &(usize, String)| c == code);
                        if same_product && !taken && ledger.marking_sold(code)? {
                            markings.push((index, code.clone()));
                            break;
                        }
                    }
                }
                for (index, code) in &markings {
                    if let Some(line) = receipt_lines.get_mut(*index) {
                        line.marking = Some(code.clone());
                    }
                }
                let total = Money::sum(receipt_lines.iter().map(ReceiptLine::amount));
                let mut payments = Vec::new();
                let mut left = total;
                for method in [PaymentMethod::Card, PaymentMethod::Other, PaymentMethod::Cash] {
                    let (paid, refunded) = ledger.refundable(sale, method)?;
                    let part = left.min(paid - refunded);
                    if part.is_positive() {
                        payments.push(Payment { method, amount: part });
                        left -= part;
                    }
                }
                let id = book_receipt(
                    ledger,
                    &shift,
                    now,
                    &employee.id,
                    ReceiptKind::Return,
                    receipt_lines,
                    payments,
                    Some(sale.to_owned()),
                    fiscal.then_some((store, till)),
                )?;
                Ok(id)
            },
        )?;
        self.after_booking(id)
    }

    /// Returns goods with no sale receipt (a separate right), refunded by
    /// the chosen method at the prices of a return cart
    /// ([`Cart::for_return`]: shelf prices less the cashier's discounts).
    pub fn return_without_receipt(
        &mut self,
        session: &Session,
        action: &ActionId,
        cart: &Cart,
        method: PaymentMethod,
    ) -> Result<Receipt> {
        if let Some(id) = self.db.action_result(action.as_str())? {
            return self.booked_receipt(id);
        }
        if cart.is_empty() {
            return Err(Error::EmptyCart);
        }
        if !cart.is_return() {
            return Err(Error::WrongCart("ring up the goods coming back in a return cart"));
        }
        let shift = self.require_shift()?;
        self.fiscal_preflight(&shift)?;
        let fiscal = self.fiscal.is_some();
        let id = self.act(
            session,
            action,
            Permission::ReturnWithoutReceipt,
            |ledger, employee, rights, now, store, till| {
                // Shelf prices less the cashier's discounts, whatever
                // pricing the cart may carry.
                check_cashier_discounts(cart, employee, rights)?;
                let lines: Vec<ReceiptLine> = cart
                    .lines()
                    .iter()
                    .map(|l| ReceiptLine {
                        marking: l.marking.clone(),
                        ..ReceiptLine::new(l.product.sku.clone(), l.qty, l.product.price, l.discount)
                    })
                    .collect();
                let total = Money::sum(lines.iter().map(ReceiptLine::amount));
                let payments = if total.is_positive() {
                    vec![Payment { method, amount: total }]
                } else {
                    vec![]
                };
                let id = book_receipt(
                    ledger,
                    &shift,
                    now,
                    &employee.id,
                    ReceiptKind::Return,
                    lines,
                    payments,
                    None,
                    fiscal.then_some((store, till)),
                )?;
                Ok(id)
            },
        )?;
        self.after_booking(id)
    }
}

/// Refuses a receipt the register cannot print: an amount past its money
/// fields (a price, a line, a payment, all payments together).
pub(super) fn check_register_limits(receipt: &Receipt) -> Result<()> {
    let draft = receipt.draft();
    for line in &draft.lines {
        crate::fiscal::check_amount(line.price)?;
        crate::fiscal::check_amount(line.qty.times(line.price))?;
    }
    for payment in &draft.payments {
        crate::fiscal::check_amount(payment.amount)?;
    }
    crate::fiscal::check_amount(Money::sum(draft.payments.iter().map(|p| p.amount)))
}

/// Numbers and books a receipt of this till's shift; returns its id. With
/// a register (`register`: the till's store and id) it is refused before
/// anything is written if the register cannot print it, and queued for
/// the register in the same transaction, unless its total is zero: it
/// moved no money and needs no fiscal receipt (a register refuses one).
#[allow(clippy::too_many_arguments)]
pub(super) fn book_receipt(
    ledger: &mut Ledger<'_>,
    shift: &str,
    at: At,
    cashier: &str,
    kind: ReceiptKind,
    lines: Vec<ReceiptLine>,
    payments: Vec<Payment>,
    return_of: Option<String>,
    register: Option<(&str, &str)>,
) -> Result<String> {
    let id = format!("{shift}-{:04}", ledger.receipt_count(shift)? + 1);
    let receipt = Receipt::new(ReceiptDraft {
        buyer: None,
        id: id.clone(),
        shift: shift.to_owned(),
        at,
        kind,
        cashier: Some(cashier.to_owned()),
        lines,
        payments,
        return_of,
    })?;
    if register.is_some() {
        check_register_limits(&receipt)?;
    }
    let total = receipt.total();
    // The till numbered this receipt: a refusal names the cause, not a
    // receipt that was never made.
    ledger.apply(Record::Receipt(receipt)).map_err(|e| e.root().clone())?;
    if let Some((store, till)) = register.filter(|_| !total.is_zero()) {
        ledger.queue_fiscal(&id, store, till, cashier)?;
    }
    Ok(id)
}

/// Prices a returned quantity at what the buyer paid: its share of the
/// sale's lines of that product, the last return taking the exact rest so
/// that returning everything refunds the sale's amount to the kopeck.
pub(super) fn priced_return_line(sale: &Receipt, earlier: &[Receipt], line: &ReturnLine) -> Result<ReceiptLine> {
    let sold: Vec<&ReceiptLine> = sale.draft().lines.iter().filter(|l| l.sku == line.sku).collect();
    if sold.is_empty() {
        return Err(Error::NotInSale {
            sale: sale.id().to_owned(),
            sku: line.sku.clone(),
        });
    }
    let sold_milli: i64 = sold.iter().map(|l| l.qty.milli()).sum();
    let sold_amount = Money::sum(sold.iter().map(|l| l.amount()));
    let returned = earlier
        .iter()
        .flat_map(|r| r.draft().lines.iter())
        .filter(|l| l.sku == line.sku);
    let (returned_milli, returned_amount) =
        returned.fold((0i64, Money::ZERO), |(q, a), l| (q + l.qty.milli(), a + l.amount()));
    let asked = line.qty.milli();
    if asked > sold_milli - returned_milli {
        return Err(Error::ReturnExceedsSale {
            sku: line.sku.clone(),
            requested: line.qty,
            available: Qty::from_milli(sold_milli - returned_milli).map_or_else(|| "0".to_owned(), |q| q.to_string()),
            sale: sale.id().to_owned(),
        });
    }
    // What the buyer paid for everything returned so far plus this, less
    // what earlier returns refunded: rounding never adds up past the sale.
    let due = Money::round(
        sold_amount.as_decimal() * rust_decimal::Decimal::new(returned_milli + asked, 3)
            / rust_decimal::Decimal::new(sold_milli, 3),
    );
    let amount = (due - returned_amount).max(Money::ZERO);
    let price = sold.iter().map(|l| l.price).max().unwrap_or(Money::ZERO);
    let gross = line.qty.times(price);
    let discount = gross - amount;
    if discount.is_negative() {
        return Err(Error::invalid(format!(
            "cannot price the return of {} at {amount}",
            line.sku
        )));
    }
    Ok(ReceiptLine::new(line.sku.clone(), line.qty, price, discount))
}
