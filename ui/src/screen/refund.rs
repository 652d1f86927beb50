//! Возврат: the sale by its receipt number, the lines and quantities
//! within what may still come back, the refund by the sale's methods.

use iced::widget::{column, container, row, text, Column};
use iced::{Element, Length};

use crate::app::{Act, App, Message, PayStage, Return};
use crate::format;
use crate::screen::payment::{done_buttons, fiscal_line, method};
use crate::screen::sale::{window_start, ROWS};
use crate::text::texts;
use crate::view;

/// The return screen.
pub fn view<'a>(app: &'a App, ret: &'a Return) -> Element<'a, Message> {
    let t = texts(app.lang);
    let lang = app.lang;
    let mut body = column![view::title(t.return_title)].spacing(14);
    let Some(sale) = &ret.sale else {
        return body
            .push(view::field(t.receipt_number, &ret.number, true))
            .push(
                row![
                    view::key_button(t.find, "Enter", Act::Primary, true),
                    view::key_button(t.back, "Esc", Act::Back, false),
                ]
                .spacing(12),
            )
            .into();
    };
    body = body.push(text(format!("{}: {sale}", t.receipt_number)).size(18));
    if let PayStage::Done { receipt, fiscal } = &ret.stage {
        let mut refunds = Column::new().spacing(4);
        for payment in &receipt.draft().payments {
            refunds = refunds.push(view::figure(
                method(payment.method, lang),
                format::money(payment.amount, lang),
            ));
        }
        return body
            .push(view::big_money(t.refund_total, receipt.total(), lang))
            .push(refunds)
            .push(fiscal_line(fiscal, lang))
            .push(done_buttons(fiscal, lang))
            .into();
    }
    let header = row![
        text(t.product).size(15).color(view::GREY).width(Length::FillPortion(8)),
        text(t.sold).size(15).color(view::GREY).width(Length::FillPortion(3)),
        text(t.returnable)
            .size(15)
            .color(view::GREY)
            .width(Length::FillPortion(3)),
        text(t.sum).size(15).color(view::GREY).width(Length::FillPortion(3)),
        text(t.to_return)
            .size(15)
            .color(view::GREY)
            .width(Length::FillPortion(3)),
    ]
    .spacing(8)
    .padding([0, 12]);
    let mut rows = Column::new().spacing(2).push(header);
    let start = window_start(ret.selected, ret.lines.len(), ROWS);
    for (index, line) in ret.lines.iter().enumerate().skip(start).take(ROWS) {
        let chosen = ret.chosen.get(index).copied().flatten();
        let shown = row![
            text(line.name.clone()).size(18).width(Length::FillPortion(8)),
            text(format::qty(line.sold, line.unit, lang))
                .size(18)
                .width(Length::FillPortion(3)),
            text(match line.returnable {
                Some(left) => format::qty(left, line.unit, lang),
                None => format::nothing(line.unit, lang),
            })
            .size(18)
            .width(Length::FillPortion(3)),
            text(format::money(line.paid, lang))
                .size(18)
                .width(Length::FillPortion(3)),
            text(chosen.map(|q| format::qty(q, line.unit, lang)).unwrap_or_default())
                .size(18)
                .font(view::BOLD)
                .width(Length::FillPortion(3)),
        ]
        .spacing(8);
        rows = rows.push(if index == ret.selected {
            view::selected_line(shown)
        } else {
            container(shown).padding([4, 12]).into()
        });
    }
    body = body.push(container(rows).height(Length::Fill));
    if matches!(ret.stage, PayStage::Booking) {
        return body.push(text(t.booking).size(22)).into();
    }
    body.push(text(t.return_lines_hint).size(15).color(view::GREY))
        .push(view::field(t.to_return, &ret.qty, true))
        .push(
            row![
                view::key_button(t.to_return, "Enter", Act::Primary, false),
                view::key_button(t.book_return, "F12", Act::F12, true),
                view::key_button(t.back, "Esc", Act::Back, false),
            ]
            .spacing(12),
        )
        .into()
}
