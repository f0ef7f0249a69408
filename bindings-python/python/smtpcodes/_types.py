"""The contract's enum values as `Literal` types, and the `TypedDict`s of plain results.

At run time every enum-valued field is a plain `str`; the aliases say which strings. Those of
the core's value sets are generated into `_contract.py` (`make contract`) and re-exported
here. A log record is a plain `dict` (its keys are those of the record's JSON); `LogRecord`
and the events of `read_log()` say what it holds.
"""

from typing import TYPE_CHECKING, Literal, TypeAlias, TypedDict

from smtpcodes._contract import (
    DeliveryStatus,
    Esp,
    LogFormat,
    WebhookEventKind,
)

if TYPE_CHECKING:
    from smtpcodes._smtpcodes import Classification, Explanation

LimitName: TypeAlias = Literal[
    "max_email_bytes",
    "max_header_bytes",
    "max_parts",
    "max_depth",
    "max_recipients",
    "max_line_bytes",
]


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
