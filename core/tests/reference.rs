//! The reference data (causes, checks, retry, related) and `compare()`: the shared vectors of
//! tests/reference/vectors.json, for the Python and Node tests to read too, and the properties
//! every entry and every pair must have.
//!
//! `SMTPCODES_WRITE_VECTORS=1 cargo test -p smtpcodes --test reference` rewrites the vectors
//! from the current data; review the diff before committing it.

use std::path::PathBuf;

use serde_json::{json, Value};
use smtpcodes::{basic_codes, compare, explain, explain_basic};

/// The codes whose new fields the vectors hold: basic, enhanced of each class, `X.`, and codes
/// no table lists.
const CODES: &[&str] = &[
    "220", "221", "250", "354", "421", "450", "451", "452", "521", "530", "535", "550", "552",
    "553", "554", "556", "5.1.1", "4.1.1", "X.1.1", "5.1.10", "4.2.2", "X.2.2", "5.4.7", "4.7.1",
    "5.7.26", "4.7.26", "X.7.1", "599", "4.6.99",
];

/// The pairs whose differences the vectors hold.
const PAIRS: &[(&str, &str)] = &[
    ("421", "521"),
    ("421", "556"),
    ("221", "521"),
    ("421", "550"),
    ("450", "550"),
    ("452", "552"),
    ("550", "553"),
    ("554", "550"),
    ("550", "5.1.1"),
    ("4.1.1", "5.1.1"),
    ("X.7.26", "X.7.1"),
    ("421", "421"),
];

const ERRORS: &[(&str, &str, &str)] = &[
    ("421", "nope", "invalid_code"),
    ("600", "421", "code_out_of_range"),
    ("421", "", "invalid_code"),
    ("5.1", "550", "invalid_code"),
];

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/reference/vectors.json")
}

/// The new fields of an entry, as JSON.
fn fields(code: &str) -> Value {
    let e = serde_json::to_value(explain(code).expect("valid code")).expect("serialisable");
    let mut out = serde_json::Map::new();
    for k in [
        "code", "causes", "checks", "retry", "related", "who", "seen",
    ] {
        out.insert(k.to_owned(), e[k].clone());
    }
    Value::Object(out)
}

fn differences(a: &str, b: &str) -> Value {
    let c = serde_json::to_value(compare(a, b).expect("valid codes")).expect("serialisable");
    json!({ "differences": c["differences"], "common": c["common"] })
}

fn current() -> Value {
    json!({
        "description": "The reference fields of explain() (causes, checks, retry, related, who, seen) for a few codes, and compare(a, b)'s differences and common ground for the commonly confused pairs, computed from core/data/reference.toml. Errors: compare() refuses a bad code with the kind explain() gives it.",
        "explain": CODES.iter().map(|c| json!({ "input": c, "expect": fields(c) })).collect::<Vec<_>>(),
        "compare": PAIRS.iter().map(|(a, b)| json!({ "a": a, "b": b, "expect": differences(a, b) })).collect::<Vec<_>>(),
        "errors": ERRORS.iter().map(|(a, b, kind)| json!({ "a": a, "b": b, "kind": kind })).collect::<Vec<_>>(),
    })
}

#[test]
fn the_shared_vectors_hold() {
    if std::env::var_os("SMTPCODES_WRITE_VECTORS").is_some() {
        let text = serde_json::to_string_pretty(&current()).expect("serialisable") + "\n";
        std::fs::write(path(), text).expect("writing the vectors");
    }
    let text = std::fs::read_to_string(path()).expect("tests/reference/vectors.json");
    let v: Value = serde_json::from_str(&text).expect("JSON");
    for case in v["explain"].as_array().expect("explain cases") {
        let input = case["input"].as_str().expect("input");
        assert_eq!(fields(input), case["expect"], "explain({input})");
    }
    for case in v["compare"].as_array().expect("compare cases") {
        let (a, b) = (
            case["a"].as_str().expect("a"),
            case["b"].as_str().expect("b"),
        );
        assert_eq!(differences(a, b), case["expect"], "compare({a}, {b})");
    }
    for case in v["errors"].as_array().expect("error cases") {
        let (a, b) = (
            case["a"].as_str().expect("a"),
            case["b"].as_str().expect("b"),
        );
        let e = compare(a, b).expect_err("a bad code");
        assert_eq!(e.kind(), case["kind"], "compare({a:?}, {b:?})");
    }
}

/// The codes the issue names, which the data covers in full.
const COMMON: &[&str] = &[
    "220", "221", "250", "354", "421", "450", "451", "452", "500", "501", "502", "503", "504",
    "521", "530", "535", "550", "551", "552", "553", "554", "555", "556", "X.1.1", "X.1.10",
    "X.2.2", "X.4.7", "X.7.1", "X.7.26",
];

#[test]
fn every_basic_code_has_causes_checks_and_retry() {
    for code in basic_codes() {
        let e = explain_basic(code);
        assert!(e.registered, "{code}");
        assert!(!e.causes.is_empty(), "{code}: no causes");
        assert!(!e.checks.is_empty(), "{code}: no checks");
        let retry = e.retry.expect("a basic code has a retry");
        assert!(matches!(retry.kind, "never" | "queue" | "after_wait"));
        assert!(!e.who.is_empty() && !e.seen.is_empty(), "{code}");
        for r in e.related {
            assert!(
                explain(r).is_ok_and(|x| x.registered),
                "{code}: related {r}"
            );
        }
    }
}

#[test]
fn the_common_codes_are_written_in_full() {
    for code in COMMON {
        let e = explain(code).expect("valid");
        let failure = !code.starts_with('2') && !code.starts_with('3');
        let want = if failure { 2 } else { 1 };
        assert!(e.causes.len() >= want, "{code}: {} causes", e.causes.len());
        assert!(e.checks.len() >= want, "{code}: {} checks", e.checks.len());
        assert!(!e.related.is_empty(), "{code}: no related codes");
        if failure {
            assert!(
                e.checks.iter().any(|c| c.command.is_some()),
                "{code}: no check with a command"
            );
        }
    }
}

#[test]
fn the_class_decides_the_retry_of_an_enhanced_code() {
    assert_eq!(
        explain("5.1.1").expect("valid").retry.map(|r| r.kind),
        Some("never")
    );
    assert_eq!(
        explain("4.1.1").expect("valid").retry.map(|r| r.kind),
        Some("queue")
    );
    // Used with both classes: the class it is sent with decides.
    assert_eq!(explain("X.1.1").expect("valid").retry, None);
    // Used with class 5 alone.
    assert_eq!(
        explain("X.1.10").expect("valid").retry.map(|r| r.kind),
        Some("never")
    );
    // An enhanced code with no reference row still says how its class is retried.
    assert_eq!(
        explain("4.3.2").expect("valid").retry.map(|r| r.kind),
        Some("queue")
    );
    assert_eq!(
        explain("2.1.5").expect("valid").retry.map(|r| r.kind),
        Some("never")
    );
    // 4.7.26: the registry uses X.7.26 with class 5 only; a 4 still means retry.
    assert_eq!(
        explain("4.7.26").expect("valid").retry.map(|r| r.kind),
        Some("queue")
    );
}

#[test]
fn any_two_codes_compare() {
    let mut codes: Vec<String> = basic_codes().map(|c| c.to_string()).collect();
    codes.extend(
        [
            "5.1.1", "4.1.1", "X.1.1", "5.7.26", "2.0.0", "599", "X.7.99",
        ]
        .map(String::from),
    );
    for a in &codes {
        for b in &codes {
            let c = compare(a, b).expect("valid codes");
            let back = compare(b, a).expect("valid codes");
            let aspects = |c: &smtpcodes::Comparison| -> Vec<&str> {
                c.differences.iter().map(|d| d.aspect).collect()
            };
            assert_eq!(aspects(&c), aspects(&back), "{a} {b}");
            if a == b {
                assert!(c.differences.is_empty(), "{a} differs from itself");
            }
            for d in &c.differences {
                assert!(d.a != d.b, "{a} {b}: {} is no difference", d.aspect);
                assert!(d.text.contains(a.as_str()) && d.text.contains(b.as_str()));
            }
        }
    }
}

#[test]
fn the_same_stages_in_another_order_are_no_difference() {
    let c = compare("452", "552").expect("valid");
    assert!(c.differences.iter().all(|d| d.aspect != "seen"), "{c:?}");
    assert!(c.common.iter().any(|s| s.starts_with("Both come")), "{c:?}");
}

#[test]
fn the_421_521_differences_are_the_ones_people_look_for() {
    let c = compare("421", "521").expect("valid");
    let aspects: Vec<&str> = c.differences.iter().map(|d| d.aspect).collect();
    assert_eq!(aspects, ["class", "retry", "who", "fix"]);
    assert_eq!(
        c.differences[1].a,
        "retried on the sending queue's schedule"
    );
    assert_eq!(c.differences[1].b, "never retried");
}
