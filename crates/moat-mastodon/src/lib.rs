//! moat on Mastodon, the I/O half: reads what a Mastodon server says and does what moat
//! decides, over a typed model of its own. The engine's translation sits on top of this
//! (model events into engine events, engine actions into [`MastodonAction`]).
pub mod dedupe;
pub mod model;
pub mod parse;
pub mod secret;
