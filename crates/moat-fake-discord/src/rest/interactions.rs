//! The interaction routes: the callback (`POST /interactions/{id}/{token}/callback`) and the
//! interaction webhook (`/webhooks/{application_id}/{token}…`), judged by the deadlines in
//! [`crate::interactions`] on the fake's clock, and recorded on the interaction.

use serde_json::{json, Value};

use super::time::iso_from_ms;
use super::{Answer, Req};
use crate::interactions::{AnswerKind, InteractionAnswer, InteractionRecord};
use crate::{lock, Inner};

fn unknown_interaction() -> Answer {
    Answer::error(404, 10062, "Unknown interaction")
}

fn expired_token() -> Answer {
    Answer::error(401, 50027, "Invalid Webhook Token")
}

/// Routes interaction calls; `None` for any other path.
pub(super) fn route(inner: &Inner, req: &Req<'_>) -> Option<Answer> {
    match (req.method, req.segs.as_slice()) {
        ("POST", ["interactions", id, token, "callback"]) => Some(callback(inner, req, id, token)),
        (m, ["webhooks", app, token, rest @ ..]) => {
            let kind = match (m, rest) {
                ("POST", []) => AnswerKind::Followup,
                ("PATCH", ["messages", "@original"]) => AnswerKind::EditOriginal,
                ("GET", ["messages", "@original"]) => AnswerKind::GetOriginal,
                ("DELETE", ["messages", "@original"]) => AnswerKind::DeleteOriginal,
                ("PATCH" | "DELETE", ["messages", _]) => AnswerKind::EditFollowup,
                _ => return Some(Answer::error(404, 10015, "Unknown Webhook")),
            };
            Some(webhook(inner, req, app, token, kind))
        }
        _ => None,
    }
}

fn record(rec: &mut InteractionRecord, kind: AnswerKind, now: u64, a: &Answer, body: &Value) {
    rec.answers.push(InteractionAnswer { kind, at_ms: now, status: a.status, body: body.clone() });
}

fn callback(inner: &Inner, req: &Req<'_>, id: &str, token: &str) -> Answer {
    let rules = &inner.opts.interactions;
    let body = &req.body;
    let kind = body.get("type").and_then(Value::as_u64);
    let mut all = lock(&inner.interactions);
    let Some(rec) = all.by_token_mut(token).filter(|r| r.id.to_string() == id) else {
        return unknown_interaction();
    };
    let answer = if kind.is_none() {
        Answer::form_error("type", "BASE_TYPE_REQUIRED", "This field is required")
    } else if rec.acknowledgement().is_some() {
        Answer::error(400, 40060, "Interaction has already been acknowledged.")
    } else if rules.enforce && req.now > rec.sent_at_ms + rules.deadline_ms {
        unknown_interaction()
    } else {
        let data = body.get("data").cloned().unwrap_or(Value::Null);
        rec.original_flags = data.get("flags").and_then(Value::as_u64).unwrap_or(0);
        rec.original = match kind {
            Some(4 | 7) => Some(data.get("content").and_then(Value::as_str).unwrap_or("").to_string()),
            Some(5) => Some(String::new()),
            _ => rec.original.take(),
        };
        if req.query.contains("with_response=true") {
            Answer::json(200, json!({"interaction": {"id": id, "type": 2}, "resource": {"type": kind}}))
        } else {
            Answer::empty()
        }
    };
    record(rec, AnswerKind::Callback(kind.unwrap_or(0)), req.now, &answer, body);
    if answer.status < 300 {
        drop(all);
        if let Ok(i) = id.parse() {
            lock(&inner.world).interaction_replies.push((i, body.clone()));
        }
    }
    answer
}

fn webhook(inner: &Inner, req: &Req<'_>, app: &str, token: &str, kind: AnswerKind) -> Answer {
    let rules = &inner.opts.interactions;
    let mut all = lock(&inner.interactions);
    let Some(rec) = all.by_token_mut(token).filter(|r| r.application_id.to_string() == app) else {
        return Answer::error(404, 10015, "Unknown Webhook");
    };
    let body = &req.body;
    let answer = if rules.enforce && req.now > rec.sent_at_ms + rules.token_ms {
        expired_token()
    } else if rec.acknowledgement().is_none() {
        // Nothing to edit or follow up before the interaction was answered.
        Answer::error(404, 10008, "Unknown Message")
    } else {
        match kind {
            AnswerKind::EditOriginal => {
                if let Some(c) = body.get("content").and_then(Value::as_str) {
                    rec.original = Some(c.to_string());
                }
                message(inner, rec, rec.original.clone().unwrap_or_default(), rec.id, req.now)
            }
            AnswerKind::GetOriginal => message(inner, rec, rec.original.clone().unwrap_or_default(), rec.id, req.now),
            AnswerKind::DeleteOriginal => {
                rec.original = None;
                Answer::empty()
            }
            AnswerKind::Followup => {
                let content = body.get("content").and_then(Value::as_str).unwrap_or("").to_string();
                let id = lock(&inner.world).new_id(req.now);
                rec.followups.push(id);
                message(inner, rec, content, id, req.now)
            }
            _ => Answer::empty(),
        }
    };
    record(rec, kind, req.now, &answer, body);
    answer
}

/// An interaction response message as the webhook routes return it.
fn message(inner: &Inner, rec: &InteractionRecord, content: String, id: u64, now: u64) -> Answer {
    Answer::json(
        200,
        json!({
            "id": id.to_string(), "channel_id": rec.channel_id.to_string(), "content": content,
            "author": {"id": inner.opts.bot_user_id.to_string(), "username": "moat", "discriminator": "0",
                       "avatar": null, "bot": true},
            "timestamp": iso_from_ms(now), "edited_timestamp": null, "tts": false, "mention_everyone": false,
            "mentions": [], "mention_roles": [], "attachments": [], "embeds": [], "pinned": false,
            "type": 20, "flags": rec.original_flags, "webhook_id": rec.application_id.to_string(),
            "application_id": rec.application_id.to_string(),
        }),
    )
}
