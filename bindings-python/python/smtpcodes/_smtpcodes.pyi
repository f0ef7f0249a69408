"""Type stub of the native module (bindings-python/src/lib.rs); `mypy.stubtest` checks it."""

from collections.abc import Iterable
from os import PathLike
from typing import Any, Literal, Protocol, TypeAlias, final

from smtpcodes._contract import (
    Action,
    Bounce,
    BounceFormat,
    Command,
    DeliveryStatus,
    DsnAction,
    ErrorKind,
    Esp,
    ExplanationKind,
    Fault,
    LogFormat,
    LongLines,
    NotABounceWhat,
    NotAWebhookWhat,
    Provider,
    Reason,
    RetryWhy,
    Severity,
    WebhookEventKind,
)
from smtpcodes._types import (
    Comparison,
    Complaint,
    LimitName,
    LogEvent,
    LogRecord,
    ReferenceCause,
    ReferenceCheck,
    ReferenceRetry,
    Webhook,
)

__all__ = [
    "BounceReport",
    "BouncedRecipient",
    "Classification",
    "Explanation",
    "InternalError",
    "InvalidReplyError",
    "LogReader",
    "NotABounceError",
    "NotAWebhookError",
    "RetryDecision",
    "RetryPolicy",
    "TooLargeError",
    "__version__",
    "_classify_arrow",
    "actions",
    "bounce_formats",
    "bounces",
    "classify",
    "classify_many",
    "commands",
    "compare",
    "default_limits",
    "delivery_statuses",
    "dsn_actions",
    "error_kinds",
    "esps",
    "explain",
    "faults",
    "log_formats",
    "not_a_bounce_whats",
    "not_a_webhook_whats",
    "parse_bounce",
    "parse_log_line",
    "parse_webhook",
    "providers",
    "read_log",
    "reasons",
    "retry_whys",
    "severities",
    "warm_up",
    "webhook_events",
]

__version__: str

class InvalidReplyError(ValueError):
    """Malformed input; `kind` is the core's stable slug."""

    kind: ErrorKind

class NotABounceError(ValueError):
    """The email given to `parse_bounce()` is not a bounce; `what` says what it is instead."""

    kind: Literal["not_a_bounce"]
    what: NotABounceWhat

class NotAWebhookError(ValueError):
    """The body given to `parse_webhook()` is not an email service's event payload."""

    kind: Literal["not_a_webhook"]
    what: NotAWebhookWhat

class TooLargeError(ValueError):
    """The input is over one of `parse_bounce()`'s limits; nothing was read from it."""

    kind: Literal["too_large"]
    limit: LimitName | Literal["max_webhook_bytes", "max_webhook_events"]
    max: int

class InternalError(RuntimeError):
    """A bug in smtpcodes (a contained panic), not a fault of the input."""

    kind: Literal["internal"]

@final
class Classification:
    """What a reply means: the result of `classify()`."""

    # @generated begin: Classification::FIELDS (make contract)
    @property
    def code(self) -> int | None: ...
    @property
    def enhanced(self) -> str | None: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def reason(self) -> Reason: ...
    @property
    def bounce(self) -> Bounce: ...
    @property
    def action(self) -> Action: ...
    @property
    def retry_after(self) -> int | None: ...
    @property
    def suppress(self) -> bool: ...
    @property
    def fault(self) -> Fault: ...
    @property
    def provider(self) -> Provider | None: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def advice(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def matched(self) -> str: ...
    # @generated end
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Explanation:
    """The reference entry of a code: the result of `explain()`."""

    @property
    def code(self) -> str: ...
    @property
    def kind(self) -> ExplanationKind: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def when(self) -> str: ...
    @property
    def fix(self) -> str: ...
    @property
    def basic(self) -> tuple[int, ...]: ...
    @property
    def classes(self) -> tuple[int, ...]: ...
    @property
    def class_title(self) -> str | None: ...
    @property
    def subject_title(self) -> str | None: ...
    @property
    def source(self) -> str: ...
    @property
    def registered(self) -> bool: ...
    @property
    def causes(self) -> list[ReferenceCause]: ...
    @property
    def checks(self) -> list[ReferenceCheck]: ...
    @property
    def retry(self) -> ReferenceRetry | None: ...
    @property
    def related(self) -> tuple[str, ...]: ...
    @property
    def who(self) -> tuple[str, ...]: ...
    @property
    def seen(self) -> tuple[str, ...]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class RetryDecision:
    """What to do next with a message: the result of `RetryPolicy.decide()`."""

    @property
    def action(self) -> Action: ...
    @property
    def retry_after(self) -> int | None: ...
    @property
    def why(self) -> RetryWhy: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class RetryPolicy:
    """The retry schedule; every keyword left out (or `None`) takes the core's default."""

    # @generated begin: RetryPolicy::SETTINGS (make contract)
    def __new__(
        cls,
        *,
        first_delay: int | None = None,
        backoff: float | None = None,
        max_delay: int | None = None,
        max_age: int | None = None,
        greylist_delay: int | None = None,
        rate_limit_delay: int | None = None,
        rate_limit_backoff: float | None = None,
        mailbox_full_delay: int | None = None,
        max_attempts: int | None = None,
        soft_bounce_limit: int | None = None,
        jitter: float | None = None,
        seed: int | None = None,
    ) -> RetryPolicy: ...
    @property
    def first_delay(self) -> int: ...
    @property
    def backoff(self) -> float: ...
    @property
    def max_delay(self) -> int: ...
    @property
    def max_age(self) -> int: ...
    @property
    def greylist_delay(self) -> int: ...
    @property
    def rate_limit_delay(self) -> int: ...
    @property
    def rate_limit_backoff(self) -> float: ...
    @property
    def mailbox_full_delay(self) -> int: ...
    @property
    def max_attempts(self) -> int | None: ...
    @property
    def soft_bounce_limit(self) -> int: ...
    @property
    def jitter(self) -> float: ...
    @property
    def seed(self) -> int: ...
    # @generated end
    def decide(self, c: Classification, attempts: int, elapsed: int) -> RetryDecision: ...
    def should_suppress(self, c: Classification, consecutive_soft_bounces: int) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class BouncedRecipient:
    """One recipient a bounce reports on: an item of `BounceReport.recipients`."""

    @property
    def recipient(self) -> str: ...
    @property
    def original_recipient(self) -> str | None: ...
    @property
    def action(self) -> DsnAction: ...
    @property
    def status(self) -> str | None: ...
    @property
    def remote_mta(self) -> str | None: ...
    @property
    def diagnostic(self) -> str: ...
    @property
    def arrival_date(self) -> str | None: ...
    @property
    def last_attempt_date(self) -> str | None: ...
    @property
    def classification(self) -> Classification: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class BounceReport:
    """What `parse_bounce()` read from a bounce email."""

    @property
    def format(self) -> BounceFormat: ...
    @property
    def reporting_mta(self) -> str | None: ...
    @property
    def original_message_id(self) -> str | None: ...
    @property
    def recipients(self) -> tuple[BouncedRecipient, ...]: ...
    @property
    def complaints(self) -> list[Complaint]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def classify(
    code: int | str | None,
    text: str | bytes = "",
    *,
    command: str | None = None,
    host: str | None = None,
) -> Classification: ...

_Code: TypeAlias = int | str | None
_Text: TypeAlias = str | bytes
_Item: TypeAlias = (
    tuple[_Code, _Text]
    | tuple[_Code, _Text, str | None]
    | tuple[_Code, _Text, str | None, str | None]
)

def classify_many(items: Iterable[_Item]) -> list[Classification]: ...
def explain(code: int | str) -> Explanation: ...

# Private, not API: `smtpcodes.classify_arrow` wraps it. Arrow arrays (`__arrow_c_array__`) in,
# the (schema, array) PyCapsules of a struct array out.
def _classify_arrow(codes: object, texts: object) -> tuple[object, object]: ...
def parse_bounce(
    message: bytes | bytearray | memoryview | str,
    *,
    max_email_bytes: int | None = None,
    max_header_bytes: int | None = None,
    max_parts: int | None = None,
    max_depth: int | None = None,
    max_recipients: int | None = None,
) -> BounceReport: ...
def default_limits() -> dict[LimitName, int]: ...

class _BinaryFile(Protocol):
    def read(self, size: int, /) -> bytes: ...

@final
class LogReader:
    """What `read_log()` returns: the events of a log, read a line at a time."""

    def __iter__(self) -> LogReader: ...
    def __next__(self) -> LogEvent: ...
    @property
    def lines_read(self) -> int: ...
    @property
    def lines_truncated(self) -> int: ...
    @property
    def lines_skipped(self) -> int: ...

def parse_log_line(
    line: str | bytes | bytearray | memoryview, *, max_line_bytes: int | None = None
) -> LogRecord | None: ...
def read_log(
    log: str | bytes | bytearray | memoryview | PathLike[str] | _BinaryFile,
    *,
    max_line_bytes: int | None = None,
    long_lines: LongLines | None = None,
) -> LogReader: ...
def compare(a: int | str, b: int | str) -> Comparison: ...
def parse_webhook(
    body: bytes | bytearray | memoryview | str | dict[str, Any] | list[Any],
) -> Webhook: ...
def warm_up() -> None: ...

# Private, not API: does nothing with `classify`'s arguments; bench/python_bench.py times it as
# the cost of crossing into the extension alone. Not exported by `smtpcodes`.
def _noop(
    code: int | str | None,
    text: str | bytes = "",
    *,
    command: str | None = None,
    host: str | None = None,
) -> None: ...
def severities() -> tuple[Severity, ...]: ...
def reasons() -> tuple[Reason, ...]: ...
def bounces() -> tuple[Bounce, ...]: ...
def actions() -> tuple[Action, ...]: ...
def faults() -> tuple[Fault, ...]: ...
def commands() -> tuple[Command, ...]: ...
def retry_whys() -> tuple[RetryWhy, ...]: ...
def dsn_actions() -> tuple[DsnAction, ...]: ...
def bounce_formats() -> tuple[BounceFormat, ...]: ...
def not_a_bounce_whats() -> tuple[NotABounceWhat, ...]: ...
def error_kinds() -> tuple[ErrorKind, ...]: ...
def not_a_webhook_whats() -> tuple[NotAWebhookWhat, ...]: ...
def esps() -> tuple[Esp, ...]: ...
def webhook_events() -> tuple[WebhookEventKind, ...]: ...
def log_formats() -> tuple[LogFormat, ...]: ...
def delivery_statuses() -> tuple[DeliveryStatus, ...]: ...
def providers() -> tuple[str, ...]: ...
