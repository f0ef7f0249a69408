//! `classify_arrow`: Arrow arrays in, an Arrow record batch out, through the Arrow C data
//! interface's capsules (`__arrow_c_array__`), so no Python object is made per row.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::ffi::{from_ffi, to_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::types::{
    Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{
    Array, ArrayRef, BooleanArray, StringArray, StructArray, UInt16Array, UInt32Array,
};
use arrow_schema::{DataType, Field};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyCapsuleMethods, PyTuple};
use smtpcodes::{Classification, Error, Reply};

use crate::{guard, py_err, py_err_with, type_name};

/// The array behind an object of the Arrow `PyCapsule` interface.
fn import(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<ArrayRef> {
    if !obj.hasattr("__arrow_c_array__")? {
        return Err(PyTypeError::new_err(format!(
            "{what} must be an Arrow array, not {}",
            type_name(obj)
        )));
    }
    let pair = obj.call_method0("__arrow_c_array__")?;
    let (schema, array): (Bound<'_, PyCapsule>, Bound<'_, PyCapsule>) = pair.extract()?;
    let schema_ptr = schema
        .pointer_checked(Some(c"arrow_schema"))?
        .cast::<FFI_ArrowSchema>();
    let array_ptr = array
        .pointer_checked(Some(c"arrow_array"))?
        .cast::<FFI_ArrowArray>();
    // SAFETY: the capsules are named as the interface names them, so they hold these structs;
    // the array is moved out (its release left empty for the capsule's destructor), the schema
    // is borrowed while its capsule lives.
    #[expect(
        unsafe_code,
        reason = "the C data interface hands over raw structs; checked by the capsule names"
    )]
    let data = unsafe {
        let array = FFI_ArrowArray::from_raw(array_ptr.as_ptr());
        from_ffi(array, schema_ptr.as_ref())
    }
    .map_err(|e| PyValueError::new_err(format!("{what}: {e}")))?;
    Ok(arrow_array::make_array(data))
}

/// The codes as `i64`, nulls as `None`.
fn codes_of(codes: &dyn Array) -> PyResult<Vec<Option<i64>>> {
    macro_rules! widen {
        ($t:ty) => {
            codes
                .as_primitive::<$t>()
                .iter()
                .map(|v| v.and_then(|v| i64::try_from(v).ok().or(Some(i64::MAX))))
                .collect()
        };
    }
    Ok(match codes.data_type() {
        DataType::Int8 => widen!(Int8Type),
        DataType::Int16 => widen!(Int16Type),
        DataType::Int32 => widen!(Int32Type),
        DataType::Int64 => widen!(Int64Type),
        DataType::UInt8 => widen!(UInt8Type),
        DataType::UInt16 => widen!(UInt16Type),
        DataType::UInt32 => widen!(UInt32Type),
        DataType::UInt64 => widen!(UInt64Type),
        DataType::Null => vec![None; codes.len()],
        other => {
            return Err(PyTypeError::new_err(format!(
                "codes must be an integer array, not {other}"
            )))
        }
    })
}

/// The texts, nulls as `None`.
fn texts_of(texts: &dyn Array) -> PyResult<Vec<Option<&str>>> {
    Ok(match texts.data_type() {
        DataType::Utf8 => texts.as_string::<i32>().iter().collect(),
        DataType::LargeUtf8 => texts.as_string::<i64>().iter().collect(),
        DataType::Null => vec![None; texts.len()],
        other => {
            return Err(PyTypeError::new_err(format!(
                "texts must be a string or large_string array, not {other}"
            )))
        }
    })
}

/// One row's classification: a null code is no code, a null text the empty text.
fn classify_row(code: Option<i64>, text: Option<&str>) -> Result<Classification, Error> {
    let code = code.map(smtpcodes::check_code).transpose()?;
    Ok(Reply::new(text.unwrap_or("")).maybe_code(code)?.classify())
}

/// The columns that can be null: the fields that are `None` in Python when absent.
const NULLABLE: [&str; 4] = ["code", "enhanced", "retry_after", "provider"];

/// A string column of the results.
fn strings<'a>(
    results: &'a [Classification],
    field: impl Fn(&'a Classification) -> Option<&'a str>,
) -> ArrayRef {
    Arc::new(results.iter().map(field).collect::<StringArray>())
}

/// The struct array of the results, one column per field of `Classification`, in the order of
/// Python's `to_dict()`.
fn build(results: &[Classification]) -> StructArray {
    let columns: Vec<(&str, ArrayRef)> = vec![
        (
            "code",
            Arc::new(results.iter().map(|c| c.code).collect::<UInt16Array>()),
        ),
        (
            "enhanced",
            Arc::new(
                results
                    .iter()
                    .map(|c| c.enhanced.map(|e| e.to_string()))
                    .collect::<StringArray>(),
            ),
        ),
        ("severity", strings(results, |c| Some(c.severity.as_str()))),
        ("reason", strings(results, |c| Some(c.reason.as_str()))),
        ("bounce", strings(results, |c| Some(c.bounce.as_str()))),
        ("action", strings(results, |c| Some(c.action.as_str()))),
        (
            "retry_after",
            Arc::new(
                results
                    .iter()
                    .map(|c| c.retry_after)
                    .collect::<UInt32Array>(),
            ),
        ),
        (
            "suppress",
            Arc::new(
                results
                    .iter()
                    .map(|c| Some(c.suppress))
                    .collect::<BooleanArray>(),
            ),
        ),
        ("fault", strings(results, |c| Some(c.fault.as_str()))),
        ("provider", strings(results, |c| c.provider)),
        ("title", strings(results, |c| Some(c.title))),
        ("description", strings(results, |c| Some(&c.description))),
        ("advice", strings(results, |c| Some(c.advice))),
        ("text", strings(results, |c| Some(&c.text))),
        ("matched", strings(results, |c| Some(&c.matched))),
    ];
    let (fields, arrays): (Vec<_>, Vec<_>) = columns
        .into_iter()
        .map(|(name, a)| {
            (
                Arc::new(Field::new(
                    name,
                    a.data_type().clone(),
                    NULLABLE.contains(&name),
                )),
                a,
            )
        })
        .unzip();
    StructArray::new(fields.into(), arrays, None)
}

/// Private, not API: `smtpcodes.classify_arrow` (in `__init__.py`) wraps it. Returns the
/// (schema, array) capsules of a struct array whose fields are the record batch's columns.
#[pyfunction]
#[pyo3(name = "_classify_arrow")]
pub fn classify_arrow<'py>(
    py: Python<'py>,
    codes: &Bound<'py, PyAny>,
    texts: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    guard(py, || {
        let codes = import(codes, "codes")?;
        let texts = import(texts, "texts")?;
        if codes.len() != texts.len() {
            return Err(PyValueError::new_err(format!(
                "codes and texts must have the same length, not {} and {}",
                codes.len(),
                texts.len()
            )));
        }
        let codes = codes_of(codes.as_ref())?;
        let texts = texts_of(texts.as_ref())?;
        let results = py.detach(|| {
            smtpcodes::contain(|| {
                Ok(codes
                    .iter()
                    .zip(&texts)
                    .enumerate()
                    .map(|(i, (c, t))| classify_row(*c, *t).map_err(|e| (i, e)))
                    .collect::<Result<Vec<_>, _>>())
            })
        });
        let results = match results {
            Ok(Ok(r)) => r,
            Ok(Err((i, e))) => return Err(py_err_with(py, &e, &format!("row {i}: "))),
            Err(e) => return Err(py_err(py, &e)),
        };
        let array = build(&results);
        let (array, schema) =
            to_ffi(&array.into_data()).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let schema = PyCapsule::new_with_value(py, schema, c"arrow_schema")?;
        let array = PyCapsule::new_with_value(py, array, c"arrow_array")?;
        PyTuple::new(py, [schema.into_any(), array.into_any()])
    })
}
