//! Agreement with the labelled corpus of many sources (tests/corpus/), per source, on the open
//! half and on the blind half, and the gap between them.
//!
//!     cargo run --release -p smtpcodes --example agreement -- tests/corpus [--misses] [--kinds]
//!
//! `--misses` lists the open half's disagreements, to learn from. The blind half is only ever
//! counted: its texts are not printed, so that no rule is written from them. `--kinds` counts
//! the disagreements of each half by kind (labelled reason, classified reason, and the kind of
//! evidence that decided: a text rule, words, an enhanced or a basic code, the class digit),
//! which names a kind of phrasing to look for in open sources without showing a blind text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;
use smtpcodes::{Enhanced, Reply};

#[derive(Default, Clone, Copy)]
struct Tally {
    n: u32,
    reason: u32,
    action: u32,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.n += other.n;
        self.reason += other.reason;
        self.action += other.action;
    }

    fn pct(part: u32, n: u32) -> f64 {
        if n == 0 {
            0.0
        } else {
            f64::from(part) * 100.0 / f64::from(n)
        }
    }

    fn cells(self) -> String {
        if self.n == 0 {
            return format!("{:>5} {:>7} {:>7}", 0, "-", "-");
        }
        format!(
            "{:>5} {:>6.1}% {:>6.1}%",
            self.n,
            Tally::pct(self.reason, self.n),
            Tally::pct(self.action, self.n)
        )
    }
}

/// Classifies each record of a file; returns the tally and, when asked, prints the misses.
fn measure(path: &Path, misses: bool, kinds: &mut BTreeMap<String, u32>) -> Result<Tally, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut tally = Tally::default();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let r: Value =
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        let code = r["code"].as_u64().and_then(|c| u16::try_from(c).ok());
        let status = r["status"].as_str().and_then(Enhanced::parse);
        let reply = Reply::new(r["text"].as_str().unwrap_or(""))
            .maybe_code(code)
            .map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?
            .status(status);
        let c = reply.classify();
        let accepted = match r["accept"].as_array() {
            Some(list) => list.iter().any(|a| a.as_str() == Some(c.reason.as_str())),
            None => r["reason"].as_str() == Some(c.reason.as_str()),
        };
        let action_ok = r["action"].as_str() == Some(c.action.as_str());
        tally.n += 1;
        tally.reason += u32::from(accepted);
        tally.action += u32::from(action_ok);
        if !accepted {
            let by = c.matched.split(['"', ' ']).next().unwrap_or("");
            let by = match by {
                "words" => c.matched.split('"').next().unwrap_or("").trim(),
                "text" | "enhanced" | "code" | "class" => by,
                _ => "other",
            };
            let kind = format!(
                "labelled {:<20} as {:<20} by {by}",
                r["reason"].as_str().unwrap_or(""),
                c.reason.as_str()
            );
            *kinds.entry(kind).or_default() += 1;
        }
        if !action_ok {
            let kind = format!(
                "action {:<6} as {:<6} ({}, reason {})",
                r["action"].as_str().unwrap_or(""),
                c.action.as_str(),
                if code.is_some() || status.is_some() {
                    "with a code"
                } else {
                    "no code"
                },
                if accepted { "agrees" } else { "differs" }
            );
            *kinds.entry(kind).or_default() += 1;
        }
        if misses && (!accepted || !action_ok) {
            println!(
                "miss {} {}: labelled {}/{}, classified {}/{} ({})\n    {}",
                r["source"].as_str().unwrap_or(""),
                r["id"].as_str().unwrap_or(""),
                r["reason"].as_str().unwrap_or(""),
                r["action"].as_str().unwrap_or(""),
                c.reason,
                c.action,
                c.matched,
                r["text"].as_str().unwrap_or("")
            );
        }
    }
    Ok(tally)
}

fn jsonl_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    Ok(files)
}

fn run(dir: &Path, misses: bool, show_kinds: bool) -> Result<(), String> {
    // source -> (open, blind)
    let mut sources: BTreeMap<String, (Tally, Tally)> = BTreeMap::new();
    let (mut open_kinds, mut blind_kinds) = (BTreeMap::new(), BTreeMap::new());
    for path in jsonl_files(dir)? {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        sources.entry(name).or_default().0 = measure(&path, misses, &mut open_kinds)?;
    }
    let blind = dir.join("blind");
    if blind.is_dir() {
        for path in jsonl_files(&blind)? {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            sources.entry(name).or_default().1 = measure(&path, false, &mut blind_kinds)?;
        }
    }
    println!(
        "{:<22} {:>5} {:>7} {:>7}   {:>5} {:>7} {:>7}",
        "source", "open", "reason", "action", "blind", "reason", "action"
    );
    let (mut open_all, mut blind_all) = (Tally::default(), Tally::default());
    for (name, (open, blind)) in &sources {
        println!("{name:<22} {}   {}", open.cells(), blind.cells());
        open_all.add(*open);
        blind_all.add(*blind);
    }
    println!("{:<22} {}   {}", "all", open_all.cells(), blind_all.cells());
    let gap = Tally::pct(open_all.reason, open_all.n) - Tally::pct(blind_all.reason, blind_all.n);
    let action_gap =
        Tally::pct(open_all.action, open_all.n) - Tally::pct(blind_all.action, blind_all.n);
    println!(
        "{} sources; gap open - blind: reason {gap:+.1} points, action {action_gap:+.1} points",
        sources.len()
    );
    print_batches(dir, &sources)?;
    if show_kinds {
        for (half, kinds) in [("open", &open_kinds), ("blind", &blind_kinds)] {
            let mut rows: Vec<(&String, &u32)> = kinds.iter().collect();
            rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            println!("\ndisagreements of the {half} half, by kind:");
            for (kind, n) in rows {
                println!("{n:>4}  {kind}");
            }
        }
    }
    Ok(())
}

/// Each batch of `batches.json` (the sources added together), summed over its sources.
fn print_batches(dir: &Path, sources: &BTreeMap<String, (Tally, Tally)>) -> Result<(), String> {
    let path = dir.join("batches.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let batches = doc["batches"].as_array().cloned().unwrap_or_default();
    // Every source in exactly one batch, so that a new source is not left out of the account.
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for batch in &batches {
        for name in batch["sources"].as_array().into_iter().flatten() {
            *seen.entry(name.as_str().unwrap_or("")).or_default() += 1;
        }
    }
    for name in sources.keys() {
        match seen.get(name.as_str()) {
            Some(1) => {}
            Some(_) => return Err(format!("{}: {name} is in two batches", path.display())),
            None => return Err(format!("{}: {name} is in no batch", path.display())),
        }
    }
    println!("\nby batch, in the order the sources were added:");
    for (n, batch) in batches.iter().enumerate() {
        let (mut open, mut blind) = (Tally::default(), Tally::default());
        let names = batch["sources"].as_array().cloned().unwrap_or_default();
        for name in &names {
            let name = name.as_str().unwrap_or("");
            let (o, b) = sources
                .get(name)
                .ok_or_else(|| format!("{}: no source {name:?}", path.display()))?;
            open.add(*o);
            blind.add(*b);
        }
        println!(
            "{:<22} {}   {}  {}",
            format!("batch {n}"),
            open.cells(),
            blind.cells(),
            batch["name"].as_str().unwrap_or("")
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let misses = args.iter().any(|a| a == "--misses");
    let kinds = args.iter().any(|a| a == "--kinds");
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map_or_else(|| PathBuf::from("tests/corpus"), PathBuf::from);
    match run(&dir, misses, kinds) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("agreement: {e}");
            ExitCode::from(2)
        }
    }
}
