//! `parse_webhook`: `smtpcodes::parse_webhook` for Python.
//!
//! The result crosses through serde (`pythonize`), as the `dict` of its JSON (the CLI's
//! `smtpcodes webhook`, the golden files' in `tests/webhooks/`), except that each event's
//! `classification` is the `Classification` that `classify` returns (or `None`).

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::{guard, py_err, PyClassification};

/// Reads an email service's webhook body: `bytes` (or `bytearray`, `memoryview`) or `str` as
/// received, or the `dict` / `list` a framework already parsed from it (`request.json`).
/// Returns `{"esp", "events", "sns_confirmation"}`; raises `NotAWebhookError` for a body that
/// is not JSON or not a known service's payload, `TooLargeError` over the size limits.
#[pyfunction]
pub fn parse_webhook<'py>(
    py: Python<'py>,
    body: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    guard(py, || {
        let parsed = if body.is_instance_of::<PyDict>() || body.is_instance_of::<PyList>() {
            let value: serde_json::Value = pythonize::depythonize(body).map_err(|e| {
                pyo3::exceptions::PyTypeError::new_err(format!(
                    "body: a dict or list that JSON cannot hold: {e}"
                ))
            })?;
            py.detach(|| smtpcodes::contain(|| smtpcodes::parse_webhook_value(&value)))
        } else {
            let bytes = crate::logs::text_bytes(
                "body",
                body,
                "bytes, bytearray, memoryview, str, dict or list",
            )?;
            py.detach(|| smtpcodes::contain(|| smtpcodes::parse_webhook(&bytes)))
        };
        let hook = parsed.map_err(|e| py_err(py, &e))?;
        let dict = pythonize::pythonize(py, &hook)?.cast_into::<PyDict>()?;
        let events = dict
            .get_item(intern!(py, "events"))?
            .map(Bound::cast_into::<PyList>)
            .transpose()?;
        if let Some(events) = events {
            for (item, event) in events.iter().zip(hook.events) {
                if let Some(c) = event.classification {
                    item.set_item(intern!(py, "classification"), PyClassification::new(py, c)?)?;
                }
            }
        }
        Ok(dict)
    })
}
