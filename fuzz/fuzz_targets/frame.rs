//! The Shtrih-M frame decoder and the emulator behind it take any bytes:
//! no panic, and every frame the decoder accepts re-encodes to its bytes.
#![no_main]

use kassa_fiscal::emulator::Device;
use kassa_fiscal::shtrih::frame::{self, Decoder, Token};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut decoder = Decoder::new();
    let mut device = Device::new(kassa_fiscal::emulator::local_clock());
    for token in decoder.push_all(data) {
        if let Token::Frame(payload) = token {
            let encoded = frame::encode(&payload).expect("a decoded payload fits a frame");
            assert_eq!(Decoder::new().push_all(&encoded), vec![Token::Frame(payload.clone())]);
            // The device answers every payload with at least its command code.
            let answer = device.handle(&payload);
            assert!(answer.len() >= 2);
        }
    }
});
