//! Оплата: tenders one after another, then the receipt booked and sent
//! to the register; the change in large figures.

use iced::widget::{column, row, text, Column};
use iced::Element;
use kassa::sale::PaymentMethod;

use crate::app::{self, Act, App, FiscalShown, Message, Pay, PayStage};
use crate::format::{self, Lang};
use crate::text::texts;
use crate::view;

/// The payment screen.
pub fn view<'a>(app: &'a App, pay: &'a Pay) -> Element<'a, Message> {
    let t = texts(app.lang);
    let lang = app.lang;
    let mut body = column![view::title(t.payment_title), view::big_money(t.to_pay, pay.total, lang)].spacing(16);
    let mut tenders = Column::new().spacing(4);
    for tender in &pay.tenders {
        tenders = tenders.push(view::figure(
            method(tender.method, lang),
            format::money(tender.amount, lang),
        ));
    }
    body = body.push(tenders);
    match &pay.stage {
        PayStage::Tendering => {
            body = body
                .push(view::figure(t.left_to_pay, format::money(app::left_to_pay(pay), lang)))
                .push(view::field(t.amount, &pay.amount, true))
                .push(
                    row![
                        view::key_button(t.by_cash, "Enter", Act::Primary, true),
                        view::key_button(t.by_card, "F6", Act::Card, false),
                        view::key_button(t.back, "Esc", Act::Back, false),
                    ]
                    .spacing(12),
                );
        }
        PayStage::Booking => body = body.push(text(t.booking).size(22)),
        PayStage::Done { receipt, fiscal } => {
            body = body
                .push(view::big_money(t.change, receipt.change(), lang))
                .push(fiscal_line(fiscal, lang))
                .push(done_buttons(fiscal, lang));
        }
    }
    body.into()
}

/// After a booking: the next sale, and sending again while the register
/// has not taken the receipt.
pub fn done_buttons<'a>(fiscal: &FiscalShown, lang: Lang) -> Element<'a, Message> {
    let t = texts(lang);
    let mut buttons =
        iced::widget::Row::new()
            .spacing(12)
            .push(view::key_button(t.next_sale, "Enter", Act::Primary, true));
    if matches!(fiscal, FiscalShown::Waiting(_)) {
        buttons = buttons.push(view::key_button(t.retry, "F5", Act::Retry, false));
    }
    buttons.into()
}

/// The register's part, in words.
pub fn fiscal_line<'a>(fiscal: &FiscalShown, lang: Lang) -> Element<'a, Message> {
    let t = texts(lang);
    let (words, color) = match fiscal {
        FiscalShown::Sending => (t.sending.to_owned(), view::GREY),
        FiscalShown::Waiting(advice) => (advice.clone(), view::RED),
        FiscalShown::Registered { number, sign } => ((t.fiscal_document)(*number, *sign), view::GREEN),
        FiscalShown::Refused(reason) => (format!("{reason}. {}", t.kept_and_retried), view::RED),
        FiscalShown::NotFiscal => (t.not_fiscal.to_owned(), view::GREY),
        FiscalShown::NoRegister => (t.no_register.to_owned(), view::GREY),
    };
    text(words).size(22).color(color).into()
}

/// A payment method's name.
pub fn method(method: PaymentMethod, lang: Lang) -> &'static str {
    let t = texts(lang);
    match method {
        PaymentMethod::Cash => t.cash,
        PaymentMethod::Card => t.card,
        _ => t.other,
    }
}
