//! Frames of the Shtrih-M serial protocol, pure bytes: `STX, LEN, payload,
//! LRC` where the payload is the command code (and, in an answer, the error
//! code) followed by its data. No I/O here.

/// Start of a frame.
pub const STX: u8 = 0x02;
/// "Are you there / what do you hold?" from the host.
pub const ENQ: u8 = 0x05;
/// Positive acknowledgement.
pub const ACK: u8 = 0x06;
/// Negative acknowledgement: bad checksum, or (to ENQ) "idle, send a command".
pub const NAK: u8 = 0x15;

/// The payload of a frame is at most 255 bytes (LEN is one byte).
pub const MAX_PAYLOAD: usize = 255;

/// The longitudinal redundancy check: XOR of LEN and every payload byte.
pub fn lrc(payload: &[u8]) -> u8 {
    payload.iter().fold(payload.len() as u8, |acc, byte| acc ^ byte)
}

/// A frame around `payload`; `None` when the payload is empty or longer than
/// [`MAX_PAYLOAD`].
pub fn encode(payload: &[u8]) -> Option<Vec<u8>> {
    if payload.is_empty() || payload.len() > MAX_PAYLOAD {
        return None;
    }
    let mut frame = Vec::with_capacity(payload.len() + 3);
    frame.push(STX);
    frame.push(payload.len() as u8);
    frame.extend_from_slice(payload);
    frame.push(lrc(payload));
    Some(frame)
}

/// What the decoder made of the bytes so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A whole frame with a correct LRC: its payload.
    Frame(Vec<u8>),
    /// A whole frame whose LRC is wrong (the receiver answers NAK).
    BadFrame,
    /// A control byte outside a frame: ENQ, ACK or NAK.
    Control(u8),
    /// A byte that starts nothing (line noise), skipped.
    Noise(u8),
}

#[derive(Debug, Clone, Default)]
enum State {
    #[default]
    Idle,
    Length,
    Body {
        len: usize,
        payload: Vec<u8>,
    },
}

/// An incremental frame decoder: feed bytes as they arrive, get tokens out.
/// It never panics and never allocates more than one frame.
#[derive(Debug, Clone, Default)]
pub struct Decoder {
    state: State,
}

impl Decoder {
    /// A decoder waiting for a frame.
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// True while a frame has started and not yet ended.
    pub fn in_frame(&self) -> bool {
        !matches!(self.state, State::Idle)
    }

    /// Drops a partly received frame (after an inter-byte timeout).
    pub fn reset(&mut self) {
        self.state = State::Idle;
    }

    /// Takes one byte; returns a token when one is complete.
    pub fn push(&mut self, byte: u8) -> Option<Token> {
        match std::mem::take(&mut self.state) {
            State::Idle => match byte {
                STX => {
                    self.state = State::Length;
                    None
                }
                ENQ | ACK | NAK => Some(Token::Control(byte)),
                other => Some(Token::Noise(other)),
            },
            State::Length => {
                if byte == 0 {
                    // An empty frame cannot be: resynchronise.
                    return Some(Token::BadFrame);
                }
                self.state = State::Body {
                    len: usize::from(byte),
                    payload: Vec::with_capacity(usize::from(byte)),
                };
                None
            }
            State::Body { len, mut payload } => {
                if payload.len() < len {
                    payload.push(byte);
                    self.state = State::Body { len, payload };
                    return None;
                }
                if lrc(&payload) == byte {
                    Some(Token::Frame(payload))
                } else {
                    Some(Token::BadFrame)
                }
            }
        }
    }

    /// Feeds a slice; returns every token it completes, in order.
    pub fn push_all(&mut self, bytes: &[u8]) -> Vec<Token> {
        bytes.iter().filter_map(|byte| self.push(*byte)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_status_request_is_the_documented_bytes() {
        // 0x10 with password 30: STX 05 10 1E 00 00 00 LRC, LRC = 05^10^1E = 0x0B.
        let frame = encode(&[0x10, 0x1E, 0, 0, 0]).expect("frame");
        assert_eq!(frame, vec![0x02, 0x05, 0x10, 0x1E, 0x00, 0x00, 0x00, 0x0B]);
        let mut decoder = Decoder::new();
        assert_eq!(decoder.push_all(&frame), vec![Token::Frame(vec![0x10, 0x1E, 0, 0, 0])]);
    }

    #[test]
    fn wrong_checksum_partial_frames_and_noise() {
        let mut decoder = Decoder::new();
        assert_eq!(decoder.push_all(&[0x02, 0x01, 0x10, 0x00]), vec![Token::BadFrame]);
        // A frame split across reads, with noise and control bytes around it.
        assert_eq!(decoder.push_all(&[0xAA, 0x02, 0x02]), vec![Token::Noise(0xAA)]);
        assert!(decoder.in_frame());
        assert_eq!(decoder.push_all(&[0x11, 0x00]), vec![]);
        assert_eq!(
            decoder.push_all(&[0x13, 0x05, 0x06, 0x15]),
            vec![
                Token::Frame(vec![0x11, 0x00]),
                Token::Control(ENQ),
                Token::Control(ACK),
                Token::Control(NAK)
            ]
        );
        // A cut frame is dropped by a reset; the next one decodes.
        decoder.push_all(&[0x02, 0x05, 0x10]);
        decoder.reset();
        assert_eq!(
            decoder.push_all(&[0x02, 0x01, 0x10, 0x11]),
            vec![Token::Frame(vec![0x10])]
        );
        assert_eq!(decoder.push_all(&[0x02, 0x00]), vec![Token::BadFrame]);
    }

    #[test]
    fn encode_refuses_empty_and_oversized_payloads() {
        assert_eq!(encode(&[]), None);
        assert_eq!(encode(&[0u8; 256]), None);
        assert_eq!(encode(&[7u8; 255]).map(|f| f.len()), Some(258));
    }
}
