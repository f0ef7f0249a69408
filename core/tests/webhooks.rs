//! Runs the webhook golden files of `tests/webhooks/*.json` (a service's payload, written from
//! its published documentation, and the events expected from it) through `parse_webhook`. The
//! Python and Node suites run the same files.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use smtpcodes::{parse_webhook, parse_webhook_value, Error, Webhook};

fn files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/webhooks");
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("tests/webhooks exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// The part of a result the golden files state: every event field, and the reason of the
/// classification (its other fields are proven by the classification vectors).
fn summary(hook: &Webhook) -> Value {
    let events: Vec<Value> = hook
        .events
        .iter()
        .map(|e| {
            json!({
                "event": e.event.as_str(),
                "recipient": e.recipient,
                "timestamp": e.timestamp,
                "message_id": e.message_id,
                "esp_type": e.esp_type,
                "suppress": e.suppress,
                "reason": e.classification.as_ref().map(|c| c.reason.as_str()),
            })
        })
        .collect();
    json!({
        "esp": hook.esp.as_str(),
        "events": events,
        "sns_confirmation": hook.sns_confirmation,
    })
}

fn body_of(doc: &Value) -> Vec<u8> {
    match doc.get("body_text") {
        Some(text) => text
            .as_str()
            .expect("body_text is a string")
            .as_bytes()
            .to_vec(),
        None => serde_json::to_vec(&doc["body"]).expect("serialisable"),
    }
}

#[test]
fn every_golden_file_holds() {
    let mut failures = Vec::new();
    let files = files();
    assert!(files.len() >= 20, "the golden files are there");
    for file in &files {
        let name = file
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        let doc: Value =
            serde_json::from_str(&fs::read_to_string(file).expect("readable")).expect("valid JSON");
        let got = parse_webhook(&body_of(&doc));
        match (doc.get("error").and_then(Value::as_str), got) {
            (Some(what), Err(Error::NotAWebhook { what: got })) if got.as_str() == what => {}
            (Some(what), other) => failures.push(format!(
                "{name}: expected not_a_webhook/{what}, got {other:?}"
            )),
            (None, Ok(hook)) => {
                let got = summary(&hook);
                if got != doc["expect"] {
                    failures.push(format!(
                        "{name}:\n  expected {}\n  got      {}",
                        doc["expect"], got
                    ));
                }
                // A framework's already-parsed body reads the same.
                if doc.get("body").is_some() {
                    let again = parse_webhook_value(&doc["body"]).expect("the same payload");
                    assert_eq!(again, hook, "{name}: parse_webhook_value differs");
                }
            }
            (None, Err(e)) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_service_has_a_golden_file() {
    let names: Vec<String> = files()
        .iter()
        .map(|f| {
            f.file_name()
                .expect("a file name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    for esp in smtpcodes::webhook::Esp::ALL {
        assert!(
            names
                .iter()
                .any(|n| n.starts_with(&format!("{}-", esp.as_str()))),
            "no golden file for {esp}"
        );
    }
}

#[test]
fn bodies_over_the_limit_are_refused_whole() {
    let body = vec![b' '; smtpcodes::webhook::MAX_WEBHOOK_BYTES + 1];
    assert_eq!(
        parse_webhook(&body),
        Err(Error::TooLarge {
            limit: "max_webhook_bytes",
            max: smtpcodes::webhook::MAX_WEBHOOK_BYTES
        })
    );
    // The webhook limits are not settings, so the message does not ask for a higher one.
    let message = parse_webhook(&body).expect_err("too large").to_string();
    assert!(message.contains("the limit is fixed"), "{message}");
    assert!(!message.contains("raise the limit"), "{message}");
    let one = json!({"email": "a@example.org", "event": "bounce", "sg_event_id": "x", "reason": "550 5.1.1 unknown"});
    let many = Value::Array(vec![one; smtpcodes::webhook::MAX_WEBHOOK_EVENTS + 1]);
    assert!(matches!(
        parse_webhook(&serde_json::to_vec(&many).expect("serialisable")),
        Err(Error::TooLarge {
            limit: "max_webhook_events",
            ..
        })
    ));
}

#[test]
fn wrong_shapes_are_typed_errors_never_panics() {
    for body in [
        &b"null"[..],
        b"[]",
        b"42",
        b"\"text\"",
        b"{\"Type\":\"Notification\",\"Message\":\"not json\"}",
        b"{\"Type\":\"Notification\",\"Message\":7}",
        b"{\"event-data\":7}",
        b"[{\"msys\":7}]",
        b"mandrill_events=%7B",
        b"mandrill_events=[{\"event\":\"hard_bounce\",\"msg\":7,\"ts\":\"x\"}]",
        b"{\"eventType\":\"Bounce\",\"mail\":{},\"bounce\":{\"bouncedRecipients\":[7,{\"emailAddress\":9}]}}",
        b"{\"RecordType\":\"Bounce\",\"Email\":[],\"BouncedAt\":{}}",
    ] {
        match parse_webhook(body) {
            Ok(_) | Err(Error::NotAWebhook { .. }) => {}
            Err(other) => panic!("{}: {other}", String::from_utf8_lossy(body)),
        }
    }
}
