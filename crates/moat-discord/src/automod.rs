//! Discord's own AutoMod as a first line: a rule that blocks known scam domains and
//! deceptive masked links before they are even posted.
//!
//! moat deletes a scam within milliseconds of seeing it, but AutoMod stops it before anyone
//! sees it at all. AutoMod's limits shape the rule: one KEYWORD rule of at most 1000
//! keywords (60 characters each) and 10 regexes (260 characters each), so moat puts the
//! domains most likely to be used on Discord first (those imitating Discord, Nitro, Steam),
//! and one regex for masked links whose text pretends to be a different URL. The rule is
//! found by name and updated in place, never duplicated. Its executions come back as
//! `AUTO_MODERATION_ACTION_EXECUTION` events, which the engine counts as strikes.

use moat_core::id::{ChannelId, GuildId, RoleId};
use serde_json::{json, Value};
use twilight_http::request::Method;
use twilight_http::Client;

use crate::exec::calls::{raw, raw_as, Pacing, Raw};
use crate::shared::Shared;

/// The rule's name, by which moat finds its own rule again.
pub const RULE_NAME: &str = "moat: scam links";
/// The rule's audit-log reason.
const RULE_REASON: &str = "moat: block known scam domains and deceptive masked links before anyone sees them";
/// AutoMod's keyword limits.
const MAX_KEYWORDS: usize = 1000;
const MAX_KEYWORD_LEN: usize = 60;
/// A masked link (`[text](url)`) whose text is itself a URL: the text says one site, the
/// link goes to another.
pub const MASKED_LINK_REGEX: &str = r"\[\s*<?https?://[^\]]*\]\(\s*<?https?://";

/// Turns a domain list (one a line, `#` comments) into AutoMod keywords, most relevant
/// first, within AutoMod's limits.
pub fn keywords(domains: &str) -> Vec<String> {
    let mut all: Vec<&str> = domains
        .lines()
        .map(str::trim)
        .filter(|d| !d.is_empty() && !d.starts_with('#') && d.len() + 2 <= MAX_KEYWORD_LEN && !d.contains('*'))
        .collect();
    let rank = |d: &str| {
        let d = d.to_ascii_lowercase();
        ["discord", "nitro", "steam", "gift"].iter().position(|w| d.contains(w)).unwrap_or(9)
    };
    all.sort_by_key(|d| rank(d));
    all.dedup();
    all.into_iter().take(MAX_KEYWORDS).map(|d| format!("*{d}*")).collect()
}

/// The rule as Discord's API takes it.
pub fn rule_body(keywords: &[String], alert_channel: Option<ChannelId>, exempt_roles: &[RoleId]) -> Value {
    let mut actions =
        vec![json!({"type": 1, "metadata": {"custom_message": "moat: this link is a known scam and was blocked."}})];
    if let Some(c) = alert_channel {
        actions.push(json!({"type": 2, "metadata": {"channel_id": c.to_string()}}));
    }
    json!({
        "name": RULE_NAME,
        "event_type": 1,
        "trigger_type": 1,
        "trigger_metadata": { "keyword_filter": keywords, "regex_patterns": [MASKED_LINK_REGEX] },
        "actions": actions,
        "enabled": true,
        "exempt_roles": exempt_roles.iter().take(20).map(RoleId::to_string).collect::<Vec<_>>(),
    })
}

/// Creates moat's rule in `guild`, or updates it if it is already there.
pub async fn sync(client: &Client, shared: &Shared, guild: GuildId, body: &Value) {
    let Ok(list) =
        raw(client, shared, "read AutoMod rules", Method::Get, format!("guilds/{guild}/auto-moderation/rules"), None)
            .await
    else {
        return;
    };
    let rules: Vec<Value> = serde_json::from_slice(&list).unwrap_or_default();
    let ours = rules
        .iter()
        .find(|r| r.get("name").and_then(Value::as_str) == Some(RULE_NAME))
        .and_then(|r| r.get("id")?.as_str().map(str::to_string));
    let (what, method, path) = match ours {
        Some(id) => {
            ("update the AutoMod scam rule", Method::Patch, format!("guilds/{guild}/auto-moderation/rules/{id}"))
        }
        None => ("create the AutoMod scam rule", Method::Post, format!("guilds/{guild}/auto-moderation/rules")),
    };
    let r = Raw { method, path, body: Some(body), reason: Some(RULE_REASON), pacing: Pacing::Paced };
    let _ = raw_as(client, shared, what, r).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_fit_automod_and_put_discord_lookalikes_first() {
        let mut text = String::from("# comment\nzzz.example\n");
        for i in 0..1500 {
            text.push_str(&format!("site{i}.xyz\n"));
        }
        text.push_str("dlscord-gift.com\n");
        let k = keywords(&text);
        assert_eq!(k.len(), 1000);
        assert_eq!(k[0], "*dlscord-gift.com*");
        assert!(k.iter().all(|k| k.len() <= 60));
        let body = rule_body(&k, Some(ChannelId(5)), &[RoleId(1), RoleId(2)]);
        assert_eq!(body["exempt_roles"], serde_json::json!(["1", "2"]));
        assert_eq!(body["trigger_metadata"]["regex_patterns"].as_array().unwrap().len(), 1);
        assert!(MASKED_LINK_REGEX.len() <= 260);
        assert_eq!(body["actions"].as_array().unwrap().len(), 2);
    }
}
