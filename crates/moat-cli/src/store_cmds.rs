//! `moat incidents`, `moat evidence` and `moat db`: the store's commands.
//!
//! The commands themselves live in `moat_store::cli`, next to the store, where they are
//! tested against SQLite and PostgreSQL; this module only forwards the arguments after the
//! command name. Every one takes `--database URL` (else `MOAT_DATABASE`, else `moat.db`
//! in the working directory) and, to see one guild's data only, `--guild ID`.

/// `moat incidents list|show ...`
pub fn run_incidents(args: &[String]) -> i32 {
    moat_store::cli::run_incidents(args)
}

/// `moat evidence export|purge ...`
pub fn run_evidence(args: &[String]) -> i32 {
    moat_store::cli::run_evidence(args)
}

/// `moat db migrate|export|delete-guild ...`
pub fn run_db(args: &[String]) -> i32 {
    moat_store::cli::run_db(args)
}
