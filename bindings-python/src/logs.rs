//! `parse_log_line`, `read_log` and `LogReader`: `smtpcodes::logs` for Python.
//!
//! A record crosses through serde (`pythonize`): its `dict` has the keys and values of the
//! record's JSON (the CLI's, the golden files' in `tests/logs/`), plus `classification`, the
//! record classified as `LogRecord::classify` does, as the `Classification` that `classify`
//! returns. Every function runs inside [`guard`], like the rest of the module.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::PathBuf;
use std::sync::{Mutex, TryLockError};

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyMemoryView, PyString};
use smtpcodes::logs::{parse_line, LogEvent, LogRecord, LongLines};
use smtpcodes::{Error, Limits};

use crate::{guard, limit_arg, py_err, type_name, unsurrogate, wrong_type, PyClassification};

/// A record as a `dict`: its serde fields, and its classification.
fn record_dict<'py>(py: Python<'py>, record: &LogRecord<'_>) -> PyResult<Bound<'py, PyDict>> {
    let dict = pythonize::pythonize(py, record)?.cast_into::<PyDict>()?;
    dict.set_item(
        intern!(py, "classification"),
        PyClassification::new(py, record.classify())?,
    )?;
    Ok(dict)
}

/// The text of a log line or a whole log: `bytes`, `bytearray` or `memoryview` as they are
/// (invalid UTF-8 is replaced when read), a `str` as its UTF-8 (lone surrogates of
/// `surrogateescape` turn back into their bytes).
pub(crate) fn log_bytes(what: &str, obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    text_bytes(what, obj, "a str, bytes, bytearray or memoryview")
}

/// [`log_bytes`], naming in a `TypeError` what `expected` says the argument may be.
pub(crate) fn text_bytes(what: &str, obj: &Bound<'_, PyAny>, expected: &str) -> PyResult<Vec<u8>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(match s.to_cow() {
            Ok(text) => text.as_bytes().to_vec(),
            Err(_) => unsurrogate(s),
        });
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(b.to_vec());
    }
    if obj.is_instance_of::<PyMemoryView>() {
        if let Ok(b) = obj.call_method0("tobytes")?.cast_into::<PyBytes>() {
            return Ok(b.as_bytes().to_vec());
        }
    }
    Err(wrong_type(what, expected, obj))
}

/// Reads one line of a Postfix, Exim or Sendmail log. `line`: a `str`, or `bytes` read as
/// UTF-8 with replacement. Returns the delivery record as a `dict` (with `classification`),
/// or `None` when the line is not a per-recipient delivery result. A line over
/// `max_line_bytes` (`None`: the default of `default_limits()`) raises `TooLargeError`.
#[pyfunction]
#[pyo3(signature = (line, *, max_line_bytes = None))]
pub fn parse_log_line<'py>(
    py: Python<'py>,
    line: &Bound<'py, PyAny>,
    max_line_bytes: Option<&Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    guard(py, || {
        let max = limit_arg(
            "max_line_bytes",
            max_line_bytes,
            Limits::DEFAULT.max_line_bytes,
        )?;
        let bytes = log_bytes("line", line)?;
        if bytes.len() > max {
            return Err(py_err(
                py,
                &Error::TooLarge {
                    limit: "max_line_bytes",
                    max,
                },
            ));
        }
        let text = String::from_utf8_lossy(&bytes);
        parse_line(&text)
            .map(|record| record_dict(py, &record))
            .transpose()
    })
}

/// A binary file object as a reader: `read(n)` must return `bytes` (or a `bytearray`). Its
/// exceptions cross the reader as `io::Error`s that carry them, and pyo3 raises them again as
/// they were (`PyErr::from(io::Error)`); a plain `io::Error` would be an `OSError`.
struct PyFile {
    file: Py<PyAny>,
}

impl Read for PyFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Python::attach(|py| -> PyResult<usize> {
            let chunk = self
                .file
                .bind(py)
                .call_method1(intern!(py, "read"), (buf.len(),))?;
            let mut copy = |bytes: &[u8]| -> PyResult<usize> {
                let Some(target) = buf.get_mut(..bytes.len()) else {
                    return Err(PyRuntimeError::new_err(format!(
                        "read_log: the file's read({}) returned {} bytes",
                        buf.len(),
                        bytes.len()
                    )));
                };
                target.copy_from_slice(bytes);
                Ok(bytes.len())
            };
            if let Ok(b) = chunk.cast::<PyBytes>() {
                return copy(b.as_bytes());
            }
            if let Ok(b) = chunk.cast::<PyByteArray>() {
                return copy(&b.to_vec());
            }
            Err(PyTypeError::new_err(format!(
                "read_log: the file's read() must return bytes, not {} (open the log in binary mode, 'rb')",
                type_name(&chunk)
            )))
        })
        .map_err(io::Error::from)
    }
}

type Source = Box<dyn BufRead + Send>;

/// What `read_log()` returns: an iterator over the delivery records of a log (and, with
/// `long_lines="skip"`, the lines skipped for their length), read a line at a time, so that a
/// log read from a file keeps memory flat however large it is.
#[pyclass(frozen, module = "smtpcodes", name = "LogReader")]
pub struct PyLogReader {
    reader: Mutex<smtpcodes::logs::LogReader<Source>>,
}

impl PyLogReader {
    fn with_reader<T>(
        &self,
        f: impl FnOnce(&mut smtpcodes::logs::LogReader<Source>) -> PyResult<T>,
    ) -> PyResult<T> {
        let mut reader =
            match self.reader.try_lock() {
                Ok(reader) => reader,
                // A panic while reading was raised as an InternalError; the reader's counts are
                // still whole.
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => return Err(PyRuntimeError::new_err(
                    "read_log: the reader is already reading (called from its own file's read())",
                )),
            };
        f(&mut reader)
    }
}

#[pymethods]
impl PyLogReader {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The next event: `{"event": "record", "line": n, "record": {...}}` for a delivery record,
    /// `{"event": "long_line", "line": n, "bytes": b}` for a line skipped for its length.
    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        guard(py, || {
            self.with_reader(|reader| {
                let Some(event) = reader.next_event().map_err(PyErr::from)? else {
                    return Ok(None);
                };
                let d = PyDict::new(py);
                match event {
                    LogEvent::Record { line, record } => {
                        d.set_item(intern!(py, "event"), intern!(py, "record"))?;
                        d.set_item(intern!(py, "line"), line)?;
                        d.set_item(intern!(py, "record"), record_dict(py, &record)?)?;
                    }
                    LogEvent::LongLine { line, bytes } => {
                        d.set_item(intern!(py, "event"), intern!(py, "long_line"))?;
                        d.set_item(intern!(py, "line"), line)?;
                        d.set_item(intern!(py, "bytes"), bytes)?;
                    }
                }
                Ok(Some(d))
            })
        })
    }

    /// How many lines have been read so far: records, skipped and other lines alike.
    #[getter]
    fn lines_read(&self, py: Python<'_>) -> PyResult<u64> {
        guard(py, || self.with_reader(|r| Ok(r.lines_read())))
    }

    /// How many of them were longer than `max_line_bytes` and were cut (`long_lines="cut"`).
    #[getter]
    fn lines_truncated(&self, py: Python<'_>) -> PyResult<u64> {
        guard(py, || self.with_reader(|r| Ok(r.lines_truncated())))
    }

    /// How many of them were longer than `max_line_bytes` and were skipped
    /// (`long_lines="skip"`).
    #[getter]
    fn lines_skipped(&self, py: Python<'_>) -> PyResult<u64> {
        guard(py, || self.with_reader(|r| Ok(r.lines_skipped())))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || {
            self.with_reader(|r| {
                Ok(format!(
                    "<smtpcodes.LogReader lines_read={}>",
                    r.lines_read()
                ))
            })
        })
    }
}

/// `long_lines`: `"skip"` or `"cut"`; any other name is an `invalid_name` error.
fn long_lines_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Result<LongLines, Error>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Ok(LongLines::Skip));
    };
    let Ok(s) = obj.cast::<PyString>() else {
        return Err(wrong_type("long_lines", "'skip', 'cut' or None", obj));
    };
    Ok(match &*s.to_string_lossy() {
        "skip" => Ok(LongLines::Skip),
        "cut" => Ok(LongLines::Cut),
        other => Err(Error::InvalidName {
            what: "long_lines",
            input: other.to_owned(),
        }),
    })
}

/// Reads a Postfix, Exim or Sendmail log: `log` is its content (`str`, `bytes`, `bytearray`,
/// `memoryview`; a `str` is the log's text, never a file name), a path (`pathlib.Path`) or a
/// binary file object (`open(path, "rb")`, a `gzip.open(...)`), read as it is iterated. A line over `max_line_bytes` (`None`: the default of `default_limits()`) is
/// skipped whole and given as a `long_line` event (`long_lines="skip"`, the default), or read
/// cut to its first `max_line_bytes` bytes (`long_lines="cut"`).
#[pyfunction]
#[pyo3(signature = (log, *, max_line_bytes = None, long_lines = None))]
pub fn read_log(
    py: Python<'_>,
    log: &Bound<'_, PyAny>,
    max_line_bytes: Option<&Bound<'_, PyAny>>,
    long_lines: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyLogReader> {
    guard(py, || {
        let max = limit_arg(
            "max_line_bytes",
            max_line_bytes,
            Limits::DEFAULT.max_line_bytes,
        )?;
        let policy = long_lines_arg(long_lines)?.map_err(|e| py_err(py, &e))?;
        let is_text = log.is_instance_of::<PyString>()
            || log.is_instance_of::<PyBytes>()
            || log.is_instance_of::<PyByteArray>()
            || log.is_instance_of::<PyMemoryView>();
        let source: Source = if is_text {
            Box::new(Cursor::new(log_bytes("log", log)?))
        } else if log.hasattr(intern!(py, "__fspath__"))? {
            // A path (`pathlib.Path`): the file is opened and read here, without Python.
            let path: PathBuf = log.extract()?;
            Box::new(BufReader::with_capacity(
                64 * 1024,
                File::open(&path).map_err(PyErr::from)?,
            ))
        } else if log.hasattr(intern!(py, "read"))? {
            Box::new(BufReader::with_capacity(
                64 * 1024,
                PyFile {
                    file: log.clone().unbind(),
                },
            ))
        } else {
            return Err(wrong_type(
                "log",
                "a str, bytes, bytearray, memoryview, a path or a binary file object",
                log,
            ));
        };
        let reader = smtpcodes::logs::LogReader::new(source)
            .max_line(max)
            .long_lines(policy);
        Ok(PyLogReader {
            reader: Mutex::new(reader),
        })
    })
}
