//! Ends that stored timers call for after the fact: a silence's role taken back (or its
//! timeout lifted), a timed ban lifted. A timeout needs nothing: Discord ends it itself.

use twilight_http::request::AuditLogReason as _;
use twilight_model::id::Id;

use moat_store::timers::TimerKind;

use super::calls::send;
use super::Executor;

impl Executor {
    pub(super) fn lift(&mut self, g: u64, u: u64, kind: TimerKind) {
        let role = self.settings.silence_role;
        let reason = "moat: its planned end has come".to_string();
        match kind {
            TimerKind::EndSilence => self.spawn(format!("member:{g}"), move |client, shared| async move {
                let _ = match role {
                    Some(r) => {
                        send(&shared, "take the silence role back", || {
                            client
                                .remove_guild_member_role(Id::new(g.max(1)), Id::new(u.max(1)), Id::new(r.max(1)))
                                .reason(&reason)
                        })
                        .await
                    }
                    None => {
                        send(&shared, "lift a silence", || {
                            client
                                .update_guild_member(Id::new(g.max(1)), Id::new(u.max(1)))
                                .communication_disabled_until(None)
                                .reason(&reason)
                        })
                        .await
                    }
                };
            }),
            TimerKind::Unban => self.spawn(format!("bans:{g}"), move |client, shared| async move {
                let _ = send(&shared, "lift a timed ban", || {
                    client.delete_ban(Id::new(g.max(1)), Id::new(u.max(1))).reason(&reason)
                })
                .await;
            }),
            TimerKind::LiftTimeout | TimerKind::EndLockdown => {}
        }
    }
}
