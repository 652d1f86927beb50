//! F1: every key of the screen under it.

use iced::widget::{column, row, scrollable, text, Column};
use iced::{Element, Length};

use crate::app::{Act, App, Message, Screen};
use crate::text::texts;
use crate::view;

/// The help over the current screen.
pub fn view(app: &App) -> Element<'_, Message> {
    let t = texts(app.lang);
    let screen_keys = match app.screen {
        Screen::Boot(_) | Screen::Login(_) => t.keys_login,
        Screen::ShiftOpen(_) => t.keys_shift_open,
        Screen::Sale(_) | Screen::XReport(_) => t.keys_sale,
        Screen::Payment(_) => t.keys_payment,
        Screen::Return(_) => t.keys_return,
        Screen::ShiftClose(_) => t.keys_shift_close,
    };
    let lines = screen_keys.iter().chain(t.keys_everywhere).map(|(key, meaning)| {
        row![
            text(*key).size(19).font(view::BOLD).width(Length::Fixed(200.0)),
            text(*meaning).size(19).width(Length::Fill),
        ]
        .into()
    });
    column![
        view::title(t.help_title),
        // Room on the right for the scroll bar: no word under it.
        scrollable(
            Column::with_children(lines)
                .spacing(8)
                .padding(iced::Padding::ZERO.right(20))
        )
        .height(Length::Fill),
        view::key_button(t.back, "F1", Act::Help, true),
    ]
    .spacing(16)
    .into()
}
