//! What the fake saw, as one JSON object: the shape `moat demo --json` prints, so a
//! scorer can compare a live run with `moat replay` on the same capture, plus what a
//! many-process run needs: the sessions and which process made each call.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::{gateway, lock, Inner};

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

/// A path with its ids replaced by `:id` (`/guilds/:id/bulk-ban`).
fn template(path: &str) -> String {
    path.split('/')
        .map(|seg| if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) { ":id" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

/// One process's calls, calls by route, and sessions.
type ProcessLine = (u64, BTreeMap<String, u64>, Vec<Value>);

/// Per process: its calls by route, and its sessions.
fn processes(calls: &[crate::Call], sessions: &[gateway::SessionInfo]) -> Value {
    let mut out: BTreeMap<String, ProcessLine> = BTreeMap::new();
    for c in calls {
        let p = c.process.clone().unwrap_or_else(|| "-".into());
        let e = out.entry(p).or_default();
        e.0 += 1;
        *e.1.entry(format!("{} {}", c.method, template(&c.path))).or_default() += 1;
    }
    for s in sessions {
        let p = s.process.clone().unwrap_or_else(|| "-".into());
        out.entry(p).or_default().2.push(json!({"session_id": s.id, "shard": s.shard, "connected": s.connected}));
    }
    let map: Map<String, Value> = out
        .into_iter()
        .map(|(p, (n, routes, sessions))| (p, json!({"rest_calls": n, "calls_by_route": routes, "sessions": sessions})))
        .collect();
    Value::Object(map)
}

pub(crate) fn summary(inner: &Inner) -> Value {
    let sessions = gateway::sessions(inner);
    let invalid = lock(&inner.invalid).count(inner.now_ms());
    let interactions = lock(&inner.interactions).all();
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
    let mut routes: BTreeMap<String, u64> = BTreeMap::new();
    for c in calls.iter() {
        *routes.entry(format!("{} {}", c.method, template(&c.path))).or_default() += 1;
    }
    let late = interactions.iter().filter(|i| i.acknowledgement().is_none() && !i.answers.is_empty()).count();
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
        "spec_violations": calls.iter().filter(|c| !c.violations.is_empty()).count(),
        "invalid_requests": {"in_window": invalid.in_window, "total": invalid.total, "bans": invalid.bans},
        "interactions": {"sent": interactions.len(), "answered_late_or_never_acknowledged": late},
        "guilds": w.guilds.len(),
        "sessions": sessions.len(),
        "processes": processes(&calls, &sessions),
    })
}
