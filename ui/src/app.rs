//! The till's application state: the root [`Screen`], the form or help
//! open over it, the session's cart and the register's state; `update`
//! turns a [`Message`] into state and at most one [`Request`] for the core.
//! Keys go through one pure function, [`App::key_action`]: key + screen
//! state → action; on-screen buttons send the same actions.

use std::collections::HashMap;

use iced::keyboard::key::Named;
use kassa::fiscal::{FiscalEvent, FiscalState};
use kassa::money::{Money, Percent, Qty};
use kassa::sale::{Payment, PaymentMethod, Receipt};
use kassa::shift::{CashOutReason, ShiftTotals};
use kassa::till::{ActionId, ReturnLine, ReturnableLine};
use kassa::Error;

use crate::core::{CartView, Discount, Opened, Outcome, Reply, Request};
use crate::format::{self, Lang};
use crate::input::{Burst, Field, FieldKind, Press, Wedge};
use crate::text::{self, texts};

/// The screens (see `spec/till-keys.md`).
#[derive(Debug, Clone)]
pub enum Screen {
    /// Opening the books; the reason if they could not be opened.
    Boot(Option<String>),
    /// Авторизация.
    Login(Login),
    /// Открытие смены.
    ShiftOpen(ShiftOpen),
    /// Продажа.
    Sale(Sale),
    /// Оплата.
    Payment(Pay),
    /// Возврат.
    Return(Return),
    /// Закрытие смены.
    ShiftClose(ShiftClose),
    /// The X report on screen.
    XReport(ShiftTotals),
}

/// The login screen.
#[derive(Debug, Clone)]
pub struct Login {
    /// Employee code.
    pub employee: Field,
    /// PIN.
    pub pin: Field,
    /// 0: employee, 1: PIN.
    pub focus: usize,
    /// Waiting for the core.
    pub busy: bool,
}

impl Login {
    fn new() -> Login {
        Login {
            employee: Field::new(FieldKind::Code),
            pin: Field::new(FieldKind::Secret),
            focus: 0,
            busy: false,
        }
    }
}

/// The shift opening screen.
#[derive(Debug, Clone, Default)]
pub struct ShiftOpen {
    /// The float to deposit with the opening.
    pub float: Option<Money>,
    /// Waiting for the core.
    pub busy: bool,
    /// The action id of the opening (kept across retries).
    pub action: ActionId,
}

/// The sale screen.
#[derive(Debug, Clone)]
pub struct Sale {
    /// The input line.
    pub input: Field,
    /// The quantity for the next product (`3*`).
    pub pending: Option<Qty>,
    /// Search results.
    pub results: Option<Results>,
}

impl Sale {
    fn new() -> Sale {
        Sale {
            input: Field::new(FieldKind::Text),
            pending: None,
            results: None,
        }
    }
}

/// Products found by name.
#[derive(Debug, Clone)]
pub struct Results {
    /// What was searched.
    pub text: String,
    /// Found.
    pub products: Vec<kassa::catalog::Product>,
    /// Highlighted.
    pub selected: usize,
}

/// The payment screen.
#[derive(Debug, Clone)]
pub struct Pay {
    /// What the cart costs.
    pub total: Money,
    /// The amount field (what is left, selected).
    pub amount: Field,
    /// Tenders taken so far.
    pub tenders: Vec<Payment>,
    /// The booking's action id: booked once however often a key is pressed.
    pub action: ActionId,
    /// Where it stands.
    pub stage: PayStage,
}

/// Where a payment (or a return's refund) stands.
#[derive(Debug, Clone)]
pub enum PayStage {
    /// Taking tenders.
    Tendering,
    /// Sent to the core.
    Booking,
    /// Booked.
    Done {
        /// The receipt.
        receipt: Box<Receipt>,
        /// The register's part.
        fiscal: FiscalShown,
    },
}

/// What the screen says of the register's part in a receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FiscalShown {
    /// Being sent.
    Sending,
    /// Waiting: the register did not answer (what to do).
    Waiting(String),
    /// In the fiscal storage.
    Registered {
        /// ФД.
        number: u32,
        /// ФП.
        sign: u32,
    },
    /// Refused (the register's words, with what to do).
    Refused(String),
    /// No fiscal receipt for it (zero total).
    NotFiscal,
    /// The till has no register.
    NoRegister,
}

/// The return screen.
#[derive(Debug, Clone)]
pub struct Return {
    /// The sale receipt's number.
    pub number: Field,
    /// The sale found.
    pub sale: Option<String>,
    /// Its lines.
    pub lines: Vec<ReturnableLine>,
    /// What to return of each line.
    pub chosen: Vec<Option<Qty>>,
    /// The selected line.
    pub selected: usize,
    /// The quantity field.
    pub qty: Field,
    /// The booking's action id.
    pub action: ActionId,
    /// Where it stands.
    pub stage: PayStage,
}

impl Return {
    fn new() -> Return {
        Return {
            number: Field::new(FieldKind::Code),
            sale: None,
            lines: Vec::new(),
            chosen: Vec::new(),
            selected: 0,
            qty: Field::new(FieldKind::Number),
            action: ActionId::new(),
            stage: PayStage::Tendering,
        }
    }
}

/// The shift closing screen.
#[derive(Debug, Clone)]
pub struct ShiftClose {
    /// The books' figures.
    pub figures: ShiftTotals,
    /// The counted cash.
    pub counted: Field,
    /// The count differs from the books and the cashier was told so: the
    /// next Enter closes with it (typing again asks again).
    pub difference_seen: Option<String>,
    /// After closing: the Z report.
    pub closed: Option<ShiftTotals>,
    /// The count the shift was closed with.
    pub closed_count: Option<Money>,
    /// The closing's action id.
    pub action: ActionId,
    /// Waiting for the core.
    pub busy: bool,
}

/// A form open over a screen.
#[derive(Debug, Clone)]
pub struct Form {
    /// Which.
    pub kind: FormKind,
    /// Its amount field.
    pub amount: Field,
    /// A cash out's reason.
    pub reason: CashOutReason,
    /// Its action id.
    pub action: ActionId,
    /// Waiting for the core.
    pub busy: bool,
}

/// The forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// «Внести деньги в кассу» before the shift opens.
    Float,
    /// Внесение.
    CashIn,
    /// Выплата.
    CashOut,
    /// A line discount.
    Discount,
    /// Инкассация.
    Collect,
    /// Clear the cart?
    ClearCart,
}

impl Form {
    fn new(kind: FormKind, amount: Field) -> Form {
        Form {
            kind,
            amount,
            reason: CashOutReason::Expense,
            action: ActionId::new(),
            busy: false,
        }
    }
}

/// What the register is doing, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterState {
    /// The till has none (yet: before the login).
    None,
    /// Ready.
    Ready,
    /// Receipts are on their way.
    Busy,
    /// The link is lost: receipts wait.
    Lost,
    /// The register needs the cashier (no paper…): receipts wait.
    Attention,
}

/// A line of news at the bottom of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// What to say.
    pub text: String,
    /// An error (red) or news.
    pub error: bool,
}

/// What a key or a button asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Act {
    /// F1.
    Help,
    /// Esc.
    Back,
    /// Enter: the highlighted button.
    Primary,
    /// Tab.
    NextField,
    /// Shift+Tab.
    PrevField,
    /// A key typed into the focused field.
    Type(Press),
    /// ↑.
    Up,
    /// ↓.
    Down,
    /// `+` with the input empty.
    Plus,
    /// `-` with the input empty.
    Minus,
    /// Delete.
    Delete,
    /// Ctrl+Delete.
    ClearCart,
    /// F2 on the opening screen.
    DepositFloat,
    /// F2 on the closing screen.
    Collect,
    /// F3.
    CashIn,
    /// F4.
    CashOut,
    /// F6.
    Card,
    /// F7.
    Discount,
    /// F8.
    Return,
    /// F9.
    XReport,
    /// F10.
    Exit,
    /// F11 on the sale screen (the drawer) or the login (the language).
    F11,
    /// F5: send the waiting receipts to the register again.
    Retry,
    /// F12.
    F12,
    /// A product picked from the results by a click.
    Pick(usize),
}

/// Everything that can happen.
#[derive(Debug, Clone)]
pub enum Message {
    /// The books are open (or not).
    Booted(Result<Opened, String>),
    /// A key.
    Key(Press),
    /// A button (the same as its key).
    Act(Act),
    /// The core answered.
    Done(Outcome),
    /// The register did something.
    Fiscal(FiscalEvent),
    /// A serial scanner read a code.
    Scanned(String),
}

/// The till's state.
#[derive(Debug, Clone)]
pub struct App {
    /// Language.
    pub lang: Lang,
    /// The language was chosen on the command line: the till's saved one
    /// does not replace it.
    pub lang_given: bool,
    /// Store name.
    pub store: String,
    /// Till id.
    pub till: String,
    /// The screen.
    pub screen: Screen,
    /// A form over it.
    pub form: Option<Form>,
    /// The help over it.
    pub help: bool,
    /// The bottom line.
    pub notice: Option<Notice>,
    /// Who is logged in.
    pub cashier: Option<String>,
    /// The open shift.
    pub shift: Option<String>,
    /// The cart in progress.
    pub cart: CartView,
    /// The selected cart line.
    pub selected: usize,
    /// The register.
    pub register: RegisterState,
    /// Receipts parked for a manager.
    pub parked: usize,
    wedge: Wedge,
    /// Keys were typed where no field takes them.
    stray_typing: bool,
    /// Register outcomes that came before their receipt's booking reply.
    fiscal_seen: HashMap<String, FiscalShown>,
}

impl App {
    /// A till starting up.
    pub fn new(lang: Lang) -> App {
        App {
            lang,
            lang_given: false,
            store: String::new(),
            till: String::new(),
            screen: Screen::Boot(None),
            form: None,
            help: false,
            notice: None,
            cashier: None,
            shift: None,
            cart: CartView::default(),
            selected: 0,
            register: RegisterState::None,
            parked: 0,
            wedge: Wedge::default(),
            stray_typing: false,
            fiscal_seen: HashMap::new(),
        }
    }

    /// Handles a message; returns the request for the core, if any.
    pub fn update(&mut self, message: Message) -> Option<Request> {
        match message {
            Message::Booted(Ok(opened)) => {
                if let Some(saved) = opened.language.filter(|_| !self.lang_given) {
                    self.lang = saved;
                }
                self.store = opened.store;
                self.till = opened.till;
                self.screen = Screen::Login(Login::new());
                None
            }
            Message::Booted(Err(reason)) => {
                self.screen = Screen::Boot(Some(reason));
                None
            }
            Message::Key(press) => match self.wedge.feed(&press) {
                Burst::Scan { code, typed } => self.scanned(code, typed),
                Burst::Key => {
                    let act = self.key_action(&press)?;
                    self.act(act)
                }
            },
            Message::Act(act) => self.act(act),
            Message::Done(outcome) => self.done(outcome),
            Message::Fiscal(event) => self.fiscal(event),
            Message::Scanned(code) => self.scanned(code, 0),
        }
    }

    /// The pure key map: what a key means on the screen as it stands.
    pub fn key_action(&self, press: &Press) -> Option<Act> {
        use crate::input::Pressed;
        if self.help {
            return match press.key {
                Pressed::Named(Named::F1 | Named::Escape | Named::Enter) => Some(Act::Help),
                _ => None,
            };
        }
        let named = match &press.key {
            Pressed::Named(named) => *named,
            Pressed::Char { text, .. } => {
                let on_sale = matches!(self.screen, Screen::Sale(_)) && self.form.is_none();
                let input_empty = matches!(&self.screen, Screen::Sale(s) if s.input.text.is_empty());
                if on_sale && input_empty && !press.ctrl {
                    match text.as_str() {
                        "+" => return Some(Act::Plus),
                        "-" => return Some(Act::Minus),
                        _ => {}
                    }
                }
                return Some(Act::Type(press.clone()));
            }
        };
        let act = match named {
            Named::F1 => Act::Help,
            Named::Escape => Act::Back,
            Named::Enter => Act::Primary,
            Named::Tab if press.shift => Act::PrevField,
            Named::Tab => Act::NextField,
            Named::ArrowUp => Act::Up,
            Named::ArrowDown => Act::Down,
            Named::Backspace => Act::Type(press.clone()),
            Named::Delete if press.ctrl => Act::ClearCart,
            Named::Delete => Act::Delete,
            Named::F2 => match self.screen {
                Screen::ShiftClose(_) => Act::Collect,
                _ => Act::DepositFloat,
            },
            Named::F3 => Act::CashIn,
            Named::F4 => Act::CashOut,
            Named::F6 => Act::Card,
            Named::F7 => Act::Discount,
            Named::F8 => Act::Return,
            Named::F9 => Act::XReport,
            Named::F10 => Act::Exit,
            Named::F5 => Act::Retry,
            Named::F11 => Act::F11,
            Named::F12 => Act::F12,
            _ => return None,
        };
        Some(act)
    }

    fn say(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            text: text.into(),
            error: false,
        });
    }

    /// Says what went wrong; what was typed stays, selected, so the next
    /// key replaces it.
    fn fail(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            text: text.into(),
            error: true,
        });
        if let Some(field) = self.focused_field() {
            field.selected = !field.text.is_empty();
        }
    }

    fn failed(&mut self, error: &Error) {
        let text = text::error(self.lang, error);
        self.fail(text);
    }

    /// A scanner's code, whatever has the focus.
    fn scanned(&mut self, code: String, typed: usize) -> Option<Request> {
        // The burst went into the focused field as it came: take it back.
        if let Some(field) = self.focused_field() {
            field.drop_last(typed);
        }
        match &mut self.screen {
            Screen::Sale(sale) => {
                let qty = sale.pending.take();
                sale.input.clear();
                sale.results = None;
                self.notice = None;
                Some(Request::Enter { text: code, qty })
            }
            Screen::Payment(pay) if matches!(pay.stage, PayStage::Done { .. }) => {
                self.screen = Screen::Sale(Sale::new());
                self.notice = None;
                Some(Request::Enter { text: code, qty: None })
            }
            Screen::Return(ret) if ret.sale.is_none() && self.form.is_none() => {
                ret.number.text = code.to_ascii_uppercase();
                Some(Request::FindSale {
                    receipt: ret.number.text.clone(),
                })
            }
            _ => {
                let said = texts(self.lang).scan_not_here;
                self.fail(said);
                None
            }
        }
    }

    /// The field that has the focus.
    fn focused_field(&mut self) -> Option<&mut Field> {
        if let Some(form) = &mut self.form {
            return (form.kind != FormKind::ClearCart).then_some(&mut form.amount);
        }
        match &mut self.screen {
            Screen::Login(login) => Some(if login.focus == 0 {
                &mut login.employee
            } else {
                &mut login.pin
            }),
            Screen::Sale(sale) => Some(&mut sale.input),
            Screen::Payment(pay) => matches!(pay.stage, PayStage::Tendering).then_some(&mut pay.amount),
            Screen::Return(ret) => {
                if ret.sale.is_none() {
                    Some(&mut ret.number)
                } else if matches!(ret.stage, PayStage::Tendering) {
                    Some(&mut ret.qty)
                } else {
                    None
                }
            }
            Screen::ShiftClose(close) => close.closed.is_none().then_some(&mut close.counted),
            _ => None,
        }
    }

    /// Carries out an action.
    pub fn act(&mut self, act: Act) -> Option<Request> {
        if act == Act::Help {
            self.help = !self.help;
            return None;
        }
        if self.form.is_some() {
            return self.form_act(act);
        }
        if act == Act::Retry {
            if self.cashier.is_none() {
                return None;
            }
            for stage in self.stages() {
                if let PayStage::Done { fiscal, .. } = stage {
                    if matches!(fiscal, FiscalShown::Waiting(_)) {
                        *fiscal = FiscalShown::Sending;
                    }
                }
            }
            return Some(Request::RetryRegister);
        }
        // Keys typed where no field takes them (a code typed on the shift
        // opening screen): said, and the Enter after them does nothing.
        if act == Act::Primary && std::mem::take(&mut self.stray_typing) {
            return None;
        }
        match act {
            Act::Type(press) => {
                let logged_in = self.cashier.is_some();
                let typed = match self.focused_field() {
                    Some(field) => {
                        field.type_press(&press);
                        true
                    }
                    None => false,
                };
                if !typed && logged_in && press.text().is_some_and(|t| !t.trim().is_empty()) {
                    self.stray_typing = true;
                    let said = texts(self.lang).typed_nowhere;
                    self.fail(said);
                }
                None
            }
            _ => match self.screen {
                Screen::Boot(_) => None,
                Screen::Login(_) => self.login_act(act),
                Screen::ShiftOpen(_) => self.shift_open_act(act),
                Screen::Sale(_) => self.sale_act(act),
                Screen::Payment(_) => self.payment_act(act),
                Screen::Return(_) => self.return_act(act),
                Screen::ShiftClose(_) => self.shift_close_act(act),
                Screen::XReport(_) => {
                    if matches!(act, Act::Back | Act::Primary) {
                        self.screen = Screen::Sale(Sale::new());
                    }
                    None
                }
            },
        }
    }

    fn open_form(&mut self, kind: FormKind, amount: Field) {
        self.notice = None;
        self.form = Some(Form::new(kind, amount));
    }

    fn form_act(&mut self, act: Act) -> Option<Request> {
        let lang = self.lang;
        let t = texts(lang);
        let form = self.form.as_mut()?;
        if form.busy {
            return None;
        }
        match act {
            Act::Back => {
                self.form = None;
                self.notice = None;
                None
            }
            Act::Type(press) => {
                if form.kind != FormKind::ClearCart {
                    form.amount.type_press(&press);
                }
                None
            }
            Act::Up | Act::Down if form.kind == FormKind::CashOut => {
                form.reason = match form.reason {
                    CashOutReason::Expense => CashOutReason::Other,
                    _ => CashOutReason::Expense,
                };
                None
            }
            Act::Primary => {
                let kind = form.kind;
                if kind == FormKind::ClearCart {
                    self.form = None;
                    return Some(Request::ClearCart);
                }
                if kind == FormKind::Discount {
                    let typed = form.amount.text.trim().to_owned();
                    let discount = match parse_discount(&typed) {
                        Some(discount) => discount,
                        None => {
                            self.fail((t.bad_discount)(&typed));
                            return None;
                        }
                    };
                    let line = self.selected;
                    // Closed by the new cart; a refusal leaves it open.
                    form.busy = true;
                    return Some(Request::Discount { line, discount });
                }
                let typed = form.amount.text.trim().to_owned();
                let amount = match parse_amount(&typed) {
                    Some(amount) if amount.is_positive() => amount,
                    Some(_) => {
                        self.fail(t.amount_positive);
                        return None;
                    }
                    None => {
                        self.fail((t.bad_amount)(&typed));
                        return None;
                    }
                };
                let action = form.action.clone();
                let reason = form.reason;
                match kind {
                    FormKind::Float => {
                        self.form = None;
                        if let Screen::ShiftOpen(open) = &mut self.screen {
                            open.float = Some(amount);
                        }
                        self.say(format!("{}: {}", t.in_drawer, format::money(amount, lang)));
                        None
                    }
                    FormKind::CashIn => {
                        form.busy = true;
                        Some(Request::CashIn { action, amount })
                    }
                    FormKind::CashOut => {
                        form.busy = true;
                        Some(Request::CashOut { action, amount, reason })
                    }
                    FormKind::Collect => {
                        form.busy = true;
                        Some(Request::CashOut {
                            action,
                            amount,
                            reason: CashOutReason::Collection,
                        })
                    }
                    FormKind::Discount | FormKind::ClearCart => None,
                }
            }
            _ => None,
        }
    }

    fn login_act(&mut self, act: Act) -> Option<Request> {
        let Screen::Login(login) = &mut self.screen else {
            return None;
        };
        match act {
            Act::NextField | Act::PrevField => {
                login.focus = 1 - login.focus;
                None
            }
            Act::Up => {
                login.focus = 0;
                None
            }
            Act::Down => {
                login.focus = 1;
                None
            }
            Act::Primary if !login.busy => {
                if login.employee.text.is_empty() {
                    login.focus = 0;
                    return None;
                }
                if login.pin.text.is_empty() {
                    login.focus = 1;
                    return None;
                }
                login.busy = true;
                Some(Request::Login {
                    employee: login.employee.text.clone(),
                    pin: login.pin.text.clone(),
                })
            }
            Act::F11 => {
                self.lang = match self.lang {
                    Lang::Ru => Lang::En,
                    Lang::En => Lang::Ru,
                };
                Some(Request::SetLanguage(self.lang))
            }
            _ => None,
        }
    }

    fn shift_open_act(&mut self, act: Act) -> Option<Request> {
        let Screen::ShiftOpen(open) = &mut self.screen else {
            return None;
        };
        match act {
            Act::DepositFloat => {
                let shown = open.float.map(|m| plain_amount(m, self.lang)).unwrap_or_default();
                self.open_form(FormKind::Float, Field::selected(FieldKind::Number, shown));
                None
            }
            Act::Primary if !open.busy => {
                open.busy = true;
                Some(Request::OpenShift {
                    action: open.action.clone(),
                    float: open.float,
                })
            }
            Act::Back => Some(self.log_out()),
            _ => None,
        }
    }

    fn log_out(&mut self) -> Request {
        self.cashier = None;
        self.screen = Screen::Login(Login::new());
        self.notice = None;
        Request::Logout
    }

    fn sale_act(&mut self, act: Act) -> Option<Request> {
        let t = texts(self.lang);
        let lines = self.cart.cart.lines().len();
        let Screen::Sale(sale) = &mut self.screen else {
            return None;
        };
        match act {
            Act::Up => {
                if let Some(results) = &mut sale.results {
                    results.selected = results.selected.saturating_sub(1);
                } else {
                    self.selected = self.selected.saturating_sub(1);
                }
                None
            }
            Act::Down => {
                if let Some(results) = &mut sale.results {
                    results.selected = (results.selected + 1).min(results.products.len().saturating_sub(1));
                } else if lines > 0 {
                    self.selected = (self.selected + 1).min(lines - 1);
                }
                None
            }
            Act::Pick(index) => {
                let product = sale.results.as_ref()?.products.get(index)?.sku.clone();
                sale.results = None;
                Some(Request::Add {
                    sku: product,
                    qty: sale.pending.take(),
                })
            }
            Act::Primary => {
                let typed = sale.input.text.trim().to_owned();
                if typed.is_empty() {
                    let Some(results) = sale.results.take() else {
                        // Nothing typed: the highlighted button, the payment.
                        return if sale.pending.is_none() {
                            self.sale_act(Act::F12)
                        } else {
                            None
                        };
                    };
                    let product = results.products.get(results.selected)?.sku.clone();
                    return Some(Request::Add {
                        sku: product,
                        qty: sale.pending.take(),
                    });
                }
                sale.results = None;
                let (qty, code) = match split_quantity(&typed) {
                    Ok(split) => split,
                    Err(bad) => {
                        self.fail((t.bad_qty)(&bad));
                        return None;
                    }
                };
                if let Some(qty) = qty {
                    sale.pending = Some(qty);
                }
                sale.input.clear();
                if code.is_empty() {
                    return None;
                }
                self.notice = None;
                Some(Request::Enter {
                    text: code,
                    qty: sale.pending.take(),
                })
            }
            Act::Back => {
                if sale.results.is_some() {
                    sale.results = None;
                } else if !sale.input.text.is_empty() {
                    sale.input.clear();
                } else {
                    sale.pending = None;
                }
                None
            }
            Act::Plus | Act::Minus => {
                if lines == 0 {
                    return None;
                }
                let at_one = self
                    .cart
                    .cart
                    .lines()
                    .get(self.selected)
                    .is_some_and(|l| l.qty.milli() <= 1000);
                if act == Act::Minus && at_one {
                    // A line goes only by Delete, never by a stray minus.
                    self.fail(t.minus_to_delete);
                    return None;
                }
                Some(Request::Step {
                    line: self.selected,
                    up: act == Act::Plus,
                })
            }
            Act::Delete if lines > 0 => Some(Request::Remove { line: self.selected }),
            Act::ClearCart if lines > 0 => {
                self.open_form(FormKind::ClearCart, Field::new(FieldKind::Text));
                None
            }
            Act::Discount => {
                if lines == 0 {
                    self.fail(t.select_line);
                    return None;
                }
                self.open_form(FormKind::Discount, Field::new(FieldKind::Number));
                None
            }
            Act::F12 => {
                if self.cart.cart.is_empty() {
                    self.fail(t.empty_cart);
                    return None;
                }
                let total = self.cart.cart.total();
                self.notice = None;
                self.screen = Screen::Payment(Pay {
                    total,
                    amount: Field::selected(FieldKind::Number, plain_amount(total, self.lang)),
                    tenders: Vec::new(),
                    action: ActionId::new(),
                    stage: PayStage::Tendering,
                });
                None
            }
            Act::CashIn => {
                self.open_form(FormKind::CashIn, Field::new(FieldKind::Number));
                None
            }
            Act::CashOut => {
                self.open_form(FormKind::CashOut, Field::new(FieldKind::Number));
                None
            }
            Act::Return => {
                if !self.cart.cart.is_empty() {
                    self.fail(t.clear_cart_first);
                    return None;
                }
                self.notice = None;
                self.screen = Screen::Return(Return::new());
                None
            }
            Act::XReport => Some(Request::XReport),
            Act::Exit => {
                if !self.cart.cart.is_empty() {
                    self.fail(t.clear_cart_first);
                    return None;
                }
                Some(Request::Figures)
            }
            Act::F11 => Some(Request::OpenDrawer),
            _ => None,
        }
    }

    /// A receipt's screen while its booking is on the way (no key counts)
    /// or once it is booked (Enter or Esc: the next sale). `false` while
    /// tendering, or on another screen.
    fn booked_stage_takes(&mut self, act: &Act) -> bool {
        let stage = match &self.screen {
            Screen::Payment(pay) => &pay.stage,
            Screen::Return(ret) => &ret.stage,
            _ => return false,
        };
        match stage {
            PayStage::Tendering => false,
            PayStage::Booking => true,
            PayStage::Done { .. } => {
                if matches!(act, Act::Primary | Act::Back) {
                    self.screen = Screen::Sale(Sale::new());
                    self.notice = None;
                }
                true
            }
        }
    }

    fn payment_act(&mut self, act: Act) -> Option<Request> {
        let t = texts(self.lang);
        let lang = self.lang;
        if self.booked_stage_takes(&act) {
            return None;
        }
        let Screen::Payment(pay) = &mut self.screen else {
            return None;
        };
        let method = match act {
            Act::Back => {
                // Money a card took is not handed back by a key.
                let by_card = Money::sum(
                    pay.tenders
                        .iter()
                        .filter(|t| t.method != PaymentMethod::Cash)
                        .map(|t| t.amount),
                );
                if by_card.is_positive() {
                    self.fail((t.card_taken)(&format::money(by_card, lang)));
                    return None;
                }
                let had_tenders = !pay.tenders.is_empty();
                self.screen = Screen::Sale(Sale::new());
                return had_tenders.then(|| Request::KeepTenders(Vec::new()));
            }
            Act::Primary => PaymentMethod::Cash,
            Act::Card => PaymentMethod::Card,
            _ => return None,
        };
        let typed = pay.amount.text.trim().to_owned();
        let Some(amount) = parse_amount(&typed) else {
            self.fail((t.bad_amount)(&typed));
            return None;
        };
        let left = left_to_pay(pay);
        if amount.is_negative() || (amount.is_zero() && left.is_positive()) {
            self.fail(t.amount_positive);
            return None;
        }
        if method == PaymentMethod::Card && amount > left {
            self.fail(t.card_over_total);
            return None;
        }
        match pay.tenders.iter_mut().find(|p| p.method == method) {
            Some(tender) => tender.amount += amount,
            None => pay.tenders.push(Payment { method, amount }),
        }
        self.notice = None;
        let left = left_to_pay(pay);
        if left.is_positive() {
            pay.amount = Field::selected(FieldKind::Number, plain_amount(left, lang));
            // Kept with the cart: a crash now loses no card payment.
            return Some(Request::KeepTenders(pay.tenders.clone()));
        }
        pay.stage = PayStage::Booking;
        Some(Request::Pay {
            action: pay.action.clone(),
            payments: pay.tenders.clone(),
            total: pay.total,
        })
    }

    fn return_act(&mut self, act: Act) -> Option<Request> {
        let t = texts(self.lang);
        if self.booked_stage_takes(&act) {
            return None;
        }
        let Screen::Return(ret) = &mut self.screen else {
            return None;
        };
        match act {
            Act::Back => {
                if ret.sale.is_some() {
                    *ret = Return::new();
                } else {
                    self.screen = Screen::Sale(Sale::new());
                }
                self.notice = None;
                None
            }
            Act::Primary if ret.sale.is_none() => {
                let number = ret.number.text.trim().to_ascii_uppercase();
                if number.is_empty() {
                    return None;
                }
                Some(Request::FindSale { receipt: number })
            }
            Act::Primary => {
                let typed = ret.qty.text.trim().to_owned();
                if typed.is_empty() {
                    return None;
                }
                let line = ret.lines.get(ret.selected)?;
                let qty = match parse_qty(&typed) {
                    Some(qty) => qty,
                    None => {
                        self.fail((t.bad_qty)(&typed));
                        return None;
                    }
                };
                if qty.milli() > line.returnable.map_or(0, Qty::milli) {
                    let error = Error::ReturnExceedsSale {
                        sku: line.sku.clone(),
                        requested: qty,
                        available: line.returnable.map_or_else(|| "0".to_owned(), |q| q.to_string()),
                        sale: ret.sale.clone().unwrap_or_default(),
                    };
                    self.failed(&error);
                    return None;
                }
                if line.unit == kassa::catalog::Unit::Pcs && !qty.is_whole() {
                    let error = Error::WholeUnitsOnly {
                        sku: line.sku.clone(),
                        qty,
                    };
                    self.failed(&error);
                    return None;
                }
                if let Some(chosen) = ret.chosen.get_mut(ret.selected) {
                    *chosen = (qty.milli() > 0).then_some(qty);
                }
                ret.qty.clear();
                ret.selected = (ret.selected + 1).min(ret.lines.len().saturating_sub(1));
                self.notice = None;
                None
            }
            Act::Up => {
                ret.selected = ret.selected.saturating_sub(1);
                None
            }
            Act::Down => {
                ret.selected = (ret.selected + 1).min(ret.lines.len().saturating_sub(1));
                None
            }
            Act::F12 if ret.sale.is_some() => {
                let lines: Vec<ReturnLine> = ret
                    .lines
                    .iter()
                    .zip(&ret.chosen)
                    .filter_map(|(line, qty)| {
                        qty.map(|qty| ReturnLine {
                            sku: line.sku.clone(),
                            qty,
                        })
                    })
                    .collect();
                if lines.is_empty() {
                    self.failed(&Error::NothingToReturn);
                    return None;
                }
                ret.stage = PayStage::Booking;
                Some(Request::Return {
                    action: ret.action.clone(),
                    sale: ret.sale.clone().unwrap_or_default(),
                    lines,
                })
            }
            _ => None,
        }
    }

    fn shift_close_act(&mut self, act: Act) -> Option<Request> {
        let lang = self.lang;
        let Screen::ShiftClose(close) = &mut self.screen else {
            return None;
        };
        if close.busy {
            return None;
        }
        if close.closed.is_some() {
            return matches!(act, Act::Primary | Act::Back).then(|| self.log_out());
        }
        match act {
            Act::Back => {
                self.screen = Screen::Sale(Sale::new());
                None
            }
            Act::Collect => {
                let in_drawer = close.figures.cash_in_drawer();
                self.open_form(
                    FormKind::Collect,
                    Field::selected(FieldKind::Number, plain_amount(in_drawer, lang)),
                );
                None
            }
            Act::Primary => {
                let t = texts(lang);
                let typed = close.counted.text.trim().to_owned();
                let counted = if typed.is_empty() {
                    None
                } else {
                    match parse_amount(&typed) {
                        Some(counted) => Some(counted),
                        None => {
                            self.fail((t.bad_amount)(&typed));
                            return None;
                        }
                    }
                };
                if let Some(counted) = counted {
                    let difference = counted - close.figures.cash_in_drawer();
                    if !difference.is_zero() && close.difference_seen.as_deref() != Some(typed.as_str()) {
                        close.difference_seen = Some(typed);
                        self.fail((t.confirm_difference)(&format::money(difference, lang)));
                        return None;
                    }
                }
                close.busy = true;
                close.closed_count = counted;
                Some(Request::CloseShift {
                    action: close.action.clone(),
                    counted,
                })
            }
            _ => None,
        }
    }

    /// The core's answer.
    fn done(&mut self, outcome: Outcome) -> Option<Request> {
        let t = texts(self.lang);
        let lang = self.lang;
        let reply = match outcome {
            Ok(reply) => reply,
            Err(error) => {
                let paying = matches!(&self.screen, Screen::Payment(p) if matches!(p.stage, PayStage::Booking));
                self.unbusy(&error);
                self.failed(&error);
                // The cart as the core has it now (repriced).
                return paying.then_some(Request::Cart);
            }
        };
        match reply {
            Reply::LoggedIn {
                name,
                shift,
                cart,
                gone,
                tenders,
                register,
            } => {
                self.cashier = Some(name);
                self.register = if register {
                    RegisterState::Ready
                } else {
                    RegisterState::None
                };
                self.notice = None;
                let restored = cart.cart.lines().len();
                self.cart = cart;
                self.selected = restored.saturating_sub(1);
                if restored > 0 {
                    self.say((t.cart_restored)(restored));
                }
                if !gone.is_empty() {
                    self.fail((t.cart_lines_gone)(&gone.join(", ")));
                }
                self.shift = shift.clone();
                self.screen = match shift {
                    Some(_) => Screen::Sale(Sale::new()),
                    None => Screen::ShiftOpen(ShiftOpen::default()),
                };
                // A payment cut short goes on from what it had taken.
                if self.shift.is_some() && restored > 0 && !tenders.is_empty() {
                    let total = self.cart.cart.total();
                    let mut pay = Pay {
                        total,
                        amount: Field::new(FieldKind::Number),
                        tenders,
                        action: ActionId::new(),
                        stage: PayStage::Tendering,
                    };
                    pay.amount = Field::selected(FieldKind::Number, plain_amount(left_to_pay(&pay), lang));
                    self.screen = Screen::Payment(pay);
                    self.say(t.payment_restored);
                }
            }
            Reply::LoggedOut => {}
            Reply::ShiftOpened { shift } => {
                self.shift = Some(shift);
                self.screen = Screen::Sale(Sale::new());
            }
            Reply::Cart { cart, line } => {
                if self.form.as_ref().is_some_and(|f| f.kind == FormKind::Discount) {
                    self.form = None;
                }
                self.cart = cart;
                let lines = self.cart.cart.lines().len();
                self.selected = line.unwrap_or(0).min(lines.saturating_sub(1));
                if let Screen::Payment(pay) = &mut self.screen {
                    if matches!(pay.stage, PayStage::Tendering) {
                        pay.total = self.cart.cart.total();
                        pay.amount = Field::selected(FieldKind::Number, plain_amount(left_to_pay(pay), lang));
                    }
                }
            }
            Reply::Found { text, products } => {
                if let Screen::Sale(sale) = &mut self.screen {
                    if products.is_empty() {
                        self.notice = Some(Notice {
                            text: (t.nothing_found)(&text),
                            error: true,
                        });
                    } else {
                        sale.results = Some(Results {
                            text,
                            products,
                            selected: 0,
                        });
                    }
                }
            }
            Reply::Booked {
                receipt,
                fiscal,
                register,
            } => {
                let shown = self
                    .fiscal_seen
                    .remove(receipt.id())
                    .unwrap_or_else(|| shown_state(&fiscal, register, lang));
                if shown == FiscalShown::Sending {
                    self.register = RegisterState::Busy;
                }
                let id = receipt.id().to_owned();
                let stage = PayStage::Done {
                    receipt: Box::new(receipt),
                    fiscal: shown,
                };
                match &mut self.screen {
                    Screen::Payment(pay) => {
                        pay.stage = stage;
                        self.cart = CartView::default();
                        self.selected = 0;
                        self.say((t.booked)(&id));
                    }
                    Screen::Return(ret) => {
                        ret.stage = stage;
                        self.say((t.return_done)(&id));
                    }
                    _ => {}
                }
            }
            Reply::Sale { receipt, lines } => {
                if let Screen::Return(ret) = &mut self.screen {
                    ret.sale = Some(receipt);
                    ret.chosen = vec![None; lines.len()];
                    ret.lines = lines;
                    ret.selected = 0;
                    self.notice = None;
                }
            }
            Reply::Cash { amount, out, in_drawer } => {
                let kind = self.form.as_ref().map(|f| f.kind);
                self.form = None;
                let amount = format::money(amount, lang);
                let said = match kind {
                    Some(FormKind::Collect) => (t.collected)(&amount),
                    _ if out => (t.cash_out_done)(&amount),
                    _ => (t.cash_in_done)(&amount),
                };
                self.say(format!("{said}. {}: {}", t.in_drawer, format::money(in_drawer, lang)));
                if let Screen::ShiftClose(close) = &mut self.screen {
                    // The drawer changed: the count is taken again.
                    close.counted.clear();
                    close.difference_seen = None;
                    return Some(Request::Figures);
                }
            }
            Reply::Figures(figures) => match &mut self.screen {
                Screen::ShiftClose(close) => close.figures = figures,
                _ => {
                    self.screen = Screen::ShiftClose(ShiftClose {
                        figures,
                        counted: Field::new(FieldKind::Number),
                        difference_seen: None,
                        closed: None,
                        closed_count: None,
                        action: ActionId::new(),
                        busy: false,
                    });
                }
            },
            Reply::XReport(totals) => {
                self.notice = None;
                self.screen = Screen::XReport(totals);
            }
            Reply::Closed(z) => {
                self.shift = None;
                if let Screen::ShiftClose(close) = &mut self.screen {
                    close.busy = false;
                    close.closed = Some(z);
                }
            }
            Reply::Done => {}
            Reply::Fiscal { receipt, state } => {
                let shown = shown_state(&state, true, lang);
                self.show_fiscal(&receipt, shown);
            }
        }
        None
    }

    /// After a failed request: the screen takes keys again.
    fn unbusy(&mut self, error: &Error) {
        if let Some(form) = &mut self.form {
            form.busy = false;
        }
        match &mut self.screen {
            Screen::Login(login) => {
                login.busy = false;
                login.pin.clear();
                login.focus = if matches!(error, Error::NotFound { .. }) { 0 } else { 1 };
            }
            Screen::ShiftOpen(open) => open.busy = false,
            Screen::Payment(pay) if matches!(pay.stage, PayStage::Booking) => {
                pay.stage = PayStage::Tendering;
                // The cash part is taken again; a card's part stays taken.
                pay.tenders.retain(|t| t.method != PaymentMethod::Cash);
                pay.amount = Field::selected(FieldKind::Number, plain_amount(left_to_pay(pay), self.lang));
            }
            Screen::Return(ret) if matches!(ret.stage, PayStage::Booking) => ret.stage = PayStage::Tendering,
            Screen::ShiftClose(close) => close.busy = false,
            _ => {}
        }
    }

    /// The register's news. When it is idle and a receipt on screen still
    /// shows as being sent, its state is read from the books.
    fn fiscal(&mut self, event: FiscalEvent) -> Option<Request> {
        let lang = self.lang;
        let t = texts(lang);
        match event {
            FiscalEvent::Registered { receipt, number, sign } => {
                self.register = RegisterState::Ready;
                self.show_fiscal(&receipt, FiscalShown::Registered { number, sign });
            }
            FiscalEvent::Refused { receipt, error } => {
                self.register = RegisterState::Ready;
                self.show_fiscal(&receipt, FiscalShown::Refused((t.register_refused)(&error.to_string())));
            }
            FiscalEvent::LinkLost { .. } => {
                self.register = RegisterState::Lost;
                for stage in self.stages() {
                    if let PayStage::Done { fiscal, .. } = stage {
                        if *fiscal == FiscalShown::Sending {
                            *fiscal = FiscalShown::Waiting(t.link_lost_advice.to_owned());
                        }
                    }
                }
            }
            FiscalEvent::Reconnected => self.register = RegisterState::Busy,
            FiscalEvent::Stalled { error } => {
                self.register = RegisterState::Attention;
                let said = format!("{}. {}", text::error(lang, &error), t.kept_and_retried);
                for stage in self.stages() {
                    if let PayStage::Done { fiscal, .. } = stage {
                        if matches!(fiscal, FiscalShown::Sending | FiscalShown::Waiting(_)) {
                            *fiscal = FiscalShown::Waiting(said.clone());
                        }
                    }
                }
            }
            FiscalEvent::CommandFailed { error } => {
                let said = text::error(lang, &error);
                self.fail(said);
            }
            FiscalEvent::Idle { parked } => {
                self.parked = parked;
                if self.register != RegisterState::None {
                    self.register = RegisterState::Ready;
                }
                let sending = self.stages().into_iter().find_map(|stage| match stage {
                    PayStage::Done { receipt, fiscal } if *fiscal == FiscalShown::Sending => {
                        Some(receipt.id().to_owned())
                    }
                    _ => None,
                });
                return sending.map(|receipt| Request::FiscalState { receipt });
            }
        }
        None
    }

    fn stages(&mut self) -> Vec<&mut PayStage> {
        match &mut self.screen {
            Screen::Payment(pay) => vec![&mut pay.stage],
            Screen::Return(ret) => vec![&mut ret.stage],
            _ => Vec::new(),
        }
    }

    /// Shows the register's outcome on the receipt's screen, or keeps it
    /// for when the booking's reply comes.
    fn show_fiscal(&mut self, receipt: &str, shown: FiscalShown) {
        for stage in self.stages() {
            if let PayStage::Done {
                receipt: booked,
                fiscal,
            } = stage
            {
                if booked.id() == receipt {
                    *fiscal = shown;
                    return;
                }
            }
        }
        if self.fiscal_seen.len() > 64 {
            self.fiscal_seen.clear();
        }
        self.fiscal_seen.insert(receipt.to_owned(), shown);
    }
}

/// What to show for a receipt's fiscal state.
fn shown_state(state: &FiscalState, register: bool, lang: Lang) -> FiscalShown {
    let t = texts(lang);
    match state {
        FiscalState::NotQueued if register => FiscalShown::NotFiscal,
        FiscalState::NotQueued => FiscalShown::NoRegister,
        FiscalState::Pending { last_error: None } => FiscalShown::Sending,
        FiscalState::Pending {
            last_error: Some(error),
        } => FiscalShown::Waiting(format!("{error}. {}", t.kept_and_retried)),
        FiscalState::Parked { reason, .. } => FiscalShown::Refused((t.register_refused)(reason)),
        FiscalState::Registered { number, sign, .. } => FiscalShown::Registered {
            number: *number,
            sign: *sign,
        },
    }
}

/// What is left to pay (never below zero).
pub fn left_to_pay(pay: &Pay) -> Money {
    let paid = Money::sum(pay.tenders.iter().map(|p| p.amount));
    (pay.total - paid).max(Money::ZERO)
}

/// The change: cash beyond what was left after the card.
pub fn change(pay: &Pay) -> Money {
    let paid = Money::sum(pay.tenders.iter().map(|p| p.amount));
    (paid - pay.total).max(Money::ZERO)
}

/// An amount as typed: `150`, `150,50`, `150.5`, `1 500,00`; letters or a
/// third decimal are no amount.
pub fn parse_amount(typed: &str) -> Option<Money> {
    let plain: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .replace(',', ".");
    if plain.is_empty() || !plain.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    // The journal's money always has its point; a person's may not.
    let plain = match plain.find('.') {
        None => format!("{plain}.00"),
        Some(at) if at + 1 == plain.len() => format!("{plain}00"),
        Some(_) => plain,
    };
    Money::parse(&plain).ok()
}

/// A quantity as typed: `3`, `0,350`.
pub fn parse_qty(typed: &str) -> Option<Qty> {
    let plain = typed.trim().replace(',', ".");
    if plain.is_empty() || !plain.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Qty::parse(&plain).ok()
}

/// A discount as typed: `10%` or an amount.
pub fn parse_discount(typed: &str) -> Option<Discount> {
    match typed.strip_suffix('%') {
        Some(pct) => {
            let plain = pct.trim().replace(',', ".");
            if plain.is_empty() || !plain.chars().all(|c| c.is_ascii_digit() || c == '.') {
                return None;
            }
            Percent::parse(&plain).ok().map(Discount::Percent)
        }
        None => parse_amount(typed).map(Discount::Amount),
    }
}

/// `N*code`: the quantity for the next product, and the code (maybe
/// empty: the quantity waits for the next scan). A bad `N` is an error
/// (the text before `*`).
pub fn split_quantity(typed: &str) -> Result<(Option<Qty>, String), String> {
    match typed.split_once('*') {
        Some((qty, code)) => {
            let qty_typed = qty.trim();
            match parse_qty(qty_typed) {
                Some(qty) if qty.milli() > 0 => Ok((Some(qty), code.trim().to_owned())),
                _ => Err(qty_typed.to_owned()),
            }
        }
        None => Ok((None, typed.to_owned())),
    }
}

/// An amount as it sits in a field: `150,50` (or `150.50`).
pub fn plain_amount(amount: Money, lang: Lang) -> String {
    let plain = amount.to_string();
    match lang {
        Lang::Ru => plain.replace('.', ","),
        Lang::En => plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sale_app(input: &str) -> App {
        let mut app = App::new(Lang::Ru);
        let mut sale = Sale::new();
        sale.input.text = input.to_owned();
        app.screen = Screen::Sale(sale);
        app
    }

    fn key(app: &App, named: Named) -> Option<Act> {
        app.key_action(&Press::named(named))
    }

    #[test]
    fn the_sale_screens_keys_are_the_contracts() {
        let app = sale_app("");
        for (named, act) in [
            (Named::F1, Act::Help),
            (Named::Escape, Act::Back),
            (Named::Enter, Act::Primary),
            (Named::ArrowUp, Act::Up),
            (Named::ArrowDown, Act::Down),
            (Named::Delete, Act::Delete),
            (Named::F3, Act::CashIn),
            (Named::F4, Act::CashOut),
            (Named::F7, Act::Discount),
            (Named::F8, Act::Return),
            (Named::F9, Act::XReport),
            (Named::F10, Act::Exit),
            (Named::F12, Act::F12),
        ] {
            assert_eq!(key(&app, named), Some(act), "{named:?}");
        }
        assert_eq!(
            app.key_action(&Press::named(Named::Delete).with_ctrl()),
            Some(Act::ClearCart)
        );
        assert_eq!(
            app.key_action(&Press::named(Named::Tab).with_shift()),
            Some(Act::PrevField)
        );
    }

    #[test]
    fn plus_and_minus_step_the_line_only_with_the_input_empty() {
        assert_eq!(sale_app("").key_action(&Press::char('+')), Some(Act::Plus));
        assert_eq!(sale_app("").key_action(&Press::char('-')), Some(Act::Minus));
        let typing = sale_app("MILK");
        let minus = Press::char('-');
        assert_eq!(typing.key_action(&minus), Some(Act::Type(minus.clone())));
    }

    #[test]
    fn f2_deposits_the_float_on_opening_and_collects_on_closing() {
        let mut app = App::new(Lang::Ru);
        app.screen = Screen::ShiftOpen(ShiftOpen::default());
        assert_eq!(key(&app, Named::F2), Some(Act::DepositFloat));
        app.screen = Screen::XReport(ShiftTotals {
            shift: "S".into(),
            store: "S1".into(),
            till: "T1".into(),
            cashier: "E1".into(),
            opened_at: kassa::clock::At::parse("2026-11-29T09:00:00+03:00").expect("time"),
            closed_at: None,
            sales_count: 0,
            sales: Money::ZERO,
            returns_count: 0,
            returns: Money::ZERO,
            cash: Default::default(),
            card: Default::default(),
            other: Default::default(),
            cash_in: Money::ZERO,
            cash_out: Money::ZERO,
            collections: Money::ZERO,
        });
        let figures = match &app.screen {
            Screen::XReport(t) => t.clone(),
            _ => unreachable!(),
        };
        app.screen = Screen::ShiftClose(ShiftClose {
            figures,
            counted: Field::new(FieldKind::Number),
            difference_seen: None,
            closed: None,
            closed_count: None,
            action: ActionId::new(),
            busy: false,
        });
        assert_eq!(key(&app, Named::F2), Some(Act::Collect));
    }

    #[test]
    fn with_the_help_open_only_its_keys_count() {
        let mut app = sale_app("");
        app.help = true;
        assert_eq!(key(&app, Named::F12), None);
        assert_eq!(key(&app, Named::Escape), Some(Act::Help));
        assert_eq!(app.key_action(&Press::char('5')), None);
    }

    #[test]
    fn amounts_quantities_and_discounts_as_people_type_them() {
        let m = |s: &str| Money::parse(s).expect("money");
        assert_eq!(parse_amount("150"), Some(m("150.00")));
        assert_eq!(parse_amount("150,5"), Some(m("150.50")));
        assert_eq!(parse_amount("1 500,00"), Some(m("1500.00")));
        assert_eq!(parse_amount("150."), Some(m("150.00")));
        assert_eq!(parse_amount("12,345"), None, "three decimals");
        assert_eq!(parse_amount("сто"), None);
        assert_eq!(parse_amount("-5"), None);
        assert_eq!(parse_qty("0,350").map(Qty::milli), Some(350));
        assert_eq!(
            split_quantity("3*4600010010035"),
            Ok((Qty::parse("3").ok(), "4600010010035".to_owned()))
        );
        assert_eq!(
            split_quantity("0,350*").map(|(q, c)| (q.map(Qty::milli), c)),
            Ok((Some(350), String::new()))
        );
        assert_eq!(split_quantity("0*123"), Err("0".to_owned()));
        assert_eq!(parse_discount("10%"), Percent::parse("10").ok().map(Discount::Percent));
        assert_eq!(parse_discount("50,00"), Some(Discount::Amount(m("50.00"))));
        assert_eq!(parse_discount("ten"), None);
    }
}
