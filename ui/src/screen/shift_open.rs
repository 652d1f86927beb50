//! Открытие смены: the float, then the opening.

use iced::widget::{column, row};
use iced::Element;
use kassa::money::Money;

use crate::app::{Act, App, Message, ShiftOpen};
use crate::text::texts;
use crate::view;

/// The shift opening screen.
pub fn view<'a>(app: &'a App, open: &'a ShiftOpen) -> Element<'a, Message> {
    let t = texts(app.lang);
    column![
        view::title(t.shift_open_title),
        view::big_money(t.in_drawer, open.float.unwrap_or(Money::ZERO), app.lang),
        row![
            view::key_button(t.deposit_float, "F2", Act::DepositFloat, false),
            view::key_button(t.open_shift, "Enter", Act::Primary, true),
        ]
        .spacing(16),
    ]
    .spacing(24)
    .into()
}
