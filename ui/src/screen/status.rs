//! The till's status (Состояние кассы): the store, and every shift with its
//! Z figures and the cash that should be in the drawer.

use std::path::{Path, PathBuf};

use iced::widget::{button, column, container, row, scrollable, text, Column};
use iced::{Element, Length, Task};
use kassa::shift::ShiftTotals;
use kassa::Books;

use crate::format::{self, Lang};

/// What the screen shows, read from the books.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// Store name.
    pub store: String,
    /// Every shift of the store, by opening time.
    pub shifts: Vec<ShiftTotals>,
}

/// The screen's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Reading the books.
    Loading,
    /// Shown.
    Ready(Snapshot),
    /// The books could not be read; the reason in plain words.
    Failed(String),
}

/// What can happen on this screen.
#[derive(Debug, Clone)]
pub enum Message {
    /// The books were read.
    Loaded(Result<Snapshot, String>),
    /// Read them again.
    Refresh,
}

/// Reads the books at `path` through the core's one door; books that do
/// not exist are not made here (`kassa init --demo` makes the demo's).
pub fn load(path: PathBuf) -> Result<Snapshot, String> {
    // The core's errors are data: the screen says them in its language.
    let books = Books::open_existing(&path).map_err(|error| match error {
        kassa::Error::NoBooks(path) => format!(
            "Базы {} нет: создайте её командой `kassa --db {} init --demo` (или init для пустой)",
            path.display(),
            path.display()
        ),
        other => other.to_string(),
    })?;
    let store = books
        .stores()
        .map_err(|e| e.to_string())?
        .into_iter()
        .next()
        .ok_or_else(|| "the database has no store".to_owned())?;
    let shifts = books.shifts(&store.id).map_err(|e| e.to_string())?;
    Ok(Snapshot {
        store: store.name,
        shifts,
    })
}

impl Status {
    /// Handles a message; reading the books runs off the UI thread.
    pub fn update(&mut self, message: Message, path: &Path) -> Task<Message> {
        match message {
            Message::Loaded(Ok(snapshot)) => {
                *self = Status::Ready(snapshot);
                Task::none()
            }
            Message::Loaded(Err(reason)) => {
                *self = Status::Failed(reason);
                Task::none()
            }
            Message::Refresh => {
                *self = Status::Loading;
                let path = path.to_path_buf();
                Task::perform(async move { load(path) }, Message::Loaded)
            }
        }
    }

    /// Draws the screen.
    pub fn view(&self) -> Element<'_, Message> {
        let lang = Lang::Ru;
        let body: Element<'_, Message> = match self {
            Status::Loading => text("Загрузка…").size(24).into(),
            Status::Failed(reason) => column![
                text("Не удалось открыть базу").size(24),
                text(reason.as_str()),
                button("Повторить (F5)").on_press(Message::Refresh),
            ]
            .spacing(12)
            .into(),
            Status::Ready(snapshot) => {
                let header = row![
                    text("Смена").width(Length::FillPortion(3)),
                    text("Открыта").width(Length::FillPortion(4)),
                    text("Продажи").width(Length::FillPortion(3)),
                    text("Возвраты").width(Length::FillPortion(3)),
                    text("Наличные").width(Length::FillPortion(3)),
                    text("Карта").width(Length::FillPortion(3)),
                    text("В кассе").width(Length::FillPortion(3)),
                ]
                .spacing(8);
                let rows = snapshot.shifts.iter().map(|s| {
                    let opened = format::moment(s.opened_at, lang);
                    let state = if s.closed_at.is_some() { "" } else { " (открыта)" };
                    row![
                        text(format!("{}{state}", s.shift)).width(Length::FillPortion(3)),
                        text(opened).width(Length::FillPortion(4)),
                        text(format!("{} · {}", s.sales_count, format::money(s.sales, lang)))
                            .width(Length::FillPortion(3)),
                        text(format!("{} · {}", s.returns_count, format::money(s.returns, lang)))
                            .width(Length::FillPortion(3)),
                        text(format::money(s.cash.net(), lang)).width(Length::FillPortion(3)),
                        text(format::money(s.card.net(), lang)).width(Length::FillPortion(3)),
                        text(format::money(s.cash_in_drawer(), lang)).width(Length::FillPortion(3)),
                    ]
                    .spacing(8)
                    .into()
                });
                let table = Column::with_children(rows).spacing(6);
                column![
                    text(snapshot.store.as_str()).size(28),
                    text(format!("Смен: {}", snapshot.shifts.len())).size(16),
                    header,
                    scrollable(table).height(Length::Fill),
                    button("Обновить (F5)").on_press(Message::Refresh).padding(12),
                ]
                .spacing(14)
                .into()
            }
        };
        container(body)
            .padding(24)
            .width(Length::Fill)
            .height(Length::Fill)
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo's books, as `kassa init --demo` makes them.
    fn demo(dir: &Path) -> PathBuf {
        let path = dir.join("till.db");
        Books::open(&path)
            .expect("open")
            .load_demo(&kassa::clock::SystemClock, None)
            .expect("demo");
        path
    }

    #[test]
    fn missing_books_are_not_made_by_the_screen() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("none.db");
        let error = load(path.clone()).expect_err("no books");
        assert!(error.contains("init --demo"), "{error}");
        assert!(error.starts_with("Базы"), "{error}");
        assert!(!path.exists(), "no database was created");
    }

    #[test]
    fn the_demo_books_show_the_demo_day() {
        let dir = tempfile::tempdir().expect("tempdir");
        let snapshot = load(demo(dir.path())).expect("load");
        assert_eq!(snapshot.store, "Магазин «У дома»");
        // The demo day's shift and the paperwork day's.
        assert_eq!(snapshot.shifts.len(), 2);
        let shift = &snapshot.shifts[0];
        assert_eq!(shift.shift, "SH-1");
        assert_eq!(format::money(shift.sales, Lang::Ru), "3\u{a0}057,88\u{a0}₽");
        assert_eq!(format::money(shift.cash_in_drawer(), Lang::Ru), "2\u{a0}773,94\u{a0}₽");
    }

    #[test]
    fn the_screen_shows_the_figures_and_f5_button_refreshes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let screen = Status::Ready(load(demo(dir.path())).expect("load"));
        let mut ui = iced_test::simulator(screen.view());
        for shown in [
            "Магазин «У дома»",
            "SH-1",
            "02.11.2026 09:00",
            "7 · 3\u{a0}057,88\u{a0}₽",
            "2\u{a0}773,94\u{a0}₽",
        ] {
            assert!(ui.find(shown).is_ok(), "{shown} is on the screen");
        }
        assert!(ui.find("S1-T9-00001").is_err(), "no shift that is not in the books");
        ui.click("Обновить (F5)").expect("the refresh button");
        let messages: Vec<Message> = ui.into_messages().collect();
        assert!(matches!(messages.as_slice(), [Message::Refresh]), "{messages:?}");
    }

    #[test]
    fn loading_answers_become_the_screen() {
        let path = PathBuf::from("unused.db");
        let mut screen = Status::Loading;
        let _ = screen.update(Message::Loaded(Err("диск недоступен".into())), &path);
        assert_eq!(screen, Status::Failed("диск недоступен".into()));
        let snapshot = Snapshot {
            store: "Магазин".into(),
            shifts: vec![],
        };
        let _ = screen.update(Message::Loaded(Ok(snapshot.clone())), &path);
        assert_eq!(screen, Status::Ready(snapshot));
        let _ = screen.update(Message::Refresh, &path);
        assert_eq!(screen, Status::Loading);
    }
}
