//! `parseWebhook`: `smtpcodes::parse_webhook` for JavaScript.
//!
//! The result crosses as its JSON text (serde's, in the core's field order);
//! `bindings-node/js/index.js` parses it, spells the keys in camelCase, and builds each event's
//! classification from [`SLOTS`] numbers as `classify` builds one, so that it is the same
//! object `classify` would return.

use napi::bindgen_prelude::{Either, Env, Float64ArraySlice, Uint8ArraySlice};
use napi::{Error as NapiError, Result, Status};
use napi_derive::napi;

use crate::{guard, interner, slots, SLOTS};

/// What `parseWebhook` read.
#[napi(object, object_from_js = false)]
pub struct WebhookParts<'env> {
    /// The core's `Webhook` as serde writes it.
    pub json: String,
    /// [`SLOTS`] numbers per event that has a classification, in the order of the events.
    pub classifications: Float64ArraySlice<'env>,
    /// The strings of the classifications, end to end, as `classify` returns them.
    pub strings: String,
}

/// An email service's webhook body (a string, or bytes read as UTF-8): its events, each
/// classified. A body that is not JSON or no known service's payload throws `not_a_webhook`.
#[napi(catch_unwind)]
pub fn parse_webhook<'env>(
    env: &'env Env,
    body: Either<String, Uint8ArraySlice>,
) -> Result<WebhookParts<'env>> {
    guard(*env, || {
        // A copy of the view's bytes, taken before the core reads any.
        let bytes = match body {
            Either::A(s) => s.into_bytes(),
            Either::B(view) => view.to_vec(),
        };
        let hook = smtpcodes::parse_webhook(&bytes)?;
        let json = serde_json::to_string(&hook)
            .map_err(|e| NapiError::new(Status::GenericFailure, e.to_string()))?;
        let mut numbers = Vec::new();
        let mut strings = String::new();
        let mut table = interner();
        for c in hook.events.iter().filter_map(|e| e.classification.as_ref()) {
            numbers.extend_from_slice(&slots(c, &mut table, &mut strings));
        }
        drop(table);
        debug_assert_eq!(numbers.len() % SLOTS, 0);
        Ok(WebhookParts {
            json,
            classifications: Float64ArraySlice::copy_from(env, &numbers)?,
            strings,
        })
    })
}
