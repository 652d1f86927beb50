//! The small forms over a screen: the float, cash in and out, a line
//! discount, the collection, clearing the cart.

use iced::widget::{column, container, row, text};
use iced::{Element, Length};
use kassa::shift::CashOutReason;

use crate::app::{Act, App, Form, FormKind, Message};
use crate::text::texts;
use crate::view;

/// The open form.
pub fn view<'a>(app: &'a App, form: &'a Form) -> Element<'a, Message> {
    let t = texts(app.lang);
    let (title, button) = match form.kind {
        FormKind::Float => (t.deposit_float, t.deposit),
        FormKind::CashIn => (t.cash_in, t.cash_in),
        FormKind::CashOut => (t.cash_out, t.cash_out),
        FormKind::Discount => (t.discount_title, t.apply),
        FormKind::Collect => (t.collect, t.collect_take),
        FormKind::ClearCart => (t.clear_cart, t.yes),
    };
    let mut body = column![view::title(title)].spacing(16).max_width(520);
    match form.kind {
        FormKind::ClearCart => body = body.push(text(t.clear_cart_confirm).size(20)),
        FormKind::Discount => {
            let line = app.cart.cart.lines().get(app.selected);
            if let Some(line) = line {
                body = body.push(text(line.product.name.clone()).size(20));
            }
            body = body.push(view::field(t.discount_hint, &form.amount, true));
        }
        _ => body = body.push(view::field(t.amount, &form.amount, true)),
    }
    if form.kind == FormKind::CashOut {
        let reason = |r: CashOutReason, label: &str| {
            let mark = if form.reason == r { "●" } else { "○" };
            text(format!("{mark} {label}")).size(19)
        };
        body = body.push(
            column![
                text(t.reason).size(15).color(view::GREY),
                reason(CashOutReason::Expense, t.expense),
                reason(CashOutReason::Other, t.other_reason),
                text(t.reason_hint).size(14).color(view::GREY),
            ]
            .spacing(4),
        );
    }
    let no = if form.kind == FormKind::ClearCart { t.no } else { t.back };
    body = body.push(
        row![
            view::key_button(button, "Enter", Act::Primary, true),
            view::key_button(no, "Esc", Act::Back, false),
        ]
        .spacing(16),
    );
    container(body).center_x(Length::Fill).padding(30).into()
}
