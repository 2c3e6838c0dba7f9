//! The executor's permission gate: a call the permission view says will fail is not sent
//! (each 403 counts towards Discord's ban of the whole bot); what was left out is said in
//! the incident's alert instead, once per kind.

use moat_core::id::{ChannelId, GuildId, IncidentId};
use moat_core::{Action, ActionKind};
use twilight_model::guild::Permissions;

use super::Executor;
use crate::shared::lock;

impl Executor {
    /// The first of `needed` moat lacks in `guild` (`None`: go ahead, or the guild is not
    /// known yet and Discord judges).
    pub(super) fn lacks(&self, guild: GuildId, needed: Permissions) -> Option<&'static str> {
        self.caps.get(&guild).and_then(|c| c.lacks(needed))
    }

    /// The first of `needed` moat lacks in `channel` of `guild`.
    pub(super) fn lacks_in(&self, guild: GuildId, channel: ChannelId, needed: Permissions) -> Option<&'static str> {
        self.caps.get(&guild).and_then(|c| c.lacks_in(channel, needed))
    }

    /// Whether moat may post in `channel` (View Channel and Send Messages there).
    pub(super) fn may_post(&self, guild: GuildId, channel: ChannelId) -> bool {
        self.lacks_in(guild, channel, Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES).is_none()
    }

    /// Whether the view says Discord would refuse `a` (deletes are judged per channel
    /// elsewhere): what would not be done, and the permission moat lacks.
    pub(super) fn refused_by_view(&self, a: &Action) -> Option<(&'static str, &'static str)> {
        let g = a.guild_id;
        let (what, need) = match a.kind {
            ActionKind::Timeout => ("time members out", Permissions::MODERATE_MEMBERS),
            ActionKind::Silence => {
                match crate::shared::lock(&self.shared.config).for_guild(g).escalation.silence_role_id {
                    Some(role) => {
                        let refused = self.caps.get(&g).and_then(|c| c.can_assign(role).err());
                        return refused
                            .map(|_| ("give the silence role", "Manage Roles, with a role above the silence role"));
                    }
                    None => ("time members out", Permissions::MODERATE_MEMBERS),
                }
            }
            ActionKind::Kick => ("kick members", Permissions::KICK_MEMBERS),
            ActionKind::Ban => ("ban members", Permissions::BAN_MEMBERS),
            ActionKind::Lockdown | ActionKind::Unlock => ("lock the server down", Permissions::MANAGE_GUILD),
            ActionKind::DeleteMessage | ActionKind::Alert | ActionKind::Flag => return None,
        };
        self.lacks(g, need).map(|p| (what, p))
    }

    /// Notes on the incident's alert that `what` was not done because moat lacks `perm`.
    pub(super) fn not_done(&self, incident: Option<IncidentId>, what: &str, perm: &str) {
        let Some(incident) = incident else { return };
        if let Some(inc) = lock(&self.alerts).incidents.get_mut(&incident) {
            inc.note(format!(
                "moat did not {what}: it lacks the \"{perm}\" permission (Discord would refuse, and counts refusals against the bot)."
            ));
        }
    }
}

impl Executor {
    /// A cluster member whose lease on this guild's shard ran out while NATS was gone: the
    /// action is told on the alert, not taken (another process may own the guild now).
    pub(super) fn cluster_held_back(&self, a: &Action) {
        eprintln!("moat: cluster: not acting in guild {} (lease lapsed without NATS): {}", a.guild_id, a.kind);
        let Some(incident) = a.incident else { return };
        if let Some(inc) = lock(&self.alerts).incidents.get_mut(&incident) {
            inc.note(
                "moat did not act: this process lost touch with its cluster, and another process may guard this server now. Alerts only until it is back."
                    .to_string(),
            );
        }
    }
}
