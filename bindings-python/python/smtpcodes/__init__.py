"""smtpcodes understands SMTP replies.

Give it what a bounce webhook, a mail log, a DSN or an `smtplib` exception told you, and it
answers the three questions of a bounce handler: retry this message (and when) or give up,
stop mailing this address, and whose problem it is::

    >>> import smtpcodes
    >>> c = smtpcodes.classify(550, "5.1.1 <bob@example.org>: Recipient address rejected")
    >>> c.reason, c.action, c.suppress
    ('user_unknown', 'bounce', True)

`parse_bounce` reads a whole bounce email (a DSN, an MTA's text bounce) and classifies each
recipient it reports on, within documented limits (`default_limits()`).

The work is done by the Rust crate `smtpcodes`; this package is a thin layer over it, so it
gives the same answer as the Rust and Node packages. See docs/python.md for the whole API.
"""

from smtpcodes._smtpcodes import (
    BouncedRecipient,
    BounceReport,
    Classification,
    Explanation,
    InternalError,
    InvalidReplyError,
    NotABounceError,
    RetryDecision,
    RetryPolicy,
    TooLargeError,
    __version__,
    actions,
    bounce_formats,
    bounces,
    classify,
    classify_many,
    commands,
    default_limits,
    dsn_actions,
    error_kinds,
    explain,
    faults,
    not_a_bounce_whats,
    parse_bounce,
    providers,
    reasons,
    retry_whys,
    severities,
    warm_up,
)
from smtpcodes._types import (
    Action,
    Bounce,
    BounceFormat,
    Command,
    DsnAction,
    ErrorKind,
    ExplanationKind,
    Fault,
    LimitName,
    NotABounceWhat,
    Reason,
    RetryWhy,
    Severity,
)

__all__ = [
    "Action",
    "Bounce",
    "BounceFormat",
    "BounceReport",
    "BouncedRecipient",
    "Classification",
    "Command",
    "DsnAction",
    "ErrorKind",
    "Explanation",
    "ExplanationKind",
    "Fault",
    "InternalError",
    "InvalidReplyError",
    "LimitName",
    "NotABounceError",
    "NotABounceWhat",
    "Reason",
    "RetryDecision",
    "RetryPolicy",
    "RetryWhy",
    "Severity",
    "TooLargeError",
    "__version__",
    "actions",
    "bounce_formats",
    "bounces",
    "classify",
    "classify_many",
    "commands",
    "default_limits",
    "dsn_actions",
    "error_kinds",
    "explain",
    "faults",
    "not_a_bounce_whats",
    "parse_bounce",
    "providers",
    "reasons",
    "retry_whys",
    "severities",
    "warm_up",
]
