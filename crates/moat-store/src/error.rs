//! One error type for the store, whose message names what went wrong and where.
//!
//! Callers (the CLI, the bot) mostly print these, so each variant carries words a person can
//! act on ("PostgreSQL at 127.0.0.1:5432 refused the connection", "incident 42 is not in
//! guild 7") rather than a bare driver code.

use std::fmt;

/// What the store could not do.
#[derive(Debug)]
pub enum StoreError {
    /// The database URL is not one the store understands.
    BadUrl(String),
    /// The database could not be reached or opened.
    Connect { url: String, source: sqlx::Error },
    /// A query failed; `what` says which operation.
    Query { what: &'static str, source: sqlx::Error },
    /// A migration failed to apply.
    Migration { version: i64, name: &'static str, source: sqlx::Error },
    /// Input the store refuses (an id out of range, settings that do not validate...).
    Invalid(String),
    /// Something asked for does not exist in the guild it was asked in.
    NotFound(String),
    /// Stored data that cannot be read back (corrupt JSON...).
    Corrupt(String),
    /// No store where one was expected (a read-only command never creates one).
    Missing(String),
    /// The database is not a moat store, or its schema is not this moat's.
    Schema(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// Wraps a driver error with the name of the operation that failed.
    pub(crate) fn query(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |source| StoreError::Query { what, source }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::BadUrl(m) => write!(f, "bad database URL: {m}"),
            StoreError::Connect { url, source } => write!(f, "cannot open the store {url}: {source}"),
            StoreError::Query { what, source } => write!(f, "database error while {what}: {source}"),
            StoreError::Migration { version, name, source } => {
                write!(f, "migration {version} ({name}) failed: {source}")
            }
            StoreError::Invalid(m) => write!(f, "invalid input: {m}"),
            StoreError::NotFound(m) => write!(f, "not found: {m}"),
            StoreError::Corrupt(m) => write!(f, "stored data cannot be read: {m}"),
            StoreError::Missing(m) | StoreError::Schema(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Connect { source, .. }
            | StoreError::Query { source, .. }
            | StoreError::Migration { source, .. } => Some(source),
            _ => None,
        }
    }
}
