//! Synthetic captures: Discord-shaped payloads and scripted scenarios.
//!
//! Tests, benchmarks and `moat demo` need captures of every kind moat must handle, in many
//! variants, without shipping megabytes of recorded traffic. This module writes them: the
//! same JSON Discord sends (parsed by the same code as a real capture), with people whose
//! account ages, avatars and membership look like real guilds, and the expected outcome of
//! each scenario. It is pure and deterministic: a seed gives one capture.

pub mod payload;
pub mod scenarios;
pub mod score;
pub mod world;

pub use scenarios::{Scenario, ALL};
pub use world::{Expect, Rng, World};
