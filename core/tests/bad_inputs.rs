//! The bad-input matrix of `tests/bad_inputs.json`, as the Rust API receives it; the Python and
//! Node suites run the same file. Cases a typed Rust API cannot express are marked `skip`.

use std::path::Path;

use serde_json::Value;
use smtpcodes::{check_code, check_code_number, parse_code, Command, Reply};

fn outcome(case: &Value) -> String {
    let code = match &case["code"] {
        Value::Null => Ok(None),
        Value::String(s) => parse_code(s),
        Value::Number(n) => match n.as_i64() {
            Some(i) => check_code(i).map(Some),
            None => check_code_number(n.as_f64().unwrap_or(f64::NAN)).map(Some),
        },
        other => panic!("{}: a code the Rust API cannot take: {other}", case["id"]),
    };
    let command = case["command"]
        .as_str()
        .map(Command::parse_hint)
        .transpose()
        .map(Option::flatten);
    let text = case["text"].as_str().expect("a text the Rust API can take");
    match (code, command) {
        (Err(e), _) | (_, Err(e)) => e.kind().to_owned(),
        (Ok(code), Ok(command)) => match Reply::new(text).maybe_code(code) {
            Ok(reply) => {
                let c = reply.maybe_command(command).classify();
                assert_eq!(c.suppress, c.bounce == smtpcodes::Bounce::Hard);
                "ok".to_owned()
            }
            Err(e) => e.kind().to_owned(),
        },
    }
}

#[test]
fn the_bad_input_matrix() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/bad_inputs.json");
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the matrix")).expect("JSON");
    let mut ran = 0;
    for case in doc["cases"].as_array().expect("cases") {
        let want = case["expect"]["rust"].as_str().expect("a Rust expectation");
        if want == "skip" {
            continue;
        }
        assert_eq!(outcome(case), want, "{}", case["id"]);
        ran += 1;
    }
    assert!(ran >= 12, "only {ran} cases ran");
}

#[test]
fn numbers_as_codes() {
    assert_eq!(check_code_number(550.0), Ok(550));
    assert_eq!(
        check_code_number(550.5).map_err(|e| e.kind()),
        Err("invalid_code")
    );
    assert_eq!(
        check_code_number(f64::NAN).map_err(|e| e.kind()),
        Err("invalid_code")
    );
    assert_eq!(
        check_code_number(f64::INFINITY).map_err(|e| e.kind()),
        Err("invalid_code")
    );
    assert_eq!(
        check_code_number(1e30).map_err(|e| e.kind()),
        Err("code_out_of_range")
    );
    assert_eq!(
        check_code_number(-550.0).map_err(|e| e.kind()),
        Err("code_out_of_range")
    );
    let message = check_code_number(f64::NEG_INFINITY)
        .expect_err("not a code")
        .to_string();
    assert!(
        message.contains("\"-Infinity\""),
        "echoed as JavaScript writes it: {message}"
    );
}
