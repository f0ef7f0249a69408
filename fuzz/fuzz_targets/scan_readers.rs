//! Any bytes as a file `smtpcodes scan` reads: plain or gzip, then as a mail log through the
//! streaming reader that skips over-long lines, and as an mbox split into emails with the
//! bounded line reader, each email read by `parse_bounce_with`. The first byte picks small
//! limits, so that the skip and `too_large` paths are reached by small inputs.
#![no_main]

use std::io::{BufRead, BufReader, Read};

use flate2::read::MultiGzDecoder;
use libfuzzer_sys::fuzz_target;
use smtpcodes::logs::{read_line_capped, LogEvent, LogReader, LongLines};
use smtpcodes::{parse_bounce_with, Limits};

fn input(data: &[u8]) -> Box<dyn BufRead + '_> {
    if data.starts_with(&[0x1f, 0x8b]) {
        // At most 8 MiB of decompressed output per input, as the fuzzer's memory allows.
        Box::new(BufReader::new(MultiGzDecoder::new(data).take(8 << 20)))
    } else {
        Box::new(data)
    }
}

fuzz_target!(|data: &[u8]| {
    let (limits, data) = match data.split_first() {
        Some((&b, rest)) if b < 16 => (
            Limits {
                max_line_bytes: 16 << b,
                max_email_bytes: 64 << b,
                ..Limits::DEFAULT
            },
            rest,
        ),
        _ => (Limits::DEFAULT, data),
    };

    let mut log = LogReader::new(input(data))
        .max_line(limits.max_line_bytes)
        .long_lines(LongLines::Skip);
    let mut last_line = 0;
    while let Ok(Some(event)) = log.next_event() {
        let line = match event {
            LogEvent::Record { line, record } => {
                let _ = record.classify();
                line
            }
            LogEvent::LongLine { line, bytes } => {
                assert!(bytes > limits.max_line_bytes as u64);
                line
            }
        };
        assert!(line > last_line, "line numbers grow");
        last_line = line;
    }

    // An mbox: emails start at `From ` lines; a line or an email over its limit is skipped.
    let mut reader = input(data);
    let mut line = Vec::new();
    let mut email: Vec<u8> = Vec::new();
    let mut over = false;
    let flush = |email: &mut Vec<u8>, over: &mut bool| {
        if !*over && !email.is_empty() {
            let _ = parse_bounce_with(email, &limits);
        }
        assert!(email.len() <= limits.max_email_bytes + limits.max_line_bytes + 1);
        email.clear();
        *over = false;
    };
    loop {
        line.clear();
        let Ok(read) = read_line_capped(&mut reader, &mut line, limits.max_line_bytes) else {
            break;
        };
        if read.bytes == 0 {
            break;
        }
        assert!(line.len() <= limits.max_line_bytes);
        if line.starts_with(b"From ") {
            flush(&mut email, &mut over);
        }
        if read.cut || email.len() + line.len() > limits.max_email_bytes {
            over = true;
        }
        if !over {
            email.extend_from_slice(&line);
            email.push(b'\n');
        }
    }
    flush(&mut email, &mut over);
});
