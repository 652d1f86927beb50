//! Drives the till as a cashier does: keys through the app's key map
//! (typed at a person's pace, or a scanner's), clicks through the
//! `iced_test` simulator on the real view, the core run in place of its
//! thread, the register's events pumped in as the subscription would.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use iced::keyboard::key::Named;
use kassa::clock::{At, ManualClock};
use kassa::fiscal::FiscalEvent;
use kassa_ui::app::{App, FiscalShown, Message, PayStage, Screen};
use kassa_ui::core::{Core, Opened};
use kassa_ui::format::Lang;
use kassa_ui::input::Press;

/// A Sunday noon: no evening promotion, the gift's hours in force.
pub(crate) const NOON: &str = "2026-11-29T12:00:00+03:00";

/// The till on demo books in a temporary directory, with the emulated
/// register.
pub(crate) struct Till {
    pub(crate) app: App,
    pub(crate) core: Core,
    pub(crate) clock: ManualClock,
    pub(crate) path: PathBuf,
    events: Option<Receiver<FiscalEvent>>,
    /// The time of the keyboard: moved on by each key.
    keys_at: Instant,
    _dir: Option<tempfile::TempDir>,
}

impl Till {
    /// A till on fresh demo books (made by the till itself, as a first start).
    pub(crate) fn new() -> Till {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("till.db");
        let mut till = Till::open(&path, Lang::Ru);
        till._dir = Some(dir);
        till
    }

    /// A till on the books at `path` (they stay when it is dropped).
    pub(crate) fn open(path: &Path, lang: Lang) -> Till {
        Till::open_as(path, "T1", lang)
    }

    /// Till `till` of the books at `path`.
    pub(crate) fn open_till(path: &Path, till: &str) -> Till {
        Till::open_as(path, till, Lang::Ru)
    }

    fn open_as(path: &Path, till: &str, lang: Lang) -> Till {
        let clock = ManualClock::starting_at(At::parse(NOON).expect("time"));
        let (core, opened): (Core, Opened) = Core::open(path, till, Box::new(clock.clone())).expect("open the till");
        let mut app = App::new(lang);
        app.update(Message::Booted(Ok(opened)));
        Till {
            app,
            core,
            clock,
            path: path.to_path_buf(),
            events: None,
            keys_at: Instant::now(),
            _dir: None,
        }
    }

    /// Runs a message and every request it leads to, as the shell does.
    pub(crate) fn send(&mut self, message: Message) {
        let mut next = self.app.update(message);
        while let Some(request) = next.take() {
            let outcome = self.core.execute(request);
            self.core.settle().expect("the cart is kept");
            if let Some(events) = self.core.take_events() {
                self.events = Some(events);
            }
            next = self.app.update(Message::Done(outcome));
        }
    }

    fn press_at(&mut self, press: Press, gap: Duration) {
        self.keys_at += gap;
        self.send(Message::Key(press.at(self.keys_at)));
    }

    /// A named key, pressed by a person.
    pub(crate) fn key(&mut self, named: Named) {
        self.press_at(Press::named(named), Duration::from_millis(250));
    }

    /// A key with Ctrl.
    pub(crate) fn ctrl(&mut self, named: Named) {
        self.press_at(Press::named(named).with_ctrl(), Duration::from_millis(250));
    }

    /// Shift+Tab.
    pub(crate) fn shift_tab(&mut self) {
        self.press_at(Press::named(Named::Tab).with_shift(), Duration::from_millis(250));
    }

    /// Text typed by a person (150 ms a key).
    pub(crate) fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press_at(Press::char(c), Duration::from_millis(150));
        }
    }

    /// Text typed, then Enter.
    pub(crate) fn enter(&mut self, text: &str) {
        self.type_text(text);
        self.key(Named::Enter);
    }

    /// A keyboard-wedge scanner: the code 3 ms a key, then Enter.
    pub(crate) fn wedge_scan(&mut self, code: &str) {
        self.keys_at += Duration::from_secs(1);
        for c in code.chars() {
            self.press_at(Press::char(c), Duration::from_millis(3));
        }
        self.press_at(Press::named(Named::Enter), Duration::from_millis(3));
    }

    /// Clicks the button showing `label` on the screen as drawn.
    pub(crate) fn click(&mut self, label: &str) {
        let messages: Vec<Message> = {
            let mut ui = iced_test::simulator(kassa_ui::view::app(&self.app));
            ui.click(label).unwrap_or_else(|e| panic!("no button «{label}»: {e:?}"));
            ui.into_messages().collect()
        };
        for message in messages {
            self.send(message);
        }
    }

    /// Whether `text` is on the screen as drawn.
    pub(crate) fn shows(&self, text: &str) -> bool {
        let mut ui = iced_test::simulator(kassa_ui::view::app(&self.app));
        ui.find(text).is_ok()
    }

    /// Asserts `text` is on the screen, saying what is there if not.
    #[track_caller]
    pub(crate) fn assert_shows(&self, text: &str) {
        assert!(
            self.shows(text),
            "«{text}» is not on the screen; notice: {:?}; screen: {:?}",
            self.app.notice,
            screen_name(&self.app.screen)
        );
    }

    /// The bottom line's text.
    pub(crate) fn notice(&self) -> String {
        self.app.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default()
    }

    /// Logs in as the demo's employee with their PIN, by the keys.
    pub(crate) fn log_in(&mut self, employee: &str, pin: &str) {
        self.type_text(employee);
        self.key(Named::Tab);
        self.type_text(pin);
        self.key(Named::Enter);
    }

    /// Logs in as the cashier E1 and opens the shift with a float.
    pub(crate) fn open_shift(&mut self, float: &str) {
        self.log_in("E1", "1111");
        assert!(matches!(self.app.screen, Screen::ShiftOpen(_)), "{:?}", self.app.notice);
        self.key(Named::F2);
        self.enter(float);
        self.key(Named::Enter);
        assert!(matches!(self.app.screen, Screen::Sale(_)), "{:?}", self.app.notice);
    }

    /// Feeds the register's events until the receipt on screen has its
    /// outcome (or 20 s pass).
    pub(crate) fn wait_for_register(&mut self) -> FiscalShown {
        self.wait_until(|shown| *shown != FiscalShown::Sending)
    }

    /// Feeds the register's events until the receipt on screen shows what
    /// `done` accepts (or 20 s pass).
    pub(crate) fn wait_until(&mut self, done: impl Fn(&FiscalShown) -> bool) -> FiscalShown {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let shown = match &self.app.screen {
                Screen::Payment(pay) => stage_fiscal(&pay.stage),
                Screen::Return(ret) => stage_fiscal(&ret.stage),
                _ => None,
            };
            if let Some(shown) = shown.filter(|s| done(s)) {
                return shown;
            }
            let now = Instant::now();
            let event = self
                .events
                .as_ref()
                .expect("the till has the register's events")
                .recv_timeout(deadline.saturating_duration_since(now));
            match event {
                Ok(event) => {
                    self.send(Message::Fiscal(event));
                }
                Err(_) => {
                    let receipt = match &self.app.screen {
                        Screen::Payment(pay) => stage_receipt(&pay.stage),
                        Screen::Return(ret) => stage_receipt(&ret.stage),
                        _ => None,
                    };
                    let state = receipt.map(|r| self.core.till().fiscal_state(&r));
                    panic!("the register did not answer; the receipt {state:?}")
                }
            }
        }
    }
}

impl Till {
    /// Waits until the register has done what was queued so far (the
    /// shift's opening prints too).
    pub(crate) fn wait_idle(&mut self) {
        self.core
            .wait_for_register()
            .expect("the register takes what was queued");
    }
}

fn stage_receipt(stage: &PayStage) -> Option<String> {
    match stage {
        PayStage::Done { receipt, .. } => Some(receipt.id().to_owned()),
        _ => None,
    }
}

fn stage_fiscal(stage: &PayStage) -> Option<FiscalShown> {
    match stage {
        PayStage::Done { fiscal, .. } => Some(fiscal.clone()),
        _ => None,
    }
}

/// The screen's name, for messages.
pub(crate) fn screen_name(screen: &Screen) -> &'static str {
    match screen {
        Screen::Boot(_) => "boot",
        Screen::Login(_) => "login",
        Screen::ShiftOpen(_) => "shift open",
        Screen::Sale(_) => "sale",
        Screen::Payment(_) => "payment",
        Screen::Return(_) => "return",
        Screen::ShiftClose(_) => "shift close",
        Screen::XReport(_) => "x report",
    }
}

/// Money as the screen shows it in Russian.
pub(crate) fn rub(plain: &str) -> String {
    let amount = kassa::money::Money::parse(plain).expect("money");
    kassa_ui::format::money(amount, Lang::Ru)
}
