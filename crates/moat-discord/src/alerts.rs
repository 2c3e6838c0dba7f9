//! Moderators' alerts: one readable message per incident, edited as the incident grows.
//!
//! A raid of 300 accounts must not become 300 messages in the moderators' channel: every
//! action of one incident (the engine groups them by `incident`) updates one summary, who,
//! how old their accounts are, what they did, what moat did, and how to undo it, and that
//! message is edited at most once per `alert_edit_ms` rather than reposted.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use moat_core::action::human_duration;
use moat_core::id::{ChannelId, GuildId, IncidentId, MessageId, UserId};
use moat_core::{Action, ActionKind};

/// Discord's message length limit.
const MAX_LEN: usize = 2000;
/// Users named in an alert at most.
const NAMES: usize = 15;

/// One incident's alert.
#[derive(Debug, Clone)]
pub struct Incident {
    pub guild: GuildId,
    pub channel: Option<ChannelId>,
    /// The posted message, once Discord has answered.
    pub message: Option<MessageId>,
    /// A post is on its way (don't post twice).
    pub posting: bool,
    pub dirty: bool,
    pub last_sent: Option<Instant>,
    detector: String,
    reason: String,
    account_age: Option<String>,
    users: BTreeSet<UserId>,
    deleted: usize,
    timed_out: BTreeSet<UserId>,
    timeout_for: Option<u64>,
    silenced: BTreeSet<UserId>,
    kicked: BTreeSet<UserId>,
    banned: BTreeSet<UserId>,
    flagged: bool,
    locked: bool,
    unlocked: bool,
    notes: Vec<String>,
    /// The guild is in dry run: what moat did is what it would have done.
    dry: bool,
}

impl Incident {
    fn new(a: &Action, channel: Option<ChannelId>) -> Incident {
        Incident {
            guild: a.guild_id,
            channel,
            message: None,
            posting: false,
            dirty: true,
            last_sent: None,
            detector: a.detector.as_str().to_string(),
            reason: a.reason.clone(),
            account_age: None,
            users: BTreeSet::new(),
            deleted: 0,
            timed_out: BTreeSet::new(),
            timeout_for: None,
            silenced: BTreeSet::new(),
            kicked: BTreeSet::new(),
            banned: BTreeSet::new(),
            flagged: false,
            locked: false,
            unlocked: false,
            notes: Vec::new(),
            dry: false,
        }
    }

    fn add(&mut self, a: &Action) {
        self.dirty = true;
        if a.kind != ActionKind::DeleteMessage {
            self.users.extend(&a.user_ids);
        }
        if self.account_age.is_none() {
            self.account_age = a.evidence.facts.iter().find(|(k, _)| k == "account_age").map(|(_, v)| v.clone());
        }
        let kind = match crate::dry::stands_for(a) {
            Some(k) => {
                self.dry = true;
                k
            }
            None => a.kind,
        };
        match kind {
            ActionKind::DeleteMessage => self.deleted += 1,
            ActionKind::Timeout => {
                self.timed_out.extend(&a.user_ids);
                self.timeout_for = a.duration_ms.or(self.timeout_for);
            }
            ActionKind::Silence => self.silenced.extend(&a.user_ids),
            ActionKind::Kick => self.kicked.extend(&a.user_ids),
            ActionKind::Ban => self.banned.extend(&a.user_ids),
            ActionKind::Alert => {
                if self.reason.is_empty() || self.detector == "containment" {
                    self.reason = a.reason.clone();
                }
            }
            ActionKind::Flag => self.flagged = true,
            ActionKind::Lockdown => self.locked = true,
            ActionKind::Unlock => self.unlocked = true,
        }
        if kind.is_punitive() && self.detector == "containment" {
            self.detector = a.detector.as_str().to_string();
            self.reason = a.reason.clone();
        }
    }

    /// Adds a line (e.g. a call Discord refused) to the alert.
    pub fn note(&mut self, text: String) {
        if !self.notes.contains(&text) && self.notes.len() < 5 {
            self.notes.push(text);
            self.dirty = true;
        }
    }

    /// The alert's text, at most 2000 characters.
    pub fn render(&self) -> String {
        let dry = if self.dry { "dry run: " } else { "" };
        let mut s = format!("**moat: {dry}{}**", self.title());
        let n = self.users.len();
        if n > 0 {
            let names: Vec<String> = self.users.iter().take(NAMES).map(|u| format!("<@{u}>")).collect();
            let more = if n > NAMES { format!(" and {} more", n - NAMES) } else { String::new() };
            let age = self.account_age.as_deref().map(|a| format!(" (account age {a})")).unwrap_or_default();
            let who = if n == 1 { "1 account".to_string() } else { format!("{n} accounts") };
            s += &format!("\n**Who:** {who}{age}: {}{more}", names.join(" "));
        }
        s += &format!("\n**What happened:** {}", self.reason);
        let mut did = Vec::new();
        if self.deleted > 0 {
            did.push(format!("deleted {} message{}", self.deleted, if self.deleted == 1 { "" } else { "s" }));
        }
        if !self.timed_out.is_empty() {
            let d = self.timeout_for.map(|d| format!(" for {}", human_duration(d))).unwrap_or_default();
            did.push(format!("timed out {}{d}", count(self.timed_out.len())));
        }
        if !self.silenced.is_empty() {
            did.push(format!("silenced {}", count(self.silenced.len())));
        }
        if !self.kicked.is_empty() {
            did.push(format!("kicked {}", count(self.kicked.len())));
        }
        if !self.banned.is_empty() {
            did.push(format!("banned {}", count(self.banned.len())));
        }
        if self.locked {
            did.push(if self.unlocked {
                "locked the server down, then lifted the lockdown (settings restored)".into()
            } else {
                "locked the server down (verification raised, invites and DMs paused)".into()
            });
        }
        if self.flagged && did.is_empty() {
            did.push("nothing yet: flagged for a moderator to look at".into());
        }
        if did.is_empty() {
            did.push("nothing: this is for your information".into());
        }
        if self.dry {
            s += &format!("\n**What moat would have done (dry run, nothing was done):** {}", did.join("; "));
            return cut(s);
        }
        s += &format!("\n**What moat did:** {}", did.join("; "));
        let mut undo = Vec::new();
        if !self.timed_out.is_empty() {
            undo.push("remove a timeout from the member's profile (Remove Timeout)");
        }
        if !self.banned.is_empty() {
            undo.push("unban in Server Settings → Bans");
        }
        if self.locked && !self.unlocked {
            undo.push("the lockdown ends by itself when the raid is over");
        }
        if self.deleted > 0 {
            undo.push("deleted messages are kept as evidence");
        }
        if !undo.is_empty() {
            s += &format!("\n**To undo:** {}", undo.join("; "));
        }
        for n in &self.notes {
            s += &format!("\n**Warning:** {n}");
        }
        cut(s)
    }

    fn title(&self) -> String {
        match self.detector.as_str() {
            "raid" if self.unlocked => "raid over".into(),
            "raid" => "raid".into(),
            "pressure" => "spam flood".into(),
            "mentions" => "mass mentions".into(),
            "campaign" => "spam campaign (possibly a hacked account)".into(),
            "scam" => "scam link".into(),
            "scraper" => "possible scraper account".into(),
            "automod" => "AutoMod strike".into(),
            other => other.to_string(),
        }
    }
}

/// At most Discord's 2000 characters, with an ellipsis when cut.
fn cut(s: String) -> String {
    if s.chars().count() > MAX_LEN {
        s.chars().take(MAX_LEN - 1).collect::<String>() + "…"
    } else {
        s
    }
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 member".into()
    } else {
        format!("{n} members")
    }
}

/// Every open incident's alert.
#[derive(Debug, Default)]
pub struct Alerts {
    pub incidents: HashMap<IncidentId, Incident>,
}

impl Alerts {
    /// Folds one action into its incident's alert. Actions without an incident id are
    /// grouped by guild, detector and user so they still make one alert each.
    pub fn add(&mut self, a: &Action, channel: Option<ChannelId>) {
        let key = a.incident.unwrap_or_else(|| {
            moat_core::action::incident_id(a.guild_id, a.detector, 0, a.user_ids.first().copied().unwrap_or(UserId(0)))
        });
        self.incidents.entry(key).or_insert_with(|| Incident::new(a, channel)).add(a);
    }

    /// Members of the guild's open raid incidents (not yet over).
    pub fn raid_members(&self, guild: GuildId) -> Vec<UserId> {
        let mut v: Vec<UserId> = self
            .incidents
            .values()
            .filter(|i| i.guild == guild && i.detector == "raid" && !i.unlocked)
            .flat_map(|i| i.users.iter().copied())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Forgets incidents whose alert has not changed for `idle` (their messages stay in
    /// the channel; a later action of the same incident starts a new alert).
    pub fn prune(&mut self, idle: std::time::Duration) {
        self.incidents.retain(|_, i| {
            i.channel.is_some() && (i.dirty || i.posting || i.last_sent.is_none_or(|t| t.elapsed() < idle))
        });
    }

    /// How many alerts wait to be posted or edited.
    pub fn dirty(&self) -> usize {
        self.incidents.values().filter(|i| i.dirty && i.channel.is_some()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_core::Detector;

    #[test]
    fn a_raid_is_one_readable_alert() {
        let mut al = Alerts::default();
        let (g, inc, ch) = (GuildId(9), IncidentId(5), Some(ChannelId(77)));
        let lock =
            Action::new(1, g, ActionKind::Lockdown, Detector::Raid, "raid: 300 joins in 60 s".into()).incident(inc);
        al.add(&lock, ch);
        for u in 0..300 {
            let t = Action::new(1, g, ActionKind::Timeout, Detector::Raid, "joined during a raid".into())
                .user(UserId(1000 + u))
                .duration(6 * 3_600_000)
                .incident(inc);
            al.add(&t, ch);
        }
        assert_eq!(al.incidents.len(), 1);
        assert_eq!(al.raid_members(g).len(), 300);
        let text = al.incidents[&inc].render();
        assert!(text.contains("300 accounts"), "{text}");
        assert!(text.contains("timed out 300 members for 6 h"), "{text}");
        assert!(text.contains("and 285 more"), "{text}");
        assert!(text.contains("locked the server down"), "{text}");
        assert!(text.chars().count() <= 2000);
    }
}
