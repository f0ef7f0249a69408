//! Any bytes as mail log lines, read through the streaming reader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = smtpcodes::logs::detect(data);
    let mut reader = smtpcodes::logs::LogReader::new(data);
    while let Ok(Some(record)) = reader.next_record() {
        let _ = record.classify();
    }
});
