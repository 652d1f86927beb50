//! The command dispatch of the emulated register: it takes a request
//! payload and gives the answer payload, changing the [`State`] as a real
//! register would (shift, the receipt in progress, counters, money
//! registers, the fiscal documents with their signs). The state itself and
//! its file live in [`super::state`].

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;

use super::state::{
    beside, money_register, Item, Memory, OpenCorrection, OpenReceipt, State, StoredDocument, LOCK_WAIT,
};
use super::tape::Tape;
use crate::error::code;
use crate::register::MAX_AMOUNT_KOPECKS;
use crate::shtrih::command::{
    codes, current_document, decode_text, document_type, mode, mul_div_round, split_request, tag, tlvs, CloseReceiptV2,
    Code, FnStatus, FoundDocument, Malformed, OperationV2, Overflow, Reader, ReceiptClosed, ShiftParameters,
    ShiftReport, ShortStatus, Writer, MAX_ORDER_NUMBER,
};

/// The emulator's clock: the register's own date and time.
pub type DeviceClock = Arc<dyn Fn() -> NaiveDateTime + Send + Sync>;

/// The local wall clock.
pub fn local_clock() -> DeviceClock {
    Arc::new(|| chrono::Local::now().naive_local())
}

/// A refusal: the error code the register answers with.
struct Refuse(u8);

impl From<Malformed> for Refuse {
    fn from(_: Malformed) -> Self {
        Refuse(code::BAD_PARAMETERS)
    }
}

impl From<Overflow> for Refuse {
    fn from(_: Overflow) -> Self {
        // An answer field too narrow for the value: refuse rather than
        // send it cut (the state change is undone with the refusal).
        Refuse(code::BAD_PARAMETERS)
    }
}

type Answer = Result<Vec<u8>, Refuse>;

/// The emulated register.
pub struct Device {
    state: State,
    /// The state's file and its lock (none for a register in memory).
    memory: Option<Memory>,
    clock: DeviceClock,
    /// What it printed.
    pub tape: Tape,
    /// The answer the host has not yet acknowledged (resent on ENQ).
    pub(crate) held: Option<Vec<u8>>,
}

/// Longest text line of the tape (80 mm models print 48 characters).
pub const LINE_WIDTH: usize = 48;

/// The head of an answer: the command code and the error byte.
fn answer_head(code: Code, error: u8) -> Vec<u8> {
    let mut head = if code > 0xFF {
        code.to_be_bytes().to_vec()
    } else {
        vec![code as u8]
    };
    head.push(error);
    head
}

impl Device {
    /// A register in memory with a fresh fiscal storage.
    pub fn new(clock: DeviceClock) -> Device {
        Device {
            state: State::new(),
            memory: None,
            clock,
            tape: Tape::default(),
            held: None,
        }
    }

    /// A register whose state lives in `path` (read if it exists, written
    /// after every change), its tape beside it in `path` + `.tape`. It is
    /// locked (`path` + `.lock`) while the device lives; another holder is
    /// waited for up to [`LOCK_WAIT`].
    pub fn open(path: PathBuf, clock: DeviceClock) -> std::io::Result<Device> {
        Device::open_waiting(path, clock, LOCK_WAIT)
    }

    /// As [`Device::open`], waiting up to `wait` for another holder of the
    /// register to let it go; then fails with
    /// [`std::io::ErrorKind::WouldBlock`].
    pub fn open_waiting(path: PathBuf, clock: DeviceClock, wait: Duration) -> std::io::Result<Device> {
        let tape = Tape::to_file(beside(&path, ".tape"));
        let (memory, state) = Memory::open(path, wait)?;
        Ok(Device {
            state,
            memory: Some(memory),
            clock,
            tape,
            held: None,
        })
    }

    /// The state (for tests and tools).
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Changes the state directly (tests: paper out, a full drawer…).
    pub fn state_mut(&mut self) -> &mut State {
        &mut self.state
    }

    /// Changes the state and saves it at once, as the register's own
    /// memory would (tests and tools: the paper runs out while another
    /// program holds the register between its rounds).
    pub fn change(&mut self, change: impl FnOnce(&mut State)) -> std::io::Result<()> {
        change(&mut self.state);
        self.save()
    }

    fn save(&self) -> std::io::Result<()> {
        match &self.memory {
            Some(memory) => memory.save(&self.state),
            None => Ok(()),
        }
    }

    fn now(&self) -> NaiveDateTime {
        (self.clock)()
    }

    /// Answers one request payload. A request that changes state is saved
    /// before the answer leaves, as a register writes its memory first.
    pub fn handle(&mut self, request: &[u8]) -> Vec<u8> {
        let Ok((code, password, data)) = split_request(request) else {
            // Too short to name a command: echo what there is with 0x01/0x33.
            return match request {
                [0xFF, second, ..] => vec![0xFF, *second, code::FN_UNKNOWN_COMMAND],
                [first, ..] => vec![*first, code::BAD_PARAMETERS],
                [] => vec![0x00, code::BAD_PARAMETERS],
            };
        };
        let before = self.state.clone();
        let result = match password {
            Some(password) => match operator_of(password) {
                Some(operator) => self.dispatch(code, operator, data),
                None => Err(Refuse(code::WRONG_PASSWORD)),
            },
            None => self.device_type(),
        };
        match result {
            Ok(data) => {
                if self.state != before {
                    if let Err(error) = self.save() {
                        // Memory failed: undo, as the register would refuse.
                        self.state = before;
                        self.tape.note(&format!("state not saved: {error}"));
                        return answer_head(code, 0x74);
                    }
                }
                let mut answer = answer_head(code, 0);
                answer.extend(data);
                answer
            }
            Err(Refuse(error)) => {
                self.state = before;
                answer_head(code, error)
            }
        }
    }

    fn dispatch(&mut self, code: Code, operator: u8, data: &[u8]) -> Answer {
        // Answers of one-byte commands start with the operator's number;
        // answers of 0xFFnn commands carry none.
        let mut r = Reader::new(data);
        match code {
            codes::SHORT_STATUS => Ok(self.short_status(operator).encode()?),
            codes::FULL_STATUS => self.full_status(operator),
            codes::MONEY_REGISTER => {
                let number = r.u8()?;
                let mut w = Writer::default();
                w.u8(operator).uint(self.state.register_value(number), 6);
                Ok(w.finish()?)
            }
            codes::OPERATION_REGISTER => {
                let number = r.u8()?;
                let value = match number {
                    // Receipts in the shift.
                    148..=151 => u64::from(self.state.receipts_in_shift),
                    _ => 0,
                };
                let mut w = Writer::default();
                w.u8(operator).uint(value, 2);
                Ok(w.finish()?)
            }
            codes::PRINT_STRING => {
                let _flags = r.u8()?;
                let text = r.text_rest(LINE_WIDTH);
                self.require_paper()?;
                self.tape.line(&text);
                Ok(vec![operator])
            }
            codes::CUT => {
                let _kind = r.u8()?;
                self.tape.cut();
                Ok(vec![operator])
            }
            codes::OPEN_DRAWER => {
                let _drawer = r.u8()?;
                self.tape.note("ящик открыт");
                Ok(vec![operator])
            }
            codes::CONTINUE_PRINT => Ok(vec![operator]),
            codes::X_REPORT => self.x_report().map(|_| vec![operator]),
            codes::Z_REPORT => self.z_report().map(|_| vec![operator]),
            codes::OPEN_SHIFT => self.open_shift(operator).map(|_| vec![operator]),
            codes::CASH_IN | codes::CASH_OUT => {
                let sum = r.uint(5)?;
                let number = self.cash_move(code == codes::CASH_IN, sum)?;
                let mut w = Writer::default();
                w.u8(operator).uint(u64::from(number), 2);
                Ok(w.finish()?)
            }
            codes::OPEN_RECEIPT => {
                // 0–3, or 0x80–0x83 for a correction receipt (FFD 1.2).
                let kind = r.u8()?;
                let correction = kind & codes::CORRECTION_FLAG != 0;
                let sign = sign_of_type(kind & !codes::CORRECTION_FLAG).ok_or(Refuse(code::BAD_PARAMETERS))?;
                self.open_receipt(sign, operator, false, correction)?;
                Ok(vec![operator])
            }
            codes::BEGIN_CORRECTION => {
                // Administrator only; the lines then give the sign.
                if operator < 29 {
                    return Err(Refuse(code::WRONG_PASSWORD));
                }
                if self.state.receipt.is_some() {
                    return Err(Refuse(code::FN_WRONG_STATE));
                }
                self.open_receipt(0, operator, true, true)?;
                Ok(vec![])
            }
            codes::SALE | codes::PURCHASE | codes::SALE_RETURN | codes::PURCHASE_RETURN => {
                let sign = sign_of_type((code - codes::SALE) as u8).ok_or(Refuse(code::NOT_SUPPORTED))?;
                self.legacy_operation(sign, operator, &mut r).map(|_| vec![operator])
            }
            codes::CLOSE_RECEIPT => {
                let mut sums = [0u64; 16];
                for sum in sums.iter_mut().take(4) {
                    *sum = r.uint(5)?;
                }
                let _discount = r.uint(2)?;
                r.take(4)?;
                let (change, _) = self.close_receipt(&sums, false)?;
                let mut w = Writer::default();
                w.u8(operator).uint(change, 5);
                Ok(w.finish()?)
            }
            codes::CANCEL_RECEIPT => {
                if self.state.receipt.take().is_none() {
                    return Err(Refuse(0x55)); // receipt closed: nothing to cancel
                }
                self.tape.line("ЧЕК АННУЛИРОВАН");
                self.tape.cut();
                Ok(vec![operator])
            }
            codes::FN_STATUS => Ok(self.fn_status().encode()?),
            codes::FN_VALIDITY => {
                let mut w = Writer::default();
                // Valid until (YY MM DD); reregistrations left and done.
                w.u8(29).u8(12).u8(31).u8(11).u8(1);
                Ok(w.finish()?)
            }
            codes::FIND_DOCUMENT => {
                let number = r.uint(4)? as u32;
                let doc = self
                    .state
                    .documents
                    .iter()
                    .find(|doc| doc.number == number)
                    .ok_or(Refuse(0x08))?;
                Ok(FoundDocument {
                    doc_type: doc.doc_type,
                    ofd_confirmed: false,
                    at: doc.at,
                    number: doc.number,
                    fiscal_sign: doc.fiscal_sign,
                    sign: doc.sign,
                    value: doc.value,
                }
                .encode()?)
            }
            codes::SEND_TLV => {
                let tlv = r.rest();
                check_tlv(tlv)?;
                match &mut self.state.receipt {
                    Some(receipt) => {
                        receipt_tlvs(receipt, tlv)?;
                        receipt.tlv_bytes += tlv.len();
                    }
                    None if self.state.forming != 0 => {}
                    None => return Err(Refuse(code::FN_WRONG_STATE)),
                }
                Ok(vec![])
            }
            codes::OPERATION_TLV => {
                check_tlv(r.rest())?;
                match &self.state.receipt {
                    Some(receipt) if !receipt.items.is_empty() => Ok(vec![]),
                    _ => Err(Refuse(code::FN_WRONG_STATE)),
                }
            }
            codes::SHIFT_PARAMETERS => Ok(ShiftParameters {
                open: self.state.shift_open,
                number: self.state.shift_number,
                receipt: self.state.receipts_in_shift,
            }
            .encode()?),
            codes::BEGIN_OPEN_SHIFT => {
                self.require_no_receipt()?;
                if self.state.shift_open {
                    return Err(Refuse(code::FN_WRONG_STATE));
                }
                self.state.forming = current_document::SHIFT_OPEN;
                Ok(vec![])
            }
            codes::BEGIN_CLOSE_SHIFT => {
                self.require_no_receipt()?;
                if !self.state.shift_open {
                    return Err(Refuse(code::FN_WRONG_STATE));
                }
                self.state.forming = current_document::SHIFT_CLOSE;
                Ok(vec![])
            }
            codes::CLOSE_SHIFT_FN => {
                let doc = self.z_report()?;
                Ok(ShiftReport {
                    shift: self.state.shift_number,
                    number: doc.number,
                    fiscal_sign: doc.fiscal_sign,
                }
                .encode()?)
            }
            codes::OPERATION_V2 => {
                let op = OperationV2::decode(data)?;
                self.operation_v2(op, operator)?;
                Ok(vec![])
            }
            codes::CLOSE_RECEIPT_V2 => {
                let close = CloseReceiptV2::decode(data)?;
                let (change, doc) = self.close_receipt(&close.sums, true)?;
                Ok(ReceiptClosed {
                    change,
                    number: doc.number,
                    fiscal_sign: doc.fiscal_sign,
                    at: Some(doc.at),
                }
                .encode()?)
            }
            codes::MARKING_CHECK => self.marking_check(&mut r),
            codes::MARKING_ACCEPT => {
                let decision = r.u8()?;
                if decision > 2 {
                    return Err(Refuse(code::FN_UNKNOWN_COMMAND));
                }
                // Tag 2106: code and item status checked and valid.
                Ok(vec![if decision == 1 { 0x0F } else { 0x00 }])
            }
            codes::MARKING_BIND => {
                let len = usize::from(r.u8()?);
                let code_bytes = r.take(len)?;
                let marking = String::from_utf8_lossy(code_bytes).into_owned();
                let item = self
                    .state
                    .receipt
                    .as_mut()
                    .and_then(|receipt| receipt.items.last_mut())
                    .ok_or(Refuse(code::FN_WRONG_STATE))?;
                item.marking = Some(marking);
                // Recognised code type (2 bytes), Data Matrix type: КМ44.
                Ok(vec![0x05, 0x00, 0x03])
            }
            _ if code > 0xFF => Err(Refuse(code::FN_UNKNOWN_COMMAND)),
            _ => Err(Refuse(code::NOT_SUPPORTED)),
        }
    }

    fn device_type(&self) -> Answer {
        let mut w = Writer::default();
        // Type 0 (fiscal register), subtype 0, protocol 1.14, model 250, Russian.
        w.u8(0).u8(0).u8(1).u8(14).u8(250).u8(0);
        w.bytes(&crate::shtrih::command::encode_text("ШТРИХ-М-01Ф"));
        Ok(w.finish()?)
    }

    fn mode(&self) -> u8 {
        if let Some(receipt) = &self.state.receipt {
            // High nibble: the receipt type of 0x8D (0 until a correction
            // opened by 0xFF35 has a line).
            return mode::RECEIPT_OPEN | (type_of_sign(receipt.sign) << 4);
        }
        if !self.state.shift_open {
            return mode::SHIFT_CLOSED;
        }
        if self.shift_expired() {
            return mode::SHIFT_EXPIRED;
        }
        mode::SHIFT_OPEN
    }

    fn shift_expired(&self) -> bool {
        self.state.shift_open
            && self
                .state
                .shift_opened_at
                .is_some_and(|at| self.now() - at > chrono::Duration::hours(24))
    }

    fn short_status(&self, operator: u8) -> ShortStatus {
        ShortStatus {
            operator,
            flags: if self.state.paper { 0x0003 } else { 0 },
            mode: self.mode(),
            submode: if self.state.paper { 0 } else { 1 },
            operations: self
                .state
                .receipt
                .as_ref()
                .map(|receipt| receipt.items.len() as u16)
                .unwrap_or(0),
        }
    }

    fn full_status(&self, operator: u8) -> Answer {
        let now = self.now();
        let mut w = Writer::default();
        w.u8(operator)
            .bytes(b"C1")
            .uint(0x0A29, 2)
            .date(chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap_or_default())
            .u8(1) // number in hall
            .uint(u64::from(self.state.document_number), 2)
            .uint(if self.state.paper { 0x0003 } else { 0 }, 2)
            .u8(self.mode())
            .u8(if self.state.paper { 0 } else { 1 })
            .u8(0) // port
            .bytes(b"C1")
            .uint(0x0A29, 2)
            .date(chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap_or_default())
            .date(now.date())
            .time(now.time())
            .u8(0x03) // FP flags: fiscalised, FN present
            .uint(u64::from(self.state.serial), 4)
            .uint(u64::from(self.state.shift_number), 2)
            .uint(0xFFFF, 2) // free FP records
            .u8(1) // reregistrations
            .u8(29) // reregistrations left
            .uint(self.state.inn, 6);
        Ok(w.finish()?)
    }

    fn fn_status(&self) -> FnStatus {
        FnStatus {
            phase: 3,
            current_document: match &self.state.receipt {
                Some(receipt) if receipt.correction.is_some() => current_document::CORRECTION,
                Some(_) => current_document::RECEIPT,
                None => self.state.forming,
            },
            document_data: u8::from(self.state.receipt.as_ref().is_some_and(|r| !r.items.is_empty())),
            shift_open: self.state.shift_open,
            warnings: 0,
            at: self
                .state
                .documents
                .last()
                .map(|doc| doc.at)
                .unwrap_or_else(|| self.now()),
            fn_number: self.state.fn_number.clone(),
            last_document: self.state.last_document(),
        }
    }

    fn require_paper(&self) -> Result<(), Refuse> {
        if self.state.paper {
            Ok(())
        } else {
            Err(Refuse(code::NO_PAPER))
        }
    }

    fn require_no_receipt(&self) -> Result<(), Refuse> {
        if self.state.receipt.is_some() {
            Err(Refuse(code::RECEIPT_OPEN))
        } else {
            Ok(())
        }
    }

    /// The shift is open and under 24 hours; `fn_code`: answer with the
    /// fiscal storage's codes.
    fn require_shift(&self, fn_code: bool) -> Result<(), Refuse> {
        if !self.state.shift_open {
            return Err(Refuse(if fn_code { code::FN_WRONG_STATE } else { 0x3D }));
        }
        if self.shift_expired() {
            return Err(Refuse(if fn_code {
                code::FN_SHIFT_OVER_24H
            } else {
                code::SHIFT_OVER_24H
            }));
        }
        Ok(())
    }

    fn add_document(&mut self, doc_type: u8, sign: u8, value: u64) -> StoredDocument {
        let number = self.state.last_document().wrapping_add(1);
        let at = self.now();
        let doc = StoredDocument {
            doc_type,
            number,
            fiscal_sign: fiscal_sign(&self.state.fn_number, number, at, value),
            at,
            sign,
            value,
        };
        self.state.documents.push(doc);
        self.state.document_number = self.state.document_number.wrapping_add(1);
        doc
    }

    fn open_shift(&mut self, operator: u8) -> Result<StoredDocument, Refuse> {
        self.require_no_receipt()?;
        if self.state.shift_open {
            return Err(Refuse(0x3C)); // shift open: operation impossible
        }
        self.require_paper()?;
        self.state.shift_open = true;
        self.state.shift_number = self.state.shift_number.wrapping_add(1);
        self.state.shift_opened_at = Some(self.now());
        self.state.receipts_in_shift = 0;
        self.state.forming = 0;
        self.state.registers = [self.state.registers[3], 0, 0, 0, 0, 0, 0, 0];
        let doc = self.add_document(document_type::SHIFT_OPEN, 0, u64::from(self.state.shift_number));
        self.tape.document(&[
            "ОТЧЁТ ОБ ОТКРЫТИИ СМЕНЫ".into(),
            format!("СМЕНА {}    ОПЕРАТОР {operator}", self.state.shift_number),
        ]);
        self.tape.fiscal_footer(&self.state.fn_number, &doc);
        Ok(doc)
    }

    fn x_report(&mut self) -> Result<(), Refuse> {
        self.require_no_receipt()?;
        self.require_paper()?;
        self.state.document_number = self.state.document_number.wrapping_add(1);
        let lines = self.totals_lines("ОТЧЁТ БЕЗ ГАШЕНИЯ (X)");
        self.tape.document(&lines);
        Ok(())
    }

    fn z_report(&mut self) -> Result<StoredDocument, Refuse> {
        self.require_no_receipt()?;
        if !self.state.shift_open {
            return Err(Refuse(0x3D)); // shift not open
        }
        self.require_paper()?;
        let lines = self.totals_lines("ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ (Z)");
        self.state.shift_open = false;
        self.state.shift_opened_at = None;
        self.state.forming = 0;
        let doc = self.add_document(document_type::SHIFT_CLOSE, 0, u64::from(self.state.shift_number));
        self.tape.document(&lines);
        self.tape.fiscal_footer(&self.state.fn_number, &doc);
        Ok(doc)
    }

    fn totals_lines(&self, title: &str) -> Vec<String> {
        let s = &self.state;
        vec![
            title.to_owned(),
            format!("СМЕНА {}  ЧЕКОВ {}", s.shift_number, s.receipts_in_shift),
            format!("ПРИХОД          ={}", rub(s.registers[4])),
            format!("ВОЗВРАТ ПРИХОДА ={}", rub(s.registers[6])),
            format!("ВНЕСЕНИЯ        ={}", rub(s.registers[1])),
            format!("ВЫПЛАТЫ         ={}", rub(s.registers[2])),
            format!("НАЛИЧНОСТЬ В КАССЕ ={}", rub(s.cash)),
        ]
    }

    fn cash_move(&mut self, cash_in: bool, sum: u64) -> Result<u16, Refuse> {
        self.require_no_receipt()?;
        self.require_shift(false)?;
        self.require_paper()?;
        if sum == 0 {
            return Err(Refuse(code::BAD_PARAMETERS));
        }
        if cash_in {
            self.state.cash = add_register(self.state.cash, sum, 0x84)?;
            self.state.registers[1] = add_register(self.state.registers[1], sum, 0x89)?;
        } else {
            if sum > self.state.cash {
                return Err(Refuse(code::NOT_ENOUGH_CASH));
            }
            self.state.cash -= sum;
            self.state.registers[2] = add_register(self.state.registers[2], sum, 0x6F)?;
        }
        self.state.document_number = self.state.document_number.wrapping_add(1);
        let title = if cash_in { "ВНЕСЕНИЕ" } else { "ВЫПЛАТА" };
        self.tape.document(&[
            format!("{title:<20}={}", rub(sum)),
            format!("НАЛИЧНОСТЬ В КАССЕ ={}", rub(self.state.cash)),
        ]);
        Ok(self.state.document_number)
    }

    /// Opens a receipt of `sign`, or goes on with the open one if it is of
    /// that sign (a correction opened by 0xFF35 takes the sign of its first
    /// line).
    fn open_receipt(&mut self, sign: u8, operator: u8, fn_code: bool, correction: bool) -> Result<(), Refuse> {
        if let Some(receipt) = &mut self.state.receipt {
            if receipt.sign == 0 && sign != 0 && !correction {
                receipt.sign = sign;
                return Ok(());
            }
            if receipt.sign == sign && (!correction || receipt.correction.is_some()) {
                return Ok(());
            }
            return Err(Refuse(if fn_code {
                code::FN_WRONG_STATE
            } else {
                code::WRONG_OPERATION
            }));
        }
        self.require_shift(fn_code)?;
        self.require_paper()?;
        self.state.receipt = Some(OpenReceipt {
            sign,
            operator,
            items: Vec::new(),
            tlv_bytes: 0,
            correction: correction.then(OpenCorrection::default),
        });
        Ok(())
    }

    fn add_item(&mut self, item: Item) -> Result<(), Refuse> {
        let receipt = self.state.receipt.as_mut().ok_or(Refuse(code::WRONG_MODE))?;
        if receipt.items.len() >= 1000 {
            return Err(Refuse(0x94));
        }
        // The receipt total is a 5-byte field too.
        if receipt.total().saturating_add(item.sum) > MAX_AMOUNT_KOPECKS {
            return Err(Refuse(RECEIPT_TOTAL_OVERFLOW));
        }
        receipt.items.push(item);
        Ok(())
    }

    fn legacy_operation(&mut self, sign: u8, operator: u8, r: &mut Reader<'_>) -> Result<(), Refuse> {
        let qty_milli = r.uint(5)?;
        let price = r.uint(5)?;
        let department = r.u8()?;
        let taxes = r.take(4)?;
        let name = r.text_rest(LINE_WIDTH);
        if qty_milli == 0 || department > 16 {
            return Err(Refuse(code::BAD_PARAMETERS));
        }
        if qty_milli * 1_000 > MAX_QTY_MICRO {
            return Err(Refuse(QUANTITY_RANGE));
        }
        let sum = line_sum(qty_milli, price, 1_000)?;
        self.open_receipt(sign, operator, false, false)?;
        self.add_item(Item {
            name,
            qty_micro: qty_milli * 1_000,
            price,
            sum,
            tax: taxes[0],
            method: 4,
            subject: 1,
            marking: None,
        })
    }

    fn operation_v2(&mut self, op: OperationV2, operator: u8) -> Result<(), Refuse> {
        if !(1..=4).contains(&op.kind) || op.qty_micro == 0 || op.department > 16 {
            return Err(Refuse(code::BAD_PARAMETERS));
        }
        let known_tax = crate::shtrih::command::tax_bits::percent(op.tax).is_some();
        if !(1..=7).contains(&op.method) || !(1..=33).contains(&op.subject) || !known_tax {
            return Err(Refuse(code::BAD_PARAMETERS));
        }
        if op.qty_micro > MAX_QTY_MICRO {
            return Err(Refuse(QUANTITY_RANGE));
        }
        let computed = line_sum(op.qty_micro, op.price, 1_000_000)?;
        let sum = match op.sum {
            None => computed,
            // The sum may differ from price × quantity by less than a kopeck
            // a unit (a discounted price rounded to the kopeck).
            Some(sum) => {
                let units = op.qty_micro.div_ceil(1_000_000).max(1);
                if sum.abs_diff(computed) > units {
                    return Err(Refuse(code::BAD_PARAMETERS));
                }
                sum
            }
        };
        self.open_receipt(op.kind, operator, true, false)?;
        self.add_item(Item {
            name: op.name,
            qty_micro: op.qty_micro,
            price: op.price,
            sum,
            tax: op.tax,
            method: op.method,
            subject: op.subject,
            marking: None,
        })
    }

    fn close_receipt(&mut self, sums: &[u64; 16], fn_code: bool) -> Result<(u64, StoredDocument), Refuse> {
        let receipt = self.state.receipt.clone().ok_or(Refuse(if fn_code {
            code::FN_WRONG_STATE
        } else {
            code::WRONG_MODE
        }))?;
        let total = receipt.total();
        if total == 0 {
            return Err(Refuse(code::ZERO_TOTAL));
        }
        if let Some(correction) = &receipt.correction {
            // The FN forms no correction without its basis (1173, 1174 with
            // 1178; 1179 when by order).
            let complete = match correction.kind {
                Some(0) => correction.date.is_some(),
                Some(_) => correction.date.is_some() && correction.order.is_some(),
                None => false,
            };
            if !complete {
                return Err(Refuse(code::BAD_PARAMETERS));
            }
        }
        let cash = sums[0];
        let non_cash: u64 = sums[1..].iter().sum();
        if non_cash > total {
            return Err(Refuse(0x4D));
        }
        if cash + non_cash < total {
            return Err(Refuse(code::UNDERPAID));
        }
        let change = cash + non_cash - total;
        let cash_net = cash - change;
        let inflow = matches!(receipt.sign, 1 | 4);
        if !inflow && cash_net > self.state.cash {
            return Err(Refuse(code::NOT_ENOUGH_CASH));
        }
        self.require_paper()?;
        if inflow {
            self.state.cash = add_register(self.state.cash, cash_net, 0x84)?;
        } else {
            self.state.cash -= cash_net;
        }
        // Registers 245 sales, 246 purchases, 247 sale returns, 248 purchase
        // returns; 244 (never zeroed) grows with sales. Corrections move
        // the cash only: a real register counts them apart.
        if receipt.correction.is_none() {
            let (register, overflow) = match receipt.sign {
                1 => (4, 0x85),
                3 => (5, 0x86),
                2 => (6, 0x87),
                _ => (7, 0x88),
            };
            self.state.registers[register] = add_register(self.state.registers[register], total, overflow)?;
            if receipt.sign == 1 {
                self.state.registers[3] = add_register(self.state.registers[3], total, 0x85)?;
            }
        }
        self.state.receipts_in_shift = self.state.receipts_in_shift.wrapping_add(1);
        self.state.receipt = None;
        let doc_type = if receipt.correction.is_some() {
            document_type::CORRECTION
        } else {
            document_type::RECEIPT
        };
        let doc = self.add_document(doc_type, receipt.sign, total);
        let mut lines = match &receipt.correction {
            Some(correction) => {
                let mut lines = vec![
                    "КАССОВЫЙ ЧЕК КОРРЕКЦИИ".to_owned(),
                    sign_title(receipt.sign).to_owned(),
                    if correction.kind == Some(1) {
                        format!("ПО ПРЕДПИСАНИЮ № {}", correction.order.as_deref().unwrap_or(""))
                    } else {
                        "САМОСТОЯТЕЛЬНО".to_owned()
                    },
                ];
                if let Some(date) = correction.date {
                    lines.push(format!("ДАТА РАСЧЁТА {}", date.format("%d.%m.%Y")));
                }
                lines
            }
            None => vec![format!("КАССОВЫЙ ЧЕК {}", sign_title(receipt.sign))],
        };
        lines.push(format!(
            "СМЕНА {}  ЧЕК {}",
            self.state.shift_number, self.state.receipts_in_shift
        ));
        for item in &receipt.items {
            lines.push(item.name.clone());
            lines.push(format!(
                "  {} x {} ={}  {}",
                qty_text(item.qty_micro),
                rub(item.price),
                rub(item.sum),
                tax_title(item.tax)
            ));
            if let Some(marking) = &item.marking {
                lines.push(format!("  [М+] {}", marking.replace('\u{1d}', "")));
            }
        }
        lines.push(format!("ИТОГ ={}", rub(total)));
        if cash > 0 {
            lines.push(format!("НАЛИЧНЫМИ ={}", rub(cash)));
        }
        if sums[1] > 0 {
            lines.push(format!("БЕЗНАЛИЧНЫМИ ={}", rub(sums[1])));
        }
        if sums[13] > 0 {
            lines.push(format!("ПРЕДВАРИТЕЛЬНАЯ ОПЛАТА (АВАНС) ={}", rub(sums[13])));
        }
        if change > 0 {
            lines.push(format!("СДАЧА ={}", rub(change)));
        }
        self.tape.document(&lines);
        self.tape.fiscal_footer(&self.state.fn_number, &doc);
        Ok((change, doc))
    }

    fn marking_check(&mut self, r: &mut Reader<'_>) -> Answer {
        let planned_status = r.u8()?;
        let _mode = r.u8()?;
        let len = usize::from(r.u8()?);
        let tlv_len = usize::from(r.u8()?);
        let code_bytes = r.take(len)?;
        r.take(tlv_len)?;
        if len == 0 || !matches!(planned_status, 1..=4 | 255) {
            return Err(Refuse(code::FN_UNKNOWN_COMMAND));
        }
        // The FN checks the crypto tail locally: a code needs AI 91 and 92,
        // or AI 93, after its serial (or be a short tobacco code).
        let text = String::from_utf8_lossy(code_bytes);
        let well_formed = text.starts_with("01") && (text.contains("\u{1d}91") || text.contains("\u{1d}93"))
            || (text.len() == 29 && text.is_ascii());
        let mut w = Writer::default();
        // Tag 2004 (bit 0 checked, bit 1 valid); why not checked (3: AI
        // 91/92 missing or malformed); code type (tag 2100); no server
        // data follows (autonomous mode).
        w.u8(if well_formed { 0x03 } else { 0x00 })
            .u8(if well_formed { 0 } else { 3 })
            .u8(if well_formed { 3 } else { 0 })
            .u8(0);
        Ok(w.finish()?)
    }
}

/// The operator a password belongs to: cashiers 1–28 use their number as
/// password by default, the administrator (30) uses 30.
fn operator_of(password: u32) -> Option<u8> {
    match password {
        1..=28 => Some(password as u8),
        29 | 30 => Some(password as u8),
        _ => None,
    }
}

fn check_tlv(tlv: &[u8]) -> Result<(), Refuse> {
    if tlv.len() > 250 {
        return Err(Refuse(code::FN_TLV_TOO_LARGE));
    }
    // Tag (2), length (2), value: lengths must add up.
    let mut r = Reader::new(tlv);
    while r.remaining() > 0 {
        let _tag = r.uint(2).map_err(|_| Refuse(code::FN_UNKNOWN_COMMAND))?;
        let len = r.uint(2).map_err(|_| Refuse(code::FN_UNKNOWN_COMMAND))? as usize;
        r.take(len).map_err(|_| Refuse(code::FN_UNKNOWN_COMMAND))?;
    }
    Ok(())
}

/// Overflow of the receipt total.
const RECEIPT_TOTAL_OVERFLOW: u8 = 0x48;
/// Overflow of the price range (a line sum past 5 bytes; which code real
/// firmware gives is unconfirmed).
const PRICE_RANGE: u8 = 0x61;
/// Overflow of the quantity range.
const QUANTITY_RANGE: u8 = 0x62;
/// The quantity range the protocol text gives (0…9 999 999 999
/// thousandths), in millionths. Prices get the full 5 bytes instead: the
/// text's price range is not known to be enforced.
const MAX_QTY_MICRO: u64 = 9_999_999_999_000;

/// qty × price / scale, rounded half up; refused past the 5 bytes of a sum.
fn line_sum(qty: u64, price: u64, scale: u64) -> Result<u64, Refuse> {
    mul_div_round(qty, price, scale)
        .filter(|sum| *sum <= MAX_AMOUNT_KOPECKS)
        .ok_or(Refuse(PRICE_RANGE))
}

/// A money register grown by `add`, refused with `overflow` past its 6 bytes.
fn add_register(value: u64, add: u64, overflow: u8) -> Result<u64, Refuse> {
    value
        .checked_add(add)
        .filter(|sum| *sum <= money_register::MAX)
        .ok_or(Refuse(overflow))
}

/// Tag 1054 of a receipt type of 0x8D (0 sale, 1 purchase, 2 sale return,
/// 3 purchase return); the sale commands 0x80–0x83 go in the same order.
fn sign_of_type(kind: u8) -> Option<u8> {
    Some(match kind {
        0 => 1,
        1 => 3,
        2 => 2,
        3 => 4,
        _ => return None,
    })
}

/// The receipt type of 0x8D (and the mode's high nibble) of a tag 1054.
fn type_of_sign(sign: u8) -> u8 {
    match sign {
        3 => 1,
        2 => 2,
        4 => 3,
        _ => 0,
    }
}

/// What a TLV sent to an open receipt (0xFF0C) tells: a correction's basis.
/// FFD 1.2 takes 1178 and 1179 only inside 1174, and 1173/1174 only in a
/// correction.
fn receipt_tlvs(receipt: &mut OpenReceipt, bytes: &[u8]) -> Result<(), Refuse> {
    let bad = Refuse(code::BAD_PARAMETERS);
    for (tag, value) in tlvs(bytes).map_err(|_| Refuse(code::FN_UNKNOWN_COMMAND))? {
        match tag {
            tag::CORRECTED_DATE | tag::ORDER_NUMBER => return Err(bad),
            tag::CORRECTION_TYPE | tag::CORRECTION_BASIS => {
                let Some(correction) = receipt.correction.as_mut() else {
                    return Err(bad);
                };
                if tag == tag::CORRECTION_TYPE {
                    match value {
                        [kind @ (0 | 1)] => correction.kind = Some(*kind),
                        _ => return Err(bad),
                    }
                } else {
                    let (date, order) = correction_basis(value)?;
                    correction.date = Some(date);
                    correction.order = order;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Tag 1174's STLV: 1178 (UnixTime at 00:00, required) and 1179.
fn correction_basis(value: &[u8]) -> Result<(chrono::NaiveDate, Option<String>), Refuse> {
    let bad = Refuse(code::BAD_PARAMETERS);
    let mut date = None;
    let mut order = None;
    for (tag, value) in tlvs(value).map_err(|_| Refuse(code::FN_UNKNOWN_COMMAND))? {
        match (tag, value) {
            (tag::CORRECTED_DATE, [a, b, c, d]) => {
                let stamp = i64::from(u32::from_le_bytes([*a, *b, *c, *d]));
                let at = chrono::DateTime::from_timestamp(stamp, 0).ok_or(Refuse(code::BAD_PARAMETERS))?;
                date = Some(at.date_naive());
            }
            (tag::ORDER_NUMBER, text) if !text.is_empty() && text.len() <= MAX_ORDER_NUMBER => {
                order = Some(decode_text(text));
            }
            _ => return Err(bad),
        }
    }
    Ok((date.ok_or(bad)?, order))
}

/// The fiscal sign of a document: a keyed digest of its number, time and
/// value, as the FN's crypto would give (not the real algorithm).
fn fiscal_sign(fn_number: &str, number: u32, at: NaiveDateTime, value: u64) -> u32 {
    // FNV-1a over the document's fields.
    let mut hash: u32 = 0x811C_9DC5;
    let stamp = at.and_utc().timestamp();
    for byte in fn_number
        .bytes()
        .chain(number.to_le_bytes())
        .chain(stamp.to_le_bytes())
        .chain(value.to_le_bytes())
    {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

fn rub(kopecks: u64) -> String {
    format!("{}.{:02}", kopecks / 100, kopecks % 100)
}

fn qty_text(micro: u64) -> String {
    let milli = micro / 1_000;
    if milli.is_multiple_of(1_000) {
        format!("{}", milli / 1_000)
    } else {
        format!("{}.{:03}", milli / 1_000, milli % 1_000)
    }
}

fn sign_title(sign: u8) -> &'static str {
    match sign {
        1 => "ПРИХОД",
        2 => "ВОЗВРАТ ПРИХОДА",
        3 => "РАСХОД",
        _ => "ВОЗВРАТ РАСХОДА",
    }
}

fn tax_title(tax: u8) -> &'static str {
    crate::shtrih::command::tax_bits::percent(tax)
        .map(|(_, title)| title)
        .unwrap_or("")
}
