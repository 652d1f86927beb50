//! The till's core, off the UI thread: one thread owns the [`Till`], the
//! logged-in session and the cart in progress, and runs the screens'
//! [`Request`]s one after another. Screens never touch the books; they
//! send a request and show the [`Reply`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;

use iced::futures::channel::{mpsc as async_mpsc, oneshot};
use kassa::catalog::Product;
use kassa::clock::{Clock, SystemClock};
use kassa::fiscal::{FiscalEvent, FiscalState};
use kassa::money::{Money, Percent, Qty};
use kassa::sale::{Cart, Payment, Receipt};
use kassa::shift::{CashOutReason, ShiftTotals};
use kassa::till::Till;
use kassa::till::{ActionId, ReturnLine, ReturnableLine, Session};
use kassa::{Books, Error};

/// What a screen asks of the core.
#[derive(Debug, Clone)]
pub enum Request {
    /// Log in with a PIN (and reach the register).
    Login {
        /// Employee id.
        employee: String,
        /// PIN.
        pin: String,
    },
    /// Log out (the cart stays kept).
    Logout,
    /// Open the shift, with the float deposited in the same action.
    OpenShift {
        /// The action's id.
        action: ActionId,
        /// The float («Внести деньги в кассу»), if any.
        float: Option<Money>,
    },
    /// A code or text from the input line or a scanner.
    Enter {
        /// What was typed or scanned.
        text: String,
        /// The quantity typed before it (`3*`).
        qty: Option<Qty>,
    },
    /// A product picked from the search results.
    Add {
        /// Product.
        sku: String,
        /// Quantity (one if none).
        qty: Option<Qty>,
    },
    /// A line's quantity plus or minus one.
    Step {
        /// The line.
        line: usize,
        /// +1 or -1.
        up: bool,
    },
    /// Remove a line.
    Remove {
        /// The line.
        line: usize,
    },
    /// A line discount.
    Discount {
        /// The line.
        line: usize,
        /// In percent or money.
        discount: Discount,
    },
    /// Throw the cart away (confirmed by the cashier).
    ClearCart,
    /// Take payment for the cart.
    Pay {
        /// The action's id (kept across retries: booked once).
        action: ActionId,
        /// The tenders.
        payments: Vec<Payment>,
        /// The total the cashier was shown and took the tenders for.
        total: Money,
    },
    /// The cart as it stands (after a failed payment: prices may have
    /// moved).
    Cart,
    /// A sale's lines, for a return.
    FindSale {
        /// The sale receipt.
        receipt: String,
    },
    /// Book a return against a sale.
    Return {
        /// The action's id.
        action: ActionId,
        /// The sale receipt.
        sale: String,
        /// What comes back.
        lines: Vec<ReturnLine>,
    },
    /// Cash in (внесение).
    CashIn {
        /// The action's id.
        action: ActionId,
        /// How much.
        amount: Money,
    },
    /// Cash out (выплата, инкассация).
    CashOut {
        /// The action's id.
        action: ActionId,
        /// How much.
        amount: Money,
        /// Why.
        reason: CashOutReason,
    },
    /// The X report (printed on the register too).
    XReport,
    /// The shift's figures for the closing screen.
    Figures,
    /// Close the shift (Z report).
    CloseShift {
        /// The action's id.
        action: ActionId,
        /// The cash counted in the drawer, if the cashier counted.
        counted: Option<Money>,
    },
    /// Open the cash drawer.
    OpenDrawer,
    /// Send the waiting receipts to the register again now.
    RetryRegister,
    /// Keep the tenders the payment has taken so far with the cart.
    KeepTenders(Vec<Payment>),
    /// Keep the screens' language for the next start.
    SetLanguage(crate::format::Lang),
    /// Where a receipt stands with the register.
    FiscalState {
        /// The receipt.
        receipt: String,
    },
}

/// A line discount as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discount {
    /// Percent of the line.
    Percent(Percent),
    /// Money off the line.
    Amount(Money),
}

/// The cart as the screens show it: a snapshot after each change.
#[derive(Debug, Clone, Default)]
pub struct CartView {
    /// The cart.
    pub cart: Arc<Cart>,
    /// Promotion names by id.
    pub promotions: Arc<HashMap<String, String>>,
}

/// What the core answers.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Logged in.
    LoggedIn {
        /// Employee name.
        name: String,
        /// The till's open shift, if any.
        shift: Option<String>,
        /// The cart in progress, brought back (empty if none).
        cart: CartView,
        /// Lines of the kept cart no longer in the catalogue.
        gone: Vec<String>,
        /// What the kept cart's payment had taken.
        tenders: Vec<Payment>,
        /// Whether the till has a fiscal register.
        register: bool,
    },
    /// Logged out.
    LoggedOut,
    /// The shift is open.
    ShiftOpened {
        /// Its id.
        shift: String,
    },
    /// The cart changed; the line to select.
    Cart {
        /// The cart.
        cart: CartView,
        /// The line touched.
        line: Option<usize>,
    },
    /// The text is no code or SKU: products by name.
    Found {
        /// What was searched.
        text: String,
        /// The products found.
        products: Vec<Product>,
    },
    /// A sale or return is booked.
    Booked {
        /// The receipt.
        receipt: Receipt,
        /// Where it stands with the register now.
        fiscal: FiscalState,
        /// Whether the till has a register.
        register: bool,
    },
    /// A sale's lines for a return.
    Sale {
        /// The receipt.
        receipt: String,
        /// Its lines with what may still come back.
        lines: Vec<ReturnableLine>,
    },
    /// Cash moved; what the drawer holds now.
    Cash {
        /// How much moved.
        amount: Money,
        /// Out (true) or in.
        out: bool,
        /// In the drawer now.
        in_drawer: Money,
    },
    /// Shift figures (X report, closing screen).
    Figures(ShiftTotals),
    /// The X report.
    XReport(ShiftTotals),
    /// The shift is closed: its Z report.
    Closed(ShiftTotals),
    /// Done, nothing to show.
    Done,
    /// A receipt's fiscal state.
    Fiscal {
        /// The receipt.
        receipt: String,
        /// Its state.
        state: FiscalState,
    },
}

/// A request's outcome.
pub type Outcome = Result<Reply, Error>;

/// How the till found its books.
#[derive(Debug, Clone)]
pub struct Opened {
    /// Store name.
    pub store: String,
    /// Till id.
    pub till: String,
    /// The language the till was last set to.
    pub language: Option<crate::format::Lang>,
    /// The port of the till's serial barcode scanner, if it has one.
    pub scanner: Option<String>,
}

/// The core: the till, who is logged in, the cart in progress.
pub struct Core {
    till: Till,
    session: Option<Session>,
    cart: Cart,
    promotions: Arc<HashMap<String, String>>,
    /// The cart changed since it was last kept on disk.
    unkept: bool,
    events: Option<mpsc::Receiver<FiscalEvent>>,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Core").field("till", &self.till).finish_non_exhaustive()
    }
}

impl Core {
    /// Opens the books at `path` for till `till` of their first store. New
    /// books get the demo store with its emulated register, so a first
    /// start needs no set-up.
    pub fn open(path: &Path, till: &str, clock: Box<dyn Clock>) -> Result<(Core, Opened), Error> {
        let books = if path.exists() {
            Books::open_existing(path)?
        } else {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| Error::invalid(format!("{}: {e}", dir.display())))?;
            }
            let mut books = Books::open(path)?;
            books
                .load_demo(&SystemClock, None)
                .map_err(|e| Error::invalid(e.to_string()))?;
            books
        };
        let store = books
            .stores()?
            .into_iter()
            .next()
            .ok_or_else(|| Error::invalid("the books have no store: load a journal with `kassa import`"))?;
        let till = books.till(&store.id, till, clock)?;
        let language = till.language()?.as_deref().and_then(crate::format::Lang::from_code);
        let opened = Opened {
            store: store.name,
            till: till.till_id().to_owned(),
            language,
            scanner: till.scanner_port()?,
        };
        Ok((
            Core {
                till,
                session: None,
                cart: Cart::new(),
                promotions: Arc::default(),
                unkept: false,
                events: None,
            },
            opened,
        ))
    }

    /// The till (tests read the books back through it).
    pub fn till(&self) -> &Till {
        &self.till
    }

    /// Waits until the register has taken everything queued so far (tests;
    /// the screens never wait).
    pub fn wait_for_register(&mut self) -> Result<usize, Error> {
        self.till.fiscalize_pending()
    }

    /// The register's events since the login (once: the caller keeps them).
    pub fn take_events(&mut self) -> Option<mpsc::Receiver<FiscalEvent>> {
        self.events.take()
    }

    fn session(&self) -> Result<&Session, Error> {
        self.session.as_ref().ok_or(Error::NeedsEmployee)
    }

    fn cart_view(&self) -> CartView {
        CartView {
            cart: Arc::new(self.cart.clone()),
            promotions: Arc::clone(&self.promotions),
        }
    }

    /// Runs one request.
    pub fn execute(&mut self, request: Request) -> Outcome {
        match request {
            Request::Login { employee, pin } => self.login(&employee, &pin),
            Request::Logout => {
                self.session = None;
                Ok(Reply::LoggedOut)
            }
            Request::OpenShift { action, float } => {
                let session = self.session()?.clone();
                let shift = self.till.open_shift_with_float(&session, &action, float)?;
                Ok(Reply::ShiftOpened { shift })
            }
            Request::Enter { text, qty } => self.enter(&text, qty),
            Request::Add { sku, qty } => {
                let session = self.session()?.clone();
                let line = self.till.add_product_or_piece(&session, &mut self.cart, &sku, qty)?;
                self.changed(Some(line))
            }
            Request::Step { line, up } => {
                let session = self.session()?.clone();
                let current = self.cart.lines().get(line).ok_or(Error::NoSuchLine(line + 1))?.qty;
                let milli = current.milli() + if up { 1000 } else { -1000 };
                if milli <= 0 {
                    self.till.remove_line(&session, &mut self.cart, line)?;
                    let left = self.cart.lines().len();
                    return self.changed((left > 0).then(|| line.min(left - 1)));
                }
                let qty = Qty::from_milli(milli).ok_or(Error::NoSuchLine(line + 1))?;
                self.till.set_qty(&session, &mut self.cart, line, qty)?;
                self.changed(Some(line))
            }
            Request::Remove { line } => {
                let session = self.session()?.clone();
                self.till.remove_line(&session, &mut self.cart, line)?;
                let left = self.cart.lines().len();
                self.changed((left > 0).then(|| line.min(left - 1)))
            }
            Request::Discount { line, discount } => {
                let session = self.session()?.clone();
                match discount {
                    Discount::Percent(pct) => self.till.set_line_discount_pct(&session, &mut self.cart, line, pct)?,
                    Discount::Amount(amount) => self.till.set_line_discount(&session, &mut self.cart, line, amount)?,
                }
                self.changed(Some(line))
            }
            Request::ClearCart => {
                self.cart = Cart::new();
                self.till.drop_kept_cart()?;
                self.unkept = false;
                Ok(Reply::Cart {
                    cart: self.cart_view(),
                    line: None,
                })
            }
            Request::Pay {
                action,
                payments,
                total,
            } => {
                let session = self.session()?.clone();
                // Priced again first: a promotion may have started or ended
                // since the last change. A total other than the one the
                // tenders were taken for is said, never booked quietly.
                self.till.reprice(&mut self.cart)?;
                // (An empty cart: this action was booked and its reply lost;
                // the till answers with its receipt.)
                if !self.cart.is_empty() && self.cart.total() != total {
                    self.unkept = true;
                    return Err(Error::PricesChanged {
                        total: self.cart.total(),
                    });
                }
                let receipt = self.till.pay(&session, &action, &self.cart, &payments)?;
                self.cart = Cart::new();
                self.till.drop_kept_cart()?;
                self.unkept = false;
                self.booked(receipt)
            }
            Request::Cart => Ok(Reply::Cart {
                cart: self.cart_view(),
                line: self.cart.lines().len().checked_sub(1),
            }),
            Request::FindSale { receipt } => {
                let session = self.session()?.clone();
                let lines = self.till.returnable_lines(&session, &receipt)?;
                Ok(Reply::Sale { receipt, lines })
            }
            Request::Return { action, sale, lines } => {
                let session = self.session()?.clone();
                let receipt = self.till.return_sale(&session, &action, &sale, &lines)?;
                self.booked(receipt)
            }
            Request::CashIn { action, amount } => {
                let session = self.session()?.clone();
                self.till.cash_in(&session, &action, amount)?;
                Ok(Reply::Cash {
                    amount,
                    out: false,
                    in_drawer: self.till.cash_in_drawer()?,
                })
            }
            Request::CashOut { action, amount, reason } => {
                let session = self.session()?.clone();
                self.till.cash_out(&session, &action, amount, reason)?;
                Ok(Reply::Cash {
                    amount,
                    out: true,
                    in_drawer: self.till.cash_in_drawer()?,
                })
            }
            Request::XReport => {
                let session = self.session()?.clone();
                Ok(Reply::XReport(self.till.x_report(&session)?))
            }
            Request::Figures => {
                let session = self.session()?.clone();
                Ok(Reply::Figures(self.till.shift_figures(&session)?))
            }
            Request::CloseShift { action, counted } => {
                let session = self.session()?.clone();
                Ok(Reply::Closed(
                    self.till.close_shift_counted(&session, &action, counted)?,
                ))
            }
            Request::OpenDrawer => {
                let session = self.session()?.clone();
                self.till.open_drawer(&session)?;
                Ok(Reply::Done)
            }
            Request::SetLanguage(lang) => {
                self.till.set_language(lang.code())?;
                Ok(Reply::Done)
            }
            Request::KeepTenders(tenders) => {
                // The cart first, so the tenders have its row to sit in.
                self.settle()?;
                self.till.keep_tenders(&tenders)?;
                Ok(Reply::Done)
            }
            Request::RetryRegister => {
                self.till.retry_register();
                Ok(Reply::Done)
            }
            Request::FiscalState { receipt } => {
                let state = self.till.fiscal_state(&receipt)?;
                Ok(Reply::Fiscal { receipt, state })
            }
        }
    }

    /// After a reply is sent: keeps the cart on disk (off the scan's path
    /// to the screen).
    pub fn settle(&mut self) -> Result<(), Error> {
        if self.unkept {
            if let Some(session) = self.session.clone() {
                self.till.keep_cart(&session, &self.cart)?;
            }
            self.unkept = false;
        }
        Ok(())
    }

    fn login(&mut self, employee: &str, pin: &str) -> Outcome {
        let session = self.till.login(employee, pin)?;
        if !self.till.has_register() {
            self.events = self.till.connect_own_register()?;
        }
        let kept = self.till.kept_cart(&session)?.unwrap_or_default();
        self.cart = kept.cart;
        self.promotions = Arc::new(self.till.promotion_names()?);
        let name = session.name().to_owned();
        self.session = Some(session);
        Ok(Reply::LoggedIn {
            name,
            shift: self.till.current_shift()?,
            cart: self.cart_view(),
            gone: kept.gone,
            tenders: kept.tenders,
            register: self.till.has_register(),
        })
    }

    /// A code, a SKU, or else a search by name.
    fn enter(&mut self, text: &str, qty: Option<Qty>) -> Outcome {
        let session = self.session()?.clone();
        let text = text.trim();
        let not_a_code = |e: &Error| matches!(e, Error::NotFound { .. } | Error::Barcode(_));
        match self.till.scan_qty(&session, &mut self.cart, text, qty) {
            Ok(line) => return self.changed(Some(line)),
            Err(e) if not_a_code(&e) => {}
            Err(e) => return Err(e),
        }
        // A SKU as typed, then as typed on the Russian layout by mistake.
        for sku in [text.to_owned(), latin_layout(text)] {
            match self.till.add_product_or_piece(&session, &mut self.cart, &sku, qty) {
                Ok(line) => return self.changed(Some(line)),
                Err(Error::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        let products = self.till.find_products(&session, text, 50)?;
        Ok(Reply::Found {
            text: text.to_owned(),
            products,
        })
    }

    fn changed(&mut self, line: Option<usize>) -> Outcome {
        self.unkept = true;
        self.promotions = Arc::new(self.till.promotion_names()?);
        Ok(Reply::Cart {
            cart: self.cart_view(),
            line,
        })
    }

    fn booked(&mut self, receipt: Receipt) -> Outcome {
        let fiscal = self.till.fiscal_state(receipt.id())?;
        Ok(Reply::Booked {
            receipt,
            fiscal,
            register: self.till.has_register(),
        })
    }
}

/// Text typed on the Russian layout by mistake, read by the keys (ЙЦУКЕН
/// → QWERTY): `ЬШДЛ-1` is `MILK-1`.
pub fn latin_layout(text: &str) -> String {
    text.chars()
        .map(|c| crate::input::latin_on_russian_key(c).unwrap_or(c))
        .collect()
}

/// The core on its own thread, for the GUI.
#[derive(Debug, Clone)]
pub struct CoreHandle {
    requests: mpsc::Sender<(Request, oneshot::Sender<Outcome>)>,
}

impl CoreHandle {
    /// Starts the core's thread; the register's events go to `events`.
    pub fn start(mut core: Core, events: async_mpsc::UnboundedSender<crate::app::Message>) -> CoreHandle {
        let (requests, inbox) = mpsc::channel::<(Request, oneshot::Sender<Outcome>)>();
        let spawned = std::thread::Builder::new().name("till core".into()).spawn(move || {
            while let Ok((request, reply)) = inbox.recv() {
                let outcome = core.execute(request);
                // The screen first; then the cart goes to disk.
                let _ = reply.send(outcome);
                if let Err(error) = core.settle() {
                    eprintln!("kassa-till: the cart could not be kept: {error}");
                }
                if let Some(receiver) = core.take_events() {
                    forward(receiver, events.clone());
                }
            }
        });
        if let Err(error) = spawned {
            eprintln!("kassa-till: cannot start the core: {error}");
        }
        CoreHandle { requests }
    }

    /// Sends a request; the future resolves with its outcome.
    pub fn call(&self, request: Request) -> impl std::future::Future<Output = Outcome> + Send + 'static {
        let (reply, answer) = oneshot::channel();
        let sent = self.requests.send((request, reply));
        async move {
            if sent.is_err() {
                return Err(Error::invalid("the till's core has stopped"));
            }
            answer
                .await
                .unwrap_or_else(|_| Err(Error::invalid("the till's core has stopped")))
        }
    }
}

/// Passes the register's events on to the screens' channel.
fn forward(receiver: mpsc::Receiver<FiscalEvent>, events: async_mpsc::UnboundedSender<crate::app::Message>) {
    let _ = std::thread::Builder::new().name("fiscal events".into()).spawn(move || {
        while let Ok(event) = receiver.recv() {
            if events.unbounded_send(crate::app::Message::Fiscal(event)).is_err() {
                break;
            }
        }
    });
}

/// `--db FILE`, else `KASSA_DB`, else the platform data directory (as the CLI).
pub fn database_path(args: &[String]) -> PathBuf {
    if let Some(path) = flag(args, "--db") {
        return PathBuf::from(path);
    }
    if let Some(path) = std::env::var_os("KASSA_DB") {
        return PathBuf::from(path);
    }
    directories::ProjectDirs::from("", "", "kassa")
        .map(|dirs| dirs.data_dir().join("kassa.db"))
        .unwrap_or_else(|| PathBuf::from("kassa.db"))
}

/// The value after `name` in the arguments.
pub fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}
