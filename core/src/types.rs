//! The enums of the public contract: every value crosses into Python and JavaScript as its
//! `snake_case` string, so each enum has `as_str()`, `FromStr` and an `ALL` list.

/// Declares a public enum whose values are `snake_case` strings on the wire.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident as $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order (the contract's table order).
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// Every value's name on the wire, in the order of [`ALL`](Self::ALL).
            pub const NAMES: &'static [&'static str] = &[ $( $text, )+ ];

            /// The value's name on the wire (JSON, Python, JavaScript).
            pub const fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text, )+ }
            }

            /// The value's position in [`ALL`](Self::ALL), for compact encodings across FFI.
            pub const fn index(self) -> usize {
                self as usize
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::Error;

            fn from_str(s: &str) -> Result<Self, $crate::Error> {
                match s {
                    $( $text => Ok($name::$variant), )+
                    _ => Err($crate::Error::InvalidName { what: $what, input: s.to_owned() }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// The same declaration for the enums of other modules (`logs`).
pub(crate) use string_enum;

string_enum! {
    /// How far the reply got, from its basic code (else from the enhanced code's class).
    pub enum Severity as "severity" {
        /// 2xx: the command was accepted.
        Success = "success",
        /// 3xx: accepted so far, more input expected.
        Intermediate = "intermediate",
        /// 4xx: failed for now; the same command may succeed later.
        Transient = "transient",
        /// 5xx: failed; repeating the same command will fail again.
        Permanent = "permanent",
        /// No code anywhere in the input.
        Unknown = "unknown",
    }
}

string_enum! {
    /// What kind of failure it was, for the person who reads the bounce.
    pub enum Bounce as "bounce" {
        /// Nothing failed.
        None = "none",
        /// A temporary condition; the address is fine.
        Soft = "soft",
        /// The address or its domain is permanently undeliverable.
        Hard = "hard",
        /// Refused because of the sender, the message or a policy, not the address.
        Block = "block",
    }
}

string_enum! {
    /// What to do with this message now.
    pub enum Action as "action" {
        /// Nothing failed; nothing to do.
        None = "none",
        /// Try this message again later.
        Retry = "retry",
        /// Give up on this message.
        Bounce = "bounce",
    }
}

string_enum! {
    /// Who has to act for mail to get through.
    pub enum Fault as "fault" {
        /// Nothing failed.
        None = "none",
        /// The recipient's address or mailbox.
        Recipient = "recipient",
        /// The sending side: its IP, domain, authentication, configuration or volume.
        Sender = "sender",
        /// The message itself: content, format, size.
        Message = "message",
        /// The receiving server, which has a problem of its own.
        Remote = "remote",
        /// The path between the two: DNS, routing, connections.
        Network = "network",
        /// Not known.
        Unknown = "unknown",
    }
}

string_enum! {
    /// Why a reply failed (or that it did not), in the taxonomy of the contract.
    pub enum Reason as "reason" {
        /// Accepted (2xx, 3xx).
        Delivered = "delivered",
        /// The mailbox does not exist or the address is invalid.
        UserUnknown = "user_unknown",
        /// The recipient domain does not exist or cannot be routed.
        HostUnknown = "host_unknown",
        /// The mailbox has moved, with no forwarding.
        HasMoved = "has_moved",
        /// The domain or host accepts no mail at all (null MX, 521, 556).
        NotAccept = "not_accept",
        /// The account exists but is disabled, suspended or inactive.
        MailboxDisabled = "mailbox_disabled",
        /// The sending service refused: the address is on its suppression list.
        Suppressed = "suppressed",
        /// The mailbox is over quota.
        MailboxFull = "mailbox_full",
        /// Greylisting: retry shortly from the same host.
        Greylisted = "greylisted",
        /// Too many messages or connections: sending too fast.
        RateLimited = "rate_limited",
        /// Too many recipients in one transaction.
        TooManyRecipients = "too_many_recipients",
        /// The server is shutting down, in maintenance or overloaded.
        ServiceUnavailable = "service_unavailable",
        /// A local error on the receiving side.
        SystemError = "system_error",
        /// The receiving system is out of storage.
        SystemFull = "system_full",
        /// DNS failure, no route, connection lost, routing loop.
        NetworkError = "network_error",
        /// Delivery time expired after repeated failures.
        Expired = "expired",
        /// The sending IP or host is blocked.
        Blocked = "blocked",
        /// Refused because of the sender's IP or domain reputation.
        BadReputation = "bad_reputation",
        /// SPF, DKIM or DMARC failed.
        AuthFailure = "auth_failure",
        /// The sending IP has no valid reverse DNS.
        RequirePtr = "require_ptr",
        /// The envelope sender address is refused.
        SenderRejected = "sender_rejected",
        /// Relaying denied.
        RelayDenied = "relay_denied",
        /// STARTTLS or another TLS requirement failed.
        TlsRequired = "tls_required",
        /// The server requires SMTP AUTH.
        AuthRequired = "auth_required",
        /// SMTP AUTH credentials were rejected.
        AuthInvalid = "auth_invalid",
        /// The message was judged spam.
        SpamDetected = "spam_detected",
        /// The message carries malware.
        VirusDetected = "virus_detected",
        /// Headers, format or attachments refused, or not RFC 5322 compliant.
        ContentRejected = "content_rejected",
        /// The message is too big.
        MessageTooLarge = "message_too_large",
        /// Refused by a local policy not covered by another reason.
        PolicyViolation = "policy_violation",
        /// Another security refusal.
        SecurityError = "security_error",
        /// The server did not accept the command or its arguments.
        SyntaxError = "syntax_error",
        /// Nothing more specific is known: decided from the class digit alone.
        Unknown = "unknown",
    }
}

string_enum! {
    /// The SMTP command a reply answered, when the caller or a wrapper says so.
    pub enum Command as "command" {
        /// The greeting after the connection opened.
        Connect = "connect",
        /// `HELO`, `EHLO` or `LHLO`.
        Helo = "helo",
        /// `STARTTLS`.
        Starttls = "starttls",
        /// `AUTH`.
        Auth = "auth",
        /// `MAIL FROM`.
        Mail = "mail",
        /// `RCPT TO`.
        Rcpt = "rcpt",
        /// `DATA`, `BDAT` or the end of the message data.
        Data = "data",
        /// Any other command (`RSET`, `VRFY`, `QUIT`, ...).
        Other = "other",
    }
}

string_enum! {
    /// What the reporting MTA did for a recipient (RFC 3464 `Action:`).
    pub enum DsnAction as "dsn action" {
        /// Delivery failed; the MTA gave up.
        Failed = "failed",
        /// Delivery is delayed; the MTA keeps trying.
        Delayed = "delayed",
        /// Delivered.
        Delivered = "delivered",
        /// Relayed to a system that sends no DSNs.
        Relayed = "relayed",
        /// Delivered and expanded to other addresses (a list or alias).
        Expanded = "expanded",
    }
}

/// The first waits, in seconds, of the documented default retry schedule: what `classify` gives
/// as `retry_after` when the reply states no wait, and what `RetryPolicy::DEFAULT` starts
/// from. They live here, beside the reasons, so that the decision never depends on the retry
/// policy (the policy depends on the decision).
pub(crate) mod first_waits {
    /// Any retried reason without a wait of its own.
    pub const ANY: u32 = 900;
    /// `greylisted`: greylisting lets a retry through after a few minutes.
    pub const GREYLISTED: u32 = 300;
    /// `rate_limited`: a sending rate recovers over tens of minutes.
    pub const RATE_LIMITED: u32 = 1_800;
    /// `mailbox_full`: a full mailbox empties over hours.
    pub const MAILBOX_FULL: u32 = 3_600;
}

impl Reason {
    /// The default schedule's first wait for a reply with this reason ([`first_waits`]).
    pub(crate) const fn first_wait(self) -> u32 {
        match self {
            Reason::Greylisted => first_waits::GREYLISTED,
            Reason::RateLimited => first_waits::RATE_LIMITED,
            Reason::MailboxFull => first_waits::MAILBOX_FULL,
            _ => first_waits::ANY,
        }
    }
}

/// What a reason implies when nothing more is known, as the contract's reason table states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReasonDefaults {
    pub bounce: Bounce,
    pub fault: Fault,
    /// A 5xx reply with this reason is still worth retrying.
    pub temporary_in_practice: bool,
    /// A reply with this reason and no code at all, whose words say neither delay nor
    /// permanence, is retried.
    pub retried_without_code: bool,
}

impl Reason {
    pub(crate) const fn defaults(self) -> ReasonDefaults {
        use Bounce::{Block, Hard, None as BNone, Soft};
        use Fault::{Message, Network, None as FNone, Recipient, Remote, Sender, Unknown};
        let (bounce, fault, temporary_in_practice) = match self {
            Reason::Delivered => (BNone, FNone, false),
            Reason::UserUnknown
            | Reason::HostUnknown
            | Reason::HasMoved
            | Reason::NotAccept
            | Reason::MailboxDisabled
            | Reason::Suppressed => (Hard, Recipient, false),
            Reason::MailboxFull => (Soft, Recipient, true),
            Reason::Greylisted | Reason::ServiceUnavailable | Reason::SystemFull => {
                (Soft, Remote, true)
            }
            Reason::RateLimited | Reason::TooManyRecipients => (Soft, Sender, true),
            Reason::SystemError => (Soft, Remote, false),
            Reason::NetworkError | Reason::Expired => (Soft, Network, false),
            Reason::Blocked
            | Reason::BadReputation
            | Reason::AuthFailure
            | Reason::RequirePtr
            | Reason::SenderRejected
            | Reason::RelayDenied
            | Reason::TlsRequired
            | Reason::AuthRequired
            | Reason::AuthInvalid
            | Reason::PolicyViolation
            | Reason::SecurityError
            | Reason::SyntaxError => (Block, Sender, false),
            Reason::SpamDetected
            | Reason::VirusDetected
            | Reason::ContentRejected
            | Reason::MessageTooLarge => (Block, Message, false),
            Reason::Unknown => (Soft, Unknown, false),
        };
        // With no code, a soft reason is retried and any other given up on, except two. A TLS
        // failure is then the sending MTA's own finding about one connection (no STARTTLS
        // offered, a certificate or DANE check that failed), on which MTAs keep the message
        // queued: Postfix sends its "TLS is required, but was not offered" with 450. Too many
        // recipients is worth retrying within SMTP, where a 452 asks for the rest in another
        // transaction; with no code it is a list's or a gateway's refusal of a message that
        // names too many (Mailman's "trim the recipient list"), which it would meet again.
        let retried_without_code = match self {
            Reason::TlsRequired => true,
            Reason::TooManyRecipients => false,
            _ => matches!(bounce, Soft),
        };
        ReasonDefaults {
            bounce,
            fault,
            temporary_in_practice,
            retried_without_code,
        }
    }

    /// The reason's default bounce type (before the 4xx and 2xx/3xx adjustments).
    pub const fn default_bounce(self) -> Bounce {
        self.defaults().bounce
    }

    /// Who has to act, by default, for this reason.
    pub const fn default_fault(self) -> Fault {
        self.defaults().fault
    }

    /// A short human title for the reason, used when the reply carries no code at all.
    pub const fn title(self) -> &'static str {
        REASON_PROSE[self.index()].0
    }

    /// What to do about a failure of this reason: the default `advice` of a classification.
    pub const fn advice(self) -> &'static str {
        REASON_PROSE[self.index()].1
    }
}

// The titles and advice, from data/reasons.toml.
include!(concat!(env!("OUT_DIR"), "/reasons.rs"));

impl Severity {
    /// The severity of a basic reply code (or an enhanced code's class digit).
    pub const fn from_class(class: u16) -> Severity {
        match class {
            2 => Severity::Success,
            3 => Severity::Intermediate,
            4 => Severity::Transient,
            5 => Severity::Permanent,
            _ => Severity::Unknown,
        }
    }
}
