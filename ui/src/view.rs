//! The look shared by the screens: buttons that show their key, fields,
//! the status line, big figures. Large targets for a touch screen; readable
//! at 1024×768.

use iced::widget::{button, column, container, row, text, Column};
use iced::{Background, Border, Color, Element, Font, Length};

use crate::app::{Act, App, Message, RegisterState, Screen};
use crate::format;
use crate::input::Field;
use crate::screen;
use crate::text::texts;

/// The bundled font (DejaVu Sans: Cyrillic, the rouble sign), so the till
/// looks the same on a bare machine.
pub const FONT_REGULAR: &[u8] = kassa::fonts::REGULAR;
/// Its bold face.
pub const FONT_BOLD: &[u8] = kassa::fonts::BOLD;
/// The font by name.
pub const FONT: Font = Font::with_name("DejaVu Sans");
/// The bold font.
pub const BOLD: Font = Font {
    weight: iced::font::Weight::Bold,
    ..FONT
};

/// Red for errors and differences.
pub const RED: Color = Color::from_rgb(0.75, 0.1, 0.1);
/// Green for what went through.
pub const GREEN: Color = Color::from_rgb(0.05, 0.5, 0.2);
/// Grey for hints.
pub const GREY: Color = Color::from_rgb(0.42, 0.42, 0.45);
/// The highlight of a selected line.
pub const SELECTED: Color = Color::from_rgb(0.84, 0.9, 1.0);

/// A button labelled with its key: `Оплата (F12)`.
pub fn key_button<'a>(label: &str, key: &str, act: Act, primary: bool) -> Element<'a, Message> {
    let caption = format!("{label} ({key})");
    let b = button(text(caption).size(17))
        .padding([12, 16])
        .on_press(Message::Act(act));
    if primary {
        b.style(button::primary).into()
    } else {
        b.style(button::secondary).into()
    }
}

/// A labelled field; the focused one shows a cursor and a strong border.
pub fn field<'a>(label: &str, field: &Field, focused: bool) -> Element<'a, Message> {
    let mut shown = field.shown();
    if focused {
        shown.push('▏');
    }
    let selected = field.selected && focused;
    let body = container(text(shown).size(24))
        .padding([8, 12])
        .width(Length::Fill)
        .style(move |theme: &iced::Theme| {
            let palette = theme.extended_palette();
            container::Style {
                background: Some(Background::Color(if selected { SELECTED } else { Color::WHITE })),
                border: Border {
                    color: if focused {
                        palette.primary.strong.color
                    } else {
                        palette.background.strong.color
                    },
                    width: if focused { 2.0 } else { 1.0 },
                    radius: 4.0.into(),
                },
                ..container::Style::default()
            }
        });
    column![text(label.to_owned()).size(15).color(GREY), body]
        .spacing(4)
        .into()
}

/// A highlighted box.
pub fn boxed<'a>(content: impl Into<Element<'a, Message>>, color: Color) -> Element<'a, Message> {
    boxed_padded(content, color, [12, 12])
}

/// The selected line of a list: highlighted, padded as the other lines.
pub fn selected_line<'a>(content: impl Into<Element<'a, Message>>) -> Element<'a, Message> {
    boxed_padded(content, SELECTED, [4, 12])
}

fn boxed_padded<'a>(content: impl Into<Element<'a, Message>>, color: Color, padding: [u16; 2]) -> Element<'a, Message> {
    container(content)
        .padding(padding)
        .width(Length::Fill)
        .style(move |_theme: &iced::Theme| container::Style {
            background: Some(Background::Color(color)),
            border: Border {
                radius: 6.0.into(),
                ..Border::default()
            },
            ..container::Style::default()
        })
        .into()
}

/// The whole window: the status line, the screen, the notice, and a form
/// or the help over it.
pub fn app(app: &App) -> Element<'_, Message> {
    let body: Element<'_, Message> = if app.help {
        screen::help::view(app)
    } else if let Some(form) = &app.form {
        screen::form::view(app, form)
    } else {
        match &app.screen {
            Screen::Boot(failed) => screen::login::boot(app, failed.as_deref()),
            Screen::Login(login) => screen::login::view(app, login),
            Screen::ShiftOpen(open) => screen::shift_open::view(app, open),
            Screen::Sale(sale) => screen::sale::view(app, sale),
            Screen::Payment(pay) => screen::payment::view(app, pay),
            Screen::Return(ret) => screen::refund::view(app, ret),
            Screen::ShiftClose(close) => screen::shift_close::view(app, close),
            Screen::XReport(totals) => screen::shift_close::x_report(app, totals),
        }
    };
    let mut page = Column::new()
        .push(status_line(app))
        .push(container(body).height(Length::Fill));
    if let Some(notice) = &app.notice {
        let color = if notice.error { RED } else { GREEN };
        page = page.push(text(notice.text.clone()).size(18).color(color));
    }
    container(page.spacing(10))
        .padding(16)
        .width(Length::Fill)
        .height(Length::Fill)
        .into()
}

/// Store, till, cashier, shift and the register, on one line.
fn status_line(app: &App) -> Element<'_, Message> {
    let t = texts(app.lang);
    let register = match app.register {
        RegisterState::None => t.register_none,
        RegisterState::Ready => t.register_ready,
        RegisterState::Busy => t.register_busy,
        RegisterState::Lost => t.register_lost,
        RegisterState::Attention => t.register_attention,
    };
    let mut parts = vec![app.store.clone(), app.till.clone()];
    if let Some(cashier) = &app.cashier {
        parts.push(cashier.clone());
    }
    if let Some(shift) = &app.shift {
        parts.push(format!("{} {shift}", t.shift_label));
    }
    let mut line = row![
        text(parts.join(" · ")).size(15).color(GREY).width(Length::Fill),
        text(register).size(15).color(match app.register {
            RegisterState::Lost | RegisterState::Attention => RED,
            _ => GREY,
        }),
    ]
    .spacing(12);
    if app.parked > 0 {
        line = line.push(text((t.parked)(app.parked)).size(15).color(RED));
    }
    line.into()
}

/// A title.
pub fn title<'a>(words: &str) -> Element<'a, Message> {
    text(words.to_owned()).size(30).font(BOLD).into()
}

/// Money in large figures.
pub fn big_money<'a>(label: &str, amount: kassa::money::Money, lang: format::Lang) -> Element<'a, Message> {
    row![
        text(label.to_owned()).size(30).width(Length::Fill),
        text(format::money(amount, lang)).size(44).font(BOLD),
    ]
    .align_y(iced::Alignment::Center)
    .into()
}

/// A label and a value on one line.
pub fn figure<'a>(label: &str, value: String) -> Element<'a, Message> {
    row![
        text(label.to_owned()).size(19).width(Length::Fill),
        text(value).size(19)
    ]
    .into()
}
