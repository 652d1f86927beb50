//! Two layers of failure, kept apart: the link (nothing answered, a frame
//! broke, the port failed) and the register's own refusal (an error code
//! with its meaning in Russian and what the cashier should do).

use std::fmt;
use std::sync::Arc;

/// A failure of the link or of the protocol exchange: the register may or
/// may not have carried the command out, so the caller must reconcile.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TransportError {
    /// The port failed (unplugged, closed, no such device). Shared, so that
    /// the error can be cloned (build it with [`TransportError::io`]).
    #[error("serial port: {0}")]
    Io(#[source] Arc<std::io::Error>),
    /// Nothing answered the probe: no register on this port, or it is off.
    #[error("the fiscal register does not answer (check the cable, power and port settings)")]
    NoLink,
    /// The register stopped answering in the middle of an exchange.
    #[error("the fiscal register stopped answering during {0}")]
    Timeout(&'static str),
    /// Frames kept arriving broken after every retry.
    #[error("the link to the fiscal register is noisy: {0}")]
    Garbled(&'static str),
    /// The answer does not fit the command that was sent.
    #[error("unexpected answer from the fiscal register: {0}")]
    Protocol(String),
}

impl TransportError {
    /// A failure of the port.
    pub fn io(error: std::io::Error) -> TransportError {
        TransportError::Io(Arc::new(error))
    }
}

impl From<std::io::Error> for TransportError {
    fn from(error: std::io::Error) -> Self {
        TransportError::io(error)
    }
}

/// An error code the register returned for a command it refused; nothing
/// was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceError {
    /// The command it refused.
    pub command: u16,
    /// The register's error code.
    pub code: u8,
}

impl DeviceError {
    /// The official meaning, in Russian.
    pub fn meaning(&self) -> &'static str {
        meaning(self.code, self.command > 0xFF)
    }

    /// What the cashier should do about it, in Russian.
    pub fn advice(&self) -> &'static str {
        advice(self.code, self.command > 0xFF)
    }
}

impl fmt::Display for DeviceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let advice = self.advice();
        write!(f, "ККТ: ошибка {:#04X} — {}", self.code, self.meaning())?;
        if !advice.is_empty() {
            write!(f, ". {advice}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DeviceError {}

/// Any failure of a fiscal operation.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FiscalError {
    /// The link failed: the outcome is unknown until reconciled.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The register refused: nothing was done.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// The request cannot be expressed in the protocol (a name too long for
    /// the tape, an amount too large).
    #[error("cannot send to the fiscal register: {0}")]
    Invalid(String),
    /// An amount (price, sum, total, payment) beyond the 5 bytes of a money
    /// field ([`crate::register::MAX_AMOUNT_KOPECKS`]); nothing was sent.
    #[error("cannot send to the fiscal register: {} exceeds the register's limit of {}", rub(*kopecks), rub(crate::register::MAX_AMOUNT_KOPECKS))]
    AmountTooLarge {
        /// The amount refused, kopecks.
        kopecks: u64,
    },
    /// A receipt whose total is 0: registers refuse it (0x8E); nothing was
    /// sent.
    #[error("cannot send to the fiscal register: the receipt total is zero")]
    ZeroTotal,
}

impl From<std::io::Error> for FiscalError {
    fn from(error: std::io::Error) -> Self {
        FiscalError::Transport(TransportError::io(error))
    }
}

/// Kopecks as roubles with a space between thousands: 10 995 116 277.75.
fn rub(kopecks: u64) -> String {
    let roubles = (kopecks / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in roubles.chars().enumerate() {
        if i > 0 && (roubles.len() - i).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(digit);
    }
    format!("{grouped}.{:02} ₽", kopecks % 100)
}

impl FiscalError {
    /// True when the register may have done the work: the caller must read
    /// the register back before trying again.
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, FiscalError::Transport(_))
    }
}

/// Error codes the emulator raises and a till meets most.
pub mod code {
    /// FN: unknown command or wrong format.
    pub const FN_UNKNOWN_COMMAND: u8 = 0x01;
    /// FN: wrong state of the fiscal storage for this command.
    pub const FN_WRONG_STATE: u8 = 0x02;
    /// FN: the TLV data is too large.
    pub const FN_TLV_TOO_LARGE: u8 = 0x10;
    /// FN: the shift lasted over 24 hours.
    pub const FN_SHIFT_OVER_24H: u8 = 0x16;
    /// Incorrect parameters in the command.
    pub const BAD_PARAMETERS: u8 = 0x33;
    /// Command not supported by this device.
    pub const NOT_SUPPORTED: u8 = 0x37;
    /// Payments below the receipt total.
    pub const UNDERPAID: u8 = 0x45;
    /// Not enough cash in the drawer.
    pub const NOT_ENOUGH_CASH: u8 = 0x46;
    /// A receipt is open: operation impossible.
    pub const RECEIPT_OPEN: u8 = 0x4A;
    /// The shift lasted over 24 hours.
    pub const SHIFT_OVER_24H: u8 = 0x4E;
    /// Wrong password.
    pub const WRONG_PASSWORD: u8 = 0x4F;
    /// Still printing the previous command.
    pub const STILL_PRINTING: u8 = 0x50;
    /// Waiting for the continue-print command.
    pub const WAITING_CONTINUE: u8 = 0x58;
    /// A document was opened by another operator.
    pub const OTHER_OPERATOR: u8 = 0x59;
    /// Wrong operation.
    pub const WRONG_OPERATION: u8 = 0x5E;
    /// Negative receipt total.
    pub const NEGATIVE_TOTAL: u8 = 0x5F;
    /// No receipt paper.
    pub const NO_PAPER: u8 = 0x6B;
    /// Not supported in this submode.
    pub const WRONG_SUBMODE: u8 = 0x72;
    /// Not supported in this mode.
    pub const WRONG_MODE: u8 = 0x73;
    /// Zero receipt total.
    pub const ZERO_TOTAL: u8 = 0x8E;
}

/// The register's meaning of an error code. `fn_command`: the code came
/// from a 0xFFnn command, whose low codes are the fiscal storage's.
pub fn meaning(code: u8, fn_command: bool) -> &'static str {
    if fn_command {
        if let Some(text) = fn_meaning(code) {
            return text;
        }
    }
    match code {
        0x00 => "ошибок нет",
        0x01 => "неизвестная команда, неверный формат посылки или неизвестные параметры",
        0x02 => "неверное состояние ФН",
        0x03 => "ошибка ФН",
        0x04 => "ошибка КС",
        0x05 => "закончен срок эксплуатации ФН",
        0x06 => "архив ФН переполнен",
        0x07 => "неверные дата и/или время",
        0x08 => "нет запрошенных данных",
        0x09 => "некорректное значение параметров команды",
        0x10 => "превышение размеров TLV данных",
        0x11 => "нет транспортного соединения",
        0x12 => "исчерпан ресурс КС",
        0x14 => "исчерпан ресурс хранения",
        0x15 => "исчерпан ресурс ожидания передачи сообщения",
        0x16 => "продолжительность смены более 24 часов",
        0x17 => "неверная разница во времени между 2 операциями",
        0x20 => "сообщение от ОФД не может быть принято",
        0x2F => "таймаут обмена с ФН",
        0x30 => "ФН не отвечает",
        0x33 => "некорректные параметры в команде",
        0x34 => "нет данных",
        0x35 => "некорректный параметр при данных настройках",
        0x36 => "некорректные параметры в команде для данной реализации ККТ",
        0x37 => "команда не поддерживается в данной реализации ККТ",
        0x38 => "ошибка в ПЗУ",
        0x3A => "переполнение накопления по надбавкам в смене",
        0x3C => "смена открыта — операция невозможна",
        0x3D => "смена не открыта — операция невозможна",
        0x3E => "переполнение накопления по секциям в смене",
        0x3F => "переполнение накопления по скидкам в смене",
        0x40 => "переполнение диапазона скидок",
        0x41 => "переполнение диапазона оплаты наличными",
        0x42 => "переполнение диапазона оплаты типом 2",
        0x43 => "переполнение диапазона оплаты типом 3",
        0x44 => "переполнение диапазона оплаты типом 4",
        0x45 => "сумма всех типов оплаты меньше итога чека",
        0x46 => "не хватает наличности в кассе",
        0x47 => "переполнение накопления по налогам в смене",
        0x48 => "переполнение итога чека",
        0x49 => "операция невозможна в открытом чеке данного типа",
        0x4A => "открыт чек — операция невозможна",
        0x4B => "буфер чека переполнен",
        0x4C => "переполнение накопления по обороту налогов в смене",
        0x4D => "вносимая безналичной оплатой сумма больше суммы чека",
        0x4E => "смена превысила 24 часа",
        0x4F => "неверный пароль",
        0x50 => "идёт печать предыдущей команды",
        0x51 => "переполнение накоплений наличными в смене",
        0x52 => "переполнение накоплений по типу оплаты 2 в смене",
        0x53 => "переполнение накоплений по типу оплаты 3 в смене",
        0x54 => "переполнение накоплений по типу оплаты 4 в смене",
        0x55 => "чек закрыт — операция невозможна",
        0x56 => "нет документа для повтора",
        0x58 => "ожидание команды продолжения печати",
        0x59 => "документ открыт другим оператором",
        0x5B => "переполнение диапазона надбавок",
        0x5C => "понижено напряжение 24 В",
        0x5D => "таблица не определена",
        0x5E => "неверная операция",
        0x5F => "отрицательный итог чека",
        0x60 => "переполнение при умножении",
        0x61 => "переполнение диапазона цены",
        0x62 => "переполнение диапазона количества",
        0x63 => "переполнение диапазона отдела",
        0x65 => "не хватает денег в секции",
        0x66 => "переполнение денег в секции",
        0x68 => "не хватает денег по обороту налогов",
        0x69 => "переполнение денег по обороту налогов",
        0x6A => "ошибка питания в момент ответа по I2C",
        0x6B => "нет чековой ленты",
        0x6D => "не хватает денег по налогу",
        0x6E => "переполнение денег по налогу",
        0x6F => "переполнение по выплате в смене",
        0x71 => "ошибка отрезчика",
        0x72 => "команда не поддерживается в данном подрежиме",
        0x73 => "команда не поддерживается в данном режиме",
        0x74 => "ошибка ОЗУ",
        0x75 => "ошибка питания",
        0x77 => "ошибка принтера: нет сигнала с датчиков",
        0x78 => "замена ПО",
        0x7A => "поле не редактируется",
        0x7B => "ошибка оборудования",
        0x7C => "не совпадает дата",
        0x7D => "неверный формат даты",
        0x7E => "неверное значение в поле длины",
        0x7F => "переполнение диапазона итога чека",
        0x84 => "переполнение наличности",
        0x85 => "переполнение по приходу в смене",
        0x86 => "переполнение по расходу в смене",
        0x87 => "переполнение по возвратам прихода в смене",
        0x88 => "переполнение по возвратам расхода в смене",
        0x89 => "переполнение по внесению в смене",
        0x8A => "переполнение по надбавкам в чеке",
        0x8B => "переполнение по скидкам в чеке",
        0x8C => "отрицательный итог надбавки в чеке",
        0x8D => "отрицательный итог скидки в чеке",
        0x8E => "нулевой итог чека",
        0x90 => "поле превышает размер, установленный в настройках",
        0x91 => "выход за границу поля печати при данных настройках шрифта",
        0x92 => "наложение полей",
        0x93 => "восстановление ОЗУ прошло успешно",
        0x94 => "исчерпан лимит операций в чеке",
        0xC0 => "контроль даты и времени (подтвердите дату и время)",
        0xC2 => "превышение напряжения в блоке питания",
        0xC4 => "несовпадение номеров смен",
        0xC7 => "поле не редактируется в данном режиме",
        0xC8 => "нет связи с принтером или отсутствуют импульсы от таходатчика",
        _ => "неизвестная ошибка ККТ",
    }
}

fn fn_meaning(code: u8) -> Option<&'static str> {
    Some(match code {
        0x01 => "ФН: неизвестная команда, неверный формат посылки или неизвестные параметры",
        0x02 => "ФН: неверное состояние ФН",
        0x03 => "ФН: отказ ФН",
        0x04 => "ФН: отказ КС",
        0x05 => "ФН: параметры команды не соответствуют сроку жизни ФН",
        0x07 => "ФН: некорректная дата и/или время",
        0x08 => "ФН: запрошенных данных нет в архиве",
        0x09 => "ФН: некорректное значение параметров команды",
        0x10 => "ФН: превышение размеров TLV данных",
        0x11 => "ФН: нет транспортного соединения",
        0x12 => "ФН: исчерпан ресурс КС",
        0x14 => "ФН: исчерпан ресурс хранения",
        0x15 => "ФН: исчерпан ресурс ожидания передачи сообщения",
        0x16 => "ФН: продолжительность смены более 24 часов",
        0x17 => "ФН: неверная разница во времени между двумя операциями",
        _ => return None,
    })
}

/// What to do about an error code, in Russian; empty when there is nothing
/// better to say than the meaning.
pub fn advice(code: u8, fn_command: bool) -> &'static str {
    match (code, fn_command) {
        (0x16, true) | (0x4E, _) => "Закройте смену (Z-отчёт) и откройте новую",
        (0x02, true) => "Проверьте, открыта ли смена на ККТ, и повторите",
        (0x33, _) | (0x01, _) => "Проверьте данные чека; если не поможет, обратитесь в поддержку",
        (0x3D, _) => "Откройте смену на ККТ",
        (0x3C, _) => "Сначала закройте смену (Z-отчёт)",
        (0x45, _) => "Внесите оплату на всю сумму чека",
        (0x46, _) => "В ящике недостаточно наличных: уменьшите сумму",
        (0x4A, _) => "Завершите или отмените открытый чек",
        (0x4F, _) => "Проверьте пароль оператора в настройках кассы",
        (0x50, _) => "Подождите окончания печати и повторите",
        (0x58, _) => "Заправьте ленту и продолжите печать",
        (0x6B, _) => "Заправьте чековую ленту",
        (0x72, _) | (0x73, _) => "ККТ в другом режиме: обновите состояние и повторите",
        (0x8E, _) => "Чек с нулевой суммой пробить нельзя",
        (0x5F, _) => "Сумма возврата больше суммы продаж: проверьте чек",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_errors_read_in_russian_with_advice() {
        let error = DeviceError {
            command: 0x80,
            code: code::SHIFT_OVER_24H,
        };
        assert_eq!(
            error.to_string(),
            "ККТ: ошибка 0x4E — смена превысила 24 часа. Закройте смену (Z-отчёт) и откройте новую"
        );
        // Low codes of FN commands are the fiscal storage's own.
        let fn_error = DeviceError {
            command: 0xFF46,
            code: 0x02,
        };
        assert_eq!(fn_error.meaning(), "ФН: неверное состояние ФН");
        assert_eq!(meaning(0x02, false), "неверное состояние ФН");
        assert_eq!(meaning(0xFE, false), "неизвестная ошибка ККТ");
    }

    #[test]
    fn fiscal_errors_clone_with_their_io_error() {
        let error = FiscalError::from(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "/dev/ttyUSB9: no such device",
        ));
        let copy = error.clone();
        assert_eq!(copy.to_string(), "serial port: /dev/ttyUSB9: no such device");
        assert!(copy.outcome_unknown());
        match (&error, &copy) {
            (FiscalError::Transport(TransportError::Io(a)), FiscalError::Transport(TransportError::Io(b))) => {
                // One io::Error shared by both.
                assert!(Arc::ptr_eq(a, b));
                assert_eq!(b.kind(), std::io::ErrorKind::NotFound);
            }
            other => panic!("expected two Io errors, got {other:?}"),
        }
        let built = TransportError::io(std::io::Error::other("cable"));
        assert_eq!(FiscalError::Transport(built).to_string(), "serial port: cable");
        let source = std::error::Error::source(&TransportError::io(std::io::Error::other("cable")))
            .map(|source| source.to_string());
        assert_eq!(source.as_deref(), Some("cable"));
    }

    #[test]
    fn refusals_before_sending_read_plainly() {
        let error = FiscalError::AmountTooLarge {
            kopecks: 9_999_999_999_999,
        };
        assert_eq!(
            error.clone().to_string(),
            "cannot send to the fiscal register: 99 999 999 999.99 ₽ exceeds the register's limit of 10 995 116 277.75 ₽"
        );
        assert!(!error.outcome_unknown());
        assert_eq!(
            FiscalError::ZeroTotal.to_string(),
            "cannot send to the fiscal register: the receipt total is zero"
        );
        assert_eq!(rub(0), "0.00 ₽");
        assert_eq!(rub(100_000), "1 000.00 ₽");
        assert_eq!(rub(99_999), "999.99 ₽");
    }
}
