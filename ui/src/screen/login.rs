//! Авторизация: employee code and PIN.

use iced::widget::{column, container, text};
use iced::{Element, Length};

use crate::app::{Act, App, Login, Message};
use crate::text::texts;
use crate::view;

/// The login screen.
pub fn view<'a>(app: &'a App, login: &'a Login) -> Element<'a, Message> {
    let t = texts(app.lang);
    let form = column![
        view::title(t.login_title),
        view::field(t.employee, &login.employee, login.focus == 0),
        view::field(t.pin, &login.pin, login.focus == 1),
        view::key_button(t.log_in, "Enter", Act::Primary, true),
        view::key_button(t.language, "F11", Act::F11, false),
    ]
    .spacing(16)
    .max_width(420);
    container(form).center_x(Length::Fill).padding(40).into()
}

/// While the books open, or why they did not.
pub fn boot<'a>(app: &'a App, failed: Option<&'a str>) -> Element<'a, Message> {
    let t = texts(app.lang);
    match failed {
        None => text(t.loading).size(24).into(),
        Some(reason) => column![view::title(t.books_failed), text(reason).size(18)]
            .spacing(12)
            .into(),
    }
}
