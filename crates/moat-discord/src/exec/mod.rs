//! The executor: engine actions in, REST calls out, with Discord's limits in mind.
//!
//! Each batch (everything the engine decided since the last look) is ordered so that spam
//! stops spreading first: deletes go out before anything else, grouped per channel into
//! `bulk-delete` calls of up to 100 messages younger than 14 days (older or lone messages
//! are deleted one by one). Then timeouts, silences and kicks, one call per member since
//! Discord has no bulk form of them. A raid's bans go through `bulk-ban` (200 a call): the
//! first raiders at once, the rest gathered while the raid lasts, and any raider who posts
//! banned at once ([`bans`]).
//! Lockdown and unlock run in order per guild. Evidence is kept before any of it.
//!
//! Calls run concurrently; twilight's ratelimiter queues them per bucket and globally, so
//! moat never outruns Discord's limits however large the batch.

mod bans;
pub mod calls;
mod command;
mod deletes;
mod gate;
mod lanes;
pub mod ledger;
mod lift;
pub mod lockdown;
mod post;
mod undo;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use moat_core::config::MAX_TIMEOUT_MS;
use moat_core::id::{ChannelId, GuildId, IncidentId, MessageId, RoleId, UserId};
use moat_core::time::{DAY, HOUR};
use moat_core::{Action, ActionKind};
use tokio::sync::mpsc::UnboundedReceiver;
use twilight_http::request::AuditLogReason as _;
use twilight_http::Client;
use twilight_model::guild::Permissions;
use twilight_model::util::Timestamp;

use crate::alerts::Alerts;
use crate::clock::Clock;
use crate::ids::ToTwilight as _;
use crate::perms::Capabilities;
use crate::shared::{lock, Shared};
use calls::send;
use ledger::Unit;
use lockdown::Locks;

/// Bulk delete refuses messages this old; keep an hour's margin.
const BULK_DELETE_MAX_AGE: u64 = 14 * DAY - HOUR;

/// Work for the executor.
pub enum Job {
    /// Actions the engine decided on one event, and when that event arrived.
    Actions { actions: Vec<Action>, received: Instant },
    /// Where a guild's alerts go (`None`: nowhere, only the feed).
    AlertChannel { guild: GuildId, channel: Option<ChannelId> },
    /// What moat may do in a guild now (see [`crate::perms`]).
    Capabilities { guild: GuildId, can: Arc<Capabilities> },
    /// Plain-language problems to tell a guild's moderators.
    Problems { guild: GuildId, problems: Vec<String> },
    /// A notice for a guild's moderators (dry run entered or left).
    Notice { guild: GuildId, text: String },
    /// Create or update moat's AutoMod rule in a guild.
    AutoMod { guild: GuildId, rule: serde_json::Value },
    /// Register `/moat` for this application.
    RegisterCommands { application: u64 },
    /// Answer an interaction with this callback body.
    Respond { id: u64, token: String, body: serde_json::Value },
    /// A `/moat` command that acts.
    Command(crate::commands::Invocation),
    /// A lockdown that was in force before a restart: keep it, and restore `saved` at
    /// its end.
    KeepLocked { guild: GuildId, saved: lockdown::Saved },
    /// A stored timer came due: end a silence or a timed ban.
    Lift { guild: GuildId, user: UserId, kind: moat_store::timers::TimerKind },
    /// Undo an incident (from the dashboard): each step, `reason` in every audit-log entry.
    Undo {
        guild: GuildId,
        steps: Vec<moat_store::undo::UndoStep>,
        reason: String,
        reply: tokio::sync::oneshot::Sender<Vec<String>>,
    },
}

/// What the executor needs to know besides the jobs.
#[derive(Clone)]
pub struct ExecSettings {
    pub clock: Clock,
    /// A gathering raid-ban batch goes once no raider joined it for this long (wall time).
    pub ban_batch: Duration,
    /// A gathering raid-ban batch goes once it has gathered this long (bot's clock).
    pub ban_gather: Duration,
    pub alert_edit: Duration,
    /// A configured alert channel overrides the one found by name.
    pub alert_channel: Option<ChannelId>,
    /// Pinged once, on each incident's first alert.
    pub ping_role: Option<RoleId>,
    /// Where the settings saved before a lockdown are kept across restarts.
    pub store: Option<moat_store::Store>,
}

/// The executor's state; [`run`] drives it.
pub struct Executor {
    client: Arc<Client>,
    shared: Arc<Shared>,
    settings: ExecSettings,
    alerts: Arc<Mutex<Alerts>>,
    channels: HashMap<GuildId, Option<ChannelId>>,
    /// What moat may do in each guild; a guild not here is not held back.
    caps: HashMap<GuildId, Arc<Capabilities>>,
    bans: bans::Bans,
    locks: Locks,
    lanes: lanes::Lanes,
    /// Messages waiting to be deleted, per channel.
    deletes: HashMap<ChannelId, Arc<Mutex<deletes::Pending>>>,
}

/// Runs the executor until the job channel closes, then finishes what is pending.
pub async fn run(client: Arc<Client>, shared: Arc<Shared>, settings: ExecSettings, mut rx: UnboundedReceiver<Job>) {
    let mut ex = Executor {
        client,
        shared,
        settings: settings.clone(),
        alerts: Arc::new(Mutex::new(Alerts::default())),
        channels: HashMap::new(),
        caps: HashMap::new(),
        bans: bans::Bans::new(settings.ban_gather, settings.ban_batch),
        locks: Locks::default(),
        lanes: lanes::Lanes::default(),
        deletes: HashMap::new(),
    };
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            job = rx.recv() => match job {
                Some(job) => {
                    let mut batch = Vec::new();
                    ex.take(job, &mut batch);
                    while let Ok(job) = rx.try_recv() {
                        ex.take(job, &mut batch);
                    }
                    ex.run_batch(batch);
                }
                None => break,
            },
            _ = tick.tick() => {}
        }
        ex.flush_bans(false);
        ex.flush_alerts(false);
    }
    ex.flush_bans(true);
    ex.flush_alerts(true);
}

impl Executor {
    fn take(&mut self, job: Job, batch: &mut Vec<(Action, Instant)>) {
        match job {
            Job::Actions { actions, received } => {
                for a in actions {
                    self.shared.keep_evidence(&a);
                    self.shared.ledger.open(&a);
                    let channel =
                        self.settings.alert_channel.or_else(|| self.channels.get(&a.guild_id).copied().flatten());
                    lock(&self.alerts).add(&a, channel);
                    if self.shared.alerts_only(a.guild_id) && !matches!(a.kind, ActionKind::Alert | ActionKind::Flag) {
                        self.cluster_held_back(&a);
                        continue;
                    }
                    batch.push((a, received));
                }
                self.shared.end();
            }
            Job::AlertChannel { guild, channel } => {
                self.channels.insert(guild, channel);
                // Incidents that began before the guild's channels were known (a cluster
                // member that took the shard over by RESUME reads them over REST) get
                // their alert now.
                if let Some(ch) = self.settings.alert_channel.or(channel) {
                    for i in lock(&self.alerts).incidents.values_mut() {
                        if i.guild == guild && i.channel.is_none() {
                            i.channel = Some(ch);
                        }
                    }
                }
                self.shared.end();
            }
            Job::Capabilities { guild, can } => {
                self.caps.insert(guild, can);
                self.shared.end();
            }
            Job::RegisterCommands { application } => {
                self.spawn("commands".into(), move |client, shared| async move {
                    let body = crate::commands::definition();
                    let _ = calls::raw(
                        &client,
                        &shared,
                        "register /moat",
                        twilight_http::request::Method::Put,
                        format!("applications/{application}/commands"),
                        Some(&body),
                    )
                    .await;
                });
                self.shared.end();
            }
            Job::Respond { id, token, body } => {
                self.respond(id, token, body);
                self.shared.end();
            }
            Job::Command(inv) => {
                self.command(inv);
                self.shared.end();
            }
            Job::Undo { guild, steps, reason, reply } => {
                self.undo(guild, steps, reason, reply);
                self.shared.end();
            }
            Job::AutoMod { guild, rule } => {
                self.spawn(format!("automod:{guild}"), move |client, shared| async move {
                    crate::automod::sync(&client, &shared, guild, &rule).await;
                });
                self.shared.end();
            }
            Job::KeepLocked { guild, saved } => {
                let locks = self.locks.clone();
                self.spawn(format!("guild:{guild}"), move |_, shared| async move {
                    let mut held = locks.lock().await;
                    held.entry(guild).or_insert(saved);
                    shared.lockdowns.store(held.len() as u64, std::sync::atomic::Ordering::Relaxed);
                });
                self.shared.end();
            }
            Job::Lift { guild, user, kind } => {
                self.lift(guild, user, kind);
                self.shared.end();
            }
            Job::Problems { guild, problems } => {
                let text = format!("**moat cannot fully protect this server:**\n- {}", problems.join("\n- "));
                self.tell(guild, text, "tell moderators what moat cannot do");
                self.shared.end();
            }
            Job::Notice { guild, text } => {
                self.tell(guild, text, "tell moderators of a change");
                self.shared.end();
            }
        }
    }

    /// Posts `text` in the guild's alert channel (if moat may), pinging nobody.
    fn tell(&mut self, guild: GuildId, text: String, what: &'static str) {
        let channel = self.settings.alert_channel.or_else(|| self.channels.get(&guild).copied().flatten());
        let channel = channel.filter(|&c| self.may_post(guild, c));
        if let Some(Ok(ch)) = channel.map(|c| c.twilight()) {
            self.spawn(format!("post:{ch}"), move |client, shared| async move {
                let text: String = text.chars().take(2000).collect();
                let nobody = post::ping_nobody();
                let _ =
                    send(&shared, what, || client.create_message(ch).content(&text).allowed_mentions(Some(&nobody)))
                        .await;
            });
        }
    }

    /// Queues `f` on `lane` (one call in flight per lane, in order), counted in
    /// `outstanding`. Lanes are per route and major id, so twilight learns each bucket from
    /// the first answer before the next call goes out, instead of guessing in parallel.
    fn spawn<F, Fut>(&mut self, lane: String, f: F)
    where
        F: FnOnce(Arc<Client>, Arc<Shared>) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        self.shared.begin();
        let fut: lanes::Work = Box::pin(f(self.client.clone(), self.shared.clone()));
        self.lanes.push(&self.shared, lane, fut);
    }

    fn run_batch(&mut self, batch: Vec<(Action, Instant)>) {
        if batch.is_empty() {
            return;
        }
        let earliest = batch.iter().map(|(_, t)| *t).min().unwrap_or_else(Instant::now);
        let now = self.settings.clock.now_ms();
        let mut first_call = true;
        let mut mark = |shared: &Shared| {
            if std::mem::take(&mut first_call) {
                let mut l = lock(&shared.latencies);
                if l.len() >= crate::shared::LATENCY_SAMPLES {
                    l.drain(..crate::shared::LATENCY_SAMPLES / 2);
                }
                l.push(earliest.elapsed());
            }
        };

        // 1. Deletes, per channel, bulk where Discord allows it.
        let mut by_channel: BTreeMap<ChannelId, Vec<(MessageId, &Action)>> = BTreeMap::new();
        for (a, _) in batch.iter().filter(|(a, _)| a.kind == ActionKind::DeleteMessage) {
            if let (Some(c), Some(m)) = (a.channel_id, a.message_id) {
                let need = Permissions::VIEW_CHANNEL | Permissions::MANAGE_MESSAGES;
                if let Some(p) = self.lacks_in(a.guild_id, c, need) {
                    self.not_done(a.incident, &format!("delete messages in <#{c}>"), p);
                    self.shared.ledger.close(Unit::Delete(c, m));
                    continue;
                }
                let ids = by_channel.entry(c).or_default();
                if !ids.iter().any(|(x, _)| *x == m) {
                    ids.push((m, a));
                }
            }
        }
        // One barrier arrival per channel touched: member actions wait for these deletes.
        let barrier = lanes::Barrier::new(by_channel.len());
        for (channel, ids) in by_channel {
            mark(&self.shared);
            let queue = self.deletes.entry(channel).or_default().clone();
            let start_drain = {
                let mut q = lock(&queue);
                for (m, a) in ids {
                    if !q.ids.contains(&m) {
                        q.ids.push(m);
                        q.because(a.detector.as_str(), &a.reason);
                    }
                }
                q.barriers.push(barrier.clone());
                !std::mem::replace(&mut q.queued, true)
            };
            if start_drain {
                let clock = self.settings.clock.clone();
                self.spawn(format!("delete:{channel}"), move |client, shared| async move {
                    deletes::drain(&client, &shared, &clock, channel, &queue).await;
                });
            }
        }

        // 2. Member actions one by one; raid bans in bulk (see [`bans`]).
        let mut ban_now = Vec::new();
        for (a, _) in &batch {
            let g = a.guild_id;
            let Ok(gid) = g.twilight() else { continue };
            let reason = calls::audit_reason(&a.reason);
            if let Some((what, p)) = self.refused_by_view(a) {
                self.not_done(a.incident, what, p);
                self.shared.ledger.close_all(a);
                continue;
            }
            match a.kind {
                ActionKind::Timeout => {
                    let length = a.duration_ms.unwrap_or(600_000).min(MAX_TIMEOUT_MS);
                    for &u in &a.user_ids {
                        let Ok(uid) = u.twilight() else { continue };
                        mark(&self.shared);
                        let (reason, alerts, incident, after) =
                            (reason.clone(), self.alerts.clone(), a.incident, barrier.clone());
                        let clock = self.settings.clock.clone();
                        self.spawn(format!("member:{g}"), move |client, shared| async move {
                            after.wait().await;
                            // The end is set as the call leaves (each try), so a call that
                            // waited behind deletes or rate limits still lasts its length.
                            let r = send(&shared, "time out a member", || {
                                client
                                    .update_guild_member(gid, uid)
                                    .communication_disabled_until(timeout_end(&clock, length))
                                    .reason(&reason)
                            })
                            .await;
                            shared.ledger.close(Unit::Member(ActionKind::Timeout, g, u));
                            refused(&alerts, incident, r.err(), "time out", Some(u));
                        });
                    }
                }
                ActionKind::Silence => {
                    for &u in &a.user_ids {
                        let Ok(uid) = u.twilight() else { continue };
                        mark(&self.shared);
                        let role = self.silence_role(g);
                        let (reason, alerts, incident) = (reason.clone(), self.alerts.clone(), a.incident);
                        let length = a.duration_ms.unwrap_or(600_000).min(MAX_TIMEOUT_MS);
                        let (after, clock) = (barrier.clone(), self.settings.clock.clone());
                        self.spawn(format!("member:{g}"), move |client, shared| async move {
                            after.wait().await;
                            let r = match role {
                                Some(r) => {
                                    send(&shared, "give the silence role", || {
                                        client.add_guild_member_role(gid, uid, r).reason(&reason)
                                    })
                                    .await
                                }
                                None => {
                                    send(&shared, "time out a member (no silence role set)", || {
                                        client
                                            .update_guild_member(gid, uid)
                                            .communication_disabled_until(timeout_end(&clock, length))
                                            .reason(&reason)
                                    })
                                    .await
                                }
                            };
                            shared.ledger.close(Unit::Member(ActionKind::Silence, g, u));
                            refused(&alerts, incident, r.err(), "silence", Some(u));
                        });
                    }
                }
                ActionKind::Kick => {
                    for &u in &a.user_ids {
                        let Ok(uid) = u.twilight() else { continue };
                        mark(&self.shared);
                        let (reason, alerts, incident, after) =
                            (reason.clone(), self.alerts.clone(), a.incident, barrier.clone());
                        self.spawn(format!("kick:{g}"), move |client, shared| async move {
                            after.wait().await;
                            let r =
                                send(&shared, "kick a member", || client.remove_guild_member(gid, uid).reason(&reason))
                                    .await;
                            shared.ledger.close(Unit::Member(ActionKind::Kick, g, u));
                            refused(&alerts, incident, r.err(), "kick", Some(u));
                        });
                    }
                }
                ActionKind::Ban => {
                    mark(&self.shared);
                    self.bans.add(a, now, &mut ban_now);
                }
                ActionKind::Lockdown => {
                    mark(&self.shared);
                    let (locks, duration) = (self.locks.clone(), a.duration_ms.unwrap_or(3_600_000));
                    let store = self.settings.store.clone();
                    let (alerts, incident) = (self.alerts.clone(), a.incident);
                    self.spawn(format!("guild:{g}"), move |client, shared| async move {
                        let r = lockdown::lock_down(&client, &shared, &locks, g, now, duration, &reason).await;
                        lockdown::persist(store.as_ref(), &locks, g, now).await;
                        shared.ledger.close(Unit::Guild(ActionKind::Lockdown, g));
                        refused(&alerts, incident, r.err(), "lock the server down", None);
                    });
                }
                ActionKind::Unlock => {
                    ban_now.extend(self.bans.raid_over(g));
                    let (locks, store) = (self.locks.clone(), self.settings.store.clone());
                    self.spawn(format!("guild:{g}"), move |client, shared| async move {
                        let _ = lockdown::unlock(&client, &shared, &locks, g, &reason).await;
                        lockdown::persist(store.as_ref(), &locks, g, now).await;
                        shared.ledger.close(Unit::Guild(ActionKind::Unlock, g));
                    });
                }
                ActionKind::DeleteMessage | ActionKind::Alert | ActionKind::Flag => {}
            }
        }
        // A raider whose ban is gathering and who posts is banned now.
        for (a, _) in batch.iter().filter(|(a, _)| a.kind == ActionKind::DeleteMessage) {
            for &u in &a.user_ids {
                ban_now.extend(self.bans.posted(a.guild_id, u, &a.reason));
            }
        }
        for call in ban_now {
            self.send_ban(call);
        }
        self.shared.held_bans.store(self.bans.held() as u64, Ordering::Release);
    }

    /// Sends the gathering ban batches that are due (all when `all`).
    fn flush_bans(&mut self, all: bool) {
        for call in self.bans.due(self.settings.clock.now_ms(), all) {
            self.send_ban(call);
        }
        self.shared.held_bans.store(self.bans.held() as u64, Ordering::Release);
    }

    /// One ban call: `bulk-ban` for several (Manage Server permitting), else one by one;
    /// singles and bulks on their own lanes, so a posting raider's ban never waits behind a
    /// batch of 200.
    fn send_ban(&mut self, call: bans::BanCall) {
        let g = call.guild;
        let Ok(gid) = g.twilight() else { return };
        let bulk = call.users.len() > 1 && self.lacks(g, Permissions::MANAGE_GUILD).is_none();
        let reason = calls::audit_reason(&call.reason);
        for chunk in call.users.chunks(if bulk { bans::BULK_MAX } else { 1 }) {
            let ids: Vec<_> = chunk.iter().filter_map(|u| u.twilight().ok()).collect();
            let (reason, users) = (reason.clone(), chunk.to_vec());
            let lane = if bulk { format!("bulk-ban:{g}") } else { format!("ban:{g}") };
            self.spawn(lane, move |client, shared| async move {
                if ids.len() == 1 {
                    let _ = send(&shared, "ban a member", || client.create_ban(gid, ids[0]).reason(&reason)).await;
                } else {
                    let what = format!("bulk-ban {} members", ids.len());
                    let _ = send(&shared, &what, || client.bulk_guild_ban(gid, &ids).reason(&reason)).await;
                }
                for u in users {
                    shared.ledger.close(Unit::Member(ActionKind::Ban, g, u));
                }
            });
        }
    }

    /// Posts new alerts and edits changed ones (at most once per `alert_edit` each).
    fn flush_alerts(&mut self, all: bool) {
        let mut todo = Vec::new();
        let alerts = self.alerts.clone();
        let mut al = lock(&alerts);
        for (key, inc) in al.incidents.iter_mut() {
            let Some(channel) = inc.channel else { continue };
            if !inc.dirty || inc.posting {
                continue;
            }
            if self
                .caps
                .get(&inc.guild)
                .is_some_and(|c| c.lacks_in(channel, Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES).is_some())
            {
                // The moderators were told what moat cannot do; posting would only earn 403s.
                inc.dirty = false;
                continue;
            }
            if !all && inc.last_sent.is_some_and(|t| t.elapsed() < self.settings.alert_edit) {
                continue;
            }
            inc.dirty = false;
            inc.posting = true;
            inc.last_sent = Some(Instant::now());
            let (text, message, key) = (inc.render(), inc.message, *key);
            let alerts = self.alerts.clone();
            todo.push((format!("post:{channel}"), alerts, key, channel, message, text));
        }
        if al.incidents.len() > 1000 {
            al.prune(Duration::from_secs(6 * 3600));
        }
        self.shared.alerts_dirty.store(al.dirty() as u64, Ordering::Release);
        drop(al);
        let ping = self.settings.ping_role;
        for (lane, alerts, key, channel, message, text) in todo {
            self.spawn(lane, move |client, shared| async move {
                post::post_or_edit(&client, &shared, &alerts, key, channel, message, text, ping).await;
            });
        }
    }
}

/// A timeout of `length_ms` that starts now, on `clock`.
pub(crate) fn timeout_end(clock: &Clock, length_ms: u64) -> Option<Timestamp> {
    let until_ms = clock.now_ms().saturating_add(length_ms.min(MAX_TIMEOUT_MS));
    Timestamp::from_micros((until_ms as i64).saturating_mul(1000)).ok()
}

/// Notes on the incident's alert that Discord refused an action (usually permissions).
fn refused(
    alerts: &Mutex<Alerts>,
    incident: Option<IncidentId>,
    err: Option<calls::CallError>,
    what: &str,
    user: Option<UserId>,
) {
    let Some(err) = err else { return };
    let text = match (err.status(), user) {
        (Some(403), Some(user)) => {
            format!("Discord refused to {what} <@{user}>: moat lacks the permission, or its role is not above theirs.")
        }
        (Some(403), None) => format!("Discord refused to {what}: moat lacks the \"Manage Server\" permission."),
        (Some(s), _) => format!("could not {what}: Discord answered {s}."),
        (None, _) => format!("could not {what}: no answer from Discord."),
    };
    let Some(incident) = incident else { return };
    if let Some(inc) = lock(alerts).incidents.get_mut(&incident) {
        inc.note(text);
    }
}
