//! What the engine decides: [`Action`]s, each with the detector that fired, a reason a
//! moderator can read, and the evidence behind it.
//!
//! Actions are plain data. The engine never performs them; an adapter does (the Discord bot
//! turns them into REST calls, `moat replay` prints them as JSON lines, the store records
//! them). Keeping them free of I/O is what lets live, replay, demo and tests share one
//! decision path.

use std::fmt;

pub use crate::evidence::{Evidence, EvidenceMessage};
use crate::hash::Fnv1a;
use crate::id::{ChannelId, GuildId, IncidentId, MessageId, UserId};
pub use crate::time::Millis;

/// The kind of an action, named as in `moat replay` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActionKind {
    /// Remove one message (`message_id`, `channel_id`).
    DeleteMessage,
    /// Time the member(s) out for `duration_ms` (Discord's `communication_disabled_until`).
    Timeout,
    /// Give the member(s) the configured silence role for `duration_ms`.
    Silence,
    Kick,
    Ban,
    /// Tell the guild's moderators about an incident; punishes nobody.
    Alert,
    /// Point a moderator at a user who looks wrong but did nothing punishable (scrapers,
    /// suspicious links).
    Flag,
    /// Lock the guild down against a raid (raise verification, pause invites and DMs).
    Lockdown,
    /// End a lockdown and restore what was there before.
    Unlock,
}

impl ActionKind {
    /// Every kind, in declaration order.
    pub const ALL: [ActionKind; 9] = [
        ActionKind::DeleteMessage,
        ActionKind::Timeout,
        ActionKind::Silence,
        ActionKind::Kick,
        ActionKind::Ban,
        ActionKind::Alert,
        ActionKind::Flag,
        ActionKind::Lockdown,
        ActionKind::Unlock,
    ];

    /// The kind named `name` ([`ActionKind::as_str`]'s inverse).
    pub fn parse(name: &str) -> Option<ActionKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::DeleteMessage => "delete_message",
            ActionKind::Timeout => "timeout",
            ActionKind::Silence => "silence",
            ActionKind::Kick => "kick",
            ActionKind::Ban => "ban",
            ActionKind::Alert => "alert",
            ActionKind::Flag => "flag",
            ActionKind::Lockdown => "lockdown",
            ActionKind::Unlock => "unlock",
        }
    }

    /// Whether this kind punishes the users it names.
    pub fn is_punitive(self) -> bool {
        matches!(self, ActionKind::Timeout | ActionKind::Silence | ActionKind::Kick | ActionKind::Ban)
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The detector that decided an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Detector {
    Pressure,
    Mentions,
    Raid,
    Campaign,
    Scam,
    Scraper,
    /// Discord's own AutoMod blocked or flagged something; moat counts it as a strike.
    AutoMod,
    /// Follow-up of an earlier decision, e.g. deleting what a contained user still posts.
    Containment,
}

impl Detector {
    /// Every detector, in declaration order.
    pub const ALL: [Detector; 8] = [
        Detector::Pressure,
        Detector::Mentions,
        Detector::Raid,
        Detector::Campaign,
        Detector::Scam,
        Detector::Scraper,
        Detector::AutoMod,
        Detector::Containment,
    ];

    /// The detector named `name` ([`Detector::as_str`]'s inverse).
    pub fn parse(name: &str) -> Option<Detector> {
        Self::ALL.into_iter().find(|d| d.as_str() == name)
    }

    /// The detector's stable name: in output, in the store, and in incident ids, so it
    /// never changes once released.
    pub fn as_str(self) -> &'static str {
        match self {
            Detector::Pressure => "pressure",
            Detector::Mentions => "mentions",
            Detector::Raid => "raid",
            Detector::Campaign => "campaign",
            Detector::Scam => "scam",
            Detector::Scraper => "scraper",
            Detector::AutoMod => "automod",
            Detector::Containment => "containment",
        }
    }
}

impl fmt::Display for Detector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One decision of the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// Event time at which the decision was made.
    pub ts: Millis,
    pub guild_id: GuildId,
    pub kind: ActionKind,
    /// The users acted on: one for most actions, many for a raid.
    pub user_ids: Vec<UserId>,
    pub message_id: Option<MessageId>,
    pub channel_id: Option<ChannelId>,
    /// For timeouts and silences: how long.
    pub duration_ms: Option<u64>,
    pub detector: Detector,
    /// Why, in words a moderator can read.
    pub reason: String,
    pub evidence: Evidence,
    /// Groups the actions of one episode (a raid, one flood, one scam post) under one id
    /// ([`incident_id`]); the engine gives every action it decides one.
    pub incident: Option<IncidentId>,
    /// A decision left to the guild's moderators (a button on the alert), if any.
    pub ask: Option<Ask>,
}

/// A question an alert puts to moderators: the bot renders it as a button (answered
/// through the interaction with a deferred response) and `/moat raid` answers it too.
#[derive(Debug, Clone, PartialEq)]
pub struct Ask {
    /// The button's label, e.g. `Contain 12 more`.
    pub label: String,
    pub verb: AskVerb,
    /// Who the answer would act on.
    pub user_ids: Vec<UserId>,
}

/// What answering an [`Ask`] with yes does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AskVerb {
    /// Contain these joiners as members of the alert's raid.
    ContainRaidMembers,
}

impl AskVerb {
    /// The verb's stable name, in JSON and in a button's custom id.
    pub fn as_str(self) -> &'static str {
        match self {
            AskVerb::ContainRaidMembers => "contain_raid_members",
        }
    }
}

/// The incident id of an episode: [`FNV-1a`](crate::hash) over the guild, the detector's
/// stable name ([`Detector::as_str`]), the episode's start and its first user (each id and
/// time as 8 little-endian bytes, the name as its bytes), kept to 53 bits so it survives
/// JSON numbers, and never 0. A replay gives the same ids every time, a restarted bot does
/// not reuse them, and reordering [`Detector`] changes none of them.
pub fn incident_id(guild_id: GuildId, detector: Detector, started: Millis, user_id: UserId) -> IncidentId {
    let mut h = Fnv1a::new();
    h.u64_le(guild_id.get());
    h.bytes(detector.as_str().as_bytes());
    h.u64_le(started);
    h.u64_le(user_id.get());
    IncidentId((h.finish() >> 11).max(1))
}

impl Action {
    pub fn new(ts: Millis, guild_id: GuildId, kind: ActionKind, detector: Detector, reason: String) -> Self {
        Self {
            ts,
            guild_id,
            kind,
            user_ids: Vec::new(),
            message_id: None,
            channel_id: None,
            duration_ms: None,
            detector,
            reason,
            evidence: Evidence::default(),
            incident: None,
            ask: None,
        }
    }

    pub fn incident(mut self, incident: IncidentId) -> Self {
        self.incident = Some(incident);
        self
    }

    pub fn user(mut self, user_id: UserId) -> Self {
        self.user_ids.push(user_id);
        self
    }

    pub fn users(mut self, user_ids: impl IntoIterator<Item = UserId>) -> Self {
        self.user_ids.extend(user_ids);
        self
    }

    pub fn message(mut self, channel_id: ChannelId, message_id: MessageId) -> Self {
        self.channel_id = Some(channel_id);
        self.message_id = Some(message_id);
        self
    }

    pub fn duration(mut self, duration_ms: u64) -> Self {
        self.duration_ms = Some(duration_ms);
        self
    }

    pub fn evidence(mut self, evidence: Evidence) -> Self {
        self.evidence = evidence;
        self
    }
}

/// Formats a duration in milliseconds the way a moderator would say it: `45 s`, `10 min`,
/// `2 h`, `3 days`.
pub fn human_duration(ms: u64) -> String {
    let s = ms / 1000;
    if s < 120 {
        format!("{s} s")
    } else if s < 2 * 3600 {
        format!("{} min", s / 60)
    } else if s < 2 * 86_400 {
        format!("{} h", s / 3600)
    } else {
        format!("{} days", s / 86_400)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punitive_kinds() {
        let punitive: Vec<_> = [
            ActionKind::DeleteMessage,
            ActionKind::Timeout,
            ActionKind::Silence,
            ActionKind::Kick,
            ActionKind::Ban,
            ActionKind::Alert,
            ActionKind::Flag,
            ActionKind::Lockdown,
            ActionKind::Unlock,
        ]
        .into_iter()
        .filter(|k| k.is_punitive())
        .map(ActionKind::as_str)
        .collect();
        assert_eq!(punitive, ["timeout", "silence", "kick", "ban"]);
    }

    #[test]
    fn kinds_and_detectors_read_back_from_their_names() {
        for k in ActionKind::ALL {
            assert_eq!(ActionKind::parse(k.as_str()), Some(k));
        }
        for d in Detector::ALL {
            assert_eq!(Detector::parse(d.as_str()), Some(d));
        }
        assert_eq!(ActionKind::parse("yeet"), None);
    }

    #[test]
    fn incident_ids_are_pinned_to_the_detector_name_not_its_position() {
        // A stored id must never change: this value was computed once and is kept. If this
        // fails, every incident id in every store changes meaning.
        let id = incident_id(GuildId(1_455_316_870_235_293_365), Detector::Raid, 1_767_272_400_000, UserId(0));
        assert_eq!(id, IncidentId(PINNED_RAID_INCIDENT));
        assert!(id.get() < 1 << 53);
        let other = incident_id(GuildId(1_455_316_870_235_293_365), Detector::Scam, 1_767_272_400_000, UserId(0));
        assert_ne!(id, other);
    }

    const PINNED_RAID_INCIDENT: u64 = 6_758_493_916_534_020;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(45_000), "45 s");
        assert_eq!(human_duration(600_000), "10 min");
        assert_eq!(human_duration(3 * 3_600_000), "3 h");
        assert_eq!(human_duration(7 * 86_400_000), "7 days");
    }
}

/// The JSON form of actions, as `moat replay` prints them, one object a line.
pub mod json {
    use serde_json::{json, Map, Value};

    use super::{Action, Evidence};

    fn evidence(e: &Evidence) -> Value {
        let messages: Vec<Value> = e
            .messages
            .iter()
            .map(|m| {
                json!({
                    "message_id": m.message_id.to_string(),
                    "channel_id": m.channel_id.to_string(),
                    "author_id": m.author_id.to_string(),
                    "ts": m.ts,
                    "content": m.content,
                    "attachment_urls": m.attachment_urls,
                })
            })
            .collect();
        let facts: Map<String, Value> = e.facts.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        json!({ "messages": messages, "facts": facts })
    }

    /// `{"ts", "guild_id", "action", "user_id" | "user_ids", "message_id"?, "channel_id"?,
    /// "duration_ms"?, "detector", "reason", "evidence"?}`; ids are strings, as Discord
    /// writes them.
    pub fn to_value(a: &Action) -> Value {
        let mut o = Map::new();
        o.insert("ts".into(), a.ts.into());
        o.insert("guild_id".into(), a.guild_id.to_string().into());
        o.insert("action".into(), a.kind.as_str().into());
        match a.user_ids.as_slice() {
            [] => {}
            [one] => {
                o.insert("user_id".into(), one.to_string().into());
            }
            many => {
                o.insert("user_ids".into(), many.iter().map(|u| Value::String(u.to_string())).collect());
            }
        }
        if let Some(m) = a.message_id {
            o.insert("message_id".into(), m.to_string().into());
        }
        if let Some(c) = a.channel_id {
            o.insert("channel_id".into(), c.to_string().into());
        }
        if let Some(d) = a.duration_ms {
            o.insert("duration_ms".into(), d.into());
        }
        o.insert("detector".into(), a.detector.as_str().into());
        o.insert("reason".into(), a.reason.clone().into());
        if let Some(i) = a.incident {
            o.insert("incident".into(), i.get().into());
        }
        if !a.evidence.is_empty() {
            o.insert("evidence".into(), evidence(&a.evidence));
        }
        if let Some(ask) = &a.ask {
            let users: Vec<Value> = ask.user_ids.iter().map(|u| Value::String(u.to_string())).collect();
            o.insert("ask".into(), json!({ "label": ask.label, "verb": ask.verb.as_str(), "user_ids": users }));
        }
        Value::Object(o)
    }

    #[cfg(test)]
    mod tests {
        use super::super::*;
        use crate::id::{GuildId, UserId};

        #[test]
        fn one_user_or_many() {
            let one = Action::new(5, GuildId(1), ActionKind::Timeout, Detector::Pressure, "r".into())
                .user(UserId(7))
                .duration(600_000);
            assert_eq!(
                super::to_value(&one).to_string(),
                r#"{"ts":5,"guild_id":"1","action":"timeout","user_id":"7","duration_ms":600000,"detector":"pressure","reason":"r"}"#
            );
            let many =
                Action::new(5, GuildId(1), ActionKind::Ban, Detector::Raid, "r".into()).users([UserId(7), UserId(8)]);
            let v = super::to_value(&many);
            assert_eq!(v["user_ids"], serde_json::json!(["7", "8"]));
            assert!(v.get("user_id").is_none());
        }
    }
}
