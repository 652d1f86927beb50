//! The shop's paperwork as official Russian forms in PDF, from the books
//! alone: the cash book (КО-4), cash orders (КО-1, КО-2), the invoice
//! (счёт-фактура), the УПД, the waybill (ТОРГ-12), the write-off act
//! (ТОРГ-16), the inventory list (ИНВ-3) and a sales report for a period.
//! Columns, lines and signatures follow shared/spec/documents.md.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::catalog::{Counterparty, Store, Unit};
use crate::db::report::Period;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::locale::{self, Lang};
use crate::money::{Money, VatRate};

mod form;
pub mod words;

use form::{Col, Form};

/// The kinds of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Кассовая книга КО-4: a store's day.
    CashBook,
    /// Приходный кассовый ордер КО-1: a cash in.
    CashInOrder,
    /// Расходный кассовый ордер КО-2: a cash out.
    CashOutOrder,
    /// Счёт-фактура: a sale to a company.
    Invoice,
    /// УПД, status 1: a sale to a company.
    Upd,
    /// ТОРГ-12: a sale to a company or a return to a supplier.
    Waybill,
    /// ТОРГ-16: a write-off.
    WriteOff,
    /// ИНВ-3: a stock count.
    Inventory,
    /// Отчёт о продажах за период.
    SalesReport,
}

impl Kind {
    /// Every kind, as `kassa document` names them.
    pub const ALL: [Kind; 9] = [
        Kind::CashBook,
        Kind::CashInOrder,
        Kind::CashOutOrder,
        Kind::Invoice,
        Kind::Upd,
        Kind::Waybill,
        Kind::WriteOff,
        Kind::Inventory,
        Kind::SalesReport,
    ];

    /// The command line's name.
    pub fn code(self) -> &'static str {
        match self {
            Kind::CashBook => "cash-book",
            Kind::CashInOrder => "cash-in-order",
            Kind::CashOutOrder => "cash-out-order",
            Kind::Invoice => "invoice",
            Kind::Upd => "upd",
            Kind::Waybill => "waybill",
            Kind::WriteOff => "write-off",
            Kind::Inventory => "inventory",
            Kind::SalesReport => "sales-report",
        }
    }

    /// The kind named `code`.
    pub fn from_code(code: &str) -> Result<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code).ok_or_else(|| {
            let names: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
            Error::invalid(format!("unknown document `{code}`; one of {}", names.join(", ")))
        })
    }
}

/// Renders a document: `key` is the record's id (a cash order's number, a
/// receipt, a write-off, a supplier return, a count) or a day
/// (`YYYY-MM-DD`; a sales report also takes `YYYY-MM` or `FROM..TO`).
pub fn render(db: &Db, kind: Kind, key: &str, store: Option<&str>) -> Result<Vec<u8>> {
    match kind {
        Kind::CashBook => cash_book(db, day(key)?, store),
        Kind::CashInOrder | Kind::CashOutOrder => cash_order(db, kind, key),
        Kind::Invoice => invoice(db, kind, key, 1).map(|(pdf, _)| pdf),
        // The УПД states its number of sheets: drawn once to count them.
        Kind::Upd => {
            let (_, sheets) = invoice(db, kind, key, 1)?;
            invoice(db, kind, key, sheets).map(|(pdf, _)| pdf)
        }
        Kind::Waybill => waybill(db, key),
        Kind::WriteOff => write_off(db, key),
        Kind::Inventory => inventory(db, key),
        Kind::SalesReport => sales_report(db, key, store),
    }
}

fn day(key: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(key, "%Y-%m-%d").map_err(|_| Error::invalid(format!("`{key}` is not a day (YYYY-MM-DD)")))
}

fn not_found(what: &'static str, id: &str) -> Error {
    Error::NotFound {
        what,
        id: id.to_owned(),
    }
}

fn store_of(db: &Db, id: &str) -> Result<Store> {
    db.store(id)?.ok_or_else(|| not_found("store", id))
}

/// The organisation as a form's header names it.
fn organisation(store: &Store) -> String {
    store
        .requisites
        .legal_name
        .clone()
        .unwrap_or_else(|| store.name.clone())
}

/// «ООО «…», ИНН 7701234567, КПП 770101001, Москва, …»
fn party_line(name: &str, inn: Option<&str>, kpp: Option<&str>, address: Option<&str>) -> String {
    let mut parts = vec![name.to_owned()];
    if let Some(inn) = inn {
        parts.push(format!("ИНН {inn}"));
    }
    if let Some(kpp) = kpp {
        parts.push(format!("КПП {kpp}"));
    }
    if let Some(address) = address {
        parts.push(address.to_owned());
    }
    parts.join(", ")
}

fn seller_line(store: &Store) -> String {
    party_line(
        &organisation(store),
        store.inn.as_deref(),
        store.requisites.kpp.as_deref(),
        store.address.as_deref(),
    )
}

fn buyer_line(c: &Counterparty) -> String {
    party_line(&c.name, Some(&c.inn), c.kpp.as_deref(), c.address.as_deref())
}

fn inn_kpp(inn: Option<&str>, kpp: Option<&str>) -> String {
    format!("{}/{}", inn.unwrap_or("--"), kpp.unwrap_or("--"))
}

fn money(m: Money) -> String {
    locale::amount(m, Lang::Ru)
}

fn qty(q: Decimal) -> String {
    locale::number(q.normalize(), Lang::Ru)
}

fn date_of(at: &str) -> String {
    crate::clock::At::parse(at).map_or_else(|_| at.to_owned(), |a| locale::day(a.local_day(), Lang::Ru))
}

/// «02» ноября 2026 г.
fn long_date(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    use chrono::Datelike;
    format!("«{:02}» {} {} г.", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// A unit's name and its ОКЕИ code.
fn okei(unit: &str) -> (&'static str, &'static str) {
    match Unit::from_code(unit) {
        Some(Unit::Kg) => ("кг", "166"),
        Some(Unit::L) => ("л", "112"),
        Some(Unit::M) => ("м", "006"),
        _ => ("шт", "796"),
    }
}

fn rate_text(vat: &str) -> String {
    match VatRate::from_code(vat) {
        Some(VatRate::None) | None => "без НДС".to_owned(),
        Some(rate) => format!("{}%", rate.percent()),
    }
}

/// A VAT-inclusive amount split: (without VAT, VAT), the VAT per line.
fn split_vat(vat: &str, amount: Money) -> (Money, Money) {
    let tax = VatRate::from_code(vat).map_or(Money::ZERO, |r| r.extract(amount));
    (amount - tax, tax)
}

fn director(store: &Store) -> String {
    store.requisites.director.clone().unwrap_or_default()
}

fn accountant(store: &Store) -> String {
    store.requisites.accountant.clone().unwrap_or_default()
}

fn cash_book(db: &Db, day: NaiveDate, store: Option<&str>) -> Result<Vec<u8>> {
    let store_id = match store {
        Some(s) => s.to_owned(),
        None => single_store(db)?,
    };
    let store = store_of(db, &store_id)?;
    let entries = db.cash_day(&store.id, day)?;
    if entries.is_empty() {
        return Err(Error::invalid(format!(
            "no cash moved in store {} on {day}: the cash book has no sheet for that day",
            store.id
        )));
    }
    let opening = crate::report::facts::Source::cash_before(db, Some(&store.id), day)?;
    let received = Money::sum(entries.iter().filter(|e| e.received).map(|e| e.amount));
    let paid = Money::sum(entries.iter().filter(|e| !e.received).map(|e| e.amount));
    let closing = opening + received - paid;
    let sheet = db.cash_sheet_number(&store.id, day)?;
    let mut f = Form::new("Кассовая книга", false)?;
    f.right(7.0, false, "Унифицированная форма № КО-4. Код формы по ОКУД 0310004");
    f.gap(5.0);
    f.line(9.0, true, &organisation(&store));
    f.gap(2.0);
    f.right(9.0, false, &format!("Лист {sheet}"));
    f.centered(11.0, true, &format!("КАССА за {}", long_date(day)));
    f.gap(3.0);
    let cols = [
        Col::text("Номер документа", "1", 22.0),
        Col::text("От кого получено или кому выдано", "2", 70.0),
        Col::text("Номер корреспондирующего счета, субсчета", "3", 28.0),
        Col::figures("Приход, руб. коп.", "4", 28.0),
        Col::figures("Расход, руб. коп.", "5", 28.0),
    ];
    let mut rows = vec![vec![
        "".into(),
        "Остаток на начало дня".into(),
        "".into(),
        money(opening),
        "Х".into(),
    ]];
    for e in &entries {
        let (income, outgo) = if e.received {
            (money(e.amount), String::new())
        } else {
            (String::new(), money(e.amount))
        };
        rows.push(vec![
            e.document.clone(),
            e.party.clone(),
            e.account.into(),
            income,
            outgo,
        ]);
    }
    let totals = vec![
        vec![
            "".into(),
            "Итого за день".into(),
            "".into(),
            money(received),
            money(paid),
        ],
        vec![
            "".into(),
            "Остаток на конец дня".into(),
            "".into(),
            money(closing),
            "Х".into(),
        ],
        vec![
            "".into(),
            "в том числе на заработную плату, выплаты социального характера и стипендии".into(),
            "".into(),
            "--".into(),
            "Х".into(),
        ],
    ];
    f.table(&cols, &rows, &totals);
    let cashiers = entries.len();
    f.signature("Кассир", "");
    let (ins, outs) = (
        entries.iter().filter(|e| e.received).count() as u64,
        entries.iter().filter(|e| !e.received).count() as u64,
    );
    f.line(
        8.0,
        false,
        &format!(
            "Записи в кассовой книге проверил и документы в количестве {} приходных и {} расходных получил.",
            words::count(ins, false).to_lowercase(),
            words::count(outs, false).to_lowercase()
        ),
    );
    f.gap(2.0);
    f.signature("Бухгалтер", &accountant(&store));
    let _ = cashiers;
    Ok(f.finish())
}

/// The store when the books have one; else the caller must name it.
fn single_store(db: &Db) -> Result<String> {
    let stores = crate::report::facts::Source::stores(db)?;
    match stores.as_slice() {
        [(id, _)] => Ok(id.clone()),
        _ => Err(Error::invalid("the books have several stores: name one with --store")),
    }
}

fn cash_order(db: &Db, kind: Kind, key: &str) -> Result<Vec<u8>> {
    let number: i64 = key.parse().map_err(|_| {
        Error::invalid(format!(
            "`{key}` is not a cash order's number (the cash book lists them)"
        ))
    })?;
    let order = db.cash_order(number)?.ok_or_else(|| not_found("cash order", key))?;
    let incoming = order.reason.is_none();
    match (kind, incoming) {
        (Kind::CashInOrder, false) => {
            return Err(Error::invalid(format!(
                "cash order {key} is a cash out: ask for cash-out-order"
            )))
        }
        (Kind::CashOutOrder, true) => {
            return Err(Error::invalid(format!(
                "cash order {key} is a cash in: ask for cash-in-order"
            )))
        }
        _ => {}
    }
    let store = store_of(db, &order.store)?;
    let cashier = db
        .employee(&order.cashier)?
        .map(|e| e.name)
        .unwrap_or_else(|| order.cashier.clone());
    let date = date_of(&order.at);
    let words = words::amount(order.amount);
    let (account, basis, party) = match order.reason.as_deref() {
        None => (
            "57.01",
            "Внесение наличных в кассу (размен)".to_owned(),
            cashier.clone(),
        ),
        Some("collection") => (
            "57.01",
            "Инкассация: сдача выручки в банк".to_owned(),
            "Инкассатор".to_owned(),
        ),
        Some("expense") => ("71.01", "Выдача на хозяйственные расходы".to_owned(), cashier.clone()),
        Some(_) => ("76.09", "Прочая выдача".to_owned(), cashier.clone()),
    };
    let mut f = Form::new(
        if incoming {
            "Приходный кассовый ордер"
        } else {
            "Расходный кассовый ордер"
        },
        false,
    )?;
    let (form_no, okud, title) = if incoming {
        ("КО-1", "0310001", "ПРИХОДНЫЙ КАССОВЫЙ ОРДЕР")
    } else {
        ("КО-2", "0310002", "РАСХОДНЫЙ КАССОВЫЙ ОРДЕР")
    };
    f.right(
        7.0,
        false,
        &format!("Унифицированная форма № {form_no}. Код формы по ОКУД {okud}"),
    );
    f.gap(5.0);
    f.field("Организация", &organisation(&store));
    f.field("Структурное подразделение", &store.name);
    f.gap(2.0);
    f.centered(11.0, true, &format!("{title} № {} от {date}", order.number));
    f.gap(2.0);
    let cols = if incoming {
        vec![
            Col::text("Дебет", "", 18.0),
            Col::text("Кредит: код структурного подразделения", "", 26.0),
            Col::text("Кредит: корреспондирующий счет, субсчет", "", 26.0),
            Col::text("Кредит: код аналитического учета", "", 24.0),
            Col::figures("Сумма, руб. коп.", "", 26.0),
            Col::text("Код целевого назначения", "", 22.0),
            Col::text("", "", 12.0),
        ]
    } else {
        vec![
            Col::text("Дебет: код структурного подразделения", "", 26.0),
            Col::text("Дебет: корреспондирующий счет, субсчет", "", 26.0),
            Col::text("Дебет: код аналитического учета", "", 24.0),
            Col::text("Кредит", "", 18.0),
            Col::figures("Сумма, руб. коп.", "", 26.0),
            Col::text("Код целевого назначения", "", 22.0),
            Col::text("", "", 12.0),
        ]
    };
    let row = if incoming {
        vec![
            "50.01".into(),
            store.id.clone(),
            account.into(),
            "".into(),
            money(order.amount),
            "".into(),
            "".into(),
        ]
    } else {
        vec![
            store.id.clone(),
            account.into(),
            "".into(),
            "50.01".into(),
            money(order.amount),
            "".into(),
            "".into(),
        ]
    };
    f.table(&cols, &[row], &[]);
    if incoming {
        f.field("Принято от", &party);
    } else {
        f.field("Выдать", &party);
    }
    f.field("Основание", &format!("{basis}, смена {}", order.shift));
    f.field("Сумма", &words);
    if incoming {
        f.field("В том числе", "без налога (НДС)");
    }
    f.field("Приложение", "");
    if incoming {
        f.signature("Главный бухгалтер", &accountant(&store));
        f.signature("Получил кассир", &cashier);
        f.gap(2.0);
        f.cut_line("линия отреза");
        f.gap(2.0);
        f.line(8.0, false, &organisation(&store));
        f.centered(10.0, true, "КВИТАНЦИЯ");
        f.centered(
            9.0,
            false,
            &format!("к приходному кассовому ордеру № {} от {date}", order.number),
        );
        f.field("Принято от", &party);
        f.field("Основание", &format!("{basis}, смена {}", order.shift));
        let rubles = order.amount.kopecks() / 100;
        let kopecks = order.amount.kopecks() % 100;
        f.field("Сумма", &format!("{rubles} руб. {kopecks:02} коп."));
        f.field("", &words);
        f.field("В том числе", "без налога (НДС)");
        f.line(8.0, false, &format!("{date}        М.П. (штампа)"));
        f.signature("Главный бухгалтер", &accountant(&store));
        f.signature("Кассир", &cashier);
    } else {
        f.signature("Руководитель организации", &director(&store));
        f.signature("Главный бухгалтер", &accountant(&store));
        let rubles = order.amount.kopecks() / 100;
        let kopecks = order.amount.kopecks() % 100;
        f.field("Получил", &format!("{words} ({rubles} руб. {kopecks:02} коп.)"));
        f.field("Дата", &date);
        f.signature("Подпись", &party);
        f.field(
            "По",
            "(наименование, номер, дата и место выдачи документа, удостоверяющего личность получателя)",
        );
        f.signature("Выдал кассир", &cashier);
    }
    Ok(f.finish())
}

/// A sale to a company: the receipt, its store and its buyer.
struct CompanySale {
    receipt: crate::sale::Receipt,
    store: Store,
    buyer: Counterparty,
    /// Per line: the VAT code it was booked at.
    vats: Vec<String>,
    names: Vec<(String, String)>,
}

fn company_sale(db: &Db, id: &str) -> Result<CompanySale> {
    let receipt = db.receipt(id)?.ok_or_else(|| not_found("receipt", id))?;
    let draft = receipt.draft();
    if draft.kind != crate::sale::ReceiptKind::Sale {
        return Err(Error::invalid(format!("receipt {id} is a return, not a sale")));
    }
    let buyer_id = draft.buyer.clone().ok_or_else(|| {
        Error::invalid(format!(
            "receipt {id} names no buyer: an invoice needs a sale to a company"
        ))
    })?;
    let buyer = db
        .counterparty(&buyer_id)?
        .ok_or_else(|| not_found("counterparty", &buyer_id))?;
    let store_id = db.receipt_store(id)?.ok_or_else(|| not_found("receipt", id))?;
    let store = store_of(db, &store_id)?;
    let booked = db.receipt_line_vats(id)?;
    let mut vats = Vec::new();
    let mut names = Vec::new();
    for (n, line) in draft.lines.iter().enumerate() {
        let product = db.product(&line.sku)?.ok_or_else(|| not_found("product", &line.sku))?;
        let vat = booked.get(n).copied().flatten().unwrap_or(product.vat);
        vats.push(vat.code().to_owned());
        names.push((product.name, product.unit.code().to_owned()));
    }
    Ok(CompanySale {
        receipt,
        store,
        buyer,
        vats,
        names,
    })
}

/// The invoice or УПД, and how many sheets it took.
fn invoice(db: &Db, kind: Kind, id: &str, sheets: usize) -> Result<(Vec<u8>, usize)> {
    let sale = company_sale(db, id)?;
    let draft = sale.receipt.draft();
    let date = locale::day(draft.at.local_day(), Lang::Ru);
    let upd = kind == Kind::Upd;
    let mut f = Form::new(
        if upd {
            "Универсальный передаточный документ"
        } else {
            "Счёт-фактура"
        },
        true,
    )?;
    f.right(
        6.0,
        false,
        "Приложение № 1 к постановлению Правительства Российской Федерации от 26 декабря 2011 г. № 1137 (в редакции постановления Правительства Российской Федерации от 23.01.2026 № 26)",
    );
    f.gap(4.0);
    // Status 1 (invoice and transfer) needs a VAT payer: a store on a patent,
    // or a sale with every line без НДС, issues a transfer document only.
    let vat_payer = sale.store.tax_system != Some(crate::catalog::TaxSystem::Patent)
        && sale
            .vats
            .iter()
            .any(|v| VatRate::from_code(v).is_some_and(|r| r != VatRate::None));
    if !upd && !vat_payer {
        return Err(Error::invalid(format!(
            "receipt {id}: the sale carries no VAT (a patent, or every line без НДС), so it takes no счёт-фактура; ask for upd (status 2) or waybill"
        )));
    }
    if upd {
        f.line(9.0, true, "Универсальный передаточный документ");
        f.line(
            8.0,
            false,
            &format!(
                "Статус: {}   (1 – счет-фактура и передаточный документ (акт); 2 – передаточный документ (акт))",
                if vat_payer { 1 } else { 2 }
            ),
        );
        f.gap(1.0);
    }
    if vat_payer {
        f.line(10.0, true, &format!("СЧЕТ-ФАКТУРА № {} от {date} (1)", draft.id));
    } else {
        f.line(
            10.0,
            true,
            &format!("ПЕРЕДАТОЧНЫЙ ДОКУМЕНТ (АКТ) № {} от {date}", draft.id),
        );
    }
    f.line(8.0, false, "ИСПРАВЛЕНИЕ № -- от -- (1а)");
    let store = &sale.store;
    let buyer = &sale.buyer;
    f.field("Продавец (2)", &organisation(store));
    f.field("Адрес (2а)", store.address.as_deref().unwrap_or("--"));
    f.field(
        "ИНН/КПП продавца (2б)",
        &inn_kpp(store.inn.as_deref(), store.requisites.kpp.as_deref()),
    );
    f.field("Грузоотправитель и его адрес (3)", &seller_line(store));
    f.field("Грузополучатель и его адрес (4)", &buyer_line(buyer));
    f.field(
        "К платежно-расчетному документу (5)",
        &format!("№ {} от {date}", draft.id),
    );
    f.field(
        "Документ об отгрузке (5а)",
        &format!("№ п/п 1–{} № {} от {date}", draft.lines.len(), draft.id),
    );
    f.field("К счету-фактуре, выставленному при получении оплаты (5б)", "№ -- от --");
    f.field("Покупатель (6)", &buyer.name);
    f.field("Адрес (6а)", buyer.address.as_deref().unwrap_or("--"));
    f.field(
        "ИНН/КПП покупателя (6б)",
        &inn_kpp(Some(&buyer.inn), buyer.kpp.as_deref()),
    );
    f.field("Валюта: наименование, код (7)", "Российский рубль, 643");
    f.field(
        "Идентификатор государственного контракта, договора (соглашения) (при наличии) (8)",
        "--",
    );
    f.gap(2.0);
    let mut cols = Vec::new();
    if upd {
        cols.push(Col::text("Код товара/ работ, услуг", "А", 12.0));
    }
    cols.extend([
        Col::text("№ п/п", "1", 7.0),
        Col::text(
            "Наименование товара (описание выполненных работ, оказанных услуг), имущественного права",
            "1а",
            36.0,
        ),
        Col::text("Код вида товара", "1б", 9.0),
        Col::text("Единица измерения: код", "2", 9.0),
        Col::text("Единица измерения: условное обозначение (национальное)", "2а", 12.0),
        Col::figures("Количество (объем)", "3", 12.0),
        Col::figures("Цена (тариф) за единицу измерения", "4", 15.0),
        Col::figures(
            "Стоимость товаров (работ, услуг), имущественных прав без налога - всего",
            "5",
            18.0,
        ),
        Col::text("В том числе сумма акциза", "6", 11.0),
        Col::text("Налоговая ставка", "7", 10.0),
        Col::figures("Сумма налога, предъявляемая покупателю", "8", 15.0),
        Col::figures(
            "Стоимость товаров (работ, услуг), имущественных прав с налогом - всего",
            "9",
            18.0,
        ),
        Col::text("Страна происхождения товара: цифровой код", "10", 9.0),
        Col::text("Страна происхождения товара: краткое наименование", "10а", 11.0),
        Col::text(
            "Регистрационный номер декларации на товары или партии товара, подлежащего прослеживаемости",
            "11",
            16.0,
        ),
        Col::text(
            "Единица количественного учета товара, используемая в целях прослеживаемости: код",
            "12",
            10.0,
        ),
        Col::text("Единица количественного учета: условное обозначение", "12а", 10.0),
        Col::text("Количество товара, подлежащего прослеживаемости", "13", 11.0),
        Col::text(
            "Стоимость товара, подлежащего прослеживаемости, без НДС, в рублях и копейках",
            "14",
            14.0,
        ),
    ]);
    let mut rows = Vec::new();
    let (mut without, mut tax, mut with) = (Money::ZERO, Money::ZERO, Money::ZERO);
    for (n, line) in draft.lines.iter().enumerate() {
        let (name, unit) = &sale.names[n];
        let (unit_name, code) = okei(unit);
        let amount = line.amount();
        let (net, vat) = split_vat(&sale.vats[n], amount);
        let price = Money::round(net.as_decimal() / line.qty.as_decimal());
        without += net;
        tax += vat;
        with += amount;
        let mut row = Vec::new();
        if upd {
            row.push(line.sku.clone());
        }
        row.extend([
            (n + 1).to_string(),
            name.clone(),
            "--".into(),
            code.into(),
            unit_name.into(),
            qty(line.qty.as_decimal()),
            money(price),
            money(net),
            "без акциза".into(),
            rate_text(&sale.vats[n]),
            money(vat),
            money(amount),
            "--".into(),
            "--".into(),
            "--".into(),
            "--".into(),
            "--".into(),
            "--".into(),
            "--".into(),
        ]);
        rows.push(row);
    }
    let mut total = Vec::new();
    if upd {
        total.push(String::new());
    }
    total.extend([
        "".into(),
        "Всего к оплате".into(),
        "".into(),
        "".into(),
        "".into(),
        "".into(),
        "".into(),
        money(without),
        "Х".into(),
        "Х".into(),
        money(tax),
        money(with),
        "".into(),
        "".into(),
        "".into(),
        "".into(),
        "".into(),
        "".into(),
        "".into(),
    ]);
    f.table(&cols, &rows, &[total]);
    if upd {
        f.line(
            8.0,
            false,
            &format!(
                "Документ составлен на {sheets} {}",
                words::plural(sheets as u64, ["листе", "листах", "листах"])
            ),
        );
    }
    f.signatures(
        (
            "Руководитель организации или иное уполномоченное лицо",
            &director(store),
        ),
        ("Главный бухгалтер или иное уполномоченное лицо", &accountant(store)),
    );
    // An individual entrepreneur (ОГРНИП, 15 digits) signs here instead.
    if store.requisites.ogrn.as_ref().is_some_and(|o| o.len() == 15) {
        f.signature(
            "Индивидуальный предприниматель или иное уполномоченное лицо",
            &director(store),
        );
        f.line(
            6.0,
            false,
            &format!(
                "{} (основной государственный регистрационный номер индивидуального предпринимателя и дата присвоения такого номера)",
                store.requisites.ogrn.clone().unwrap_or_default()
            ),
        );
    }
    if upd {
        f.gap(3.0);
        f.field(
            "Основание передачи (сдачи) / получения (приемки) [8]",
            &format!("Чек № {} от {date}", draft.id),
        );
        f.field("Данные о транспортировке и грузе [9]", "--");
        f.signature(
            "Товар (груз) передал / услуги, результаты работ, права сдал [10]",
            &director(store),
        );
        f.field("Дата отгрузки, передачи (сдачи) [11]", &date);
        f.field("Иные сведения об отгрузке, передаче [12]", "--");
        f.signature(
            "Ответственный за правильность оформления факта хозяйственной жизни [13]",
            &accountant(store),
        );
        f.field(
            "Наименование экономического субъекта – составителя документа (в т.ч. комиссионера / агента) [14]",
            &format!(
                "{}, ИНН/КПП {}    М.П.",
                organisation(store),
                inn_kpp(store.inn.as_deref(), store.requisites.kpp.as_deref())
            ),
        );
        f.signature("Товар (груз) получил / услуги, результаты работ, права принял [15]", "");
        f.field("Дата получения (приемки) [16]", "");
        f.field("Иные сведения о получении, приемке [17]", "");
        f.signature(
            "Ответственный за правильность оформления факта хозяйственной жизни [18]",
            "",
        );
        f.field(
            "Наименование экономического субъекта – составителя документа [19]",
            &format!(
                "{}, ИНН/КПП {}    М.П.",
                buyer.name,
                inn_kpp(Some(&buyer.inn), buyer.kpp.as_deref())
            ),
        );
    }
    let pages = f.page_number();
    Ok((f.finish(), pages))
}

/// A waybill's line: (sku, name, unit, qty, price without VAT, without VAT, VAT code, VAT, with VAT).
type WaybillLine = (String, String, String, Decimal, Money, Money, String, Money, Money);

fn waybill(db: &Db, id: &str) -> Result<Vec<u8>> {
    // A sale to a company, or else a return to a supplier.
    let (store, shipper, consignee, basis, number, date, lines): (
        Store,
        String,
        String,
        String,
        String,
        NaiveDate,
        Vec<WaybillLine>,
    ) = if db.receipt(id)?.is_some() {
        let sale = company_sale(db, id)?;
        let draft = sale.receipt.draft();
        let lines = draft
            .lines
            .iter()
            .enumerate()
            .map(|(n, l)| {
                let (net, vat) = split_vat(&sale.vats[n], l.amount());
                let price = Money::round(net.as_decimal() / l.qty.as_decimal());
                let (name, unit) = sale.names[n].clone();
                (
                    l.sku.clone(),
                    name,
                    unit,
                    l.qty.as_decimal(),
                    price,
                    net,
                    sale.vats[n].clone(),
                    vat,
                    l.amount(),
                )
            })
            .collect();
        (
            sale.store.clone(),
            seller_line(&sale.store),
            buyer_line(&sale.buyer),
            format!("Чек № {}", draft.id),
            draft.id.clone(),
            draft.at.local_day(),
            lines,
        )
    } else if let Some(paper) = db.stock_paper("supplier_return", id)? {
        let store = store_of(db, &paper.store)?;
        let supplier = paper.party.clone().unwrap_or_default();
        let consignee = match db.counterparty(&supplier)? {
            Some(c) => buyer_line(&c),
            None => supplier.clone(),
        };
        let lines = paper
            .lines
            .iter()
            .map(|l| {
                let cost = l.cost.map_or(l.unit_cost, Money::as_decimal);
                let amount = Money::round(l.qty * cost);
                let (net, vat) = split_vat(&l.vat, amount);
                let price = Money::round(net.as_decimal() / l.qty);
                (
                    l.sku.clone(),
                    l.name.clone(),
                    l.unit.clone(),
                    l.qty,
                    price,
                    net,
                    l.vat.clone(),
                    vat,
                    amount,
                )
            })
            .collect();
        let date = crate::clock::At::parse(&paper.at)
            .map(|a| a.local_day())
            .unwrap_or_default();
        (
            store.clone(),
            seller_line(&store),
            consignee,
            format!("Возврат поставщику № {id}"),
            id.to_owned(),
            date,
            lines,
        )
    } else {
        return Err(Error::invalid(format!(
            "`{id}` is neither a sale to a company nor a return to a supplier: a waybill needs one"
        )));
    };
    let mut f = Form::new("Товарная накладная", true)?;
    f.right(6.5, false, "Унифицированная форма № ТОРГ-12. Утверждена постановлением Госкомстата России от 25.12.98 № 132. Код формы по ОКУД 0330212");
    f.gap(4.0);
    f.field("Грузоотправитель", &shipper);
    f.field("Структурное подразделение", &store.name);
    f.field("Грузополучатель", &consignee);
    f.field("Поставщик", &shipper);
    f.field("Плательщик", &consignee);
    f.field("Основание", &basis);
    f.field("Транспортная накладная", "--");
    f.field("Вид операции", "отгрузка");
    f.gap(1.0);
    f.centered(
        11.0,
        true,
        &format!("ТОВАРНАЯ НАКЛАДНАЯ № {number} от {}", locale::day(date, Lang::Ru)),
    );
    f.gap(2.0);
    let cols = [
        Col::text("Номер по порядку", "1", 8.0),
        Col::text("Товар: наименование, характеристика, сорт, артикул товара", "2", 45.0),
        Col::text("Товар: код", "3", 14.0),
        Col::text("Единица измерения: наименование", "4", 11.0),
        Col::text("Единица измерения: код по ОКЕИ", "5", 10.0),
        Col::text("Вид упаковки", "6", 10.0),
        Col::text("Количество: в одном месте", "7", 10.0),
        Col::text("Количество: мест, штук", "8", 10.0),
        Col::text("Масса брутто", "9", 10.0),
        Col::figures("Количество (масса нетто)", "10", 14.0),
        Col::figures("Цена, руб. коп.", "11", 16.0),
        Col::figures("Сумма без учета НДС, руб. коп.", "12", 18.0),
        Col::text("НДС: ставка, %", "13", 11.0),
        Col::figures("НДС: сумма, руб. коп.", "14", 16.0),
        Col::figures("Сумма с учетом НДС, руб. коп.", "15", 18.0),
    ];
    let (mut total_qty, mut net_sum, mut tax_sum, mut with_sum) =
        (Decimal::ZERO, Money::ZERO, Money::ZERO, Money::ZERO);
    let rows: Vec<Vec<String>> = lines
        .iter()
        .enumerate()
        .map(|(n, (sku, name, unit, q, price, net, vat, tax, with))| {
            total_qty += *q;
            net_sum += *net;
            tax_sum += *tax;
            with_sum += *with;
            let (unit_name, code) = okei(unit);
            vec![
                (n + 1).to_string(),
                name.clone(),
                sku.clone(),
                unit_name.into(),
                code.into(),
                "--".into(),
                "--".into(),
                "--".into(),
                "--".into(),
                qty(*q),
                money(*price),
                money(*net),
                rate_text(vat),
                money(*tax),
                money(*with),
            ]
        })
        .collect();
    let sum_row = |label: &str| {
        vec![
            "".into(),
            "".into(),
            "".into(),
            "".into(),
            "".into(),
            "".into(),
            "".into(),
            "".into(),
            label.to_owned(),
            qty(total_qty),
            "Х".into(),
            money(net_sum),
            "Х".into(),
            money(tax_sum),
            money(with_sum),
        ]
    };
    f.table(&cols, &rows, &[sum_row("Итого"), sum_row("Всего по накладной")]);
    f.line(
        8.0,
        false,
        &format!(
            "Товарная накладная имеет приложение на -- листах и содержит {} {} записей",
            words::count(lines.len() as u64, false).to_lowercase(),
            words::plural(
                lines.len() as u64,
                ["порядковый номер", "порядковых номера", "порядковых номеров"]
            )
        ),
    );
    // The weight is what is weighed (kilograms); pieces are places.
    let (mut kilograms, mut places) = (Decimal::ZERO, Decimal::ZERO);
    for (_, _, unit, q, ..) in &lines {
        if Unit::from_code(unit) == Some(Unit::Kg) {
            kilograms += *q;
        } else {
            places += *q;
        }
    }
    f.line(8.0, false, &format!("Всего мест: {}", count_words(places)));
    f.line(
        8.0,
        false,
        &format!(
            "Масса груза (нетто): {}",
            if kilograms.is_zero() {
                "--".to_owned()
            } else {
                format!("{} кг", qty(kilograms))
            }
        ),
    );
    f.line(
        8.0,
        true,
        &format!("Всего отпущено на сумму {}", words::amount(with_sum)),
    );
    f.gap(2.0);
    f.signatures(
        ("Отпуск разрешил", &director(&store)),
        ("По доверенности № -- от --", ""),
    );
    f.signatures(
        ("Главный (старший) бухгалтер", &accountant(&store)),
        ("Груз принял", ""),
    );
    f.signatures(("Отпуск груза произвел", ""), ("Груз получил грузополучатель", ""));
    f.line(
        8.0,
        false,
        &format!(
            "М.П.   {}                                                   М.П.",
            long_date(date)
        ),
    );
    Ok(f.finish())
}

fn write_off(db: &Db, id: &str) -> Result<Vec<u8>> {
    let paper = db
        .stock_paper("write_off", id)?
        .ok_or_else(|| not_found("write-off", id))?;
    let store = store_of(db, &paper.store)?;
    let date = date_of(&paper.at);
    let reason = paper.party.clone().unwrap_or_default();
    let mut f = Form::new("Акт о списании товаров", true)?;
    f.right(6.5, false, "Унифицированная форма № ТОРГ-16. Утверждена постановлением Госкомстата России от 25.12.98 № 132. Код формы по ОКУД 0330216");
    f.gap(4.0);
    f.field("Организация", &organisation(&store));
    f.field("Структурное подразделение", &store.name);
    f.field("Основание для составления акта (приказ, распоряжение)", "--");
    f.field("Вид операции", "списание");
    f.right(8.0, true, "УТВЕРЖДАЮ");
    f.gap(4.0);
    f.right(8.0, false, &format!("Руководитель ____________ {}", director(&store)));
    f.gap(4.0);
    f.centered(11.0, true, &format!("АКТ о списании товаров № {id} от {date}"));
    f.gap(2.0);
    f.line(
        8.0,
        false,
        "Комиссия установила, что следующие товары подлежат списанию:",
    );
    let first = [
        Col::text("Дата поступления", "1", 20.0),
        Col::text("Дата списания", "2", 20.0),
        Col::text("Товарная накладная: номер", "3", 20.0),
        Col::text("Товарная накладная: дата", "4", 20.0),
        Col::text(
            "Признаки понижения качества (причины списания): наименование",
            "5",
            70.0,
        ),
        Col::text("Признаки понижения качества: код", "6", 20.0),
    ];
    f.table(
        &first,
        &[vec![
            "--".into(),
            date.clone(),
            "--".into(),
            "--".into(),
            reason.clone(),
            "--".into(),
        ]],
        &[],
    );
    let cols = [
        Col::text("Товар: наименование", "1", 50.0),
        Col::text("Товар: код", "2", 16.0),
        Col::text("Единица измерения: наименование", "3", 12.0),
        Col::text("Единица измерения: код по ОКЕИ", "4", 12.0),
        Col::figures("Количество мест (штук)", "5", 14.0),
        Col::text("Масса: одного места (штуки)", "6", 12.0),
        Col::figures("Масса: нетто", "7", 14.0),
        Col::figures("Цена, руб. коп.", "8", 16.0),
        Col::figures("Стоимость, руб. коп.", "9", 18.0),
        Col::text("Примечание", "10", 24.0),
    ];
    let mut total = Money::ZERO;
    let rows: Vec<Vec<String>> = paper
        .lines
        .iter()
        .map(|l| {
            let (unit_name, code) = okei(&l.unit);
            // On the form the amount is its price times the quantity.
            let value = Money::round(l.qty * Money::round(l.unit_cost).as_decimal());
            total += value;
            let weighed = unit_name != "шт";
            vec![
                l.name.clone(),
                l.sku.clone(),
                unit_name.into(),
                code.into(),
                if weighed { "--".into() } else { qty(l.qty) },
                "--".into(),
                if weighed { qty(l.qty) } else { "--".into() },
                money(Money::round(l.unit_cost)),
                money(value),
                reason.clone(),
            ]
        })
        .collect();
    let totals = vec![vec![
        "Итого".into(),
        "".into(),
        "".into(),
        "".into(),
        "".into(),
        "".into(),
        "".into(),
        "Х".into(),
        money(total),
        "".into(),
    ]];
    f.table(&cols, &rows, &totals);
    f.line(8.0, true, &format!("Сумма списания {}", words::amount(total)));
    f.gap(2.0);
    f.signature("Председатель комиссии", &director(&store));
    f.signature("Члены комиссии", &accountant(&store));
    f.signature("Материально ответственное лицо", "");
    f.line(8.0, false, "Решение руководителя: списать");
    Ok(f.finish())
}

fn inventory(db: &Db, id: &str) -> Result<Vec<u8>> {
    let paper = db.count_paper(id)?.ok_or_else(|| not_found("stock count", id))?;
    let store = store_of(db, &paper.store)?;
    let date = date_of(&paper.at);
    let mut f = Form::new("Инвентаризационная опись", true)?;
    f.right(6.5, false, "Унифицированная форма № ИНВ-3. Утверждена постановлением Госкомстата России от 18.08.98 № 88. Код формы по ОКУД 0317004");
    f.gap(4.0);
    f.field("Организация", &organisation(&store));
    f.field("Структурное подразделение", &store.name);
    f.field("Основание для проведения инвентаризации", "--");
    f.field("Дата начала инвентаризации", &date);
    f.field("Дата окончания инвентаризации", &date);
    f.centered(
        11.0,
        true,
        &format!("ИНВЕНТАРИЗАЦИОННАЯ ОПИСЬ товарно-материальных ценностей № {id} от {date}"),
    );
    f.gap(1.0);
    f.centered(9.0, true, "РАСПИСКА");
    f.line(
        7.5,
        false,
        "К началу проведения инвентаризации все расходные и приходные документы на ценности сданы в бухгалтерию и все ценности, поступившие на мою (нашу) ответственность, оприходованы, а выбывшие списаны в расход.",
    );
    f.signature("Материально ответственное лицо", "");
    let cols = [
        Col::text("Номер по порядку", "1", 9.0),
        Col::text("Счет, субсчет", "2", 11.0),
        Col::text(
            "Товарно-материальные ценности: наименование, характеристика (вид, сорт, группа)",
            "3",
            46.0,
        ),
        Col::text("Товарно-материальные ценности: код (номенклатурный номер)", "4", 16.0),
        Col::text("Единица измерения: код по ОКЕИ", "5", 11.0),
        Col::text("Единица измерения: наименование", "6", 11.0),
        Col::figures("Цена, руб. коп.", "7", 16.0),
        Col::text("Номер: инвентарный", "8", 11.0),
        Col::text("Номер: паспорта", "9", 11.0),
        Col::figures("Фактическое наличие: количество", "10", 15.0),
        Col::figures("Фактическое наличие: сумма, руб. коп.", "11", 18.0),
        Col::figures("По данным бухгалтерского учета: количество", "12", 15.0),
        Col::figures("По данным бухгалтерского учета: сумма, руб. коп.", "13", 18.0),
    ];
    let (mut fact_qty, mut fact_sum, mut book_qty, mut book_sum) =
        (Decimal::ZERO, Money::ZERO, Decimal::ZERO, Money::ZERO);
    let rows: Vec<Vec<String>> = paper
        .lines
        .iter()
        .enumerate()
        .map(|(n, l)| {
            let (unit_name, code) = okei(&l.unit);
            let price = Money::round(l.unit_cost);
            let (fact, book) = (
                Money::round(l.qty * price.as_decimal()),
                Money::round(l.book_qty * price.as_decimal()),
            );
            fact_qty += l.qty;
            book_qty += l.book_qty;
            fact_sum += fact;
            book_sum += book;
            vec![
                (n + 1).to_string(),
                "41.02".into(),
                l.name.clone(),
                l.sku.clone(),
                code.into(),
                unit_name.into(),
                money(price),
                "--".into(),
                "--".into(),
                qty(l.qty),
                money(fact),
                qty(l.book_qty),
                money(book),
            ]
        })
        .collect();
    let totals = vec![vec![
        "".into(),
        "".into(),
        "Итого по описи".into(),
        "".into(),
        "".into(),
        "".into(),
        "Х".into(),
        "Х".into(),
        "Х".into(),
        qty(fact_qty),
        money(fact_sum),
        qty(book_qty),
        money(book_sum),
    ]];
    f.table(&cols, &rows, &totals);
    f.line(8.0, false, "Итого по описи:");
    f.line(
        8.0,
        false,
        &format!(
            "а) количество порядковых номеров: {}",
            words::count(paper.lines.len() as u64, false)
        ),
    );
    f.line(
        8.0,
        false,
        &format!("б) общее количество единиц, фактически: {}", count_words(fact_qty)),
    );
    f.line(
        8.0,
        false,
        &format!("в) на сумму, фактически: {}", words::amount(fact_sum)),
    );
    f.gap(2.0);
    f.signature("Председатель комиссии", &director(&store));
    f.signature("Члены комиссии", &accountant(&store));
    f.line(
        7.5,
        false,
        &format!(
            "Все ценности, поименованные в настоящей инвентаризационной описи с № 1 по № {}, комиссией проверены в натуре в моем (нашем) присутствии и внесены в опись, в связи с чем претензий к инвентаризационной комиссии не имею (не имеем).",
            paper.lines.len()
        ),
    );
    f.signature("Материально ответственное лицо", "");
    f.signature(
        "Указанные в настоящей описи данные и подсчеты проверил",
        &accountant(&store),
    );
    Ok(f.finish())
}

/// A period: a day, a month (`YYYY-MM`) or `FROM..TO`.
fn period_of(key: &str) -> Result<(NaiveDate, NaiveDate)> {
    if let Some((from, to)) = key.split_once("..") {
        let (from, to) = (day(from)?, day(to)?);
        if from > to {
            return Err(Error::invalid(format!("{key}: the period ends before it starts")));
        }
        return Ok((from, to));
    }
    if let Ok(d) = NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d") {
        if key.len() == 7 {
            let next = d.checked_add_months(chrono::Months::new(1)).unwrap_or(d);
            return Ok((d, next.pred_opt().unwrap_or(d)));
        }
    }
    let d =
        day(key).map_err(|_| Error::invalid(format!("`{key}` is not a period: YYYY-MM-DD, YYYY-MM or FROM..TO")))?;
    Ok((d, d))
}

fn sales_report(db: &Db, key: &str, store: Option<&str>) -> Result<Vec<u8>> {
    let (from, to) = period_of(key)?;
    let params: crate::report::Params = Period {
        from,
        to,
        store: store.map(str::to_owned),
    }
    .into();
    let run = |name: &str| crate::report::find(name).and_then(|d| d.run(db, &params));
    let summary = run("sales_summary")?;
    let by_day = run("sales_by_day")?;
    let by_method = run("payments_by_method")?;
    let by_vat = run("sales_by_vat_rate")?;
    let owner = match store {
        Some(id) => Some(store_of(db, id)?),
        None => single_store(db).ok().and_then(|id| db.store(&id).ok().flatten()),
    };
    let mut f = Form::new("Отчёт о продажах", false)?;
    if let Some(s) = &owner {
        f.line(9.0, true, &organisation(s));
        f.line(8.0, false, &seller_line(s));
    } else {
        f.line(9.0, true, "Все магазины");
    }
    f.gap(2.0);
    f.centered(
        12.0,
        true,
        &format!(
            "ОТЧЁТ О ПРОДАЖАХ за период {} — {}",
            locale::day(from, Lang::Ru),
            locale::day(to, Lang::Ru)
        ),
    );
    f.gap(3.0);
    f.line(9.0, true, "1. Сводка");
    let labels = [
        "Чеков продажи",
        "Продажи без скидок, руб.",
        "Скидки, руб.",
        "Продажи, руб.",
        "Чеков возврата",
        "Возвраты, руб.",
        "Выручка (нетто), руб.",
        "Средний чек, руб.",
        "Продано единиц",
    ];
    let values = summary.rows.first().cloned().unwrap_or_default();
    let rows: Vec<Vec<String>> = labels
        .iter()
        .zip(values.iter())
        .map(|(label, cell)| vec![(*label).to_owned(), crate::report::render::shown(cell)])
        .collect();
    f.table(
        &[Col::text("Показатель", "1", 120.0), Col::figures("Значение", "2", 60.0)],
        &rows,
        &[],
    );
    for (n, (title, table)) in [
        ("2. По дням", &by_day),
        ("3. По видам оплаты", &by_method),
        ("4. По ставкам НДС", &by_vat),
    ]
    .into_iter()
    .enumerate()
    {
        f.need(30.0);
        f.line(9.0, true, title);
        let cols: Vec<Col<'_>> = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| Col {
                title: c.title,
                graph: GRAPHS.get(i).copied().unwrap_or(""),
                width: 30.0,
                right: !matches!(
                    c.kind,
                    crate::report::ColumnType::Text | crate::report::ColumnType::Date
                ),
            })
            .collect();
        // Payment methods and VAT codes as a reader names them.
        let shown = |row: &Vec<crate::report::Cell>| {
            row.iter()
                .map(|cell| match cell {
                    crate::report::Cell::Text(code) if n == 1 => match code.as_str() {
                        "cash" => "Наличные".to_owned(),
                        "card" => "Безналичные (карта)".to_owned(),
                        "other" => "Прочие".to_owned(),
                        other => other.to_owned(),
                    },
                    crate::report::Cell::Text(code) if n == 2 && VatRate::from_code(code).is_some() => rate_text(code),
                    other => crate::report::render::shown(other),
                })
                .collect::<Vec<_>>()
        };
        let rows: Vec<Vec<String>> = table.rows.iter().map(shown).collect();
        let totals: Vec<Vec<String>> = table.totals.iter().map(shown).collect();
        f.table(&cols, &rows, &totals);
    }
    if let Some(s) = &owner {
        f.signature("Руководитель", &director(s));
        f.signature("Главный бухгалтер", &accountant(s));
    }
    Ok(f.finish())
}

/// A quantity in words when it is whole («Сто тринадцать (113)»); a
/// quantity with a fraction (weights among pieces) in figures.
fn count_words(total: Decimal) -> String {
    match u64::try_from(total.normalize())
        .ok()
        .filter(|_| total.fract().is_zero())
    {
        Some(whole) => format!("{} ({whole})", words::count(whole, true)),
        None => qty(total),
    }
}

const GRAPHS: [&str; 8] = ["1", "2", "3", "4", "5", "6", "7", "8"];
