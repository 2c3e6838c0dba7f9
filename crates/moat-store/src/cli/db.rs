//! `moat db migrate`, and data requests: `moat db export` / `moat db delete-guild` for a
//! guild, `moat db forget-user` for one person.

use super::{json_text, Command, Fail, Outcome};
use crate::ids::now_ms;
use crate::migrate::latest;
use crate::Store;

pub(crate) async fn run(command: &Command, store: &Store) -> Outcome {
    match *command {
        Command::DbMigrate => {
            let applied = store.migrate().await?;
            let backend = store.backend().as_str();
            Ok(if applied.is_empty() {
                format!("{backend} database up to date (schema version {})\n", latest())
            } else {
                let v: Vec<String> = applied.iter().map(i64::to_string).collect();
                format!("{backend} database migrated: applied version(s) {}\n", v.join(", "))
            })
        }
        Command::DbExport { guild } => Ok(json_text(&store.guild(guild)?.export_all(now_ms()).await?)),
        Command::DbDeleteGuild { guild, yes } => {
            if !yes {
                return Err(Fail::Usage(format!("this deletes every record of guild {guild}; add --yes to confirm")));
            }
            let n = store.guild(guild)?.delete_all_data().await?;
            Ok(format!("deleted {n} row(s) of guild {guild}\n"))
        }
        Command::DbForgetUser { user, guild } => {
            let n = store.forget_user(user, guild).await?;
            let scope = guild.map_or("every guild".to_string(), |g| format!("guild {g}"));
            Ok(format!("deleted {n} row(s) about user {user} in {scope} (evidence, strikes, incident membership, fired timers)\n"))
        }
        _ => unreachable!("not a db command"),
    }
}
