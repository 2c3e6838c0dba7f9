//! moat as many processes with one view, over NATS JetStream (opt-in: `moat run --cluster`).
//!
//! One process guarding a few guilds needs none of this. A public bot runs many processes on
//! one token, and then each of them alone is blind and greedy: a scraper whose joins land on
//! three processes is seen by none, each spends the token's whole REST budget, and a process
//! that dies takes its shards' protection with it. This crate gives the processes a shared
//! view on an existing broker instead of a home-made one, one job per module:
//!
//! - [`lease`]: compare-and-set leases on groups of shards in a KV bucket whose `max_age`
//!   is the lease time, renewed by their holder and taken over by polling when it stops;
//!   [`session`] keeps each shard's session id, sequence and resume URL for the taker;
//! - [`identify`]: twilight's identify `Queue` shared by every process;
//! - [`budget`]: one REST budget (the token's 50 requests/s) with priorities;
//! - [`signals`]: cross-guild joins, leaves and keyed fingerprints, partitioned by user,
//!   feeding moat-core's pure scraper detector;
//! - [`pools`]: ban pools propagated through a KV watch;
//! - [`status`]: what `moat cluster status` prints.
//!
//! [`Cluster`] is the connection they share; [`ClusterSettings`] is the `[cluster]` section
//! of the config file.

pub mod budget;
mod conn;
mod error;
pub mod hash;
pub mod identify;
pub mod lease;
pub mod pools;
pub mod session;
mod settings;
pub mod signals;
pub mod status;
mod time;

pub use conn::Cluster;
pub use error::ClusterError;
pub use settings::ClusterSettings;
