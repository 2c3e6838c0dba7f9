//! moat's decision engine: Discord events in, moderation actions out.
//!
//! `moat-core` is pure and deterministic. It reads no clock (time comes with each event),
//! does no I/O and spawns nothing, so the live bot, `moat replay`, `moat demo` and the tests
//! all run the same decisions on the same events and get the same answer.
//!
//! - [`engine::Engine`] takes twilight's gateway [`Event`](twilight_model::gateway::event::Event)s
//!   and appends [`action::Action`]s;
//! - [`detect`] holds one small module per kind of abuse (pressure, mentions, raids,
//!   campaigns, scam links, scrapers);
//! - [`escalation`] turns repeat offences into a ladder of punishments;
//! - [`config`] holds every threshold, with defaults and per-guild overrides;
//! - [`links`] is the interface to link intelligence (the real judge is `moat-links`).
//!
//! ```
//! use moat_core::{capture::parse_line, synth::payload, Action, Engine};
//!
//! let mut engine = Engine::with_defaults();
//! let mut out: Vec<Action> = Vec::new();
//! // One fresh account joining is not a raid.
//! let join = payload::member_add(1, payload::user(1_455_316_870_235_293_365, "giftboy1", false), 1_767_273_300_083);
//! let event = parse_line(&payload::line(1_767_273_300_083, "GUILD_MEMBER_ADD", join)).unwrap();
//! engine.handle(event.ts, &event.event, &mut out);
//! assert!(out.is_empty());
//! ```

#![recursion_limit = "256"]

pub mod action;
pub mod capture;
pub mod config;
pub mod detect;
pub mod engine;
pub mod escalation;
pub mod guild;
pub mod idmap;
pub mod input;
pub mod links;
pub mod recent;
pub mod snowflake;
pub mod synth;
pub mod text;
pub mod user;

pub use action::{Action, ActionKind, Detector, Evidence, Millis};
pub use config::{Config, Settings};
pub use engine::{Engine, EngineStats};
pub use links::{LinkJudge, LinkReport, LinkVerdict};
