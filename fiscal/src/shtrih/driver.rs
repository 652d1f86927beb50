//! The Shtrih-M driver: [`FiscalRegister`] over a [`Link`]. Receipts go as
//! FFD 1.05/1.2 operations (0xFF46) closed by 0xFF45, whose answer carries
//! the fiscal document number and sign. A correction receipt (FFD 1.2) is
//! opened by 0x8D with 0x80 + its type and gets 1173 and 1174 by 0xFF0C
//! before the close. Every request of a receipt is built and checked
//! (amounts, a zero total, field widths) before its first byte is sent.

use std::time::Duration;

use super::command::{
    codes, document_type, encode_text, mode, mul_div_round, split_answer, tag, tax_bits, tlv, CloseReceiptV2, Code,
    FnStatus, FoundDocument, OperationV2, Overflow, Reader, ReceiptClosed, ShiftParameters, ShortStatus, Writer,
    MAX_ORDER_NUMBER,
};
use super::frame::MAX_PAYLOAD;
use super::link::{Link, Timeouts};
use crate::error::{code, DeviceError, FiscalError, TransportError};
use crate::port::Port;
use crate::register::{
    CalculationSign, CorrectionKind, CorrectionReceipt, DocumentKind, FiscalDocument, FiscalLine, FiscalPayments,
    FiscalReceipt, FiscalRegister, MarkingCheck, RegisterStatus, VatRate, MAX_AMOUNT_KOPECKS, MAX_LINE_SUM_KOPECKS,
};

/// The largest quantity of a line, thousandths: 0xFF46 carries millionths
/// in 6 bytes.
pub const MAX_QTY_MILLI: u64 = 0xFFFF_FFFF_FFFF / 1_000;

/// The longest marking code: 0xFF67 (code, password, length byte, code)
/// must fit one frame.
pub const MAX_MARKING: usize = MAX_PAYLOAD - 7;

/// Settings of a Shtrih-M register on a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Operator password (cashier 1–28, administrator 30).
    pub password: u32,
    /// Department (отдел) of every line, 0–16.
    pub department: u8,
    /// The tax code this register's firmware takes for 22 % (0xCB on
    /// desktop models, 0x90 on ШТРИХ-NANO-Ф; 0x01 where tax 1 of the
    /// register's table was set to 22 %).
    pub vat22_code: u8,
    /// Timeouts and retries.
    pub timeouts: Timeouts,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            password: 30,
            department: 1,
            vat22_code: tax_bits::VAT22,
            timeouts: Timeouts::default(),
        }
    }
}

/// A Shtrih-M register.
pub struct ShtrihM<P> {
    link: Link<P>,
    settings: Settings,
}

impl<P: Port> ShtrihM<P> {
    /// A driver over a port.
    pub fn new(port: P, settings: Settings) -> ShtrihM<P> {
        ShtrihM {
            link: Link::new(port, settings.timeouts),
            settings,
        }
    }

    /// Bytes sent and received so far.
    pub fn traffic(&self) -> (u64, u64) {
        self.link.traffic()
    }

    fn request(&self, code: Code) -> Writer {
        let mut w = Writer::command(code);
        w.uint(u64::from(self.settings.password), 4);
        w
    }

    /// Sends a built request; a value too wide for its field stops it here.
    fn send(&mut self, request: Writer) -> Result<Vec<u8>, FiscalError> {
        let request = request.finish().map_err(too_wide)?;
        self.call(&request)
    }

    /// Sends a request, returns the answer data after the error byte (and,
    /// for one-byte commands, after the operator's number).
    pub fn call(&mut self, request: &[u8]) -> Result<Vec<u8>, FiscalError> {
        let (code, mut data) = self.exchange(request)?;
        if code <= 0xFF && code != codes::DEVICE_TYPE && !data.is_empty() {
            data.remove(0);
        }
        Ok(data)
    }

    /// Sends a request, returns its code and the answer data after the
    /// error byte, operator's number included.
    fn exchange(&mut self, request: &[u8]) -> Result<(Code, Vec<u8>), FiscalError> {
        let code = match request {
            [0xFF, second, ..] => 0xFF00 | Code::from(*second),
            [first, ..] => Code::from(*first),
            [] => return Err(FiscalError::Invalid("empty command".into())),
        };
        let mut busy = 0;
        loop {
            let answer = self.link.transact(request)?;
            let (answered, error, data) = split_answer(&answer)
                .map_err(|_| TransportError::Protocol(format!("answer to {code:#X} too short")))?;
            if answered != code {
                return Err(TransportError::Protocol(format!("answer to {answered:#X}, expected {code:#X}")).into());
            }
            // Still printing: the command was not taken; wait and repeat.
            if error == code::STILL_PRINTING && busy < 50 {
                busy += 1;
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
            if error != 0 {
                return Err(DeviceError {
                    command: code,
                    code: error,
                }
                .into());
            }
            return Ok((code, data.to_vec()));
        }
    }

    fn simple(&mut self, code: Code) -> Result<Vec<u8>, FiscalError> {
        let request = self.request(code);
        self.send(request)
    }

    fn short_status(&mut self) -> Result<ShortStatus, FiscalError> {
        let request = self.request(codes::SHORT_STATUS).finish().map_err(too_wide)?;
        let (_, data) = self.exchange(&request)?;
        ShortStatus::decode(&data).map_err(|_| malformed(codes::SHORT_STATUS))
    }

    fn fn_status(&mut self) -> Result<FnStatus, FiscalError> {
        let data = self.simple(codes::FN_STATUS)?;
        FnStatus::decode(&data).map_err(|_| malformed(codes::FN_STATUS))
    }

    fn last_document(&mut self) -> Result<FiscalDocument, FiscalError> {
        let last = self.fn_status()?.last_document;
        self.document(last)
    }

    /// The register's serial number, from the full status (0x11).
    pub fn serial_number(&mut self) -> Result<u32, FiscalError> {
        let data = self.simple(codes::FULL_STATUS)?;
        // Versions and dates (22), date and time (6), FP flags (1), then serial (4).
        let mut r = Reader::new(&data);
        r.take(29)
            .and_then(|_| r.uint(4))
            .map(|serial| serial as u32)
            .map_err(|_| malformed(codes::FULL_STATUS))
    }

    fn cash_move(&mut self, code: Code, amount: u64) -> Result<u16, FiscalError> {
        check_amount(amount)?;
        let mut w = self.request(code);
        w.uint(amount, 5);
        let data = self.send(w)?;
        match data.as_slice() {
            [low, high, ..] => Ok(u16::from_le_bytes([*low, *high])),
            _ => Err(malformed(code)),
        }
    }

    /// The requests of a receipt's lines (0xFF46, and 0xFF67 for a marking
    /// code), all built before the first is sent.
    fn lines(&self, sign: CalculationSign, lines: &[FiscalLine]) -> Result<Vec<Vec<u8>>, FiscalError> {
        let mut requests = Vec::with_capacity(lines.len());
        for line in lines {
            // The unit price the register prints: the discounted price
            // rounded to the kopeck; the exact sum goes alongside.
            let price = if Some(line.sum) == mul_div_round(line.qty_milli, line.price, 1_000) {
                line.price
            } else {
                mul_div_round(line.sum, 1_000, line.qty_milli)
                    .ok_or_else(|| FiscalError::Invalid(format!("{}: price out of range", line.name)))?
            };
            check_amount(price)?;
            let op = OperationV2 {
                kind: sign.code(),
                qty_micro: line.qty_milli * 1_000,
                price,
                sum: Some(line.sum),
                tax_sum: None,
                tax: tax_byte(line.vat, self.settings.vat22_code),
                department: self.settings.department,
                method: line.method,
                subject: line.subject,
                name: line.name.clone(),
            };
            requests.push(op.encode(self.settings.password).map_err(too_wide)?);
            if let Some(marking) = &line.marking {
                let bytes = marking.as_bytes();
                let mut w = self.request(codes::MARKING_BIND);
                w.uint(bytes.len() as u64, 1).bytes(bytes);
                requests.push(w.finish().map_err(too_wide)?);
            }
        }
        Ok(requests)
    }

    /// The closing request (0xFF45).
    fn close(&self, payments: &FiscalPayments, tax_system: u8) -> Result<Vec<u8>, FiscalError> {
        let mut sums = [0u64; 16];
        sums[0] = payments.cash;
        sums[1] = payments.card;
        sums[13] = payments.prepaid;
        CloseReceiptV2 {
            sums,
            rounding: 0,
            taxes: [0; 6],
            tax_system,
            text: String::new(),
        }
        .encode(self.settings.password)
        .map_err(too_wide)
    }

    /// The 0xFF0C requests of a correction: 1173, then 1174 holding 1178
    /// (and 1179 when by order).
    fn correction_tlvs(&self, correction: &CorrectionReceipt) -> Result<Vec<Vec<u8>>, FiscalError> {
        let midnight = correction.date.and_hms_opt(0, 0, 0).unwrap_or_default();
        let stamp = u32::try_from(midnight.and_utc().timestamp())
            .map_err(|_| FiscalError::Invalid(format!("correction date {} out of range", correction.date)))?;
        let mut basis = tlv(tag::CORRECTED_DATE, &stamp.to_le_bytes()).map_err(too_wide)?;
        if let CorrectionKind::ByOrder { number } = &correction.kind {
            let number = encode_text(number.trim());
            if number.is_empty() || number.len() > MAX_ORDER_NUMBER {
                return Err(FiscalError::Invalid(format!(
                    "the order number of a correction must have 1 to {MAX_ORDER_NUMBER} characters"
                )));
            }
            basis.extend(tlv(tag::ORDER_NUMBER, &number).map_err(too_wide)?);
        }
        let mut requests = Vec::with_capacity(2);
        for data in [
            tlv(tag::CORRECTION_TYPE, &[correction.kind.code()]),
            tlv(tag::CORRECTION_BASIS, &basis),
        ] {
            let mut w = self.request(codes::SEND_TLV);
            w.bytes(&data.map_err(too_wide)?);
            requests.push(w.finish().map_err(too_wide)?);
        }
        Ok(requests)
    }

    /// Sends a receipt's requests, then closes it. A refusal on the way
    /// cancels the half-made receipt.
    fn send_receipt(
        &mut self,
        requests: Vec<Vec<u8>>,
        close: Vec<u8>,
        kind: DocumentKind,
    ) -> Result<FiscalDocument, FiscalError> {
        let mut answer = Ok(Vec::new());
        for request in requests.iter().chain([&close]) {
            answer = self.call(request);
            if answer.is_err() {
                break;
            }
        }
        let data = match answer {
            Ok(data) => data,
            Err(error) => {
                if let FiscalError::Device(_) = error {
                    // Refused: take the half-made receipt back.
                    let _ = self.cancel_receipt();
                }
                return Err(error);
            }
        };
        let closed = ReceiptClosed::decode(&data).map_err(|_| malformed(codes::CLOSE_RECEIPT_V2))?;
        match closed.at {
            Some(at) => Ok(FiscalDocument {
                number: closed.number,
                fiscal_sign: closed.fiscal_sign,
                kind,
                at,
            }),
            // A short answer has no time: read the document back.
            None => self.document(closed.number),
        }
    }
}

fn malformed(code: Code) -> FiscalError {
    TransportError::Protocol(format!("answer to {code:#X} is malformed")).into()
}

/// A value too wide for its field: a bug upstream of the encoder, caught
/// before a byte is sent.
fn too_wide(overflow: Overflow) -> FiscalError {
    FiscalError::Invalid(format!("a field of the request: {overflow}"))
}

fn check_amount(kopecks: u64) -> Result<(), FiscalError> {
    if kopecks > MAX_AMOUNT_KOPECKS {
        return Err(FiscalError::AmountTooLarge { kopecks });
    }
    Ok(())
}

/// Everything the register would refuse or could not carry, checked before
/// the first byte: quantities, amounts, marking codes, the total (not 0, at
/// most [`MAX_AMOUNT_KOPECKS`]) and the payments (each and all together at
/// most that, so the change fits too). Returns the total.
fn check_receipt(lines: &[FiscalLine], payments: &FiscalPayments) -> Result<u64, FiscalError> {
    let mut total = 0u64;
    for line in lines {
        if line.qty_milli == 0 {
            return Err(FiscalError::Invalid(format!("{}: quantity is zero", line.name)));
        }
        if line.qty_milli > MAX_QTY_MILLI {
            return Err(FiscalError::Invalid(format!("{}: quantity out of range", line.name)));
        }
        check_amount(line.price)?;
        if line.sum > MAX_LINE_SUM_KOPECKS {
            return Err(FiscalError::AmountTooLarge { kopecks: line.sum });
        }
        if line.marking.as_ref().is_some_and(|code| code.len() > MAX_MARKING) {
            return Err(FiscalError::Invalid(format!(
                "{}: marking code longer than {MAX_MARKING} bytes",
                line.name
            )));
        }
        total = total.saturating_add(line.sum);
    }
    check_amount(total)?;
    if total == 0 {
        return Err(FiscalError::ZeroTotal);
    }
    for amount in [payments.cash, payments.card, payments.prepaid, payments.total()] {
        check_amount(amount)?;
    }
    Ok(total)
}

/// The receipt type of 0x8D: 0 sale, 1 purchase, 2 sale return, 3 purchase
/// return.
pub fn receipt_type(sign: CalculationSign) -> u8 {
    match sign {
        CalculationSign::Sale => 0,
        CalculationSign::Expense => 1,
        CalculationSign::SaleReturn => 2,
        CalculationSign::ExpenseReturn => 3,
    }
}

/// The register's tax byte for a VAT rate.
pub fn tax_byte(vat: VatRate, vat22_code: u8) -> u8 {
    match vat {
        VatRate::Vat22 => vat22_code,
        VatRate::Vat20 => tax_bits::VAT20,
        VatRate::Vat10 => tax_bits::VAT10,
        VatRate::Vat0 => tax_bits::VAT0,
        VatRate::NoVat => tax_bits::NO_VAT,
        VatRate::Vat5 => tax_bits::VAT5,
        VatRate::Vat7 => tax_bits::VAT7,
    }
}

fn document_of(found: FoundDocument) -> FiscalDocument {
    let kind = match found.doc_type {
        document_type::SHIFT_OPEN => DocumentKind::ShiftOpen,
        document_type::SHIFT_CLOSE => DocumentKind::ShiftClose,
        document_type::RECEIPT => match CalculationSign::from_code(found.sign) {
            Some(sign) => DocumentKind::Receipt {
                sign,
                total: found.value,
            },
            None => DocumentKind::Other(found.doc_type),
        },
        document_type::CORRECTION => match CalculationSign::from_code(found.sign) {
            Some(sign) => DocumentKind::Correction {
                sign,
                total: found.value,
            },
            None => DocumentKind::Other(found.doc_type),
        },
        other => DocumentKind::Other(other),
    };
    FiscalDocument {
        number: found.number,
        fiscal_sign: found.fiscal_sign,
        kind,
        at: found.at,
    }
}

impl<P: Port> FiscalRegister for ShtrihM<P> {
    fn status(&mut self) -> Result<RegisterStatus, FiscalError> {
        let short = self.short_status()?;
        let fn_status = self.fn_status()?;
        let shift = self.simple(codes::SHIFT_PARAMETERS)?;
        let shift = ShiftParameters::decode(&shift).map_err(|_| malformed(codes::SHIFT_PARAMETERS))?;
        let serial = self.serial_number()?;
        let low = short.mode & 0x0F;
        Ok(RegisterStatus {
            shift_open: matches!(low, mode::SHIFT_OPEN | mode::SHIFT_EXPIRED | mode::RECEIPT_OPEN),
            shift_expired: low == mode::SHIFT_EXPIRED,
            receipt_open: low == mode::RECEIPT_OPEN,
            shift_number: shift.number,
            last_document: fn_status.last_document,
            fn_number: fn_status.fn_number,
            serial: format!("{serial:010}"),
        })
    }

    fn open_shift(&mut self, _cashier: &str) -> Result<FiscalDocument, FiscalError> {
        self.simple(codes::BEGIN_OPEN_SHIFT)?;
        self.simple(codes::OPEN_SHIFT)?;
        self.last_document()
    }

    fn close_shift(&mut self, _cashier: &str) -> Result<FiscalDocument, FiscalError> {
        self.simple(codes::BEGIN_CLOSE_SHIFT)?;
        self.simple(codes::Z_REPORT)?;
        self.last_document()
    }

    fn x_report(&mut self) -> Result<(), FiscalError> {
        self.simple(codes::X_REPORT).map(drop)
    }

    fn cash_in(&mut self, amount: u64) -> Result<u16, FiscalError> {
        self.cash_move(codes::CASH_IN, amount)
    }

    fn cash_out(&mut self, amount: u64) -> Result<u16, FiscalError> {
        self.cash_move(codes::CASH_OUT, amount)
    }

    fn register(&mut self, receipt: &FiscalReceipt) -> Result<FiscalDocument, FiscalError> {
        let total = check_receipt(&receipt.lines, &receipt.payments)?;
        let requests = self.lines(receipt.sign, &receipt.lines)?;
        let close = self.close(&receipt.payments, receipt.tax_system)?;
        let kind = DocumentKind::Receipt {
            sign: receipt.sign,
            total,
        };
        self.send_receipt(requests, close, kind)
    }

    fn register_correction(&mut self, correction: &CorrectionReceipt) -> Result<FiscalDocument, FiscalError> {
        let total = check_receipt(&correction.lines, &correction.payments)?;
        // FFD 1.2: opened by 0x8D with the correction flag, as Shtrih-M's
        // own driver does; the lines then carry the sign.
        let mut open = self.request(codes::OPEN_RECEIPT);
        open.u8(codes::CORRECTION_FLAG | receipt_type(correction.sign));
        let mut requests = vec![open.finish().map_err(too_wide)?];
        requests.extend(self.lines(correction.sign, &correction.lines)?);
        requests.extend(self.correction_tlvs(correction)?);
        let close = self.close(&correction.payments, correction.tax_system)?;
        let kind = DocumentKind::Correction {
            sign: correction.sign,
            total,
        };
        self.send_receipt(requests, close, kind)
    }

    fn cancel_receipt(&mut self) -> Result<(), FiscalError> {
        self.simple(codes::CANCEL_RECEIPT).map(drop)
    }

    fn document(&mut self, number: u32) -> Result<FiscalDocument, FiscalError> {
        let mut w = self.request(codes::FIND_DOCUMENT);
        w.uint(u64::from(number), 4);
        let data = self.send(w)?;
        let found = FoundDocument::decode(&data).map_err(|_| malformed(codes::FIND_DOCUMENT))?;
        Ok(document_of(found))
    }

    fn check_marking(
        &mut self,
        code: &str,
        sign: CalculationSign,
        qty_milli: u64,
    ) -> Result<MarkingCheck, FiscalError> {
        let bytes = code.as_bytes();
        // 0xFF61 carries the code after 8 bytes of head: it must fit a frame.
        if bytes.len() > MAX_PAYLOAD - 10 {
            return Err(FiscalError::Invalid(format!(
                "marking code longer than {} bytes",
                MAX_PAYLOAD - 10
            )));
        }
        let len = bytes.len() as u8;
        // Planned status (tag 2003): 1 piece sold, 2 weighed sold, 3 piece returned, 4 weighed returned.
        let weighed = !qty_milli.is_multiple_of(1_000);
        let planned = match (sign, weighed) {
            (CalculationSign::Sale, false) => 1,
            (CalculationSign::Sale, true) => 2,
            (_, false) => 3,
            (_, true) => 4,
        };
        let mut w = self.request(codes::MARKING_CHECK);
        w.u8(planned).u8(0).u8(len).u8(0).bytes(bytes);
        let data = self.send(w)?;
        // Tag 2004: bit 0 checked, bit 1 the crypto tail is valid.
        let valid = match data.as_slice() {
            [local, ..] => local & 0x02 != 0,
            _ => return Err(malformed(codes::MARKING_CHECK)),
        };
        let mut w = self.request(codes::MARKING_ACCEPT);
        w.u8(u8::from(valid));
        let result = self.send(w)?.first().copied().unwrap_or(0);
        Ok(MarkingCheck { valid, result })
    }

    fn cash_in_drawer(&mut self) -> Result<u64, FiscalError> {
        let mut w = self.request(codes::MONEY_REGISTER);
        w.u8(crate::emulator::money_register::CASH_IN_DRAWER);
        let data = self.send(w)?;
        Reader::new(&data).uint(6).map_err(|_| malformed(codes::MONEY_REGISTER))
    }

    fn open_drawer(&mut self) -> Result<(), FiscalError> {
        let mut w = self.request(codes::OPEN_DRAWER);
        w.u8(0);
        self.send(w).map(drop)
    }

    fn print_text(&mut self, lines: &[String]) -> Result<(), FiscalError> {
        for line in lines {
            let mut w = self.request(codes::PRINT_STRING);
            // Flags: bit 1 receipt tape.
            w.u8(0x02).text_fixed(line, 40);
            self.send(w)?;
        }
        Ok(())
    }
}
