//! moat's memory: what survives a restart.
//!
//! A guard that forgets on restart lets a raid resume, loses the evidence an abuse team asks
//! for and drops tomorrow's unsilence. This crate keeps, per guild:
//!
//! - **incidents** ([`incidents`]): each episode the engine grouped under one `incident` id,
//!   with its members, the timeline of every action, and how to undo it;
//! - **evidence** ([`evidence`]): the messages behind actions, exportable as JSON for
//!   Trust & Safety, purged after a retention (30 days by default);
//! - **timers** ([`timers`]): timeouts to lift, lockdowns to end, timed bans, claimed with an
//!   atomic `UPDATE ... WHERE fired_at IS NULL` so each fires once, even after a restart or
//!   with two processes on one PostgreSQL;
//! - **Mastodon incidents** ([`mastodon`]): the same tables, read with the server's own ids
//!   and an undo made of admin API calls;
//! - **settings** with their history ([`settings`]), **strikes** with decay ([`strikes`]),
//!   opt-in **ban pools** ([`pools`]) and the guild's lifecycle, export and deletion
//!   ([`guilds`]).
//!
//! Privacy by construction: everything a guild owns is reached through
//! [`Store::guild`], a [`GuildScope`] whose every query carries `WHERE guild_id = $1`; the
//! only cross-guild paths are the machinery's own (firing due timers, purges) and ban pools a
//! guild joined.
//!
//! One code path for SQLite (the default, a file) and PostgreSQL: see [`backend`]. Writes
//! from the detection path go through the write-behind [`Recorder`], which never blocks
//! the caller; recording is idempotent (an action recorded twice is kept once).
//! [`Store::maintain`] applies the retention promises; [`cli`] holds the `moat incidents`,
//! `moat evidence` and `moat db` commands; [`record_replay`] records from synchronous code.
//!
//! A bot restarting after a crash: `Store::open`, then keep every guild of
//! [`Store::active_lockdowns`] locked, then loop on [`Store::claim_due_timers`] (sleeping
//! until [`Store::next_timer_due`]), performing each claimed timer once and recording the
//! resulting action (an `Unlock` closes its incident).

pub mod backend;
pub mod cli;
pub mod config;
pub mod error;
pub mod evidence;
mod forget;
pub mod guilds;
pub mod ids;
pub mod incidents;
pub mod maintain;
pub mod mastodon;
pub mod migrate;
pub mod pending;
pub mod pools;
mod record;
pub mod recorder;
pub mod replay;
pub mod restore;
pub mod settings;
pub mod strikes;
pub mod timers;
pub mod undo;
pub mod undo_queue;

use moat_core::id::GuildId;
use sqlx::AnyPool;

pub use backend::{resolve_url, Backend, DEFAULT_URL};
pub use error::{Result, StoreError};
pub use record::RecordReport;
pub use recorder::{Recorder, RecorderOptions, RecorderStats};
pub use replay::{check_store, record_replay};

/// A handle on the database. Cheap to clone (it wraps a connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Connects to `url` and applies any missing migration.
    pub async fn open(url: &str) -> Result<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating (for `moat db migrate`, which reports what it applied);
    /// a missing SQLite file is created.
    pub async fn connect(url: &str) -> Result<Store> {
        let (pool, backend) = backend::connect(url, backend::Access::Create).await?;
        Ok(Store { pool, backend })
    }

    /// Opens a store that must already exist, at this moat's schema: never creates a
    /// database, nor adds moat's tables to one that is not a moat store. `read_only` opens
    /// a SQLite file read-only.
    pub async fn open_existing(url: &str, read_only: bool) -> Result<Store> {
        let access = if read_only { backend::Access::ReadOnly } else { backend::Access::Existing };
        let (pool, backend) = backend::connect(url, access).await?;
        let shown = backend::display(url);
        let version = migrate::version(&pool).await?;
        migrate::refuse_newer(version, &shown)?;
        let problem = match version {
            None => Some(format!("{shown} is not a moat store (it has no moat tables); `moat db migrate` creates one")),
            Some(v) if v < migrate::latest() => Some(format!(
                "{shown} is at schema version {v}, older than this moat's {}: upgrade it with `moat db migrate`",
                migrate::latest()
            )),
            Some(_) => None,
        };
        if let Some(p) = problem {
            pool.close().await;
            return Err(StoreError::Schema(p));
        }
        Ok(Store { pool, backend })
    }

    /// Applies the migrations this database lacks; returns their versions.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        migrate::run(&self.pool, self.backend).await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Everything one guild may see and change.
    pub fn guild(&self, guild_id: GuildId) -> Result<GuildScope<'_>> {
        Ok(GuildScope { store: self, id: ids::sql(guild_id, "guild id")?, guild_id })
    }

    /// Waits for open connections to finish and closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// The store as seen from one guild: every method is scoped to it.
#[derive(Clone, Copy, Debug)]
pub struct GuildScope<'a> {
    store: &'a Store,
    /// The guild id as stored.
    id: i64,
    guild_id: GuildId,
}

impl GuildScope<'_> {
    pub fn guild_id(&self) -> GuildId {
        self.guild_id
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        self.store.pool()
    }
}
