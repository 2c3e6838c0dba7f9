//! What the fake saw, as one JSON object: the shape `moat demo --json` prints, so a
//! scorer can compare a live run with `moat replay` on the same capture.

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::{lock, Inner};

/// The most calls that arrived within any one second.
pub fn peak_per_second(calls: &[crate::Call]) -> usize {
    let mut window: VecDeque<std::time::Instant> = VecDeque::new();
    let mut peak = 0;
    for c in calls {
        while window.front().is_some_and(|&t| c.at.duration_since(t) >= Duration::from_secs(1)) {
            window.pop_front();
        }
        window.push_back(c.at);
        peak = peak.max(window.len());
    }
    peak
}

pub(crate) fn summary(inner: &Inner) -> Value {
    let w = lock(&inner.world);
    let calls = lock(&inner.calls);
    let l = lock(&inner.limiter);
    let ids = |v: &[u64]| v.iter().map(|u| Value::String(u.to_string())).collect::<Vec<_>>();
    let roles: Map<String, Value> = w
        .roles_added
        .iter()
        .map(|(u, r)| (u.to_string(), r.iter().map(|x| Value::String(x.to_string())).collect()))
        .collect();
    let alerts: Vec<Value> = w
        .alerts()
        .iter()
        .map(|m| json!({"channel_id": m.channel_id.to_string(), "message_id": m.id.to_string(), "content": m.content, "edits": m.edits}))
        .collect();
    let mut routes: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for c in calls.iter() {
        let template: Vec<&str> = c
            .path
            .split('/')
            .map(|seg| if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) { ":id" } else { seg })
            .collect();
        *routes.entry(format!("{} {}", c.method, template.join("/"))).or_default() += 1;
    }
    json!({
        "bans": ids(&w.banned),
        "kicks": ids(&w.kicked),
        "timeouts": ids(&w.timed_out),
        "roles_added": roles,
        "deleted_messages": ids(&w.deleted),
        "alerts": alerts,
        "rest_calls": calls.len(),
        "rate_limited": l.served_429,
        "rate_limit_violations": l.violations,
        "peak_requests_per_second": peak_per_second(&calls),
        "calls_by_route": routes,
    })
}
