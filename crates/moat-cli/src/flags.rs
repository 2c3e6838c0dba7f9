//! Every flag of every `moat` command, in one place (as ripgrep keeps its flags).
//!
//! The structs here are clap's derive input and nothing else: each subcommand's module gets
//! its own typed arguments and never sees a string it has to parse. `--help` on every
//! subcommand, `--version` and `moat completions SHELL` come from clap. The README's
//! commands section lists every flag defined here; a test (`tests/cli.rs`) compares the two
//! so they cannot drift.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// moat: stops spam floods, raids, scam links and scrapers on Discord and Mastodon.
#[derive(Debug, Parser)]
#[command(name = "moat", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Logs on standard error as `text` or `json` lines (filter with RUST_LOG).
    ///
    /// `text` is for people, `json` (one object a line) for a log collector. What is logged
    /// is chosen with RUST_LOG, e.g. `RUST_LOG=debug` or `RUST_LOG=moat_discord=trace`.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

/// The form of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a gateway capture through the engine; print one JSON action a line.
    Replay(ReplayArgs),
    /// Give a verdict on the links of TEXT (or of standard input). Exit code: 0 clean,
    /// 3 suspicious, 4 scam (the worst message), 2 usage error.
    Check(CheckArgs),
    /// Write generated scenarios (captures and their expectations) to a directory.
    Synth(SynthArgs),
    /// Measure the engine and replay on a generated day of traffic.
    Bench(BenchArgs),
    /// The real bot against a fake Discord on 127.0.0.1: built-in scenarios, or a capture.
    Demo(DemoArgs),
    /// The bot, live (token from DISCORD_TOKEN or `token` under [discord] in the config).
    Run(RunArgs),
    /// Review recorded incidents: members, timeline, how to undo.
    Incidents(StoreArgs<IncidentsCommand>),
    /// The evidence of incidents: export for a Trust & Safety report, purge old evidence.
    Evidence(StoreArgs<EvidenceCommand>),
    /// The store itself: create or upgrade it; export, delete or forget one guild's or
    /// one person's data.
    Db(StoreArgs<DbCommand>),
    /// The cluster of `moat run --cluster` processes on NATS JetStream.
    Cluster(ClusterArgs),
    /// Print the link that invites moat to a server with exactly the permissions it uses.
    InviteUrl(InviteArgs),
    /// Check with the token what keeps moat from guarding each server (intents,
    /// permissions, role position, alert channel). Exit code: 0 ready, 1 something missing.
    Doctor(DoctorArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `moat replay`
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The capture, one gateway payload a line (`-` for standard input).
    pub capture: String,
    /// The configuration file (every key and its default: moat.example.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Record incidents and evidence into this store while replaying.
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Stop at the capture's end: do not let the engine's timers run out.
    #[arg(long)]
    pub no_drain: bool,
    /// Print the engine's state (guilds, users, memory) at the end.
    #[arg(long)]
    pub stats: bool,
    /// Any bad line (or an event dated too far back) is an error: stop and exit 1.
    #[arg(long)]
    pub strict: bool,
}

/// `moat check`
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// One JSON object per message.
    #[arg(long)]
    pub json: bool,
    /// Each input line is one message (output stays in input order).
    #[arg(long)]
    pub lines: bool,
    /// Ignore every blocklist (the allowlist stays): heuristics alone.
    #[arg(long)]
    pub no_blocklist: bool,
    /// An extra blocklist, one domain a line (may repeat).
    #[arg(long, value_name = "FILE")]
    pub blocklist: Vec<PathBuf>,
    /// An extra allowlist, one domain a line (may repeat).
    #[arg(long, value_name = "FILE")]
    pub allowlist: Vec<PathBuf>,
    /// The text to judge; without it, standard input.
    #[arg(trailing_var_arg = true)]
    pub text: Vec<String>,
}

/// `moat synth`
#[derive(Debug, Args)]
#[command(arg_required_else_help = true)]
pub struct SynthArgs {
    /// The scenarios to write (`all` for every one).
    #[arg(required = true, value_name = "NAME")]
    pub names: Vec<String>,
    /// The generator's seed: the same seed writes the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The directory to write into (created if missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
}

/// `moat bench`
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// About how many events the day holds.
    #[arg(long, default_value_t = 200_000)]
    pub events: u64,
    /// How many members post.
    #[arg(long, default_value_t = 5_000)]
    pub users: usize,
    /// Runs of each measurement; the best is reported.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
    /// Also write the generated capture here (to time `moat replay` on it).
    #[arg(long, value_name = "CAPTURE")]
    pub write: Option<PathBuf>,
}

/// `moat demo`
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Play this capture instead of the built-in scenarios.
    #[arg(long, value_name = "CAPTURE")]
    pub scenario: Option<PathBuf>,
    /// Print one JSON object with what the fake Discord saw, for scoring.
    #[arg(long)]
    pub json: bool,
    /// Show only the summary.
    #[arg(long)]
    pub quiet: bool,
    /// The configuration file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Record incidents and evidence into this store.
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Serve the dashboard at this address (127.0.0.1:8080) with the demo user logged in.
    #[arg(long, value_name = "ADDR")]
    pub http: Option<std::net::SocketAddr>,
    /// Play a spam wave on a fake Mastodon instead (the real Mastodon adapter: webhooks,
    /// streaming, admin API).
    #[arg(long, conflicts_with_all = ["scenario", "http"])]
    pub mastodon: bool,
}

/// `moat run`
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The configuration file (engine, [discord], [store], [links], per-guild overrides).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The shards this process runs, `A..B` (with --total-shards).
    #[arg(long, value_name = "A..B")]
    pub shards: Option<String>,
    /// How many shards the whole bot has.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub total_shards: Option<u32>,
    /// Where alerts go when a guild has not chosen a channel.
    #[arg(long, value_name = "ID", value_parser = clap::value_parser!(u64).range(1..))]
    pub alert_channel: Option<u64>,
    /// Also append every action with its evidence to this file (JSON lines).
    #[arg(long, value_name = "FILE")]
    pub evidence: Option<PathBuf>,
    /// The store (sqlite://FILE or postgres://...; default $MOAT_DATABASE, else moat.db).
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// A Discord-compatible gateway on this machine (plain ws:// only to a loopback host).
    #[arg(long, value_name = "URL")]
    pub gateway_url: Option<String>,
    /// A Discord-compatible REST endpoint on this machine (plain http only to a loopback host).
    #[arg(long, value_name = "HOST:PORT")]
    pub rest_proxy: Option<String>,
    /// Serve the dashboard and /metrics at this address (overrides `[http] bind`).
    #[arg(long, value_name = "ADDR")]
    pub http: Option<std::net::SocketAddr>,
    /// Join the cluster on this NATS JetStream (`nats://HOST:4222`; or `url` under [cluster]).
    #[arg(long, value_name = "URL")]
    pub cluster: Option<String>,
    /// On SIGTERM or Ctrl-C, how long the calls in flight may take before the rest are kept
    /// in the store for the next start (a second signal exits at once).
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub shutdown_grace: u64,
    /// Decide as usual but only alert, each alert saying what moat would have done (no
    /// deletes, timeouts, bans, roles or lockdown); per guild: `[guilds."ID".live] dry_run`.
    #[arg(long)]
    pub dry_run: bool,
    /// Keep the gateway traffic of the guilds that opted in (`live.record = true`) as daily
    /// captures in DIR/<guild>/<YYYY-MM-DD>.jsonl, for `[discord] record_days` (7) days.
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,
}

/// `moat invite-url`
#[derive(Debug, Args)]
pub struct InviteArgs {
    /// The application's id (default: read from DISCORD_TOKEN's first part).
    #[arg(long, value_name = "ID", value_parser = clap::value_parser!(u64).range(1..))]
    pub client_id: Option<u64>,
    /// The configuration file (a silence role adds Manage Roles to the permissions).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `moat doctor`
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The configuration file `moat run` will use (token, alert channel, silence role).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The alert channel `moat run --alert-channel` will use.
    #[arg(long, value_name = "ID", value_parser = clap::value_parser!(u64).range(1..))]
    pub alert_channel: Option<u64>,
    /// A Discord-compatible REST endpoint on this machine instead of discord.com.
    #[arg(long, value_name = "HOST:PORT")]
    pub rest_proxy: Option<String>,
}

/// `moat cluster ...`
#[derive(Debug, Args)]
pub struct ClusterArgs {
    #[command(subcommand)]
    pub command: ClusterCommand,
}

/// `moat cluster ...`
#[derive(Debug, Subcommand)]
pub enum ClusterCommand {
    /// The processes, their shard groups and signal partitions, lease ages, the REST budget in use.
    Status {
        /// How many shard groups the bot has (shards / max_concurrency).
        #[arg(long, value_name = "N", default_value_t = 16)]
        shard_groups: u32,
        /// The NATS JetStream of the cluster (default: `url` under [cluster], else nats://127.0.0.1:4222).
        #[arg(long, value_name = "URL")]
        cluster: Option<String>,
        /// The configuration file (its [cluster] section).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

/// A store command: its subcommand and the store it works on.
#[derive(Debug, Args)]
pub struct StoreArgs<C: Subcommand> {
    #[command(subcommand)]
    pub command: C,
    /// The store: sqlite://FILE or postgres://...; default $MOAT_DATABASE, else moat.db.
    #[arg(long, global = true, value_name = "URL")]
    pub database: Option<String>,
}

/// A guild id or another Discord id: a positive number.
fn id() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..)
}

/// `moat incidents ...`
#[derive(Debug, Subcommand)]
pub enum IncidentsCommand {
    /// The latest incidents, newest first.
    List {
        /// One guild's incidents only.
        #[arg(long, value_name = "ID", value_parser = id())]
        guild: Option<u64>,
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// At most this many.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
        limit: u32,
    },
    /// Undo an incident, recorded with who did it: a Discord one through the running bot
    /// (unbans, timeouts and silence roles lifted, the lockdown ended), a Mastodon one at once
    /// through the admin API (unsilence, unsuspend, the wave's blocks lifted; needs --config).
    Undo {
        /// The incident's id.
        #[arg(value_parser = id())]
        id: u64,
        /// The guild it belongs to (needed when the id exists in several).
        #[arg(long, value_name = "ID", value_parser = id())]
        guild: Option<u64>,
        /// Who is undoing it, for the record and the audit log (default: $USER).
        #[arg(long, value_name = "NAME")]
        by: Option<String>,
        /// How long to wait for the bot to carry it out.
        #[arg(long, value_name = "SECS", default_value_t = 30)]
        wait: u32,
        /// The config file: a Mastodon incident is undone at once through the admin API of
        /// its [[mastodon.servers]] entry (the token from the variable it names).
        #[arg(long, value_name = "FILE")]
        config: Option<std::path::PathBuf>,
    },
    /// One incident: members, timeline, how to undo it.
    Show {
        /// The incident's id.
        #[arg(value_parser = id())]
        id: u64,
        /// The guild it belongs to (needed when the id exists in several).
        #[arg(long, value_name = "ID", value_parser = id())]
        guild: Option<u64>,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// `moat evidence ...`
#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// The evidence of one incident as JSON, for a Trust & Safety report.
    Export {
        /// The incident's id.
        #[arg(long, value_name = "ID", value_parser = id())]
        incident: u64,
        /// The guild it belongs to.
        #[arg(long, value_name = "ID", value_parser = id())]
        guild: Option<u64>,
    },
    /// Delete evidence older than its guild's retention.
    Purge {
        /// The retention for guilds without their own (30 by default; 0 purges everything now,
        /// with --yes).
        #[arg(long, value_name = "N")]
        days: Option<u32>,
        /// Confirm a purge of everything (`--days 0`).
        #[arg(long)]
        yes: bool,
    },
}

/// `moat db ...`
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create the store or upgrade its schema.
    Migrate,
    /// Every record of one guild, as JSON (a guild's data request).
    Export {
        /// The guild.
        #[arg(long, value_name = "ID", value_parser = id())]
        guild: u64,
    },
    /// Delete every record of one guild.
    DeleteGuild {
        /// The guild.
        #[arg(long, value_name = "ID", value_parser = id())]
        guild: u64,
        /// Confirm.
        #[arg(long)]
        yes: bool,
    },
    /// Delete what moat keeps about one person (an erasure request).
    ForgetUser {
        /// The person's user id.
        #[arg(long, value_name = "ID", value_parser = id())]
        user: u64,
        /// In one guild only (else in every guild).
        #[arg(long, value_name = "ID", value_parser = id())]
        guild: Option<u64>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn flags_parse_into_types() {
        let cli = Cli::try_parse_from(["moat", "incidents", "list", "--guild", "5", "--database", "x.db"]).unwrap();
        match cli.command {
            Command::Incidents(StoreArgs { command: IncidentsCommand::List { guild, limit, .. }, database }) => {
                assert_eq!((guild, limit, database.as_deref()), (Some(5), 50, Some("x.db")));
            }
            other => panic!("{other:?}"),
        }
        assert!(Cli::try_parse_from(["moat", "incidents", "show", "0"]).is_err(), "ids are positive");
        assert!(Cli::try_parse_from(["moat", "replay"]).is_err(), "replay needs a capture");
        assert!(Cli::try_parse_from(["moat", "bench", "--runs", "x"]).is_err());
        let cli = Cli::try_parse_from(["moat", "check", "--json", "free", "nitro", "--lines"]).unwrap();
        match cli.command {
            Command::Check(c) => {
                assert_eq!((c.json, c.lines, c.text.join(" ")), (true, false, "free nitro --lines".into()))
            }
            other => panic!("{other:?}"),
        }
    }

    /// Every command path (`["incidents", "list"]`) with its long flags, from clap.
    fn leaves(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, Vec<String>)>) {
        let subs: Vec<&clap::Command> = cmd.get_subcommands().filter(|c| c.get_name() != "help").collect();
        if subs.is_empty() {
            let flags = cmd
                .get_arguments()
                .filter(|a| !a.is_global_set() || a.get_id() == "database")
                .filter_map(|a| a.get_long())
                .filter(|l| !["help", "version", "log-format"].contains(l))
                .map(|l| format!("--{l}"))
                .collect();
            out.push((path, flags));
            return;
        }
        for sub in subs {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            leaves(sub, p, out);
        }
    }

    /// The README's commands section: each `moat ...` entry (continuation lines joined),
    /// comments cut off.
    fn readme_entries() -> Vec<String> {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
        let section = readme.split("## Commands").nth(1).unwrap();
        let block = section.split("```sh\n").nth(1).unwrap().split("```").next().unwrap();
        let mut entries: Vec<String> = Vec::new();
        for line in block.lines() {
            let code = line.split('#').next().unwrap_or("");
            if line.starts_with("moat ") {
                entries.push(code.to_string());
            } else if line.starts_with(' ') && !code.trim().is_empty() {
                if let Some(last) = entries.last_mut() {
                    last.push(' ');
                    last.push_str(code.trim());
                }
            }
        }
        entries
    }

    fn long_flags(text: &str) -> Vec<String> {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .filter(|w| w.starts_with("--") && w.len() > 2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn the_readme_lists_every_flag_and_no_other() {
        let mut all = Vec::new();
        let mut cli = Cli::command();
        cli.build();
        leaves(&cli, Vec::new(), &mut all);
        let entries = readme_entries();
        let global = long_flags(entries.iter().find(|e| e.contains("COMMAND")).expect("a line for global flags"));
        assert!(global.contains(&"--log-format".to_string()), "{global:?}");
        assert!(entries.iter().any(|e| e.trim() == "moat --version"));
        for (path, flags) in &all {
            let prefix = format!("moat {} ", path.join(" "));
            let lines: Vec<&String> =
                entries.iter().filter(|e| e.starts_with(&prefix) || e.trim() == prefix.trim()).collect();
            assert!(!lines.is_empty(), "the README has no line for `{}`", prefix.trim());
            let documented: Vec<String> = lines.iter().flat_map(|l| long_flags(l)).collect();
            for f in flags {
                assert!(documented.contains(f), "`{}` has {f}, the README does not say so", prefix.trim());
            }
            for f in &documented {
                assert!(flags.contains(f), "the README gives `{}` a flag {f} it does not have", prefix.trim());
            }
        }
        for e in &entries {
            let known = all.iter().any(|(p, _)| {
                e.starts_with(&format!("moat {} ", p.join(" "))) || e.trim() == format!("moat {}", p.join(" "))
            });
            assert!(
                known || e.contains("COMMAND") || e.trim() == "moat --version",
                "the README names a command moat lacks: {e}"
            );
        }
    }
}
