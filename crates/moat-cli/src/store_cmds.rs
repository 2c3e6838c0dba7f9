//! `moat incidents`, `moat evidence` and `moat db`: the store's commands.
//!
//! The commands themselves live in `moat_store::cli`, next to the store, where they are
//! tested against SQLite and PostgreSQL; this module only turns clap's arguments
//! ([`crate::flags`]) into the store's typed [`Command`]. Every one takes `--database URL`
//! (else `MOAT_DATABASE`, else `moat.db` in the working directory) and, to see one guild's
//! data only, `--guild ID`.

use moat_core::id::{GuildId, IncidentId, UserId};
use moat_store::cli::{self, Command};

use crate::flags::{DbCommand, EvidenceCommand, IncidentsCommand, StoreArgs};

/// `moat incidents list|show ...`
pub fn incidents(a: StoreArgs<IncidentsCommand>) -> i32 {
    let command = match a.command {
        IncidentsCommand::List { guild, json, limit } => {
            Command::IncidentsList { guild: guild.map(GuildId), json, limit }
        }
        IncidentsCommand::Show { id, guild, json } => {
            Command::IncidentsShow { id: IncidentId(id), guild: guild.map(GuildId), json }
        }
        IncidentsCommand::Undo { id, guild, by, wait, config } => {
            let who = by.or_else(|| std::env::var("USER").ok()).unwrap_or_else(|| "an operator".into());
            let by = format!("{who} (command line)");
            let (id, guild) = (IncidentId(id), guild.map(GuildId));
            // A Mastodon incident is undone here, through its server's admin API.
            if let Some(code) = crate::undo_mastodon::run(id, guild, &by, config.as_deref(), a.database.as_deref()) {
                return code;
            }
            Command::IncidentsUndo { id, guild, by, wait_secs: wait }
        }
    };
    cli::run(&command, a.database.as_deref())
}

/// `moat evidence export|purge ...`
pub fn evidence(a: StoreArgs<EvidenceCommand>) -> i32 {
    let command = match a.command {
        EvidenceCommand::Export { incident, guild } => {
            Command::EvidenceExport { incident: IncidentId(incident), guild: guild.map(GuildId) }
        }
        EvidenceCommand::Purge { days, yes } => Command::EvidencePurge { days, yes },
    };
    cli::run(&command, a.database.as_deref())
}

/// `moat db migrate|export|delete-guild|forget-user ...`
pub fn db(a: StoreArgs<DbCommand>) -> i32 {
    let command = match a.command {
        DbCommand::Migrate => Command::DbMigrate,
        DbCommand::Export { guild } => Command::DbExport { guild: GuildId(guild) },
        DbCommand::DeleteGuild { guild, yes } => Command::DbDeleteGuild { guild: GuildId(guild), yes },
        DbCommand::ForgetUser { user, guild } => {
            Command::DbForgetUser { user: UserId(user), guild: guild.map(GuildId) }
        }
    };
    cli::run(&command, a.database.as_deref())
}
