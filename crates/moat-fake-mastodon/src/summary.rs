//! What the fake saw, as one JSON object: the shape `moat demo --json` prints for a Mastodon
//! scenario (and `fake-mastodon` prints after a play), so a scorer can compare a live run with
//! `moat replay` on the same capture. Ids are Mastodon's, as strings.
//!
//! ```json
//! {"accounts": {"local": 301, "remote": 12}, "statuses": 950, "silenced": ["…"], "suspended": [], "sensitized": [], "disabled": [], "pending": [],
//!  "actions": {"silence": ["…"], "reject": ["…"], "unsilence": []},
//!  "ip_blocks": [{"ip": "192.0.2.0/24", "severity": "sign_up_requires_approval", …}],
//!  "email_domain_blocks": ["spam.example"],
//!  "statuses_posted": [{"id", "visibility", "content", "mentions": ["admin"]}],
//!  "signups": {"held_for_approval": [], "refused": [{"id", "reason"}]},
//!  "suppressed_posts": 0,
//!  "webhooks": {"attempts", "delivered", "failed", "pending", "bad_signature", "unsigned", "refused_by_receiver"},
//!  "stream": {"connections", "open", "messages", "dropped", "refused"},
//!  "rest_calls", "rate_limited", "rate_limit_violations", "injected_failures", "calls_by_route": {"GET /api/v2/admin/accounts": 1}}
//! ```

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use serde_json::{json, Map, Value};

use crate::webhook::Signature;
use crate::{lock, Inner};

pub(crate) fn summary(inner: &Inner) -> Value {
    let now = inner.clock.now_ms();
    let mut w = lock(&inner.world);
    let ids = |f: &dyn Fn(&crate::state::Account) -> bool| -> Vec<Value> {
        w.accounts().filter(|a| f(a)).map(|a| Value::String(a.id.clone())).collect()
    };
    let (silenced, suspended) = (ids(&|a| a.silenced), ids(&|a| a.suspended));
    let (sensitized, disabled, pending) = (ids(&|a| a.sensitized), ids(&|a| a.disabled), ids(&|a| a.pending()));
    let mut actions: Map<String, Value> = Map::new();
    for a in &w.log.actions {
        let list = actions.entry(a.kind.clone()).or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(v) = list {
            if !v.iter().any(|x| x == &a.account_id) {
                v.push(Value::String(a.account_id.clone()));
            }
        }
    }
    let posted: Vec<Value> = w
        .posted()
        .iter()
        .map(|s| {
            let mentions: Vec<Value> =
                s.json["mentions"].as_array().map(|m| m.iter().map(|x| x["acct"].clone()).collect()).unwrap_or_default();
            json!({"id": s.id, "visibility": s.visibility, "content": s.json["content"], "spoiler_text": s.json["spoiler_text"], "mentions": mentions})
        })
        .collect();
    let refused: Vec<Value> = w.log.refused_signups.iter().map(|(id, why)| json!({"id": id, "reason": why})).collect();
    let held = w.log.held_signups.clone();
    let suppressed = w.log.suppressed_posts.len();
    let email_blocks: Vec<Value> = w.email_blocks().iter().map(|b| Value::String(b.domain.clone())).collect();
    let ip_blocks: Vec<Value> = w.ip_blocks(now).iter().map(|b| b.json()).collect();
    let local = w.accounts().filter(|a| a.is_local()).count();
    let remote = w.accounts().count() - local;
    let statuses = w.statuses().filter(|s| !s.deleted).count();
    drop(w);

    let deliveries = lock(&inner.hooks.log);
    let delivered = deliveries.iter().filter(|d| d.ok()).count();
    let receiver_4xx = deliveries.iter().filter(|d| d.status.is_some_and(|s| (400..500).contains(&s))).count();
    let failed = deliveries
        .iter()
        .filter(|d| {
            !d.ok()
                && (d.attempt >= inner.opts.webhook_retries
                    || d.status.is_some_and(|s| (400..500).contains(&s) && !matches!(s, 401 | 408 | 429)))
        })
        .count();
    let first = |s: Signature| deliveries.iter().filter(|d| d.attempt == 0 && d.signature == s).count();
    let webhooks = json!({
        "attempts": deliveries.len(),
        "delivered": delivered,
        "failed": failed,
        "pending": inner.hooks.pending.load(Ordering::Acquire),
        "bad_signature": first(Signature::Bad),
        "unsigned": first(Signature::Missing),
        "refused_by_receiver": receiver_4xx,
    });
    drop(deliveries);

    let hub = lock(&inner.streams);
    let stream =
        json!({"connections": hub.opened, "messages": hub.sent, "dropped": hub.dropped, "refused": hub.refused});
    drop(hub);
    let calls = lock(&inner.calls);
    let mut routes: BTreeMap<String, u64> = BTreeMap::new();
    for c in calls.iter() {
        *routes.entry(c.route()).or_default() += 1;
    }
    let l = lock(&inner.limiter);
    json!({
        "accounts": {"local": local, "remote": remote},
        "statuses": statuses,
        "silenced": silenced,
        "suspended": suspended,
        "sensitized": sensitized,
        "disabled": disabled,
        "pending": pending,
        "actions": actions,
        "ip_blocks": ip_blocks,
        "email_domain_blocks": email_blocks,
        "statuses_posted": posted,
        "signups": {"held_for_approval": held, "refused": refused},
        "suppressed_posts": suppressed,
        "webhooks": webhooks,
        "stream": stream,
        "rest_calls": calls.len(),
        "rate_limited": l.served_429,
        "rate_limit_violations": l.violations,
        "injected_failures": lock(&inner.faults).injected,
        "calls_by_route": routes,
    })
}
