//! The register's troubles as the cashier sees them: no paper, no link, a
//! shift over 24 hours. The sale is kept either way, and goes through once
//! the register can take it.

mod harness;

use harness::Till;
use iced::keyboard::key::Named;
use kassa::clock::SystemClock;
use kassa::db::DeviceSettings;
use kassa::fiscal::FiscalState;
use kassa::{Books, Credentials};
use kassa_ui::app::{FiscalShown, PayStage, Screen};
use kassa_ui::format::Lang;

const MILK: &str = "4600010010035";

fn receipt_on_screen(till: &Till) -> String {
    match &till.app.screen {
        Screen::Payment(pay) => match &pay.stage {
            PayStage::Done { receipt, .. } => receipt.id().to_owned(),
            _ => panic!("not booked: {}", till.notice()),
        },
        _ => panic!("not on the payment screen: {}", till.notice()),
    }
}

#[test]
fn no_paper_is_said_with_what_to_do_and_the_sale_goes_through_once_paper_is_in() {
    let mut till = Till::new();
    till.open_shift("100");
    // The register has opened its shift (that prints too).
    till.wait_idle();
    let state = kassa::fiscal::emulator_state_beside(&till.path);
    // The paper runs out (the register is taken between the worker's rounds).
    let mut device = kassa_fiscal::emulator::Device::open(state.clone(), kassa_fiscal::emulator::local_clock())
        .expect("the emulated register");
    device.change(|s| s.paper = false).expect("paper out");
    drop(device);
    till.enter(MILK);
    till.key(Named::F12);
    till.key(Named::Enter);
    let receipt = receipt_on_screen(&till);
    let shown = till.wait_for_register();
    let FiscalShown::Waiting(said) = &shown else {
        panic!("waiting: {shown:?}")
    };
    assert!(said.contains("нет чековой ленты. Заправьте чековую ленту"), "{said}");
    till.assert_shows("Отправить снова (F5)");
    assert!(matches!(
        till.core.till().fiscal_state(&receipt).expect("state"),
        FiscalState::Pending { last_error: Some(_) }
    ));
    // Paper in, F5: registered, once.
    let mut device = kassa_fiscal::emulator::Device::open(state, kassa_fiscal::emulator::local_clock())
        .expect("the emulated register");
    device.change(|s| s.paper = true).expect("paper in");
    drop(device);
    till.key(Named::F5);
    till.assert_shows("Отправка в ККТ…");
    let shown = till.wait_until(|shown| matches!(shown, FiscalShown::Registered { .. }));
    let FiscalShown::Registered { number, sign } = shown else {
        panic!("registered: {shown:?}")
    };
    till.assert_shows(&format!("ФД № {number}, ФП {sign}"));
    let totals = till
        .core
        .till()
        .db()
        .shift_totals(&till.core.till().current_shift().expect("read").expect("open"));
    assert_eq!(totals.expect("totals").sales_count, 1);
}

#[test]
fn with_no_link_the_sale_is_kept_and_the_cashier_told_what_to_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("till.db");
    drop(Till::open(&path, Lang::Ru));
    let mut books = Books::open(&path).expect("books");
    let device = DeviceSettings {
        port: dir.path().join("no-such-port").display().to_string(),
        baud: 115_200,
        password: 30,
        vat22_code: 1,
    };
    books
        .set_up_till(
            &SystemClock,
            Some(Credentials {
                employee: "E4",
                pin: "4444",
            }),
            "S1",
            "T2",
            Some(&device),
        )
        .expect("T2 with a register that is not there");
    drop(books);
    let mut till = Till::open_till(&path, "T2");
    till.open_shift("100");
    till.enter(MILK);
    till.key(Named::F12);
    till.key(Named::Enter);
    let receipt = receipt_on_screen(&till);
    let shown = till.wait_for_register();
    assert_eq!(
        shown,
        FiscalShown::Waiting(
            "Нет связи с ККТ: проверьте кабель и питание. Чек сохранён и будет отправлен, как только ККТ ответит"
                .to_owned()
        )
    );
    till.assert_shows("ККТ: нет связи");
    assert!(matches!(
        till.core.till().fiscal_state(&receipt).expect("state"),
        FiscalState::Pending { .. }
    ));
    assert_eq!(
        till.core
            .till()
            .db()
            .receipt(&receipt)
            .expect("read")
            .expect("kept")
            .total()
            .to_string(),
        "89.90"
    );
}

#[test]
fn a_shift_over_24_hours_takes_no_sale_and_says_to_close_it() {
    let mut till = Till::new();
    till.open_shift("100");
    till.clock.advance(chrono::Duration::hours(25));
    till.enter(MILK);
    till.key(Named::F12);
    till.key(Named::Enter);
    till.assert_shows("Смена открыта больше 24 часов: закройте её (F10, Z-отчёт) и откройте новую");
    assert!(matches!(&till.app.screen, Screen::Payment(p) if matches!(p.stage, PayStage::Tendering)));
    let shift = till.core.till().current_shift().expect("read").expect("open");
    assert_eq!(
        till.core.till().db().shift_totals(&shift).expect("totals").sales_count,
        0
    );
    // Back to the cart (kept), F10 closes the shift.
    till.key(Named::Escape);
    assert_eq!(till.app.cart.cart.lines().len(), 1);
}
