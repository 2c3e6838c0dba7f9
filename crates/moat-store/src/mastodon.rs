//! Incidents on a Mastodon server: the same tables as Discord's, read the Mastodon way.
//!
//! The engine names accounts and statuses by its own numbers; the Mastodon adapter records
//! each action with facts beside them (`platform = mastodon`, `server`, `account_ids` in
//! `user_ids` order, `status_ids` as `number=id` pairs: see moat-mastodon's
//! `translate::record`). No table of its own: an incident whose actions carry `platform =
//! mastodon` is a Mastodon incident, and from its timeline this module works out
//!
//! - the accounts as the server's admins know them (`moat incidents show`, the dashboard),
//! - the statuses kept as evidence, by their Mastodon ids (`moat evidence export`),
//! - the undo ([`MastodonUndo`]): unsuspend and unsilence each account, lift the IP blocks and
//!   the e-mail domain blocks the wave put up. A rejected sign-up is deleted by Mastodon and
//!   cannot come back; the plan says so.
//!
//! The store does not talk to Mastodon: the caller (moat-mastodon's `undo`, called by `moat`
//! and the dashboard) carries the plan out through the admin API.

use std::collections::{BTreeMap, BTreeSet};

use moat_core::id::{IncidentId, UserId};
use moat_core::ActionKind;
use serde_json::{json, Value};

use crate::error::{Result, StoreError};
use crate::incidents::TimelineEntry;
use crate::GuildScope;

/// A Mastodon incident's own view.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MastodonIncident {
    /// The server's address (`https://small.example`).
    pub server: String,
    /// Engine number → account id as Mastodon gave it.
    pub accounts: BTreeMap<UserId, String>,
    /// Engine number → status id as Mastodon gave it.
    pub statuses: BTreeMap<u64, String>,
    pub undo: MastodonUndo,
}

/// What undoes a Mastodon incident, as admin API calls to make.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MastodonUndo {
    pub server: String,
    /// Accounts to unsuspend (`POST /api/v1/admin/accounts/:id/unsuspend`).
    pub unsuspend: Vec<String>,
    /// Accounts to unsilence (`POST …/:id/unsilence`).
    pub unsilence: Vec<String>,
    /// Networks whose `sign_up_requires_approval` block to lift.
    pub ip_blocks: Vec<String>,
    /// Mail domains whose block to lift (already lifted at the wave's end is fine).
    pub email_domains: Vec<String>,
    /// Rejected sign-ups: deleted by Mastodon, they cannot be brought back.
    pub rejected: Vec<String>,
}

impl MastodonUndo {
    pub fn is_empty(&self) -> bool {
        self.unsuspend.is_empty()
            && self.unsilence.is_empty()
            && self.ip_blocks.is_empty()
            && self.email_domains.is_empty()
    }

    /// One line an admin reads before confirming.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let n = |v: &Vec<String>, one: &str, many: &str| {
            if v.len() == 1 {
                format!("1 {one}")
            } else {
                format!("{} {many}", v.len())
            }
        };
        if !self.unsuspend.is_empty() {
            parts.push(format!("unsuspend {}", n(&self.unsuspend, "account", "accounts")));
        }
        if !self.unsilence.is_empty() {
            parts.push(format!("unsilence {}", n(&self.unsilence, "account", "accounts")));
        }
        if !self.ip_blocks.is_empty() {
            parts.push(format!("lift {}", n(&self.ip_blocks, "IP block", "IP blocks")));
        }
        if !self.email_domains.is_empty() {
            parts.push(format!("lift {}", n(&self.email_domains, "e-mail domain block", "e-mail domain blocks")));
        }
        if !self.rejected.is_empty() {
            parts.push(format!(
                "{} cannot be brought back (Mastodon deleted them; they may sign up again)",
                n(&self.rejected, "rejected sign-up", "rejected sign-ups")
            ));
        }
        if parts.is_empty() {
            "nothing to undo".into()
        } else {
            parts.join("; ")
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "platform": "mastodon",
            "server": self.server,
            "description": self.describe(),
            "unsuspend": self.unsuspend,
            "unsilence": self.unsilence,
            "ip_blocks": self.ip_blocks,
            "email_domains": self.email_domains,
            "rejected": self.rejected,
        })
    }
}

impl MastodonIncident {
    /// The account id as Mastodon gave it for an engine number.
    pub fn account(&self, u: UserId) -> String {
        self.accounts.get(&u).cloned().unwrap_or_else(|| u.to_string())
    }

    /// The status id as Mastodon gave it for an engine number.
    pub fn status(&self, n: u64) -> String {
        self.statuses.get(&n).cloned().unwrap_or_else(|| n.to_string())
    }
}

fn fact<'a>(action: &'a Value, key: &str) -> Option<&'a str> {
    action.get("evidence")?.get("facts")?.get(key)?.as_str()
}

fn users_of(action: &Value) -> Vec<UserId> {
    let mut out: Vec<UserId> =
        action.get("user_id").and_then(Value::as_str).and_then(|s| s.parse().ok()).into_iter().collect();
    if let Some(us) = action.get("user_ids").and_then(Value::as_array) {
        out.extend(us.iter().filter_map(|u| u.as_str().and_then(|s| s.parse::<UserId>().ok())));
    }
    out
}

/// What an engine action is called on Mastodon (`moat incidents show`, the demo).
pub fn verb(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Ban => "suspend",
        ActionKind::Silence | ActionKind::Timeout => "silence",
        ActionKind::Kick => "reject",
        ActionKind::Lockdown => "wave mode",
        ActionKind::Unlock => "wave over",
        other => other.as_str(),
    }
}

/// The Mastodon view of a timeline; `None` when its actions are not a Mastodon server's.
pub fn of_timeline(timeline: &[TimelineEntry]) -> Option<MastodonIncident> {
    let server = timeline.iter().find(|e| fact(&e.action, "platform") == Some("mastodon"))?;
    let server = fact(&server.action, "server").unwrap_or("").to_string();
    let mut m = MastodonIncident { server: server.clone(), ..Default::default() };
    let mut sets: [BTreeSet<String>; 5] = Default::default(); // suspend, silence, ip, mail, reject
    for e in timeline {
        let users = users_of(&e.action);
        let named: Vec<String> = match fact(&e.action, "account_ids") {
            Some(ids) => ids.split_whitespace().map(str::to_string).collect(),
            None => users.iter().map(UserId::to_string).collect(),
        };
        for (u, id) in users.iter().zip(&named) {
            m.accounts.insert(*u, id.clone());
        }
        for pair in fact(&e.action, "status_ids").unwrap_or("").split_whitespace() {
            if let Some((n, id)) = pair.split_once('=').and_then(|(n, id)| Some((n.parse::<u64>().ok()?, id))) {
                m.statuses.insert(n, id.to_string());
            }
        }
        let list =
            |k: &str| fact(&e.action, k).unwrap_or("").split_whitespace().map(str::to_string).collect::<Vec<_>>();
        match e.kind {
            ActionKind::Ban => sets[0].extend(named),
            ActionKind::Silence | ActionKind::Timeout => sets[1].extend(named),
            ActionKind::Kick => sets[4].extend(named),
            ActionKind::Lockdown => {
                sets[2].extend(list("networks"));
                sets[3].extend(list("email_domains"));
            }
            _ => {}
        }
    }
    let [unsuspend, unsilence, ip_blocks, email_domains, rejected] = sets.map(|s| s.into_iter().collect());
    m.undo = MastodonUndo { server, unsuspend, unsilence, ip_blocks, email_domains, rejected };
    Some(m)
}

impl GuildScope<'_> {
    /// Marks a Mastodon incident undone by `by` and returns the admin calls that undo it (for
    /// the caller to make). Refused for an incident that is not a Mastodon server's, and for
    /// one undone already.
    pub async fn mark_mastodon_undone(&self, incident: IncidentId, by: &str, now: u64) -> Result<MastodonUndo> {
        let found = self.incident(incident).await?;
        let Some(m) = found.mastodon else {
            return Err(StoreError::Invalid(format!("incident {incident} is not a Mastodon server's")));
        };
        self.mark_undone(incident, by, now).await?;
        Ok(m.undo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: ActionKind, action: Value) -> TimelineEntry {
        TimelineEntry { id: 1, ts: 1, kind, action }
    }

    #[test]
    fn the_undo_names_accounts_and_blocks_as_mastodon_does() {
        let facts = |extra: Value| {
            let mut f = json!({"platform": "mastodon", "server": "https://small.example"});
            f.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            json!({"facts": f})
        };
        let t = vec![
            entry(
                ActionKind::Silence,
                json!({"user_ids": ["5", "9223372036854775999"], "evidence": facts(json!({"account_ids": "5 9aZ3kQ", "status_ids": "77=77"}))}),
            ),
            entry(ActionKind::Ban, json!({"user_id": "5", "evidence": facts(json!({"account_ids": "5"}))})),
            entry(ActionKind::Kick, json!({"user_id": "6", "evidence": facts(json!({"account_ids": "6"}))})),
            entry(
                ActionKind::Lockdown,
                json!({"evidence": facts(json!({"networks": "198.51.100.0/24", "email_domains": "tempmail.example"}))}),
            ),
            entry(ActionKind::Alert, json!({"evidence": facts(json!({}))})),
        ];
        let m = of_timeline(&t).expect("a Mastodon incident");
        assert_eq!(m.server, "https://small.example");
        assert_eq!(m.accounts.get(&UserId(9_223_372_036_854_775_999)).map(String::as_str), Some("9aZ3kQ"));
        assert_eq!(m.statuses.get(&77).map(String::as_str), Some("77"));
        assert_eq!(m.undo.unsuspend, ["5"]);
        assert_eq!(m.undo.unsilence, ["5", "9aZ3kQ"]);
        assert_eq!(m.undo.rejected, ["6"]);
        assert_eq!(m.undo.ip_blocks, ["198.51.100.0/24"]);
        assert_eq!(m.undo.email_domains, ["tempmail.example"]);
        let d = m.undo.describe();
        assert!(
            d.contains("unsilence 2 accounts") && d.contains("lift 1 IP block") && d.contains("cannot be brought back"),
            "{d}"
        );
        let discord = vec![entry(ActionKind::Ban, json!({"user_id": "5"}))];
        assert!(of_timeline(&discord).is_none(), "a Discord incident has no Mastodon view");
    }
}
