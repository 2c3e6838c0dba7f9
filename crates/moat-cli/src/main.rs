//! `moat`: a guard for online communities.
//!
//! A thin binary over `moat-core` (the decision engine) and `moat-links` (link
//! intelligence). Every flag is parsed once, by clap, in [`flags`]; each subcommand lives
//! in its own module and gets its typed arguments; this file only dispatches.

mod bench;
mod check;
mod cluster_cmd;
mod config;
mod dashboard;
mod demo;
mod demo_mastodon;
mod doctor;
mod endpoint;
mod fingerprint_key;
mod flags;
mod judge;
mod lines;
mod logs;
mod mastodon;
mod reorder;
mod replay;
mod run;
mod run_mastodon;
mod signals;
mod store_cmds;
mod synth;
mod undo_mastodon;

use std::io::Write;

use clap::{CommandFactory, Parser};
use flags::{Cli, Command};

fn main() {
    let cli = Cli::parse();
    logs::init(cli.log_format);
    let code = match cli.command {
        Command::Replay(a) => replay::run(a),
        Command::Demo(a) => demo::run(a),
        Command::Run(a) => run::run(a),
        Command::Check(a) => check::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Synth(a) => synth::run(a),
        Command::Incidents(a) => store_cmds::incidents(a),
        Command::Evidence(a) => store_cmds::evidence(a),
        Command::Db(a) => store_cmds::db(a),
        Command::Cluster(a) => cluster_cmd::run(a),
        Command::InviteUrl(a) => doctor::invite_url(a),
        Command::Doctor(a) => doctor::run(a),
        Command::Completions { shell } => completions(shell),
    };
    std::process::exit(code);
}

/// `moat completions SHELL`: the script on standard output (a closed pipe is not an error).
fn completions(shell: clap_complete::Shell) -> i32 {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "moat", &mut script);
    match std::io::stdout().lock().write_all(&script) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("moat completions: {e}");
            1
        }
    }
}
