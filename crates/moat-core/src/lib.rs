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
//! use moat_core::{Engine, Action};
//! let mut engine = Engine::with_defaults();
//! let mut out: Vec<Action> = Vec::new();
//! let line = r#"{"t":"GUILD_MEMBER_ADD","d":{"guild_id":"1","roles":[],"joined_at":"2026-01-01T00:00:00Z","deaf":false,"mute":false,"flags":0,"user":{"id":"1455316870235293365","username":"a","discriminator":"0","avatar":null}}}"#;
//! let event = moat_core::capture::parse_line(&format!(r#"{{"ts":1767273300083,{}"#, &line[1..])).unwrap();
//! engine.handle(event.ts, &event.event, &mut out);
//! assert!(out.is_empty(), "one join is not a raid");
//! ```

pub mod action;
pub mod capture;
pub mod config;
pub mod detect;
pub mod engine;
pub mod escalation;
pub mod guild;
pub mod input;
pub mod links;
pub mod recent;
pub mod snowflake;
pub mod text;
pub mod user;

pub use action::{Action, ActionKind, Detector, Evidence, Millis};
pub use config::{Config, Settings};
pub use engine::{Engine, EngineStats};
pub use links::{LinkJudge, LinkReport, LinkVerdict};
