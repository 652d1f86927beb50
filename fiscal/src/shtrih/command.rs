//! Shtrih-M commands and answers as typed values, with their exact bytes.
//! Pure: the host encodes requests and decodes answers, the emulator does
//! the reverse, with the same code.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// A command code: one byte, or `0xFFnn` for the fiscal storage era.
pub type Code = u16;

/// Text on the wire is CP1251.
pub fn encode_text(text: &str) -> Vec<u8> {
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    bytes.into_owned()
}

/// CP1251 bytes up to the first zero byte, as text.
pub fn decode_text(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|byte| *byte == 0).unwrap_or(bytes.len());
    let (text, _) = encoding_rs::WINDOWS_1251.decode_without_bom_handling(&bytes[..end]);
    text.trim_end().to_owned()
}

/// A value too wide for the field it was written into: a request or an
/// answer holding one is never sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow {
    /// The value.
    pub value: u64,
    /// The field's width, bytes.
    pub width: usize,
}

impl std::fmt::Display for Overflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} does not fit in {} bytes", self.value, self.width)
    }
}

/// Writes fields little-endian. The bytes come out only through
/// [`Writer::finish`], which refuses them if any integer was too wide for
/// its field: nothing is ever cut silently.
#[derive(Debug, Default, Clone)]
pub struct Writer {
    bytes: Vec<u8>,
    overflow: Option<Overflow>,
}

impl Writer {
    /// Starts a payload with a command code.
    pub fn command(code: Code) -> Writer {
        let mut writer = Writer::default();
        writer.code(code);
        writer
    }

    /// The bytes, or the first value that did not fit its field.
    pub fn finish(self) -> Result<Vec<u8>, Overflow> {
        match self.overflow {
            Some(overflow) => Err(overflow),
            None => Ok(self.bytes),
        }
    }

    /// A command code (two bytes for 0xFFnn).
    pub fn code(&mut self, code: Code) -> &mut Self {
        if code > 0xFF {
            self.bytes.extend_from_slice(&code.to_be_bytes());
        } else {
            self.bytes.push(code as u8);
        }
        self
    }

    /// One byte.
    pub fn u8(&mut self, value: u8) -> &mut Self {
        self.bytes.push(value);
        self
    }

    /// An unsigned integer in `width` bytes, little-endian. A value wider
    /// than the field makes [`Writer::finish`] fail.
    pub fn uint(&mut self, value: u64, width: usize) -> &mut Self {
        if width < 8 && value >> (8 * width) != 0 && self.overflow.is_none() {
            self.overflow = Some(Overflow { value, width });
        }
        self.bytes.extend_from_slice(&value.to_le_bytes()[..width.min(8)]);
        self.bytes.extend(std::iter::repeat_n(0, width.saturating_sub(8)));
        self
    }

    /// Raw bytes.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.bytes.extend_from_slice(bytes);
        self
    }

    /// Text in a fixed-width field, padded with zero bytes (cut at `width`).
    pub fn text_fixed(&mut self, text: &str, width: usize) -> &mut Self {
        let mut bytes = encode_text(text);
        bytes.resize(width, 0);
        self.bytes.extend_from_slice(&bytes);
        self
    }

    /// A date as day, month, year − 2000.
    pub fn date(&mut self, date: NaiveDate) -> &mut Self {
        self.bytes
            .extend_from_slice(&[date.day() as u8, date.month() as u8, (date.year() % 100) as u8]);
        self
    }

    /// A time as hours, minutes, seconds.
    pub fn time(&mut self, time: NaiveTime) -> &mut Self {
        self.bytes
            .extend_from_slice(&[time.hour() as u8, time.minute() as u8, time.second() as u8]);
        self
    }

    /// Date-time of the fiscal storage: year − 2000, month, day, hour, minute.
    pub fn fn_datetime(&mut self, at: NaiveDateTime) -> &mut Self {
        self.bytes.extend_from_slice(&[
            (at.year() % 100) as u8,
            at.month() as u8,
            at.day() as u8,
            at.hour() as u8,
            at.minute() as u8,
        ]);
        self
    }
}

/// The data of a frame ran short or held a value out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

/// Reads fields little-endian, never past the end.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Reads `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.bytes.len()
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        if self.bytes.len() < n {
            return Err(Malformed);
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.bytes)
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8, Malformed> {
        Ok(self.take(1)?[0])
    }

    /// An unsigned little-endian integer of `width` bytes (at most 8).
    pub fn uint(&mut self, width: usize) -> Result<u64, Malformed> {
        if width > 8 {
            return Err(Malformed);
        }
        let bytes = self.take(width)?;
        Ok(bytes.iter().rev().fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte)))
    }

    /// A 5-byte field that may be all 0xFF ("the device computes it").
    pub fn optional_uint5(&mut self) -> Result<Option<u64>, Malformed> {
        let bytes = self.take(5)?;
        if bytes.iter().all(|byte| *byte == 0xFF) {
            return Ok(None);
        }
        Ok(Some(
            bytes.iter().rev().fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte)),
        ))
    }

    /// Text to the end, or to the first zero byte, at most `max` bytes.
    pub fn text_rest(&mut self, max: usize) -> String {
        let rest = self.rest();
        decode_text(&rest[..rest.len().min(max)])
    }

    /// A fiscal storage date-time (year − 2000, month, day, hour, minute).
    pub fn fn_datetime(&mut self) -> Result<NaiveDateTime, Malformed> {
        let b = self.take(5)?;
        NaiveDate::from_ymd_opt(2000 + i32::from(b[0]), u32::from(b[1]), u32::from(b[2]))
            .and_then(|date| date.and_hms_opt(u32::from(b[3]), u32::from(b[4]), 0))
            .ok_or(Malformed)
    }

    /// A date as day, month, year − 2000.
    pub fn date(&mut self) -> Result<NaiveDate, Malformed> {
        let b = self.take(3)?;
        NaiveDate::from_ymd_opt(2000 + i32::from(b[2]), u32::from(b[1]), u32::from(b[0])).ok_or(Malformed)
    }

    /// A time as hours, minutes, seconds.
    pub fn time(&mut self) -> Result<NaiveTime, Malformed> {
        let b = self.take(3)?;
        NaiveTime::from_hms_opt(u32::from(b[0]), u32::from(b[1]), u32::from(b[2])).ok_or(Malformed)
    }
}

/// `a × b / c` rounded half up (a quantity times a price over the
/// quantity's scale, or back); `None` when `c` is 0 or the result does not
/// fit in 64 bits.
pub fn mul_div_round(a: u64, b: u64, c: u64) -> Option<u64> {
    let c = u128::from(c);
    if c == 0 {
        return None;
    }
    u64::try_from((u128::from(a) * u128::from(b) + c / 2) / c).ok()
}

/// Command codes.
pub mod codes {
    #![allow(missing_docs)]
    use super::Code;
    pub const SHORT_STATUS: Code = 0x10;
    pub const FULL_STATUS: Code = 0x11;
    pub const PRINT_STRING: Code = 0x17;
    pub const MONEY_REGISTER: Code = 0x1A;
    pub const OPERATION_REGISTER: Code = 0x1B;
    pub const CUT: Code = 0x25;
    pub const OPEN_DRAWER: Code = 0x28;
    pub const X_REPORT: Code = 0x40;
    pub const Z_REPORT: Code = 0x41;
    pub const CASH_IN: Code = 0x50;
    pub const CASH_OUT: Code = 0x51;
    pub const SALE: Code = 0x80;
    pub const PURCHASE: Code = 0x81;
    pub const SALE_RETURN: Code = 0x82;
    pub const PURCHASE_RETURN: Code = 0x83;
    pub const CLOSE_RECEIPT: Code = 0x85;
    pub const CANCEL_RECEIPT: Code = 0x88;
    pub const SUBTOTAL: Code = 0x89;
    pub const OPEN_RECEIPT: Code = 0x8D;
    /// Added to 0x8D's receipt type: a correction receipt (FFD 1.2).
    pub const CORRECTION_FLAG: u8 = 0x80;
    pub const CONTINUE_PRINT: Code = 0xB0;
    pub const OPEN_SHIFT: Code = 0xE0;
    pub const DEVICE_TYPE: Code = 0xFC;
    pub const FN_STATUS: Code = 0xFF01;
    pub const FN_VALIDITY: Code = 0xFF03;
    pub const FIND_DOCUMENT: Code = 0xFF0A;
    pub const SEND_TLV: Code = 0xFF0C;
    pub const BEGIN_CORRECTION: Code = 0xFF35;
    pub const SHIFT_PARAMETERS: Code = 0xFF40;
    pub const BEGIN_OPEN_SHIFT: Code = 0xFF41;
    pub const BEGIN_CLOSE_SHIFT: Code = 0xFF42;
    pub const CLOSE_SHIFT_FN: Code = 0xFF43;
    pub const CLOSE_RECEIPT_V2: Code = 0xFF45;
    pub const OPERATION_V2: Code = 0xFF46;
    pub const OPERATION_TLV: Code = 0xFF4D;
    pub const MARKING_CHECK: Code = 0xFF61;
    pub const MARKING_BIND: Code = 0xFF67;
    pub const MARKING_ACCEPT: Code = 0xFF69;
}

/// The head of a request: its command code and the password that follows
/// (absent for 0xFC), and the data after them.
pub fn split_request(payload: &[u8]) -> Result<(Code, Option<u32>, &[u8]), Malformed> {
    let mut reader = Reader::new(payload);
    let first = reader.u8()?;
    let code = if first == 0xFF {
        0xFF00 | Code::from(reader.u8()?)
    } else {
        Code::from(first)
    };
    if code == codes::DEVICE_TYPE {
        return Ok((code, None, reader.rest()));
    }
    let password = reader.uint(4)? as u32;
    Ok((code, Some(password), reader.rest()))
}

/// The head of an answer: command code, error code and the data after.
pub fn split_answer(payload: &[u8]) -> Result<(Code, u8, &[u8]), Malformed> {
    let mut reader = Reader::new(payload);
    let first = reader.u8()?;
    let code = if first == 0xFF {
        0xFF00 | Code::from(reader.u8()?)
    } else {
        Code::from(first)
    };
    let error = reader.u8()?;
    Ok((code, error, reader.rest()))
}

/// The tax byte of 0xFF46. The classic codes are one bit per tax of the
/// register's table (tax 1 = 20 %); firmware of 2026 adds codes for 5 %,
/// 7 % and 22 % (the official driver sends 0xCB for 22 % on desktop models,
/// 0x90 on ШТРИХ-NANO-Ф: the driver's setting chooses).
pub mod tax_bits {
    #![allow(missing_docs)]
    pub const VAT20: u8 = 0x01;
    pub const VAT10: u8 = 0x02;
    pub const VAT0: u8 = 0x04;
    pub const NO_VAT: u8 = 0x08;
    pub const VAT20_120: u8 = 0x10;
    pub const VAT10_110: u8 = 0x20;
    pub const VAT5: u8 = 0x81;
    pub const VAT7: u8 = 0x82;
    pub const VAT5_105: u8 = 0x84;
    pub const VAT7_107: u8 = 0x88;
    pub const VAT22: u8 = 0xCB;
    pub const VAT22_122: u8 = 0xCC;
    pub const VAT22_NANO: u8 = 0x90;
    pub const VAT22_122_NANO: u8 = 0xA0;

    /// The rate a tax code stands for, in percent (`None`: no such code).
    pub fn percent(code: u8) -> Option<(u8, &'static str)> {
        Some(match code {
            VAT20 | VAT20_120 => (20, "НДС 20%"),
            VAT10 | VAT10_110 => (10, "НДС 10%"),
            VAT0 => (0, "НДС 0%"),
            NO_VAT => (0, "БЕЗ НДС"),
            VAT5 | VAT5_105 => (5, "НДС 5%"),
            VAT7 | VAT7_107 => (7, "НДС 7%"),
            VAT22 | VAT22_122 | VAT22_NANO | VAT22_122_NANO => (22, "НДС 22%"),
            _ => return None,
        })
    }
}

/// 0xFF46 "operation v2": one line of an FFD 1.05+ receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationV2 {
    /// Calculation sign, tag 1054 (1 sale, 2 sale return, …).
    pub kind: u8,
    /// Quantity in millionths (6 bytes).
    pub qty_micro: u64,
    /// Unit price, kopecks.
    pub price: u64,
    /// Line sum, kopecks; `None` (all 0xFF): the device computes price × qty.
    pub sum: Option<u64>,
    /// Tax sum, kopecks; `None`: the device computes it.
    pub tax_sum: Option<u64>,
    /// Tax bits (see [`tax_bits`]).
    pub tax: u8,
    /// Department, 0–16.
    pub department: u8,
    /// Payment method, tag 1214.
    pub method: u8,
    /// Subject, tag 1212.
    pub subject: u8,
    /// Item name.
    pub name: String,
}

/// Longest item name of 0xFF46.
pub const MAX_NAME: usize = 128;

impl OperationV2 {
    /// The request payload.
    pub fn encode(&self, password: u32) -> Result<Vec<u8>, Overflow> {
        let mut w = Writer::command(codes::OPERATION_V2);
        w.uint(u64::from(password), 4)
            .u8(self.kind)
            .uint(self.qty_micro, 6)
            .uint(self.price, 5);
        match self.sum {
            Some(sum) => w.uint(sum, 5),
            None => w.bytes(&[0xFF; 5]),
        };
        match self.tax_sum {
            Some(sum) => w.uint(sum, 5),
            None => w.bytes(&[0xFF; 5]),
        };
        w.u8(self.tax).u8(self.department).u8(self.method).u8(self.subject);
        let mut name = encode_text(&self.name);
        name.truncate(MAX_NAME);
        w.bytes(&name);
        w.finish()
    }

    /// From the data after the password.
    pub fn decode(data: &[u8]) -> Result<OperationV2, Malformed> {
        let mut r = Reader::new(data);
        Ok(OperationV2 {
            kind: r.u8()?,
            qty_micro: r.uint(6)?,
            price: r.uint(5)?,
            sum: r.optional_uint5()?,
            tax_sum: r.optional_uint5()?,
            tax: r.u8()?,
            department: r.u8()?,
            method: r.u8()?,
            subject: r.u8()?,
            name: r.text_rest(MAX_NAME),
        })
    }
}

/// 0xFF45 "close receipt, extended".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseReceiptV2 {
    /// Payment sums, kopecks: [0] cash, [1] electronic (card), [2..=12]
    /// the register's payment types 3–13, [13] prepayment (1215), [14]
    /// credit (1216), [15] counter-provision (1217).
    pub sums: [u64; 16],
    /// Rounding to whole roubles, kopecks (0–99).
    pub rounding: u8,
    /// Tax sums by the register's six taxes, kopecks.
    pub taxes: [u64; 6],
    /// Tax system bits (tag 1055).
    pub tax_system: u8,
    /// Text printed at the end.
    pub text: String,
}

impl CloseReceiptV2 {
    /// The request payload.
    pub fn encode(&self, password: u32) -> Result<Vec<u8>, Overflow> {
        let mut w = Writer::command(codes::CLOSE_RECEIPT_V2);
        w.uint(u64::from(password), 4);
        for sum in self.sums {
            w.uint(sum, 5);
        }
        w.u8(self.rounding);
        for tax in self.taxes {
            w.uint(tax, 5);
        }
        w.u8(self.tax_system);
        let mut text = encode_text(&self.text);
        text.truncate(64);
        w.bytes(&text);
        w.finish()
    }

    /// From the data after the password.
    pub fn decode(data: &[u8]) -> Result<CloseReceiptV2, Malformed> {
        let mut r = Reader::new(data);
        let mut sums = [0u64; 16];
        for sum in &mut sums {
            *sum = r.uint(5)?;
        }
        let rounding = r.u8()?;
        let mut taxes = [0u64; 6];
        for tax in &mut taxes {
            *tax = r.uint(5)?;
        }
        Ok(CloseReceiptV2 {
            sums,
            rounding,
            taxes,
            tax_system: r.u8()?,
            text: r.text_rest(64),
        })
    }
}

/// Answer of 0xFF45.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiptClosed {
    /// Change, kopecks.
    pub change: u64,
    /// Fiscal document number.
    pub number: u32,
    /// Fiscal sign.
    pub fiscal_sign: u32,
    /// When; only registers set to give extended answers send it.
    pub at: Option<NaiveDateTime>,
}

impl ReceiptClosed {
    /// The answer data after the error byte.
    pub fn encode(&self) -> Result<Vec<u8>, Overflow> {
        let mut w = Writer::default();
        w.uint(self.change, 5)
            .uint(u64::from(self.number), 4)
            .uint(u64::from(self.fiscal_sign), 4);
        if let Some(at) = self.at {
            w.fn_datetime(at);
        }
        w.finish()
    }

    /// From the answer data.
    pub fn decode(data: &[u8]) -> Result<ReceiptClosed, Malformed> {
        let mut r = Reader::new(data);
        Ok(ReceiptClosed {
            change: r.uint(5)?,
            number: r.uint(4)? as u32,
            fiscal_sign: r.uint(4)? as u32,
            at: if r.remaining() >= 5 {
                Some(r.fn_datetime()?)
            } else {
                None
            },
        })
    }
}

/// Answer of 0x10, short status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShortStatus {
    /// Operator number.
    pub operator: u8,
    /// Flags (paper, lid, drawer…).
    pub flags: u16,
    /// Mode (low nibble) and its status (high nibble).
    pub mode: u8,
    /// Submode (0: paper present, printing done).
    pub submode: u8,
    /// Operations in the open receipt.
    pub operations: u16,
}

impl ShortStatus {
    /// The answer data after the error byte: 14 bytes.
    pub fn encode(&self) -> Result<Vec<u8>, Overflow> {
        let mut w = Writer::default();
        w.u8(self.operator)
            .uint(u64::from(self.flags), 2)
            .u8(self.mode)
            .u8(self.submode)
            .u8((self.operations & 0xFF) as u8)
            .u8(0x98) // battery voltage
            .u8(0xB4) // supply voltage
            .u8(0) // FP error
            .u8(0) // EKLZ / FN error
            .u8((self.operations >> 8) as u8)
            .bytes(&[0, 0, 0]);
        w.finish()
    }

    /// From the answer data.
    pub fn decode(data: &[u8]) -> Result<ShortStatus, Malformed> {
        let mut r = Reader::new(data);
        let operator = r.u8()?;
        let flags = r.uint(2)? as u16;
        let mode = r.u8()?;
        let submode = r.u8()?;
        let low = r.u8()?;
        r.take(4)?;
        let high = r.u8().unwrap_or(0);
        Ok(ShortStatus {
            operator,
            flags,
            mode,
            submode,
            operations: u16::from(high) << 8 | u16::from(low),
        })
    }
}

/// Modes of the register (low nibble of the mode byte).
pub mod mode {
    #![allow(missing_docs)]
    pub const SHIFT_OPEN: u8 = 2;
    pub const SHIFT_EXPIRED: u8 = 3;
    pub const SHIFT_CLOSED: u8 = 4;
    pub const RECEIPT_OPEN: u8 = 8;
}

/// Answer of 0xFF01, fiscal storage status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FnStatus {
    /// Life phase (3: fiscal mode).
    pub phase: u8,
    /// Current document being formed (0: none, 0x02 shift open report,
    /// 0x04 receipt, 0x08 shift close report, 0x14 correction receipt…).
    pub current_document: u8,
    /// Document data received (0 none, 1 yes).
    pub document_data: u8,
    /// Shift state (0 closed, 1 open).
    pub shift_open: bool,
    /// Warning flags.
    pub warnings: u8,
    /// Date and time of the last document.
    pub at: NaiveDateTime,
    /// Fiscal storage number, 16 ASCII characters.
    pub fn_number: String,
    /// Number of the last fiscal document.
    pub last_document: u32,
}

impl FnStatus {
    /// The answer data after the error byte: 30 bytes.
    pub fn encode(&self) -> Result<Vec<u8>, Overflow> {
        let mut w = Writer::default();
        w.u8(self.phase)
            .u8(self.current_document)
            .u8(self.document_data)
            .u8(u8::from(self.shift_open))
            .u8(self.warnings)
            .fn_datetime(self.at)
            .text_fixed(&self.fn_number, 16)
            .uint(u64::from(self.last_document), 4);
        w.finish()
    }

    /// From the answer data.
    pub fn decode(data: &[u8]) -> Result<FnStatus, Malformed> {
        let mut r = Reader::new(data);
        Ok(FnStatus {
            phase: r.u8()?,
            current_document: r.u8()?,
            document_data: r.u8()?,
            shift_open: r.u8()? != 0,
            warnings: r.u8()?,
            at: r.fn_datetime()?,
            fn_number: decode_text(r.take(16)?),
            last_document: r.uint(4)? as u32,
        })
    }
}

/// Answer of 0xFF40: the shift as the fiscal storage sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftParameters {
    /// Open.
    pub open: bool,
    /// Shift number.
    pub number: u16,
    /// Receipt number in the shift.
    pub receipt: u16,
}

impl ShiftParameters {
    /// The answer data.
    pub fn encode(&self) -> Result<Vec<u8>, Overflow> {
        let mut w = Writer::default();
        w.u8(u8::from(self.open))
            .uint(u64::from(self.number), 2)
            .uint(u64::from(self.receipt), 2);
        w.finish()
    }

    /// From the answer data.
    pub fn decode(data: &[u8]) -> Result<ShiftParameters, Malformed> {
        let mut r = Reader::new(data);
        Ok(ShiftParameters {
            open: r.u8()? != 0,
            number: r.uint(2)? as u16,
            receipt: r.uint(2)? as u16,
        })
    }
}

/// FFD document types in the fiscal storage.
pub mod document_type {
    #![allow(missing_docs)]
    pub const SHIFT_OPEN: u8 = 2;
    pub const RECEIPT: u8 = 3;
    pub const SHIFT_CLOSE: u8 = 5;
    /// Correction receipt (кассовый чек коррекции).
    pub const CORRECTION: u8 = 31;

    /// Receipts and correction receipts carry a calculation sign and a total.
    pub fn has_total(doc_type: u8) -> bool {
        matches!(doc_type, RECEIPT | CORRECTION)
    }
}

/// Current document of the fiscal storage (0xFF01).
pub mod current_document {
    #![allow(missing_docs)]
    pub const NONE: u8 = 0x00;
    pub const SHIFT_OPEN: u8 = 0x02;
    pub const RECEIPT: u8 = 0x04;
    pub const SHIFT_CLOSE: u8 = 0x08;
    pub const CORRECTION: u8 = 0x14;
}

/// FFD tags the driver and the emulator send or check.
pub mod tag {
    /// Correction type: 0 self-initiated, 1 by order of the tax office.
    pub const CORRECTION_TYPE: u16 = 1173;
    /// Basis of a correction (STLV of 1178 and 1179).
    pub const CORRECTION_BASIS: u16 = 1174;
    /// Date of the corrected settlement, UnixTime at 00:00.
    pub const CORRECTED_DATE: u16 = 1178;
    /// Number of the tax office's order.
    pub const ORDER_NUMBER: u16 = 1179;
}

/// Longest order number (tag 1179), bytes.
pub const MAX_ORDER_NUMBER: usize = 32;

/// One TLV: tag (2), length (2), value; the length must fit its 2 bytes.
pub fn tlv(tag: u16, value: &[u8]) -> Result<Vec<u8>, Overflow> {
    let mut w = Writer::default();
    w.uint(u64::from(tag), 2).uint(value.len() as u64, 2).bytes(value);
    w.finish()
}

/// The TLVs one after another: (tag, value); `Malformed` when a length
/// runs past the end.
pub fn tlvs(bytes: &[u8]) -> Result<Vec<(u16, &[u8])>, Malformed> {
    let mut r = Reader::new(bytes);
    let mut out = Vec::new();
    while r.remaining() > 0 {
        let tag = r.uint(2)? as u16;
        let len = r.uint(2)? as usize;
        out.push((tag, r.take(len)?));
    }
    Ok(out)
}

/// Answer of 0xFF0A: a fiscal document found by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDocument {
    /// FFD document type.
    pub doc_type: u8,
    /// The OFD has confirmed receipt.
    pub ofd_confirmed: bool,
    /// When.
    pub at: NaiveDateTime,
    /// Fiscal document number.
    pub number: u32,
    /// Fiscal sign.
    pub fiscal_sign: u32,
    /// Receipts and correction receipts: calculation sign (1054) and
    /// total, kopecks. Shift reports: 0 and the shift number.
    pub sign: u8,
    /// Receipts and correction receipts: total; shift reports: shift number.
    pub value: u64,
}

impl FoundDocument {
    /// The answer data.
    pub fn encode(&self) -> Result<Vec<u8>, Overflow> {
        let mut w = Writer::default();
        w.u8(self.doc_type)
            .u8(u8::from(self.ofd_confirmed))
            .fn_datetime(self.at)
            .uint(u64::from(self.number), 4)
            .uint(u64::from(self.fiscal_sign), 4);
        if document_type::has_total(self.doc_type) {
            w.u8(self.sign).uint(self.value, 5);
        } else {
            w.uint(self.value, 2);
        }
        w.finish()
    }

    /// From the answer data.
    pub fn decode(data: &[u8]) -> Result<FoundDocument, Malformed> {
        let mut r = Reader::new(data);
        let doc_type = r.u8()?;
        let ofd_confirmed = r.u8()? != 0;
        let at = r.fn_datetime()?;
        let number = r.uint(4)? as u32;
        let fiscal_sign = r.uint(4)? as u32;
        let (sign, value) = if document_type::has_total(doc_type) {
            (r.u8()?, r.uint(5)?)
        } else {
            (0, r.uint(2).unwrap_or(0))
        };
        Ok(FoundDocument {
            doc_type,
            ofd_confirmed,
            at,
            number,
            fiscal_sign,
            sign,
            value,
        })
    }
}

/// Answer of 0xFF43 (and of 0xFF41/0xFF42 on models that sign at once):
/// the shift report's number and sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftReport {
    /// Shift number.
    pub shift: u16,
    /// Fiscal document number.
    pub number: u32,
    /// Fiscal sign.
    pub fiscal_sign: u32,
}

impl ShiftReport {
    /// The answer data.
    pub fn encode(&self) -> Result<Vec<u8>, Overflow> {
        let mut w = Writer::default();
        w.uint(u64::from(self.shift), 2)
            .uint(u64::from(self.number), 4)
            .uint(u64::from(self.fiscal_sign), 4);
        w.finish()
    }

    /// From the answer data.
    pub fn decode(data: &[u8]) -> Result<ShiftReport, Malformed> {
        let mut r = Reader::new(data);
        Ok(ShiftReport {
            shift: r.uint(2)? as u16,
            number: r.uint(4)? as u32,
            fiscal_sign: r.uint(4)? as u32,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_v2_bytes() {
        // 1.5 kg at 123.45, sum sent explicitly, VAT 22 %,
        // department 0, full payment, goods, name "Сыр".
        let op = OperationV2 {
            kind: 1,
            qty_micro: 1_500_000,
            price: 12_345,
            sum: Some(18_518),
            tax_sum: None,
            tax: tax_bits::VAT22,
            department: 0,
            method: 4,
            subject: 1,
            name: "Сыр".into(),
        };
        let bytes = op.encode(1).expect("fits");
        assert_eq!(
            bytes,
            vec![
                0xFF, 0x46, 0x01, 0x00, 0x00, 0x00, // code, password 1
                0x01, // sale
                0x60, 0xE3, 0x16, 0x00, 0x00, 0x00, // 1 500 000
                0x39, 0x30, 0x00, 0x00, 0x00, // 12 345
                0x56, 0x48, 0x00, 0x00, 0x00, // 18 518
                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, // tax sum: device computes
                0xCB, 0x00, 0x04, 0x01, // tax (22 %), department, 1214, 1212
                0xD1, 0xFB, 0xF0, // "Сыр" in CP1251
            ]
        );
        let (code, password, data) = split_request(&bytes).expect("head");
        assert_eq!((code, password), (codes::OPERATION_V2, Some(1)));
        assert_eq!(OperationV2::decode(data), Ok(op));
    }

    #[test]
    fn fixed_text_is_padded_and_cut() {
        let mut w = Writer::default();
        w.text_fixed("Ёж", 4);
        let bytes = w.finish().expect("text only");
        assert_eq!(bytes, vec![0xA8, 0xE6, 0, 0]);
        assert_eq!(decode_text(&bytes), "Ёж");
        let mut w = Writer::default();
        w.text_fixed("abcdef", 4);
        assert_eq!(w.finish(), Ok(b"abcd".to_vec()));
    }

    #[test]
    fn readers_refuse_short_data() {
        assert_eq!(ShortStatus::decode(&[1, 2]), Err(Malformed));
        assert_eq!(split_request(&[0xFF]), Err(Malformed));
        assert_eq!(split_request(&[0x10, 1, 0]), Err(Malformed));
        assert_eq!(Reader::new(&[1, 2, 3]).fn_datetime(), Err(Malformed));
        assert_eq!(split_request(&[0xFC]), Ok((codes::DEVICE_TYPE, None, &[][..])));
    }

    #[test]
    fn an_integer_too_wide_for_its_field_is_never_sent() {
        let mut w = Writer::default();
        w.uint(0xFF_FFFF_FFFF, 5);
        assert_eq!(w.finish(), Ok(vec![0xFF; 5]));
        // One more than 5 bytes hold: refused, not cut to 0.
        let mut w = Writer::command(codes::CASH_IN);
        w.uint(30, 4).uint(0x100_0000_0000, 5);
        assert_eq!(
            w.finish(),
            Err(Overflow {
                value: 0x100_0000_0000,
                width: 5
            })
        );
        // 99 999 999 999.99 ₽ used to go out as 1 043 953 500.15.
        let mut w = Writer::default();
        w.uint(9_999_999_999_999, 5).uint(1, 1);
        assert_eq!(w.finish().map_err(|o| o.value), Err(9_999_999_999_999));
        let mut w = Writer::default();
        w.uint(256, 1);
        assert_eq!(
            w.finish().map_err(|o| o.to_string()),
            Err("256 does not fit in 1 bytes".into())
        );
        let mut w = Writer::default();
        w.uint(u64::MAX, 8).uint(7, 10);
        assert_eq!(w.finish().map(|bytes| bytes.len()), Ok(18));

        let op = OperationV2 {
            kind: 1,
            qty_micro: 1_000_000,
            price: 0x100_0000_0000,
            sum: None,
            tax_sum: None,
            tax: tax_bits::NO_VAT,
            department: 0,
            method: 4,
            subject: 1,
            name: "A".into(),
        };
        assert!(op.encode(30).is_err());
        let mut sums = [0u64; 16];
        sums[13] = 0x100_0000_0000;
        let close = CloseReceiptV2 {
            sums,
            rounding: 0,
            taxes: [0; 6],
            tax_system: 1,
            text: String::new(),
        };
        assert!(close.encode(30).is_err());
        assert!(tlv(tag::ORDER_NUMBER, &[0x31; 0x1_0000]).is_err());
    }

    #[test]
    fn tlvs_read_back_as_written() {
        let mut bytes = tlv(tag::CORRECTION_TYPE, &[1]).expect("fits");
        assert_eq!(bytes, vec![0x95, 0x04, 0x01, 0x00, 0x01]);
        bytes.extend(tlv(tag::ORDER_NUMBER, b"12").expect("fits"));
        assert_eq!(
            tlvs(&bytes),
            Ok(vec![
                (tag::CORRECTION_TYPE, &[1u8][..]),
                (tag::ORDER_NUMBER, &b"12"[..])
            ])
        );
        // A length past the end.
        assert_eq!(tlvs(&[0x95, 0x04, 0x02, 0x00, 0x01]), Err(Malformed));
    }
}
