"""A receiver for django-anymail's `tracking` signal that decides what each delivery event means.

django-anymail turns every email service's webhook into `AnymailTrackingEvent`s. For the events
about delivery failures (`bounced`, `deferred`, `rejected`, `complained`) this module reads the
receiving server's reply (`event.mta_response`) with `smtpcodes.classify` and hands a `Decision`
to your callback: suppress the address or not, retry or give up, and why::

    from smtpcodes.contrib.anymail import connect

    def on_decision(decision):
        if decision.suppress:
            Recipient.objects.update_or_create(
                email=decision.recipient, defaults={"suppressed": True}
            )

    connect(on_decision)  # in your AppConfig.ready()

When the service reports no reply, its own verdict decides: a complaint, an unsubscription and a
rejection for an invalid or previously bounced address suppress; a deferral retries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import smtpcodes

#: The anymail event types a decision is made for; the others (sent, delivered, opened,
#: clicked, ...) say nothing about whether to keep mailing the address.
HANDLED = ("bounced", "deferred", "rejected", "complained", "unsubscribed")

#: anymail's `reject_reason` values that mean the address must not be mailed again.
DEAD_REASONS = ("invalid", "bounced", "spam", "unsubscribed")


@dataclass(frozen=True)
class Decision:
    """What to do about one anymail tracking event."""

    #: The recipient's address, as anymail gives it.
    recipient: str | None
    #: anymail's event type: `bounced`, `deferred`, `rejected`, `complained` or `unsubscribed`.
    event_type: str
    #: The email service (`esp_name`: `"Postmark"`, `"SendGrid"`, ...).
    esp_name: str
    #: The service's message id.
    message_id: str | None
    #: The classification of the receiving server's reply, or `None` when the event has none.
    classification: smtpcodes.Classification | None
    #: Stop mailing this address.
    suppress: bool
    #: `retry` (a deferral: the service is still trying) or `bounce` (the service gave up on
    #: the message); `none` for a complaint or an unsubscription, which are not failures.
    action: str
    #: The anymail event itself.
    event: Any


def decide(event: Any, esp_name: str) -> Decision | None:
    """The decision for one anymail tracking event, or `None` for an event type not in `HANDLED`."""
    kind = getattr(event, "event_type", None)
    if kind not in HANDLED:
        return None
    reply = getattr(event, "mta_response", None)
    c = smtpcodes.classify(None, reply) if isinstance(reply, str) and reply.strip() else None
    # A failed message is lost (`bounce`) unless the service is still trying (`deferred`).
    action = "retry" if kind == "deferred" else "bounce"
    if kind in ("complained", "unsubscribed"):
        suppress, action = True, "none"
    elif c is not None and c.reason != "unknown":
        suppress = c.suppress
    else:
        suppress = getattr(event, "reject_reason", None) in DEAD_REASONS
    return Decision(
        recipient=getattr(event, "recipient", None),
        event_type=kind,
        esp_name=esp_name,
        message_id=getattr(event, "message_id", None),
        classification=c,
        suppress=suppress,
        action=action,
        event=event,
    )


def receiver(callback: Callable[[Decision], object]) -> Callable[..., None]:
    """A receiver for anymail's `tracking` signal that calls `callback` with each decision."""

    def on_tracking(sender: object, event: Any, esp_name: str, **kwargs: object) -> None:
        decision = decide(event, esp_name)
        if decision is not None:
            callback(decision)

    return on_tracking


def connect(
    callback: Callable[[Decision], object], *, dispatch_uid: str = "smtpcodes.contrib.anymail"
) -> Callable[..., None]:
    """Connects a receiver for `callback` to anymail's `tracking` signal (once per
    `dispatch_uid`) and returns it. Needs django-anymail installed."""
    from anymail.signals import tracking  # type: ignore[import-untyped]

    on_tracking = receiver(callback)
    tracking.connect(on_tracking, weak=False, dispatch_uid=dispatch_uid)
    return on_tracking
