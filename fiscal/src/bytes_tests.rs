//! Exact bytes: every command the emulator serves, request and answer, and
//! the link's handshake with its retries, byte for byte.

use std::collections::VecDeque;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::emulator::Device;
use crate::port::Port;
use crate::shtrih::frame;
use crate::shtrih::link::{Link, Timeouts};
use crate::tests::fixed_clock;

fn hex(text: &str) -> Vec<u8> {
    text.split_whitespace()
        .map(|byte| u8::from_str_radix(byte, 16).expect("hex in a test"))
        .collect()
}

fn show(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
}

/// Runs requests in order on one device; each answer must be exact.
fn check(device: &mut Device, exchanges: &[(&str, &str)]) {
    for (request, answer) in exchanges {
        let got = device.handle(&hex(request));
        assert_eq!(show(&got), show(&hex(answer)), "answer to {request}");
    }
}

#[test]
fn every_command_answers_with_the_documented_bytes() {
    let mut device = Device::new(fixed_clock());
    // Password 30 = 1E 00 00 00; answers: CMD, ERROR, operator 1E, data.
    check(
        &mut device,
        &[
            // Device type: no password; type 0, subtype 0, protocol 1.14, model 250, Russian, name.
            ("FC", "FC 00 00 00 01 0E FA 00 D8 D2 D0 C8 D5 2D CC 2D 30 31 D4"),
            // Short status, shift closed: mode 4, paper flags 0003.
            ("10 1E 00 00 00", "10 00 1E 03 00 04 00 00 98 B4 00 00 00 00 00 00"),
            // Wrong password.
            ("10 1F 00 00 00", "10 4F"),
            // Unknown one-byte command, unknown FN command.
            ("77 1E 00 00 00", "77 37"),
            ("FF 7F 1E 00 00 00", "FF 7F 01"),
            // Sale with the shift closed: shift not open.
            (
                "80 1E 00 00 00 E8 03 00 00 00 10 27 00 00 00 01 00 00 00 00 41",
                "80 3D",
            ),
            // Begin shift open, open shift (report FD 1).
            ("FF 41 1E 00 00 00", "FF 41 00"),
            ("E0 1E 00 00 00", "E0 00 1E"),
            ("E0 1E 00 00 00", "E0 3C"),
            // Shift parameters: open, shift 1, no receipts.
            ("FF 40 1E 00 00 00", "FF 40 00 01 01 00 00 00"),
            // Cash in 100.00 → document 2; cash out 300.00 refused; 40.00 paid out.
            ("50 1E 00 00 00 10 27 00 00 00", "50 00 1E 02 00"),
            ("51 1E 00 00 00 30 75 00 00 00", "51 46"),
            ("51 1E 00 00 00 A0 0F 00 00 00", "51 00 1E 03 00"),
            // Cash in the drawer (register 241): 60.00.
            ("1A 1E 00 00 00 F1", "1A 00 1E 70 17 00 00 00 00"),
            // Open a sale receipt; legacy sale 1 × 100.00 "A"; status shows mode 08, 1 operation.
            ("8D 1E 00 00 00 00", "8D 00 1E"),
            (
                "80 1E 00 00 00 E8 03 00 00 00 10 27 00 00 00 01 00 00 00 00 41",
                "80 00 1E",
            ),
            ("10 1E 00 00 00", "10 00 1E 03 00 08 00 01 98 B4 00 00 00 00 00 00"),
            // A return inside a sale: wrong operation. Shift close: receipt open.
            (
                "82 1E 00 00 00 E8 03 00 00 00 10 27 00 00 00 01 00 00 00 00 41",
                "82 5E",
            ),
            ("41 1E 00 00 00", "41 4A"),
            // Close with 50.00: payments below the total. With 150.00: change 50.00.
            (
                "85 1E 00 00 00 88 13 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
                "85 45",
            ),
            (
                "85 1E 00 00 00 98 3A 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
                "85 00 1E 88 13 00 00 00",
            ),
            // Cancel with no receipt open: receipt closed.
            ("88 1E 00 00 00", "88 55"),
            // Print a line, cut, open the drawer, X report.
            ("17 1E 00 00 00 02 41 42", "17 00 1E"),
            ("25 1E 00 00 00 01", "25 00 1E"),
            ("28 1E 00 00 00 00", "28 00 1E"),
            ("40 1E 00 00 00", "40 00 1E"),
            // Find FD 2 (the receipt: 26.11.26 10:30, sale of 100.00). The
            // fiscal sign is the emulator's digest: checked by reading it back.
            ("FF 0A 1E 00 00 00 09 00 00 00", "FF 0A 08"),
            // FN validity: 31.12.2029, 11 reregistrations left, 1 done.
            ("FF 03 1E 00 00 00", "FF 03 00 1D 0C 1F 0B 01"),
            // TLV with no document open: wrong FN state.
            ("FF 0C 1E 00 00 00 F5 03 01 00 31", "FF 0C 02"),
            // Operation v2 with an unknown tax code: incorrect parameters.
            (
                "FF 46 1E 00 00 00 01 40 42 0F 00 00 00 10 27 00 00 00 FF FF FF FF FF FF FF FF FF FF 03 00 04 01 41",
                "FF 46 33",
            ),
            // Operation v2: 1 × 100.00 at 22 %, sum by the device; TLV to it.
            (
                "FF 46 1E 00 00 00 01 40 42 0F 00 00 00 10 27 00 00 00 FF FF FF FF FF FF FF FF FF FF CB 00 04 01 41",
                "FF 46 00",
            ),
            ("FF 4D 1E 00 00 00 FE 04 02 00 31 32", "FF 4D 00"),
            // Marking: check a code without its crypto tail (error 3), accept, bind.
            ("FF 61 1E 00 00 00 01 00 04 00 30 31 32 33", "FF 61 00 00 03 00 00"),
            ("FF 69 1E 00 00 00 01", "FF 69 00 0F"),
            ("FF 67 1E 00 00 00 02 30 31", "FF 67 00 05 00 03"),
        ],
    );
    // Close extended: 100.00 in cash → change 0, FD 3, then the time
    // 26.11.26 10:30 (YY MM DD HH MM).
    let mut close = hex("FF 45 1E 00 00 00 10 27 00 00 00");
    close.extend([0u8; 75]); // sums 2–16
    close.push(0); // rounding
    close.extend([0u8; 30]); // tax sums
    close.push(0x01); // ОСН
    let answer = device.handle(&close);
    assert_eq!(show(&answer[..8]), "FF 45 00 00 00 00 00 00");
    assert_eq!(show(&answer[8..12]), "03 00 00 00");
    assert_eq!(show(&answer[16..]), "1A 0B 1A 0A 1E");
    let sign = &answer[12..16];
    // Read back: type 3, not confirmed by the OFD, time, FD 3, the same sign, sale of 100.00.
    let found = device.handle(&hex("FF 0A 1E 00 00 00 03 00 00 00"));
    let mut expected = hex("FF 0A 00 03 00 1A 0B 1A 0A 1E 03 00 00 00");
    expected.extend(sign);
    expected.extend(hex("01 10 27 00 00 00"));
    assert_eq!(show(&found), show(&expected));
    // FN status: fiscal mode, no document, shift open, last FD 3.
    let status = device.handle(&hex("FF 01 1E 00 00 00"));
    assert_eq!(status.len(), 33);
    assert_eq!(show(&status[..13]), "FF 01 00 03 00 00 01 00 1A 0B 1A 0A 1E");
    assert_eq!(&status[13..29], b"9999078900012345");
    assert_eq!(show(&status[29..]), "03 00 00 00");
    // Full status: 48 bytes; mode 2 (shift open), serial number, last closed shift 1.
    let full = device.handle(&hex("11 1E 00 00 00"));
    assert_eq!(full.len(), 48);
    assert_eq!(full[15], 0x02);
    assert_eq!(show(&full[25..31]), "1A 0B 1A 0A 1E 00");
    assert_eq!(show(&full[32..36]), "4E 61 BC 00");
    // Z report (FD 4), then the FN closes nothing more: shift not open.
    check(
        &mut device,
        &[
            ("FF 42 1E 00 00 00", "FF 42 00"),
            ("41 1E 00 00 00", "41 00 1E"),
            ("41 1E 00 00 00", "41 3D"),
        ],
    );
    // Truncated requests are refused, never a panic.
    check(
        &mut device,
        &[
            ("50 1E 00 00 00 10", "50 33"),
            ("FF 46 1E", "FF 46 01"),
            ("11", "11 33"),
        ],
    );
}

/// A port that answers each host write with scripted bytes.
struct Scripted {
    replies: VecDeque<Vec<u8>>,
    incoming: VecDeque<u8>,
    sent: Arc<Mutex<Vec<u8>>>,
}

impl Port for Scripted {
    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.sent
            .lock()
            .map_err(|_| io::Error::other("poisoned"))?
            .extend_from_slice(bytes);
        if let Some(reply) = self.replies.pop_front() {
            self.incoming.extend(reply);
        }
        Ok(())
    }

    fn recv(&mut self, _timeout: Duration) -> io::Result<Option<u8>> {
        Ok(self.incoming.pop_front())
    }
}

fn scripted(replies: &[&str]) -> (Link<Scripted>, Arc<Mutex<Vec<u8>>>) {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let port = Scripted {
        replies: replies.iter().map(|reply| hex(reply)).collect(),
        incoming: VecDeque::new(),
        sent: Arc::clone(&sent),
    };
    let timeouts = Timeouts {
        byte: Duration::ZERO,
        ack: Duration::ZERO,
        answer: Duration::ZERO,
        retries: 3,
    };
    (Link::new(port, timeouts), sent)
}

fn sent(log: &Arc<Mutex<Vec<u8>>>) -> String {
    show(&log.lock().expect("log"))
}

#[test]
fn a_clean_exchange_byte_for_byte() {
    // ENQ → NAK (idle); frame → ACK, answer; host ACKs.
    let (mut link, log) = scripted(&["15", "06 02 03 10 00 1E 0D", ""]);
    let answer = link.transact(&hex("10 1E 00 00 00")).expect("answer");
    assert_eq!(answer, hex("10 00 1E"));
    assert_eq!(sent(&log), "05 02 05 10 1E 00 00 00 0B 06");
}

#[test]
fn a_nak_to_the_frame_sends_it_again() {
    let (mut link, log) = scripted(&["15", "15", "06 02 03 10 00 1E 0D", ""]);
    assert_eq!(link.transact(&hex("10 1E 00 00 00")).expect("answer"), hex("10 00 1E"));
    assert_eq!(sent(&log), "05 02 05 10 1E 00 00 00 0B 02 05 10 1E 00 00 00 0B 06");
}

#[test]
fn a_corrupted_answer_is_nak_ed_and_fetched_again_with_enq() {
    // The answer's LRC is wrong (0x00): NAK, ENQ, the device repeats it.
    let (mut link, log) = scripted(&["15", "06 02 03 10 00 1E 00", "", "06 02 03 10 00 1E 0D", ""]);
    assert_eq!(link.transact(&hex("10 1E 00 00 00")).expect("answer"), hex("10 00 1E"));
    assert_eq!(sent(&log), "05 02 05 10 1E 00 00 00 0B 15 05 06");
}

#[test]
fn a_stale_answer_is_taken_before_the_new_command() {
    // ENQ → ACK and an old answer: host ACKs it, probes again, then sends.
    let (mut link, log) = scripted(&["06 02 03 50 00 1E 4D", "", "15", "06 02 03 10 00 1E 0D", ""]);
    assert_eq!(link.transact(&hex("10 1E 00 00 00")).expect("answer"), hex("10 00 1E"));
    assert_eq!(sent(&log), "05 06 05 02 05 10 1E 00 00 00 0B 06");
}

#[test]
fn a_lost_ack_is_resolved_by_a_probe_not_by_sending_twice() {
    // No ACK to the frame; the probe answers ACK and the answer: the command
    // was taken, so it is not sent again.
    let (mut link, log) = scripted(&["15", "", "06 02 03 10 00 1E 0D", ""]);
    assert_eq!(link.transact(&hex("10 1E 00 00 00")).expect("answer"), hex("10 00 1E"));
    assert_eq!(sent(&log), "05 02 05 10 1E 00 00 00 0B 05 06");
}

#[test]
fn silence_is_no_link_and_a_half_answer_is_a_timeout() {
    let (mut link, log) = scripted(&[]);
    assert!(matches!(
        link.transact(&hex("10 1E 00 00 00")),
        Err(crate::TransportError::NoLink)
    ));
    // Four probes (one and three retries), nothing else.
    assert_eq!(sent(&log), "05 05 05 05");
    // The answer stops after its length byte, then the device is idle:
    // the outcome is unknown, reported as a timeout.
    let (mut link, _) = scripted(&["15", "06 02 03 10", "15"]);
    assert!(matches!(
        link.transact(&hex("10 1E 00 00 00")),
        Err(crate::TransportError::Timeout(_))
    ));
}

#[test]
fn frames_of_the_documented_captures_decode() {
    // ENQ, then a full status request from a real capture: LRC verified.
    let mut decoder = frame::Decoder::new();
    let tokens = decoder.push_all(&hex("05 02 05 11 1E 00 00 00 0A"));
    assert_eq!(
        tokens,
        vec![
            frame::Token::Control(frame::ENQ),
            frame::Token::Frame(hex("11 1E 00 00 00"))
        ]
    );
}

/// Operation v2 (0xFF46) with password 30: type, quantity (millionths),
/// price, sum ("FF FF FF FF FF": the device computes), no VAT, department 0,
/// full payment, goods, name "A".
fn op(kind: &str, qty: &str, price: &str, sum: &str) -> String {
    format!("FF 46 1E 00 00 00 {kind} {qty} {price} {sum} FF FF FF FF FF 08 00 04 01 41")
}

/// Close extended (0xFF45) with `cash` in the first payment.
fn close_v2(cash: &str) -> String {
    let mut close = format!("FF 45 1E 00 00 00 {cash}");
    close.push_str(&" 00".repeat(75 + 1 + 30));
    close.push_str(" 01");
    close
}

#[test]
fn zero_totals_and_overflows_are_refused_by_the_emulator() {
    let mut device = Device::new(fixed_clock());
    let one = "40 42 0F 00 00 00";
    let computed = "FF FF FF FF FF";
    check(
        &mut device,
        &[
            ("FF 41 1E 00 00 00", "FF 41 00"),
            ("E0 1E 00 00 00", "E0 00 1E"),
            // A line of 0.00: taken; closing a receipt of 0 is not, either way.
            (&op("01", one, "00 00 00 00 00", computed), "FF 46 00"),
            (
                "85 1E 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
                "85 8E",
            ),
            (&close_v2("00 00 00 00 00"), "FF 45 8E"),
            ("88 1E 00 00 00", "88 00 1E"),
            // 2 × 10 995 116 277.75: the line sum does not fit (price range).
            (&op("01", "80 84 1E 00 00 00", "FF FF FF FF FF", computed), "FF 46 61"),
            // More than 9 999 999.999 units (the protocol's range): quantity
            // range, by 0xFF46 (millionths) and 0x80 (thousandths).
            (&op("01", "19 9C 72 4E 18 09", "01 00 00 00 00", computed), "FF 46 62"),
            (&op("01", "18 9C 72 4E 18 09", "01 00 00 00 00", computed), "FF 46 00"),
            ("88 1E 00 00 00", "88 00 1E"),
            (
                "80 1E 00 00 00 00 E4 0B 54 02 01 00 00 00 00 01 00 00 00 00 41",
                "80 62",
            ),
            // Two lines of 10 995 116 277.74: the second overflows the total.
            (&op("01", one, "FE FF FF FF FF", "FE FF FF FF FF"), "FF 46 00"),
            (&op("01", one, "FE FF FF FF FF", "FE FF FF FF FF"), "FF 46 48"),
            // One kopeck more reaches the limit exactly, and closes.
            (&op("01", one, "01 00 00 00 00", computed), "FF 46 00"),
        ],
    );
    let answer = device.handle(&hex(&close_v2("FF FF FF FF FF")));
    assert_eq!(show(&answer[..8]), "FF 45 00 00 00 00 00 00");
    let found = device.handle(&hex("FF 0A 1E 00 00 00 02 00 00 00"));
    assert_eq!(show(&found[found.len() - 6..]), "01 FF FF FF FF FF");
    // The drawer holds 6 bytes: past them, a cash in is refused (0x84).
    device.state_mut().cash = crate::emulator::money_register::MAX;
    check(
        &mut device,
        &[
            ("50 1E 00 00 00 01 00 00 00 00", "50 84"),
            ("1A 1E 00 00 00 F1", "1A 00 1E FF FF FF FF FF FF"),
        ],
    );
}

#[test]
fn correction_receipts_open_by_either_command() {
    let mut device = Device::new(fixed_clock());
    let one = "40 42 0F 00 00 00";
    let price = "10 27 00 00 00"; // 100.00
    let computed = "FF FF FF FF FF";
    check(
        &mut device,
        &[
            ("FF 41 1E 00 00 00", "FF 41 00"),
            ("E0 1E 00 00 00", "E0 00 1E"),
            // 0x8D types: 1 is a purchase (mode 0x18), taken by 0x81; 0x84 is no type.
            ("8D 1E 00 00 00 01", "8D 00 1E"),
            ("10 1E 00 00 00", "10 00 1E 03 00 18 00 00 98 B4 00 00 00 00 00 00"),
            (
                "81 1E 00 00 00 E8 03 00 00 00 10 27 00 00 00 01 00 00 00 00 41",
                "81 00 1E",
            ),
            ("88 1E 00 00 00", "88 00 1E"),
            ("8D 1E 00 00 00 84", "8D 33"),
            // 0xFF35: the administrator's only; then the FN forms a correction (0x14).
            ("FF 35 01 00 00 00", "FF 35 4F"),
            ("FF 35 1E 00 00 00", "FF 35 00"),
            ("FF 35 1E 00 00 00", "FF 35 02"),
            (
                "FF 01 1E 00 00 00",
                "FF 01 00 03 14 00 01 00 1A 0B 1A 0A 1E 39 39 39 39 30 37 38 39 30 30 30 31 32 33 34 35 01 00 00 00",
            ),
            // Its first line gives the sign (sale: mode 0x08).
            (&op("01", one, price, computed), "FF 46 00"),
            ("10 1E 00 00 00", "10 00 1E 03 00 08 00 01 98 B4 00 00 00 00 00 00"),
            // FFD 1.2: 1178 only inside 1174; closing needs 1173 and 1174.
            ("FF 0C 1E 00 00 00 9A 04 04 00 80 8D FF 6A", "FF 0C 33"),
            (&close_v2(price), "FF 45 33"),
            ("FF 0C 1E 00 00 00 95 04 01 00 02", "FF 0C 33"),
            ("FF 0C 1E 00 00 00 95 04 01 00 00", "FF 0C 00"),
            (&close_v2(price), "FF 45 33"),
            ("FF 0C 1E 00 00 00 96 04 08 00 9A 04 04 00 80 8D FF 6A", "FF 0C 00"),
        ],
    );
    let answer = device.handle(&hex(&close_v2(price)));
    assert_eq!(show(&answer[..8]), "FF 45 00 00 00 00 00 00");
    // Read back: type 31 (0x1F), FD 2, a sale of 100.00.
    let found = device.handle(&hex("FF 0A 1E 00 00 00 02 00 00 00"));
    assert_eq!(show(&found[..14]), "FF 0A 00 1F 00 1A 0B 1A 0A 1E 02 00 00 00");
    assert_eq!(show(&found[18..]), "01 10 27 00 00 00");
    // By order, opened by 0x8D with 0x80 + 2 (a return of a sale): 1179 is required.
    check(
        &mut device,
        &[
            ("8D 1E 00 00 00 82", "8D 00 1E"),
            (
                "FF 01 1E 00 00 00",
                "FF 01 00 03 14 00 01 00 1A 0B 1A 0A 1E 39 39 39 39 30 37 38 39 30 30 30 31 32 33 34 35 02 00 00 00",
            ),
            // A line of another sign does not belong in it.
            (&op("01", one, price, computed), "FF 46 02"),
            (&op("02", one, price, computed), "FF 46 00"),
            ("FF 0C 1E 00 00 00 95 04 01 00 01", "FF 0C 00"),
            ("FF 0C 1E 00 00 00 96 04 08 00 9A 04 04 00 80 8D FF 6A", "FF 0C 00"),
            (&close_v2(price), "FF 45 33"),
            (
                "FF 0C 1E 00 00 00 96 04 11 00 9A 04 04 00 80 8D FF 6A 9B 04 05 00 31 32 2D 33 34",
                "FF 0C 00",
            ),
        ],
    );
    let answer = device.handle(&hex(&close_v2(price)));
    assert_eq!(show(&answer[..8]), "FF 45 00 00 00 00 00 00");
    let state = device.state();
    let kinds: Vec<_> = state
        .documents
        .iter()
        .map(|doc| (doc.doc_type, doc.sign, doc.value))
        .collect();
    assert_eq!(kinds, vec![(2, 0, 1), (31, 1, 10_000), (31, 2, 10_000)]);
    // 100.00 in, 100.00 out.
    assert_eq!(state.cash, 0);
    let tape = device.tape.lines().join("\n");
    assert!(
        tape.contains("КАССОВЫЙ ЧЕК КОРРЕКЦИИ\nПРИХОД\nСАМОСТОЯТЕЛЬНО\nДАТА РАСЧЁТА 20.11.2026"),
        "{tape}"
    );
    assert!(
        tape.contains("КАССОВЫЙ ЧЕК КОРРЕКЦИИ\nВОЗВРАТ ПРИХОДА\nПО ПРЕДПИСАНИЮ № 12-34\nДАТА РАСЧЁТА 20.11.2026"),
        "{tape}"
    );
    // 1173 in an ordinary receipt is refused.
    check(
        &mut device,
        &[
            (&op("01", one, price, computed), "FF 46 00"),
            ("FF 0C 1E 00 00 00 95 04 01 00 00", "FF 0C 33"),
            (
                "FF 01 1E 00 00 00",
                "FF 01 00 03 04 01 01 00 1A 0B 1A 0A 1E 39 39 39 39 30 37 38 39 30 30 30 31 32 33 34 35 03 00 00 00",
            ),
        ],
    );
}
