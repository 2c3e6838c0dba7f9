//! Interactions (`/moat` slash commands): what the fake sent, and when and how the bot
//! answered each one, so a test asserts "deferred at once, then edited with the outcome".
//!
//! Discord's rules that no spec states: the first response must arrive within 3 s of the
//! interaction, on the fake's clock (later: 404, 10062 Unknown interaction); an interaction is
//! answered once (again: 400, 40060); the token then serves `PATCH
//! /webhooks/{application_id}/{token}/messages/@original` and follow-ups `POST
//! /webhooks/{application_id}/{token}` for 15 minutes (later: 401, 50027 Invalid Webhook
//! Token). The routes are in `rest::interactions`; this module holds the records and builds
//! the INTERACTION_CREATE payloads of [`SlashCommand`].

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::rest::iso_from_ms;
use crate::state::World;

/// What one answer to an interaction was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerKind {
    /// `POST /interactions/{id}/{token}/callback` with this response `type` (4 message,
    /// 5 deferred message, 6 deferred update, 7 update, …).
    Callback(u64),
    /// `PATCH …/messages/@original`.
    EditOriginal,
    /// `GET …/messages/@original`.
    GetOriginal,
    /// `DELETE …/messages/@original`.
    DeleteOriginal,
    /// `POST /webhooks/{application_id}/{token}`.
    Followup,
    /// `PATCH` or `DELETE …/messages/{id}` of a follow-up.
    EditFollowup,
}

/// One answer, as the fake judged it.
#[derive(Debug, Clone)]
pub struct InteractionAnswer {
    pub kind: AnswerKind,
    /// When it arrived, on the fake's clock (unix ms).
    pub at_ms: u64,
    /// What the fake answered (204, 200, or Discord's error).
    pub status: u16,
    pub body: Value,
}

/// One interaction the fake sent, and its answers.
#[derive(Debug, Clone)]
pub struct InteractionRecord {
    pub id: u64,
    pub token: String,
    pub application_id: u64,
    pub guild_id: Option<u64>,
    pub channel_id: u64,
    pub user_id: u64,
    /// When it was dispatched, on the fake's clock (unix ms).
    pub sent_at_ms: u64,
    pub answers: Vec<InteractionAnswer>,
    /// The original response's content now (after edits).
    pub original: Option<String>,
    pub original_flags: u64,
    /// Follow-up message ids, in order.
    pub followups: Vec<u64>,
}

impl InteractionRecord {
    /// The accepted first response (the acknowledgement), if any.
    pub fn acknowledgement(&self) -> Option<&InteractionAnswer> {
        self.answers.iter().find(|a| matches!(a.kind, AnswerKind::Callback(_)) && a.status < 300)
    }

    /// How long after the interaction the first response came (fake's clock), if it came,
    /// whether or not it was in time.
    pub fn first_response_ms(&self) -> Option<u64> {
        self.answers
            .iter()
            .find(|a| matches!(a.kind, AnswerKind::Callback(_)))
            .map(|a| a.at_ms.saturating_sub(self.sent_at_ms))
    }

    /// Whether the bot deferred (response type 5 or 6).
    pub fn deferred(&self) -> bool {
        matches!(self.acknowledgement().map(|a| &a.kind), Some(AnswerKind::Callback(5 | 6)))
    }

    /// Whether the original response is ephemeral (flags 64).
    pub fn ephemeral(&self) -> bool {
        self.original_flags & 64 != 0
    }

    /// Answers Discord refused (late, twice, unknown), in order.
    pub fn refused(&self) -> Vec<&InteractionAnswer> {
        self.answers.iter().filter(|a| a.status >= 400).collect()
    }
}

/// Every interaction sent so far.
#[derive(Debug, Default)]
pub struct Interactions {
    pub(crate) by_id: HashMap<u64, InteractionRecord>,
    pub(crate) by_token: HashMap<String, u64>,
    pub(crate) order: Vec<u64>,
}

fn id_in(v: &Value, k: &str) -> u64 {
    match v.get(k) {
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
        _ => 0,
    }
}

impl Interactions {
    /// Notes an INTERACTION_CREATE as it leaves (by any path: a test's dispatch, the player).
    pub(crate) fn sent(&mut self, d: &Value, now_ms: u64) {
        let id = id_in(d, "id");
        let Some(token) = d.get("token").and_then(Value::as_str) else { return };
        if id == 0 {
            return;
        }
        let user = d.get("member").and_then(|m| m.get("user")).or(d.get("user")).map(|u| id_in(u, "id")).unwrap_or(0);
        let rec = InteractionRecord {
            id,
            token: token.to_string(),
            application_id: id_in(d, "application_id"),
            guild_id: Some(id_in(d, "guild_id")).filter(|&g| g != 0),
            channel_id: id_in(d, "channel_id"),
            user_id: user,
            sent_at_ms: now_ms,
            answers: Vec::new(),
            original: None,
            original_flags: 0,
            followups: Vec::new(),
        };
        if self.by_id.insert(id, rec).is_none() {
            self.order.push(id);
        }
        self.by_token.insert(token.to_string(), id);
    }

    pub fn get(&self, id: u64) -> Option<&InteractionRecord> {
        self.by_id.get(&id)
    }

    pub(crate) fn by_token_mut(&mut self, token: &str) -> Option<&mut InteractionRecord> {
        let id = self.by_token.get(token)?;
        self.by_id.get_mut(id)
    }

    /// All records, in the order they were sent.
    pub fn all(&self) -> Vec<InteractionRecord> {
        self.order.iter().filter_map(|i| self.by_id.get(i).cloned()).collect()
    }
}

/// A slash command a test makes a member run, sent as Discord would send it.
#[derive(Debug, Clone)]
pub struct SlashCommand {
    pub guild_id: u64,
    /// Where it is run (default: the guild's first text channel).
    pub channel_id: Option<u64>,
    pub user_id: u64,
    /// The member's permissions in that channel (Discord computes and sends them).
    pub permissions: u64,
    /// The command's name (`moat`).
    pub name: String,
    /// `data.options`, as Discord sends them (sub-command groups, sub-commands, values).
    pub options: Value,
}

impl SlashCommand {
    /// `/moat` with these options.
    pub fn moat(guild_id: u64, user_id: u64, permissions: u64, options: Value) -> SlashCommand {
        SlashCommand { guild_id, channel_id: None, user_id, permissions, name: "moat".into(), options }
    }

    /// The INTERACTION_CREATE payload, with a new id and token.
    pub(crate) fn payload(&self, w: &mut World, application_id: u64, now_ms: u64) -> (u64, String, Value) {
        let id = w.new_id(now_ms);
        let token = format!("fake-interaction-token-{id}");
        let guild = w.guilds.get(&self.guild_id);
        let channel = self.channel_id.unwrap_or_else(|| {
            guild
                .and_then(|g| g.channels.iter().find(|(_, c)| c.get("type").and_then(Value::as_u64) == Some(0)))
                .map_or(0, |(id, _)| *id)
        });
        let member = guild.and_then(|g| g.members.get(&self.user_id));
        let (name, roles, joined) = member.map_or_else(
            || ("someone".to_string(), Vec::new(), iso_from_ms(now_ms.saturating_sub(86_400_000))),
            |m| (m.username.clone(), m.roles.iter().map(u64::to_string).collect(), m.joined_at.clone()),
        );
        let command_id = w
            .global_commands
            .iter()
            .find(|c| c.get("name").and_then(Value::as_str) == Some(self.name.as_str()))
            .and_then(|c| c.get("id").cloned())
            .unwrap_or_else(|| Value::from("1"));
        let d = json!({
            "id": id.to_string(), "application_id": application_id.to_string(), "type": 2, "token": token,
            "version": 1, "guild_id": self.guild_id.to_string(), "channel_id": channel.to_string(),
            "data": {"id": command_id, "name": self.name, "type": 1, "options": self.options},
            "member": {
                "user": {"id": self.user_id.to_string(), "username": name, "discriminator": "0", "global_name": null,
                         "avatar": null, "public_flags": 0},
                "roles": roles, "joined_at": joined, "premium_since": null, "deaf": false, "mute": false,
                "flags": 0, "pending": false, "nick": null, "avatar": null, "communication_disabled_until": null,
                "permissions": self.permissions.to_string(),
            },
            "app_permissions": "8", "locale": "en-US", "guild_locale": "en-US", "entitlements": [],
            "authorizing_integration_owners": {"0": self.guild_id.to_string()}, "context": 0,
            "attachment_size_limit": 8_388_608,
        });
        (id, token, d)
    }
}

/// Builds `data.options` for a command line such as `raid ban` or `silence user:123 minutes:15`
/// from the command's registered definition (which says which word is a group, a
/// sub-command or an option, and each option's type). `None` if a word is not in it.
pub fn options_from_line(definition: &Value, line: &str) -> Option<Value> {
    let mut words = line.split_whitespace();
    let mut level = definition.get("options").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut path: Vec<(String, u64)> = Vec::new();
    let mut values = Vec::new();
    for w in words.by_ref() {
        if let Some((k, raw)) = w.split_once(':') {
            let def = level.iter().find(|o| o.get("name").and_then(Value::as_str) == Some(k))?;
            let kind = def.get("type").and_then(Value::as_u64)?;
            let value = match kind {
                4 => raw.parse::<i64>().ok()?.into(),
                10 => raw.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number)?,
                5 => raw.parse::<bool>().ok()?.into(),
                _ => Value::from(raw),
            };
            values.push(json!({"type": kind, "name": k, "value": value}));
            continue;
        }
        let def = level.iter().find(|o| o.get("name").and_then(Value::as_str) == Some(w))?.clone();
        let kind = def.get("type").and_then(Value::as_u64)?;
        if kind != 1 && kind != 2 {
            return None;
        }
        path.push((w.to_string(), kind));
        level = def.get("options").and_then(Value::as_array).cloned().unwrap_or_default();
    }
    let mut inner = Value::Array(values);
    for (name, kind) in path.into_iter().rev() {
        inner = json!([{"type": kind, "name": name, "options": inner}]);
    }
    Some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_follow_the_definition() {
        let def = json!({"name": "moat", "options": [
            {"type": 2, "name": "raid", "options": [{"type": 1, "name": "ban"}]},
            {"type": 1, "name": "silence", "options": [{"type": 6, "name": "user"}, {"type": 4, "name": "minutes"}]},
        ]});
        assert_eq!(
            options_from_line(&def, "raid ban"),
            Some(json!([{"type": 2, "name": "raid", "options": [{"type": 1, "name": "ban", "options": []}]}]))
        );
        assert_eq!(
            options_from_line(&def, "silence user:42 minutes:15"),
            Some(json!([{"type": 1, "name": "silence", "options": [
                {"type": 6, "name": "user", "value": "42"}, {"type": 4, "name": "minutes", "value": 15}]}]))
        );
        assert_eq!(options_from_line(&def, "raid nuke"), None);
        assert_eq!(options_from_line(&def, "silence minutes:soon"), None);
    }
}
