//! moat's web side: a dashboard for moderators and metrics for operators.
//!
//! An incident of 150 accounts, its evidence and its undo do not fit in a chat message, and
//! an operator running a public bot needs numbers. This crate serves both from inside
//! `moat run` and `moat demo`, on axum, rendered on the server (maud templates, a few lines
//! of vendored script, no JS build step), with live updates over server-sent events.
//!
//! It knows nothing of the bot's insides. Whoever starts it hands over [`Sources`]: the
//! store, a broadcast of what happens live ([`Live`]), and a [`BotControl`] that answers what
//! state a guild is in and carries out undo and setting changes through the bot's own
//! executor. So the same dashboard can sit in front of the live bot, the demo, a test's
//! fake, or a process of a cluster that forwards commands to the shard holding a guild.
//!
//! - [`config`]: the `[http]` section (bind address, OAuth2 application, cookie key);
//! - [`metrics`]: `/metrics` in the Prometheus text format (`moat_` names, unit suffixes,
//!   no user or guild ids as labels), and `/healthz`, `/readyz` ([`health`]);
//! - [`source`]: the interface to the bot;
//! - [`auth`], [`session`], [`access`], [`guard`]: Login with Discord, signed expiring
//!   cookies, and the one rule of who sees which guild, checked on every request;
//! - [`security`]: CSP and the other headers, CSRF on every form, the login rate limit;
//! - [`pages`]: overview, incidents, incident (with undo and JSON export), settings, link
//!   checker; [`sse`] nudges open pages when something happens; [`activity`] keeps the
//!   per-minute counts the overview charts;
//! - [`trial`]: "try it on the last day", a recorded day replayed with the settings in force
//!   and with an edited one, and what would have changed.

pub mod access;
pub mod activity;
pub mod auth;
pub mod config;
pub mod discord;
pub mod guard;
pub mod health;
pub mod metrics;
pub mod pages;
pub mod security;
pub mod server;
pub mod session;
pub mod source;
pub mod sse;
pub mod trial;

pub use config::{ConfigError, HttpConfig};
pub use metrics::Metrics;
pub use server::{router, serve, serve_with, Dashboard};
pub use source::{BotControl, GuildInfo, GuildMode, GuildSnapshot, Live, LiveKind, Moderator, Pressured, Sources};
