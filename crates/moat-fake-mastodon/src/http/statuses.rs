//! What a guard needs besides the admin API: posting a status (to tell admins by direct
//! message), the public timeline (to catch up after a stream gap), the instance (to find the
//! streaming URL) and the token's own account.
//!
//! - `POST /api/v1/statuses` needs `write` or `write:statuses` and a user; `status`,
//!   `visibility` (`public|unlisted|private|direct`), `spoiler_text`, `in_reply_to_id`,
//!   `language`; an `Idempotency-Key` header gives the same status back on a retry. The text
//!   may hold [`crate::Options::max_characters`] characters, counted as Mastodon counts them
//!   (a URL is 23, a mention's `@domain` is free), else 422. A local status fires the
//!   `status.created` webhook like any other (moat sees its own message come back).
//! - `GET /api/v1/timelines/public`: `local`, `remote`, `only_media`, `max_id`, `since_id`,
//!   `min_id`, `limit` (20, at most 40), `Link` pagination; silenced and suspended authors'
//!   posts are left out, as on Mastodon.

use serde_json::{json, Value};

use super::{Answer, Ctx};
use crate::entities::{self, mention_of, StatusSeed};
use crate::events::{self, Kind};
use crate::lock;
use crate::state::TimelineQuery;

const URL_LENGTH: usize = 23;
const VISIBILITIES: [&str; 4] = ["public", "unlisted", "private", "direct"];

/// The length Mastodon's `StatusLengthValidator` counts.
pub(crate) fn countable_length(text: &str) -> usize {
    let mut n = 0;
    for word in text.split_inclusive(char::is_whitespace) {
        let trimmed = word.trim_end_matches(char::is_whitespace);
        let space = word.chars().count() - trimmed.chars().count();
        n += space
            + if trimmed.starts_with("https://") || trimmed.starts_with("http://") {
                URL_LENGTH
            } else if let Some(rest) = trimmed.strip_prefix('@') {
                1 + rest.split('@').next().unwrap_or("").chars().count()
            } else {
                trimmed.chars().count()
            };
    }
    n
}

/// The accounts `@mentioned` in a text that the server knows.
fn mentions(ctx: &Ctx<'_>, text: &str) -> Vec<Value> {
    let w = lock(&ctx.inner.world);
    let mut out: Vec<Value> = Vec::new();
    for word in text.split_whitespace().filter(|w| w.starts_with('@')) {
        let acct = word.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_');
        if let Some(a) = w.account_by_acct(acct) {
            let m = mention_of(&a.public_json());
            if !out.iter().any(|x| x["id"] == m["id"]) {
                out.push(m);
            }
        }
    }
    out
}

/// `POST /api/v1/statuses`.
pub(crate) fn create(ctx: &Ctx<'_>) -> Answer {
    let grant = match ctx.token(&["write", "write:statuses"]) {
        Ok(g) => g,
        Err(a) => return a,
    };
    let Some(author_id) = grant.account_id.clone() else {
        return Answer::error(422, "This method requires an authenticated user");
    };
    let key = ctx.idempotency_key.clone().map(|k| (grant.id, k));
    if let Some(done) = key.as_ref().and_then(|k| lock(&ctx.inner.idempotency).get(k).cloned()) {
        return Answer { body: done, ..Answer::empty() };
    }
    let p = &ctx.params;
    let text = p.get("status").unwrap_or("");
    let spoiler = p.get("spoiler_text").unwrap_or("");
    let visibility = p.present("visibility").unwrap_or("public");
    if !VISIBILITIES.contains(&visibility) {
        return Answer::error(422, &format!("'{visibility}' is not a valid visibility"));
    }
    if text.trim().is_empty() {
        return Answer::invalid("Text can't be blank");
    }
    let max = ctx.inner.opts.max_characters;
    if countable_length(text) + spoiler.chars().count() > max {
        return Answer::invalid(&format!("Text character limit of {max} exceeded"));
    }
    let mentions = mentions(ctx, text);
    let (status, id) = {
        let mut w = lock(&ctx.inner.world);
        let reply = match p.present("in_reply_to_id") {
            None => None,
            Some(r) => match w.status(r) {
                Some(s) if !s.deleted => Some((s.id.clone(), s.account_id.clone())),
                _ => return Answer::not_found(),
            },
        };
        let Some(author) = w.account(&author_id).map(|a| a.public_json()) else { return Answer::not_found() };
        let id = w.ids.next(ctx.now_ms);
        let seed = StatusSeed {
            id: &id,
            created_at_ms: ctx.now_ms,
            account: author,
            text,
            visibility,
            mentions,
            in_reply_to: reply.as_ref().map(|(s, a)| (s.as_str(), a.as_str())),
            spoiler_text: spoiler,
            language: Some(p.present("language").unwrap_or("en")),
            media: Vec::new(),
        };
        (entities::status(&seed), id)
    };
    events::on_status(ctx.inner, Kind::Created, &status, None, None, ctx.now_ms);
    lock(&ctx.inner.world).note_posted(&id);
    let body = status.to_string();
    if let Some(k) = key {
        lock(&ctx.inner.idempotency).insert(k, body.clone());
    }
    Answer { body, ..Answer::empty() }
}

/// `GET /api/v1/statuses/:id`: public and unlisted statuses to anyone, others to their author
/// and the accounts they mention.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Answer {
    let viewer = match ctx.token_if_any(&["read", "read:statuses"]) {
        Ok(g) => g.and_then(|g| g.account_id),
        Err(a) => return a,
    };
    let w = lock(&ctx.inner.world);
    let Some(s) = w.status(id).filter(|s| !s.deleted) else { return Answer::not_found() };
    let mentioned = |v: &str| s.json["mentions"].as_array().is_some_and(|m| m.iter().any(|x| x["id"] == v));
    let visible = matches!(s.visibility.as_str(), "public" | "unlisted")
        || viewer.as_deref().is_some_and(|v| v == s.account_id || mentioned(v));
    if visible {
        Answer::ok(s.json.clone())
    } else {
        Answer::not_found()
    }
}

/// `GET /api/v1/timelines/public`.
pub(crate) fn public_timeline(ctx: &Ctx<'_>) -> Answer {
    if let Err(a) = ctx.token_if_any(&["read", "read:statuses"]) {
        return a;
    }
    let p = &ctx.params;
    let q = TimelineQuery {
        local: p.flag("local").unwrap_or(false),
        remote: p.flag("remote").unwrap_or(false),
        only_media: p.flag("only_media").unwrap_or(false),
        max_id: p.present("max_id").map(str::to_string),
        since_id: p.present("since_id").map(str::to_string),
        min_id: p.present("min_id").map(str::to_string),
        limit: ctx.limit(20),
    };
    let (items, ids): (Vec<Value>, Vec<String>) = {
        let w = lock(&ctx.inner.world);
        w.public_timeline(&q).into_iter().map(|s| (s.json.clone(), s.id.clone())).unzip()
    };
    let answer = Answer::ok(Value::Array(items));
    match ctx.link("/api/v1/timelines/public", &["local", "remote", "only_media", "limit"], &ids, q.limit) {
        Some(link) => answer.with_header("link", link),
        None => answer,
    }
}

/// `GET /api/v2/instance`.
pub(crate) fn instance(ctx: &Ctx<'_>) -> Answer {
    let o = &ctx.inner.opts;
    Answer::ok(entities::instance(&o.domain, &ctx.inner.streaming_url, o.max_characters, o.approval_required))
}

/// `GET /api/v1/accounts/verify_credentials`: the token's account, with `source` and `role`.
pub(crate) fn verify_credentials(ctx: &Ctx<'_>) -> Answer {
    let grant = match ctx.token(&["read", "read:accounts", "profile"]) {
        Ok(g) => g,
        Err(a) => return a,
    };
    let Some(id) = grant.account_id else { return Answer::error(422, "This method requires an authenticated user") };
    let w = lock(&ctx.inner.world);
    let Some(a) = w.account(&id) else { return Answer::error(422, "This method requires an authenticated user") };
    let mut v = a.public_json();
    v["source"] = json!({"privacy": "public", "sensitive": false, "language": "en", "note": "", "fields": [], "follow_requests_count": 0});
    v["role"] = a.role.json();
    Answer::ok(v)
}

#[cfg(test)]
mod tests {
    use super::countable_length;

    #[test]
    fn urls_and_mention_domains_count_as_mastodon_counts_them() {
        assert_eq!(countable_length("hello"), 5);
        assert_eq!(countable_length("see https://example.com/a/very/long/path/indeed?x=1 now"), 4 + 23 + 4);
        assert_eq!(countable_length("@admin@far.example hi"), 6 + 1 + 2);
        assert_eq!(countable_length("é\n\nü"), 4);
    }
}
