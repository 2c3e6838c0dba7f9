//! An incident undone from the dashboard: each step of the store's undo plan carried out on
//! Discord, with the moderator's name in every audit-log reason, and what happened reported
//! back one line a step.

use moat_core::id::{GuildId, UserId};
use moat_store::undo::{UndoAction, UndoStep};
use tokio::sync::oneshot;
use twilight_http::request::AuditLogReason as _;

use super::calls::send;
use super::{lockdown, Executor};
use crate::ids::ToTwilight as _;

impl Executor {
    pub(super) fn undo(
        &mut self,
        g: GuildId,
        steps: Vec<UndoStep>,
        reason: String,
        reply: oneshot::Sender<Vec<String>>,
    ) {
        let Ok(gid) = g.twilight() else {
            let _ = reply.send(vec![format!("guild {g} is not a Discord id")]);
            return;
        };
        let role = self.silence_role(g);
        let (locks, store, now) = (self.locks.clone(), self.settings.store.clone(), self.settings.clock.now_ms());
        self.spawn(format!("undo:{g}"), move |client, shared| async move {
            let mut report = Vec::new();
            for step in steps {
                let users: Vec<UserId> = step.user_ids.clone();
                let mut ok = 0usize;
                for u in &users {
                    let Ok(uid) = u.twilight() else { continue };
                    let done = match step.action {
                        UndoAction::Unban => {
                            send(&shared, "unban (undo)", || client.delete_ban(gid, uid).reason(&reason)).await.is_ok()
                        }
                        UndoAction::LiftTimeout => send(&shared, "lift a timeout (undo)", || {
                            client.update_guild_member(gid, uid).communication_disabled_until(None).reason(&reason)
                        })
                        .await
                        .is_ok(),
                        UndoAction::EndSilence => match role {
                            Some(r) => send(&shared, "take the silence role back (undo)", || {
                                client.remove_guild_member_role(gid, uid, r).reason(&reason)
                            })
                            .await
                            .is_ok(),
                            None => send(&shared, "lift a silence (undo)", || {
                                client.update_guild_member(gid, uid).communication_disabled_until(None).reason(&reason)
                            })
                            .await
                            .is_ok(),
                        },
                        UndoAction::EndLockdown | UndoAction::None => false,
                    };
                    ok += usize::from(done);
                }
                match step.action {
                    UndoAction::EndLockdown => {
                        let r = lockdown::unlock(&client, &shared, &locks, g, &reason).await;
                        lockdown::persist(store.as_ref(), &locks, g, now).await;
                        report.push(match r {
                            Ok(()) => "lockdown ended".to_string(),
                            Err(e) => format!("the lockdown could not be lifted ({e:?})"),
                        });
                    }
                    UndoAction::None => report.push(step.note.clone()),
                    _ => report.push(format!("{}: {ok} of {} done", step.note, users.len())),
                }
            }
            let _ = reply.send(report);
        });
    }
}
