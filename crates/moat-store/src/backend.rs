//! Which database a URL names, and how to open it.
//!
//! The store talks to both backends through `sqlx::Any`: one pool type, one set of queries,
//! one code path, chosen at run time from the URL. The alternative (an enum over a
//! `SqlitePool` and a `PgPool`) would double every query function for no gain, since the
//! queries are written in the SQL both engines share: `$N` placeholders (SQLite reads `$1`
//! as parameter 1), `INSERT ... ON CONFLICT ... DO UPDATE`, `RETURNING`, `CASE`, and only
//! 64-bit integers and text as column types. The one place the dialects differ, the
//! DDL (`INTEGER PRIMARY KEY AUTOINCREMENT` vs `BIGSERIAL`), lives in per-backend migration
//! files (see [`crate::migrate`]).

use std::sync::Once;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use sqlx::Executor;

use crate::error::{Result, StoreError};

/// The SQLite file used when no URL is given: `moat.db` in the working directory.
pub const DEFAULT_URL: &str = "sqlite://moat.db?mode=rwc";

/// The environment variable naming the database when `--database` is not given.
pub const ENV_VAR: &str = "MOAT_DATABASE";

/// The two databases the store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a URL names, or an error listing the accepted forms.
    pub fn of_url(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::BadUrl(format!(
                "`{}` is neither `sqlite://FILE` nor `postgres://USER@HOST:PORT/DB`",
                redact(url)
            )))
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The URL to use: the one given, else `MOAT_DATABASE`, else [`DEFAULT_URL`]. A bare path
/// (`moat.db`, `/var/lib/moat/moat.db`) means a SQLite file, created if missing.
pub fn resolve_url(given: Option<&str>) -> String {
    let raw = match given {
        Some(u) if !u.trim().is_empty() => u.trim().to_string(),
        _ => match std::env::var(ENV_VAR) {
            Ok(u) if !u.trim().is_empty() => u.trim().to_string(),
            _ => return DEFAULT_URL.to_string(),
        },
    };
    normalize(&raw)
}

/// Turns a bare path into a SQLite URL and makes SQLite files be created when missing.
pub fn normalize(raw: &str) -> String {
    if raw.contains("://") || raw.starts_with("sqlite:") {
        if raw.starts_with("sqlite://") && !raw.contains("mode=") && !raw.contains(":memory:") {
            let sep = if raw.contains('?') { '&' } else { '?' };
            return format!("{raw}{sep}mode=rwc");
        }
        return raw.to_string();
    }
    format!("sqlite://{raw}?mode=rwc")
}

/// The URL with any password replaced by `***`, for messages.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else { return url.to_string() };
    let rest = &url[scheme_end + 3..];
    let Some(at) = rest.find('@') else { return url.to_string() };
    let userinfo = &rest[..at];
    match userinfo.find(':') {
        Some(colon) => format!("{}://{}:***{}", &url[..scheme_end], &userinfo[..colon], &rest[at..]),
        None => url.to_string(),
    }
}

/// Where a PostgreSQL URL points, for error messages (`127.0.0.1:5432`).
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let rest = rest.rsplit_once('@').map(|(_, r)| r).unwrap_or(rest);
    rest.split(['/', '?']).next().unwrap_or(rest).to_string()
}

/// How a command may open the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Create the database if it is missing (`db migrate`, `run`, `demo`, `replay --database`).
    Create,
    /// An existing store, to change (`evidence purge`, `db delete-guild`, ...).
    Existing,
    /// An existing store, only read (`incidents list`, `evidence export`, ...).
    ReadOnly,
}

/// A SQLite URL's file path (`None` for an in-memory database).
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.contains(":memory:")).then_some(path)
}

/// The URL as shown to people: a SQLite file by its path (no `?mode=`), a server's URL
/// without its password.
pub fn display(url: &str) -> String {
    match sqlite_path(url) {
        Some(p) => p.to_string(),
        None => redact(url),
    }
}

/// `url` with SQLite's open mode set for `access` (`rwc`, `rw`, `ro`).
fn with_mode(url: &str, access: Access) -> String {
    if !url.starts_with("sqlite:") || url.contains(":memory:") {
        return url.to_string();
    }
    let mode = match access {
        Access::Create => "rwc",
        Access::Existing => "rw",
        Access::ReadOnly => "ro",
    };
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !p.starts_with("mode=")).collect();
    let m = format!("mode={mode}");
    params.push(&m);
    format!("{base}?{}", params.join("&"))
}

/// Opens a pool on `url`, creating a SQLite file only with [`Access::Create`]. A file that
/// is missing, read-only or not a database fails at once, naming the file and the problem.
pub(crate) async fn connect(url: &str, access: Access) -> Result<(AnyPool, Backend)> {
    static DRIVERS: Once = Once::new();
    DRIVERS.call_once(sqlx::any::install_default_drivers);
    let backend = Backend::of_url(url)?;
    let url = &with_mode(url, access);
    if backend == Backend::Sqlite {
        probe_sqlite(url, access).await?;
    }
    let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
    let options = match backend {
        // One connection: SQLite has a single writer anyway, and one connection means no
        // lock upgrades between our own transactions. Other processes wait on busy_timeout.
        // Never recycled: `sqlite::memory:` lives as long as its one connection.
        Backend::Sqlite => {
            let pragmas = if access == Access::ReadOnly {
                "PRAGMA busy_timeout = 10000;"
            } else {
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;"
            };
            options.max_connections(1).idle_timeout(None).max_lifetime(None).after_connect(move |conn, _meta| {
                Box::pin(async move {
                    conn.execute(pragmas).await?;
                    Ok(())
                })
            })
        }
        Backend::Postgres => options.max_connections(5),
    };
    let pool = options.connect(url).await.map_err(|source| {
        let url = match backend {
            Backend::Postgres => format!("{} (is PostgreSQL running at {}?)", redact(url), host_of(url)),
            Backend::Sqlite => display(url),
        };
        StoreError::Connect { url, source }
    })?;
    Ok((pool, backend))
}

/// One connection to a SQLite file, before any pool: a missing file (unless it may be
/// created), a read-only one that must be written, or one that is not a database is said
/// at once, instead of after the pool's acquire timeout.
async fn probe_sqlite(url: &str, access: Access) -> Result<()> {
    use sqlx::Connection;
    let Some(path) = sqlite_path(url) else { return Ok(()) };
    if access != Access::Create && !std::path::Path::new(path).exists() {
        return Err(StoreError::Missing(format!(
            "there is no store at {path} (create one with `moat db migrate --database {path}`)"
        )));
    }
    let broken = |what: &str, e: sqlx::Error| StoreError::Invalid(format!("{path}: {what}: {e}"));
    let mut conn = sqlx::AnyConnection::connect(url).await.map_err(|e| broken("cannot be opened", e))?;
    conn.execute("SELECT COUNT(*) FROM sqlite_master").await.map_err(|e| broken("is not a SQLite database", e))?;
    if access != Access::ReadOnly {
        conn.execute("PRAGMA journal_mode = WAL; BEGIN IMMEDIATE; ROLLBACK;")
            .await
            .map_err(|e| broken("cannot be written (read-only file or directory?)", e))?;
    }
    let _ = conn.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_a_backend_or_say_why_not() {
        assert_eq!(Backend::of_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of_url("postgres://u@h/db").unwrap(), Backend::Postgres);
        assert_eq!(Backend::of_url("postgresql://u@h/db").unwrap(), Backend::Postgres);
        let e = Backend::of_url("mysql://root:pw@h/db").unwrap_err().to_string();
        assert!(e.contains("mysql://root:***@h/db") && !e.contains("pw"), "{e}");
    }

    #[test]
    fn bare_paths_are_sqlite_files() {
        assert_eq!(normalize("moat.db"), "sqlite://moat.db?mode=rwc");
        assert_eq!(normalize("sqlite://a.db"), "sqlite://a.db?mode=rwc");
        assert_eq!(normalize("sqlite://a.db?mode=ro"), "sqlite://a.db?mode=ro");
        assert_eq!(normalize("sqlite::memory:"), "sqlite::memory:");
        assert_eq!(normalize("postgres://u@h/d"), "postgres://u@h/d");
        assert_eq!(host_of("postgres://u:p@127.0.0.1:5432/test?x=1"), "127.0.0.1:5432");
    }
}
