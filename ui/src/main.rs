//! `kassa-till`: the desktop till. `--db FILE` (else `KASSA_DB`, else the
//! platform data directory), `--till ID` (T1), `--lang ru|en` (else
//! `KASSA_LANG`, else the till's last choice), `--scanner PORT` for a
//! serial scanner (else `KASSA_SCANNER`, else the till's setting: `kassa
//! fiscal-device --scanner PORT`). New books get the demo store and its
//! emulated register.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use iced::futures::channel::mpsc as async_mpsc;
use iced::futures::StreamExt;
use iced::keyboard;
use iced::{Element, Size, Subscription, Task};
use kassa::clock::SystemClock;
use kassa_ui::app::{App, Message};
use kassa_ui::core::{database_path, flag, Core, CoreHandle, Opened, Request};
use kassa_ui::format::Lang;
use kassa_ui::input::Press;
use kassa_ui::view;

/// The messages that come from outside the window (the register's events,
/// a serial scanner), handed to the subscription once.
#[derive(Clone)]
struct Outside(Arc<Mutex<Option<async_mpsc::UnboundedReceiver<Message>>>>);

impl std::hash::Hash for Outside {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        "outside".hash(state);
    }
}

struct Shell {
    app: App,
    core: Option<CoreHandle>,
    outside: Outside,
    /// Where a serial scanner's codes go.
    scans: async_mpsc::UnboundedSender<Message>,
    /// The scanner's port from the command line (else the till's setting).
    scanner: Option<String>,
    exit_at_login: bool,
}

#[derive(Debug, Clone)]
enum ShellMessage {
    Started(Result<(CoreHandle, Opened), String>),
    App(Message),
}

impl Shell {
    fn boot() -> (Shell, Task<ShellMessage>) {
        let args: Vec<String> = std::env::args().collect();
        let db = database_path(&args);
        let till = flag(&args, "--till").unwrap_or("T1").to_owned();
        let given = flag(&args, "--lang")
            .map(str::to_owned)
            .or_else(|| std::env::var("KASSA_LANG").ok())
            .and_then(|code| Lang::from_code(&code));
        let scanner = flag(&args, "--scanner")
            .map(str::to_owned)
            .or_else(|| std::env::var("KASSA_SCANNER").ok());
        let (sender, receiver) = async_mpsc::unbounded();
        let mut app = App::new(given.unwrap_or_default());
        app.lang_given = given.is_some();
        let shell = Shell {
            app,
            core: None,
            outside: Outside(Arc::new(Mutex::new(Some(receiver)))),
            scans: sender.clone(),
            scanner,
            exit_at_login: args.iter().any(|a| a == "--exit-at-login"),
        };
        let start = Task::perform(async move { start(db, &till, sender) }, ShellMessage::Started);
        (shell, start)
    }

    fn update(&mut self, message: ShellMessage) -> Task<ShellMessage> {
        let message = match message {
            ShellMessage::Started(Ok((core, opened))) => {
                self.core = Some(core);
                if let Some(port) = self.scanner.take().or_else(|| opened.scanner.clone()) {
                    serial_scanner(port, self.scans.clone());
                }
                if self.exit_at_login {
                    return iced::exit();
                }
                Message::Booted(Ok(opened))
            }
            ShellMessage::Started(Err(reason)) => Message::Booted(Err(reason)),
            ShellMessage::App(message) => message,
        };
        match (self.app.update(message), &self.core) {
            (Some(request), Some(core)) => run(core, request),
            _ => Task::none(),
        }
    }

    fn view(&self) -> Element<'_, ShellMessage> {
        view::app(&self.app).map(ShellMessage::App)
    }

    fn title(&self) -> String {
        kassa_ui::text::texts(self.app.lang).app_title.to_owned()
    }

    fn subscription(&self) -> Subscription<ShellMessage> {
        let keys = keyboard::listen().filter_map(|event| {
            if std::env::var_os("KASSA_TILL_DEBUG_KEYS").is_some() {
                eprintln!("key: {event:?}");
            }
            Press::from_event(&event, Instant::now()).map(|p| ShellMessage::App(Message::Key(p)))
        });
        let outside = Subscription::run_with(self.outside.clone(), |outside| {
            let receiver = outside.0.lock().ok().and_then(|mut r| r.take());
            match receiver {
                Some(receiver) => receiver.map(ShellMessage::App).boxed(),
                None => iced::futures::stream::pending().boxed(),
            }
        });
        Subscription::batch([keys, outside])
    }
}

/// A request to the core's thread; its outcome comes back as a message.
fn run(core: &CoreHandle, request: Request) -> Task<ShellMessage> {
    Task::perform(core.call(request), |outcome| ShellMessage::App(Message::Done(outcome)))
}

/// Opens the books and starts the core (off the UI thread).
fn start(
    db: PathBuf,
    till: &str,
    outside: async_mpsc::UnboundedSender<Message>,
) -> Result<(CoreHandle, Opened), String> {
    let (core, opened) = Core::open(&db, till, Box::new(SystemClock)).map_err(|e| e.to_string())?;
    Ok((CoreHandle::start(core, outside), opened))
}

/// Reads a serial scanner on its own thread; each code is a scan.
fn serial_scanner(port: String, outside: async_mpsc::UnboundedSender<Message>) {
    let spawned = std::thread::Builder::new().name("scanner".into()).spawn(move || {
        let settings = kassa_fiscal::scanner::ScannerSettings {
            port: port.clone(),
            ..Default::default()
        };
        let mut serial = match kassa_fiscal::port::open_serial(&port, settings.baud) {
            Ok(serial) => serial,
            Err(error) => {
                eprintln!("kassa-till: scanner {port}: {error}");
                return;
            }
        };
        let (scans, codes) = std::sync::mpsc::channel();
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                for code in codes {
                    if outside.unbounded_send(Message::Scanned(code)).is_err() {
                        break;
                    }
                }
            });
            if let Err(error) = kassa_fiscal::scanner::read_scans(&mut serial, &settings, &scans, &stop) {
                eprintln!("kassa-till: scanner {port}: {error}");
            }
            drop(scans);
        });
    });
    if let Err(error) = spawned {
        eprintln!("kassa-till: cannot start the scanner: {error}");
    }
}

fn main() -> iced::Result {
    iced::application(Shell::boot, Shell::update, Shell::view)
        .title(Shell::title)
        .subscription(Shell::subscription)
        .font(view::FONT_REGULAR)
        .font(view::FONT_BOLD)
        .default_font(view::FONT)
        .window_size(Size::new(1024.0, 768.0))
        .run()
}
