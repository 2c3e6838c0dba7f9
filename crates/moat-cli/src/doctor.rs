//! `moat invite-url` and `moat doctor`: the two steps between creating a Discord
//! application and `moat run` (see the README's operator guide).
//!
//! Both read the config file and the token as `moat run` does, so what they say holds for
//! the bot that will run: the invite asks for Manage Roles only when a silence role is
//! configured, and doctor checks the alert channel `run` would use. The work is in
//! `moat_discord::setup` and `moat_discord::doctor`; this is the command-line face.

use moat_discord::BotConfig;

use crate::flags::{DoctorArgs, InviteArgs};

fn token(section: &moat_discord::config::DiscordSection) -> Option<String> {
    std::env::var("DISCORD_TOKEN").ok().filter(|t| !t.trim().is_empty()).or_else(|| section.token.clone())
}

/// `moat invite-url`: the link on standard output.
pub fn invite_url(a: InviteArgs) -> i32 {
    let loaded = match crate::config::load(a.config.as_deref()) {
        Ok(l) => l,
        Err(e) => return fail("invite-url", &e),
    };
    let client_id = match a.client_id {
        Some(id) => id,
        None => match token(&loaded.discord).as_deref().and_then(moat_discord::setup::client_id_from_token) {
            Some(id) => id,
            None => {
                eprintln!(
                    "moat invite-url: give --client-id (the Application ID on the Developer Portal's General \
                     Information page), or set DISCORD_TOKEN"
                );
                return 2;
            }
        },
    };
    let engine = loaded.engine();
    let silence = engine.defaults.escalation.silence_role_id.is_some()
        || engine.guilds.iter().any(|(_, s)| s.escalation.silence_role_id.is_some());
    let perms = moat_discord::setup::invite_permissions(silence);
    println!("{}", moat_discord::setup::invite_url(client_id, perms));
    eprintln!("moat asks for these permissions (integer {}), and no others:", perms.bits());
    for (_, what) in moat_discord::setup::USES {
        eprintln!("  - {what}");
    }
    if silence {
        eprintln!("  - give the silence role (Manage Roles: a silence role is configured)");
    }
    0
}

/// `moat doctor`: the report on standard output; exit 0 when moat can guard every server.
pub fn run(a: DoctorArgs) -> i32 {
    let loaded = match crate::config::load(a.config.as_deref()) {
        Ok(l) => l,
        Err(e) => return fail("doctor", &e),
    };
    if let Some(r) = &a.rest_proxy {
        if let Err(e) = crate::endpoint::check_rest_proxy(r) {
            eprintln!("moat doctor: {e} (see moat doctor --help)");
            return 2;
        }
    }
    let Some(token) = token(&loaded.discord) else {
        return fail("doctor", "no bot token: set DISCORD_TOKEN, or `token` under [discord] in the config file");
    };
    let cfg = BotConfig {
        token,
        rest_proxy: a.rest_proxy,
        alert_channel: a.alert_channel.map(moat_core::id::ChannelId).or(loaded.discord.alert_channel),
        ..Default::default()
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail("doctor", &format!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(moat_discord::doctor::doctor(&cfg, &loaded.engine())) {
        Ok(report) => {
            print!("{}", report.render());
            if report.ok() {
                0
            } else {
                1
            }
        }
        Err(e) => fail("doctor", &e),
    }
}

fn fail(cmd: &str, e: &str) -> i32 {
    eprintln!("moat {cmd}: {e}");
    1
}
