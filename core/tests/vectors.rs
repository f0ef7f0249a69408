//! Runs the shared, language-neutral vectors of `tests/vectors/*.json` through the Rust API.
//! The Python and Node test suites run the very same files.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use smtpcodes::{check_code, parse_code, Command, Reply};

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

/// Every case of every vector file, with the file it came from.
fn cases() -> Vec<(String, Value)> {
    let mut files: Vec<PathBuf> = fs::read_dir(vectors_dir())
        .expect("tests/vectors exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let doc: Value = serde_json::from_str(&fs::read_to_string(&file).expect("readable"))
            .expect("valid JSON");
        let name = file
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        for case in doc["cases"].as_array().expect("a `cases` array") {
            out.push((name.clone(), case.clone()));
        }
    }
    out
}

/// Runs one case's input; the classification as JSON, or the error's kind.
fn run(input: &Map<String, Value>) -> Result<Value, String> {
    let code = match input.get("code") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => parse_code(s).map_err(|e| e.kind().to_owned())?,
        Some(Value::Number(n)) => Some(
            match n.as_i64() {
                Some(i) => check_code(i),
                None => smtpcodes::check_code_number(n.as_f64().unwrap_or(f64::NAN)),
            }
            .map_err(|e| e.kind().to_owned())?,
        ),
        Some(other) => panic!("vector input code must be a number, a string or null, not {other}"),
    };
    let text = input.get("text").and_then(Value::as_str).unwrap_or("");
    let command = match input.get("command").and_then(Value::as_str) {
        Some(c) => Command::parse_hint(c).map_err(|e| e.kind().to_owned())?,
        None => None,
    };
    let host = input.get("host").and_then(Value::as_str);
    let c = Reply::new(text)
        .maybe_code(code)
        .map_err(|e| e.kind().to_owned())?
        .maybe_command(command)
        .maybe_host(host)
        .classify();
    Ok(serde_json::to_value(&c).expect("serialisable"))
}

const REQUIRED: &[&str] = &[
    "code",
    "enhanced",
    "severity",
    "reason",
    "bounce",
    "action",
    "retry_after",
    "suppress",
    "fault",
    "provider",
];

#[test]
fn every_vector_holds() {
    let cases = cases();
    assert!(cases.len() >= 400, "only {} vectors", cases.len());
    let mut failures = Vec::new();
    for (file, case) in &cases {
        let id = case["id"].as_str().expect("an id");
        let input = case["input"].as_object().expect("an input object");
        match (run(input), case.get("expect"), case.get("error")) {
            (Ok(got), Some(expect), None) => {
                let expect = expect.as_object().expect("expect is an object");
                for key in REQUIRED {
                    assert!(expect.contains_key(*key), "{file} {id}: expect lacks {key}");
                }
                for (key, want) in expect {
                    if got.get(key) != Some(want) {
                        failures.push(format!(
                            "{file} {id}: {key} is {} but the vector says {want}  [reason {} matched {}] text={:?}",
                            got.get(key).unwrap_or(&Value::Null), got["reason"], got["matched"], input.get("text").and_then(Value::as_str).unwrap_or("")
                        ));
                    }
                }
            }
            (Err(kind), None, Some(error)) => {
                if error["kind"] != Value::String(kind.clone()) {
                    failures.push(format!(
                        "{file} {id}: error kind {kind} but the vector says {}",
                        error["kind"]
                    ));
                }
            }
            (Ok(got), None, Some(error)) => failures.push(format!(
                "{file} {id}: expected error {} but got reason {}",
                error["kind"], got["reason"]
            )),
            (Err(kind), Some(_), None) => {
                failures.push(format!("{file} {id}: unexpected error {kind}"));
            }
            _ => failures.push(format!(
                "{file} {id}: a case has exactly one of `expect` and `error`"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn vector_ids_are_unique() {
    let mut seen = std::collections::HashSet::new();
    for (file, case) in cases() {
        let id = case["id"].as_str().expect("an id").to_owned();
        assert!(seen.insert(id.clone()), "{file}: id {id} used twice");
    }
}

/// Every text and provider rule (`data/rules.toml`, `data/providers/`) decides at least one vector, so no rule is
/// dead or untested.
#[test]
fn every_rule_decides_some_vector() {
    let mut used = std::collections::HashSet::new();
    for (_, case) in cases() {
        let input = case["input"].as_object().expect("an input object");
        let code = match input.get("code") {
            Some(Value::Number(n)) => n.as_i64().and_then(|n| check_code(n).ok()),
            Some(Value::String(s)) => parse_code(s).ok().flatten(),
            _ => None,
        };
        let command = input
            .get("command")
            .and_then(Value::as_str)
            .and_then(Command::recognize);
        let Ok(reply) =
            Reply::new(input.get("text").and_then(Value::as_str).unwrap_or("")).maybe_code(code)
        else {
            continue;
        };
        let reply = reply
            .maybe_command(command)
            .maybe_host(input.get("host").and_then(Value::as_str));
        if let Some(id) = smtpcodes::testing::deciding_rule(&reply) {
            used.insert(id);
        }
    }
    let unused: Vec<&str> = smtpcodes::testing::rule_ids()
        .filter(|id| !used.contains(id))
        .collect();
    assert!(
        unused.is_empty(),
        "{} rules decide no vector: {unused:?}",
        unused.len()
    );
}

/// Every basic code of the reference table, and every provider, appears in some vector.
#[test]
fn vectors_cover_every_code_and_provider() {
    let mut codes = std::collections::HashSet::new();
    let mut providers = std::collections::HashSet::new();
    for (_, case) in cases() {
        if let Some(expect) = case.get("expect") {
            if let Some(c) = expect["code"].as_u64() {
                codes.insert(c);
            }
            if let Some(p) = expect["provider"].as_str() {
                providers.insert(p.to_owned());
            }
        }
    }
    let missing: Vec<u16> = (200..=599u16)
        .filter(|&c| smtpcodes::explain_basic(c).registered && !codes.contains(&u64::from(c)))
        .collect();
    assert!(
        missing.is_empty(),
        "reply codes without a vector: {missing:?}"
    );
    let missing: Vec<&str> = smtpcodes::providers()
        .filter(|p| !providers.contains(*p))
        .collect();
    assert!(
        missing.is_empty(),
        "providers without a vector: {missing:?}"
    );
}
