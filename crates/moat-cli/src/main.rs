//! `moat`: a guard for online communities.
//!
//! A thin binary over `moat-core` (the decision engine) and `moat-links` (link
//! intelligence). Each subcommand lives in its own module; this file only dispatches.

mod bench;
mod check;
mod dashboard;
mod demo;
mod judge;
mod lines;
mod replay;
mod run;
mod store_cmds;
mod synth;

const USAGE: &str = "\
moat: stops spam floods, raids, scam links and scrapers on Discord

usage:
  moat replay CAPTURE.jsonl [--config moat.toml] [--database URL] [--no-drain] [--stats]
        run a gateway capture through the engine; print one JSON action a line
  moat check [--json] [--lines] [--no-blocklist] [TEXT]
        give a verdict on the links of TEXT (or of standard input)
  moat synth [NAME ...|all] [--seed N] [--out DIR]
        write generated scenarios (captures and expectations) to DIR
  moat bench [--events N] [--users N] [--runs N] [--write CAPTURE.jsonl]
        measure the engine and replay on a generated capture
  moat incidents list [--guild ID] [--json] [--limit N] [--database URL]
  moat incidents show ID [--guild ID] [--json] [--database URL]
        review recorded incidents: members, timeline, how to undo
  moat evidence export --incident ID [--guild ID] [--database URL]
        the evidence of an incident as JSON, for a Trust & Safety report
  moat evidence purge [--days N] [--database URL]
        delete evidence older than its guild's retention (30 days by default)
  moat db migrate|export --guild ID|delete-guild --guild ID --yes [--database URL]
        create or upgrade the store; export or delete one guild's data
        (--database: sqlite://FILE or postgres://...; default $MOAT_DATABASE, else moat.db)
  moat demo [--scenario CAPTURE.jsonl] [--json] [--config moat.toml] [--database URL]
        the real bot against a fake Discord on 127.0.0.1: built-in scenarios, or a capture
  moat run [--config moat.toml] [--shards A..B --total-shards N] [--alert-channel ID] [--database URL]
        the bot, live (token from DISCORD_TOKEN or [discord] token in the config);
        remembers incidents, evidence, strikes, lockdowns and settings across restarts
  moat help
        this text
";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("replay") => replay::run(&args[1..]),
        Some("demo") => demo::run(&args[1..]),
        Some("run") => run::run(&args[1..]),
        Some("check") => check::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("synth") => synth::run(&args[1..]),
        Some("incidents") => store_cmds::run_incidents(&args[1..]),
        Some("evidence") => store_cmds::run_evidence(&args[1..]),
        Some("db") => store_cmds::run_db(&args[1..]),
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            0
        }
        Some(other) => {
            eprintln!("moat: unknown command `{other}`\n\n{USAGE}");
            2
        }
        None => {
            eprint!("{USAGE}");
            2
        }
    };
    std::process::exit(code);
}
