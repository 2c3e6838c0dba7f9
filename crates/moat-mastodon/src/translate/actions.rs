//! The engine's actions on a Mastodon server, two ways: as the admin API calls that carry
//! them out ([`requests`]), and as the JSON lines `moat replay` prints ([`json_lines`]).
//!
//! | engine action | on Mastodon |
//! |---|---|
//! | `silence` (or `timeout`) | `silence` (limit) with moat's reason as `text` |
//! | `ban` | `suspend` |
//! | `kick` | `reject` (a pending sign-up) |
//! | `lockdown` | an `ip_block` (`sign_up_requires_approval`, expiring) per network, an `email_domain_block` per throwaway domain |
//! | `unlock` | the wave's mail domain blocks lifted (IP blocks expire on their own); an `alert` line |
//! | `alert` of a wave | one direct message to the configured admins (counts only, never a spammer's name) |
//! | `flag` | a line for the moderators' queue; no call |

use moat_core::action::{Action, ActionKind};
use serde_json::{json, Map, Value};

use super::IdBook;
use crate::actions::{IpSeverity, MastodonAction};

fn fact<'a>(a: &'a Action, key: &str) -> &'a str {
    a.evidence.facts.iter().find(|(k, _)| k == key).map_or("", |(_, v)| v.as_str())
}

fn list<'a>(a: &'a Action, key: &str) -> impl Iterator<Item = &'a str> {
    fact(a, key).split_whitespace()
}

/// The admin API calls that carry out `a`. `incident_url` (a dashboard's, if any) is put in
/// the admins' message.
pub fn requests(a: &Action, ids: &IdBook, incident_url: Option<&str>) -> Vec<MastodonAction> {
    let reason = a.reason.clone();
    let accounts = a.user_ids.iter().map(|&u| ids.account_id(u));
    match a.kind {
        ActionKind::Silence | ActionKind::Timeout => {
            accounts.map(|account_id| MastodonAction::Silence { account_id, reason: reason.clone() }).collect()
        }
        ActionKind::Ban => {
            accounts.map(|account_id| MastodonAction::Suspend { account_id, reason: reason.clone() }).collect()
        }
        ActionKind::Kick => {
            accounts.map(|account_id| MastodonAction::Reject { account_id, reason: reason.clone() }).collect()
        }
        ActionKind::Lockdown => {
            let expires_in_s = fact(a, "expires_in_s").parse().ok();
            let ips = list(a, "networks").map(|ip| MastodonAction::IpBlock {
                ip: ip.to_string(),
                severity: IpSeverity::SignUpRequiresApproval,
                expires_in_s,
                reason: reason.clone(),
            });
            let domains = list(a, "email_domains")
                .map(|d| MastodonAction::EmailDomainBlock { domain: d.to_string(), reason: reason.clone() });
            ips.chain(domains).collect()
        }
        ActionKind::Unlock => list(a, "email_domains")
            .map(|d| MastodonAction::RemoveEmailDomainBlock { domain: d.to_string(), reason: reason.clone() })
            .collect(),
        ActionKind::Alert if a.incident.is_some() => {
            let id = a.incident.map(|i| i.get()).unwrap_or(0);
            let link = match incident_url {
                Some(base) => format!(" {}/{id}", base.trim_end_matches('/')),
                None => format!(" (moat incidents show {id})"),
            };
            vec![MastodonAction::DirectMessage { text: format!("moat: {reason}. Incident {id}{link}") }]
        }
        ActionKind::Alert | ActionKind::Flag | ActionKind::DeleteMessage => Vec::new(),
    }
}

fn evidence(a: &Action, ids: &IdBook) -> Option<Value> {
    if a.evidence.is_empty() {
        return None;
    }
    let statuses: Vec<Value> = a
        .evidence
        .messages
        .iter()
        .map(|m| {
            json!({
                "status_id": ids.status_id(m.message_id).0,
                "account_id": ids.account_id(m.author_id).0,
                "ts": m.ts,
                "text": m.content,
            })
        })
        .collect();
    let facts: Map<String, Value> =
        a.evidence.facts.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    Some(json!({ "statuses": statuses, "facts": facts }))
}

fn line(a: &Action, ids: &IdBook, action: &str, with_accounts: bool) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("ts".into(), a.ts.into());
    o.insert("platform".into(), "mastodon".into());
    o.insert("action".into(), action.into());
    if with_accounts {
        match a.user_ids.as_slice() {
            [] => {}
            [one] => {
                o.insert("account_id".into(), ids.account_id(*one).0.into());
            }
            many => {
                o.insert("account_ids".into(), many.iter().map(|&u| Value::String(ids.account_id(u).0)).collect());
            }
        }
    }
    if let Some(m) = a.message_id {
        o.insert("status_id".into(), ids.status_id(m).0.into());
    }
    o.insert("detector".into(), a.detector.as_str().into());
    o.insert("reason".into(), a.reason.clone().into());
    if let Some(i) = a.incident {
        o.insert("incident".into(), i.get().into());
    }
    o
}

/// `moat replay`'s lines for `a`: `{"ts", "platform": "mastodon", "action", "account_id" |
/// "account_ids", "status_id"?, "detector", "reason", "incident"?, "evidence"?}`, with ids
/// exactly as Mastodon gave them; a wave's lockdown becomes one `ip_block` line per network
/// (`ip`, `severity`, `expires_in`) and one `email_domain_block` line per domain (`domain`).
pub fn json_lines(a: &Action, ids: &IdBook) -> Vec<Value> {
    let name = match a.kind {
        ActionKind::Silence | ActionKind::Timeout => "silence",
        ActionKind::Ban => "suspend",
        ActionKind::Kick => "reject",
        ActionKind::Alert | ActionKind::Unlock => "alert",
        ActionKind::Flag => "flag",
        // Mastodon's admin API deletes no statuses for moat; the engine never asks it to.
        ActionKind::DeleteMessage => "flag",
        ActionKind::Lockdown => {
            let expires = fact(a, "expires_in_s").parse::<u64>().ok();
            let ips = list(a, "networks").map(|ip| {
                let mut o = line(a, ids, "ip_block", false);
                o.insert("ip".into(), ip.into());
                o.insert("severity".into(), IpSeverity::SignUpRequiresApproval.as_str().into());
                if let Some(e) = expires {
                    o.insert("expires_in".into(), e.into());
                }
                Value::Object(o)
            });
            let domains = list(a, "email_domains").map(|d| {
                let mut o = line(a, ids, "email_domain_block", false);
                o.insert("domain".into(), d.into());
                Value::Object(o)
            });
            return ips.chain(domains).collect();
        }
    };
    let mut o = line(a, ids, name, true);
    if let Some(ev) = evidence(a, ids) {
        o.insert("evidence".into(), ev);
    }
    vec![Value::Object(o)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_core::action::{Detector, Evidence};
    use moat_core::id::{GuildId, IncidentId, UserId};

    #[test]
    fn a_lockdown_becomes_blocks_and_an_alert_a_message() {
        let ids = IdBook::default();
        let ev = Evidence::default()
            .fact("networks", "203.0.113.0/24 2001:db8::/64")
            .fact("email_domains", "tempmail.example")
            .fact("expires_in_s", 86400);
        let lock = Action::new(5, GuildId(1), ActionKind::Lockdown, Detector::Raid, "wave".into()).evidence(ev);
        let lines = json_lines(&lock, &ids);
        let kinds: Vec<&str> = lines.iter().map(|l| l["action"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["ip_block", "ip_block", "email_domain_block"]);
        assert_eq!(lines[0]["ip"], "203.0.113.0/24");
        assert_eq!(lines[0]["expires_in"], 86400);
        assert_eq!(lines[2]["domain"], "tempmail.example");
        let reqs = requests(&lock, &ids, None);
        assert_eq!(reqs.len(), 3);
        assert!(matches!(
            &reqs[0],
            MastodonAction::IpBlock { expires_in_s: Some(86400), severity: IpSeverity::SignUpRequiresApproval, .. }
        ));
        let alert = Action::new(5, GuildId(1), ActionKind::Alert, Detector::Raid, "wave: 5 accounts".into())
            .incident(IncidentId(77));
        match requests(&alert, &ids, Some("https://moat.example/incidents")).as_slice() {
            [MastodonAction::DirectMessage { text }] => assert!(text.contains("https://moat.example/incidents/77")),
            other => panic!("{other:?}"),
        }
        let surge = Action::new(5, GuildId(1), ActionKind::Alert, Detector::Raid, "sign-up surge".into());
        assert!(requests(&surge, &ids, None).is_empty(), "only a wave's alert is a message");
    }

    #[test]
    fn containment_names_the_account_as_mastodon_gave_it() {
        let mut ids = IdBook::default();
        let u = ids.user(&crate::model::AccountId::new("9aZ3kQ"));
        let a = Action::new(5, GuildId(1), ActionKind::Ban, Detector::Campaign, "campaign".into()).user(u);
        let l = &json_lines(&a, &ids)[0];
        assert_eq!((l["action"].as_str(), l["account_id"].as_str()), (Some("suspend"), Some("9aZ3kQ")));
        assert_eq!(l["platform"], "mastodon");
        match requests(&a, &ids, None).as_slice() {
            [MastodonAction::Suspend { account_id, reason }] => {
                assert_eq!((account_id.as_str(), reason.as_str()), ("9aZ3kQ", "campaign"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(UserId(5), UserId(5));
    }
}
