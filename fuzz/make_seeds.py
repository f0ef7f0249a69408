#!/usr/bin/env python3
"""Writes the large, generated fuzz seeds: multi-recipient DSNs, text bounces, mboxes and gzip.

    python3 fuzz/make_seeds.py OUT_DIR

They are made here rather than committed because they are big and fully determined by this
script. `make fuzz` copies them beside the committed seeds of each target.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path


def dsn(n: int, diagnostics: bool) -> bytes:
    human = "".join(
        f"<user{i}@example.org>: host mx{i % 7}.example.org[192.0.2.{i % 250}] said: "
        f"550 5.1.1 <user{i}@example.org>: Recipient address rejected: User unknown\r\n\r\n"
        for i in range(n)
    )
    fields = "Reporting-MTA: dns; mx.example.net\r\nArrival-Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n"
    for i in range(n):
        fields += f"Final-Recipient: rfc822; user{i}@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        if diagnostics:
            fields += f"Diagnostic-Code: smtp; 550 5.1.1 user{i}: no such user\r\n"
        fields += "\r\n"
    return (
        "From: MAILER-DAEMON@example.net\r\nTo: sender@example.com\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        f"--b\r\nContent-Type: text/plain\r\n\r\n{human}"
        f"--b\r\nContent-Type: message/delivery-status\r\n\r\n{fields}"
        "--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <m1@example.com>\r\n"
        "To: user0@example.org\r\n--b--\r\n"
    ).encode()


def text_bounce(n: int) -> bytes:
    body = "".join(f"<user{i}@example.org>:\r\n550 5.1.1 mailbox unavailable\r\n\r\n" for i in range(n))
    return (
        "From: MAILER-DAEMON@example.net\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\n"
        f"This is the mail system at host mx.example.net.\r\n\r\n{body}"
        "------ This is a copy of the message, including all the headers. ------\r\n"
        "To: user0@example.org\r\nMessage-ID: <m1@example.com>\r\n"
    ).encode()


def postfix_log(n: int) -> bytes:
    return "".join(
        f"Jan  1 00:{i // 60 % 60:02}:{i % 60:02} mx postfix/smtp[{100 + i}]: Q{i:08X}: "
        f"to=<user{i}@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1, "
        f"dsn=5.1.1, status=bounced (host mx.example.org[192.0.2.1] said: 550 5.1.1 user unknown "
        "(in reply to RCPT TO command))\n"
        for i in range(n)
    ).encode()


def main() -> int:
    out = Path(sys.argv[1])
    seeds = {
        "parse_bounce/gen-dsn-300-no-diagnostics": dsn(300, False),
        "parse_bounce/gen-dsn-300": dsn(300, True),
        "parse_bounce/gen-text-1000": text_bounce(1000),
        "log_line/gen-postfix-1000": postfix_log(1000),
        "scan_readers/gen-mbox": b"".join(b"From MAILER-DAEMON Mon Jan  1 00:00:00 2024\n" + dsn(3, i % 2 == 0) + b"\n" for i in range(20)),
        "scan_readers/gen-mbox.gz": gzip.compress(b"From MAILER-DAEMON Mon Jan  1 00:00:00 2024\n" + dsn(50, False), mtime=0),
        "scan_readers/gen-log.gz": gzip.compress(postfix_log(500), mtime=0),
        "scan_readers/gen-dsn.eml": dsn(20, False),
    }
    for name, data in seeds.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"{len(seeds)} generated seeds in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
