#!/usr/bin/env python3
"""Write examples/mail.log: a synthetic, realistic mail log for smtpcodes' `scan` example.

One day of an outbound mail server, as three MTAs would log it, mixed in one file: mostly
Postfix (classic syslog lines, plus a second `postfix-out` instance whose syslog writes RFC 3339
timestamps), some Exim main-log lines and some Sendmail lines. Most lines are not delivery
results, as in a real log: connections, `cleanup`, `qmgr`, `smtpd`, TLS, DKIM, IMAP logins,
inbound rejections. The delivery results cover a few hundred recipients on example domains,
sent through MX hosts named like the big providers' (Gmail, Outlook, Yahoo, iCloud) and generic
ones, with real-world reply texts: sent, deferred (greylisting with a stated wait, rate limits,
421, timeouts), bounced (unknown user, full or disabled mailbox, DMARC, blocklists, spam, relay
denied, host not found, too large) and expired.

Deterministic (fixed seed): running it again writes the same bytes. Addresses are in
192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32; recipients are on example
domains. It also writes tests/logs/sample-counts.json, the delivery records per format and
status that core/tests/logs.rs expects the reader to find, and prints them.

Usage: python3 scripts/make-sample-log.py [--seed N] [--out examples/mail.log]
"""

import argparse
import datetime as dt
import json
import os
import random
import string
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SENDER_IP = "192.0.2.10"
DAY = dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc)
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789ABCDEF"

# Recipient domains: (domain, provider, [(MX host, address)]); `None`: the domain does not exist.
DOMAINS = [
    (
        "example.org",
        "google",
        [
            ("gmail-smtp-in.l.google.com", "203.0.113.26"),
            ("alt1.gmail-smtp-in.l.google.com", "2001:db8:4860::1b"),
        ],
    ),
    ("acme.example", "google", [("aspmx.l.google.com", "203.0.113.27")]),
    (
        "corp.example.com",
        "microsoft",
        [("corp-example-com.mail.protection.outlook.com", "203.0.113.40")],
    ),
    (
        "school.example",
        "microsoft",
        [("school-example.mail.protection.outlook.com", "203.0.113.41")],
    ),
    (
        "example.net",
        "yahoo",
        [("mta5.am0.yahoodns.net", "203.0.113.60"), ("mta6.am0.yahoodns.net", "203.0.113.61")],
    ),
    (
        "shop.example.net",
        "apple",
        [("mx01.mail.icloud.com", "203.0.113.80"), ("mx02.mail.icloud.com", "203.0.113.81")],
    ),
    ("example.com", "generic", [("mx.example.com", "198.51.100.30")]),
    ("lists.example.org", "generic", [("mx.lists.example.org", "198.51.100.31")]),
    ("clinic.example", "greylist", [("mx1.clinic.example", "198.51.100.60")]),
    ("mail.example", "down", [("mx.mail.example", "198.51.100.77")]),
    ("old.example.com", "norelay", [("mx.old.example.com", "192.0.2.200")]),
    ("nonexistent.example.net", "nohost", None),
]
DOMAIN_WEIGHTS = [18, 6, 8, 5, 10, 5, 12, 4, 5, 3, 2, 2]

# fmt: off
FIRST = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yvonne", "zoe",
    "amir", "bea", "chen", "dmitri", "elena", "fatima", "goran", "hana", "igor", "jonas", "kira",
    "lars", "mei", "noor", "oscar", "pia", "quinn", "ravi", "sofia",
]
LAST = [
    "smith", "jones", "garcia", "muller", "rossi", "dubois", "novak", "tanaka", "silva",
    "kowalski", "andersen", "okafor", "haddad", "lindqvist", "moreau", "petrov",
]
# fmt: on


def syslog_time(t):
    return f"{t:%b} {t.day:2d} {t:%H:%M:%S}"


def iso_time(t):
    return f"{t:%Y-%m-%dT%H:%M:%S.%f}+00:00"


def exim_time(t):
    return f"{t:%Y-%m-%d %H:%M:%S}"


def seconds(s):
    return dt.timedelta(seconds=s)


class Log:
    """Lines with their times, sorted at the end; counts the delivery records written."""

    def __init__(self):
        self.events = []
        self.counts = {}
        self.recipients = 0

    def add(self, t, line):
        self.events.append((t, len(self.events), line))

    def record(self, fmt, status, recipients=1):
        per = self.counts.setdefault(fmt, {})
        per[status] = per.get(status, 0) + 1
        self.recipients += recipients

    def lines(self):
        return [line for _, _, line in sorted(self.events)]


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.log = Log()
        self.pids = {}
        self.recipients = self.make_recipients()

    # -- identifiers ---------------------------------------------------------------------------

    def pick(self, alphabet, n):
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def pid(self, prog):
        if prog not in self.pids or self.rng.random() < 0.05:
            self.pids[prog] = self.rng.randint(1200, 65000)
        return self.pids[prog]

    def postfix_qid(self, long_ids):
        if long_ids:
            return "4" + self.pick(B62[:52] + string.digits, 14)
        return self.pick(HEX, 10)

    def sendmail_qid(self, t):
        stamp = B62[t.hour] + B62[t.minute] + B62[t.second]
        return f"4AN{stamp}{self.pick(string.ascii_letters, 2)}{self.rng.randint(0, 999999):06d}"

    def exim_id(self):
        return f"1t{self.pick(B62, 4)}-{self.pick(B62, 6)}-{self.pick(B62, 2)}"

    def gsmtp(self):
        r = self.rng
        a, b = r.choice(string.ascii_lowercase), r.choice(string.ascii_lowercase)
        n1, n2, n3 = r.randint(10, 99), r.randint(1000000, 9999999), r.randint(10, 99)
        return f"{a}{b}{n1}si{n2}.{n3} - gsmtp"

    def ms_host(self):
        r = self.rng
        a, b, c = r.randint(1, 9), r.randint(1000, 9999), r.randint(1, 9)
        return f"AM0PR{a:02d}MB{b:04d}.eurprd{c:02d}.prod.outlook.com"

    # -- recipients ----------------------------------------------------------------------------

    def make_recipients(self):
        """320 addresses, each with a fate that every attempt to it shares."""
        r = self.rng
        out = []
        seen = set()
        while len(out) < 320:
            first, last = r.choice(FIRST), r.choice(LAST)
            local = r.choice(
                [first, f"{first}.{last}", first[0] + last, f"{first}{r.randint(1, 99)}"]
            )
            domain = r.choices(DOMAINS, weights=DOMAIN_WEIGHTS)[0]
            address = f"{local}@{domain[0]}"
            if address in seen:
                continue
            seen.add(address)
            fate = r.choices(["ok", "unknown", "full", "disabled"], weights=[86, 9, 3, 2])[0]
            out.append((address, domain, fate))
        return out

    # -- replies -------------------------------------------------------------------------------

    def outcome(self, rcpt, domain, fate, attempt):
        """(status, kind, reply, command) of one delivery attempt; no reply for local errors."""
        r = self.rng
        provider = domain[1]
        draw = r.random()
        if provider == "nohost":
            return ("bounced", "nohost", None, None)
        if provider == "down":
            return ("deferred", r.choice(["timeout", "timeout", "refused"]), None, None)
        if provider == "norelay":
            return ("bounced", "relay", f"554 5.7.1 <{rcpt}>: Relay access denied", "RCPT TO")
        if fate == "unknown":
            return ("bounced", "unknown", self.reply_unknown(provider, rcpt), "RCPT TO")
        if fate == "disabled":
            return ("bounced", "disabled", self.reply_disabled(provider, rcpt), "RCPT TO")
        if fate == "full":
            if provider == "google":
                reply = (
                    "452-4.2.2 The recipient's inbox is out of storage space. Please direct the "
                    "452-4.2.2 recipient to 452 4.2.2  "
                    "https://support.google.com/mail/?p=OverQuotaTemp " + self.gsmtp()
                )
                return ("deferred", "full", reply, "RCPT TO")
            reply = f"552 5.2.2 <{rcpt}>: Recipient address rejected: Mailbox full"
            return ("bounced", "full", reply, "RCPT TO")
        if provider == "greylist" and attempt == 0:
            wait = r.choice([60, 120, 300, 600])
            reply = r.choice(
                [
                    f"450 4.2.0 <{rcpt}>: Recipient address rejected: Greylisted, see "
                    "https://postgrey.schweikert.ch/help/clinic.example.html",
                    f"451 4.7.1 <{rcpt}>: Recipient address rejected: Greylisted, "
                    f"try again in {wait} seconds",
                    "451 4.7.1 Greylisting in action, please come back in "
                    f"{wait // 3600:02d}:{wait // 60 % 60:02d}:00",
                ]
            )
            return ("deferred", "greylist", reply, "RCPT TO")
        if draw < 0.035:
            return ("bounced", "policy", self.reply_policy(provider), "end of DATA")
        if draw < 0.07 and provider in ("google", "yahoo", "microsoft"):
            command = "MAIL FROM" if provider == "yahoo" else "end of DATA"
            return ("deferred", "ratelimit", self.reply_ratelimit(provider), command)
        if draw < 0.085:
            reply = r.choice(
                [
                    "421 4.3.2 Service not available, closing transmission channel",
                    "421 4.7.0 Try again later, closing connection.",
                ]
            )
            return ("deferred", "unavailable", reply, "MAIL FROM")
        if draw < 0.09:
            reply = "552 5.3.4 Message size exceeds fixed maximum message size"
            return ("bounced", "toolarge", reply, "end of DATA")
        return ("sent", "ok", self.reply_ok(provider), "end of DATA")

    def reply_ok(self, provider):
        r = self.rng
        if provider == "google":
            return f"250 2.0.0 OK  {1795400000 + r.randint(0, 86400)} {self.gsmtp()}"
        if provider == "microsoft":
            n, word = r.randint(10**8, 10**9), self.pick(string.ascii_lowercase, 8)
            internal, host = r.randint(10**12, 10**13), self.ms_host()
            size, ms, kb, kb_frac = (
                r.randint(3000, 90000),
                r.randint(10, 999),
                r.randint(10, 500),
                r.randint(0, 999),
            )
            return (
                f"250 2.6.0 <{n}.{word}@mail.example.com> [InternalId={internal}, Hostname={host}] "
                f"{size} bytes in 0.{ms:03d}, {kb}.{kb_frac:03d} KB/sec Queued mail for delivery"
            )
        if provider == "yahoo":
            return "250 ok dirdel"
        return f"250 2.0.0 Ok: queued as {self.pick(HEX, 10)}"

    def reply_unknown(self, provider, rcpt):
        if provider == "google":
            return (
                "550-5.1.1 The email account that you tried to reach does not exist. Please try "
                "550-5.1.1 double-checking the recipient's email address for typos or "
                "550-5.1.1 unnecessary spaces. For more information, go to "
                "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser " + self.gsmtp()
            )
        if provider == "microsoft":
            return self.rng.choice(
                [
                    f"550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient {rcpt} not found by "
                    "SMTP address lookup",
                    "550 5.4.1 Recipient address rejected: Access denied. For more information "
                    f"see https://aka.ms/EXOSmtpErrors [{self.ms_host()}]",
                ]
            )
        if provider == "yahoo":
            return (
                f"554 delivery error: dd This user doesn't have a yahoo.com account ({rcpt}) [0] "
                f"- mta{self.rng.randint(1000, 1999)}.mail.bf1.yahoo.com"
            )
        if provider == "apple":
            return f"550 5.1.1 <{rcpt}>: user does not exist"
        return (
            f"550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table"
        )

    def reply_disabled(self, provider, rcpt):
        if provider == "google":
            return (
                "550-5.2.1 The email account that you tried to reach is disabled. "
                "550 5.2.1  https://support.google.com/mail/?p=DisabledUser " + self.gsmtp()
            )
        if provider == "yahoo":
            return (
                f"554 delivery error: dd Sorry your message to {rcpt} cannot be delivered. This "
                "mailbox is disabled (554.30). "
                f"- mta{self.rng.randint(1000, 1999)}.mail.bf1.yahoo.com"
            )
        return f"550 5.2.1 <{rcpt}>: Recipient address rejected: account is disabled"

    def reply_policy(self, provider):
        r = self.rng
        if provider == "google":
            return r.choice(
                [
                    "550-5.7.26 Unauthenticated email from example.com is not accepted due to "
                    "550-5.7.26 domain's DMARC policy. Please contact the administrator of "
                    "550-5.7.26 example.com domain if this was a legitimate mail. "
                    "To learn about the "
                    "550-5.7.26 DMARC initiative, go to "
                    "550 5.7.26  https://support.google.com/mail/?p=DmarcRejection " + self.gsmtp(),
                    f"550-5.7.1 [{SENDER_IP}      12] Our system has detected that this message is "
                    "550-5.7.1 likely unsolicited mail. "
                    "To reduce the amount of spam sent to Gmail, "
                    "550-5.7.1 this message has been blocked. For more information, go to "
                    "550 5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError "
                    + self.gsmtp(),
                ]
            )
        if provider == "microsoft":
            return r.choice(
                [
                    f"550 5.7.1 Unfortunately, messages from [{SENDER_IP}] weren't sent. Please "
                    "contact your Internet service provider since part of their network is on our "
                    "block list (S3150). You can also refer your provider to "
                    f"http://mail.live.com/mail/troubleshooting.aspx#errors. [{self.ms_host()}]",
                    "550 5.7.509 Access denied, sending domain example.com does not pass DMARC "
                    f"verification and has a DMARC policy of reject. [{self.ms_host()}]",
                ]
            )
        if provider == "yahoo":
            return (
                "554 5.7.9 Message not accepted for policy reasons.  "
                "See https://postmaster.yahooinc.com/error-codes"
            )
        if provider == "apple":
            return (
                "554 5.7.1 [CS01] Message rejected due to local policy. "
                "Please visit https://support.apple.com/en-us/HT204137"
            )
        return r.choice(
            [
                f"554 5.7.1 Service unavailable; Client host [{SENDER_IP}] blocked using "
                f"zen.spamhaus.org; https://www.spamhaus.org/query/ip/{SENDER_IP}",
                "550 5.7.1 Message rejected as spam by Content Filtering.",
            ]
        )

    def reply_ratelimit(self, provider):
        if provider == "google":
            return (
                f"421-4.7.28 [{SENDER_IP}      15] Our system has detected an unusual rate of "
                "421-4.7.28 unsolicited mail originating from your IP address. To protect our "
                "421-4.7.28 users from spam, mail sent from your IP address has been temporarily "
                "421-4.7.28 rate limited. Please visit "
                "421-4.7.28  https://support.google.com/mail/?p=UnsolicitedRateLimitError to "
                "421 4.7.28 review our Bulk Email Senders Guidelines. " + self.gsmtp()
            )
        if provider == "yahoo":
            return (
                f"421 4.7.0 [TSS04] Messages from {SENDER_IP} temporarily deferred due to "
                "unexpected volume or user complaints - 4.16.55.1; "
                "see https://postmaster.yahooinc.com/error-codes"
            )
        return (
            f"451 4.7.650 The mail server [{SENDER_IP}] has been temporarily rate limited due to "
            "IP reputation. For e-mail delivery information, see https://postmaster.live.com "
            f"(S775) [{self.ms_host()}]"
        )

    # -- Postfix -------------------------------------------------------------------------------

    def postfix_logger(self, instance):
        """A function writing one line of a Postfix instance: `postfix` on host `mail` with
        classic syslog times, or `postfix-out` on host `mx2` with RFC 3339 times."""
        multi = instance == "postfix-out"
        host = "mx2" if multi else "mail"
        stamp = iso_time if multi else syslog_time

        def line(when, prog, msg):
            pid = self.pid(instance + prog)
            self.log.add(when, f"{stamp(when)} {host} {instance}/{prog}[{pid}]: {msg}")

        return line, stamp, host

    def postfix_message(self, t, instance):
        r = self.rng
        line, stamp, host = self.postfix_logger(instance)
        qid = self.postfix_qid(instance == "postfix-out")
        client, cip = r.choice(
            [
                ("app1.example.com", "192.0.2.50"),
                ("app2.example.com", "192.0.2.51"),
                ("crm.example.com", "192.0.2.52"),
            ]
        )
        sender = r.choice(
            [
                "news@example.com",
                "billing@example.com",
                "noreply@example.com",
                "support@example.com",
            ]
        )
        rcpts = r.sample(self.recipients, r.choice([1, 1, 1, 1, 2, 2, 3]))
        line(t, "smtpd", f"connect from {client}[{cip}]")
        t += seconds(r.uniform(0.05, 0.3))
        user = sender.split("@")[0]
        line(t, "smtpd", f"{qid}: client={client}[{cip}], sasl_method=PLAIN, sasl_username={user}")
        t += seconds(r.uniform(0.05, 0.3))
        line(t, "cleanup", f"{qid}: message-id=<{t:%Y%m%d%H%M%S}.{qid}@example.com>")
        if r.random() < 0.5:
            pid = self.pid("opendkim")
            self.log.add(
                t,
                f"{stamp(t)} {host} opendkim[{pid}]: {qid}: "
                "DKIM-SIGNATURE field added (s=mail, d=example.com)",
            )
        t += seconds(r.uniform(0.01, 0.1))
        size = r.randint(2500, 90000)
        line(t, "qmgr", f"{qid}: from=<{sender}>, size={size}, nrcpt={len(rcpts)} (queue active)")
        line(
            t + seconds(0.2),
            "smtpd",
            f"disconnect from {client}[{cip}] ehlo=1 auth=1 mail=1 rcpt={len(rcpts)} data=1 "
            f"quit=1 commands={5 + len(rcpts)}",
        )
        arrival = last = t
        for rcpt, domain, fate in rcpts:
            when = t + seconds(r.uniform(0.3, 4))
            # Deferred recipients are retried through the day, up to four attempts.
            for attempt in range(4):
                status, kind, reply, command = self.outcome(rcpt, domain, fate, attempt)
                self.postfix_delivery(
                    line, when, arrival, qid, rcpt, domain, status, kind, reply, command
                )
                last = max(last, when)
                if status != "deferred" or attempt == 3:
                    break
                when += seconds(r.choice([300, 600, 900, 1800, 3600]) + r.uniform(0, 60))
                if when.date() != DAY.date():
                    break
            if status == "bounced":
                self.postfix_dsn(line, when + seconds(0.1), qid, sender)
        line(last + seconds(0.5), "qmgr", f"{qid}: removed")

    def postfix_expiring(self, t):
        """A message queued five days ago to a domain that never answers: its last deferral,
        then qmgr gives up (`status=expired`, a message-level line) and bounces it."""
        r = self.rng
        line, _, _ = self.postfix_logger("postfix")
        qid = self.postfix_qid(False)
        sender = r.choice(["news@example.com", "billing@example.com"])
        rcpt, domain, _ = r.choice([x for x in self.recipients if x[1][1] == "down"])
        arrival = t - dt.timedelta(days=5, seconds=r.uniform(0, 3000))
        size = r.randint(2500, 40000)
        line(t, "qmgr", f"{qid}: from=<{sender}>, size={size}, nrcpt=1 (queue active)")
        t += seconds(r.uniform(30, 31))
        self.postfix_delivery(
            line, t, arrival, qid, rcpt, domain, "deferred", "timeout", None, None
        )
        t += seconds(r.uniform(0.1, 1))
        line(t, "qmgr", f"{qid}: from=<{sender}>, status=expired, returned to sender")
        self.log.record("postfix", "expired", 0)
        self.postfix_dsn(line, t + seconds(0.1), qid, sender)
        line(t + seconds(0.5), "qmgr", f"{qid}: removed")

    def postfix_cron(self, t):
        """Local mail: cron's output to root, aliased to a person (`orig_to=`)."""
        line, _, _ = self.postfix_logger("postfix")
        qid = self.postfix_qid(False)
        line(t, "pickup", f"{qid}: uid=0 from=<root>")
        line(t, "cleanup", f"{qid}: message-id=<{t:%Y%m%d%H%M%S}.{qid}@mail.example.com>")
        size = self.rng.randint(600, 3000)
        line(t, "qmgr", f"{qid}: from=<root@mail.example.com>, size={size}, nrcpt=1 (queue active)")
        t += seconds(0.05)
        line(
            t,
            "local",
            f"{qid}: to=<ops@mail.example.com>, orig_to=<root>, relay=local, delay=0.07, "
            "delays=0.03/0.01/0/0.03, dsn=2.0.0, status=sent (delivered to maildir)",
        )
        self.log.record("postfix", "sent")
        line(t, "qmgr", f"{qid}: removed")

    def postfix_delivery(
        self, line, when, arrival, qid, rcpt, domain, status, kind, reply, command
    ):
        r = self.rng
        name, _, mxs = domain
        if kind == "nohost":
            text = (
                "Host or domain name not found. "
                f"Name service error for name={name} type=A: Host not found"
            )
            relay, dsn = "none", "5.4.4"
        elif kind in ("timeout", "refused"):
            mx, ip = mxs[0]
            words = "Connection timed out" if kind == "timeout" else "Connection refused"
            line(
                when - seconds(30 if kind == "timeout" else 0.1),
                "smtp",
                f"connect to {mx}[{ip}]:25: {words}",
            )
            text = f"connect to {mx}[{ip}]:25: {words}"
            if r.random() < 0.3:
                text = "delivery temporarily suspended: " + text
            relay, dsn = "none", "4.4.1"
        else:
            mx, ip = r.choice(mxs)
            relay = f"{mx}[{ip}]:25"
            if r.random() < 0.6:
                trust = r.choice(["Trusted", "Verified", "Untrusted"])
                line(
                    when - seconds(0.2),
                    "smtp",
                    f"{trust} TLS connection established to {mx}[{ip}]:25: TLSv1.3 with cipher "
                    "TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 "
                    "server-signature RSA-PSS (2048 bits) server-digest SHA256",
                )
            if status == "sent":
                text = reply
            else:
                text = f"host {mx}[{ip}] said: {reply} (in reply to {command} command)"
            dsn = enhanced_of(reply, status)
        conn = f", conn_use={r.randint(2, 9)}" if r.random() < 0.1 and relay != "none" else ""
        d1, d3, d4 = (
            round(r.uniform(0, 0.2), 2),
            round(r.uniform(0.1, 1.5), 2),
            round(r.uniform(0.1, 2), 2),
        )
        delays = f"{d1}/0.01/{d3}/{d4 if relay != 'none' else 0}"
        delay = fmt_delay((when - arrival).total_seconds())
        line(
            when,
            "smtp",
            f"{qid}: to=<{rcpt}>, relay={relay}{conn}, delay={delay}, delays={delays}, "
            f"dsn={dsn}, status={status} ({text})",
        )
        self.log.record("postfix", status)

    def postfix_dsn(self, line, t, qid, sender):
        """The bounce message back to the (local) sender, delivered over LMTP."""
        dsn_qid = self.postfix_qid(False)
        line(t, "cleanup", f"{dsn_qid}: message-id=<{t:%Y%m%d%H%M%S}.{dsn_qid}@mail.example.com>")
        line(t, "bounce", f"{qid}: sender non-delivery notification: {dsn_qid}")
        size = self.rng.randint(4000, 9000)
        line(t, "qmgr", f"{dsn_qid}: from=<>, size={size}, nrcpt=1 (queue active)")
        t2 = t + seconds(self.rng.uniform(0.05, 0.2))
        line(
            t2,
            "lmtp",
            f"{dsn_qid}: to=<{sender}>, relay=mail.example.com[private/dovecot-lmtp], delay=0.12, "
            "delays=0.01/0.01/0.02/0.08, dsn=2.0.0, "
            f"status=sent (250 2.0.0 <{sender}> {self.pick(B62, 22)} Saved)",
        )
        self.log.record("postfix", "sent")
        line(t2, "qmgr", f"{dsn_qid}: removed")

    # -- Exim ----------------------------------------------------------------------------------

    def exim(self, t, msg):
        self.log.add(t, f"{exim_time(t)} {msg}")

    def exim_message(self, t):
        r = self.rng
        mid = self.exim_id()
        sender = r.choice(["alerts@lists.example.org", "digest@lists.example.org"])
        rcpts = r.sample(self.recipients, r.choice([1, 1, 2, 3]))
        port, count = r.randint(30000, 60000), r.randint(1, 4)
        self.exim(
            t,
            f"SMTP connection from app3.example.com [192.0.2.53]:{port} "
            f"(TCP/IP connection count = {count})",
        )
        t += seconds(1)
        size = r.randint(2000, 60000)
        self.exim(
            t,
            f"{mid} <= {sender} H=app3.example.com [192.0.2.53] P=esmtpsa "
            f"X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=plain:{sender.split('@')[0]} S={size} "
            f"id={t:%Y%m%d%H%M%S}.{mid}@lists.example.org",
        )
        self.exim(t, "SMTP connection from app3.example.com [192.0.2.53] closed by QUIT")
        bounced = False
        previous_domain = None
        for rcpt, domain, fate in rcpts:
            t += seconds(r.uniform(0.5, 3))
            status, kind, reply, command = self.outcome(rcpt, domain, fate, 0)
            name, provider, mxs = domain
            parent = " <members@lists.example.org>" if r.random() < 0.25 else ""
            if kind == "nohost":
                self.exim(t, f"{mid} ** {rcpt}{parent}: Unrouteable address")
                self.log.record("exim", "bounced")
                bounced = True
                continue
            if kind in ("timeout", "refused"):
                errno, words = (
                    (110, "Connection timed out")
                    if kind == "timeout"
                    else (111, "Connection refused")
                )
                self.exim(
                    t, f"{mid} == {rcpt}{parent} R=dnslookup T=remote_smtp defer ({errno}): {words}"
                )
                self.log.record("exim", "deferred")
                continue
            mx, ip = r.choice(mxs)
            host = f"H={mx} [{ip}]"
            tls = " X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes" if provider != "generic" else ""
            if status == "sent":
                flag = "->" if previous_domain == name else "=>"
                confirmation = reply.replace('"', '\\"')
                qt, dt_ = r.randint(1, 5), r.randint(0, 2)
                self.exim(
                    t,
                    f"{mid} {flag} {rcpt}{parent} R=dnslookup T=remote_smtp {host}{tls} "
                    f'C="{confirmation}" QT={qt}s DT={dt_}s',
                )
                self.log.record("exim", "sent")
            else:
                pipelined = "pipelined " if command == "RCPT TO" and r.random() < 0.3 else ""
                after = {
                    "RCPT TO": f"RCPT TO:<{rcpt}>",
                    "MAIL FROM": f"MAIL FROM:<{sender}> SIZE={r.randint(2000, 60000)}",
                    "end of DATA": "end of data",
                }[command]
                err = (
                    f"SMTP error from remote mail server after {pipelined}{after}: "
                    + exim_multiline(reply)
                )
                if status == "deferred":
                    self.exim(
                        t,
                        f"{mid} == {rcpt}{parent} R=dnslookup T=remote_smtp "
                        f"defer (-44) {host}: {err}",
                    )
                    self.log.record("exim", "deferred")
                else:
                    self.exim(
                        t, f"{mid} ** {rcpt}{parent} R=dnslookup T=remote_smtp {host}{tls}: {err}"
                    )
                    self.log.record("exim", "bounced")
                    bounced = True
            previous_domain = name
        if bounced:
            t += seconds(0.5)
            self.exim_bounce_message(t, mid, sender)
        self.exim(t + seconds(0.1), f"{mid} Completed")

    def exim_bounce_message(self, t, mid, sender):
        """The bounce Exim writes back to the local sender."""
        bid = self.exim_id()
        self.exim(t, f"{bid} <= <> R={mid} U=Debian-exim P=local S={self.rng.randint(3000, 9000)}")
        self.exim(t, f"{bid} => {sender.split('@')[0]} <{sender}> R=local_user T=maildir_home")
        self.log.record("exim", "sent")
        self.exim(t, f"{bid} Completed")

    def exim_expiring(self, t):
        """A queue run reaching a message that has waited too long for a host that never answers."""
        r = self.rng
        mid = self.exim_id()
        rcpt, domain, _ = r.choice([x for x in self.recipients if x[1][1] == "down"])
        msg = r.choice(
            [
                "retry time not reached for any host after a long failure period",
                f"all hosts for '{domain[0]}' have been failing for a long time "
                "(and retry time not reached)",
                "retry timeout exceeded",
            ]
        )
        pid = r.randint(2000, 60000)
        self.exim(t, f"Start queue run: pid={pid}")
        t += seconds(0.2)
        if msg.startswith("all hosts"):
            self.exim(t, f"{mid} ** {rcpt}: {msg}")
        else:
            self.exim(t, f"{mid} ** {rcpt} R=dnslookup T=remote_smtp: {msg}")
        self.log.record("exim", "expired")
        self.exim_bounce_message(t, mid, "alerts@lists.example.org")
        self.exim(t, f"{mid} Completed")
        self.exim(t + seconds(1), f"End queue run: pid={pid}")

    # -- Sendmail ------------------------------------------------------------------------------

    def sendmail_message(self, t):
        r = self.rng
        qid = self.sendmail_qid(t)
        sender = "orders@example.com"
        rcpts = r.sample(self.recipients, r.choice([1, 1, 2, 2, 3]))
        pid = self.pid("sm-mta")

        def line(when, msg):
            self.log.add(when, f"{syslog_time(when)} relay sm-mta[{pid}]: {msg}")

        size = r.randint(2000, 50000)
        line(
            t,
            f"{qid}: from=<{sender}>, size={size}, class=0, nrcpts={len(rcpts)}, "
            f"msgid=<{t:%Y%m%d%H%M%S}.{qid}@shop.example.com>, bodytype=8BITMIME, proto=ESMTPS, "
            "daemon=MTA, tls_verify=NONE, auth=NONE, relay=app4.example.com [192.0.2.54]",
        )
        # Sendmail delivers the recipients of one domain in one transaction, on one line,
        # when they share the outcome.
        groups = {}
        for rcpt in rcpts:
            groups.setdefault(rcpt[1][0], []).append(rcpt)
        bounce_text = None
        for name in sorted(groups):
            group = groups[name]
            shared = len(group) > 1 and all(f == "ok" for _, _, f in group)
            for batch in [group] if shared else [[g] for g in group]:
                t += seconds(r.uniform(0.5, 3))
                bounce_text = self.sendmail_line(line, t, qid, batch, sender) or bounce_text
        if bounce_text:
            dsn_qid = self.sendmail_qid(t)
            t += seconds(0.5)
            line(t, f"{qid}: {dsn_qid}: DSN: {bounce_text}")
            line(
                t,
                f"{dsn_qid}: to=<{sender}>, delay=00:00:00, xdelay=00:00:00, mailer=local, "
                "pri=30000, dsn=2.0.0, stat=Sent",
            )
            self.log.record("sendmail", "sent")

    def sendmail_line(self, line, t, qid, group, sender):
        """One delivery line; returns its `stat=` text when it bounced."""
        r = self.rng
        rcpt, domain, fate = group[0]
        name, _, mxs = domain
        status, kind, reply, command = self.outcome(rcpt, domain, fate, 0)
        to = ",".join(f"<{g[0]}>" for g in group)
        delay = f"00:00:{r.randint(0, 9):02d}"
        head = (
            f"{qid}: to={to}, ctladdr=<{sender}> (1001/1001), delay={delay}, xdelay={delay}, "
            f"mailer=esmtp, tls_verify=OK, tls_version=TLSv1.3, pri={r.randint(30000, 150000)}"
        )
        if kind == "nohost":
            text = f"Host unknown (Name server: {name}: host not found)"
            line(t, f"{head}, dsn=5.1.2, stat={text}")
            self.log.record("sendmail", "bounced", len(group))
            return text
        mx, ip = mxs[0] if kind in ("timeout", "refused") else r.choice(mxs)
        relay = f"relay={mx}. [{'IPv6:' + ip if ':' in ip else ip}]"
        if kind in ("timeout", "refused"):
            words = (
                f"Connection timed out with {mx}."
                if kind == "timeout"
                else f"Connection refused by {mx}."
            )
            line(t, f"{head}, {relay}, dsn=4.0.0, stat=Deferred: {words}")
            self.log.record("sendmail", "deferred", len(group))
            return None
        if r.random() < 0.7:
            line(
                t - seconds(0.3),
                f"STARTTLS=client, relay={mx}., version=TLSv1.3, verify=OK, "
                "cipher=TLS_AES_256_GCM_SHA384, bits=256/256",
            )
        dsn = enhanced_of(reply, status)
        if status == "sent":
            # Sendmail keeps the reply's words without its codes.
            words = reply.split(" ", 2)
            rest = words[2] if len(words) > 2 and words[1].count(".") == 2 else reply[4:]
            text = f"Sent ({rest})"
        elif status == "deferred":
            # Sendmail keeps the first line of a multi-line reply.
            text = "Deferred: " + (reply.split(f" {reply[:3]}-")[0] if reply[3:4] == "-" else reply)
        else:
            # Sendmail's own words for the reply code, not the server's.
            user = command == "RCPT TO" and reply[:3] in ("550", "551", "553")
            text = "User unknown" if user else "Service unavailable"
        self.log.record("sendmail", status, len(group))
        line(t, f"{head}, {relay}, dsn={dsn}, stat={text}")
        return text if status == "bounced" else None

    # -- noise ---------------------------------------------------------------------------------

    def noise(self, t):
        """One of the lines that make up most of a real log and are no delivery result."""
        r = self.rng
        kind = r.random()
        ip = f"203.0.113.{r.randint(100, 250)}"
        if kind < 0.3:
            pid, port = self.pid("postscreen"), r.randint(30000, 60000)
            self.log.add(
                t,
                f"{syslog_time(t)} mail postfix/postscreen[{pid}]: CONNECT from [{ip}]:{port} "
                "to [198.51.100.25]:25",
            )
            t6 = t + seconds(6)
            pid, verdict = (
                self.pid("postscreen"),
                r.choice(["PASS OLD", "PASS NEW", "DNSBL rank 3 for"]),
            )
            port = r.randint(30000, 60000)
            self.log.add(
                t6, f"{syslog_time(t6)} mail postfix/postscreen[{pid}]: {verdict} [{ip}]:{port}"
            )
        elif kind < 0.5:
            rcpt = f"{r.choice(FIRST)}@example.com"
            pid, spammer = self.pid("smtpd-in"), r.choice(FIRST)
            helo = r.choice(["localhost", "ylmf-pc", f"[{ip}]"])
            self.log.add(
                t,
                f"{syslog_time(t)} mail postfix/smtpd[{pid}]: NOQUEUE: reject: RCPT from "
                f"unknown[{ip}]: 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in "
                f"virtual mailbox table; from=<{spammer}@spam.example> to=<{rcpt}> proto=ESMTP "
                f"helo=<{helo}>",
            )
        elif kind < 0.65:
            user, rip, mpid = r.choice(FIRST), r.randint(60, 90), r.randint(1000, 60000)
            self.log.add(
                t,
                f"{syslog_time(t)} mail dovecot: imap-login: Login: user=<{user}@example.com>, "
                f"method=PLAIN, rip=192.0.2.{rip}, lip=198.51.100.25, mpid={mpid}, TLS, "
                f"session=<{self.pick(B62, 16)}>",
            )
        elif kind < 0.75:
            pid = self.pid("anvil")
            self.log.add(
                t,
                f"{syslog_time(t)} mail postfix/anvil[{pid}]: statistics: max connection rate "
                f"1/60s for (smtp:{ip}) at {syslog_time(t - seconds(300))}",
            )
        elif kind < 0.85:
            pid, n = self.pid("smtpd-in"), r.randint(1, 999)
            self.log.add(
                t,
                f"{syslog_time(t)} mail postfix/smtpd[{pid}]: warning: hostname "
                f"host-{n}.example.net does not resolve to address {ip}: Name or service not known",
            )
        elif kind < 0.93:
            helo, who, to = r.choice(["localhost", "User"]), r.choice(FIRST), r.choice(FIRST)
            self.exim(
                t,
                f"H=({helo}) [{ip}] F=<{who}@spam.example> rejected RCPT "
                f"<{to}@lists.example.org>: relay not permitted",
            )
        else:
            pid, qid, n = self.pid("sm-mta-in"), self.sendmail_qid(t), r.randint(1, 999)
            self.log.add(
                t,
                f"{syslog_time(t)} relay sm-mta[{pid}]: {qid}: host-{n}.example.net [{ip}] "
                "did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA",
            )

    def run(self):
        r = self.rng
        t = DAY
        end = DAY + dt.timedelta(hours=23, minutes=50)
        while t < end:
            t += seconds(r.expovariate(1 / 200.0))
            which = r.random()
            if which < 0.52:
                self.postfix_message(t, "postfix")
            elif which < 0.66:
                self.postfix_message(t, "postfix-out")
            elif which < 0.68:
                self.postfix_expiring(t)
            elif which < 0.70:
                self.postfix_cron(t)
            elif which < 0.84:
                self.exim_message(t)
            elif which < 0.855:
                self.exim_expiring(t)
            else:
                self.sendmail_message(t)
            for _ in range(r.choice([0, 0, 1, 1, 2])):
                self.noise(t + seconds(r.uniform(0, 60)))
        return self.log


def enhanced_of(reply, status):
    """Postfix's and Sendmail's dsn=: the reply's enhanced code, else the class digit .0.0."""
    words = reply.replace("-", " ", 1).split()
    if len(words) > 1 and words[1].count(".") == 2 and words[1][0] in "245":
        return words[1]
    return {"sent": "2.0.0", "deferred": "4.0.0"}.get(status, "5.0.0")


def exim_multiline(reply):
    """`550-5.1.1 a 550-5.1.1 b 550 5.1.1 c` as Exim logs it: lines joined by a literal \\n."""
    code = reply[:3]
    if reply[3:4] != "-":
        return reply
    for sep in (f" {code}-", f" {code} "):
        reply = reply.replace(sep, "\\n" + sep[1:])
    return reply


def fmt_delay(secs):
    return f"{secs:.1f}" if secs < 10 else f"{int(secs)}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", default=os.path.join(ROOT, "examples", "mail.log"))
    parser.add_argument(
        "--counts", default=os.path.join(ROOT, "tests", "logs", "sample-counts.json")
    )
    args = parser.parse_args()

    log = Gen(args.seed).run()
    lines = log.lines()
    header = [
        "# Synthetic sample mail log for smtpcodes, written by scripts/make-sample-log.py "
        f"(seed {args.seed}).",
        "# One day of an outbound mail server as Postfix (two instances), Exim and Sendmail",
        "# log it, mixed in one file; addresses and domains are documentation ones",
        "# (RFC 5737, RFC 3849, RFC 2606).",
    ]
    text = "\n".join(header + lines) + "\n"
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)

    counts = {
        "file": "examples/mail.log",
        "seed": args.seed,
        "lines": len(header) + len(lines),
        "records": sum(n for per in log.counts.values() for n in per.values()),
        "recipients": log.recipients,
        "by_format": {fmt: dict(sorted(per.items())) for fmt, per in sorted(log.counts.items())},
    }
    os.makedirs(os.path.dirname(args.counts), exist_ok=True)
    with open(args.counts, "w", encoding="utf-8", newline="\n") as f:
        json.dump(counts, f, indent=2)
        f.write("\n")
    json.dump(counts, sys.stdout, indent=2)
    sys.stdout.write(f"\n{len(text.encode())} bytes\n")


if __name__ == "__main__":
    main()
