//! Parsers for what Mastodon sends: admin webhook bodies, streaming messages, the public
//! timeline, and capture lines (either of the first two, one a line). Bad input is a
//! [`ParseError`] naming the field at fault, never a panic; an event this version does not
//! know parses as `Unknown` (with its object or payload as given) and is never dropped.
//!
//! Input is read leniently where Mastodon versions and other servers differ (`null` for
//! absent, ids as numbers, `ip` and `role` in their 3.x and 4.x forms, odd counts) and
//! strictly where moat cannot do without a field: an account's id and username, an admin
//! account's `created_at`, a status's id, `created_at` and author, a webhook's `created_at`.

mod capture;
mod convert;
mod wire;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

pub use capture::{parse_capture_line, sniff_platform, CaptureLine, Platform};

use crate::model::time::parse_iso_ms;
use crate::model::{Status, StatusId, StreamKind, StreamMessage, WebhookEvent, WebhookKind};

/// Why input could not be read. Messages name fields, never quote a body in full.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not UTF-8")]
    NotUtf8,
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("neither a Mastodon webhook body ({{\"event\",\"created_at\",\"object\"}}) nor a streaming message ({{\"stream\",\"event\",\"payload\"}})")]
    UnknownShape,
    #[error("`{field}` is missing")]
    Missing { field: String },
    #[error("`{field}`: {why}")]
    Invalid { field: String, why: String },
    #[error("the `{event}` payload: {source}")]
    Payload {
        event: String,
        #[source]
        source: Box<ParseError>,
    },
}

fn json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, ParseError> {
    serde_json::from_str(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => ParseError::Invalid { field: what.to_string(), why: e.to_string() },
        _ => ParseError::NotJson(e.to_string()),
    })
}

fn envelope(text: &str) -> Result<wire::Envelope<'_>, ParseError> {
    serde_json::from_str(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => ParseError::UnknownShape,
        _ => ParseError::NotJson(e.to_string()),
    })
}

/// Parses an admin webhook body exactly as Mastodon `POST`s it.
pub fn parse_webhook(body: &[u8]) -> Result<WebhookEvent, ParseError> {
    let text = std::str::from_utf8(body).map_err(|_| ParseError::NotUtf8)?;
    webhook_from(envelope(text)?)
}

fn webhook_from(env: wire::Envelope<'_>) -> Result<WebhookEvent, ParseError> {
    let event = env.event.ok_or(ParseError::UnknownShape)?;
    let object = env.object.ok_or(ParseError::UnknownShape)?;
    let created_at = env.created_at.ok_or_else(|| ParseError::Missing { field: "created_at".into() })?;
    let created_at_ms = parse_iso_ms(&created_at)
        .ok_or_else(|| ParseError::Invalid { field: "created_at".into(), why: "not an ISO 8601 time".into() })?;
    let obj = object.get();
    let kind = match event.as_str() {
        "account.created" => WebhookKind::AccountCreated(convert::admin_account(json(obj, "object")?, "object")?),
        "account.approved" => WebhookKind::AccountApproved(convert::admin_account(json(obj, "object")?, "object")?),
        "account.updated" => WebhookKind::AccountUpdated(convert::admin_account(json(obj, "object")?, "object")?),
        "report.created" => WebhookKind::ReportCreated(Box::new(convert::report(json(obj, "object")?, "object")?)),
        "report.updated" => WebhookKind::ReportUpdated(Box::new(convert::report(json(obj, "object")?, "object")?)),
        "status.created" => WebhookKind::StatusCreated(convert::status(json(obj, "object")?, "object")?),
        "status.updated" => WebhookKind::StatusUpdated(convert::status(json(obj, "object")?, "object")?),
        _ => WebhookKind::Unknown(json(obj, "object")?),
    };
    Ok(WebhookEvent { event, created_at_ms, created_at, kind })
}

/// Parses one status entity (JSON text).
pub fn parse_status(text: &str) -> Result<Status, ParseError> {
    convert::status(json(text, "status")?, "")
}

/// Parses a page of the public timeline (a JSON array of statuses, newest first as given).
pub fn parse_timeline(body: &[u8]) -> Result<Vec<Status>, ParseError> {
    let text = std::str::from_utf8(body).map_err(|_| ParseError::NotUtf8)?;
    let items: Vec<Box<RawValue>> = json(text, "timeline")?;
    items
        .iter()
        .enumerate()
        .map(|(i, raw)| convert::status(json(raw.get(), &format!("[{i}]"))?, &format!("[{i}]")))
        .collect()
}

/// Parses a streaming message exactly as the WebSocket delivers it.
pub fn parse_stream_message(text: &str) -> Result<StreamMessage, ParseError> {
    stream_from(envelope(text)?)
}

/// The payload as text: a JSON string's contents, or other JSON as written (`""` if absent).
fn payload_text(raw: Option<&RawValue>) -> Result<String, ParseError> {
    match raw {
        None => Ok(String::new()),
        Some(r) if r.get().starts_with('"') => json(r.get(), "payload"),
        Some(r) if r.get() == "null" => Ok(String::new()),
        Some(r) => Ok(r.get().to_string()),
    }
}

fn stream_from(env: wire::Envelope<'_>) -> Result<StreamMessage, ParseError> {
    let (Some(streams), Some(event)) = (env.stream, env.event) else { return Err(ParseError::UnknownShape) };
    let payload = payload_text(env.payload)?;
    let in_payload = |e: ParseError| ParseError::Payload { event: event.clone(), source: Box::new(e) };
    let kind = match event.as_str() {
        "update" => StreamKind::Update(parse_status(&payload).map_err(in_payload)?),
        "status.update" => StreamKind::StatusUpdate(parse_status(&payload).map_err(in_payload)?),
        "delete" => {
            let id = payload.trim();
            if id.is_empty() {
                return Err(in_payload(ParseError::Missing { field: "payload".into() }));
            }
            StreamKind::Delete(StatusId::new(id))
        }
        _ => StreamKind::Unknown { event, payload },
    };
    Ok(StreamMessage { streams, kind })
}

#[cfg(test)]
mod tests;
