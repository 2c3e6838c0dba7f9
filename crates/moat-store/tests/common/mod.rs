//! Test support: a fresh database per test on each backend, and the actions of a raid.
//!
//! SQLite tests get their own file under the temp directory; PostgreSQL tests get their own
//! schema on 127.0.0.1:5432 (selected with `options=-c search_path=...` in the URL, so a
//! child process given the URL lands in the same schema), so tests run in parallel without
//! seeing each other. Whether PostgreSQL is there is `moat_testkit::services`'s call: a
//! newcomer's machine without it prints `SKIPPED:` with how to start it; under `CI=true` the
//! test fails. `MOAT_TEST_POSTGRES` points the tests at another PostgreSQL.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use moat_core::action::{Action, ActionKind, Detector, Evidence, EvidenceMessage};
use moat_core::id::{ChannelId, GuildId, IncidentId, MessageId, UserId};
use sqlx::Connection;

/// An event time well in the future of any wall clock the tests run under.
pub const T0: u64 = 1_900_000_000_000;
pub const MIN: u64 = 60_000;

static SEQ: AtomicU32 = AtomicU32::new(0);

fn unique(tag: &str) -> String {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("moat_test_{tag}_{}_{}_{nanos}", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed))
}

pub struct Db {
    pub url: String,
    pub label: &'static str,
    schema: Option<String>,
    file: Option<PathBuf>,
}

fn pg_base() -> String {
    moat_testkit::services::Service::Postgres.url()
}

impl Db {
    pub fn sqlite(tag: &str) -> Db {
        let file = std::env::temp_dir().join(format!("{}.db", unique(tag)));
        Db { url: format!("sqlite://{}?mode=rwc", file.display()), label: "sqlite", schema: None, file: Some(file) }
    }

    /// A fresh schema on PostgreSQL, or `None` (skipped) on a machine without it.
    pub async fn postgres(tag: &str) -> Option<Db> {
        let base = moat_testkit::services::require_postgres(tag)?;
        let mut conn = sqlx::postgres::PgConnection::connect(&base).await.unwrap_or_else(|e| {
            panic!("PostgreSQL at {base} accepts connections but the login failed (trust auth, database `test`, user `postgres`): {e}")
        });
        drop_stale_schemas(&mut conn).await;
        let schema = unique(tag).to_lowercase();
        sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("creating schema {schema} on PostgreSQL at 127.0.0.1:5432: {e}"));
        let _ = conn.close().await;
        let sep = if base.contains('?') { '&' } else { '?' };
        Some(Db {
            url: format!("{base}{sep}options=-c%20search_path%3D{schema}"),
            label: "postgres",
            schema: Some(schema),
            file: None,
        })
    }

    pub async fn cleanup(self) {
        if let Some(schema) = &self.schema {
            if let Ok(mut conn) = sqlx::postgres::PgConnection::connect(&pg_base()).await {
                let _ = sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE")).execute(&mut conn).await;
                let _ = conn.close().await;
            }
        }
        if let Some(f) = &self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
            }
        }
    }
}

/// Drops schemas left by test processes that died before cleaning up (a failed assertion
/// skips `cleanup`): their names carry the pid, which no longer runs.
async fn drop_stale_schemas(conn: &mut sqlx::postgres::PgConnection) {
    use sqlx::Row;
    let Ok(rows) =
        sqlx::query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'moat_test_%'").fetch_all(&mut *conn).await
    else {
        return;
    };
    for r in rows {
        let Ok(name) = r.try_get::<String, _>(0) else { continue };
        let parts: Vec<&str> = name.rsplitn(4, '_').collect();
        let Some(pid) = parts.get(2).and_then(|p| p.parse::<u32>().ok()) else { continue };
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS {name} CASCADE")).execute(&mut *conn).await;
        }
    }
}

/// Runs an async scenario `fn(&Db)` on both backends as `NAME::sqlite` and
/// `NAME::postgres`.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            use super::common::Db;

            #[tokio::test]
            async fn sqlite() {
                let db = Db::sqlite(stringify!($name));
                super::$name(&db).await;
                db.cleanup().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = Db::postgres(stringify!($name)).await else { return };
                super::$name(&db).await;
                db.cleanup().await;
            }
        }
    };
}

pub fn message(id: u64, channel: u64, author: u64, ts: u64, content: &str) -> EvidenceMessage {
    EvidenceMessage {
        message_id: MessageId(id),
        channel_id: ChannelId(channel),
        author_id: UserId(author),
        ts,
        content: content.to_string(),
        attachment_urls: vec![format!("https://cdn.discordapp.com/attachments/{channel}/{id}/proof.png")],
    }
}

/// A raid on `guild` at `t0`: a 10-minute lockdown and a one-hour timeout of each raider,
/// each with the message it posted as evidence.
pub fn raid(guild: GuildId, incident: impl Into<IncidentId>, t0: u64, raiders: std::ops::Range<u64>) -> Vec<Action> {
    let incident: IncidentId = incident.into();
    let mut out = vec![Action::new(t0, guild, ActionKind::Lockdown, Detector::Raid, "raid: 40 joins in 30 s".into())
        .duration(10 * MIN)
        .incident(incident)
        .evidence(Evidence::default().fact("joins", 40))];
    for (i, user) in raiders.enumerate() {
        let ts = t0 + 100 + i as u64;
        out.push(
            Action::new(ts, guild, ActionKind::Timeout, Detector::Raid, "raid member".into())
                .user(UserId(user))
                .duration(60 * MIN)
                .message(ChannelId(555), MessageId(9000 + user))
                .incident(incident)
                .evidence(Evidence {
                    messages: vec![message(9000 + user, 555, user, ts, &format!("FREE NITRO from raider {user}"))],
                    facts: vec![("account_age".into(), "2 days".into())],
                }),
        );
    }
    out
}

/// A flood timeout of `user` that ends at `ends`.
pub fn flood(guild: GuildId, incident: impl Into<IncidentId>, user: u64, ts: u64, ends: u64) -> Action {
    Action::new(ts, guild, ActionKind::Timeout, Detector::Pressure, "flood: 14 messages in 5 s".into())
        .user(UserId(user))
        .duration(ends - ts)
        .message(ChannelId(777), MessageId(70_000 + user))
        .incident(incident.into())
        .evidence(Evidence {
            messages: vec![message(70_000 + user, 777, user, ts, "spam spam spam")],
            facts: Vec::new(),
        })
}

/// Runs one of the store's commands (synchronous, with its own runtime) off the test's
/// runtime, capturing its exit code, standard output and standard error.
pub fn run(command: moat_store::cli::Command, database: &str) -> (i32, String, String) {
    let database = database.to_string();
    std::thread::spawn(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = moat_store::cli::execute(&command, Some(&database), &mut out, &mut err);
        (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
    })
    .join()
    .expect("the command panicked")
}
