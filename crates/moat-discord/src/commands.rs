//! `/moat`, the moderators' slash command.
//!
//! One command with subcommands, so moat adds one entry to a server's command list:
//! `status`, `user`, `silence`, `unsilence`, `lockdown`, `raid list|ban|end`, `check`
//! and `setting`. It is registered with `default_member_permissions` = Timeout Members,
//! so Discord hides it from everyone else, and moat checks the invoker's permissions again
//! when it arrives (server admins can change who sees a command; they cannot make moat
//! obey someone without the permission). Answers are ephemeral: only the moderator sees them.
//!
//! This module parses and describes; the engine task answers what it knows (status, a
//! user's pressure, settings, link checks) and the executor carries out the rest.

use moat_core::id::{GuildId, UserId};
use serde_json::{json, Value};
use twilight_model::application::interaction::application_command::{CommandDataOption, CommandOptionValue};
use twilight_model::application::interaction::{Interaction, InteractionData, InteractionType};
use twilight_model::guild::Permissions;

use crate::ids::core;

/// The permission a moderator needs for `/moat`.
pub const NEEDED: Permissions = Permissions::MODERATE_MEMBERS;

/// The command as registered with `PUT /applications/{id}/commands`.
pub fn definition() -> Value {
    let user = |d: &str| json!({"type": 6, "name": "user", "description": d, "required": true});
    json!([{
        "name": "moat",
        "type": 1,
        "description": "moat: raids, floods and scams",
        // Discord's OpenAPI spec types it as an integer (the API also takes the string
        // Discord's prose docs show); moat sends what the spec says.
        "default_member_permissions": NEEDED.bits(),
        "contexts": [0],
        "options": [
            {"type": 1, "name": "status", "description": "what moat is doing and what it cannot do"},
            {"type": 1, "name": "user", "description": "a member's pressure, strikes and containment", "options": [user("the member")]},
            {"type": 1, "name": "silence", "description": "time a member out", "options": [user("the member"),
                {"type": 4, "name": "minutes", "description": "how long (default 60)", "min_value": 1, "max_value": 40320}]},
            {"type": 1, "name": "unsilence", "description": "lift a member's timeout", "options": [user("the member")]},
            {"type": 1, "name": "lockdown", "description": "lock the server down or lift it", "options": [
                {"type": 3, "name": "state", "description": "on or off", "required": true, "choices": [{"name": "on", "value": "on"}, {"name": "off", "value": "off"}]}]},
            {"type": 2, "name": "raid", "description": "the current raid", "options": [
                {"type": 1, "name": "list", "description": "who moat counts as raiders"},
                {"type": 1, "name": "ban", "description": "ban every raider (bulk ban)"},
                {"type": 1, "name": "end", "description": "lift the lockdown now"}]},
            {"type": 1, "name": "undo", "description": "undo an incident: unban, lift timeouts and silences, end the lockdown", "options": [
                {"type": 3, "name": "incident", "description": "the incident's id (in its alert, or on the dashboard)", "required": true}]},
            {"type": 1, "name": "check", "description": "moat's verdict on a link or message", "options": [
                {"type": 3, "name": "text", "description": "the link or message", "required": true}]},
            {"type": 1, "name": "setting", "description": "read a section of moat's settings, or change one setting", "options": [
                {"type": 3, "name": "section", "description": "pressure, mentions, raid, campaign, scam, scraper, escalation or exempt", "required": true},
                {"type": 3, "name": "key", "description": "the setting to change (e.g. limit)"},
                {"type": 3, "name": "value", "description": "its new value (a number, true/false, or \"text\")"}]},
        ]
    }])
}

/// What a moderator asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Status,
    User(UserId),
    Silence {
        user: UserId,
        minutes: u64,
    },
    Unsilence(UserId),
    Lockdown(bool),
    RaidList,
    RaidBan,
    RaidEnd,
    Check(String),
    /// Undo an incident (queued for the bot's undo path, like `moat incidents undo`).
    Undo(u64),
    Setting(String),
    /// Change one setting of this guild.
    SetSetting {
        section: String,
        key: String,
        value: String,
    },
}

/// One `/moat` invocation, ready to answer.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub id: u64,
    pub token: String,
    /// The application the interaction belongs to (its webhook routes carry it).
    pub application: u64,
    pub guild: GuildId,
    pub invoker: UserId,
    /// `None` when the invoker lacks [`NEEDED`].
    pub request: Option<Request>,
}

fn sub(options: &[CommandDataOption]) -> Option<(&str, &[CommandDataOption])> {
    let o = options.first()?;
    match &o.value {
        CommandOptionValue::SubCommand(v) | CommandOptionValue::SubCommandGroup(v) => {
            Some((o.name.as_str(), v.as_slice()))
        }
        _ => None,
    }
}

fn user_opt(options: &[CommandDataOption]) -> Option<UserId> {
    options.iter().find_map(|o| match (&o.name[..], &o.value) {
        ("user", CommandOptionValue::User(u)) => Some(core(*u)),
        _ => None,
    })
}

fn string_opt(options: &[CommandDataOption], name: &str) -> Option<String> {
    options.iter().find_map(|o| match &o.value {
        CommandOptionValue::String(s) if o.name == name => Some(s.clone()),
        _ => None,
    })
}

fn int_opt(options: &[CommandDataOption], name: &str) -> Option<i64> {
    options.iter().find_map(|o| match &o.value {
        CommandOptionValue::Integer(i) if o.name == name => Some(*i),
        _ => None,
    })
}

/// Reads a `/moat` interaction; `None` if it is not one.
pub fn parse(i: &Interaction) -> Option<Invocation> {
    if i.kind != InteractionType::ApplicationCommand {
        return None;
    }
    let Some(InteractionData::ApplicationCommand(data)) = &i.data else { return None };
    if data.name != "moat" {
        return None;
    }
    let guild = core(i.guild_id?);
    let member = i.member.as_ref()?;
    let invoker = member.user.as_ref().map_or(UserId(0), |u| core(u.id));
    let perms = member.permissions.unwrap_or(Permissions::empty());
    let allowed = perms.contains(NEEDED) || perms.contains(Permissions::ADMINISTRATOR);
    // A subcommand this version does not know answers with the status.
    let request = allowed.then(|| request(&data.options).unwrap_or(Request::Status));
    Some(Invocation {
        id: i.id.get(),
        token: i.token.clone(),
        application: i.application_id.get(),
        guild,
        invoker,
        request,
    })
}

fn request(options: &[CommandDataOption]) -> Option<Request> {
    let (name, opts) = sub(options)?;
    Some(match name {
        "status" => Request::Status,
        "user" => Request::User(user_opt(opts)?),
        "silence" => Request::Silence {
            user: user_opt(opts)?,
            minutes: int_opt(opts, "minutes").unwrap_or(60).clamp(1, 40_320) as u64,
        },
        "unsilence" => Request::Unsilence(user_opt(opts)?),
        "lockdown" => Request::Lockdown(string_opt(opts, "state")?.eq_ignore_ascii_case("on")),
        "raid" => match sub(opts)?.0 {
            "list" => Request::RaidList,
            "ban" => Request::RaidBan,
            "end" => Request::RaidEnd,
            _ => return None,
        },
        "check" => Request::Check(string_opt(opts, "text")?),
        "undo" => Request::Undo(string_opt(opts, "incident")?.trim().parse().ok()?),
        "setting" => match (string_opt(opts, "key"), string_opt(opts, "value")) {
            (Some(key), Some(value)) => Request::SetSetting { section: string_opt(opts, "section")?, key, value },
            _ => Request::Setting(string_opt(opts, "section")?),
        },
        _ => return None,
    })
}

/// The answer to someone without the permission.
pub const DENIED: &str = "moat's commands are for moderators: you need the Timeout Members permission.";

/// An ephemeral reply, cut to Discord's 2000 characters.
pub fn reply(content: &str) -> Value {
    json!({ "type": 4, "data": { "content": cut(content), "flags": 64, "allowed_mentions": { "parse": [] } } })
}

/// The first answer to a command that acts: "moat is thinking", ephemeral (type 5). Discord
/// drops an interaction unanswered after 3 s, and the work behind `/moat raid ban` or
/// `/moat lockdown` (bulk bans, guild reads and edits, rate-limit waits, retries) may take
/// longer, so the executor sends this before any of it and edits the answer afterwards.
pub fn deferred() -> Value {
    json!({ "type": 5, "data": { "flags": 64 } })
}

/// The body that replaces a deferred answer with the outcome
/// (`PATCH /webhooks/{application}/{token}/messages/@original`).
pub fn outcome(content: &str) -> Value {
    json!({ "content": cut(content), "allowed_mentions": { "parse": [] } })
}

/// Discord's 2000 characters.
fn cut(content: &str) -> String {
    content.chars().take(2000).collect()
}
