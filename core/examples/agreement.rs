//! Measures agreement with a labelled corpus of real replies (JSON Lines with `code`, `text`,
//! `command`, `host` and `accept`, the list of reasons that count as agreeing).
//!
//! ```text
//! cargo run --release -p smtpcodes --example agreement -- ../shared/corpus/sisimai-dev.jsonl [--misses]
//! ```

use std::process::ExitCode;

use serde_json::Value;
use smtpcodes::{Command, Reply};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: agreement CORPUS.jsonl [--misses]");
        return ExitCode::from(2);
    };
    let show_misses = args.any(|a| a == "--misses");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let (mut total, mut agree) = (0u32, 0u32);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let r: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("{path}: bad line: {e}");
                return ExitCode::from(2);
            }
        };
        let code = r["code"].as_u64().and_then(|c| u16::try_from(c).ok());
        let reply = Reply::new(r["text"].as_str().unwrap_or(""))
            .maybe_command(r["command"].as_str().and_then(Command::recognize))
            .maybe_host(r["host"].as_str());
        let Ok(reply) = reply.maybe_code(code) else { continue };
        let c = reply.classify();
        total += 1;
        let accepted = r["accept"].as_array().is_some_and(|a| a.iter().any(|x| x.as_str() == Some(c.reason.as_str())));
        if accepted {
            agree += 1;
        } else if show_misses {
            println!("MISS {} want {} got {} ({})\n     {:.200}", r["id"], r["expect_reason"], c.reason, c.matched, c.text);
        }
    }
    let share = if total == 0 { 0.0 } else { f64::from(agree) * 100.0 / f64::from(total) };
    println!("{agree} of {total} replies agree ({share:.1}%)");
    ExitCode::SUCCESS
}
