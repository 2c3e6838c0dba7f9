//! The executor's side of `/moat`: commands that act (silence, lockdown, raid ban or end)
//! and every reply, sent as the interaction's callback.
//!
//! Discord drops an interaction that has no answer 3 s after it was sent, and a command that
//! acts may take longer (a bulk ban, the guild read and edited, waits on rate limits,
//! retries). So a command that acts is answered at once with a deferred ephemeral response
//! on the interactions lane, which no other work shares and moat's own pacing does not
//! hold (Discord exempts interaction routes from the global limit); the work runs on the
//! guild's command lane, and its outcome then replaces the deferred answer
//! (`PATCH /webhooks/{application}/{token}/messages/@original`).

use serde_json::Value;
use twilight_http::request::{AuditLogReason as _, Method};
use twilight_model::guild::Permissions;

use super::calls::{interaction, send};
use super::{lockdown, Executor};
use crate::commands::{outcome, Invocation, Request};
use crate::ids::ToTwilight as _;
use crate::shared::lock;

impl Executor {
    /// Answers an interaction (ephemeral), on its own lane.
    pub(super) fn respond(&mut self, id: u64, token: String, body: Value) {
        self.spawn("interactions".into(), move |client, shared| async move {
            let path = format!("interactions/{id}/{token}/callback");
            let _ = interaction(&client, &shared, "answer a moderator's command", Method::Post, path, &body).await;
        });
    }

    /// Carries out a command that acts, then answers it.
    pub(super) fn command(&mut self, inv: Invocation) {
        let g = inv.guild;
        let Ok(gid) = g.twilight() else { return };
        let now = self.settings.clock.now_ms();
        let locks = self.locks.clone();
        let clock = self.settings.clock.clone();
        let store = self.settings.store.clone();
        let raiders = lock(&self.alerts).raid_members(g);
        let by = format!("moat: asked by moderator {}", inv.invoker);
        let Some(req) = inv.request.clone() else { return };
        if matches!(
            req,
            Request::Status
                | Request::User(_)
                | Request::Check(_)
                | Request::Setting(_)
                | Request::SetSetting { .. }
                | Request::Undo(_)
        ) {
            return; // the engine task answers these at once
        }
        let need = match req {
            Request::Silence { .. } | Request::Unsilence(_) => Permissions::MODERATE_MEMBERS,
            Request::Lockdown(_) | Request::RaidEnd => Permissions::MANAGE_GUILD,
            Request::RaidBan => Permissions::BAN_MEMBERS | Permissions::MANAGE_GUILD,
            _ => Permissions::empty(),
        };
        // A command Discord would refuse is not tried: the moderator is told why.
        let refused =
            self.lacks(g, need).map(|p| format!("Not done: moat lacks the \"{p}\" permission in this server."));
        // The deferred answer goes first, on its own lane; the outcome waits for it.
        let (acked_tx, acked) = tokio::sync::oneshot::channel::<()>();
        let (id, token) = (inv.id, inv.token.clone());
        self.spawn("interactions".into(), move |client, shared| async move {
            let path = format!("interactions/{id}/{token}/callback");
            let body = crate::commands::deferred();
            let _ = interaction(&client, &shared, "tell a moderator moat is on it", Method::Post, path, &body).await;
            let _ = acked_tx.send(());
        });
        self.spawn(format!("command:{g}"), move |client, shared| async move {
            let text = match (refused, req) {
                (Some(why), _) => why,
                (None, req) => match req {
                Request::Silence { user, minutes } => {
                    let Ok(uid) = user.twilight() else { return };
                    match send(&shared, "time out a member (command)", || client.update_guild_member(gid, uid).communication_disabled_until(super::timeout_end(&clock, minutes * 60_000)).reason(&by)).await {
                        Ok(_) => format!("<@{user}> is timed out for {minutes} min."),
                        Err(e) => format!("Discord refused to time out <@{user}> ({e:?}): check moat's permissions and role position."),
                    }
                }
                Request::Unsilence(user) => {
                    let Ok(uid) = user.twilight() else { return };
                    match send(&shared, "lift a timeout (command)", || client.update_guild_member(gid, uid).communication_disabled_until(None).reason(&by)).await {
                        Ok(_) => format!("<@{user}>'s timeout is lifted."),
                        Err(e) => format!("Discord refused to lift <@{user}>'s timeout ({e:?})."),
                    }
                }
                Request::Lockdown(true) => match lockdown::lock_down(&client, &shared, &locks, g, now, 3_600_000, &by).await.and({ lockdown::persist(store.as_ref(), &locks, g, now).await; Ok(()) }) {
                    Ok(()) => "Locked down: verification raised, invites and DMs paused for an hour. `/moat lockdown off` restores the previous settings.".into(),
                    Err(e) => format!("Could not lock down ({e:?}): moat needs Manage Server."),
                },
                Request::Lockdown(false) | Request::RaidEnd => match lockdown::unlock(&client, &shared, &locks, g, &by).await.and({ lockdown::persist(store.as_ref(), &locks, g, now).await; Ok(()) }) {
                    Ok(()) => "Lockdown lifted; the server's previous settings are back. (The engine still ends its raid when joins go quiet.)".into(),
                    Err(e) => format!("Could not lift the lockdown ({e:?})."),
                },
                Request::RaidList if raiders.is_empty() => "No raid in progress.".into(),
                Request::RaidList => {
                    let names: Vec<String> = raiders.iter().take(40).map(|u| format!("<@{u}>")).collect();
                    let more = raiders.len().saturating_sub(40);
                    format!("{} raiders: {}{}", raiders.len(), names.join(" "), if more > 0 { format!(" and {more} more") } else { String::new() })
                }
                Request::RaidBan if raiders.is_empty() => "No raid in progress: nobody to ban.".into(),
                Request::RaidBan => {
                    let (mut banned, mut failed) = (0usize, 0usize);
                    for chunk in raiders.chunks(200) {
                        let ids: Vec<_> = chunk.iter().filter_map(|u| u.twilight().ok()).collect();
                        match send(&shared, "bulk-ban the raid (command)", || client.bulk_guild_ban(gid, &ids).reason(&by)).await {
                            Ok(body) => {
                                let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                                banned += v["banned_users"].as_array().map_or(0, Vec::len);
                                failed += v["failed_users"].as_array().map_or(0, Vec::len);
                            }
                            Err(_) => failed += chunk.len(),
                        }
                    }
                    format!("Banned {banned} raiders; {failed} could not be banned.")
                }
                // Answered by the engine task (returned above).
                Request::Status | Request::User(_) | Request::Check(_) | Request::Setting(_) | Request::SetSetting { .. } | Request::Undo(_) => return,
            }};
            let _ = acked.await;
            let body = outcome(&text);
            let path = format!("webhooks/{}/{}/messages/@original", inv.application, inv.token);
            let _ = interaction(&client, &shared, "tell a moderator what moat did", Method::Patch, path, &body).await;
        });
    }
}
