//! Продажа: the input line, the cart and the total. The cart shows a
//! window of lines around the selected one: a scan into a 1,000-line cart
//! lays out a screenful, never the whole cart.

use iced::widget::{column, container, row, text, Column};
use iced::{Element, Length};
use kassa::sale::CartLine;

use crate::app::{Act, App, Message, Sale};
use crate::format;
use crate::text::texts;
use crate::view;

/// Lines on screen at once where the height is not measured (results,
/// the return's lines).
pub const ROWS: usize = 9;
/// The height of a cart line (its promotions' names included), so the
/// window of lines is counted from the height the screen gives it.
const ROW_HEIGHT: f32 = 48.0;
/// The cart's header line.
const HEADER_HEIGHT: f32 = 24.0;

/// The first line of a window of `rows` lines that shows `selected`.
pub fn window_start(selected: usize, lines: usize, rows: usize) -> usize {
    if lines <= rows {
        return 0;
    }
    selected.saturating_sub(rows - 1).min(lines - rows)
}

/// The sale screen.
pub fn view<'a>(app: &'a App, sale: &'a Sale) -> Element<'a, Message> {
    let t = texts(app.lang);
    let lang = app.lang;
    let cart = &app.cart.cart;
    let mut input_label = t.input_hint.to_owned();
    if let Some(qty) = sale.pending {
        input_label = format!(
            "{}: {} × — {input_label}",
            t.pending_qty,
            qty.to_string().replace('.', ",")
        );
    }
    let input = view::field(&input_label, &sale.input, true);
    let body: Element<'a, Message> = match &sale.results {
        Some(results) => {
            let rows = results
                .products
                .iter()
                .enumerate()
                .skip(results.selected.saturating_sub(ROWS - 1))
                .take(ROWS)
                .map(|(i, product)| {
                    let line = row![
                        text(product.name.clone()).size(19).width(Length::FillPortion(6)),
                        text(product.sku.clone())
                            .size(16)
                            .color(view::GREY)
                            .width(Length::FillPortion(2)),
                        text(format::money(product.price, lang))
                            .size(19)
                            .width(Length::FillPortion(2)),
                    ]
                    .spacing(8);
                    let line = iced::widget::button(line)
                        .on_press(Message::Act(Act::Pick(i)))
                        .padding([8, 8])
                        .width(Length::Fill)
                        .style(iced::widget::button::text);
                    if i == results.selected {
                        view::selected_line(line)
                    } else {
                        line.into()
                    }
                });
            column![
                text(t.found).size(16).color(view::GREY),
                Column::with_children(rows).spacing(2)
            ]
            .spacing(6)
            .height(Length::Fill)
            .into()
        }
        None if cart.is_empty() => container(text(t.empty_cart).size(20).color(view::GREY))
            .height(Length::Fill)
            .center_x(Length::Fill)
            .padding(40)
            .into(),
        None => cart_table(app),
    };
    let buttons = row![
        view::key_button(t.pay, "F12", Act::F12, true),
        view::key_button(t.discount, "F7", Act::Discount, false),
        view::key_button(t.delete, "Del", Act::Delete, false),
        view::key_button(t.cash_in, "F3", Act::CashIn, false),
        view::key_button(t.cash_out, "F4", Act::CashOut, false),
    ]
    .spacing(8);
    let more = row![
        view::key_button(t.refund, "F8", Act::Return, false),
        view::key_button(t.x_report, "F9", Act::XReport, false),
        view::key_button(t.exit, "F10", Act::Exit, false),
        view::key_button(t.open_drawer, "F11", Act::F11, false),
        view::key_button(t.help, "F1", Act::Help, false),
    ]
    .spacing(8);
    let total = view::big_money(t.total, cart.total(), lang);
    column![
        input,
        body,
        row![text((t.lines_count)(cart.lines().len())).size(16).color(view::GREY),],
        total,
        buttons,
        more
    ]
    .spacing(10)
    .into()
}

/// The window of cart lines around the selected one, as many as the
/// height holds (the selected line always among them), and the gifts.
// Pixels, not money: the one float here counts what fits on screen.
#[allow(clippy::float_arithmetic, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn cart_table(app: &App) -> Element<'_, Message> {
    iced::widget::responsive(move |size| {
        let fit = ((size.height - HEADER_HEIGHT) / ROW_HEIGHT).floor();
        let rows = if fit >= 1.0 { fit as usize } else { 1 };
        cart_rows(app, rows)
    })
    .into()
}

fn cart_rows(app: &App, rows_on_screen: usize) -> Element<'_, Message> {
    let t = texts(app.lang);
    let lang = app.lang;
    let lines = app.cart.cart.lines();
    let header = row![
        text(t.product).size(15).color(view::GREY).width(Length::FillPortion(8)),
        text(t.qty).size(15).color(view::GREY).width(Length::FillPortion(3)),
        text(t.price).size(15).color(view::GREY).width(Length::FillPortion(3)),
        text(t.discount)
            .size(15)
            .color(view::GREY)
            .width(Length::FillPortion(3)),
        text(t.sum).size(15).color(view::GREY).width(Length::FillPortion(3)),
    ]
    .spacing(8)
    .padding([0, 12])
    .height(Length::Fixed(HEADER_HEIGHT));
    // The gifts take lines of the window too.
    let gifts = app.cart.cart.gifts().len().min(rows_on_screen.saturating_sub(1));
    let window = rows_on_screen - gifts;
    let start = window_start(app.selected, lines.len(), window);
    let mut rows = Column::new().push(header);
    for (index, line) in lines.iter().enumerate().skip(start).take(window) {
        let shown = cart_row(app, index, line);
        let shown: Element<'_, Message> = if index == app.selected {
            view::selected_line(shown)
        } else {
            container(shown).padding([4, 12]).into()
        };
        rows = rows.push(container(shown).height(Length::Fixed(ROW_HEIGHT)));
    }
    for gift in app.cart.cart.gifts().iter().take(gifts) {
        let promotion = app
            .cart
            .promotions
            .get(&gift.promotion)
            .cloned()
            .unwrap_or_else(|| gift.promotion.clone());
        let shown = row![
            column![
                text(gift.product.name.clone()).size(18),
                text(format!("{} · {promotion}", t.gift)).size(14).color(view::GREEN),
            ]
            .width(Length::FillPortion(8)),
            text(format::qty(gift.qty, gift.product.unit, lang))
                .size(18)
                .width(Length::FillPortion(3)),
            text(format::money(kassa::money::Money::ZERO, lang))
                .size(18)
                .width(Length::FillPortion(3)),
            text("").width(Length::FillPortion(3)),
            text(format::money(kassa::money::Money::ZERO, lang))
                .size(18)
                .width(Length::FillPortion(3)),
        ]
        .spacing(8);
        rows = rows.push(container(shown).padding([4, 12]).height(Length::Fixed(ROW_HEIGHT)));
    }
    container(rows).height(Length::Fill).into()
}

/// One cart line: product (and its promotions), quantity, price,
/// discount, amount.
fn cart_row<'a>(app: &'a App, index: usize, line: &'a CartLine) -> Element<'a, Message> {
    let lang = app.lang;
    let mut name = column![text(format!("{}. {}", index + 1, line.product.name)).size(18)];
    if !line.promo.promotions.is_empty() {
        let names: Vec<String> = line
            .promo
            .promotions
            .iter()
            .map(|share| {
                app.cart
                    .promotions
                    .get(share.promotion.as_ref())
                    .cloned()
                    .unwrap_or_else(|| share.promotion.to_string())
            })
            .collect();
        name = name.push(text(names.join(", ")).size(14).color(view::GREEN));
    }
    let discount = line.discount + line.promo.discount;
    row![
        name.width(Length::FillPortion(8)),
        text(format::qty(line.qty, line.product.unit, lang))
            .size(18)
            .width(Length::FillPortion(3)),
        text(format::money(line.product.price, lang))
            .size(18)
            .width(Length::FillPortion(3)),
        text(if discount.is_zero() {
            String::new()
        } else {
            format::money(discount, lang)
        })
        .size(18)
        .width(Length::FillPortion(3)),
        text(format::money(line.amount(), lang))
            .size(18)
            .font(view::BOLD)
            .width(Length::FillPortion(3)),
    ]
    .spacing(8)
    .into()
}
