//! `smtpcodes._smtpcodes`, the native module of the Python package `smtpcodes`.
//!
//! Every function here converts its arguments, calls the core crate and converts the result or
//! the error: the rules, tables and defaults all live in `core/`. There is no `unwrap` here, and
//! every exported function runs inside [`guard`] (and its calls into the core inside
//! `smtpcodes::contain`), so that even a bug is a typed Python exception (`InternalError`), never
//! pyo3's `PanicException`, which derives from `BaseException` and escapes `except Exception`.

mod arrow;
mod logs;
mod webhook;

use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use pyo3::conversion::FromPyObjectOwned;
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMemoryView, PyString, PyTuple,
};
use smtpcodes::{
    Action, Bounce, Command, DsnAction, Enhanced, Error, Fault, Limits, Reason, Reply, RetryWhy,
    Severity,
};

create_exception!(
    smtpcodes,
    InvalidReplyError,
    PyValueError,
    "Malformed input: a reply code outside 200..599 or not a number, an unknown command hint, or \
     a retry policy setting that cannot work. `.kind` is the core's stable slug: one of \
     `smtpcodes.error_kinds()`."
);

create_exception!(
    smtpcodes,
    NotABounceError,
    PyValueError,
    "The email given to `parse_bounce()` is not a bounce. `.kind` is always `not_a_bounce`; \
     `.what` says what the email is instead: `not_an_email`, `auto_reply` or \
     `no_delivery_failure` (an ordinary message). A complaint report is no error: it is a \
     `BounceReport` whose `complaints` name the address."
);

create_exception!(
    smtpcodes,
    NotAWebhookError,
    PyValueError,
    "The body given to `parse_webhook()` is not an email service's event payload. `.kind` is \
     always `not_a_webhook`; `.what` is `not_json` (neither JSON nor Mandrill's form encoding) \
     or `unknown_payload` (JSON of no known service's shape). A web handler answers 400."
);

create_exception!(
    smtpcodes,
    TooLargeError,
    PyValueError,
    "The input is over one of `parse_bounce()`'s limits; nothing was read from it. `.kind` is \
     always `too_large`; `.limit` names the limit (the keyword of `parse_bounce`, such as \
     `max_parts`) and `.max` is its value. Raise that limit to read the input."
);

create_exception!(
    smtpcodes,
    InternalError,
    PyRuntimeError,
    "A bug in smtpcodes, not a fault of the input: the Rust code panicked, and the panic was \
     stopped at the boundary. `.kind` is always `internal`. Please report it, with the input."
);

/// Texts longer than this are classified with the GIL released, so that other Python threads
/// run meanwhile; below it, releasing and taking back the GIL would cost more than it frees.
const DETACH_ABOVE_BYTES: usize = 64 * 1024;

/// The core's string enums, whose values cross into Python as `str`.
trait Named: Copy + PartialEq + 'static {
    const ALL: &'static [Self];
    fn name(self) -> &'static str;
    /// The value's position in `ALL`.
    fn index(self) -> usize;
    /// One `str` object per value, made once: reading `c.reason` then allocates nothing.
    fn cache() -> &'static PyOnceLock<Vec<Py<PyString>>>;
}

macro_rules! named {
    ($($t:ty),* ; index: $index:expr) => {$(
        impl Named for $t {
            const ALL: &'static [Self] = <$t>::ALL;
            fn name(self) -> &'static str {
                self.as_str()
            }
            fn index(self) -> usize {
                $index(self)
            }
            fn cache() -> &'static PyOnceLock<Vec<Py<PyString>>> {
                static CACHE: PyOnceLock<Vec<Py<PyString>>> = PyOnceLock::new();
                &CACHE
            }
        }
    )*};
}

named!(Severity; index: Severity::index);
named!(Reason; index: Reason::index);
named!(Bounce; index: Bounce::index);
named!(Action; index: Action::index);
named!(Fault; index: Fault::index);
named!(DsnAction; index: DsnAction::index);
// Not one of the core's string enums: found in its list.
named!(RetryWhy; index: |v| RetryWhy::ALL.iter().position(|w| *w == v).unwrap_or(usize::MAX));

/// An enum value as its Python `str` (the same object every time).
fn py_name<T: Named>(py: Python<'_>, value: T) -> Bound<'_, PyString> {
    let names = T::cache().get_or_init(py, || {
        T::ALL
            .iter()
            .map(|v| PyString::intern(py, v.name()).unbind())
            .collect()
    });
    names
        .get(value.index())
        .filter(|_| T::ALL.get(value.index()) == Some(&value))
        .map_or_else(|| PyString::new(py, value.name()), |s| s.bind(py).clone())
}

/// A `dict` of named fields; `keys` keeps the key objects, made once per class.
fn dict_of<'py>(
    py: Python<'py>,
    keys: &'static PyOnceLock<Vec<Py<PyString>>>,
    fields: &[(&'static str, Bound<'py, PyAny>)],
) -> PyResult<Bound<'py, PyDict>> {
    let keys = keys.get_or_init(py, || {
        fields
            .iter()
            .map(|(k, _)| PyString::intern(py, k).unbind())
            .collect()
    });
    let d = PyDict::new(py);
    for (key, (_, value)) in keys.iter().zip(fields) {
        d.set_item(key.bind(py), value)?;
    }
    Ok(d)
}

/// The core's error as the Python exception of its kind: `NotABounceError` (with `what`),
/// `TooLargeError` (with `limit` and `max`), `InternalError`, and for every other kind an
/// `InvalidReplyError` carrying the core's `kind()`.
fn py_err(py: Python<'_>, e: &Error) -> PyErr {
    py_err_with(py, e, "")
}

/// Like [`py_err`], with a prefix to the message (`item 3: `) for batch calls.
fn py_err_with(py: Python<'_>, e: &Error, prefix: &str) -> PyErr {
    let message = format!("{prefix}{e}");
    let (err, attrs): (PyErr, Vec<(&str, Bound<'_, PyAny>)>) = match e {
        // `kind` is a class attribute of these three: the same for every instance.
        Error::NotABounce { what } => (
            NotABounceError::new_err(message),
            vec![("what", PyString::new(py, what.as_str()).into_any())],
        ),
        Error::NotAWebhook { what } => (
            NotAWebhookError::new_err(message),
            vec![("what", PyString::new(py, what.as_str()).into_any())],
        ),
        Error::TooLarge { limit, max } => {
            let Ok(max) = max.into_pyobject(py);
            (
                TooLargeError::new_err(message),
                vec![
                    ("limit", PyString::new(py, limit).into_any()),
                    ("max", max.into_any()),
                ],
            )
        }
        Error::Internal { .. } => (InternalError::new_err(message), vec![]),
        _ => (
            InvalidReplyError::new_err(message),
            vec![("kind", PyString::new(py, e.kind()).into_any())],
        ),
    };
    for (name, value) in attrs {
        if let Err(failed) = err.value(py).setattr(name, value) {
            return failed;
        }
    }
    err
}

/// Runs the body of an exported function with its panics contained: a panic anywhere in it,
/// in the binding's code or the core's, becomes an `InternalError` instead of unwinding into
/// pyo3 (which would raise `PanicException`, a `BaseException`).
fn guard<T>(py: Python<'_>, body: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    smtpcodes::contain(|| Ok(body())).unwrap_or_else(|e| Err(py_err(py, &e)))
}

/// A call into the core, its panics contained and its error raised as [`py_err`] says.
fn core<T>(py: Python<'_>, call: impl FnOnce() -> Result<T, Error>) -> PyResult<T> {
    smtpcodes::contain(call).map_err(|e| py_err(py, &e))
}

/// The name of an object's type, for `TypeError` messages.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |n| n.to_string())
}

fn wrong_type(what: &str, expected: &str, obj: &Bound<'_, PyAny>) -> PyErr {
    PyTypeError::new_err(format!("{what} must be {expected}, not {}", type_name(obj)))
}

/// A Python `str` as Rust text. A `str` that UTF-8 cannot hold has lone surrogates: those of
/// `surrogateescape` (how `email` and `os` keep undecodable bytes) turn back into their bytes,
/// and then, like any invalid UTF-8, into U+FFFD, exactly as if the bytes had been given; any
/// other lone surrogate into one U+FFFD (as Node's strings give it).
fn str_lossy<'a>(s: &'a Bound<'_, PyString>) -> Cow<'a, str> {
    if let Ok(text) = s.to_cow() {
        return text;
    }
    Cow::Owned(String::from_utf8_lossy(&unsurrogate(s)).into_owned())
}

/// The bytes of a `str` with lone surrogates, as [`str_lossy`] reads them: U+DC80..U+DCFF the
/// byte each stands for, any other surrogate U+FFFD, everything else its UTF-8.
fn unsurrogate(s: &Bound<'_, PyString>) -> Vec<u8> {
    // `str.encode` itself, not the method of the object's type: a `str` subclass may override
    // `encode` to say anything.
    let encoded = s
        .py()
        .get_type::<PyString>()
        .call_method1("encode", (s, "utf-8", "surrogatepass"))
        .and_then(|b| Ok(b.cast_into::<PyBytes>()?));
    let Ok(encoded) = encoded else {
        return s.to_string_lossy().into_owned().into_bytes();
    };
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // `surrogatepass` writes U+D800..U+DFFF as ED A0..BF 80..BF, which UTF-8 never holds
        // (ED is always a lead byte here: the bytes come from a `str`). U+DC80..U+DCFF, the
        // range of `surrogateescape`, is ED B2..B3 80..BF.
        match (b, bytes.get(i + 1), bytes.get(i + 2)) {
            (0xED, Some(&b1 @ 0xB2..=0xB3), Some(&b2)) => {
                out.push(((b1 & 0x03) << 6) | (b2 & 0x3F));
                i += 3;
            }
            (0xED, Some(0xA0..=0xBF), Some(_)) => {
                out.extend_from_slice("\u{FFFD}".as_bytes());
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// The reply code: `None`, an `int` (not a `bool`) or a `str` holding one.
///
/// An `int` is read for its own value: `extract` reads the integer an `int` subclass holds
/// without calling any of its methods, so an `__index__`, `__int__` or `__str__` that lies is
/// never asked.
fn code_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Result<Option<u16>, Error>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Ok(None));
    };
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(smtpcodes::parse_code(&str_lossy(s)));
    }
    if obj.is_instance_of::<PyBool>() {
        return Err(wrong_type("code", "an int, a str or None", obj));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        return Ok(match i.extract::<i64>() {
            Ok(n) => smtpcodes::check_code(n).map(Some),
            // Beyond i64, so far out of range.
            Err(_) => Err(Error::CodeOutOfRange {
                input: huge_int_text(i),
            }),
        });
    }
    Err(wrong_type("code", "an int, a str or None", obj))
}

/// Integers up to this many bits are echoed in an error message by their digits: at most 617
/// of them, cheap to write and below the smallest limit Python can set on converting an `int`
/// to a `str` (640 digits, `sys.set_int_max_str_digits`).
const ECHOED_INT_BITS: u64 = 2048;

/// How an error message shows an integer beyond i64: its decimal digits (which the message
/// shortens), or for a larger one, its size in bits, so that a million-digit integer costs
/// nothing to describe. Read with `int`'s own methods, not those of the object's type.
fn huge_int_text(i: &Bound<'_, PyInt>) -> String {
    let int = i.py().get_type::<PyInt>();
    let bits = int
        .call_method1("bit_length", (i,))
        .and_then(|b| b.extract::<u64>());
    let negative = int
        .call_method1("__lt__", (i, 0))
        .and_then(|b| b.extract::<bool>())
        .unwrap_or(false);
    let sign = if negative { "-" } else { "" };
    match bits {
        Ok(bits) if bits <= ECHOED_INT_BITS => int
            .call_method1("__repr__", (i,))
            .and_then(|r| r.extract::<String>())
            .unwrap_or_else(|_| format!("{sign}an integer of {bits} bits")),
        Ok(bits) => format!("{sign}an integer of {bits} bits"),
        Err(_) => format!("{sign}an integer beyond 64 bits"),
    }
}

/// The reply text: a `str`, or `bytes` decoded as UTF-8 with replacement.
fn text_arg<'a>(obj: Option<&'a Bound<'_, PyAny>>) -> PyResult<Cow<'a, str>> {
    let Some(obj) = obj else {
        return Ok(Cow::Borrowed(""));
    };
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(str_lossy(s));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(String::from_utf8_lossy(b.as_bytes()));
    }
    Err(wrong_type("text", "a str or bytes", obj))
}

/// The `text` argument as given: unlike `Option<&Bound>`, it tells an explicit `None` (a wrong
/// type) from an omitted argument (the empty text).
struct TextArg<'py>(Option<Bound<'py, PyAny>>);

impl<'a, 'py> FromPyObject<'a, 'py> for TextArg<'py> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(TextArg(Some(obj.to_owned())))
    }
}

/// An optional string hint (`command`, `host`): a `str` or `None`.
fn hint_arg<'a>(what: &str, obj: Option<&'a Bound<'_, PyAny>>) -> PyResult<Option<Cow<'a, str>>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => match o.cast::<PyString>() {
            Ok(s) => Ok(Some(str_lossy(s))),
            Err(_) => Err(wrong_type(what, "a str or None", o)),
        },
    }
}

/// The arguments of one `classify` call, converted: a malformed value is `Err(core error)`
/// (raised as `InvalidReplyError`), a wrong type a `TypeError` right away.
struct Input<'a> {
    code: Result<Option<u16>, Error>,
    text: Cow<'a, str>,
    command: Result<Option<Command>, Error>,
    host: Option<Cow<'a, str>>,
}

impl<'a> Input<'a> {
    fn convert(
        code: Option<&'a Bound<'_, PyAny>>,
        text: Option<&'a Bound<'_, PyAny>>,
        command: Option<&'a Bound<'_, PyAny>>,
        host: Option<&'a Bound<'_, PyAny>>,
    ) -> PyResult<Input<'a>> {
        let code = code_arg(code)?;
        let text = text_arg(text)?;
        let command = hint_arg("command", command)?.map_or(Ok(None), |c| Command::parse_hint(&c));
        let host = hint_arg("host", host)?;
        Ok(Input {
            code,
            text,
            command,
            host,
        })
    }

    /// The core's reply, or the first error in argument order (code, then command).
    fn reply(&self) -> Result<Reply<'_>, Error> {
        let code = self.code.clone()?;
        let command = self.command.clone()?;
        Ok(Reply::new(&self.text)
            .maybe_code(code)?
            .maybe_command(command)
            .maybe_host(self.host.as_deref()))
    }
}

/// Builds `Name(field=repr, ...)` with Python's own `repr` of each value.
fn repr_of(name: &str, fields: &[(&str, Bound<'_, PyAny>)]) -> PyResult<String> {
    let mut out = String::with_capacity(64 * fields.len());
    out.push_str(name);
    out.push('(');
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(key);
        out.push('=');
        out.push_str(&value.repr()?.to_string_lossy());
    }
    out.push(')');
    Ok(out)
}

/// How many `&'static str`s of the core's tables [`static_str`] keeps a `str` of: a power of
/// two, several times the number of titles, descriptions, advice texts and labels the tables
/// hold, so that probes stay short.
const STATIC_SLOTS: usize = 8192;

/// How many slots [`static_str`] tries before it makes a `str` without keeping it.
const STATIC_PROBES: usize = 16;

/// The `str` of a string of the core's tables (a title, an advice, a description, a label),
/// made on first use and the same object ever after: reading it then allocates nothing.
///
/// The key is the string's address and length, which stay put for a `&'static str`; the
/// table is open-addressed over [`STATIC_SLOTS`] slots, each set once, so lookups take no
/// lock. When the probes find no free slot, the `str` is made and not kept: the table never
/// grows, whatever the core hands over.
fn static_str<'py>(py: Python<'py>, s: &'static str) -> Bound<'py, PyString> {
    type Slot = PyOnceLock<(usize, usize, Py<PyString>)>;
    static TABLE: PyOnceLock<Box<[Slot]>> = PyOnceLock::new();
    let table = TABLE.get_or_init(py, || (0..STATIC_SLOTS).map(|_| Slot::new()).collect());
    let key = (s.as_ptr() as usize, s.len());
    // Fibonacci hashing of the address: table strings sit close together in the binary.
    let start = (key.0 ^ key.1.rotate_left(32)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 51;
    for i in start..start + STATIC_PROBES {
        let Some(slot) = table.get(i & (STATIC_SLOTS - 1)) else {
            break;
        };
        let (ptr, len, obj) =
            slot.get_or_init(py, || (key.0, key.1, PyString::new(py, s).unbind()));
        if (*ptr, *len) == key {
            return obj.bind(py).clone();
        }
    }
    PyString::new(py, s)
}

/// A core string that may come from a table (`Cow::Borrowed`, kept by [`static_str`]) or be
/// made for this reply (`Cow::Owned`).
#[allow(
    clippy::ptr_arg,
    reason = "the `Cow` says whether the string is a table's"
)]
fn cow_str<'py>(py: Python<'py>, s: &Cow<'static, str>) -> Bound<'py, PyString> {
    match s {
        Cow::Borrowed(s) => static_str(py, s),
        Cow::Owned(s) => PyString::new(py, s),
    }
}

/// The `int` of a reply code, made once for each of 200..=599.
fn code_int(py: Python<'_>, code: Option<u16>) -> PyResult<Py<PyAny>> {
    static CODES: PyOnceLock<Vec<Py<PyAny>>> = PyOnceLock::new();
    let Some(code) = code else {
        return Ok(py.None());
    };
    let codes = CODES.get_or_init(py, || {
        (200..=599u16)
            .filter_map(|c| c.into_pyobject(py).ok().map(|i| i.into_any().unbind()))
            .collect()
    });
    match codes.get(usize::from(code.wrapping_sub(200))) {
        Some(i) if code >= 200 => Ok(i.clone_ref(py)),
        _ => Ok(code.into_pyobject(py)?.into_any().unbind()),
    }
}

/// The `str` of an enhanced code (`5.1.1`), made once for each code of class 2, 4 or 5,
/// subject 0..=9 and detail 0..=99 (every code of the registry and more); any other is made
/// for the reply.
fn enhanced_str(py: Python<'_>, enhanced: Option<Enhanced>) -> Py<PyAny> {
    static CODES: PyOnceLock<Box<[PyOnceLock<Py<PyString>>]>> = PyOnceLock::new();
    let Some(e) = enhanced else {
        return py.None();
    };
    let class = match e.class {
        2 => Some(0),
        4 => Some(1),
        5 => Some(2),
        _ => None,
    };
    let slot = class
        .filter(|_| e.subject < 10 && e.detail < 100)
        .map(|c| c * 1000 + usize::from(e.subject) * 100 + usize::from(e.detail));
    let make = || PyString::new(py, &e.to_string()).unbind();
    let Some(slot) = slot else {
        return make().into_any();
    };
    let codes = CODES.get_or_init(py, || (0..3000).map(|_| PyOnceLock::new()).collect());
    match codes.get(slot) {
        Some(cell) => cell.get_or_init(py, make).clone_ref(py).into_any(),
        None => make().into_any(),
    }
}

/// A field of a result made when first read, then kept.
///
/// Not a `PyOnceLock`: that one lets go of the GIL while another thread may be making the
/// value, which costs more than making a `str`. Making one runs no Python code and never lets
/// go of the GIL, so no other thread can be making the same value meanwhile, and `set` never
/// waits; should two ever race, both values are equal and the first stays.
#[derive(Default)]
struct Lazy(OnceLock<Py<PyString>>);

impl Lazy {
    fn get<'py>(
        &self,
        py: Python<'py>,
        make: impl FnOnce() -> Bound<'py, PyString>,
    ) -> Bound<'py, PyString> {
        if let Some(s) = self.0.get() {
            return s.bind(py).clone();
        }
        let value = make();
        match self.0.set(value.clone().unbind()) {
            Ok(()) => value,
            Err(_) => self.0.get().map_or(value, |s| s.bind(py).clone()),
        }
    }
}

/// What a reply means: the result of `classify()`, with every field of the contract.
///
/// The fields that cost next to nothing to make (numbers, names, and the strings of the core's
/// tables, each one object made once for the process) are made with the result and read
/// straight from it (`member_descriptor`s: no call into Rust). `description`, `text` and
/// `matched` can be made for this reply alone, so each is made when first read and kept.
#[pyclass(frozen, eq, hash, module = "smtpcodes", name = "Classification")]
pub struct PyClassification {
    /// The basic reply code used: given, or read from the text.
    #[pyo3(get)]
    code: Py<PyAny>,
    /// The enhanced status code (RFC 3463), normalised: `5.1.1`.
    #[pyo3(get)]
    enhanced: Py<PyAny>,
    /// `success`, `intermediate`, `transient`, `permanent` or `unknown`.
    #[pyo3(get)]
    severity: Py<PyString>,
    /// Why, in the contract's taxonomy (`user_unknown`, `greylisted`, ...).
    #[pyo3(get)]
    reason: Py<PyString>,
    /// `none`, `soft`, `hard` or `block`.
    #[pyo3(get)]
    bounce: Py<PyString>,
    /// `none`, `retry` or `bounce` (give up on this message).
    #[pyo3(get)]
    action: Py<PyString>,
    /// Seconds before the next attempt when `action` is `retry`, else `None`.
    #[pyo3(get)]
    retry_after: Py<PyAny>,
    /// Stop mailing this address (exactly when `bounce` is `hard`).
    #[pyo3(get)]
    suppress: Py<PyAny>,
    /// Who must act: `none`, `recipient`, `sender`, `message`, `remote`, `network`, `unknown`.
    #[pyo3(get)]
    fault: Py<PyString>,
    /// The receiving provider when the text or the host hint shows it (`google`, ...).
    #[pyo3(get)]
    provider: Py<PyAny>,
    /// Short name of the code.
    #[pyo3(get)]
    title: Py<PyString>,
    /// What to do about it.
    #[pyo3(get)]
    advice: Py<PyString>,
    description: Lazy,
    text: Lazy,
    matched: Lazy,
    /// The core's answer, for equality, hashing and `RetryPolicy`.
    inner: smtpcodes::Classification,
}

impl PartialEq for PyClassification {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

impl Eq for PyClassification {}

impl Hash for PyClassification {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.inner.hash(state);
    }
}

impl PyClassification {
    /// The result object of `c`, with the fields that cost next to nothing made now.
    fn new(py: Python<'_>, c: smtpcodes::Classification) -> PyResult<Self> {
        Ok(PyClassification {
            code: code_int(py, c.code)?,
            enhanced: enhanced_str(py, c.enhanced),
            severity: py_name(py, c.severity).unbind(),
            reason: py_name(py, c.reason).unbind(),
            bounce: py_name(py, c.bounce).unbind(),
            action: py_name(py, c.action).unbind(),
            retry_after: c.retry_after.into_pyobject(py)?.into_any().unbind(),
            suppress: PyBool::new(py, c.suppress).to_owned().into_any().unbind(),
            fault: py_name(py, c.fault).unbind(),
            provider: c
                .provider
                .map_or_else(|| py.None(), |p| static_str(py, p).into_any().unbind()),
            title: static_str(py, c.title).unbind(),
            advice: static_str(py, c.advice).unbind(),
            description: Lazy::default(),
            text: Lazy::default(),
            matched: Lazy::default(),
            inner: c,
        })
    }

    /// The contract's fields in the contract's order, as Python objects.
    fn fields<'py>(&self, py: Python<'py>) -> Vec<(&'static str, Bound<'py, PyAny>)> {
        vec![
            ("code", self.code.bind(py).clone()),
            ("enhanced", self.enhanced.bind(py).clone()),
            ("severity", self.severity.bind(py).clone().into_any()),
            ("reason", self.reason.bind(py).clone().into_any()),
            ("bounce", self.bounce.bind(py).clone().into_any()),
            ("action", self.action.bind(py).clone().into_any()),
            ("retry_after", self.retry_after.bind(py).clone()),
            ("suppress", self.suppress.bind(py).clone()),
            ("fault", self.fault.bind(py).clone().into_any()),
            ("provider", self.provider.bind(py).clone()),
            ("title", self.title.bind(py).clone().into_any()),
            ("description", self.description(py).into_any()),
            ("advice", self.advice.bind(py).clone().into_any()),
            ("text", self.text(py).into_any()),
            ("matched", self.matched(py).into_any()),
        ]
    }
}

#[pymethods]
impl PyClassification {
    /// What the code means.
    #[getter]
    fn description<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        self.description
            .get(py, || cow_str(py, &self.inner.description))
    }

    /// The reply text without wrappers and continuation prefixes, on one line.
    #[getter]
    fn text<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        self.text.get(py, || PyString::new(py, &self.inner.text))
    }

    /// Which rule decided the reason, for a person to audit.
    #[getter]
    fn matched<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        self.matched.get(py, || cow_str(py, &self.inner.matched))
    }

    /// The contract's JSON shape: a new `dict` with every field, in the contract's order.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        static KEYS: PyOnceLock<Vec<Py<PyString>>> = PyOnceLock::new();
        guard(py, || dict_of(py, &KEYS, &self.fields(py)))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || {
            // The reference prose (description, advice) is left out: to_dict() has it.
            let fields: Vec<_> = self
                .fields(py)
                .into_iter()
                .filter(|(k, _)| !matches!(*k, "description" | "advice"))
                .collect();
            repr_of("Classification", &fields)
        })
    }
}

/// The reference entry of a code: the result of `explain()`.
#[pyclass(frozen, eq, hash, module = "smtpcodes", name = "Explanation")]
#[derive(PartialEq, Eq)]
pub struct PyExplanation(smtpcodes::Explanation);

impl Hash for PyExplanation {
    /// Equal entries have equal codes, so the code alone is a consistent hash.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.code.hash(state);
    }
}

impl PyExplanation {
    fn fields<'py>(
        &self,
        py: Python<'py>,
        lists: bool,
    ) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
        let e = &self.0;
        let seq = |items: Vec<u16>| -> PyResult<Bound<'py, PyAny>> {
            Ok(if lists {
                PyList::new(py, items)?.into_any()
            } else {
                PyTuple::new(py, items)?.into_any()
            })
        };
        Ok(vec![
            ("code", PyString::new(py, &e.code).into_any()),
            ("kind", PyString::new(py, e.kind.as_str()).into_any()),
            ("severity", py_name(py, e.severity).into_any()),
            ("title", PyString::new(py, e.title).into_any()),
            ("description", PyString::new(py, e.description).into_any()),
            ("when", PyString::new(py, e.when).into_any()),
            ("fix", PyString::new(py, e.fix).into_any()),
            ("basic", seq(e.basic.to_vec())?),
            (
                "classes",
                seq(e.classes.iter().map(|&c| u16::from(c)).collect())?,
            ),
            ("class_title", e.class_title.into_pyobject(py)?.into_any()),
            (
                "subject_title",
                e.subject_title.into_pyobject(py)?.into_any(),
            ),
            ("source", PyString::new(py, e.source).into_any()),
            (
                "registered",
                PyBool::new(py, e.registered).to_owned().into_any(),
            ),
            // The reference's lists cross through serde: lists of dicts, a dict or None.
            ("causes", pythonize::pythonize(py, e.causes)?),
            ("checks", pythonize::pythonize(py, e.checks)?),
            ("retry", pythonize::pythonize(py, &e.retry)?),
            ("related", seq_str(py, e.related, lists)?),
            ("who", seq_str(py, e.who, lists)?),
            ("seen", seq_str(py, e.seen, lists)?),
        ])
    }
}

/// Names as a `tuple` (an attribute) or a `list` (`to_dict()`).
fn seq_str<'py>(py: Python<'py>, items: &[&str], lists: bool) -> PyResult<Bound<'py, PyAny>> {
    Ok(if lists {
        PyList::new(py, items)?.into_any()
    } else {
        PyTuple::new(py, items)?.into_any()
    })
}

#[pymethods]
impl PyExplanation {
    /// The code as asked for, normalised: `421`, `5.1.1` or `X.1.1`.
    #[getter]
    fn code(&self) -> &str {
        &self.0.code
    }

    /// `basic` or `enhanced`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }

    /// From the class digit (`unknown` for an `X.` code).
    #[getter]
    fn severity<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        py_name(py, self.0.severity)
    }

    /// Short name.
    #[getter]
    fn title(&self) -> &'static str {
        self.0.title
    }

    /// What the code means.
    #[getter]
    fn description(&self) -> &'static str {
        self.0.description
    }

    /// When a sender typically sees it.
    #[getter]
    fn when(&self) -> &'static str {
        self.0.when
    }

    /// What to do about it.
    #[getter]
    fn fix(&self) -> &'static str {
        self.0.fix
    }

    /// For an enhanced code: the basic codes the registry associates with it.
    #[getter]
    fn basic<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.0.basic)
    }

    /// For an enhanced code: the classes (2, 4, 5) the registry uses it with.
    #[getter]
    fn classes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.0.classes)
    }

    /// For an enhanced code: the title of its class.
    #[getter]
    fn class_title(&self) -> Option<&'static str> {
        self.0.class_title
    }

    /// For an enhanced code: the title of its subject.
    #[getter]
    fn subject_title(&self) -> Option<&'static str> {
        self.0.subject_title
    }

    /// The RFC or registry that defines the code.
    #[getter]
    fn source(&self) -> &'static str {
        self.0.source
    }

    /// False for a well-formed code that no table lists: the entry then describes its class.
    #[getter]
    fn registered(&self) -> bool {
        self.0.registered
    }

    /// What commonly makes a server send it: a list of `{"title", "text"}`.
    #[getter]
    fn causes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || Ok(pythonize::pythonize(py, self.0.causes)?))
    }

    /// What to look at: a list of `{"text", "command"}` (`command` is `None` where there is
    /// none to run).
    #[getter]
    fn checks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || Ok(pythonize::pythonize(py, self.0.checks)?))
    }

    /// Whether and how a client retries: `{"kind": "never" | "queue" | "after_wait", "text"}`,
    /// or `None` for an `X.` code whose class decides.
    #[getter]
    fn retry<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || Ok(pythonize::pythonize(py, &self.0.retry)?))
    }

    /// The codes people confuse it with.
    #[getter]
    fn related<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.0.related)
    }

    /// Who must act: `nobody`, `sender`, `sending_system`, `recipient`, `receiving_system`.
    #[getter]
    fn who<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.0.who)
    }

    /// When it is seen: a stage of the session (`greeting`, `ehlo`, `rcpt`, `data`, ...),
    /// `any`, `other` or `local`.
    #[getter]
    fn seen<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.0.seen)
    }

    /// The JSON shape of the entry (lists for `basic` and `classes`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        static KEYS: PyOnceLock<Vec<Py<PyString>>> = PyOnceLock::new();
        guard(py, || dict_of(py, &KEYS, &self.fields(py, true)?))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || {
            let fields: Vec<_> = self
                .fields(py, false)?
                .into_iter()
                .filter(|(k, _)| {
                    !matches!(
                        *k,
                        "description" | "when" | "fix" | "causes" | "checks" | "retry"
                    )
                })
                .collect();
            repr_of("Explanation", &fields)
        })
    }
}

/// What to do next with a message: the result of `RetryPolicy.decide()`.
#[pyclass(frozen, eq, hash, module = "smtpcodes", name = "RetryDecision")]
#[derive(PartialEq, Eq, Hash)]
pub struct PyRetryDecision(smtpcodes::RetryDecision);

impl PyRetryDecision {
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
        let d = &self.0;
        Ok(vec![
            ("action", py_name(py, d.action).into_any()),
            ("retry_after", d.retry_after.into_pyobject(py)?.into_any()),
            ("why", py_name(py, d.why).into_any()),
        ])
    }
}

#[pymethods]
impl PyRetryDecision {
    /// `retry`, `bounce` (give up) or `none` (nothing failed).
    #[getter]
    fn action<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        py_name(py, self.0.action)
    }

    /// Seconds until the next attempt when `action` is `retry`, else `None`.
    #[getter]
    fn retry_after(&self) -> Option<u32> {
        self.0.retry_after
    }

    /// Why: `nothing_failed`, `not_retryable`, `max_attempts`, `max_age`, `stated_wait`,
    /// `backoff` or `final_attempt`.
    #[getter]
    fn why<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        py_name(py, self.0.why)
    }

    /// `{"action": ..., "retry_after": ..., "why": ...}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        static KEYS: PyOnceLock<Vec<Py<PyString>>> = PyOnceLock::new();
        guard(py, || dict_of(py, &KEYS, &self.fields(py)?))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || repr_of("RetryDecision", &self.fields(py)?))
    }
}

/// A policy setting given as a whole number of seconds (or a count): an `int`, not a `bool`.
fn whole<'py, T: FromPyObjectOwned<'py>>(
    py: Python<'py>,
    field: &'static str,
    why: &'static str,
    obj: &Bound<'py, PyAny>,
) -> PyResult<T> {
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(wrong_type(field, "an int", obj));
    }
    obj.extract::<T>()
        .map_err(|_| py_err(py, &Error::InvalidPolicy { field, why }))
}

/// A policy setting given as a factor: a `float` or an `int`, not a `bool`. A `float` is read
/// for the number it holds; an `int` through `int.__float__` itself (an `int` subclass's own
/// `__float__` is not asked), and one too large for a float is infinite, which `validate()`
/// then refuses as it refuses `float("inf")`.
fn factor(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    if obj.is_instance_of::<PyBool>() {
        return Err(wrong_type(field, "a float", obj));
    }
    if obj.is_instance_of::<PyFloat>() {
        return obj.extract::<f64>();
    }
    let Ok(i) = obj.cast::<PyInt>() else {
        return Err(wrong_type(field, "a float", obj));
    };
    let int = obj.py().get_type::<PyInt>();
    if let Ok(f) = int.call_method1("__float__", (i,)) {
        return f.extract::<f64>();
    }
    // OverflowError: too large for a float.
    let negative = int
        .call_method1("__lt__", (i, 0))
        .and_then(|b| b.extract::<bool>())?;
    Ok(if negative {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    })
}

const U32_WHY: &str = "must be a whole number from 0 to 4294967295";
const U64_WHY: &str = "must be a whole number from 0 to 18446744073709551615";

/// The schedule of retries: when to try a message again, when to give up on it, and when to
/// give up on its address. Every keyword defaults to the core's value (`None` means default).
#[pyclass(frozen, eq, module = "smtpcodes", name = "RetryPolicy")]
#[derive(PartialEq)]
pub struct PyRetryPolicy(smtpcodes::RetryPolicy);

impl PyRetryPolicy {
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
        let p = &self.0;
        Ok(vec![
            ("first_delay", p.first_delay.into_pyobject(py)?.into_any()),
            ("backoff", p.backoff.into_pyobject(py)?.into_any()),
            ("max_delay", p.max_delay.into_pyobject(py)?.into_any()),
            ("max_age", p.max_age.into_pyobject(py)?.into_any()),
            (
                "greylist_delay",
                p.greylist_delay.into_pyobject(py)?.into_any(),
            ),
            (
                "rate_limit_delay",
                p.rate_limit_delay.into_pyobject(py)?.into_any(),
            ),
            (
                "rate_limit_backoff",
                p.rate_limit_backoff.into_pyobject(py)?.into_any(),
            ),
            (
                "mailbox_full_delay",
                p.mailbox_full_delay.into_pyobject(py)?.into_any(),
            ),
            ("max_attempts", p.max_attempts.into_pyobject(py)?.into_any()),
            (
                "soft_bounce_limit",
                p.soft_bounce_limit.into_pyobject(py)?.into_any(),
            ),
            ("jitter", p.jitter.into_pyobject(py)?.into_any()),
            ("seed", p.seed.into_pyobject(py)?.into_any()),
        ])
    }
}

/// A count argument of `decide()` / `should_suppress()`: an `int` (not a `bool`) that fits.
fn count<'py, T: FromPyObjectOwned<'py>>(
    what: &str,
    max: &str,
    obj: &Bound<'py, PyAny>,
) -> PyResult<T> {
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(wrong_type(what, "an int", obj));
    }
    obj.extract::<T>().map_err(|_| {
        PyValueError::new_err(format!("{what} must be a whole number from 0 to {max}"))
    })
}

#[pymethods]
impl PyRetryPolicy {
    #[new]
    #[pyo3(signature = (
        *,
        first_delay = None,
        backoff = None,
        max_delay = None,
        max_age = None,
        greylist_delay = None,
        rate_limit_delay = None,
        rate_limit_backoff = None,
        mailbox_full_delay = None,
        max_attempts = None,
        soft_bounce_limit = None,
        jitter = None,
        seed = None,
    ))]
    #[allow(
        clippy::too_many_arguments,
        reason = "one keyword argument per policy setting, as Python callers pass them"
    )]
    fn new(
        py: Python<'_>,
        first_delay: Option<&Bound<'_, PyAny>>,
        backoff: Option<&Bound<'_, PyAny>>,
        max_delay: Option<&Bound<'_, PyAny>>,
        max_age: Option<&Bound<'_, PyAny>>,
        greylist_delay: Option<&Bound<'_, PyAny>>,
        rate_limit_delay: Option<&Bound<'_, PyAny>>,
        rate_limit_backoff: Option<&Bound<'_, PyAny>>,
        mailbox_full_delay: Option<&Bound<'_, PyAny>>,
        max_attempts: Option<&Bound<'_, PyAny>>,
        soft_bounce_limit: Option<&Bound<'_, PyAny>>,
        jitter: Option<&Bound<'_, PyAny>>,
        seed: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        guard(py, || {
            fn given<'a, 'py>(o: Option<&'a Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
                o.filter(|o| !o.is_none())
            }
            let mut p = smtpcodes::RetryPolicy::DEFAULT;
            if let Some(o) = given(first_delay) {
                p.first_delay = whole(py, "first_delay", U32_WHY, o)?;
            }
            if let Some(o) = given(backoff) {
                p.backoff = factor("backoff", o)?;
            }
            if let Some(o) = given(max_delay) {
                p.max_delay = whole(py, "max_delay", U32_WHY, o)?;
            }
            if let Some(o) = given(max_age) {
                p.max_age = whole(py, "max_age", U64_WHY, o)?;
            }
            if let Some(o) = given(greylist_delay) {
                p.greylist_delay = whole(py, "greylist_delay", U32_WHY, o)?;
            }
            if let Some(o) = given(rate_limit_delay) {
                p.rate_limit_delay = whole(py, "rate_limit_delay", U32_WHY, o)?;
            }
            if let Some(o) = given(rate_limit_backoff) {
                p.rate_limit_backoff = factor("rate_limit_backoff", o)?;
            }
            if let Some(o) = given(mailbox_full_delay) {
                p.mailbox_full_delay = whole(py, "mailbox_full_delay", U32_WHY, o)?;
            }
            if let Some(o) = given(max_attempts) {
                p.max_attempts = Some(whole(py, "max_attempts", U32_WHY, o)?);
            }
            if let Some(o) = given(soft_bounce_limit) {
                p.soft_bounce_limit = whole(py, "soft_bounce_limit", U32_WHY, o)?;
            }
            if let Some(o) = given(jitter) {
                p.jitter = factor("jitter", o)?;
            }
            if let Some(o) = given(seed) {
                p.seed = whole(py, "seed", U64_WHY, o)?;
            }
            core(py, || p.validate())?;
            Ok(PyRetryPolicy(p))
        })
    }

    /// First delay for reasons without a delay of their own, in seconds.
    #[getter]
    fn first_delay(&self) -> u32 {
        self.0.first_delay
    }

    /// Growth of the delay per attempt.
    #[getter]
    fn backoff(&self) -> f64 {
        self.0.backoff
    }

    /// Longest delay between two attempts, in seconds.
    #[getter]
    fn max_delay(&self) -> u32 {
        self.0.max_delay
    }

    /// Give up on a message this many seconds after its first attempt.
    #[getter]
    fn max_age(&self) -> u64 {
        self.0.max_age
    }

    /// First delay after greylisting, in seconds.
    #[getter]
    fn greylist_delay(&self) -> u32 {
        self.0.greylist_delay
    }

    /// First delay after a rate limit, in seconds.
    #[getter]
    fn rate_limit_delay(&self) -> u32 {
        self.0.rate_limit_delay
    }

    /// Growth of the delay for rate limits.
    #[getter]
    fn rate_limit_backoff(&self) -> f64 {
        self.0.rate_limit_backoff
    }

    /// First delay for a full mailbox, in seconds.
    #[getter]
    fn mailbox_full_delay(&self) -> u32 {
        self.0.mailbox_full_delay
    }

    /// Give up after this many attempts, if set.
    #[getter]
    fn max_attempts(&self) -> Option<u32> {
        self.0.max_attempts
    }

    /// Suppress an address after more than this many consecutive soft bounces.
    #[getter]
    fn soft_bounce_limit(&self) -> u32 {
        self.0.soft_bounce_limit
    }

    /// Spread of each delay, as a fraction.
    #[getter]
    fn jitter(&self) -> f64 {
        self.0.jitter
    }

    /// Seed of the jitter.
    #[getter]
    fn seed(&self) -> u64 {
        self.0.seed
    }

    /// The next step for a message whose last attempt got `c`, after `attempts` attempts
    /// (counting that one) made over `elapsed` seconds since the first.
    #[pyo3(signature = (c, attempts, elapsed))]
    fn decide(
        &self,
        py: Python<'_>,
        c: &Bound<'_, PyClassification>,
        attempts: &Bound<'_, PyAny>,
        elapsed: &Bound<'_, PyAny>,
    ) -> PyResult<PyRetryDecision> {
        guard(py, || {
            let attempts = count::<u32>("attempts", "4294967295", attempts)?;
            let elapsed = count::<u64>("elapsed", "18446744073709551615", elapsed)?;
            core(py, || Ok(self.0.decide(&c.get().inner, attempts, elapsed))).map(PyRetryDecision)
        })
    }

    /// Whether to stop mailing an address: a hard bounce, or more than `soft_bounce_limit`
    /// consecutive soft bounces (`consecutive_soft_bounces` counts this one).
    #[pyo3(signature = (c, consecutive_soft_bounces))]
    fn should_suppress(
        &self,
        py: Python<'_>,
        c: &Bound<'_, PyClassification>,
        consecutive_soft_bounces: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        guard(py, || {
            let n = count::<u32>(
                "consecutive_soft_bounces",
                "4294967295",
                consecutive_soft_bounces,
            )?;
            core(py, || Ok(self.0.should_suppress(&c.get().inner, n)))
        })
    }

    /// Every setting, by its keyword.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        static KEYS: PyOnceLock<Vec<Py<PyString>>> = PyOnceLock::new();
        guard(py, || dict_of(py, &KEYS, &self.fields(py)?))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || repr_of("RetryPolicy", &self.fields(py)?))
    }
}

/// One recipient a bounce reports on: an item of `BounceReport.recipients`.
#[pyclass(frozen, eq, hash, module = "smtpcodes", name = "BouncedRecipient")]
pub struct PyBouncedRecipient {
    recipient: String,
    original_recipient: Option<String>,
    action: DsnAction,
    status: Option<Enhanced>,
    remote_mta: Option<String>,
    diagnostic: String,
    arrival_date: Option<String>,
    last_attempt_date: Option<String>,
    /// Made once, so that `r.classification is r.classification`.
    classification: Py<PyClassification>,
}

impl PartialEq for PyBouncedRecipient {
    fn eq(&self, other: &Self) -> bool {
        self.recipient == other.recipient
            && self.original_recipient == other.original_recipient
            && self.action == other.action
            && self.status == other.status
            && self.remote_mta == other.remote_mta
            && self.diagnostic == other.diagnostic
            && self.arrival_date == other.arrival_date
            && self.last_attempt_date == other.last_attempt_date
            && self.classification.get() == other.classification.get()
    }
}

impl Eq for PyBouncedRecipient {}

impl Hash for PyBouncedRecipient {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.recipient.hash(state);
        self.original_recipient.hash(state);
        self.action.hash(state);
        self.status.hash(state);
        self.remote_mta.hash(state);
        self.diagnostic.hash(state);
        self.arrival_date.hash(state);
        self.last_attempt_date.hash(state);
        self.classification.get().hash(state);
    }
}

impl PyBouncedRecipient {
    fn new(py: Python<'_>, r: smtpcodes::BouncedRecipient) -> PyResult<Self> {
        // Every field by name: a field added to the core fails to compile here until the
        // package has it too.
        let smtpcodes::BouncedRecipient {
            recipient,
            original_recipient,
            action,
            status,
            remote_mta,
            diagnostic,
            arrival_date,
            last_attempt_date,
            classification,
        } = r;
        Ok(PyBouncedRecipient {
            recipient,
            original_recipient,
            action,
            status,
            remote_mta,
            diagnostic,
            arrival_date,
            last_attempt_date,
            classification: Py::new(py, PyClassification::new(py, classification)?)?,
        })
    }

    /// The fields in the core's order; `dicts`: the classification as its `to_dict()`.
    fn fields<'py>(
        &self,
        py: Python<'py>,
        dicts: bool,
    ) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
        let text = |s: &Option<String>| s.as_deref().into_pyobject(py).map(Bound::into_any);
        let classification = if dicts {
            self.classification.get().to_dict(py)?.into_any()
        } else {
            self.classification.bind(py).clone().into_any()
        };
        Ok(vec![
            ("recipient", PyString::new(py, &self.recipient).into_any()),
            ("original_recipient", text(&self.original_recipient)?),
            ("action", py_name(py, self.action).into_any()),
            ("status", self.status(py)?.into_pyobject(py)?.into_any()),
            ("remote_mta", text(&self.remote_mta)?),
            ("diagnostic", PyString::new(py, &self.diagnostic).into_any()),
            ("arrival_date", text(&self.arrival_date)?),
            ("last_attempt_date", text(&self.last_attempt_date)?),
            ("classification", classification),
        ])
    }
}

#[pymethods]
impl PyBouncedRecipient {
    /// The address the report is about (`Final-Recipient`), without angle brackets.
    #[getter]
    fn recipient(&self) -> &str {
        &self.recipient
    }

    /// The address as the sender wrote it (`Original-Recipient`), when the report gives it.
    #[getter]
    fn original_recipient(&self) -> Option<&str> {
        self.original_recipient.as_deref()
    }

    /// What the reporting MTA did: `failed`, `delayed`, `delivered`, `relayed` or `expanded`.
    #[getter]
    fn action<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        py_name(py, self.action)
    }

    /// The enhanced status code (`Status:`, else the diagnostic's), normalised: `5.1.1`.
    #[getter]
    fn status(&self, py: Python<'_>) -> PyResult<Option<String>> {
        core(py, || Ok(self.status.map(|e| e.to_string())))
    }

    /// The host that answered (`Remote-MTA`), when known.
    #[getter]
    fn remote_mta(&self) -> Option<&str> {
        self.remote_mta.as_deref()
    }

    /// The server's words, or what the bounce says in their place.
    #[getter]
    fn diagnostic(&self) -> &str {
        &self.diagnostic
    }

    /// When the message arrived at the reporting MTA (`Arrival-Date`), as written.
    #[getter]
    fn arrival_date(&self) -> Option<&str> {
        self.arrival_date.as_deref()
    }

    /// When delivery was last tried (`Last-Attempt-Date`), as written.
    #[getter]
    fn last_attempt_date(&self) -> Option<&str> {
        self.last_attempt_date.as_deref()
    }

    /// The classification of the diagnostic, as `classify()` gives it.
    #[getter]
    fn classification(&self, py: Python<'_>) -> Py<PyClassification> {
        self.classification.clone_ref(py)
    }

    /// The JSON shape: a new `dict` with every field, the classification as a `dict` too.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        static KEYS: PyOnceLock<Vec<Py<PyString>>> = PyOnceLock::new();
        guard(py, || dict_of(py, &KEYS, &self.fields(py, true)?))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || repr_of("BouncedRecipient", &self.fields(py, false)?))
    }
}

/// What `parse_bounce()` read from a bounce email.
#[pyclass(frozen, eq, hash, module = "smtpcodes", name = "BounceReport")]
pub struct PyBounceReport {
    format: &'static str,
    reporting_mta: Option<String>,
    original_message_id: Option<String>,
    recipients: Vec<Py<PyBouncedRecipient>>,
    complaints: Vec<smtpcodes::Complaint>,
}

impl PartialEq for PyBounceReport {
    fn eq(&self, other: &Self) -> bool {
        self.format == other.format
            && self.reporting_mta == other.reporting_mta
            && self.original_message_id == other.original_message_id
            && self.recipients.len() == other.recipients.len()
            && self
                .recipients
                .iter()
                .zip(&other.recipients)
                .all(|(a, b)| a.get() == b.get())
            && self.complaints == other.complaints
    }
}

impl Eq for PyBounceReport {}

impl Hash for PyBounceReport {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.format.hash(state);
        self.reporting_mta.hash(state);
        self.original_message_id.hash(state);
        self.recipients.len().hash(state);
        for r in &self.recipients {
            r.get().hash(state);
        }
        self.complaints.hash(state);
    }
}

impl PyBounceReport {
    fn new(py: Python<'_>, report: smtpcodes::BounceReport) -> PyResult<Self> {
        let smtpcodes::BounceReport {
            format,
            reporting_mta,
            original_message_id,
            recipients,
            complaints,
        } = report;
        let recipients = recipients
            .into_iter()
            .map(|r| Py::new(py, PyBouncedRecipient::new(py, r)?))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyBounceReport {
            format: format.as_str(),
            reporting_mta,
            original_message_id,
            recipients,
            complaints,
        })
    }

    /// The fields in the core's order; `dicts`: the recipients as a list of their `to_dict()`.
    fn fields<'py>(
        &self,
        py: Python<'py>,
        dicts: bool,
    ) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
        let recipients = if dicts {
            let items = self
                .recipients
                .iter()
                .map(|r| r.get().to_dict(py))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any()
        } else {
            self.recipients(py)?.into_any()
        };
        Ok(vec![
            ("format", PyString::intern(py, self.format).into_any()),
            (
                "reporting_mta",
                self.reporting_mta.as_deref().into_pyobject(py)?.into_any(),
            ),
            (
                "original_message_id",
                self.original_message_id
                    .as_deref()
                    .into_pyobject(py)?
                    .into_any(),
            ),
            ("recipients", recipients),
            ("complaints", self.complaint_dicts(py)?.into_any()),
        ])
    }

    /// The complaints as the `dict`s of their JSON (they cross through serde).
    fn complaint_dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self
            .complaints
            .iter()
            .map(|c| pythonize::pythonize(py, c).map_err(PyErr::from))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }
}

#[pymethods]
impl PyBounceReport {
    /// `dsn` (a `message/delivery-status` part), `ses` (an Amazon SES notification) or `text`
    /// (read from the bounce's human-readable text).
    #[getter]
    fn format<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        PyString::intern(py, self.format)
    }

    /// The MTA that wrote the report (`Reporting-MTA`), when known.
    #[getter]
    fn reporting_mta(&self) -> Option<&str> {
        self.reporting_mta.as_deref()
    }

    /// The `Message-ID` of the message that bounced, when the bounce includes its headers.
    #[getter]
    fn original_message_id(&self) -> Option<&str> {
        self.original_message_id.as_deref()
    }

    /// One `BouncedRecipient` per recipient, in the order the report gives them.
    #[getter]
    fn recipients<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.recipients.iter().map(|r| r.bind(py)))
    }

    /// One `dict` per complaining recipient of an abuse feedback report (`format` `arf`) or an
    /// SES complaint: `recipient` (or `None` when the report hides it), `feedback_type`,
    /// `user_agent`, `source_ip`, `arrival_date`, `original_mail_from` and `suppress`.
    #[getter]
    fn complaints<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        guard(py, || self.complaint_dicts(py))
    }

    /// The JSON shape the Rust CLI prints: a new `dict`, the recipients a list of `dict`s.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        static KEYS: PyOnceLock<Vec<Py<PyString>>> = PyOnceLock::new();
        guard(py, || dict_of(py, &KEYS, &self.fields(py, true)?))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || repr_of("BounceReport", &self.fields(py, false)?))
    }
}

/// The raw bytes of an email, as given: borrowed from a `bytes` or a `str`, else a copy.
enum EmailBytes<'a, 'py> {
    Bytes(Bound<'py, PyBytes>),
    Text(Cow<'a, str>),
    Copied(Vec<u8>),
}

impl EmailBytes<'_, '_> {
    fn as_slice(&self) -> &[u8] {
        match self {
            EmailBytes::Bytes(b) => b.as_bytes(),
            EmailBytes::Text(s) => s.as_bytes(),
            EmailBytes::Copied(v) => v,
        }
    }
}

/// The `message` argument of `parse_bounce`. A `bytearray` or a `memoryview` could change
/// while the GIL is released, so the core reads a copy of it. A `str` is encoded as UTF-8;
/// lone surrogates of `surrogateescape` (how `email` keeps undecodable bytes) turn back into
/// their bytes, any other lone surrogate into U+FFFD.
fn email_arg<'a, 'py>(obj: &'a Bound<'py, PyAny>) -> PyResult<EmailBytes<'a, 'py>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(EmailBytes::Bytes(b.clone()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(EmailBytes::Copied(b.to_vec()));
    }
    if obj.is_instance_of::<PyMemoryView>() {
        let b = obj.call_method0("tobytes")?;
        return match b.cast_into::<PyBytes>() {
            Ok(b) => Ok(EmailBytes::Bytes(b)),
            Err(_) => Err(wrong_type(
                "message",
                "bytes, bytearray, memoryview or str",
                obj,
            )),
        };
    }
    if let Ok(s) = obj.cast::<PyString>() {
        if let Ok(text) = s.to_cow() {
            return Ok(EmailBytes::Text(text));
        }
        return Ok(EmailBytes::Copied(unsurrogate(s)));
    }
    Err(wrong_type(
        "message",
        "bytes, bytearray, memoryview or str",
        obj,
    ))
}

/// One of `parse_bounce`'s limits: `None` (or left out) keeps the core's default, else a
/// positive `int` (not a `bool`); like `decide()`'s counts, a wrong type is a `TypeError` and a
/// number out of range a `ValueError`.
fn limit_arg(name: &str, obj: Option<&Bound<'_, PyAny>>, default: usize) -> PyResult<usize> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(default);
    };
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(wrong_type(name, "an int or None", obj));
    }
    match obj.extract::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(PyValueError::new_err(format!(
            "{name} must be a whole number from 1 to {}",
            usize::MAX
        ))),
    }
}

/// Reads a bounce email (a DSN, another MTA's text bounce, an Amazon SES notification): one
/// entry per recipient it reports on, each classified. `message`: the raw email as `bytes`,
/// `bytearray` or `memoryview`, or a `str` (encoded as UTF-8). The GIL is released while the
/// core reads it. An email that is no bounce raises `NotABounceError`; one over a limit (each
/// keyword, `None` for the default) raises `TooLargeError`.
#[pyfunction]
#[pyo3(signature = (
    message,
    *,
    max_email_bytes = None,
    max_header_bytes = None,
    max_parts = None,
    max_depth = None,
    max_recipients = None,
))]
fn parse_bounce(
    py: Python<'_>,
    message: &Bound<'_, PyAny>,
    max_email_bytes: Option<&Bound<'_, PyAny>>,
    max_header_bytes: Option<&Bound<'_, PyAny>>,
    max_parts: Option<&Bound<'_, PyAny>>,
    max_depth: Option<&Bound<'_, PyAny>>,
    max_recipients: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyBounceReport> {
    guard(py, || {
        let email = email_arg(message)?;
        let d = Limits::DEFAULT;
        let limits = Limits {
            max_email_bytes: limit_arg("max_email_bytes", max_email_bytes, d.max_email_bytes)?,
            max_header_bytes: limit_arg("max_header_bytes", max_header_bytes, d.max_header_bytes)?,
            max_parts: limit_arg("max_parts", max_parts, d.max_parts)?,
            max_depth: limit_arg("max_depth", max_depth, d.max_depth)?,
            max_recipients: limit_arg("max_recipients", max_recipients, d.max_recipients)?,
            ..d
        };
        let bytes = email.as_slice();
        let report = py
            .detach(|| smtpcodes::contain(|| smtpcodes::parse_bounce_with(bytes, &limits)))
            .map_err(|e| py_err(py, &e))?;
        PyBounceReport::new(py, report)
    })
}

/// Classifies one reply. `code`: an `int`, a numeric `str` or `None` (then read from the
/// text); `text`: a `str`, or `bytes` decoded as UTF-8 with replacement.
#[pyfunction]
#[pyo3(
    signature = (code, text = TextArg(None), *, command = None, host = None),
    text_signature = "(code, text='', *, command=None, host=None)"
)]
fn classify(
    py: Python<'_>,
    code: &Bound<'_, PyAny>,
    text: TextArg<'_>,
    command: Option<&Bound<'_, PyAny>>,
    host: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyClassification> {
    guard(py, || {
        let TextArg(text) = text;
        let input = Input::convert(Some(code), text.as_ref(), command, host)?;
        let classify = || input.reply().map(|reply| reply.classify());
        let c = if input.text.len() > DETACH_ABOVE_BYTES {
            py.detach(|| smtpcodes::contain(classify))
        } else {
            smtpcodes::contain(classify)
        };
        PyClassification::new(py, c.map_err(|e| py_err(py, &e))?)
    })
}

/// Private, not API: takes `classify`'s arguments and does nothing, so that
/// `bench/python_bench.py` can measure what crossing into the extension costs by itself (the
/// floor `classify` is compared with). Not exported by `smtpcodes`.
#[pyfunction]
#[pyo3(
    name = "_noop",
    signature = (code, text = TextArg(None), *, command = None, host = None),
    text_signature = "(code, text='', *, command=None, host=None)"
)]
fn noop(
    code: &Bound<'_, PyAny>,
    text: TextArg<'_>,
    command: Option<&Bound<'_, PyAny>>,
    host: Option<&Bound<'_, PyAny>>,
) {
    let _ = (code, text, command, host);
}

/// Classifies many replies in one call, with the GIL released while the core works. Each item
/// is a tuple `(code, text)`, `(code, text, command)` or `(code, text, command, host)`.
#[pyfunction]
fn classify_many(py: Python<'_>, items: &Bound<'_, PyAny>) -> PyResult<Vec<PyClassification>> {
    guard(py, || classify_all(py, items))
}

/// The body of [`classify_many`].
fn classify_all(py: Python<'_>, items: &Bound<'_, PyAny>) -> PyResult<Vec<PyClassification>> {
    if items.is_instance_of::<PyString>() || items.is_instance_of::<PyBytes>() {
        return Err(wrong_type(
            "items",
            "an iterable of (code, text) tuples",
            items,
        ));
    }
    // Every item's parts are held first, so that the texts are borrowed, not copied, while
    // the GIL is released.
    let mut held: Vec<[Option<Bound<'_, PyAny>>; 4]> = Vec::new();
    for (i, item) in items.try_iter()?.enumerate() {
        let item = item?;
        let parts: Vec<Bound<'_, PyAny>> = if let Ok(t) = item.cast::<PyTuple>() {
            t.iter().collect()
        } else if let Ok(l) = item.cast::<PyList>() {
            l.iter().collect()
        } else {
            return Err(PyTypeError::new_err(format!(
                "item {i}: expected a (code, text) tuple, not {}",
                type_name(&item)
            )));
        };
        if !(2..=4).contains(&parts.len()) {
            return Err(PyTypeError::new_err(format!(
                "item {i}: expected (code, text[, command[, host]]), got {} values",
                parts.len()
            )));
        }
        let mut parts = parts.into_iter();
        held.push([parts.next(), parts.next(), parts.next(), parts.next()]);
    }
    let mut inputs = Vec::with_capacity(held.len());
    for (i, [code, text, command, host]) in held.iter().enumerate() {
        let input = Input::convert(
            code.as_ref(),
            text.as_ref(),
            command.as_ref(),
            host.as_ref(),
        )
        .map_err(|e| PyTypeError::new_err(format!("item {i}: {}", e.value(py))))?;
        if let Err(e) = smtpcodes::contain(|| input.reply().map(drop)) {
            return Err(py_err_with(py, &e, &format!("item {i}: ")));
        }
        inputs.push(input);
    }
    let results = py.detach(|| {
        smtpcodes::contain(|| {
            inputs
                .iter()
                .map(|input| input.reply().map(|r| r.classify()))
                .collect::<Result<Vec<_>, Error>>()
        })
    });
    results
        .map_err(|e| py_err(py, &e))?
        .into_iter()
        .map(|c| PyClassification::new(py, c))
        .collect()
}

/// Private, not API: the core's own time, for `bench/python_bench.py`. Converts the
/// `(code, text)` tuples of `items` as `classify` converts its arguments, then classifies them all `passes` times in a loop in Rust (each
/// result made and dropped, as a `classify` call makes and, once Python lets go of it, drops
/// one), with the GIL held as `classify` holds it. The benchmark times the call: what a
/// `classify` call costs beyond it is the crossing's. Returns how many results were made.
#[pyfunction]
#[pyo3(name = "_core_loop")]
fn core_loop(py: Python<'_>, items: &Bound<'_, PyAny>, passes: usize) -> PyResult<usize> {
    guard(py, || {
        let mut held = Vec::new();
        for item in items.try_iter()? {
            let item = item?;
            let t = item.cast::<PyTuple>()?;
            held.push((t.get_item(0)?, t.get_item(1)?));
        }
        let inputs = held
            .iter()
            .map(|(code, text)| Input::convert(Some(code), Some(text), None, None))
            .collect::<PyResult<Vec<_>>>()?;
        core(py, || {
            let mut made = 0;
            for _ in 0..passes {
                for input in &inputs {
                    let c = input.reply().map(|r| r.classify())?;
                    std::hint::black_box(&c);
                    made += 1;
                }
            }
            Ok(made)
        })
    })
}

/// The reference entry of a basic code (`421`, `"421"`) or an enhanced one (`"5.1.1"`).
#[pyfunction]
fn explain(py: Python<'_>, code: &Bound<'_, PyAny>) -> PyResult<PyExplanation> {
    guard(py, || {
        if let Ok(s) = code.cast::<PyString>() {
            return core(py, || smtpcodes::explain(&str_lossy(s))).map(PyExplanation);
        }
        if !code.is_instance_of::<PyBool>() && code.is_instance_of::<PyInt>() {
            return match code_arg(Some(code))? {
                Ok(Some(c)) => core(py, || Ok(smtpcodes::explain_basic(c))).map(PyExplanation),
                Ok(None) => Err(wrong_type("code", "an int or a str", code)),
                Err(e) => Err(py_err(py, &e)),
            };
        }
        Err(wrong_type("code", "an int or a str", code))
    })
}

/// Two codes side by side: `{"a": Explanation, "b": Explanation, "differences": [{"aspect",
/// "a", "b", "text"}], "common": [str]}`, the differences computed from the reference data
/// (`aspect` is `class`, `retry`, `who`, `seen` or `fix`). Each code is what `explain()` takes.
#[pyfunction]
fn compare<'py>(
    py: Python<'py>,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    guard(py, || {
        // Each code read as `explain()` reads it (its types and errors), then compared by its
        // normalised spelling.
        let (a, b) = (explain(py, a)?.0.code, explain(py, b)?.0.code);
        let smtpcodes::Comparison {
            a,
            b,
            differences,
            common,
        } = core(py, || smtpcodes::compare(&a, &b))?;
        let out = PyDict::new(py);
        out.set_item("a", Py::new(py, PyExplanation(a))?)?;
        out.set_item("b", Py::new(py, PyExplanation(b))?)?;
        out.set_item("differences", pythonize::pythonize(py, &differences)?)?;
        out.set_item("common", common)?;
        Ok(out)
    })
}

/// Builds the rule automaton now, so that the first `classify` is as fast as the rest.
#[pyfunction]
fn warm_up(py: Python<'_>) -> PyResult<()> {
    py.detach(|| {
        smtpcodes::contain(|| {
            smtpcodes::warm_up();
            Ok(())
        })
    })
    .map_err(|e| py_err(py, &e))
}

/// A list of the core's names as a `tuple` of `str`.
fn names<I: IntoIterator<Item = &'static str>>(
    py: Python<'_>,
    names: impl FnOnce() -> I,
) -> PyResult<Bound<'_, PyTuple>> {
    let names = core(py, || Ok(names().into_iter().collect::<Vec<_>>()))?;
    PyTuple::new(py, names)
}

/// The functions that list one of the contract's value sets (`reasons()`, ...), each returning
/// the set's values as a tuple in the core's order, and the function that adds them to the
/// module.
macro_rules! value_lists {
    ($( $(#[$doc:meta])* $name:ident => $set:ty; )+) => {
        $(
            $(#[$doc])*
            #[pyfunction]
            fn $name(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
                names(py, || <$set>::NAMES.iter().copied())
            }
        )+

        fn add_value_lists(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $( m.add_function(wrap_pyfunction!($name, m)?)?; )+
            Ok(())
        }
    };
}

value_lists! {
    /// Every `severity` value, in the contract's order.
    severities => Severity;
    /// Every `reason` value, in the contract's order.
    reasons => Reason;
    /// Every `bounce` value.
    bounces => Bounce;
    /// Every `action` value.
    actions => Action;
    /// Every `fault` value.
    faults => Fault;
    /// Every SMTP command name a hint is read as.
    commands => Command;
    /// Every `RetryDecision.why` value.
    retry_whys => RetryWhy;
    /// Every DSN `action` value (`BouncedRecipient.action`), in RFC 3464's order.
    dsn_actions => DsnAction;
    /// Every `BounceReport.format` value.
    bounce_formats => smtpcodes::BounceFormat;
    /// Every `NotABounceError.what` value.
    not_a_bounce_whats => smtpcodes::NotABounceWhat;
    /// Every `what` of `NotAWebhookError`.
    not_a_webhook_whats => smtpcodes::NotAWebhookWhat;
    /// Every `esp` value of `parse_webhook()`: the services it reads.
    esps => smtpcodes::webhook::Esp;
    /// Every `event` value of `parse_webhook()`'s events.
    webhook_events => smtpcodes::webhook::WebhookEventKind;
    /// Every error `kind` value: those of `InvalidReplyError`, and `NotABounceError`'s.
    error_kinds => smtpcodes::ErrorKind;
    /// Every `format` of a log record (`parse_log_line`, `read_log`).
    log_formats => smtpcodes::logs::LogFormat;
    /// Every `status` of a log record, as the line says how the delivery attempt ended.
    delivery_statuses => smtpcodes::logs::DeliveryStatus;
}

/// Every provider id, in detection order.
#[pyfunction]
fn providers(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    names(py, smtpcodes::providers)
}

/// The defaults of the core's limits, by name: those `parse_bounce` takes as keywords, and
/// `max_line_bytes`, the longest line that `smtpcodes scan` reads from a mailbox or a log.
#[pyfunction]
fn default_limits(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    guard(py, || {
        // Every field by name: a limit added to the core fails to compile here until the
        // package has it too.
        let Limits {
            max_email_bytes,
            max_header_bytes,
            max_parts,
            max_depth,
            max_recipients,
            max_line_bytes,
        } = Limits::DEFAULT;
        let limits = [
            ("max_email_bytes", max_email_bytes),
            ("max_header_bytes", max_header_bytes),
            ("max_parts", max_parts),
            ("max_depth", max_depth),
            ("max_recipients", max_recipients),
            ("max_line_bytes", max_line_bytes),
        ];
        // The names and their order are the core's (the debug build the tests use checks it).
        debug_assert!(limits
            .iter()
            .map(|l| l.0)
            .eq(Limits::FIELDS.iter().copied()));
        let d = PyDict::new(py);
        for (name, value) in limits {
            d.set_item(name, value)?;
        }
        Ok(d)
    })
}

/// Private, not API, and never to be called but by the test suite: panics on purpose inside the
/// contained path that every exported function takes (with the GIL released when `detached`),
/// so that `tests/python` can prove a panic becomes an `InternalError`. Not exported by
/// `smtpcodes`, not in the stub.
#[pyfunction]
#[pyo3(name = "_panic_for_test", signature = (detached = false))]
fn panic_for_test(py: Python<'_>, detached: bool) -> PyResult<()> {
    fn deliberate() -> Result<(), Error> {
        panic!("a deliberate panic, for the test suite")
    }
    guard(py, || {
        if detached {
            py.detach(|| smtpcodes::contain(deliberate))
                .map_err(|e| py_err(py, &e))
        } else {
            core(py, deliberate)
        }
    })
}

/// The native module; `smtpcodes/__init__.py` re-exports it.
#[pymodule]
fn _smtpcodes(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", smtpcodes::VERSION)?;
    m.add("InvalidReplyError", m.py().get_type::<InvalidReplyError>())?;
    // `kind` is the same for every NotABounceError: a class attribute, the core's slug.
    let not_a_bounce = m.py().get_type::<NotABounceError>();
    not_a_bounce.setattr("kind", smtpcodes::ErrorKind::NotABounce.as_str())?;
    m.add("NotABounceError", not_a_bounce)?;
    let not_a_webhook = m.py().get_type::<NotAWebhookError>();
    not_a_webhook.setattr("kind", smtpcodes::ErrorKind::NotAWebhook.as_str())?;
    m.add("NotAWebhookError", not_a_webhook)?;
    let too_large = m.py().get_type::<TooLargeError>();
    too_large.setattr("kind", smtpcodes::ErrorKind::TooLarge.as_str())?;
    m.add("TooLargeError", too_large)?;
    let internal = m.py().get_type::<InternalError>();
    internal.setattr("kind", smtpcodes::ErrorKind::Internal.as_str())?;
    m.add("InternalError", internal)?;
    m.add_class::<PyClassification>()?;
    m.add_class::<PyExplanation>()?;
    m.add_class::<PyRetryDecision>()?;
    m.add_class::<PyRetryPolicy>()?;
    m.add_class::<PyBounceReport>()?;
    m.add_class::<PyBouncedRecipient>()?;
    m.add_class::<logs::PyLogReader>()?;
    m.add_function(wrap_pyfunction!(classify, m)?)?;
    m.add_function(wrap_pyfunction!(classify_many, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::classify_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(parse_bounce, m)?)?;
    m.add_function(wrap_pyfunction!(logs::parse_log_line, m)?)?;
    m.add_function(wrap_pyfunction!(logs::read_log, m)?)?;
    m.add_function(wrap_pyfunction!(webhook::parse_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(warm_up, m)?)?;
    // Set, not added: `add_function` would list the private no-op in the module's `__all__`.
    m.setattr("_noop", wrap_pyfunction!(noop, m)?)?;
    m.setattr("_core_loop", wrap_pyfunction!(core_loop, m)?)?;
    m.setattr("_panic_for_test", wrap_pyfunction!(panic_for_test, m)?)?;
    m.add_function(wrap_pyfunction!(default_limits, m)?)?;
    add_value_lists(m)?;
    m.add_function(wrap_pyfunction!(providers, m)?)?;
    Ok(())
}
