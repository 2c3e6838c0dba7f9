//! `moat`: a guard for online communities.
//!
//! A thin binary over `moat-core` (the decision engine) and `moat-links` (link
//! intelligence). Each subcommand lives in its own module; this file only dispatches.

mod args;
mod bench;
mod check;
mod judge;
mod replay;
mod synth;

const USAGE: &str = "\
moat: stops spam floods, raids, scam links and scrapers on Discord

usage:
  moat replay CAPTURE.jsonl [--config moat.toml] [--no-drain] [--stats]
        run a gateway capture through the engine; print one JSON action a line
  moat check [--json] [--lines] [--no-blocklist] [TEXT]
        give a verdict on the links of TEXT (or of standard input)
  moat synth [NAME ...|all] [--seed N] [--out DIR]
        write generated scenarios (captures and expectations) to DIR
  moat bench [--events N] [--users N]
        measure the engine and replay on a generated capture
  moat help
        this text
";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("replay") => replay::run(&args[1..]),
        Some("check") => check::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("synth") => synth::run(&args[1..]),
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
