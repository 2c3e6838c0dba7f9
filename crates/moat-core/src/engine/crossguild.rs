//! The engine's side of cross-guild campaigns ([`crate::detect::crossguild`]): building a
//! post's fingerprint, and containing a campaign's author in every guild it hit, with each
//! guild's moderators told how many others were hit (counted, not named).

use crate::action::{Action, ActionKind, Detector, Millis};
use crate::detect::crossguild::{keyed, Campaign, Fingerprint, Signs};
use crate::detect::{Doomed, Finding, Severity};
use crate::event::Message;
use crate::id::GuildId;

use super::respond::Context;
use super::Engine;

/// A post's fingerprint: keyed hashes of its campaign keys (`(key, "link" | "text")`).
pub(super) fn fingerprint(
    secret: u64,
    now: Millis,
    m: &Message,
    keys: &[(u64, &'static str)],
    signs: Signs,
    moderator: bool,
) -> Option<Fingerprint> {
    if keys.is_empty() {
        return None;
    }
    Some(Fingerprint {
        ts: now,
        user: m.author,
        guild: m.guild,
        channel: m.channel,
        message: m.id,
        keys: keys.iter().map(|&(k, _)| keyed(secret, k)).collect(),
        link_keys: keys.iter().filter(|(_, l)| *l == "link").map(|&(k, _)| keyed(secret, k)).collect(),
        signs,
        moderator,
    })
}

impl Engine {
    /// Keys cross-guild fingerprints with `secret` (the cluster's, so processes agree).
    pub fn set_fingerprint_secret(&mut self, secret: u64) {
        self.cross_secret = secret;
    }

    /// The secret fingerprints are keyed with now ([`crate::detect::crossguild::FIXED_SECRET`]
    /// until [`Engine::set_fingerprint_secret`]).
    pub fn fingerprint_secret(&self) -> u64 {
        self.cross_secret
    }

    /// Takes in one post's fingerprint, from this process or from the cluster's stream, and
    /// acts on the campaign it completes in the guilds this engine holds.
    pub fn observe_cross_guild(&mut self, fp: &Fingerprint, out: &mut Vec<Action>) {
        let s = &self.config.defaults.cross_guild;
        let Some(c) = self.cross.observe(s, fp) else { return };
        self.cross_guild_actions(fp.ts.max(self.now), c, out);
    }

    fn cross_guild_actions(&mut self, now: Millis, c: Campaign, out: &mut Vec<Action>) {
        let mut guilds: Vec<GuildId> = c.hits.iter().map(|h| h.guild).collect();
        guilds.sort_unstable();
        guilds.dedup();
        let others = c.guilds.saturating_sub(1);
        for gid in guilds {
            if !self.guilds.contains_key(&gid) {
                continue; // hit through another process of the cluster: it acts there
            }
            let s = self.config.for_guild(gid);
            let min_step = s.cross_guild.min_step;
            let hits: Vec<_> = c.hits.iter().filter(|h| h.guild == gid).copied().collect();
            let moderator = hits.iter().any(|h| h.moderator);
            let g = self.guilds.get(&gid).expect("checked");
            let account_created = g.users.get(&c.user).map_or(0, |u| u.account_created);
            let delete =
                hits.iter().map(|h| Doomed { channel: h.channel, message: h.message, author: c.user }).collect();
            let finding = Finding {
                detector: Detector::Campaign,
                severity: Severity::Contain { min_step },
                users: vec![c.user],
                delete,
                reason: c.reason.clone(),
                facts: vec![("other_guilds".into(), others.to_string())],
                accounts: Vec::new(),
            };
            let ctx = Context { gid, now, author: c.user, account_created, message: None, exempt: moderator };
            self.respond(&ctx, vec![finding], out);
            if c.guilds > 1 {
                let what = if moderator {
                    "This account moderates here, so moat did not act on it: check whether it was taken over."
                } else {
                    "Contained here and in each of them, its posts deleted."
                };
                let text = format!(
                    "{}: this account posted the same thing into {others} other protected guilds (not named). {what}",
                    c.reason
                );
                let incident = out.last().and_then(|a| a.incident);
                let mut a = Action::new(now, gid, ActionKind::Alert, Detector::Campaign, text).user(c.user);
                a.incident = incident;
                out.push(a);
            }
        }
    }
}
