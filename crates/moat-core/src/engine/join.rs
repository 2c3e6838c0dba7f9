//! Judging arrivals: the guild's raid watch and the process-wide scraper watch.

use crate::action::{Action, ActionKind, Detector, Evidence, Millis};
use crate::event::MemberJoined;
use crate::time::age_at;

use super::Engine;

impl Engine {
    pub(super) fn on_join(&mut self, now: Millis, join: &MemberJoined, out: &mut Vec<Action>) {
        let gid = join.guild;
        let s = self.config.for_guild(gid);
        let g = self.guilds.entry(gid).or_default();
        let outcome = g.raid.on_join(&s.raid, now, join);
        let burst = super::burst::on_join(s, g, now);
        self.raid_outcome(gid, now, outcome, out);
        self.raid_outcome(gid, now, burst, out);

        let scraper = &self.config.defaults.scraper;
        if join.bot || self.guilds.len() < scraper.min_guilds as usize {
            return;
        }
        let Some(flagged) = self.scrapers.on_join(scraper, now, join.user, gid) else { return };
        let ev = Evidence::default()
            .fact("account_age", crate::action::human_duration(age_at(join.account_created, now)))
            .fact("guilds", flagged.guilds.len());
        for guild in flagged.guilds {
            out.push(
                Action::new(now, guild, ActionKind::Flag, Detector::Scraper, flagged.reason.clone())
                    .user(flagged.user_id)
                    .evidence(ev.clone())
                    .incident(crate::action::incident_id(guild, Detector::Scraper, now, flagged.user_id)),
            );
        }
    }
}
