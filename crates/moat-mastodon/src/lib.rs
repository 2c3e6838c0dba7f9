//! moat on Mastodon, the I/O half: it reads what a Mastodon server says and does what moat
//! decides, over a typed model of its own, so that the engine's translation on top is a
//! pair of `match`es (model events into engine events, engine actions into
//! [`MastodonAction`]s).
//!
//! - [`model`]: accounts, statuses, reports, and the [`Event`] every input becomes;
//! - [`parse`]: webhook bodies, streaming messages, timeline pages, capture lines
//!   ([`parse_capture_line`], and [`sniff_platform`] to tell Mastodon lines from Discord's);
//! - [`webhook`]: the signed-webhook listener (HMAC check, repeats, size limit, back-pressure);
//! - [`stream`]: the streaming client (reconnects, catch-up from the public timeline);
//! - [`http`] and [`actions`]: the admin API client (rate limits, retries, priority queue);
//! - [`config`]: the `[mastodon]` section; [`Server`]: all of it wired to one consumer;
//! - [`translate`]: events into the engine's model (moat-core) and its actions back;
//! - [`guard`]: the live loop, a server's events through the engine and its actions out.
//!
//! What it is not: it decides nothing (that is moat-core's engine; [`translate`] only maps), stores nothing (that is
//! moat-store; [`undo`] only reads an incident's plan from it), and reads no files (the config's owner hands it its section).

pub mod actions;
pub mod config;
pub mod dedupe;
pub mod guard;
pub mod http;
mod inbound;
pub mod instance;
pub mod model;
pub mod parse;
pub mod secret;
mod server;
pub mod stats;
pub mod stream;
#[cfg(feature = "tls")]
mod tls;
pub mod translate;
pub mod undo;
pub mod webhook;

pub use actions::queue::{ActionSender, Stopped};
pub use actions::{ActionError, ActionReport, ActionRequest, Applied, IpSeverity, MastodonAction, Priority};
pub use config::{ConfigError, MastodonConfig, ServerConfig};
pub use inbound::Inbound;
pub use model::{AccountId, Event, EventKind, Source, StatusId};
pub use parse::{parse_capture_line, sniff_platform, CaptureLine, ParseError, Platform};
pub use secret::Secret;
pub use server::{Server, ServerHandle, ServerSettings, StartError};
pub use stats::StatsSnapshot;
