//! The engine task: events in (from every shard), actions out (to the executor).
//!
//! The engine is pure and single-threaded, so it lives in one task that owns it; time is
//! the bot's clock at the moment each event is handled, and a tick moves it on between
//! events so timers (a raid going quiet, the lockdown ending) fire with no traffic.
//!
//! Each dispatch arrives as the text Discord sent. The engine gets it through
//! `moat-discord-wire`'s [`translate`], exactly as `moat replay` does; only the dispatches
//! the bot needs for itself ([`OWN_EVENTS`]: READY, commands, the guild's roles, channels and
//! moat's own member, for its permission view) are also parsed with twilight.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use moat_core::id::GuildId;
use moat_core::{Action, Engine};
use moat_discord_wire::frame::Frame;
use moat_discord_wire::{translate, CaptureError};
use moat_store::timers::TimerKind;
use serde::de::DeserializeSeed as _;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use twilight_model::gateway::event::{DispatchEventWithTypeDeserializer, Event};

use crate::clock::Clock;
use crate::exec::Job;
use crate::gateway::Incoming;
use crate::guilds::Guilds;
use crate::memory::{Fired, Memory};
use crate::overrides::Overrides;
use crate::shared::{lock, Feed, FirstAction, Shared};

/// How often engine time moves on without events.
const TICK: Duration = Duration::from_millis(200);

/// The dispatches the bot reads for itself, with twilight.
pub const OWN_EVENTS: [&str; 10] = [
    "READY",
    "INTERACTION_CREATE",
    "GUILD_CREATE",
    "GUILD_ROLE_CREATE",
    "GUILD_ROLE_UPDATE",
    "GUILD_ROLE_DELETE",
    "GUILD_MEMBER_UPDATE",
    "CHANNEL_CREATE",
    "CHANNEL_UPDATE",
    "CHANNEL_DELETE",
];

/// A short name for an event (the dashboard's counts, the metrics' `type` label).
pub fn event_kind(e: &moat_core::Event<'_>) -> &'static str {
    use moat_core::Event as E;
    match e {
        E::GuildKnown(_) => "guild",
        E::GuildGone(_) => "guild_gone",
        E::RoleUpserted(_) | E::RoleRemoved(_) => "role",
        E::MemberJoined(_) => "join",
        E::MemberLeft(_) => "leave",
        E::Message(m) if m.edit => "edit",
        E::Message(_) => "message",
        E::AutoModHit(_) => "automod",
        E::FediAccount(_) => "fedi_account",
        E::FediStatus(_) => "fedi_status",
        E::FediReport(_) => "fedi_report",
    }
}

/// Whether a dispatch is one the guild sent (not the session's own READY or RESUMED).
fn is_guild_dispatch(t: &str) -> bool {
    !matches!(t, "READY" | "RESUMED")
}

/// twilight's form of a dispatch the bot reads for itself.
fn own_event(t: &str, d: &str) -> Option<Result<Event, String>> {
    if !OWN_EVENTS.contains(&t) {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(d);
    Some(DispatchEventWithTypeDeserializer::new(t).deserialize(&mut de).map(Event::from).map_err(|e| e.to_string()))
}

/// Counts a dispatch that could not be read, and says so for the first few (a stream of
/// them must not flood the log).
fn bad_event(shared: &Shared, t: &str, why: &str) {
    if shared.bad_events.fetch_add(1, Ordering::Relaxed) < 20 {
        let why: String = why.chars().take(200).collect();
        tracing::warn!("a {t} dispatch could not be read and was skipped: {why}");
    }
}

/// What the engine task keeps besides the engine: the store (if any), the timers it
/// claims, and the guilds' `/moat setting` overrides.
pub struct Extras {
    pub memory: Option<Memory>,
    pub fired: Option<UnboundedReceiver<Fired>>,
    pub overrides: Overrides,
    /// Requests from the dashboard ([`crate::dashboard`]).
    pub control: Option<UnboundedReceiver<Control>>,
    /// Where the guilds that opted in are recorded ([`crate::recording`]).
    pub recording: Option<crate::recording::Recording>,
}

/// What the dashboard asks of the engine task, which owns the engine and the overrides.
pub enum Control {
    /// Change one setting of a guild (validated as the file is), stored with `by`.
    SetSetting {
        guild: GuildId,
        section: String,
        key: String,
        value: String,
        by: String,
        reply: tokio::sync::oneshot::Sender<Result<String, String>>,
    },
    /// End a guild's raid now (the unlock follows); replies whether there was one.
    EndRaid { guild: GuildId, by: String, reply: tokio::sync::oneshot::Sender<bool> },
}

async fn next_control(c: &mut Option<UnboundedReceiver<Control>>) -> Option<Control> {
    match c.as_mut() {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

fn send_actions(
    out: &mut Vec<Action>,
    received: Instant,
    exec: &UnboundedSender<Job>,
    shared: &Shared,
    memory: Option<&Memory>,
    engine: &Engine,
) {
    if out.is_empty() {
        return;
    }
    let all = shared.dry_run.load(Ordering::Relaxed);
    let config = engine.config();
    if all || config.defaults.live.dry_run || config.guilds.values().any(|s| s.live.dry_run) {
        *out = std::mem::take(out)
            .into_iter()
            .map(|a| if crate::dry::is_dry(all, config, a.guild_id) { crate::dry::would_have(a) } else { a })
            .collect();
    }
    if let Some(m) = memory {
        m.record(out, engine);
    }
    shared.actions.fetch_add(out.len() as u64, Ordering::Relaxed);
    for a in out.iter() {
        shared.emit(Feed::Action(a.clone()));
    }
    shared.begin();
    if exec.send(Job::Actions { actions: std::mem::take(out), received }).is_err() {
        shared.end();
    }
}

/// Runs the engine until every shard has stopped.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    mut engine: Engine,
    mut rx: tokio::sync::mpsc::Receiver<Incoming>,
    exec: UnboundedSender<Job>,
    shared: Arc<Shared>,
    clock: Clock,
    automod: Vec<String>,
    judge: Option<Arc<dyn moat_core::LinkJudge>>,
    extras: Extras,
) {
    let Extras { memory, mut fired, mut overrides, mut control, recording } = extras;
    if let Some(m) = &memory {
        restore(m, &mut engine, &mut overrides, &exec, &shared, clock.now_ms()).await;
        crate::stopping::resend_pending(&m.store, &exec, &shared, clock.now_ms()).await;
    }
    let mut synced: std::collections::HashSet<GuildId> = std::collections::HashSet::new();
    let mut registered = false;
    let needs_roles = {
        let c = engine.config();
        c.defaults.escalation.silence_role_id.is_some()
            || c.guilds.values().any(|s| s.escalation.silence_role_id.is_some())
    };
    let mut guilds = Guilds::default();
    let mut told: HashMap<GuildId, Vec<String>> = HashMap::new();
    let mut told_dry: HashMap<GuildId, bool> = HashMap::new();
    let mut out: Vec<Action> = Vec::new();
    let mut publisher = crate::live::Publisher::default();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            inc = rx.recv() => {
                let Some(inc) = inc else { break };
                let frame = match Frame::read(&inc.frame) {
                    Ok(f) => f,
                    Err(e) => {
                        bad_event(&shared, "gateway", &e.to_string());
                        continue;
                    }
                };
                let Some((t, d)) = frame.dispatch() else { continue };
                let own = match own_event(t, d) {
                    Some(Ok(e)) => Some(e),
                    Some(Err(e)) => {
                        bad_event(&shared, t, &e);
                        None
                    }
                    None => None,
                };
                if let Some(Event::Ready(r)) = &own {
                    shared.emit(Feed::Ready { shard: inc.shard });
                    if !std::mem::replace(&mut registered, true) {
                        shared.begin();
                        let _ = exec.send(Job::RegisterCommands { application: r.application.id.get() });
                    }
                }
                if let Some(Event::InteractionCreate(ic)) = &own {
                    if let Some(inv) = crate::commands::parse(&ic.0) {
                        let name = guilds.guilds.get(&inv.guild).map_or("this server", |g| g.name.as_str()).to_string();
                        let problems = told.get(&inv.guild).cloned().unwrap_or_default();
                        let text = match &inv.request {
                            None => Some(crate::commands::DENIED.to_string()),
                            Some(crate::commands::Request::SetSetting { section, key, value }) => {
                                let by = format!("discord user {}", inv.invoker);
                                let reply = match set_setting(&mut engine, &mut overrides, memory.as_ref(), inv.guild, (by, "slash"), section, key, value, clock.now_ms()) {
                                    Ok(t) => t,
                                    Err(e) => format!("Not changed: {e}"),
                                };
                                *crate::shared::lock(&shared.config) = Arc::new(engine.config().clone());
                                if told_dry.contains_key(&inv.guild) {
                                    tell_dry(&mut told_dry, inv.guild, &engine, &exec, &shared);
                                }
                                Some(reply)
                            }
                            Some(crate::commands::Request::Undo(id)) => match &memory {
                                None => Some("Not done: undoing needs moat's store (`moat run --database`).".to_string()),
                                Some(m) => {
                                    // Answered by the task that queues it.
                                    crate::undo_requests::queue_from_slash(m.store.clone(), &inv, *id, exec.clone(), shared.clone());
                                    None
                                }
                            },
                            Some(req) => crate::answers::answer(&engine, judge.as_deref(), inv.guild, &name, &problems, clock.now_ms(), req),
                        };
                        let queued = memory.is_some() && matches!(inv.request, Some(crate::commands::Request::Undo(_)));
                        if !queued {
                            shared.begin();
                            let _ = match text {
                                Some(t) => exec.send(Job::Respond { id: inv.id, token: inv.token.clone(), body: crate::commands::reply(&t) }),
                                None => exec.send(Job::Command(inv)),
                            };
                        }
                    }
                }
                if let (Some(Event::GuildCreate(gc)), Some(m)) = (&own, &memory) {
                    // The guild is (again) one moat protects: known to the store, and any
                    // deletion pending since it left is cancelled.
                    let (store, g, now) = (m.store.clone(), crate::ids::core::<_, GuildId>(gc.id()), clock.now_ms());
                    tokio::spawn(async move {
                        if let Err(e) = store.guild_joined(g, now).await {
                            tracing::warn!("guild {g} not recorded as joined: {e}");
                        }
                    });
                }
                if let Some(g) = own.as_ref().and_then(|e| guilds.observe(e)) {
                    if let Some(view) = guilds.guilds.get(&g) {
                        lock(&shared.guild_names).insert(g, view.name.clone());
                        shared.begin();
                        let _ = exec.send(Job::AlertChannel { guild: g, channel: view.alert_channel() });
                        shared.begin();
                        let can = std::sync::Arc::new(view.capabilities(g, guilds.bot_id));
                        let _ = exec.send(Job::Capabilities { guild: g, can });
                        if !automod.is_empty() && view.can_manage(g) && synced.insert(g) {
                            let rule = crate::automod::rule_body(&automod, view.alert_channel(), &view.moderator_roles());
                            shared.begin();
                            let _ = exec.send(Job::AutoMod { guild: g, rule });
                        }
                        let problems = view.problems(g, needs_roles);
                        if told.get(&g) != Some(&problems) {
                            let new: Vec<String> = problems.iter().filter(|p| shared.problem((*p).clone())).cloned().collect();
                            if !new.is_empty() {
                                shared.begin();
                                let _ = exec.send(Job::Problems { guild: g, problems: new });
                            }
                            told.insert(g, problems);
                        }
                        tell_dry(&mut told_dry, g, &engine, &exec, &shared);
                    }
                }
                let now = clock.now_ms();
                if let (Some(r), true) = (&recording, is_guild_dispatch(t)) {
                    r.dispatch(t, d, now, engine.config());
                }
                match translate(t, d) {
                    Ok(Some(event)) => {
                        shared.tap_event(event.guild(), event_kind(&event));
                        publisher.note(&shared, &event);
                        engine.handle(now, &event, &mut out)
                    }
                    Ok(None) => {}
                    Err(CaptureError::Unsupported(_)) => {
                        shared.unused_events.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => bad_event(&shared, t, &e.to_string()),
                }
                if !out.is_empty() {
                    let mut first = lock(&shared.first_action);
                    if first.is_none() {
                        *first = Some(FirstAction { shard: inc.shard, seq: inc.seq, received: inc.at });
                    }
                }
                send_actions(&mut out, inc.at, &exec, &shared, memory.as_ref(), &engine);
                if is_guild_dispatch(t) {
                    shared.handled.fetch_add(1, Ordering::AcqRel);
                }
            }
            _ = tick.tick() => {
                engine.advance(clock.now_ms(), &mut out);
                send_actions(&mut out, Instant::now(), &exec, &shared, memory.as_ref(), &engine);
                publisher.tick(&engine, &shared, clock.now_ms(), rx.len(), memory.as_ref());
            }
            c = next_control(&mut control) => match c {
                Some(Control::SetSetting { guild, section, key, value, by, reply }) => {
                    let r = set_setting(&mut engine, &mut overrides, memory.as_ref(), guild, (by, "dashboard"), &section, &key, &value, clock.now_ms());
                    *crate::shared::lock(&shared.config) = Arc::new(engine.config().clone());
                    if told_dry.contains_key(&guild) {
                        tell_dry(&mut told_dry, guild, &engine, &exec, &shared);
                    }
                    let _ = reply.send(r);
                }
                Some(Control::EndRaid { guild, by, reply }) => {
                    let ended = engine.end_raid(guild, clock.now_ms(), &by, &mut out);
                    send_actions(&mut out, Instant::now(), &exec, &shared, memory.as_ref(), &engine);
                    let _ = reply.send(ended);
                }
                None => control = None,
            },
            f = next_fired(&mut fired) => match f {
                Some(Fired(t)) => {
                    tracing::info!("timer {} fired in guild {} ({}, due {})", t.id, t.guild_id, t.kind.as_str(), t.due_at);
                    match t.kind {
                        // The engine still sees the raid going on (it outlasted the planned
                        // end): keep the lockdown, look again after another quiet time.
                        TimerKind::EndLockdown if engine.in_raid(t.guild_id) => {
                            if let Some(m) = &memory {
                                let again = clock.now_ms() + u64::from(engine.config().for_guild(t.guild_id).raid.quiet_secs) * 1000;
                                m.reschedule(&t, again, clock.now_ms());
                            }
                        }
                        TimerKind::EndLockdown => {
                            out.push(crate::memory::unlock_for(&t));
                            send_actions(&mut out, Instant::now(), &exec, &shared, memory.as_ref(), &engine);
                        }
                        TimerKind::EndSilence | TimerKind::Unban => {
                            if let Some(user) = t.user_id {
                                shared.begin();
                                let _ = exec.send(Job::Lift { guild: t.guild_id, user, kind: t.kind });
                            }
                        }
                        // Discord ends a timeout by itself.
                        TimerKind::LiftTimeout => {}
                    }
                }
                None => fired = None,
            },
        }
    }
    if let Some(m) = memory {
        m.shutdown().await;
    }
    if let Some(r) = recording {
        r.close().await;
    }
}

/// Tells the guild's alert channel once it is in dry run, and once it has left it.
fn tell_dry(
    told: &mut HashMap<GuildId, bool>,
    g: GuildId,
    engine: &Engine,
    exec: &UnboundedSender<Job>,
    shared: &Shared,
) {
    let dry = crate::dry::is_dry(shared.dry_run.load(Ordering::Relaxed), engine.config(), g);
    let before = told.insert(g, dry);
    if before == Some(dry) || (before.is_none() && !dry) {
        return;
    }
    shared.emit(Feed::Problem(format!("guild {g}: {}", if dry { "in dry run" } else { "dry run over" })));
    shared.begin();
    if exec.send(Job::Notice { guild: g, text: crate::dry::notice(dry) }).is_err() {
        shared.end();
    }
}

async fn next_fired(fired: &mut Option<UnboundedReceiver<Fired>>) -> Option<Fired> {
    match fired.as_mut() {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// Start-up from the store: members' strikes and containments, guild settings, and the
/// lockdowns still in force (kept, to be lifted by their timer).
async fn restore(
    m: &Memory,
    engine: &mut Engine,
    overrides: &mut Overrides,
    exec: &UnboundedSender<Job>,
    shared: &Shared,
    now: u64,
) {
    let r = match m.restore(engine, now).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("could not restore from the store, starting without memory: {e}");
            return;
        }
    };
    for (g, text) in &r.settings {
        match overrides.restore(*g, text) {
            Ok(config) => publish(engine, shared, config),
            Err(e) => tracing::warn!("guild {g}'s stored settings no longer apply, ignored: {e}"),
        }
    }
    for l in &r.lockdowns {
        shared.begin();
        let _ = exec.send(Job::KeepLocked {
            guild: l.guild,
            saved: l.saved.clone().unwrap_or_else(crate::exec::lockdown::Saved::unknown),
        });
    }
    if r.members + r.lockdowns.len() + r.settings.len() == 0 {
        return;
    }
    tracing::info!(
        "restored from the store: {} member(s) with strikes or containment, {} lockdown(s) kept, {} guild(s) with their own settings",
        r.members,
        r.lockdowns.len(),
        r.settings.len()
    );
}

/// The engine takes `config`; the executor sees it too (each guild's silence role).
fn publish(engine: &mut Engine, shared: &Shared, config: moat_core::Config) {
    *crate::shared::lock(&shared.config) = Arc::new(config.clone());
    engine.set_config(config);
}

/// `/moat setting SECTION KEY VALUE` (or the dashboard): validated, applied, stored with
/// its author and where it came from.
#[allow(clippy::too_many_arguments)]
fn set_setting(
    engine: &mut Engine,
    overrides: &mut Overrides,
    memory: Option<&Memory>,
    guild: GuildId,
    (by, source): (String, &'static str),
    section: &str,
    key: &str,
    value: &str,
    now: u64,
) -> Result<String, String> {
    match overrides.try_set(guild, section, key, value) {
        Err(e) => Err(e),
        Ok((config, stored, o)) => {
            engine.set_config(config);
            overrides.commit(guild, o);
            if let Some(m) = memory {
                let store = m.store.clone();
                tokio::spawn(async move {
                    let r = match store.guild(guild) {
                        Ok(g) => match store.guild_joined(guild, now).await {
                            Ok(()) => g.set_settings(&stored, &by, source, now).await.map(|_| ()),
                            Err(e) => Err(e),
                        },
                        Err(e) => Err(e),
                    };
                    if let Err(e) = r {
                        tracing::warn!("a setting of guild {guild} changed but was not stored: {e}");
                    }
                });
            }
            Ok(format!(
                "Changed: `{}.{}` = {} in this server, from now on.",
                section.trim().to_ascii_lowercase(),
                key.trim(),
                value.trim()
            ))
        }
    }
}
