//! Schema migrations, embedded in the binary and run by hand.
//!
//! Why not `sqlx::migrate!`: it needs sqlx's proc-macro crate, which compiles both drivers a
//! second time for the host, and its checksums tie a database to one dialect's file. The
//! store's needs are smaller: an ordered list of SQL files per backend (`migrations/sqlite`,
//! `migrations/postgres`, same versions, same meaning), each applied once in its own
//! transaction and recorded in `moat_migrations`. On PostgreSQL an advisory lock keeps two
//! processes starting at once from applying the same version twice; SQLite's write lock
//! does the same there.

use sqlx::AnyPool;
use sqlx::{Executor, Row};

use crate::backend::Backend;
use crate::error::{Result, StoreError};
use crate::ids::now_ms;

/// One schema change.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sqlite: include_str!("../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "lockdown_saved",
        sqlite: include_str!("../migrations/sqlite/0002_lockdown_saved.sql"),
        postgres: include_str!("../migrations/postgres/0002_lockdown_saved.sql"),
    },
    Migration {
        version: 3,
        name: "pending_calls",
        sqlite: include_str!("../migrations/sqlite/0003_pending_calls.sql"),
        postgres: include_str!("../migrations/postgres/0003_pending_calls.sql"),
    },
    Migration {
        version: 4,
        name: "undo_requests",
        sqlite: include_str!("../migrations/sqlite/0004_undo_requests.sql"),
        postgres: include_str!("../migrations/postgres/0004_undo_requests.sql"),
    },
];

const CREATE_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS moat_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

/// An arbitrary constant naming moat's migration lock on PostgreSQL.
const PG_LOCK: i64 = 0x6d6f_6174_5f6d_6967;

/// Applies what is missing; returns the versions applied now (empty if up to date).
/// The schema version the database is at: `None` when it has no moat tables at all.
pub(crate) async fn version(pool: &AnyPool) -> Result<Option<i64>> {
    match sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM moat_migrations").fetch_one(pool).await {
        Ok(row) => Ok(Some(row.try_get::<i64, _>("v").map_err(StoreError::query("reading the schema version"))?)),
        Err(sqlx::Error::Database(_)) => Ok(None),
        Err(e) => Err(StoreError::Query { what: "reading the schema version", source: e }),
    }
}

/// Refuses a store written by a newer moat (its schema is above this one's).
pub(crate) fn refuse_newer(version: Option<i64>, shown: &str) -> Result<()> {
    match version {
        Some(v) if v > latest() => Err(StoreError::Schema(format!(
            "{shown} is at schema version {v}, newer than this moat's {}: it was written by a newer moat; run that one (or restore a backup)",
            latest()
        ))),
        _ => Ok(()),
    }
}

pub(crate) async fn run(pool: &AnyPool, backend: Backend) -> Result<Vec<i64>> {
    refuse_newer(version(pool).await?, "the store")?;
    if backend == Backend::Sqlite {
        // SQLite serialises this on its write lock; PostgreSQL does it under the advisory
        // lock below (two sessions racing on CREATE TABLE IF NOT EXISTS can both try).
        sqlx::query(CREATE_TABLE).execute(pool).await.map_err(StoreError::query("creating the migrations table"))?;
    }
    let mut applied = Vec::new();
    for m in MIGRATIONS {
        let mut tx = pool.begin().await.map_err(StoreError::query("starting a migration"))?;
        match backend {
            Backend::Postgres => {
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(PG_LOCK)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::query("taking the migration lock"))?;
                sqlx::query(CREATE_TABLE)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::query("creating the migrations table"))?;
            }
            // A write first takes SQLite's write lock (waiting on busy_timeout), so the read
            // below cannot be overtaken by another process's migration.
            Backend::Sqlite => {
                sqlx::query("DELETE FROM moat_migrations WHERE version < $1")
                    .bind(0_i64)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::query("taking the migration lock"))?;
            }
        }
        let done = sqlx::query("SELECT COUNT(*) AS n FROM moat_migrations WHERE version = $1")
            .bind(m.version)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::query("reading applied migrations"))?
            .try_get::<i64, _>("n")
            .map_err(StoreError::query("reading applied migrations"))?;
        if done > 0 {
            continue;
        }
        let ddl = match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        let fail = |source| StoreError::Migration { version: m.version, name: m.name, source };
        // A plain string runs as a script (several statements), unlike `sqlx::query`;
        // `sqlx::raw_sql` would too, but its future is not `Send`.
        (&mut *tx).execute(ddl).await.map_err(fail)?;
        sqlx::query("INSERT INTO moat_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            .bind(now_ms() as i64)
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        applied.push(m.version);
    }
    Ok(applied)
}

/// The newest version this binary knows.
pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}
