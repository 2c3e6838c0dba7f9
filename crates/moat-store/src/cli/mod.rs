//! The store's commands, `moat incidents`, `moat evidence` and `moat db`, written here so
//! they can be tested against both backends; `moat-cli` only forwards its arguments.
//!
//! Each command opens the database named by `--database URL` (else `MOAT_DATABASE`, else
//! `moat.db` in the working directory), migrating it if needed, on a single-threaded
//! runtime of its own (the CLI is synchronous). Given `--guild ID`, every command sees that
//! guild's data only, exactly as the guild's own moderators would; without it, the
//! operator sees every guild. Output goes to the writers passed in; exit codes are 0 (done),
//! 1 (failed: not found, database error) and 2 (bad usage).

mod args;
mod db;
mod evidence;
mod incidents;
pub mod time;

use std::io::Write;

pub use args::Args;

use crate::error::StoreError;
use crate::{backend, Store};

/// Why a command failed.
pub(crate) enum Fail {
    /// Bad arguments: exit code 2, with the usage.
    Usage(String),
    /// A failure while running: exit code 1.
    Run(String),
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Fail::Run(e.to_string())
    }
}

impl From<String> for Fail {
    fn from(e: String) -> Self {
        Fail::Usage(e)
    }
}

pub(crate) type Outcome = Result<String, Fail>;

const INCIDENTS_USAGE: &str = "\
usage:
  moat incidents list [--guild ID] [--json] [--limit N] [--database URL]
  moat incidents show ID [--guild ID] [--json] [--database URL]
";

const EVIDENCE_USAGE: &str = "\
usage:
  moat evidence export --incident ID [--guild ID] [--database URL]
  moat evidence purge [--days N] [--database URL]
";

const DB_USAGE: &str = "\
usage:
  moat db migrate [--database URL]
  moat db export --guild ID [--database URL]
  moat db delete-guild --guild ID --yes [--database URL]
";

#[derive(Clone, Copy)]
enum Which {
    Incidents,
    Evidence,
    Db,
}

/// `moat incidents ...`
pub fn incidents(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    run(Which::Incidents, args, out, err)
}

/// `moat evidence ...`
pub fn evidence(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    run(Which::Evidence, args, out, err)
}

/// `moat db ...`
pub fn db(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    run(Which::Db, args, out, err)
}

/// `moat incidents ...` on the process's standard output and error.
pub fn run_incidents(args: &[String]) -> i32 {
    incidents(args, &mut std::io::stdout().lock(), &mut std::io::stderr())
}

/// `moat evidence ...` on the process's standard output and error.
pub fn run_evidence(args: &[String]) -> i32 {
    evidence(args, &mut std::io::stdout().lock(), &mut std::io::stderr())
}

/// `moat db ...` on the process's standard output and error.
pub fn run_db(args: &[String]) -> i32 {
    db(args, &mut std::io::stdout().lock(), &mut std::io::stderr())
}

fn run(which: Which, args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let (name, usage) = match which {
        Which::Incidents => ("incidents", INCIDENTS_USAGE),
        Which::Evidence => ("evidence", EVIDENCE_USAGE),
        Which::Db => ("db", DB_USAGE),
    };
    let result = prepare(args).and_then(|(sub, url, rest)| {
        if matches!(sub.as_str(), "help" | "--help" | "-h") {
            return Ok(usage.to_string());
        }
        let rt = crate::replay::runtime()?;
        rt.block_on(async {
            let store = Store::connect(&url).await?;
            if !(matches!(which, Which::Db) && sub == "migrate") {
                store.migrate().await?;
            }
            let r = match which {
                Which::Incidents => incidents::run(&sub, rest, &store).await,
                Which::Evidence => evidence::run(&sub, rest, &store).await,
                Which::Db => db::run(&sub, rest, &store).await,
            };
            store.close().await;
            r
        })
    });
    match result {
        Ok(text) => {
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            0
        }
        Err(Fail::Usage(m)) => {
            let _ = write!(err, "moat {name}: {m}\n{usage}");
            2
        }
        Err(Fail::Run(m)) => {
            let _ = writeln!(err, "moat {name}: {m}");
            1
        }
    }
}

/// Splits off the subcommand and the database URL.
fn prepare(args: &[String]) -> Result<(String, String, Args), Fail> {
    let Some((sub, rest)) = args.split_first() else {
        return Err(Fail::Usage("which subcommand?".into()));
    };
    let mut rest = Args::new(rest);
    let url = backend::resolve_url(rest.value("--database")?.as_deref());
    Ok((sub.clone(), url, rest))
}

/// Renders JSON for output, one document and a newline.
pub(crate) fn json_text(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
