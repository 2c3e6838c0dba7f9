//! An answer before it becomes an HTTP response, and Mastodon's error bodies.

use serde_json::{json, Value};

/// Status, body and extra headers of one answer.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: u16,
    pub body: String,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
}

impl Answer {
    pub fn json(status: u16, v: Value) -> Answer {
        Answer { status, body: v.to_string(), content_type: "application/json; charset=utf-8", headers: Vec::new() }
    }

    pub fn ok(v: Value) -> Answer {
        Answer::json(200, v)
    }

    /// Mastodon's `render_empty`: `200 {}`.
    pub fn empty() -> Answer {
        Answer::json(200, json!({}))
    }

    /// Mastodon's error shape: `{"error": "…"}`.
    pub fn error(status: u16, message: &str) -> Answer {
        Answer::json(status, json!({ "error": message }))
    }

    /// `404 {"error":"Record not found"}`.
    pub fn not_found() -> Answer {
        Answer::error(404, "Record not found")
    }

    /// `403 {"error":"This action is not allowed"}` (a policy said no).
    pub fn not_allowed() -> Answer {
        Answer::error(403, "This action is not allowed")
    }

    /// `422 {"error":"Validation failed: …"}`.
    pub fn invalid(what: &str) -> Answer {
        Answer::error(422, &format!("Validation failed: {what}"))
    }

    pub fn text(status: u16, body: &str) -> Answer {
        Answer { status, body: body.to_string(), content_type: "text/plain; charset=utf-8", headers: Vec::new() }
    }

    pub fn redirect(location: String) -> Answer {
        Answer {
            status: 302,
            body: String::new(),
            content_type: "text/html; charset=utf-8",
            headers: vec![("location", location)],
        }
    }

    pub fn with_header(mut self, name: &'static str, value: String) -> Answer {
        self.headers.push((name, value));
        self
    }
}

/// The reason phrase of the statuses the fake injects.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    }
}
