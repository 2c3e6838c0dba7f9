//! What happens on the server when something happens, shared by the player (capture lines)
//! and the API (statuses moat posts, accounts it approves or silences): the world changes,
//! then webhooks and stream messages go out. See [`crate::capture`] for the rules.
//!
//! The world is locked only to decide; deliveries are queued and messages sent after the
//! lock is released.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::state::{Account, Signup, Status};
use crate::stream::{self, STREAMS};
use crate::time::iso_ms;
use crate::webhook::{self, Signature};
use crate::{lock, Inner};

/// What one event led to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Webhook deliveries queued.
    pub webhooks: u32,
    /// Stream messages sent.
    pub streamed: usize,
    /// A post dropped because its author could not post.
    pub suppressed: bool,
    /// A sign-up refused by a block.
    pub refused: bool,
    /// A sign-up held for approval by an IP block.
    pub held: bool,
    /// A status entity without an id or a usable author: nothing happened.
    pub invalid: bool,
}

/// Whether a status event is a creation or an edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Created,
    Updated,
}

impl Kind {
    fn webhook_event(self) -> &'static str {
        match self {
            Kind::Created => "status.created",
            Kind::Updated => "status.updated",
        }
    }
    fn stream_event(self) -> &'static str {
        match self {
            Kind::Created => "update",
            Kind::Updated => "status.update",
        }
    }
}

fn queue(inner: &Inner, event: &str, body: String) -> u32 {
    webhook::enqueue(inner, event, Arc::from(body), Signature::Good)
}

/// A webhook body line from a capture (`raw` is the line as written).
pub(crate) fn on_webhook(inner: &Inner, raw: &str, v: &Value, now_ms: u64) -> Outcome {
    let event = v["event"].as_str().unwrap_or("");
    match event {
        "account.created" => on_signup(inner, raw, v, now_ms),
        "account.approved" | "account.updated" => {
            let gone = {
                let mut w = lock(&inner.world);
                let given = Account::from_admin(&v["object"]);
                let id = given.as_ref().map(|a| a.id.clone()).unwrap_or_default();
                if let Some(a) = given.filter(|_| w.account(&id).is_none()) {
                    // A capture that starts after the sign-up: the account is seen here first.
                    w.add_account(a);
                }
                if let Some(a) = w.account_mut(&id) {
                    a.update_profile(&v["object"]);
                    if event == "account.approved" {
                        a.approved = true;
                    }
                }
                w.is_gone(&id)
            };
            if gone {
                return Outcome::default();
            }
            Outcome { webhooks: queue(inner, event, raw.to_string()), ..Outcome::default() }
        }
        "status.created" => on_status(inner, Kind::Created, &v["object"], Some(raw), None, now_ms),
        "status.updated" => on_status(inner, Kind::Updated, &v["object"], Some(raw), None, now_ms),
        _ => Outcome { webhooks: queue(inner, event, raw.to_string()), ..Outcome::default() },
    }
}

fn on_signup(inner: &Inner, raw: &str, v: &Value, now_ms: u64) -> Outcome {
    let Some(mut account) = Account::from_admin(&v["object"]) else {
        return Outcome { webhooks: queue(inner, "account.created", raw.to_string()), ..Outcome::default() };
    };
    let mut out = Outcome::default();
    let body = {
        let mut w = lock(&inner.world);
        if w.is_gone(&account.id) {
            // A repeat for a sign-up refused or rejected since: it no longer exists.
            return Outcome::default();
        }
        if w.account(&account.id).is_some() {
            raw.to_string()
        } else {
            let local = account.is_local();
            match w.signup_verdict(account.email.as_deref(), account.ip.as_deref(), now_ms) {
                Signup::Refused(why) if local => {
                    w.mark_gone(&account.id);
                    w.log.refused_signups.push((account.id.clone(), why));
                    return Outcome { refused: true, ..Outcome::default() };
                }
                Signup::NeedsApproval if local && account.approved => {
                    account.approved = false;
                    w.log.held_signups.push(account.id.clone());
                    out.held = true;
                    let mut body = v.clone();
                    body["object"]["approved"] = Value::Bool(false);
                    w.add_account(account);
                    body.to_string()
                }
                _ => {
                    w.add_account(account);
                    raw.to_string()
                }
            }
        }
    };
    out.webhooks = queue(inner, "account.created", body);
    out
}

/// A status created or edited: by a capture line (`webhook_raw` or `stream_payload` as
/// written) or by the API (neither).
pub(crate) fn on_status(
    inner: &Inner,
    kind: Kind,
    status: &Value,
    webhook_raw: Option<&str>,
    stream_payload: Option<&str>,
    now_ms: u64,
) -> Outcome {
    let invalid = Outcome { invalid: true, ..Outcome::default() };
    let Some(mut st) = Status::from_json(status) else { return invalid };
    let (webhook_body, stream_out) = {
        let mut w = lock(&inner.world);
        if w.is_gone(&st.account_id) {
            w.log.suppressed_posts.push(st.id.clone());
            return Outcome { suppressed: true, ..Outcome::default() };
        }
        if w.account(&st.account_id).is_none() {
            if let Some(a) = Account::from_public(&status["account"]) {
                w.add_account(a);
            }
        }
        let Some(author) = w.account(&st.account_id) else { return invalid };
        if !author.can_post() {
            w.log.suppressed_posts.push(st.id.clone());
            return Outcome { suppressed: true, ..Outcome::default() };
        }
        st.local = author.is_local();
        let version = format!("{:?}:{}", kind, st.version());
        let hook = (st.local && w.webhooked.insert(version.clone())).then(|| match webhook_raw {
            Some(raw) => raw.to_string(),
            None => {
                let at = if st.created_at_ms > 0 && kind == Kind::Created { st.created_at_ms } else { now_ms };
                json!({"event": kind.webhook_event(), "created_at": iso_ms(at), "object": status}).to_string()
            }
        });
        let stream_out = (w.is_public(&st) && w.streamed.insert(version)).then(|| {
            let payload = stream_payload.map_or_else(|| status.to_string(), str::to_string);
            (payload, st.local, st.has_media)
        });
        w.put_status(st);
        (hook, stream_out)
    };
    let mut out = Outcome::default();
    if let Some(body) = webhook_body {
        out.webhooks = queue(inner, kind.webhook_event(), body);
    }
    if let Some((payload, local, media)) = stream_out {
        out.streamed = stream::broadcast(inner, kind.stream_event(), &payload, local, media);
    }
    out
}

/// A `delete` streaming line: the status leaves the timeline and the streams are told.
pub(crate) fn on_delete(inner: &Inner, id: &str) -> Outcome {
    let known = lock(&inner.world).delete_status(id).map(|s| (s.local, s.has_media));
    let streamed = match known {
        Some((local, media)) => stream::broadcast(inner, "delete", id, local, media),
        None => {
            let all: Vec<String> = STREAMS.iter().map(|s| s.to_string()).collect();
            stream::broadcast_to(inner, &all, "delete", id)
        }
    };
    Outcome { streamed, ..Outcome::default() }
}

/// Tells the webhook that a local account changed (`account.updated`, `account.approved`),
/// as Mastodon does after an admin action, when [`crate::Options::echo_account_webhooks`] is on.
pub(crate) fn account_event(inner: &Inner, event: &str, account_id: &str, now_ms: u64) -> u32 {
    if !inner.opts.echo_account_webhooks {
        return 0;
    }
    let body = {
        let w = lock(&inner.world);
        match w.account(account_id) {
            Some(a) if a.is_local() => {
                json!({"event": event, "created_at": iso_ms(now_ms), "object": a.admin_json()}).to_string()
            }
            _ => return 0,
        }
    };
    queue(inner, event, body)
}
