//! The store's commands, `moat incidents`, `moat evidence` and `moat db`, written here so
//! they can be tested against both backends. They take a typed [`Command`]: the flags are
//! parsed once, by the `moat` binary (clap), never here.
//!
//! Each command opens the database named by its URL (else `MOAT_DATABASE`, else `moat.db`
//! in the working directory) on a single-threaded runtime of its own (the CLI is
//! synchronous). Given a guild, every command sees that guild's data only, exactly as the
//! guild's own moderators would; without it, the operator sees every guild. Output goes to
//! the writers passed in; exit codes are 0 (done), 1 (failed: not found, database error)
//! and 2 (bad usage).

mod db;
mod evidence;
mod incidents;
pub mod time;

use std::io::Write;

use moat_core::id::{GuildId, IncidentId, UserId};

use crate::error::StoreError;
use crate::{backend, Store};

/// One store command, its arguments already typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `moat incidents list`
    IncidentsList { guild: Option<GuildId>, json: bool, limit: u32 },
    /// `moat incidents show ID`
    IncidentsShow { id: IncidentId, guild: Option<GuildId>, json: bool },
    /// `moat incidents undo ID [--guild ID] [--by NAME] [--wait SECS]`: through the running bot.
    IncidentsUndo { id: IncidentId, guild: Option<GuildId>, by: String, wait_secs: u32 },
    /// `moat evidence export --incident ID`
    EvidenceExport { incident: IncidentId, guild: Option<GuildId> },
    /// `moat evidence purge [--days N] [--yes]`
    EvidencePurge { days: Option<u32>, yes: bool },
    /// `moat db migrate`
    DbMigrate,
    /// `moat db export --guild ID`
    DbExport { guild: GuildId },
    /// `moat db delete-guild --guild ID --yes`
    DbDeleteGuild { guild: GuildId, yes: bool },
    /// `moat db forget-user --user ID [--guild ID]`
    DbForgetUser { user: UserId, guild: Option<GuildId> },
}

impl Command {
    /// Whether the command only reads (a SQLite file is then opened read-only).
    pub fn read_only(&self) -> bool {
        matches!(
            self,
            Command::IncidentsList { .. }
                | Command::IncidentsShow { .. }
                | Command::EvidenceExport { .. }
                | Command::DbExport { .. }
        )
    }

    /// The command's name as typed, for messages (`incidents`, `evidence`, `db`).
    pub fn group(&self) -> &'static str {
        match self {
            Command::IncidentsList { .. } | Command::IncidentsShow { .. } | Command::IncidentsUndo { .. } => {
                "incidents"
            }
            Command::EvidenceExport { .. } | Command::EvidencePurge { .. } => "evidence",
            _ => "db",
        }
    }
}

/// Why a command failed.
pub(crate) enum Fail {
    /// Bad arguments: exit code 2.
    Usage(String),
    /// A failure while running: exit code 1.
    Run(String),
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Fail::Run(e.to_string())
    }
}

pub(crate) type Outcome = Result<String, Fail>;

/// Runs `command` on the store at `database` (a URL or a SQLite path; `None`: the default),
/// writing its output to `out` and what went wrong to `err`; returns the exit code.
pub fn execute(command: &Command, database: Option<&str>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let url = backend::resolve_url(database);
    let result = crate::replay::runtime().map_err(Fail::from).and_then(|rt| {
        rt.block_on(async {
            // Only `db migrate` creates a store; the others need one at this moat's schema.
            let store = match command {
                Command::DbMigrate => Store::connect(&url).await?,
                c => Store::open_existing(&url, c.read_only()).await?,
            };
            let r = match command {
                Command::IncidentsList { .. } | Command::IncidentsShow { .. } => incidents::run(command, &store).await,
                Command::IncidentsUndo { .. } => incidents::undo(command, &store).await,
                Command::EvidenceExport { .. } | Command::EvidencePurge { .. } => evidence::run(command, &store).await,
                _ => db::run(command, &store).await,
            };
            store.close().await;
            r
        })
    });
    let name = command.group();
    match result {
        Ok(text) => {
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            0
        }
        Err(Fail::Usage(m)) => {
            let _ = writeln!(err, "moat {name}: {m}");
            2
        }
        Err(Fail::Run(m)) => {
            let _ = writeln!(err, "moat {name}: {m}");
            1
        }
    }
}

/// [`execute`] on the process's standard output and error.
pub fn run(command: &Command, database: Option<&str>) -> i32 {
    execute(command, database, &mut std::io::stdout().lock(), &mut std::io::stderr())
}

/// Renders JSON for output, one document and a newline.
pub(crate) fn json_text(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
