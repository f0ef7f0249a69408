"""The contract's enum values as `Literal` types, and the log records' `TypedDict`s.

At run time every enum-valued field is a plain `str`; these aliases say which strings. The
test `tests/python/test_types.py` fails when a list here drifts from the core's, and prints
the line to paste. A log record is a plain `dict` (its keys are those of the record's JSON);
`LogRecord` and the events of `read_log()` say what it holds.
"""

from typing import TYPE_CHECKING, Literal, TypeAlias, TypedDict

if TYPE_CHECKING:
    from smtpcodes._smtpcodes import Classification, Explanation

Severity: TypeAlias = Literal["success", "intermediate", "transient", "permanent", "unknown"]

Reason: TypeAlias = Literal[
    "delivered",
    "user_unknown",
    "host_unknown",
    "has_moved",
    "not_accept",
    "mailbox_disabled",
    "suppressed",
    "mailbox_full",
    "greylisted",
    "rate_limited",
    "too_many_recipients",
    "service_unavailable",
    "system_error",
    "system_full",
    "network_error",
    "expired",
    "blocked",
    "bad_reputation",
    "auth_failure",
    "require_ptr",
    "sender_rejected",
    "relay_denied",
    "tls_required",
    "auth_required",
    "auth_invalid",
    "spam_detected",
    "virus_detected",
    "content_rejected",
    "message_too_large",
    "policy_violation",
    "security_error",
    "syntax_error",
    "unknown",
]

Bounce: TypeAlias = Literal["none", "soft", "hard", "block"]

Action: TypeAlias = Literal["none", "retry", "bounce"]

Fault: TypeAlias = Literal["none", "recipient", "sender", "message", "remote", "network", "unknown"]

Command: TypeAlias = Literal["connect", "helo", "starttls", "auth", "mail", "rcpt", "data", "other"]

RetryWhy: TypeAlias = Literal[
    "nothing_failed",
    "not_retryable",
    "max_attempts",
    "max_age",
    "stated_wait",
    "backoff",
    "final_attempt",
]

ErrorKind: TypeAlias = Literal[
    "invalid_code",
    "code_out_of_range",
    "invalid_command",
    "invalid_name",
    "invalid_policy",
    "not_a_bounce",
    "not_a_webhook",
    "too_large",
    "internal",
]

ExplanationKind: TypeAlias = Literal["basic", "enhanced"]

DsnAction: TypeAlias = Literal["failed", "delayed", "delivered", "relayed", "expanded"]

BounceFormat: TypeAlias = Literal["dsn", "ses", "arf", "text"]

NotABounceWhat: TypeAlias = Literal["not_an_email", "auto_reply", "no_delivery_failure"]

NotAWebhookWhat: TypeAlias = Literal["not_json", "unknown_payload"]

Esp: TypeAlias = Literal[
    "ses",
    "sendgrid",
    "mailgun",
    "postmark",
    "sparkpost",
    "mailjet",
    "brevo",
    "resend",
    "mandrill",
    "postal",
]

WebhookEventKind: TypeAlias = Literal[
    "bounce", "delay", "complaint", "delivered", "rejected", "unsubscribe"
]

LimitName: TypeAlias = Literal[
    "max_email_bytes",
    "max_header_bytes",
    "max_parts",
    "max_depth",
    "max_recipients",
    "max_line_bytes",
]

LogFormat: TypeAlias = Literal["postfix", "exim", "sendmail"]

DeliveryStatus: TypeAlias = Literal[
    "sent",
    "deferred",
    "bounced",
    "expired",
    "soft_bounce",
    "deliverable",
    "undeliverable",
]

LongLines: TypeAlias = Literal["skip", "cut"]


class LogRecord(TypedDict):
    """One per-recipient delivery result of a mail log (`parse_log_line()`, `read_log()`)."""

    format: LogFormat
    timestamp: str | None
    queue_id: str
    sender: str | None
    message_id: str | None
    recipient: str | None
    recipients: list[str]
    original_recipient: str | None
    relay: str | None
    status: DeliveryStatus
    dsn: str | None
    text: str
    classification: "Classification"


class LogRecordEvent(TypedDict):
    """A delivery record of the log, at its line (1-based, counting every line)."""

    event: Literal["record"]
    line: int
    record: LogRecord


class LongLineEvent(TypedDict):
    """A line longer than `max_line_bytes`, skipped whole (`long_lines="skip"`)."""

    event: Literal["long_line"]
    line: int
    bytes: int


LogEvent: TypeAlias = LogRecordEvent | LongLineEvent


class ReferenceCause(TypedDict):
    """A common cause of a code (`Explanation.causes`)."""

    title: str
    text: str


class ReferenceCheck(TypedDict):
    """A diagnostic step (`Explanation.checks`), with the command to run where there is one."""

    text: str
    command: str | None


class ReferenceRetry(TypedDict):
    """Whether and how a client retries after a code (`Explanation.retry`)."""

    kind: Literal["never", "queue", "after_wait"]
    text: str


class Difference(TypedDict):
    """One aspect in which two codes differ (`compare()`)."""

    aspect: Literal["class", "retry", "who", "seen", "fix"]
    a: str
    b: str
    text: str


class Comparison(TypedDict):
    """Two codes side by side (`compare()`): their entries, where they differ, what they share."""

    a: "Explanation"
    b: "Explanation"
    differences: list[Difference]
    common: list[str]


class Complaint(TypedDict):
    """A recipient's complaint (`BounceReport.complaints`): an RFC 5965 abuse report or an SES
    complaint. Stop sending to the address unless `suppress` is false (a `not-spam` report)."""

    recipient: str | None
    feedback_type: str
    user_agent: str | None
    source_ip: str | None
    arrival_date: str | None
    original_mail_from: str | None
    suppress: bool


class WebhookEvent(TypedDict):
    """One recipient's event of an email service's webhook (`parse_webhook()`)."""

    esp: Esp
    event: WebhookEventKind
    recipient: str
    timestamp: str | None
    message_id: str | None
    esp_type: str | None
    suppress: bool
    classification: "Classification | None"


class SnsConfirmation(TypedDict):
    """An SNS subscription or unsubscription confirmation (fetch `subscribe_url` to confirm)."""

    kind: str
    topic_arn: str | None
    subscribe_url: str | None
    token: str | None


class Webhook(TypedDict):
    """What `parse_webhook()` read: the service, its events, or an SNS confirmation."""

    esp: Esp
    events: list[WebhookEvent]
    sns_confirmation: SnsConfirmation | None
