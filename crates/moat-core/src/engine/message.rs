//! Judging a message (or an edit): every message-level detector looks at it once, and the
//! findings go to [`respond`](super::respond).

use crate::action::{Action, Detector, Millis};
use crate::detect::{campaign, mentions, pressure, raid::Outcome, scam, Doomed, Finding, Severity};
use crate::event::{AutoModHit, Message};
use crate::text::{fingerprint, TextStats};
use crate::time::{age_at, DAY, HOUR, MINUTE};

use super::Engine;

/// Unusual characters (zalgo, invisible) in one message that make it a weapon, not speech.
const CRASH_UNUSUAL: u32 = 50;

/// AutoMod executions held as strikes before moat contains the member itself.
const AUTOMOD_STRIKES: f32 = 3.0;

impl Engine {
    pub(super) fn on_message(&mut self, now: Millis, m: &Message, out: &mut Vec<Action>) {
        let gid = m.guild;
        let s = self.config.for_guild(gid);
        if m.webhook || (m.author_bot && s.exempt.bots) {
            return;
        }
        self.scrapers.on_message(m.author);
        let g = self.guilds.entry(gid).or_default();
        let exempt = g.info.is_moderator(m.author, &m.roles)
            || s.exempt.users.contains(&m.author)
            || m.roles.iter().any(|r| s.exempt.roles.contains(r));
        g.recent.record(now, m, super::held_for(s));
        let user = g.users.entry(m.author).or_default();
        user.last_seen = now;
        user.account_created = m.account_created;
        if !exempt && user.is_contained(now) {
            let incident = user.incident;
            let d = Doomed { channel: m.channel, message: m.id, author: m.author };
            let mut a = super::respond::delete_action(g, now, gid, Detector::Containment, "posted while contained", d);
            a.incident = incident;
            out.push(a);
            return;
        }

        let content: &str = &m.content;
        let stats = TextStats::measure(content);
        let fp = fingerprint(content);
        let has_link = crate::text::has_scheme(content);
        let mut findings: Vec<Finding> = Vec::new();

        if let Some(f) = scam::check(&s.scam, self.judge.as_ref(), gid, m.author, content, m.edit) {
            findings.push(f);
        }
        let mention_weight = mentions::weight(&s.mentions, m, &stats);
        if s.mentions.enabled {
            if let Some(f) = mentions::check(&s.mentions, user, mention_weight, now) {
                findings.push(Finding { users: vec![m.author], ..f });
            }
        }
        if s.pressure.enabled {
            let repeat = !m.edit && fp.len > 0 && fp.hash == user.last_fp;
            if !m.edit {
                user.last_fp = fp.hash;
            }
            let w = pressure::weigh(&s.pressure, m, &stats, repeat, now);
            if let Some(f) = pressure::apply(&s.pressure, user, &w, now) {
                findings.push(Finding { users: vec![m.author], ..f });
            }
        }

        let account_age = age_at(m.account_created, now);
        let member_age = m.joined_at.map(|j| now.saturating_sub(j));
        let newcomer = member_age.is_some_and(|a| a < u64::from(s.raid.newcomer_minutes) * MINUTE);
        let everyone = m.mention_everyone || stats.everyone;
        // Links to sites the judge trusts (popular, well-known) are shared by crowds for good
        // reasons; they are no campaign's signature, and do not make the words around them
        // one either.
        let link_keys: Vec<u64> = if has_link && !m.edit && !exempt {
            let judge = self.judge.as_ref();
            campaign::link_urls(content)
                .filter(|(_, url)| !judge.trusted_link(gid.get(), url))
                .map(|(k, _)| k)
                .collect()
        } else {
            Vec::new()
        };
        if !m.edit && !exempt && (has_link || mention_weight > 0 || fp.len >= s.campaign.min_text_len) {
            let mut keys: Vec<(u64, &'static str)> = link_keys.iter().map(|&k| (k, "link")).collect();
            let loud = mention_weight > 0 || !keys.is_empty();
            if fp.len >= s.campaign.min_text_len || (loud && fp.len > 0) {
                keys.push((fp.hash, "text"));
            }
            let post = campaign::Post {
                ts: now,
                user_id: m.author,
                channel_id: m.channel,
                message_id: m.id,
                account_created: m.account_created,
                new: account_age < u64::from(s.campaign.new_account_days) * DAY,
                loud,
            };
            if s.campaign.enabled && !keys.is_empty() {
                // The campaign watch may delete this message minutes from now: keep its
                // evidence that long.
                g.recent.hold(m.id);
            }
            if let Some(f) = g.campaigns.observe(&s.campaign, now, post, &keys) {
                findings.push(f);
            }
        }

        // Newcomers who attack are what turns joins into a raid. An over-excited newcomer's
        // flood is theirs alone; a crash wall, a mass ping, a scam or a campaign is an attack.
        let weapon = stats.wall > 0 || stats.unusual >= CRASH_UNUSUAL;
        let hostile = if !newcomer || exempt {
            None
        } else if let Some(f) = findings
            .iter()
            .find(|f| matches!(f.severity, Severity::Contain { .. }) && (f.detector != Detector::Pressure || weapon))
        {
            Some(format!("caught by {}", f.detector))
        } else if everyone && (mention_weight >= 2 + s.mentions.everyone_weight || has_link) {
            Some("pinging @everyone".to_string())
        } else if mention_weight >= 5 {
            Some(format!("mass-pinging ({mention_weight} mentions)"))
        } else {
            None
        };
        let outcome = match hostile {
            Some(what) => g.raid.on_hostile_newcomer(&s.raid, now, m.author, &what),
            None => Outcome::Nothing,
        };
        let burst = if newcomer && !exempt && !m.edit {
            super::burst::on_post(s, g, now, m.author, content, &link_keys, everyone)
        } else {
            Outcome::Nothing
        };

        let ctx = super::respond::Context {
            gid,
            now,
            author: m.author,
            account_created: m.account_created,
            message: Some((m.channel, m.id)),
            exempt,
        };
        self.respond(&ctx, findings, out);
        self.raid_outcome(gid, now, outcome, out);
        self.raid_outcome(gid, now, burst, out);
    }

    /// Discord's AutoMod acted on a member: count it as a strike, and contain the member
    /// once strikes pile up.
    pub(super) fn on_automod(&mut self, now: Millis, hit: &AutoModHit, out: &mut Vec<Action>) {
        let (gid, user_id, trigger) = (hit.guild, hit.user, hit.rule);
        let s = self.config.for_guild(gid);
        let g = self.guilds.entry(gid).or_default();
        let decay = u64::from(s.escalation.strike_decay_hours) * HOUR;
        let user = g.users.entry(user_id).or_default();
        user.last_seen = now;
        if hit.account_created != 0 {
            user.account_created = hit.account_created;
        }
        let strikes = user.strikes_at(now, decay) + 1.0;
        user.strikes = strikes;
        user.strikes_at = now;
        // Whole strikes held: three hits seconds apart are three, though the first has
        // decayed a hair by the third.
        if strikes.ceil() < AUTOMOD_STRIKES || user.is_contained(now) {
            return;
        }
        // `punish` adds the strike for this containment itself.
        user.strikes -= 1.0;
        let finding = Finding::contain(
            Detector::AutoMod,
            user_id,
            format!("Discord AutoMod acted on {} of their messages ({:?} rule)", strikes.ceil() as u32, trigger),
        );
        let account_created = user.account_created;
        let ctx = super::respond::Context { gid, now, author: user_id, account_created, message: None, exempt: false };
        self.respond(&ctx, vec![finding], out);
    }
}
