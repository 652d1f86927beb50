//! The shop's documents from the demo books (demo/paperwork.jsonl is their
//! hand-worked day): each PDF renders, and its text holds the form's
//! title, the number and date, the parties' INN, every line, the totals and
//! the amount in words, as worked out by hand below.

use std::path::Path;
use std::process::Command;

use crate::util::kassa;

/// The document's text as pdftotext reads it, spaces normalised.
fn document(db: &Path, dir: &Path, args: &[&str]) -> String {
    let out = dir.join(format!("{}.pdf", args.join("_")));
    let mut all = vec!["document"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().expect("path")]);
    let run = kassa(db, &all);
    assert!(
        run.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let pages = Command::new("pdftoppm")
        .args(["-r", "30", "-png"])
        .arg(&out)
        .arg(dir.join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(pages.success(), "{args:?} renders");
    let text = Command::new("pdftotext")
        .arg(&out)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&text.stdout)
        .replace('\u{a0}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn holds(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "«{w}» is missing from: {text}");
    }
}

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("demo.db");
    assert!(kassa(&db, &["init", "--demo"]).status.success());
    db
}

#[test]
fn the_invoice_upd_and_waybill_of_a_sale_to_a_company() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo(dir.path());
    // R-101: coffee 10 × 449.00 = 4 490.00 with VAT 22 %: 4 490 × 22 ÷ 122 = 809.67, without 3 680.33
    // (368.03 a pack); water 24 × 59.90 = 1 437.60: VAT 259.24, without 1 178.36 (49.10 a bottle);
    // delivery 150.00 without VAT. Totals 5 008.69 + 1 068.91 = 6 077.60.
    let lines = [
        "Кофе молотый 250 г",
        "368,03",
        "3 680,33",
        "809,67",
        "4 490,00",
        "Вода питьевая 1,5 л",
        "49,10",
        "1 178,36",
        "259,24",
        "1 437,60",
        "Доставка по району",
        "без НДС",
        "150,00",
    ];
    let invoice = document(&db, dir.path(), &["invoice", "R-101"]);
    holds(
        &invoice,
        &[
            "СЧЕТ-ФАКТУРА № R-101 от 03.11.2026",
            "ООО «У дома»",
            "7701234567/770101001",
        ],
    );
    holds(
        &invoice,
        &["ООО «Ромашка»", "7702345678/770201001", "Российский рубль, 643"],
    );
    holds(&invoice, &lines);
    holds(
        &invoice,
        &[
            "Всего к оплате",
            "5 008,69",
            "1 068,91",
            "6 077,60",
            "Кузнецов О. П.",
            "Смирнова М. А.",
        ],
    );
    let upd = document(&db, dir.path(), &["upd", "R-101"]);
    holds(
        &upd,
        &[
            "Универсальный передаточный документ",
            "Статус: 1",
            "СЧЕТ-ФАКТУРА № R-101 от 03.11.2026",
        ],
    );
    holds(&upd, &lines);
    holds(
        &upd,
        &[
            "6 077,60",
            "[10]",
            "[15]",
            "7702345678",
            "Документ составлен на 2 листах",
        ],
    );
    let waybill = document(&db, dir.path(), &["waybill", "R-101"]);
    holds(
        &waybill,
        &[
            "ТОВАРНАЯ НАКЛАДНАЯ № R-101 от 03.11.2026",
            "ИНН 7701234567",
            "ИНН 7702345678",
        ],
    );
    holds(&waybill, &lines);
    holds(
        &waybill,
        &[
            "Всего по накладной",
            "Шесть тысяч семьдесят семь рублей 60 копеек",
            "три порядковых номера записей",
        ],
    );
}

#[test]
fn a_receipt_with_no_buyer_or_a_wrong_id_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo(dir.path());
    for (args, said) in [
        (&["document", "invoice", "R-001"][..], "names no buyer"),
        (&["document", "invoice", "R-999"][..], "R-999"),
        (&["document", "write-off", "W-001"][..], "W-001"),
        (&["document", "cash-in-order", "2"][..], "cash out"),
        (&["document", "cash-book", "2026-11-05"][..], "no cash moved"),
        (&["document", "receipt", "R-001"][..], "unknown document"),
    ] {
        let run = kassa(&db, args);
        assert_eq!(run.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(err.contains(said), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
    }
}

#[test]
fn the_cash_book_and_cash_orders() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo(dir.path());
    // 3 November: 2 773.94 left from the demo day (5 000 in + 1 773.94 cash − 4 000 collected);
    // order 3 brings 3 000.00 in, order 4 pays 500.00 of expenses, SH-2 took 91.00 in cash.
    let book = document(&db, dir.path(), &["cash-book", "2026-11-03"]);
    holds(
        &book,
        &[
            "КАССА за «03» ноября 2026 г.",
            "Лист 2",
            "Остаток на начало дня",
            "2 773,94",
        ],
    );
    holds(&book, &["3 000,00", "500,00", "Выручка по ККТ, смена SH-2", "91,00"]);
    holds(
        &book,
        &["Итого за день", "3 091,00", "Остаток на конец дня", "5 364,94"],
    );
    holds(&book, &["два приходных и один расходных", "Смирнова М. А."]);
    let order_in = document(&db, dir.path(), &["cash-in-order", "3"]);
    holds(
        &order_in,
        &["ПРИХОДНЫЙ КАССОВЫЙ ОРДЕР № 3 от 03.11.2026", "ОКУД 0310001", "3 000,00"],
    );
    holds(
        &order_in,
        &[
            "Три тысячи рублей 00 копеек",
            "КВИТАНЦИЯ",
            "3000 руб. 00 коп.",
            "Павел Петров",
        ],
    );
    let order_out = document(&db, dir.path(), &["cash-out-order", "4"]);
    holds(
        &order_out,
        &["РАСХОДНЫЙ КАССОВЫЙ ОРДЕР № 4 от 03.11.2026", "ОКУД 0310002", "500,00"],
    );
    holds(
        &order_out,
        &["Пятьсот рублей 00 копеек", "Кузнецов О. П.", "Выдал кассир"],
    );
    let collection = document(&db, dir.path(), &["cash-out-order", "2"]);
    holds(
        &collection,
        &["№ 2 от 02.11.2026", "Инкассация", "Четыре тысячи рублей 00 копеек"],
    );
}

#[test]
fn the_write_off_act_inventory_list_return_waybill_and_sales_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo(dir.path());
    // WO-1: 3 loaves at their average 24.00 = 72.00, 2 kefirs at 52.00 = 104.00.
    let act = document(&db, dir.path(), &["write-off", "WO-1"]);
    holds(
        &act,
        &[
            "АКТ о списании товаров № WO-1 от 03.11.2026",
            "ОКУД 0330216",
            "Истёк срок годности",
        ],
    );
    holds(
        &act,
        &[
            "Батон нарезной",
            "24,00",
            "72,00",
            "Кефир 2,5% 0,9 л",
            "52,00",
            "104,00",
            "176,00",
        ],
    );
    holds(&act, &["Сумма списания Сто семьдесят шесть рублей 00 копеек"]);
    // INV-1: bread 35 on the books, 34 found (28.00); milk 45 and 44 (61.00); chocolate 36 and 35 (70.00).
    let list = document(&db, dir.path(), &["inventory", "INV-1"]);
    holds(
        &list,
        &["ИНВЕНТАРИЗАЦИОННАЯ ОПИСЬ", "№ INV-1 от 03.11.2026", "ОКУД 0317004"],
    );
    holds(&list, &["Хлеб Бородинский", "28,00", "34", "952,00", "35", "980,00"]);
    holds(&list, &["Молоко 3,2% 1 л", "61,00", "44", "2 684,00", "45", "2 745,00"]);
    holds(&list, &["Шоколад молочный", "70,00", "2 450,00", "2 520,00"]);
    holds(&list, &["Итого по описи", "113", "6 086,00", "116", "6 245,00"]);
    holds(
        &list,
        &[
            "а) количество порядковых номеров: Три",
            "Сто тринадцать",
            "Шесть тысяч восемьдесят шесть рублей 00 копеек",
        ],
    );
    // SR-1 to the dairy: 5 kefirs at 52.00 = 260.00 with VAT 10 %: 23.64, without 236.36 (47.27 each).
    let back = document(&db, dir.path(), &["waybill", "SR-1"]);
    holds(
        &back,
        &[
            "ТОВАРНАЯ НАКЛАДНАЯ № SR-1 от 03.11.2026",
            "ООО «Молочный двор»",
            "ИНН 5003012345",
        ],
    );
    holds(
        &back,
        &[
            "47,27",
            "236,36",
            "10%",
            "23,64",
            "260,00",
            "один порядковый номер записей",
        ],
    );
    holds(&back, &["Двести шестьдесят рублей 00 копеек"]);
    // November: the demo day's 7 sales (3 057.88) and the paperwork day's 6 077.60 and 91.00.
    let report = document(&db, dir.path(), &["sales-report", "2026-11"]);
    holds(
        &report,
        &[
            "ОТЧЁТ О ПРОДАЖАХ за период 01.11.2026 — 30.11.2026",
            "9 226,48",
            "02.11.2026",
            "03.11.2026",
        ],
    );
    holds(&report, &["По видам оплаты", "По ставкам НДС"]);
}

#[test]
fn counterparties_requisites_and_buyers_are_checked_on_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = kassa::db::Db::open(&dir.path().join("k.db")).expect("open");
    kassa::journal::import(&mut db, crate::util::DEMO.as_bytes(), |_| {}).expect("demo");
    for (line, said) in [
        (
            r#"{"type":"counterparty","id":"C9","name":"ООО «Х»","inn":"12345"}"#,
            "inn: `12345` is not an INN",
        ),
        (
            r#"{"type":"counterparty","id":"C9","name":"ООО «Х»","inn":"7702345678","kpp":"77"}"#,
            "kpp: `77` is not 9 digits",
        ),
        (
            r#"{"type":"store","id":"S1","name":"Магазин","ogrn":"123"}"#,
            "ogrn: `123` is not an OGRN",
        ),
        (
            r#"{"type":"shift_open","id":"X-1","store":"S1","till":"T5","cashier":"E1","at":"2026-11-04T09:00:00+03:00"}
{"type":"receipt","id":"RB","shift":"X-1","at":"2026-11-04T10:00:00+03:00","kind":"sale","buyer":"C9","lines":[{"sku":"1001","qty":"1","price":"45.50"}],"payments":[{"method":"card","amount":"45.50"}]}"#,
            "buyer: unknown counterparty `C9`",
        ),
    ] {
        let error = kassa::journal::import(&mut db, line.as_bytes(), |_| {}).expect_err("refused");
        assert!(error.to_string().contains(said), "{error}");
    }
    let before = db.event_count().expect("count");
    let good = r#"{"type":"counterparty","id":"C9","name":"ООО «Х»","inn":"7702345678"}
{"type":"shift_open","id":"X-2","store":"S1","till":"T5","cashier":"E1","at":"2026-11-04T09:00:00+03:00"}
{"type":"receipt","id":"RR","shift":"X-2","at":"2026-11-04T10:00:00+03:00","kind":"return","buyer":"C9","return_of":"R-001","lines":[{"sku":"1001","qty":"1","price":"45.50"}],"payments":[{"method":"cash","amount":"45.50"}]}"#;
    let error = kassa::journal::import(&mut db, good.as_bytes(), |_| {}).expect_err("a return names no buyer");
    assert!(
        error.to_string().contains("journal line 3") && error.to_string().contains("only a sale names a buyer"),
        "{error}"
    );
    assert_eq!(db.event_count().expect("count"), before, "nothing written");
}
