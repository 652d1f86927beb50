//! Barcode and marking-code parsing take any scanner input: no panic, and a
//! parsed marking code's canonical form parses back to the same code.
#![no_main]

use kassa::catalog::barcode::{classify, parse_marking, Scan, WeightLayout};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(Scan::Marking(code)) = classify(&text, &WeightLayout::default()) {
        let again = parse_marking(&code.raw).expect("the canonical form parses");
        assert_eq!(again.gtin, code.gtin);
        assert_eq!(again.serial, code.serial);
    }
    if let Ok(code) = parse_marking(&text) {
        assert_eq!(parse_marking(&code.raw).map(|c| c.raw), Ok(code.raw.clone()));
    }
});
