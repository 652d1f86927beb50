//! `kassa-till`: the desktop till. For now it opens on the till's status;
//! the cashier's and owner's screens come with the GUI issue.

use std::path::PathBuf;

use iced::keyboard::{self, key::Named, Key};
use iced::{Element, Size, Subscription, Task};
use kassa_ui::screen::status::{self, Status};

struct Till {
    db: PathBuf,
    status: Status,
}

#[derive(Debug, Clone)]
enum Message {
    Status(status::Message),
}

impl Till {
    fn boot() -> (Till, Task<Message>) {
        let db = database_path();
        let till = Till {
            db: db.clone(),
            status: Status::Loading,
        };
        let load = Task::perform(async move { status::load(db) }, |r| {
            Message::Status(status::Message::Loaded(r))
        });
        (till, load)
    }

    fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Status(m) => self.status.update(m, &self.db).map(Message::Status),
        }
    }

    fn view(&self) -> Element<'_, Message> {
        self.status.view().map(Message::Status)
    }

    /// Keyboard first: F5 reads the books again.
    fn subscription(&self) -> Subscription<Message> {
        keyboard::listen().filter_map(|event| match event {
            keyboard::Event::KeyPressed {
                key: Key::Named(Named::F5),
                ..
            } => Some(Message::Status(status::Message::Refresh)),
            _ => None,
        })
    }
}

/// `--db FILE`, else `KASSA_DB`, else the platform data directory (as the CLI).
fn database_path() -> PathBuf {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--db" {
            if let Some(path) = args.next() {
                return PathBuf::from(path);
            }
        }
    }
    if let Some(path) = std::env::var_os("KASSA_DB") {
        return PathBuf::from(path);
    }
    directories::ProjectDirs::from("", "", "kassa")
        .map(|dirs| dirs.data_dir().join("kassa.db"))
        .unwrap_or_else(|| PathBuf::from("kassa.db"))
}

fn main() -> iced::Result {
    iced::application(Till::boot, Till::update, Till::view)
        .title("Касса")
        .subscription(Till::subscription)
        .window_size(Size::new(1024.0, 768.0))
        .run()
}
