"""smtpcodes.contrib.anymail's decisions, on events shaped as django-anymail's (the receiver
under Django and anymail's real webhooks runs in the docs' app: test_docs.py)."""

from __future__ import annotations

from types import SimpleNamespace

from smtpcodes.contrib.anymail import decide, receiver


def event(kind: str, reply: str | None = None, reason: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(
        event_type=kind,
        mta_response=reply,
        reject_reason=reason,
        recipient="bob@example.org",
        message_id="m1",
    )


def test_the_reply_decides_when_there_is_one() -> None:
    d = decide(event("bounced", "550 5.1.1 User unknown", "bounced"), "Postmark")
    assert d is not None
    assert (d.suppress, d.action, d.esp_name) == (True, "bounce", "Postmark")
    assert d.classification is not None and d.classification.reason == "user_unknown"
    # The service calls it a bounce; the reply says the sender is blocklisted: keep the address.
    d = decide(event("bounced", "554 5.7.1 blocked using zen.spamhaus.org", "bounced"), "X")
    assert d is not None and not d.suppress


def test_without_a_reply_the_service_decides() -> None:
    assert decide(event("rejected", None, "invalid"), "X").suppress  # type: ignore[union-attr]
    assert not decide(event("rejected", None, "other"), "X").suppress  # type: ignore[union-attr]
    d = decide(event("deferred", None), "X")
    assert d is not None and (d.action, d.suppress) == ("retry", False)
    d = decide(event("complained"), "X")
    assert d is not None and (d.action, d.suppress) == ("none", True)


def test_engagement_events_get_no_decision() -> None:
    for kind in ("sent", "delivered", "opened", "clicked", "queued"):
        assert decide(event(kind), "X") is None
    got: list[object] = []
    on_tracking = receiver(got.append)
    on_tracking(None, event=event("opened"), esp_name="X")
    on_tracking(None, event=event("bounced", "550 5.1.1 User unknown"), esp_name="X")
    assert len(got) == 1
