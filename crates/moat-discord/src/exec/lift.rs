//! Ends that stored timers call for after the fact: a silence's role taken back (or its
//! timeout lifted), a timed ban lifted. A timeout needs nothing: Discord ends it itself.

use moat_core::id::{GuildId, UserId};
use moat_store::timers::TimerKind;
use twilight_http::request::AuditLogReason as _;

use super::calls::send;
use super::Executor;
use crate::ids::ToTwilight as _;

impl Executor {
    /// The silence role of guild `g`'s own configuration (its `[guilds."ID".escalation]`
    /// or the defaults), as the engine that decided the silence saw it.
    pub(super) fn silence_role(
        &self,
        g: GuildId,
    ) -> Option<twilight_model::id::Id<twilight_model::id::marker::RoleMarker>> {
        let config = crate::shared::lock(&self.shared.config).clone();
        config.for_guild(g).escalation.silence_role_id.and_then(|r| r.twilight().ok())
    }

    pub(super) fn lift(&mut self, g: GuildId, u: UserId, kind: TimerKind) {
        let (Ok(gid), Ok(uid)) = (g.twilight(), u.twilight()) else { return };
        let role = self.silence_role(g);
        let reason = "moat: its planned end has come".to_string();
        match kind {
            TimerKind::EndSilence => self.spawn(format!("member:{g}"), move |client, shared| async move {
                let _ = match role {
                    Some(r) => {
                        send(&shared, "take the silence role back", || {
                            client.remove_guild_member_role(gid, uid, r).reason(&reason)
                        })
                        .await
                    }
                    None => {
                        send(&shared, "lift a silence", || {
                            client.update_guild_member(gid, uid).communication_disabled_until(None).reason(&reason)
                        })
                        .await
                    }
                };
            }),
            TimerKind::Unban => self.spawn(format!("bans:{g}"), move |client, shared| async move {
                let _ = send(&shared, "lift a timed ban", || client.delete_ban(gid, uid).reason(&reason)).await;
            }),
            TimerKind::LiftTimeout | TimerKind::EndLockdown => {}
        }
    }
}
