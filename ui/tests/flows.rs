//! A cashier's day on the desktop till, one test per flow, driven by the
//! keys of `spec/till-keys.md` and clicks on the drawn screens, with the
//! emulated register; each checks the books as well as the screen.

mod harness;

use harness::{rub, Till};
use iced::keyboard::key::Named;
use kassa::fiscal::FiscalState;
use kassa::money::Money;
use kassa::sale::{Payment, PaymentMethod, ReceiptKind};
use kassa_ui::app::{FiscalShown, PayStage, Screen};
use kassa_ui::format::Lang;

const MILK: &str = "4600010010035"; // 1003 Молоко 3,2% 1 л, 89,90
const CHOCOLATE: &str = "4600010010103"; // 1010 Шоколад молочный, 119,00; P1 2 по цене 1
const COFFEE: &str = "4600010010080"; // 1008 Кофе молотый 250 г, 449,00

fn m(plain: &str) -> Money {
    Money::parse(plain).expect("money")
}

/// The receipt on the payment or return screen, once booked.
fn booked(till: &Till) -> kassa::sale::Receipt {
    let stage = match &till.app.screen {
        Screen::Payment(pay) => &pay.stage,
        Screen::Return(ret) => &ret.stage,
        other => panic!("no receipt on {}", harness::screen_name(other)),
    };
    match stage {
        PayStage::Done { receipt, .. } => {
            let id = receipt.id().to_owned();
            till.core
                .till()
                .db()
                .receipt(&id)
                .expect("read")
                .expect("the receipt is in the books")
        }
        _ => panic!("not booked: {:?}", till.app.notice),
    }
}

fn shift(till: &Till) -> String {
    till.core.till().current_shift().expect("read").expect("an open shift")
}

#[test]
fn login_says_a_wrong_pin_and_the_lockout_with_its_minutes() {
    let mut till = Till::new();
    till.assert_shows("Авторизация");
    till.log_in("E1", "9999");
    till.assert_shows("Неверный ПИН-код. Осталось попыток: 4");
    let Screen::Login(login) = &till.app.screen else {
        panic!("still the login")
    };
    assert!(login.pin.text.is_empty(), "a wrong PIN clears the PIN field");
    assert_eq!(login.focus, 1, "the PIN field has the focus again");
    for _ in 0..4 {
        till.type_text("9999");
        till.key(Named::Enter);
    }
    till.assert_shows("Вход заблокирован после неверных ПИН-кодов. Попробуйте через 15 мин.");
    // The right PIN does not open a locked account.
    till.type_text("1111");
    till.key(Named::Enter);
    assert!(matches!(till.app.screen, Screen::Login(_)));
    till.clock.advance(chrono::Duration::minutes(11));
    till.type_text("1111");
    till.key(Named::Enter);
    till.assert_shows("Вход заблокирован после неверных ПИН-кодов. Попробуйте через 4 мин.");
    till.clock.advance(chrono::Duration::minutes(5));
    till.type_text("1111");
    till.key(Named::Enter);
    assert!(matches!(till.app.screen, Screen::ShiftOpen(_)), "{}", till.notice());
    till.assert_shows("Магазин «У дома» · T1 · Анна Иванова");
}

#[test]
fn an_unknown_employee_is_said_and_nothing_opens() {
    let mut till = Till::new();
    till.log_in("E9", "1111");
    till.assert_shows("Сотрудника с кодом «E9» нет");
    assert!(matches!(till.app.screen, Screen::Login(_)));
}

#[test]
fn the_shift_opens_with_its_float_in_the_drawer_and_on_the_register() {
    let mut till = Till::new();
    till.log_in("E1", "1111");
    till.assert_shows("Открытие смены");
    till.key(Named::F2);
    till.assert_shows("Внести деньги (Enter)");
    till.enter("5000");
    till.assert_shows(&rub("5000.00"));
    assert!(
        till.core.till().current_shift().expect("read").is_none(),
        "nothing booked before the opening"
    );
    till.click("Открыть смену (Enter)");
    assert!(matches!(till.app.screen, Screen::Sale(_)));
    let shift = shift(&till);
    assert_eq!(shift, "S1-T1-00002");
    let totals = till.core.till().db().shift_totals(&shift).expect("totals");
    assert_eq!(totals.cash_in, m("5000.00"));
    assert_eq!(totals.cash_in_drawer(), m("5000.00"));
    assert_eq!(totals.cashier, "E1");
}

#[test]
fn a_sale_scanned_with_quantities_weight_and_a_promotion_paid_in_cash_with_change() {
    let mut till = Till::new();
    till.open_shift("1000");
    till.enter(MILK);
    till.enter(&format!("3*{CHOCOLATE}"));
    till.enter("0,350*1006");
    // Milk 89,90; chocolate 3 × 119,00 = 357,00 less one free (2 for 1)
    // = 238,00; apples 0,350 kg × 129,90 = 45,465 → 45,47. Total 373,37.
    till.assert_shows("2 по цене 1 на шоколад");
    till.assert_shows("0,350\u{a0}кг");
    till.assert_shows(&rub("238.00"));
    till.assert_shows(&rub("45.47"));
    till.assert_shows(&rub("373.37"));
    till.key(Named::F12);
    till.assert_shows("Оплата");
    till.type_text("500");
    till.key(Named::Enter);
    till.assert_shows(&rub("126.63"));
    let receipt = booked(&till);
    assert_eq!(receipt.total(), m("373.37"));
    assert_eq!(receipt.change(), m("126.63"));
    assert_eq!(receipt.net_by(PaymentMethod::Cash), m("373.37"));
    assert_eq!(receipt.draft().lines.len(), 3);
    let fiscal = till.wait_for_register();
    let FiscalShown::Registered { number, sign } = fiscal else {
        panic!("registered: {fiscal:?}")
    };
    till.assert_shows(&format!("ФД № {number}, ФП {sign}"));
    assert!(matches!(
        till.core.till().fiscal_state(receipt.id()).expect("state"),
        FiscalState::Registered { number: n, .. } if n == number
    ));
    // Enter starts the next sale with an empty cart.
    till.key(Named::Enter);
    assert!(matches!(till.app.screen, Screen::Sale(_)));
    assert!(till.app.cart.cart.is_empty());
    let totals = till.core.till().db().shift_totals(&shift(&till)).expect("totals");
    assert_eq!(totals.cash_in_drawer(), m("1373.37"));
}

#[test]
fn a_mixed_payment_takes_card_then_cash_and_a_gift_shows_at_zero() {
    let mut till = Till::new();
    till.open_shift("500");
    till.enter(COFFEE);
    till.enter(&format!("2*{COFFEE}"));
    // 3 × 449,00 = 1 347,00: the gift from 1 000 ₽ (a bag) comes at 0,00.
    till.assert_shows("Пакет-майка");
    till.assert_shows("подарок · Подарок от 1000 ₽");
    till.assert_shows(&rub("1347.00"));
    till.key(Named::F12);
    till.type_text("1000");
    till.key(Named::F6);
    till.assert_shows(&rub("347.00"));
    assert!(matches!(&till.app.screen, Screen::Payment(p) if p.amount.text == "347,00" && p.amount.selected));
    till.key(Named::Enter);
    let receipt = booked(&till);
    assert_eq!(receipt.total(), m("1347.00"));
    assert_eq!(receipt.net_by(PaymentMethod::Card), m("1000.00"));
    assert_eq!(receipt.net_by(PaymentMethod::Cash), m("347.00"));
    assert_eq!(receipt.change(), Money::ZERO);
    let gift = receipt
        .draft()
        .lines
        .iter()
        .find(|l| l.sku == "1013")
        .expect("the gift is on the receipt");
    assert!(gift.gift);
    assert_eq!(gift.amount(), Money::ZERO);
    assert!(matches!(till.wait_for_register(), FiscalShown::Registered { .. }));
}

#[test]
fn a_sale_is_booked_once_however_often_enter_is_pressed() {
    let mut till = Till::new();
    till.open_shift("100");
    till.enter(MILK);
    till.key(Named::F12);
    // Two Enters before the core answers: one request.
    let first = till
        .app
        .update(kassa_ui::app::Message::Key(kassa_ui::input::Press::named(Named::Enter)));
    let second = till
        .app
        .update(kassa_ui::app::Message::Key(kassa_ui::input::Press::named(Named::Enter)));
    assert!(first.is_some(), "the first Enter books");
    assert!(second.is_none(), "the second is not sent");
    let request = first.expect("request");
    // The core retried with the same action (a lost reply) books nothing new.
    let outcome = till.core.execute(request.clone());
    let again = till.core.execute(request);
    let (Ok(kassa_ui::core::Reply::Booked { receipt: a, .. }), Ok(kassa_ui::core::Reply::Booked { receipt: b, .. })) =
        (&outcome, &again)
    else {
        panic!("booked: {outcome:?}")
    };
    assert_eq!(a.id(), b.id());
    till.send(kassa_ui::app::Message::Done(outcome));
    let totals = till.core.till().db().shift_totals(&shift(&till)).expect("totals");
    assert_eq!(totals.sales_count, 1);
    assert_eq!(totals.sales, m("89.90"));
}

#[test]
fn lines_change_by_plus_minus_and_delete_and_a_name_search_picks_a_product() {
    let mut till = Till::new();
    till.open_shift("100");
    till.enter(MILK);
    till.type_text("+");
    till.type_text("+");
    assert_eq!(till.app.cart.cart.lines()[0].qty.to_string(), "3");
    till.type_text("-");
    till.assert_shows("2\u{a0}шт");
    till.assert_shows(&rub("179.80"));
    // A name: the results, ↓ and Enter pick.
    till.enter("кеф");
    till.assert_shows("Кефир 2,5% 0,9 л");
    till.key(Named::Enter);
    assert_eq!(till.app.cart.cart.lines().len(), 2);
    assert_eq!(till.app.cart.cart.total(), m("259.70"));
    // Delete removes the selected line (the kefir, just added).
    till.key(Named::Delete);
    assert_eq!(till.app.cart.cart.lines().len(), 1);
    assert_eq!(till.app.cart.cart.total(), m("179.80"));
    // Ctrl+Delete asks first; Esc keeps the cart.
    till.ctrl(Named::Delete);
    till.assert_shows("Очистить чек? Все позиции будут удалены");
    till.key(Named::Escape);
    assert_eq!(till.app.cart.cart.lines().len(), 1);
    till.ctrl(Named::Delete);
    till.key(Named::Enter);
    assert!(till.app.cart.cart.is_empty());
}

#[test]
fn a_line_discount_within_the_cashiers_limit_and_not_beyond() {
    let mut till = Till::new();
    till.open_shift("100");
    till.enter(MILK);
    till.key(Named::F7);
    till.enter("10%");
    till.assert_shows("Скидка 10 % больше вашего предела 5 %");
    assert_eq!(till.app.cart.cart.total(), m("89.90"), "nothing changed");
    till.key(Named::F7);
    // 5 % of 89,90 = 4,495 → 4,50.
    till.enter("5%");
    till.assert_shows(&rub("4.50"));
    till.assert_shows(&rub("85.40"));
    till.key(Named::F12);
    till.key(Named::Enter);
    let receipt = booked(&till);
    assert_eq!(receipt.total(), m("85.40"));
    assert_eq!(receipt.draft().lines[0].discount, m("4.50"));
}

#[test]
fn a_return_against_the_receipt_refunds_by_the_sales_method_and_never_beyond_it() {
    let mut till = Till::new();
    till.open_shift("1000");
    till.enter(&format!("2*{MILK}"));
    till.enter(COFFEE);
    till.key(Named::F12);
    till.type_text("500");
    till.key(Named::F6);
    till.key(Named::Enter);
    let sale = booked(&till);
    assert_eq!(sale.total(), m("628.80"));
    assert_eq!(sale.net_by(PaymentMethod::Cash), m("128.80"));
    till.wait_for_register();
    till.key(Named::Enter);
    till.key(Named::F8);
    till.assert_shows("Номер чека продажи");
    // The receipt number, typed on the Russian layout's keys as printed.
    till.enter(sale.id());
    till.assert_shows("Молоко 3,2% 1 л");
    till.assert_shows("Кофе молотый 250 г");
    // More than was sold: said, nothing taken.
    till.enter("3");
    till.assert_shows("По товару 1003 можно вернуть не больше 2");
    till.enter("1");
    till.key(Named::F12);
    let refund = booked(&till);
    assert_eq!(refund.draft().kind, ReceiptKind::Return);
    assert_eq!(refund.draft().return_of.as_deref(), Some(sale.id()));
    assert_eq!(refund.total(), m("89.90"));
    // Non-cash first: the refund goes back to the card.
    assert_eq!(refund.net_by(PaymentMethod::Card), m("89.90"));
    till.assert_shows(&rub("89.90"));
    assert!(matches!(till.wait_for_register(), FiscalShown::Registered { .. }));
    till.key(Named::Enter);
    // What is left to return: one milk and the coffee.
    till.key(Named::F8);
    till.enter(sale.id());
    till.assert_shows("1\u{a0}шт");
    till.enter("2");
    till.assert_shows("По товару 1003 можно вернуть не больше 1");
    till.key(Named::Backspace);
    till.enter("1");
    till.key(Named::F12);
    assert!(matches!(till.wait_for_register(), FiscalShown::Registered { .. }));
    till.key(Named::Enter);
    // Every milk is back: nothing left of it, said as nothing.
    till.key(Named::F8);
    till.enter(sale.id());
    let Screen::Return(ret) = &till.app.screen else {
        panic!("the return screen")
    };
    assert_eq!(ret.lines[0].returnable, None);
    till.assert_shows("0\u{a0}шт");
    till.enter("1");
    till.assert_shows("По товару 1003 можно вернуть не больше 0");
}

#[test]
fn an_unknown_receipt_number_is_said() {
    let mut till = Till::new();
    till.open_shift("100");
    till.key(Named::F8);
    till.enter("S1-T1-00009-0001");
    till.assert_shows("Чек продажи S1-T1-00009-0001 не найден");
}

#[test]
fn cash_in_and_out_move_the_drawer_and_a_cash_out_beyond_it_is_refused() {
    let mut till = Till::new();
    till.open_shift("1000");
    till.key(Named::F3);
    till.enter("500");
    till.assert_shows("Внесено 500,00\u{a0}₽. В кассе: 1\u{a0}500,00\u{a0}₽");
    till.key(Named::F4);
    till.key(Named::ArrowDown);
    till.enter("200,50");
    till.assert_shows("Выплачено 200,50\u{a0}₽. В кассе: 1\u{a0}299,50\u{a0}₽");
    till.key(Named::F4);
    till.enter("5000");
    till.assert_shows("В кассе 1\u{a0}299,50\u{a0}₽ — нельзя выдать 5\u{a0}000,00\u{a0}₽");
    till.key(Named::Escape);
    let totals = till.core.till().db().shift_totals(&shift(&till)).expect("totals");
    assert_eq!(totals.cash_in, m("1500.00"));
    assert_eq!(totals.cash_out, m("200.50"));
    assert_eq!(totals.cash_in_drawer(), m("1299.50"));
    till.key(Named::F9);
    till.assert_shows("X-отчёт (смена не закрыта) · S1-T1-00002");
    till.assert_shows(&rub("1299.50"));
}

#[test]
fn the_shift_closes_with_the_counted_difference_a_collection_and_the_z_figures() {
    let mut till = Till::new();
    till.open_shift("1000");
    till.enter(COFFEE);
    till.key(Named::F12);
    till.key(Named::Enter);
    till.wait_for_register();
    till.key(Named::Enter);
    till.key(Named::F10);
    till.assert_shows("Закрытие смены");
    // Expected cash: 1 000,00 + 449,00.
    till.assert_shows(&rub("1449.00"));
    till.type_text("1440");
    till.assert_shows(&rub("-9.00"));
    till.key(Named::F2);
    assert!(matches!(&till.app.form, Some(f) if f.amount.text == "1449,00" && f.amount.selected));
    till.enter("1400");
    till.assert_shows("Инкассировано 1\u{a0}400,00\u{a0}₽. В кассе: 49,00\u{a0}₽");
    till.assert_shows(&rub("49.00"));
    let shift = shift(&till);
    // The count is typed again after the collection; letters are no count.
    assert!(matches!(&till.app.screen, Screen::ShiftClose(c) if c.counted.text.is_empty()));
    till.enter("abc");
    till.assert_shows("«abc» — не сумма: введите рубли и не больше двух знаков копеек, например 150,50");
    assert!(till.core.till().current_shift().expect("read").is_some(), "not closed");
    // 40,00 counted against 49,00: said first, closed on the second Enter.
    till.key(Named::Backspace);
    till.enter("40");
    till.assert_shows(
        "Разница с данными кассы -9,00\u{a0}₽: пересчитайте; Enter ещё раз — закрыть смену с этой разницей",
    );
    assert!(
        till.core.till().current_shift().expect("read").is_some(),
        "not closed yet"
    );
    till.key(Named::Enter);
    till.assert_shows("Z-отчёт · S1-T1-00002");
    till.assert_shows(&rub("40.00"));
    till.assert_shows(&rub("-9.00"));
    let counted = till
        .core
        .till()
        .db()
        .history(20)
        .expect("history")
        .into_iter()
        .find(|e| e.kind == "cash_counted")
        .expect("the count is in the history");
    assert_eq!(counted.entity, shift);
    assert!(
        counted
            .payload
            .contains(r#""counted":"40.00","expected":"49.00","difference":"-9.00""#),
        "{}",
        counted.payload
    );
    till.assert_shows("Смена S1-T1-00002: 29.11.2026 12:00 — 29.11.2026 12:00");
    till.assert_shows(&format!("1 · {}", rub("449.00")));
    let totals = till.core.till().db().shift_totals(&shift).expect("totals");
    assert!(totals.closed_at.is_some());
    assert_eq!(totals.collections, m("1400.00"));
    assert_eq!(totals.cash_in_drawer(), m("49.00"));
    till.key(Named::Enter);
    assert!(matches!(till.app.screen, Screen::Login(_)));
}

#[test]
fn exit_with_goods_in_the_cart_is_refused() {
    let mut till = Till::new();
    till.open_shift("100");
    till.enter(MILK);
    till.key(Named::F10);
    till.assert_shows("Сначала завершите или очистите чек");
    assert!(matches!(till.app.screen, Screen::Sale(_)));
}

#[test]
fn the_cart_in_progress_comes_back_after_a_crash_and_a_login() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("till.db");
    {
        let mut till = Till::open(&path, Lang::Ru);
        till.open_shift("100");
        till.enter(MILK);
        till.enter(&format!("2*{CHOCOLATE}"));
        // The power goes: nothing is closed properly.
        std::mem::forget(till);
    }
    let mut till = Till::open(&path, Lang::Ru);
    till.log_in("E1", "1111");
    assert!(matches!(till.app.screen, Screen::Sale(_)), "the shift is still open");
    till.assert_shows("Восстановлен незавершённый чек: позиций 2");
    // Milk 89,90 + 2 chocolates for one (119,00).
    assert_eq!(till.app.cart.cart.total(), m("208.90"));
    till.key(Named::F12);
    till.key(Named::Enter);
    assert_eq!(booked(&till).total(), m("208.90"));
    drop(till);
    // Once booked, the cart is not brought back again.
    let mut till = Till::open(&path, Lang::Ru);
    till.log_in("E1", "1111");
    assert!(till.app.cart.cart.is_empty());
}

#[test]
fn bad_input_is_said_plainly_and_books_nothing() {
    let mut till = Till::new();
    till.open_shift("100");
    // A quantity on a piece good.
    till.enter(&format!("0,5*{MILK}"));
    till.assert_shows("Товар 1003 продаётся поштучно: количество должно быть целым");
    assert!(till.app.cart.cart.is_empty());
    // A code nobody knows.
    till.enter("4600000000000");
    till.assert_shows("Не найдено: «4600000000000»");
    assert!(till.app.cart.cart.is_empty());
    // A bad quantity before `*`.
    till.enter(&format!("2x*{MILK}"));
    till.assert_shows("«2x» — не количество: введите число, например 3 или 0,350");
    till.enter(MILK);
    till.key(Named::F12);
    // Three decimals, and letters.
    till.key(Named::Backspace);
    till.enter("12,345");
    till.assert_shows("«12,345» — не сумма: введите рубли и не больше двух знаков копеек, например 150,50");
    till.key(Named::Backspace);
    till.enter("сто");
    till.assert_shows("«сто» — не сумма: введите рубли и не больше двух знаков копеек, например 150,50");
    // More by card than is due.
    till.key(Named::Backspace);
    till.type_text("100");
    till.key(Named::F6);
    till.assert_shows("Картой нельзя оплатить больше, чем осталось");
    let totals = till.core.till().db().shift_totals(&shift(&till)).expect("totals");
    assert_eq!(totals.sales_count, 0, "nothing booked");
    assert!(matches!(&till.app.screen, Screen::Payment(p) if p.tenders.is_empty()));
}

#[test]
fn a_wedge_scan_into_an_open_form_goes_to_the_cart_not_the_field() {
    let mut till = Till::new();
    till.open_shift("100");
    till.key(Named::F3);
    till.type_text("5");
    till.wedge_scan(MILK);
    let form = till.app.form.as_ref().expect("the cash-in form is still open");
    assert_eq!(form.amount.text, "5", "the scan did not type into the amount");
    assert_eq!(till.app.cart.cart.lines().len(), 1);
    assert_eq!(till.app.cart.cart.total(), m("89.90"));
}

#[test]
fn after_a_sale_the_next_scan_starts_the_next_sale() {
    let mut till = Till::new();
    till.open_shift("100");
    till.enter(MILK);
    till.key(Named::F12);
    till.key(Named::Enter);
    assert!(matches!(&till.app.screen, Screen::Payment(p) if matches!(p.stage, PayStage::Done { .. })));
    till.wedge_scan(COFFEE);
    assert!(matches!(till.app.screen, Screen::Sale(_)));
    assert_eq!(till.app.cart.cart.total(), m("449.00"));
}

#[test]
fn english_is_a_setting_away() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut till = Till::open(&dir.path().join("till.db"), Lang::En);
    till.assert_shows("Log in");
    till.log_in("E1", "1111");
    till.assert_shows("Open the shift");
    till.key(Named::Enter);
    till.enter(MILK);
    till.assert_shows("89.90\u{a0}₽");
    till.assert_shows("Payment (F12)");
    // F11 on the login screen switches the language, and the till keeps it.
    let path = dir.path().join("other.db");
    let mut till = Till::open(&path, Lang::Ru);
    till.key(Named::F11);
    till.assert_shows("Log in");
    drop(till);
    let mut till = Till::open(&path, Lang::Ru);
    till.assert_shows("Log in");
    till.key(Named::F11);
    till.assert_shows("Авторизация");
    drop(till);
    let till = Till::open(&path, Lang::En);
    till.assert_shows("Авторизация");
}

#[test]
fn help_lists_the_keys_of_the_screen_under_it() {
    let mut till = Till::new();
    till.open_shift("100");
    till.key(Named::F1);
    till.assert_shows("количество для следующего товара (3*, 0,350*)");
    till.assert_shows("F12");
    till.key(Named::Escape);
    assert!(!till.app.help);
    till.assert_shows("Оплата (F12)");
}

#[test]
fn a_serial_scanners_marking_code_keeps_its_gs_and_sells_the_marked_pack_once() {
    let mut till = Till::new();
    till.open_shift("100");
    let pack = "010460001001015821SNEAKER000001\u{1d}93dGVz";
    // A serial scanner's code comes whole, GS included.
    till.send(kassa_ui::app::Message::Scanned(pack.to_owned()));
    till.assert_shows("1. Кроссовки беговые");
    let line = &till.app.cart.cart.lines()[0];
    assert_eq!(line.marking.as_deref(), Some(pack));
    // The same pack again is refused: one pack, one line.
    till.send(kassa_ui::app::Message::Scanned(pack.to_owned()));
    assert_eq!(till.app.cart.cart.lines().len(), 1);
    till.key(Named::F12);
    till.key(Named::F6);
    let receipt = booked(&till);
    // 3 990,00 less the weekend's 5 % from 3 000 ₽ (199,50).
    assert_eq!(receipt.total(), m("3790.50"));
    assert!(matches!(till.wait_for_register(), FiscalShown::Registered { .. }));
    till.key(Named::Enter);
    // Sold: the pack cannot be sold again.
    till.send(kassa_ui::app::Message::Scanned(pack.to_owned()));
    till.assert_shows("Кроссовки беговые с этим кодом маркировки уже продан");
    assert!(till.app.cart.cart.is_empty());
}

#[test]
fn a_promotion_that_starts_while_paying_is_said_and_the_new_total_shown() {
    let mut till = Till::new();
    // 19:59: the evening bread promotion (−30 %, 20:00–23:00) not yet on.
    till.clock
        .set(kassa::clock::At::parse("2026-11-29T19:59:00+03:00").expect("time"));
    till.open_shift("100");
    till.enter("4600010010011");
    till.assert_shows(&rub("45.50"));
    till.key(Named::F12);
    till.clock
        .set(kassa::clock::At::parse("2026-11-29T20:00:30+03:00").expect("time"));
    till.key(Named::Enter);
    // 45,50 − 30 % (13,65) = 31,85: nothing booked at the old price.
    till.assert_shows(
        "Цены изменились (акция началась или закончилась): итог теперь 31,85\u{a0}₽; проверьте и примите оплату снова",
    );
    assert!(matches!(&till.app.screen, Screen::Payment(p) if p.total == m("31.85") && p.amount.text == "31,85"));
    let totals = till.core.till().db().shift_totals(&shift(&till)).expect("totals");
    assert_eq!(totals.sales_count, 0);
    till.key(Named::Enter);
    assert_eq!(booked(&till).total(), m("31.85"));
}

#[test]
fn a_card_part_taken_is_never_dropped_by_esc_nor_by_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("till.db");
    {
        let mut till = Till::open(&path, Lang::Ru);
        till.open_shift("100");
        till.enter(COFFEE);
        till.key(Named::F12);
        till.type_text("100");
        till.key(Named::F6);
        till.key(Named::Escape);
        till.assert_shows("Картой уже оплачено 100,00\u{a0}₽: примите остаток (Enter — наличными, F6 — картой)");
        assert!(matches!(&till.app.screen, Screen::Payment(p) if p.tenders.len() == 1));
        // The power goes.
        std::mem::forget(till);
    }
    let mut till = Till::open(&path, Lang::Ru);
    till.log_in("E1", "1111");
    till.assert_shows("Оплата продолжается с того, что уже принято");
    let Screen::Payment(pay) = &till.app.screen else {
        panic!("back on the payment")
    };
    assert_eq!(pay.tenders, vec![Payment::card(m("100.00"))]);
    assert_eq!(pay.amount.text, "349,00");
    till.key(Named::Enter);
    let receipt = booked(&till);
    assert_eq!(receipt.net_by(PaymentMethod::Card), m("100.00"));
    assert_eq!(receipt.net_by(PaymentMethod::Cash), m("349.00"));
    // Cash only may be handed back: Esc goes back to the cart.
    till.key(Named::Enter);
    till.enter(MILK);
    till.key(Named::F12);
    till.type_text("50");
    till.key(Named::Enter);
    till.key(Named::Escape);
    assert!(matches!(till.app.screen, Screen::Sale(_)));
}

#[test]
fn slips_of_a_new_cashier_change_nothing() {
    let mut till = Till::new();
    till.log_in("E1", "1111");
    // A code typed on the opening screen, then Enter: nothing opens.
    till.enter("4600010010035");
    till.assert_shows("Здесь ввод не принимается (Enter пропущен, чтобы ничего не сделать случайно)");
    assert!(
        till.core.till().current_shift().expect("read").is_none(),
        "no shift opened by a stray Enter"
    );
    till.key(Named::Enter);
    assert!(matches!(till.app.screen, Screen::Sale(_)), "the next Enter opens it");
    // A weighed product with no weight is not guessed at 1 kg.
    till.enter("1006");
    till.assert_shows("Яблоки Гала — весовой товар: укажите вес, например 0,350*1006");
    assert!(till.app.cart.cart.is_empty());
    // A discount over the limit keeps its form; the amount typed again applies.
    till.enter(&format!("3*{CHOCOLATE}"));
    till.key(Named::F7);
    till.enter("100%");
    till.assert_shows("Скидка 100 % больше вашего предела 5 %");
    assert!(till.app.form.is_some(), "the form stays open");
    till.enter("5%");
    assert!(till.app.form.is_none());
    assert_eq!(till.app.cart.cart.lines()[0].discount, m("17.85"), "5 % of 357,00");
    // Minus never removes the last unit: Delete does.
    till.enter(MILK);
    till.type_text("-");
    till.assert_shows("Количество уже 1: удалить позицию — Delete");
    assert_eq!(till.app.cart.cart.lines().len(), 2);
    // Enter with nothing typed opens the payment (its button is the highlighted one).
    till.key(Named::Enter);
    assert!(matches!(till.app.screen, Screen::Payment(_)));
}
