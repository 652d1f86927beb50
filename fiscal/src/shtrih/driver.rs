//! The Shtrih-M driver: [`FiscalRegister`] over a [`Link`]. Receipts go as
//! FFD 1.05/1.2 operations (0xFF46) closed by 0xFF45, whose answer carries
//! the fiscal document number and sign.

use std::time::Duration;

use super::command::{
    codes, document_type, mode, mul_div_round, split_answer, tax_bits, CloseReceiptV2, Code, FnStatus, FoundDocument,
    OperationV2, Reader, ReceiptClosed, ShiftParameters, ShortStatus, Writer,
};
use super::link::{Link, Timeouts};
use crate::error::{code, DeviceError, FiscalError, TransportError};
use crate::port::Port;
use crate::register::{
    CalculationSign, DocumentKind, FiscalDocument, FiscalReceipt, FiscalRegister, MarkingCheck, RegisterStatus, VatRate,
};

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
        let request = self.request(code).0;
        self.call(&request)
    }

    fn short_status(&mut self) -> Result<ShortStatus, FiscalError> {
        let request = self.request(codes::SHORT_STATUS).0;
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
        let data = self.call(&self.request(codes::FULL_STATUS).0)?;
        // Versions and dates (22), date and time (6), FP flags (1), then serial (4).
        let mut r = Reader::new(&data);
        r.take(29)
            .and_then(|_| r.uint(4))
            .map(|serial| serial as u32)
            .map_err(|_| malformed(codes::FULL_STATUS))
    }

    fn cash_move(&mut self, code: Code, amount: u64) -> Result<u16, FiscalError> {
        let mut w = self.request(code);
        w.uint(amount, 5);
        let data = self.call(&w.0)?;
        match data.as_slice() {
            [low, high, ..] => Ok(u16::from_le_bytes([*low, *high])),
            _ => Err(malformed(code)),
        }
    }

    fn line(&mut self, sign: CalculationSign, line: &crate::register::FiscalLine) -> Result<(), FiscalError> {
        if line.qty_milli == 0 {
            return Err(FiscalError::Invalid(format!("{}: quantity is zero", line.name)));
        }
        // The unit price the register prints: the discounted price rounded
        // to the kopeck; the exact sum goes alongside.
        let price = if Some(line.sum) == mul_div_round(line.qty_milli, line.price, 1_000) {
            line.price
        } else {
            mul_div_round(line.sum, 1_000, line.qty_milli)
                .ok_or_else(|| FiscalError::Invalid(format!("{}: price out of range", line.name)))?
        };
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
        self.call(&op.encode(self.settings.password))?;
        if let Some(marking) = &line.marking {
            let mut w = self.request(codes::MARKING_BIND);
            let bytes = marking.as_bytes();
            let len = u8::try_from(bytes.len())
                .map_err(|_| FiscalError::Invalid("marking code longer than 255 bytes".into()))?;
            w.u8(len).bytes(bytes);
            self.call(&w.0)?;
        }
        Ok(())
    }
}

fn malformed(code: Code) -> FiscalError {
    TransportError::Protocol(format!("answer to {code:#X} is malformed")).into()
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
        for line in &receipt.lines {
            if let Err(error) = self.line(receipt.sign, line) {
                if let FiscalError::Device(_) = error {
                    // Refused: take the half-made receipt back.
                    let _ = self.cancel_receipt();
                }
                return Err(error);
            }
        }
        let mut sums = [0u64; 16];
        sums[0] = receipt.payments.cash;
        sums[1] = receipt.payments.card;
        sums[13] = receipt.payments.prepaid;
        let close = CloseReceiptV2 {
            sums,
            rounding: 0,
            taxes: [0; 6],
            tax_system: receipt.tax_system,
            text: String::new(),
        };
        let data = match self.call(&close.encode(self.settings.password)) {
            Ok(data) => data,
            Err(error @ FiscalError::Device(_)) => {
                let _ = self.cancel_receipt();
                return Err(error);
            }
            Err(error) => return Err(error),
        };
        let closed = ReceiptClosed::decode(&data).map_err(|_| malformed(codes::CLOSE_RECEIPT_V2))?;
        match closed.at {
            Some(at) => Ok(FiscalDocument {
                number: closed.number,
                fiscal_sign: closed.fiscal_sign,
                kind: DocumentKind::Receipt {
                    sign: receipt.sign,
                    total: receipt.total(),
                },
                at,
            }),
            // A short answer has no time: read the document back.
            None => self.document(closed.number),
        }
    }

    fn cancel_receipt(&mut self) -> Result<(), FiscalError> {
        self.simple(codes::CANCEL_RECEIPT).map(drop)
    }

    fn document(&mut self, number: u32) -> Result<FiscalDocument, FiscalError> {
        let mut w = self.request(codes::FIND_DOCUMENT);
        w.uint(u64::from(number), 4);
        let data = self.call(&w.0)?;
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
        let len =
            u8::try_from(bytes.len()).map_err(|_| FiscalError::Invalid("marking code longer than 255 bytes".into()))?;
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
        let data = self.call(&w.0)?;
        // Tag 2004: bit 0 checked, bit 1 the crypto tail is valid.
        let valid = match data.as_slice() {
            [local, ..] => local & 0x02 != 0,
            _ => return Err(malformed(codes::MARKING_CHECK)),
        };
        let mut w = self.request(codes::MARKING_ACCEPT);
        w.u8(u8::from(valid));
        let result = self.call(&w.0)?.first().copied().unwrap_or(0);
        Ok(MarkingCheck { valid, result })
    }

    fn cash_in_drawer(&mut self) -> Result<u64, FiscalError> {
        let mut w = self.request(codes::MONEY_REGISTER);
        w.u8(crate::emulator::money_register::CASH_IN_DRAWER);
        let data = self.call(&w.0)?;
        Reader::new(&data).uint(6).map_err(|_| malformed(codes::MONEY_REGISTER))
    }

    fn open_drawer(&mut self) -> Result<(), FiscalError> {
        let mut w = self.request(codes::OPEN_DRAWER);
        w.u8(0);
        self.call(&w.0).map(drop)
    }

    fn print_text(&mut self, lines: &[String]) -> Result<(), FiscalError> {
        for line in lines {
            let mut w = self.request(codes::PRINT_STRING);
            // Flags: bit 1 receipt tape.
            w.u8(0x02).text_fixed(line, 40);
            self.call(&w.0)?;
        }
        Ok(())
    }
}
