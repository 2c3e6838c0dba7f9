//! `moat db migrate`, and a guild's data requests: `moat db export` / `moat db delete-guild`.

use super::args::Args;
use super::{json_text, Fail, Outcome};
use crate::ids::now_ms;
use crate::migrate::latest;
use crate::Store;

pub(crate) async fn run(sub: &str, mut args: Args, store: &Store) -> Outcome {
    let guild = args.number("--guild")?.map(moat_core::id::GuildId);
    let yes = args.flag("--yes");
    if let Some(extra) = args.positionals()?.first() {
        return Err(Fail::Usage(format!("unexpected argument `{extra}`")));
    }
    match sub {
        "migrate" => {
            let applied = store.migrate().await?;
            let backend = store.backend().as_str();
            Ok(if applied.is_empty() {
                format!("{backend} database up to date (schema version {})\n", latest())
            } else {
                let v: Vec<String> = applied.iter().map(i64::to_string).collect();
                format!("{backend} database migrated: applied version(s) {}\n", v.join(", "))
            })
        }
        "export" => {
            let g = guild.ok_or_else(|| Fail::Usage("export needs --guild ID".into()))?;
            Ok(json_text(&store.guild(g)?.export_all(now_ms()).await?))
        }
        "delete-guild" => {
            let g = guild.ok_or_else(|| Fail::Usage("delete-guild needs --guild ID".into()))?;
            if !yes {
                return Err(Fail::Usage(format!("this deletes every record of guild {g}; add --yes to confirm")));
            }
            let n = store.guild(g)?.delete_all_data().await?;
            Ok(format!("deleted {n} row(s) of guild {g}\n"))
        }
        other => Err(Fail::Usage(format!("unknown subcommand `{other}`"))),
    }
}
