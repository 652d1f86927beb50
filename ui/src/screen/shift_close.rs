//! Закрытие смены: what the books expect per method, the counted cash and
//! its difference, the collection, then the Z figures. The X report shares
//! the figures' layout.

use iced::widget::{column, row, text, Column};
use iced::Element;
use kassa::shift::ShiftTotals;

use crate::app::{parse_amount, Act, App, Message, ShiftClose};
use crate::format::{self, Lang};
use crate::text::texts;
use crate::view;

/// The shift closing screen.
pub fn view<'a>(app: &'a App, close: &'a ShiftClose) -> Element<'a, Message> {
    let t = texts(app.lang);
    let lang = app.lang;
    if let Some(z) = &close.closed {
        return column![
            view::title(&format!("{} · {}", t.z_report, z.shift)),
            text(opened_line(z, lang)).size(16),
            figures(z, lang),
            counted_lines(close, z, lang),
            view::key_button(t.log_out, "Enter", Act::Primary, true),
        ]
        .spacing(16)
        .into();
    }
    let figures = &close.figures;
    let expected_cash = figures.cash_in_drawer();
    let mut body = column![
        view::title(t.shift_close_title),
        text(opened_line(figures, lang)).size(16),
        text(t.expected).size(16).color(view::GREY),
        view::figure(t.cash, format::money(expected_cash, lang)),
        view::figure(t.card, format::money(figures.card.net(), lang)),
    ]
    .spacing(10);
    if !figures.other.net().is_zero() {
        body = body.push(view::figure(t.other, format::money(figures.other.net(), lang)));
    }
    body = body.push(view::field(t.counted, &close.counted, true));
    if let Some(counted) = parse_amount(&close.counted.text) {
        let difference = counted - expected_cash;
        let color = if difference.is_zero() { view::GREEN } else { view::RED };
        body = body.push(view::boxed(
            row![
                text(t.difference).size(24).width(iced::Length::Fill),
                text(format::money(difference, lang))
                    .size(30)
                    .font(view::BOLD)
                    .color(color),
            ],
            if difference.is_zero() {
                iced::Color::from_rgb(0.9, 0.97, 0.9)
            } else {
                iced::Color::from_rgb(1.0, 0.9, 0.88)
            },
        ));
    }
    body.push(
        row![
            view::key_button(t.collect, "F2", Act::Collect, false),
            view::key_button(t.close_shift, "Enter", Act::Primary, true),
            view::key_button(t.back, "Esc", Act::Back, false),
        ]
        .spacing(12),
    )
    .into()
}

/// The count the shift closed with, and its difference from the books.
fn counted_lines<'a>(close: &ShiftClose, z: &ShiftTotals, lang: Lang) -> Element<'a, Message> {
    let t = texts(lang);
    let Some(counted) = close.closed_count else {
        return Column::new().into();
    };
    let difference = counted - z.cash_in_drawer();
    Column::new()
        .spacing(6)
        .push(view::figure(t.counted, format::money(counted, lang)))
        .push(row![
            text(t.difference).size(19).width(iced::Length::Fill),
            text(format::money(difference, lang))
                .size(19)
                .font(view::BOLD)
                .color(if difference.is_zero() { view::GREEN } else { view::RED }),
        ])
        .into()
}

/// The X report on screen.
pub fn x_report<'a>(app: &'a App, totals: &'a ShiftTotals) -> Element<'a, Message> {
    let t = texts(app.lang);
    column![
        view::title(&format!("{} · {}", t.x_title, totals.shift)),
        text(opened_line(totals, app.lang)).size(16),
        figures(totals, app.lang),
        view::key_button(t.back, "Enter", Act::Primary, true),
    ]
    .spacing(16)
    .into()
}

/// The shift, when it opened (and closed), in local time.
fn opened_line(totals: &ShiftTotals, lang: Lang) -> String {
    let t = texts(lang);
    let mut line = format!(
        "{} {}: {}",
        t.shift_label,
        totals.shift,
        format::moment(totals.opened_at, lang)
    );
    if let Some(closed) = totals.closed_at {
        line.push_str(&format!(" — {}", format::moment(closed, lang)));
    }
    line
}

/// A shift's figures (X or Z).
fn figures<'a>(totals: &ShiftTotals, lang: Lang) -> Element<'a, Message> {
    let t = texts(lang);
    let m = |amount| format::money(amount, lang);
    Column::new()
        .spacing(6)
        .push(view::figure(
            t.sales,
            format!("{} · {}", totals.sales_count, m(totals.sales)),
        ))
        .push(view::figure(
            t.returns,
            format!("{} · {}", totals.returns_count, m(totals.returns)),
        ))
        .push(view::figure(t.cash, m(totals.cash.net())))
        .push(view::figure(t.card, m(totals.card.net())))
        .push(view::figure(t.cash_ins, m(totals.cash_in)))
        .push(view::figure(t.cash_outs, m(totals.cash_out)))
        .push(view::figure(t.collections, m(totals.collections)))
        .push(view::figure(t.in_drawer, m(totals.cash_in_drawer())))
        .into()
}
