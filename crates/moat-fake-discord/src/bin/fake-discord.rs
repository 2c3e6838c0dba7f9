//! `fake-discord`: the fake Discord as a program, to point a real `moat run` (or a
//! dashboard's "Login with Discord") at.
//!
//! It listens on 127.0.0.1 (ports printed on start), waits for the bot's shards to connect,
//! plays the capture, if one is given, re-based to now (new ids, times moved to the moment
//! it plays) and spread over `--guilds` copies, then prints what it saw as JSON and keeps
//! serving until Ctrl-C (or exits with `--exit`). Every flag is parsed here and nowhere else.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Parser, ValueEnum};
use moat_fake_discord::{FakeDiscord, OAuthUser, Options, Pace, Play, SpecMode};

/// A fake Discord (gateway v10, REST /api/v10, OAuth2) on 127.0.0.1 that holds a bot to the
/// real API's rules.
#[derive(Debug, Parser)]
#[command(name = "fake-discord", version, about, long_about = None)]
struct Cli {
    /// A capture to play once the bot has connected: one JSON object a line,
    /// {"ts": <unix ms>, "t": "<EVENT>", "d": <payload>}.
    capture: Option<PathBuf>,

    /// Play at this many times the capture's own pace; 0 plays as fast as possible.
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    speed: f64,

    /// Play the capture's guild as N guilds, each a copy with its own ids.
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    guilds: u32,

    /// The shard count GET /gateway/bot recommends; a guild's events go to shard
    /// (guild_id >> 22) % S.
    #[arg(long, default_value_t = 1, value_name = "S", value_parser = clap::value_parser!(u32).range(1..))]
    shards: u32,

    /// session_start_limit.max_concurrency: identify buckets (shard_id % M).
    #[arg(long, default_value_t = 1, value_name = "M", value_parser = clap::value_parser!(u32).range(1..))]
    max_concurrency: u32,

    /// One IDENTIFY per bucket per this many ms (Discord: 5000; 0 = no limit); a faster one
    /// is closed with 4008.
    #[arg(long, default_value_t = 5_000, value_name = "MS")]
    identify_interval_ms: u64,

    /// Identifies allowed a day; past it the token is reset (4004), as on Discord.
    #[arg(long, default_value_t = 1_000, value_name = "N")]
    daily_identifies: u32,

    /// Gateway sessions to wait for before playing [default: the shard count].
    #[arg(long, value_name = "N")]
    wait_sessions: Option<usize>,

    /// Play the capture's own times and ids instead of re-basing it to now.
    #[arg(long)]
    no_rebase: bool,

    /// Also write the summary (JSON) to this file.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,

    /// Where to write the map from the capture's ids to the played ones [default: beside
    /// --summary as NAME.ids.json, else CAPTURE-NAME.ids.json in the current directory].
    #[arg(long, value_name = "FILE")]
    id_map: Option<PathBuf>,

    /// Seconds to let the bot finish after the capture, before the summary.
    #[arg(long, default_value_t = 2, value_name = "SECS")]
    settle_secs: u64,

    /// Exit after printing the summary instead of serving until Ctrl-C.
    #[arg(long)]
    exit: bool,

    /// The bot token to accept (REST `Bot <token>`, IDENTIFY).
    #[arg(long, default_value = moat_fake_discord::DEFAULT_TOKEN, value_name = "TOKEN")]
    token: String,

    /// The gateway's port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0, value_name = "PORT")]
    gateway_port: u16,

    /// The REST and OAuth2 port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0, value_name = "PORT")]
    rest_port: u16,

    /// What to do with a call Discord's OpenAPI spec rejects.
    #[arg(long, value_enum, default_value_t = SpecArg::Record)]
    spec: SpecArg,

    /// Enforce every Discord rule: bad bodies refused, 50 ms a REST call (overrides --spec
    /// and --rest-latency-ms).
    #[arg(long)]
    strict: bool,

    /// What each REST call costs (the fake waits this long before answering).
    #[arg(long, default_value_t = 0, value_name = "MS")]
    rest_latency_ms: u64,

    /// 401/403/429 answers in 10 minutes before the client is banned (0: never).
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    invalid_request_limit: u32,

    /// A test user who can log in with OAuth2, as ID:NAME (repeat for more; the first is
    /// the default).
    #[arg(long, value_name = "ID:NAME", value_parser = parse_user)]
    oauth_user: Vec<(u64, String)>,

    /// A guild a test user is in, as USER_ID:GUILD_ID:PERMISSIONS[:owner] (repeat).
    #[arg(long, value_name = "USER:GUILD:PERMS[:owner]", value_parser = parse_guild)]
    oauth_guild: Vec<(u64, u64, u64, bool)>,

    /// The OAuth2 client secret (the client id is the application id, the bot's id).
    #[arg(long, default_value = "fake-client-secret", value_name = "SECRET")]
    client_secret: String,

    /// A redirect URI the OAuth2 application accepts (repeat; default: any on loopback).
    #[arg(long, value_name = "URI")]
    redirect_uri: Vec<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SpecArg {
    Off,
    Record,
    Reject,
}

fn parse_user(s: &str) -> Result<(u64, String), String> {
    let (id, name) = s.split_once(':').ok_or("expected ID:NAME")?;
    Ok((id.parse().map_err(|_| format!("{id:?} is not a user id"))?, name.to_string()))
}

fn parse_guild(s: &str) -> Result<(u64, u64, u64, bool), String> {
    let parts: Vec<&str> = s.split(':').collect();
    let num = |i: usize| -> Result<u64, String> {
        parts
            .get(i)
            .ok_or("expected USER:GUILD:PERMS[:owner]")?
            .parse()
            .map_err(|_| format!("{:?} is not a number", parts[i]))
    };
    let owner = match parts.get(3) {
        None => false,
        Some(&"owner") => true,
        Some(other) => return Err(format!("{other:?}: the fourth part can only be \"owner\"")),
    };
    Ok((num(0)?, num(1)?, num(2)?, owner))
}

fn options(cli: &Cli) -> Result<Options, String> {
    let mut o = if cli.strict { Options::strict() } else { Options::default() };
    o.token = cli.token.clone();
    o.gateway_port = cli.gateway_port;
    o.rest_port = cli.rest_port;
    if !cli.strict {
        o.spec = match cli.spec {
            SpecArg::Off => SpecMode::Off,
            SpecArg::Record => SpecMode::Record,
            SpecArg::Reject => SpecMode::Reject,
        };
        o.rest_latency_ms = cli.rest_latency_ms;
    }
    o.gateway.shards = cli.shards;
    o.gateway.max_concurrency = cli.max_concurrency;
    o.gateway.identify_interval_ms = cli.identify_interval_ms;
    o.gateway.daily_identifies = cli.daily_identifies;
    o.invalid_requests.limit = cli.invalid_request_limit;
    o.oauth.client_secret = cli.client_secret.clone();
    o.oauth.redirect_uris = cli.redirect_uri.clone();
    o.oauth.users = cli.oauth_user.iter().map(|(id, name)| OAuthUser::new(*id, name)).collect();
    for &(user, guild, perms, owner) in &cli.oauth_guild {
        let u = o
            .oauth
            .users
            .iter_mut()
            .find(|u| u.id == user)
            .ok_or(format!("--oauth-guild names user {user}, who is not an --oauth-user"))?;
        *u = u.clone().in_guild(guild, owner, perms);
    }
    Ok(o)
}

/// Where the id map goes.
fn id_map_path(cli: &Cli, capture: &Path) -> PathBuf {
    if let Some(p) = &cli.id_map {
        return p.clone();
    }
    let beside = |p: &Path| {
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("capture").to_string();
        p.with_file_name(format!("{stem}.ids.json"))
    };
    match &cli.summary {
        Some(s) => beside(s),
        None => PathBuf::from(beside(capture).file_name().map(ToOwned::to_owned).unwrap_or_default()),
    }
}

fn fail(msg: &str, code: i32) -> ! {
    eprintln!("fake-discord: {msg}");
    std::process::exit(code)
}

fn main() {
    let cli = Cli::parse();
    let opts = options(&cli).unwrap_or_else(|e| fail(&e, 2));
    let text = cli
        .capture
        .as_ref()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", p.display()), 2)));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(&e.to_string(), 1));
    rt.block_on(run(cli, opts, text));
}

async fn run(cli: Cli, opts: Options, text: Option<String>) {
    let fake = FakeDiscord::start(opts).await.unwrap_or_else(|e| fail(&format!("cannot listen: {e}"), 1));
    // A bot started by hand runs on the wall clock; so does this Discord.
    fake.use_wall_clock();
    println!("gateway: {}", fake.gateway_url());
    println!("rest:    {}", fake.rest_proxy());
    println!(
        "try:     DISCORD_TOKEN={} moat run --gateway-url {} --rest-proxy {}",
        fake.options().token,
        fake.gateway_url(),
        fake.rest_proxy()
    );
    if let (Some(text), Some(path)) = (text, cli.capture.as_ref()) {
        let want = cli.wait_sessions.unwrap_or(cli.shards as usize);
        while !fake.wait_sessions(want, Duration::from_secs(3600)).await {}
        let pace = if cli.speed > 0.0 { Pace::Speed(cli.speed) } else { Pace::Fast };
        let rebase_to = (!cli.no_rebase).then(|| fake.now_ms());
        let r = fake.play_with(&text, Play { pace, rebase_to, guilds: cli.guilds }).await;
        eprintln!("fake-discord: played {} events ({} bad lines)", r.events, r.bad_lines);
        tokio::time::sleep(Duration::from_secs(cli.settle_secs)).await;
        let mut summary = fake.summary();
        if let Some(map) = &r.id_map {
            let file = id_map_path(&cli, path);
            match std::fs::write(&file, map.to_json().to_string()) {
                Ok(()) => summary["id_map_file"] = file.display().to_string().into(),
                Err(e) => eprintln!("fake-discord: cannot write the id map to {}: {e}", file.display()),
            }
            summary["shift_ms"] = map.shift_ms.into();
        }
        if let Some(file) = &cli.summary {
            if let Err(e) = std::fs::write(file, summary.to_string()) {
                eprintln!("fake-discord: cannot write the summary to {}: {e}", file.display());
            }
        }
        println!("{summary}");
    }
    if cli.exit {
        return;
    }
    loop {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_into_options() {
        let cli = Cli::parse_from([
            "fake-discord",
            "--shards",
            "4",
            "--max-concurrency",
            "2",
            "--spec",
            "reject",
            "--oauth-user",
            "7:alice",
            "--oauth-guild",
            "7:9:32:owner",
            "cap.jsonl",
            "--summary",
            "out/s.json",
        ]);
        let o = options(&cli).unwrap();
        assert_eq!((o.gateway.shards, o.gateway.max_concurrency, o.spec), (4, 2, SpecMode::Reject));
        assert_eq!(o.gateway.identify_interval_ms, 5_000, "the real spacing by default");
        assert_eq!(o.oauth.users[0].guilds[0].permissions, 32);
        assert!(o.oauth.users[0].guilds[0].owner);
        assert_eq!(id_map_path(&cli, Path::new("cap.jsonl")), PathBuf::from("out/s.ids.json"));
        assert!(Cli::try_parse_from(["fake-discord", "--guilds", "0"]).is_err());
        assert!(parse_guild("7:9").is_err() && parse_guild("7:9:1:boss").is_err());
        let stray = Cli::parse_from(["fake-discord", "--oauth-guild", "8:9:0"]);
        assert!(options(&stray).unwrap_err().contains("not an --oauth-user"));
    }
}
