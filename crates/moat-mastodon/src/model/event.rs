//! Events: a webhook body ([`WebhookEvent`]) and a streaming message ([`StreamMessage`]) as
//! parsed, and the one [`Event`] both become, which is what the server hands its consumer
//! and what the engine's translation reads (one `match` on [`EventKind`]).
//!
//! A status reaches moat twice on a server whose local posts fire `status.created` and also
//! appear on the public stream; [`Event::dedupe_key`] is the same for both, and the server
//! ([`crate::Server`]) hands on only the first.

use super::{AccountId, AdminAccount, Report, Status, StatusId};

/// An admin webhook body: `{"event", "created_at", "object"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    /// The event name as given (`account.created`, …).
    pub event: String,
    /// The body's `created_at` (when it happened), unix ms.
    pub created_at_ms: u64,
    /// The body's `created_at` exactly as given (part of the de-duplication key).
    pub created_at: String,
    pub kind: WebhookKind,
}

/// What a webhook is about.
#[derive(Debug, Clone, PartialEq)]
pub enum WebhookKind {
    AccountCreated(AdminAccount),
    AccountApproved(AdminAccount),
    AccountUpdated(AdminAccount),
    ReportCreated(Box<Report>),
    ReportUpdated(Box<Report>),
    StatusCreated(Status),
    StatusUpdated(Status),
    /// An event this version does not know; its object as given.
    Unknown(serde_json::Value),
}

impl WebhookEvent {
    /// The id of the object the event is about (`None` for an unknown event without one).
    pub fn object_id(&self) -> Option<&str> {
        match &self.kind {
            WebhookKind::AccountCreated(a) | WebhookKind::AccountApproved(a) | WebhookKind::AccountUpdated(a) => {
                Some(a.id.as_str())
            }
            WebhookKind::ReportCreated(r) | WebhookKind::ReportUpdated(r) => Some(r.id.as_str()),
            WebhookKind::StatusCreated(s) | WebhookKind::StatusUpdated(s) => Some(s.id.as_str()),
            WebhookKind::Unknown(v) => v.get("id").and_then(serde_json::Value::as_str),
        }
    }
}

/// A streaming message: `{"stream": [...], "event", "payload": "<JSON as a string>"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamMessage {
    /// The streams it was sent on (`["public"]`).
    pub streams: Vec<String>,
    pub kind: StreamKind,
}

/// What a streaming message says.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamKind {
    /// `update`: a new status.
    Update(Status),
    /// `status.update`: an edited status.
    StatusUpdate(Status),
    /// `delete`: a status was deleted (the payload is its bare id).
    Delete(StatusId),
    /// Any other event (`notification`, `announcement`, …), with its payload as given.
    Unknown { event: String, payload: String },
}

/// Where an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// A signed admin webhook.
    Webhook,
    /// The streaming WebSocket.
    Stream,
    /// The public timeline, read to fill a gap in the stream.
    CatchUp,
    /// A line of a capture file.
    Capture,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Webhook => "webhook",
            Source::Stream => "stream",
            Source::CatchUp => "catch-up",
            Source::Capture => "capture",
        }
    }
}

/// One thing that happened on a Mastodon server, whatever brought it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// When it happened (unix ms): the webhook's `created_at`, a status's creation (or last
    /// edit); for a `delete`, when moat heard of it (`None` in a capture: the replay takes the
    /// line before's time).
    pub at_ms: Option<u64>,
    pub source: Source,
    pub kind: EventKind,
}

/// The events the engine's translation handles.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// A sign-up (`account.created`).
    AccountCreated(AdminAccount),
    /// An admin approved a pending sign-up.
    AccountApproved(AdminAccount),
    /// A local account changed: its profile, or its state after an admin action (moat's own
    /// actions come back this way).
    AccountUpdated(AdminAccount),
    /// A report (boxed: it holds two admin accounts).
    ReportCreated(Box<Report>),
    ReportUpdated(Box<Report>),
    /// A new status, local (webhook or stream) or remote (stream or catch-up).
    StatusCreated(Status),
    /// An edited status.
    StatusUpdated(Status),
    StatusDeleted(StatusId),
    /// An event this version does not know: reported, never dropped.
    Unknown {
        event: String,
        body: String,
    },
}

impl From<WebhookEvent> for Event {
    fn from(w: WebhookEvent) -> Event {
        let kind = match w.kind {
            WebhookKind::AccountCreated(a) => EventKind::AccountCreated(a),
            WebhookKind::AccountApproved(a) => EventKind::AccountApproved(a),
            WebhookKind::AccountUpdated(a) => EventKind::AccountUpdated(a),
            WebhookKind::ReportCreated(r) => EventKind::ReportCreated(r),
            WebhookKind::ReportUpdated(r) => EventKind::ReportUpdated(r),
            WebhookKind::StatusCreated(s) => EventKind::StatusCreated(s),
            WebhookKind::StatusUpdated(s) => EventKind::StatusUpdated(s),
            WebhookKind::Unknown(v) => EventKind::Unknown { event: w.event, body: v.to_string() },
        };
        Event { at_ms: Some(w.created_at_ms), source: Source::Webhook, kind }
    }
}

impl Event {
    /// The event a streaming message becomes (`source` says whether it came live).
    pub fn from_stream(m: StreamMessage, source: Source) -> Event {
        let (at_ms, kind) = match m.kind {
            StreamKind::Update(s) => (Some(s.version_ms()), EventKind::StatusCreated(s)),
            StreamKind::StatusUpdate(s) => (Some(s.version_ms()), EventKind::StatusUpdated(s)),
            StreamKind::Delete(id) => (None, EventKind::StatusDeleted(id)),
            StreamKind::Unknown { event, payload } => (None, EventKind::Unknown { event, body: payload }),
        };
        Event { at_ms, source, kind }
    }

    /// The account the event is about or by (a status's author), if any.
    pub fn account_id(&self) -> Option<&AccountId> {
        match &self.kind {
            EventKind::AccountCreated(a) | EventKind::AccountApproved(a) | EventKind::AccountUpdated(a) => Some(&a.id),
            EventKind::ReportCreated(r) | EventKind::ReportUpdated(r) => Some(&r.target_account.id),
            EventKind::StatusCreated(s) | EventKind::StatusUpdated(s) => Some(&s.account.id),
            _ => None,
        }
    }

    /// A key equal for two deliveries of the same thing: a status's id and version (so its
    /// webhook and its stream message match), `None` for what has no such identity (account
    /// and report events are de-duplicated by the webhook listener, on their own key).
    pub fn dedupe_key(&self) -> Option<String> {
        match &self.kind {
            EventKind::StatusCreated(s) | EventKind::StatusUpdated(s) => {
                Some(format!("status:{}:{}", s.id, s.version_ms()))
            }
            EventKind::StatusDeleted(id) => Some(format!("delete:{id}")),
            _ => None,
        }
    }
}
