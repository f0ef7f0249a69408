//! Streaming a log: one reused line buffer, long lines cut or skipped, never stored.

use std::io;
use std::io::BufRead;

use memchr::memchr;

use crate::types::string_enum;

use super::{parse_line, LogRecord, OwnedLogRecord};

/// Reads the delivery records of a log, one line at a time, with one reused line buffer:
/// memory stays flat whatever the size of the log (wrap a `.gz` in a decoder first).
///
/// No line is ever buffered past [`LogReader::max_line`] bytes (64 KiB by default). What
/// happens to a longer line is [`LogReader::long_lines`]' choice: by default
/// ([`LongLines::Cut`]) it is cut to that length and counted by
/// [`lines_truncated`](LogReader::lines_truncated); with [`LongLines::Skip`] it is skipped
/// whole, counted by [`lines_skipped`](LogReader::lines_skipped) and reported, with its line
/// number, by [`next_event`](LogReader::next_event). Either way the rest of the line is read
/// and dropped, never stored. Invalid UTF-8 is replaced with U+FFFD; CRLF line ends are
/// accepted.
///
/// As an [`Iterator`] it yields [`OwnedLogRecord`]s (a few small allocations per delivery
/// line, none for the other lines) and ends after the first I/O error. For no allocation at
/// all, call [`LogReader::next_record`], which lends a [`LogRecord`] borrowing the buffer, or
/// use [`for_each_record`].
///
/// ```
/// use smtpcodes::logs::{DeliveryStatus, LogReader};
///
/// let log = "\
/// Nov 23 04:26:01 mail postfix/qmgr[99]: 4BXyZ12abcz: from=<news@example.com>, size=1234, nrcpt=1 (queue active)
/// Nov 23 04:26:02 mail postfix/smtp[100]: 4BXyZ12abcz: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1, delays=0.1/0/0.4/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F1C2)
/// Nov 23 04:26:02 mail postfix/qmgr[99]: 4BXyZ12abcz: removed
/// ";
/// let mut reader = LogReader::new(log.as_bytes());
/// let records: Vec<_> = reader.by_ref().collect::<Result<_, _>>()?;
/// assert_eq!(records.len(), 1);
/// assert_eq!(records[0].status, DeliveryStatus::Sent);
/// assert_eq!(reader.lines_read(), 3);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct LogReader<R> {
    inner: R,
    line: String,
    spare: String,
    max_line: usize,
    long_lines: LongLines,
    lines: u64,
    truncated: u64,
    skipped: u64,
    failed: bool,
}

string_enum! {
    /// What a [`LogReader`] does with a line longer than its [`max_line`](LogReader::max_line).
    #[derive(Default)]
    pub enum LongLines as "long_lines" {
        /// Keep the first `max_line` bytes and read the line as if it ended there (the default:
        /// the reply text of a delivery line comes first, so a cut line still classifies).
        #[default]
        Cut = "cut",
        /// Skip the whole line: it is not parsed, and [`LogReader::next_event`] reports it as a
        /// [`LogEvent::LongLine`]. For readers that must not lose the end of a line unawares.
        Skip = "skip",
    }
}

/// What [`LogReader::next_event`] found on the next line of interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogEvent<'a> {
    /// A delivery record, borrowing the reader's line buffer.
    Record {
        /// The record's line number (1-based, counting every line read).
        line: u64,
        /// The record.
        record: LogRecord<'a>,
    },
    /// A line longer than [`LogReader::max_line`], skipped whole (only with
    /// [`LongLines::Skip`]).
    LongLine {
        /// Its line number.
        line: u64,
        /// Its length in bytes, line end included.
        bytes: u64,
    },
}

/// One step of the reader, before the record is lent out.
enum Step {
    End,
    Record,
    LongLine(u64),
}

/// What [`LogReader::fill_line`] read.
enum Fill {
    End,
    /// A line, in `self.line`.
    Line,
    /// A long line skipped, of this many bytes.
    Skipped(u64),
}

impl<R: BufRead> LogReader<R> {
    /// The longest line kept by default, in bytes. Syslog lines stop near 8 KiB; Exim's main
    /// log has no limit, but a reply text past this length says nothing more.
    pub const DEFAULT_MAX_LINE: usize = 64 * 1024;

    /// A reader over `inner` (a `BufReader<File>`, a decoder, `&[u8]`, stdin's lock).
    pub fn new(inner: R) -> LogReader<R> {
        LogReader {
            inner,
            line: String::new(),
            spare: String::new(),
            max_line: Self::DEFAULT_MAX_LINE,
            long_lines: LongLines::Cut,
            lines: 0,
            truncated: 0,
            skipped: 0,
            failed: false,
        }
    }

    /// Sets the longest line kept, in bytes (at least 1). What happens to a longer line is
    /// [`long_lines`](Self::long_lines)' choice.
    #[must_use]
    pub fn max_line(mut self, bytes: usize) -> LogReader<R> {
        self.max_line = bytes.max(1);
        self
    }

    /// Sets what happens to a line longer than [`max_line`](Self::max_line): cut
    /// ([`LongLines::Cut`], the default) or skipped and reported ([`LongLines::Skip`]).
    #[must_use]
    pub fn long_lines(mut self, policy: LongLines) -> LogReader<R> {
        self.long_lines = policy;
        self
    }

    /// The next delivery record, borrowing the reader's line buffer until the next call;
    /// `Ok(None)` at the end of the input.
    pub fn next_record(&mut self) -> io::Result<Option<LogRecord<'_>>> {
        Ok(self.next_numbered_record()?.map(|(_, record)| record))
    }

    /// Like [`next_record`](Self::next_record), with the record's line number (1-based,
    /// counting every line read), which [`lines_read`](Self::lines_read) cannot give while the
    /// record borrows the reader. Skipped long lines are passed over (they are counted by
    /// [`lines_skipped`](Self::lines_skipped); [`next_event`](Self::next_event) reports them).
    pub fn next_numbered_record(&mut self) -> io::Result<Option<(u64, LogRecord<'_>)>> {
        loop {
            match self.step()? {
                Step::End => return Ok(None),
                Step::LongLine(_) => {}
                Step::Record => break,
            }
        }
        let number = self.lines;
        Ok(parse_line(&self.line).map(|record| (number, record)))
    }

    /// The next delivery record or skipped long line, whichever comes first; `Ok(None)` at
    /// the end of the input. Lines that are not delivery results are passed over as by
    /// [`next_record`](Self::next_record).
    ///
    /// ```
    /// use smtpcodes::logs::{LogEvent, LogReader, LongLines};
    ///
    /// let log = format!("{}\nshort noise\n", "x".repeat(100));
    /// let mut reader = LogReader::new(log.as_bytes()).max_line(64).long_lines(LongLines::Skip);
    /// assert_eq!(reader.next_event()?, Some(LogEvent::LongLine { line: 1, bytes: 101 }));
    /// assert_eq!(reader.next_event()?, None);
    /// assert_eq!((reader.lines_read(), reader.lines_skipped()), (2, 1));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn next_event(&mut self) -> io::Result<Option<LogEvent<'_>>> {
        match self.step()? {
            Step::End => Ok(None),
            Step::LongLine(bytes) => Ok(Some(LogEvent::LongLine {
                line: self.lines,
                bytes,
            })),
            Step::Record => {
                let line = self.lines;
                Ok(parse_line(&self.line).map(|record| LogEvent::Record { line, record }))
            }
        }
    }

    /// Reads lines until a delivery record (left in `self.line`), a skipped long line, or
    /// the end.
    fn step(&mut self) -> io::Result<Step> {
        loop {
            match self.fill_line()? {
                Fill::End => return Ok(Step::End),
                Fill::Skipped(bytes) => return Ok(Step::LongLine(bytes)),
                // Parsed again by the caller: returning the borrow from inside the loop is
                // refused by the borrow checker (NLL), and a delivery line parses in well
                // under a microsecond.
                Fill::Line if parse_line(&self.line).is_some() => return Ok(Step::Record),
                Fill::Line => {}
            }
        }
    }

    /// How many lines have been read so far (records, skipped and other lines alike).
    pub fn lines_read(&self) -> u64 {
        self.lines
    }

    /// How many of them were longer than [`max_line`](Self::max_line) and were cut
    /// ([`LongLines::Cut`]).
    pub fn lines_truncated(&self) -> u64 {
        self.truncated
    }

    /// How many of them were longer than [`max_line`](Self::max_line) and were skipped
    /// ([`LongLines::Skip`]).
    pub fn lines_skipped(&self) -> u64 {
        self.skipped
    }

    /// Gives the underlying reader back.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Reads the next line into `self.line`, without its line end (a skipped long line
    /// leaves it empty).
    fn fill_line(&mut self) -> io::Result<Fill> {
        let mut buf = std::mem::take(&mut self.line).into_bytes();
        buf.clear();
        let read = match read_line_capped(&mut self.inner, &mut buf, self.max_line) {
            Ok(r) => r,
            Err(e) => {
                buf.clear();
                self.line = String::from_utf8(buf).unwrap_or_default();
                return Err(e);
            }
        };
        if read.bytes == 0 {
            self.line = String::from_utf8(buf).unwrap_or_default();
            return Ok(Fill::End);
        }
        self.lines += 1;
        if read.cut {
            if self.long_lines == LongLines::Skip {
                self.skipped += 1;
                buf.clear();
                self.line = String::from_utf8(buf).unwrap_or_default();
                return Ok(Fill::Skipped(read.bytes));
            }
            self.truncated += 1;
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        self.line = match String::from_utf8(buf) {
            Ok(s) => s,
            Err(e) => {
                // Lossy, into the spare buffer; the byte buffer becomes the next spare.
                let mut bytes = e.into_bytes();
                let mut out = std::mem::take(&mut self.spare);
                out.clear();
                for chunk in bytes.utf8_chunks() {
                    out.push_str(chunk.valid());
                    if !chunk.invalid().is_empty() {
                        out.push(char::REPLACEMENT_CHARACTER);
                    }
                }
                bytes.clear();
                self.spare = String::from_utf8(bytes).unwrap_or_default();
                out
            }
        };
        Ok(Fill::Line)
    }
}

/// What [`read_line_capped`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CappedLine {
    /// The bytes consumed from the reader, line end included; 0 at the end of the input.
    pub bytes: u64,
    /// True when the line was longer than the cap: only its first bytes were kept.
    pub cut: bool,
    /// True when the line ended with `\n` (false only for a last line without one).
    pub newline: bool,
}

/// Reads one line from `reader` and appends it to `buf` without its `\n`, keeping `buf` at
/// most `max` bytes long: the rest of a longer line is consumed and dropped, never stored, so
/// a line of any length (a 10 GB run of zeros) costs `max` bytes of memory. A `\r` before the
/// `\n` is kept.
///
/// Reading a mail file line by line with this instead of [`BufRead::read_until`] bounds the
/// memory of the reader; `smtpcodes scan` reads mailboxes and logs with it.
///
/// ```
/// use smtpcodes::logs::read_line_capped;
///
/// let mut input = &b"a very long line\nshort\n"[..];
/// let mut buf = Vec::new();
/// let first = read_line_capped(&mut input, &mut buf, 6)?;
/// assert_eq!((buf.as_slice(), first.bytes, first.cut), (&b"a very"[..], 17, true));
/// buf.clear();
/// let second = read_line_capped(&mut input, &mut buf, 6)?;
/// assert_eq!((buf.as_slice(), second.cut, second.newline), (&b"short"[..], false, true));
/// assert_eq!(read_line_capped(&mut input, &mut buf, 6)?.bytes, 0);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn read_line_capped<R: BufRead + ?Sized>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<CappedLine> {
    let mut read = CappedLine {
        bytes: 0,
        cut: false,
        newline: false,
    };
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(read);
        }
        let newline = memchr(b'\n', available);
        let content = newline.unwrap_or(available.len());
        let room = max.saturating_sub(buf.len());
        if content > room {
            read.cut = true;
        }
        buf.extend_from_slice(&available[..content.min(room)]);
        let used = newline.map_or(available.len(), |i| i + 1);
        reader.consume(used);
        read.bytes = read.bytes.saturating_add(used as u64);
        if newline.is_some() {
            read.newline = true;
            return Ok(read);
        }
    }
}

impl<R: BufRead> Iterator for LogReader<R> {
    type Item = io::Result<OwnedLogRecord>;

    fn next(&mut self) -> Option<io::Result<OwnedLogRecord>> {
        if self.failed {
            return None;
        }
        match self.next_record() {
            Ok(Some(record)) => Some(Ok(record.into_owned())),
            Ok(None) => None,
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// Calls `f` with every delivery record of a log, without allocating per line or per record.
/// Returns how many records there were.
pub fn for_each_record<R: BufRead>(
    reader: R,
    mut f: impl FnMut(&LogRecord<'_>),
) -> io::Result<u64> {
    let mut reader = LogReader::new(reader);
    let mut records = 0;
    while let Some(record) = reader.next_record()? {
        f(&record);
        records += 1;
    }
    Ok(records)
}
