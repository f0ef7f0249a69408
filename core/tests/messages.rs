//! The joiner of `smtpcodes::messages`: lines of one message folded into one account, for
//! Postfix, Exim and Sendmail, and the bound on messages held open.

use smtpcodes::messages::{Joiner, Outcome};
use smtpcodes::{Action, RetryPolicy, RetryWhy};

fn join(log: &str, joiner: &mut Joiner) -> Vec<smtpcodes::messages::Message> {
    for (n, line) in (1..).zip(log.lines()) {
        joiner.line(n, line);
    }
    joiner.finish();
    std::iter::from_fn(|| joiner.pop()).collect()
}

const POSTFIX: &str = "\
Nov 23 04:00:00 mail postfix/cleanup[98]: 4BXyZ12abcz: message-id=<a1@example.com>
Nov 23 04:00:00 mail postfix/qmgr[99]: 4BXyZ12abcz: from=<news@example.com>, size=1234, nrcpt=2 (queue active)
Nov 23 04:00:02 mail postfix/smtp[100]: 4BXyZ12abcz: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=2, delays=0.1/0/1/0.9, dsn=4.2.2, status=deferred (host mx.example.org[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))
Nov 23 04:00:02 mail postfix/smtp[100]: 4BXyZ12abcz: to=<carol@example.net>, relay=mx.example.net[192.0.2.2]:25, delay=2, delays=0.1/0/1/0.9, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.2] said: 550 5.1.1 User unknown (in reply to RCPT TO command))
Nov 23 05:00:02 mail postfix/smtp[100]: 4BXyZ12abcz: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=3602, delays=3600/0/1/1, dsn=4.2.2, status=deferred (host mx.example.org[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))
Nov 23 04:10:00 mail postfix/qmgr[99]: 5CDef34ghij: from=<billing@example.com>, size=99, nrcpt=1 (queue active)
Nov 23 04:10:01 mail postfix/smtp[101]: 5CDef34ghij: to=<dan@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1, delays=0.1/0/0.4/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F1C2)
Nov 23 04:10:01 mail postfix/qmgr[99]: 5CDef34ghij: removed
";

#[test]
fn postfix_lines_join_by_queue_id_and_the_sender_and_message_id_come_from_other_lines() {
    let messages = join(POSTFIX, &mut Joiner::new());
    assert_eq!(messages.len(), 2);
    // Closed by `removed`, so handed out first.
    let done = &messages[0];
    assert_eq!(done.queue_id, "5CDef34ghij");
    assert_eq!(done.sender.as_deref(), Some("billing@example.com"));
    assert_eq!(
        (done.outcome(), done.attempts(), done.complete),
        (Outcome::Delivered, 1, true)
    );
    // Still in the queue at the end of the log: deferred, with a retry ahead.
    let open = &messages[1];
    assert_eq!(open.message_id.as_deref(), Some("a1@example.com"));
    assert_eq!(open.sender.as_deref(), Some("news@example.com"));
    assert_eq!(
        (open.outcome(), open.attempts(), open.complete),
        (Outcome::Deferred, 2, false)
    );
    assert_eq!(open.recipients.len(), 2);
    assert_eq!(open.recipients[1].outcome, Outcome::Bounced);
    assert_eq!(open.elapsed(), Some(3602));
    let deciding = open.deciding().expect("a deciding recipient");
    assert_eq!(deciding.recipient, "bob@example.org");
    let decision = open.decision(&RetryPolicy::default()).expect("a decision");
    assert_eq!(decision.action, Action::Retry);
    assert_eq!(decision.why, RetryWhy::Backoff);
    // Past the policy's age limit, the same message is given up.
    let strict = RetryPolicy {
        max_age: 3600,
        ..RetryPolicy::default()
    };
    assert_eq!(
        open.decision(&strict).map(|d| d.why),
        Some(RetryWhy::MaxAge)
    );
}

#[test]
fn exim_arrivals_name_the_sender_and_id_and_completed_ends_the_message() {
    let log = "\
2026-11-23 00:13:53 1tN8yn-vZuwVU-7E <= alerts@lists.example.org H=app3.example.com [192.0.2.53] P=esmtpsa T=\"a subject id=fake\" S=56011 id=20261123001353.1tN8yn@lists.example.org
2026-11-23 00:13:54 1tN8yn-vZuwVU-7E ** oscar@corp.example.com R=dnslookup T=remote_smtp H=mx.corp.example.com [203.0.113.40]: SMTP error from remote mail server after RCPT TO:<oscar@corp.example.com>: 550 5.1.1 User unknown
2026-11-23 00:13:56 1tN8yn-vZuwVU-7E => igor@example.net R=dnslookup T=remote_smtp H=mx.example.net [203.0.113.60] C=\"250 ok\"
2026-11-23 00:13:59 1tN8yn-vZuwVU-7E Completed
";
    let messages = join(log, &mut Joiner::new());
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(m.sender.as_deref(), Some("alerts@lists.example.org"));
    // The quoted subject's `id=` is not the message's.
    assert_eq!(
        m.message_id.as_deref(),
        Some("20261123001353.1tN8yn@lists.example.org")
    );
    assert_eq!((m.outcome(), m.complete), (Outcome::Bounced, true));
    assert_eq!(m.elapsed(), Some(6));
}

#[test]
fn sendmail_messages_end_when_every_recipient_has_a_final_result() {
    let log = "\
Nov 23 06:00:00 mail sm-mta[300]: 5ANB0012345678: from=<ops@example.com>, size=500, class=0, nrcpts=1, msgid=<s1@example.com>, proto=ESMTP, daemon=MTA, relay=app.example.com [192.0.2.9]
Nov 23 06:00:03 mail sm-mta[301]: 5ANB0012345678: to=<eve@example.org>, delay=00:00:03, xdelay=00:00:02, mailer=esmtp, pri=120500, relay=mx.example.org. [192.0.2.1], dsn=2.0.0, stat=Sent (ok 1234)
";
    let mut joiner = Joiner::new();
    for (n, line) in (1..).zip(log.lines()) {
        joiner.line(n, line);
    }
    // Handed out without `finish`: the one recipient of `nrcpts=1` is done.
    let m = joiner.pop().expect("done");
    assert_eq!(m.message_id.as_deref(), Some("s1@example.com"));
    assert_eq!((m.outcome(), m.complete), (Outcome::Delivered, true));
}

#[test]
fn past_the_bound_the_oldest_message_is_flushed_early_and_counted() {
    let mut joiner = Joiner::with_limits(1, usize::MAX);
    let messages = join(POSTFIX, &mut joiner);
    let stats = joiner.stats();
    assert_eq!(stats.flushed_early, 1, "{stats:?}");
    assert!(messages.iter().any(|m| m.flushed_early));
    assert!(joiner.open_messages() == 0);
    // Every delivery line is still in some message: nothing was dropped.
    let attempts: u32 = messages
        .iter()
        .flat_map(|m| &m.recipients)
        .map(|r| r.attempts)
        .sum();
    assert_eq!(attempts, 4);
}

#[test]
fn the_sample_log_joins_into_messages_with_every_delivery_line_counted_once() {
    let log = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/mail.log"))
        .expect("the sample log");
    let lines = log
        .lines()
        .filter_map(smtpcodes::logs::parse_line)
        .map(|r| r.recipients.len())
        .sum::<usize>();
    let mut joiner = Joiner::new();
    let messages = join(&log, &mut joiner);
    let attempts: usize = messages
        .iter()
        .flat_map(|m| &m.recipients)
        .map(|r| r.attempts as usize)
        .sum();
    let expired_only = messages.iter().filter(|m| m.recipients.is_empty()).count();
    assert_eq!(expired_only, 0);
    assert!(
        attempts <= lines && attempts + 50 >= lines,
        "{attempts} of {lines}"
    );
    assert_eq!(joiner.stats().flushed_early, 0);
    assert!(messages.iter().filter(|m| m.sender.is_some()).count() * 2 > messages.len());
}

#[test]
fn records_handed_over_join_into_the_same_messages_as_lines_read() {
    // Lines with several recipients included: all but the last get copies, the last the
    // record's own strings.
    let log = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/mail.log"))
        .expect("the sample log");
    let log = format!("{POSTFIX}{log}");
    assert!(log
        .lines()
        .filter_map(smtpcodes::logs::parse_line)
        .any(|r| r.recipients.len() > 1));
    let read = join(&log, &mut Joiner::new());
    let mut joiner = Joiner::new();
    for (n, line) in (1..).zip(log.lines()) {
        match smtpcodes::logs::parse_message_line(line) {
            Some(smtpcodes::logs::MessageLine::Delivery(record)) => {
                let c = record.classify();
                joiner.delivery_owned(n, record.into_owned(), c);
            }
            Some(smtpcodes::logs::MessageLine::Info(info)) => joiner.info(n, &info),
            None => {}
        }
    }
    joiner.finish();
    let handed: Vec<_> = std::iter::from_fn(|| joiner.pop()).collect();
    assert!(read.len() > 10);
    assert_eq!(handed, read);
}
