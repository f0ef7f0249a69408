'use strict'
// Bounce emails of a given size, for the memory and complexity tests: each function returns
// the email as a string, with `n` recipients.

/** An RFC 3464 DSN whose `n` recipients each have a Diagnostic-Code (5.1.1, user unknown). */
function bounceDsn (n) {
  const lines = [
    'From: MAILER-DAEMON@mx.example.net',
    'To: alice@example.com',
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'I could not deliver your message.',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    ''
  ]
  for (let i = 0; i < n; i++) {
    lines.push(
      `Final-Recipient: rfc822; user${i}@example.org`,
      'Action: failed',
      'Status: 5.1.1',
      `Diagnostic-Code: smtp; 550 5.1.1 <user${i}@example.org>: Recipient address rejected: User unknown`,
      ''
    )
  }
  lines.push('--b--', '')
  return lines.join('\r\n')
}

/**
 * A DSN whose `n` recipients have no Diagnostic-Code, and a human-readable part that names
 * each of them with the server's words: the reader must find each recipient's words in the
 * text (issue 9: quadratic when each recipient searched the whole text again).
 */
function dsnWithoutDiagnostics (n) {
  const lines = [
    'From: MAILER-DAEMON@mx.example.net',
    'To: alice@example.com',
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'I could not deliver your message to the following recipients.',
    ''
  ]
  for (let i = 0; i < n; i++) {
    lines.push(`<user${i}@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command)`, '')
  }
  lines.push('--b', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.example.net', '')
  for (let i = 0; i < n; i++) {
    lines.push(`Final-Recipient: rfc822; user${i}@example.org`, 'Action: failed', 'Status: 5.1.1', '')
  }
  lines.push('--b--', '')
  return lines.join('\r\n')
}

/**
 * A DSN whose `n` recipients have no Diagnostic-Code, and a human-readable part of `n` lines
 * that name other addresses: every search for a recipient's words fails, after reading the
 * whole text if it starts over for each.
 */
function dsnNamingOthers (n) {
  const lines = [
    'From: MAILER-DAEMON@mx.example.net',
    'To: alice@example.com',
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'Delivery to these recipients failed.',
    ''
  ]
  for (let i = 0; i < n; i++) lines.push(`<other${i}@example.net>: 550 5.7.1 Relaying denied`, '')
  lines.push('--b', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.example.net', '')
  for (let i = 0; i < n; i++) {
    lines.push(`Final-Recipient: rfc822; user${i}@example.org`, 'Action: failed', 'Status: 5.1.1', '')
  }
  lines.push('--b--', '')
  return lines.join('\r\n')
}

/** A qmail text bounce (no DSN part) with `n` recipient blocks. */
function textBounce (n) {
  const lines = [
    'From: MAILER-DAEMON@mail.example.com',
    'Subject: failure notice',
    '',
    'Hi. This is the qmail-send program at mail.example.com.',
    "I'm afraid I wasn't able to deliver your message to the following addresses.",
    ''
  ]
  for (let i = 0; i < n; i++) {
    lines.push(`<user${i}@example.org>:`, 'Sorry, no mailbox here by that name. (#5.1.1)', '')
  }
  return lines.join('\n')
}

module.exports = { bounceDsn, dsnWithoutDiagnostics, dsnNamingOthers, textBounce }
