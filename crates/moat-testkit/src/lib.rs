//! moat's test kit: what tests, benchmarks and `moat demo` need and the product does not.
//!
//! - [`world`] and [`scenarios`]: a simulated guild that writes captures in Discord's own
//!   payload shapes ([`payload`]), and scripted scenarios (raids, floods, scams, a stream
//!   influx, a hype moment, ...) with the expected outcome of each (`moat synth`);
//! - [`fedi`]: the same for a Mastodon server (a spam wave, a news event's sign-ups, a long
//!   thread, a remote bot), in Mastodon's own webhook and streaming shapes;
//! - [`fixture`]: small captures of a known guild (ids the test knows, a `#mod-log`, moat's
//!   own role) for `moat demo` and the end-to-end tests against the fake Discord;
//! - [`traffic`]: a day of one busy guild in Discord's full payload shapes, for `moat
//!   bench`;
//! - [`score`]: scoring a run against expectations, exactly as `../shared/tools/score.py`
//!   does;
//! - [`services`]: PostgreSQL and NATS for the tests that need them, or a clear `SKIPPED:`
//!   (a failure under `CI=true`).
//!
//! Discord's ids, epoch and permission bits come from `moat-discord-wire`, the same ones
//! the product reads with; [`payload::perms`] names the role presets built from them.
//!
//! Everything is deterministic: a seed gives one capture. Product crates use this crate
//! only as a dev-dependency (`moat-cli`'s `synth`, `bench` and `demo` excepted).

#![recursion_limit = "256"]

pub mod fedi;
pub mod fixture;
pub mod payload;
pub mod scenarios;
pub mod score;
pub mod services;
pub mod traffic;
pub mod world;

pub use scenarios::{Scenario, ALL};
pub use world::{Expect, Rng, World};
