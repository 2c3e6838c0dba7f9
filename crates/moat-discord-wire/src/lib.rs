//! Discord's gateway JSON, read into moat's events.
//!
//! The engine (`moat-core`) speaks its own input model; this crate is the Discord side of
//! it, with no twilight: serde, borrowed text, and only the fields the engine reads, so a
//! capture replays at the speed JSON can be scanned.
//!
//! - [`capture::parse_line`]: one line of a capture (`{"ts", "t", "d"}`), for `moat replay`,
//!   `moat demo` and the tests;
//! - [`translate`]: one gateway dispatch (`t` and its raw `d`), for the live bot, which
//!   reads its frames with [`frame::Frame`]; both end in the same [`Kind::decode`], so live
//!   and replay take one decision path;
//! - [`snowflake`]: Discord's epoch and ids (an account's creation time comes from its id);
//! - [`permissions`]: the bits that make a role moderate;
//! - [`timestamp`]: Discord's ISO 8601 times, read exactly as twilight-model reads them.
//!
//! Every field the engine reads is parsed as twilight-model parses it; `moat-discord`'s
//! tests compare the two on every shared capture and on generated ones. Bad input is a
//! [`CaptureError`] saying what is wrong, never a panic; an event the engine does not use
//! is [`CaptureError::Unsupported`], for the caller to count.
//!
//! ```
//! use moat_core::event::Event;
//! use moat_discord_wire::capture::parse_line;
//!
//! let line = r#"{"ts":1767272400000,"t":"GUILD_ROLE_DELETE","d":{"guild_id":"1","role_id":"5"}}"#;
//! let l = parse_line(line).unwrap();
//! assert!(matches!(l.event, Some(Event::RoleRemoved(_))));
//! ```

pub mod capture;
pub mod dispatch;
mod error;
pub mod frame;
mod payload;
pub mod permissions;
pub mod play;
pub mod snowflake;
pub mod timestamp;

pub use dispatch::{translate, Kind};
pub use error::CaptureError;
