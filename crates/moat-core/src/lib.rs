//! moat's decision engine: events in, moderation actions out.
//!
//! `moat-core` is pure and deterministic. It reads no clock (time comes with each event),
//! does no I/O and spawns nothing, so the live bot, `moat replay`, `moat demo` and the tests
//! all run the same decisions on the same events and get the same answer. It belongs to no
//! platform: it speaks its own input model, and each adapter translates into it.
//!
//! - [`event`] is that input model ([`fedi`] its fediverse half), and [`id`] its typed ids;
//! - [`engine::Engine`] takes [`event::Event`]s and appends [`action::Action`]s, each with
//!   its reason and [`evidence`];
//! - [`detect`] holds one small module per kind of abuse (pressure, mentions, raids,
//!   campaigns, scam links, scrapers);
//! - [`escalation`] turns repeat offences into a ladder of punishments;
//! - [`config`] holds every threshold, with defaults and per-guild overrides;
//! - [`links`] is the interface to link intelligence (the real judge is `moat-links`).
//!
//! ```
//! use moat_core::event::{Event, MemberJoined};
//! use moat_core::id::{GuildId, UserId};
//! use moat_core::{Action, Engine};
//!
//! let mut engine = Engine::with_defaults();
//! let mut out: Vec<Action> = Vec::new();
//! let now = 1_767_273_300_083;
//! // One fresh account joining is not a raid.
//! let join = MemberJoined {
//!     guild: GuildId(1),
//!     user: UserId(7),
//!     account_created: now - 3_600_000,
//!     default_avatar: true,
//!     username: "giftboy1".into(),
//!     ..Default::default()
//! };
//! engine.handle(now, &Event::MemberJoined(join), &mut out);
//! assert!(out.is_empty());
//! ```

pub mod action;
pub mod config;
pub mod detect;
pub mod engine;
pub mod escalation;
pub mod event;
pub mod evidence;
pub mod fedi;
pub mod guild;
pub mod hash;
pub mod id;
pub mod idmap;
pub mod links;
pub mod recent;
pub mod text;
pub mod time;
pub mod user;

pub use action::{Action, ActionKind, Detector, Millis};
pub use config::{Config, ConfigFile, Settings};
pub use engine::{Engine, EngineStats};
pub use event::Event;
pub use evidence::Evidence;
pub use links::{LinkJudge, LinkReport, LinkVerdict};
