"""Email-service webhooks: the golden files of tests/webhooks/ (which the Rust and Node suites
run too) through `parse_webhook()`, from the raw body and from the parsed JSON, and its typed
errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from support import REPO

import smtpcodes
from smtpcodes import Classification

FILES = sorted((REPO / "tests" / "webhooks").glob("*.json"))


def body_of(doc: dict[str, Any]) -> bytes:
    if "body_text" in doc:
        text: str = doc["body_text"]
        return text.encode()
    return json.dumps(doc["body"]).encode()


def summary(hook: smtpcodes.Webhook) -> dict[str, Any]:
    """The part of a result the golden files state (the reason of each classification)."""
    events = []
    for e in hook["events"]:
        c = e["classification"]
        assert c is None or isinstance(c, Classification)
        events.append(
            {
                "event": e["event"],
                "recipient": e["recipient"],
                "timestamp": e["timestamp"],
                "message_id": e["message_id"],
                "esp_type": e["esp_type"],
                "suppress": e["suppress"],
                "reason": None if c is None else c.reason,
            }
        )
    return {"esp": hook["esp"], "events": events, "sns_confirmation": hook["sns_confirmation"]}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_golden_file(path: Any) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    body = body_of(doc)
    if "error" in doc:
        with pytest.raises(smtpcodes.NotAWebhookError) as raised:
            smtpcodes.parse_webhook(body)
        assert raised.value.kind == "not_a_webhook"
        assert raised.value.what == doc["error"]
        return
    hook = smtpcodes.parse_webhook(body)
    assert summary(hook) == doc["expect"]
    # The same body as str, and (when it is JSON) as the dict or list a framework parsed.
    assert summary(smtpcodes.parse_webhook(body.decode())) == doc["expect"]
    if "body" in doc:
        assert summary(smtpcodes.parse_webhook(doc["body"])) == doc["expect"]


def test_every_service_and_event_is_listed() -> None:
    assert set(smtpcodes.esps()) == {p.stem.split("-")[0] for p in FILES} - {"error"}
    assert "complaint" in smtpcodes.webhook_events()
    assert "not_a_webhook" in smtpcodes.error_kinds()
    assert smtpcodes.not_a_webhook_whats() == ("not_json", "unknown_payload")


def test_wrong_types_and_sizes_are_typed_errors() -> None:
    with pytest.raises(TypeError):
        smtpcodes.parse_webhook(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        smtpcodes.parse_webhook({"x": object()})
    with pytest.raises(smtpcodes.NotAWebhookError):
        smtpcodes.parse_webhook(b"")
    with pytest.raises(smtpcodes.TooLargeError) as raised:
        smtpcodes.parse_webhook(b" " * (32 * 1024 * 1024 + 1))
    assert raised.value.limit == "max_webhook_bytes"
