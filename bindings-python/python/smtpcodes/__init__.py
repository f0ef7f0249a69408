"""smtpcodes understands SMTP replies.

Give it what a bounce webhook, a mail log, a DSN or an `smtplib` exception told you, and it
answers the three questions of a bounce handler: retry this message (and when) or give up,
stop mailing this address, and whose problem it is::

    >>> import smtpcodes
    >>> c = smtpcodes.classify(550, "5.1.1 <bob@example.org>: Recipient address rejected")
    >>> c.reason, c.action, c.suppress
    ('user_unknown', 'bounce', True)

The work is done by the Rust crate `smtpcodes`; this package is a thin layer over it, so it
gives the same answer as the Rust and Node packages. See docs/python.md for the whole API.
"""

from smtpcodes._smtpcodes import (
    Classification,
    Explanation,
    InvalidReplyError,
    RetryDecision,
    RetryPolicy,
    __version__,
    actions,
    bounces,
    classify,
    classify_many,
    commands,
    error_kinds,
    explain,
    faults,
    providers,
    reasons,
    retry_whys,
    severities,
    warm_up,
)
from smtpcodes._types import (
    Action,
    Bounce,
    Command,
    ErrorKind,
    ExplanationKind,
    Fault,
    Reason,
    RetryWhy,
    Severity,
)

__all__ = [
    "Action",
    "Bounce",
    "Classification",
    "Command",
    "ErrorKind",
    "Explanation",
    "ExplanationKind",
    "Fault",
    "InvalidReplyError",
    "Reason",
    "RetryDecision",
    "RetryPolicy",
    "RetryWhy",
    "Severity",
    "__version__",
    "actions",
    "bounces",
    "classify",
    "classify_many",
    "commands",
    "error_kinds",
    "explain",
    "faults",
    "providers",
    "reasons",
    "retry_whys",
    "severities",
    "warm_up",
]
