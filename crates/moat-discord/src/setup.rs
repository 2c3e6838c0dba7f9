//! Getting a server guarded: the invite link (`moat invite-url`) and errors an operator can
//! act on.
//!
//! The permissions in the link are the ones moat's calls need (the executor's gate checks
//! the same ones before each call), so a server owner grants exactly those and no more:
//! Administrator is never asked for. The scopes are `bot` and `applications.commands` (the
//! `/moat` command).
//!
//! Discord's and the network's failures are turned into sentences here, once, for `moat
//! run` and `moat doctor`: "Discord rejected the token (401): check DISCORD_TOKEN" rather
//! than "Response error: status code 401, error: …".

use twilight_model::guild::Permissions;

/// What moat does with each permission, in the order the invite page lists them.
pub const USES: [(Permissions, &str); 7] = [
    (Permissions::VIEW_CHANNEL, "see the channels it guards"),
    (Permissions::SEND_MESSAGES, "post alerts in the moderators' channel"),
    (Permissions::MANAGE_MESSAGES, "delete spam and scam links"),
    (Permissions::MODERATE_MEMBERS, "time out flooders and raiders"),
    (Permissions::KICK_MEMBERS, "kick members when the ladder says so"),
    (Permissions::BAN_MEMBERS, "ban raiders"),
    (Permissions::MANAGE_GUILD, "lock the server down in a raid, keep its AutoMod rule, ban in bulk"),
];

/// The permissions moat asks for; Manage Roles only when a silence role is configured.
pub fn invite_permissions(silence_role: bool) -> Permissions {
    let mut p = USES.iter().fold(Permissions::empty(), |p, (x, _)| p | *x);
    if silence_role {
        p |= Permissions::MANAGE_ROLES;
    }
    p
}

/// The OAuth2 link that adds moat to a server with exactly those permissions.
pub fn invite_url(client_id: u64, permissions: Permissions) -> String {
    format!(
        "https://discord.com/oauth2/authorize?client_id={client_id}&scope=bot%20applications.commands&permissions={}",
        permissions.bits()
    )
}

/// The application's id from a bot token: its first segment is the bot user's id in base64
/// (which is the application's id for every bot made since 2016).
pub fn client_id_from_token(token: &str) -> Option<u64> {
    let first = token.trim().trim_start_matches("Bot ").split('.').next()?;
    let bytes = base64_decode(first)?;
    let text = std::str::from_utf8(&bytes).ok()?;
    text.parse().ok().filter(|&id| id > 0)
}

/// Standard or URL-safe base64, padding optional.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    };
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0u32);
    for c in s.trim_end_matches('=').bytes() {
        acc = (acc << 6) | u32::from(value(c)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Asks Discord who the token belongs to: `Err` in words when it is refused or Discord cannot
/// be reached (`moat run` checks this before anything else).
pub async fn check_token(cfg: &crate::BotConfig) -> Result<(), String> {
    crate::prepare_tls()?;
    let at = cfg.rest_proxy.as_deref().unwrap_or("discord.com");
    crate::http_client(cfg).current_user().await.map(|_| ()).map_err(|e| explain(&e, at))
}

/// A REST failure in words an operator can act on. `endpoint` is where moat was talking
/// (`discord.com`, or the `--rest-proxy`).
pub fn explain(error: &twilight_http::Error, endpoint: &str) -> String {
    use twilight_http::error::ErrorType;
    match error.kind() {
        ErrorType::Unauthorized => rejected_token(),
        ErrorType::Response { status, .. } if status.get() == 401 => rejected_token(),
        ErrorType::Response { status, .. } => format!("Discord answered {} ({endpoint})", status.get()),
        _ => explain_io(error, endpoint),
    }
}

fn rejected_token() -> String {
    "Discord rejected the token (401): check DISCORD_TOKEN (Developer Portal → your application → Bot → Reset Token)"
        .into()
}

fn explain_io(error: &(dyn std::error::Error + 'static), endpoint: &str) -> String {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return io_sentence(io.kind(), endpoint, &io.to_string());
        }
        cause = e.source();
    }
    let text = error.to_string();
    if text.contains("Connection refused") {
        return io_sentence(std::io::ErrorKind::ConnectionRefused, endpoint, &text);
    }
    format!("cannot reach {endpoint}: {}", text.chars().take(300).collect::<String>())
}

fn io_sentence(kind: std::io::ErrorKind, endpoint: &str, detail: &str) -> String {
    use std::io::ErrorKind::*;
    let local = endpoint != "discord.com";
    match kind {
        ConnectionRefused if local => format!(
            "connection refused at {endpoint} (is the Discord-compatible endpoint you gave, e.g. `fake-discord`, running?)"
        ),
        ConnectionRefused => {
            "connection refused by discord.com (is this machine's network or firewall letting HTTPS out?)".into()
        }
        TimedOut => format!("{endpoint} did not answer in time (is the network up?)"),
        _ => format!("cannot reach {endpoint}: {detail}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invite_asks_for_what_moat_uses_and_no_more() {
        let p = invite_permissions(false);
        // View Channel, Send Messages, Manage Messages, Timeout, Kick, Ban, Manage Server.
        assert_eq!(p.bits(), (1 << 10) + (1 << 11) + (1 << 13) + (1 << 40) + (1 << 1) + (1 << 2) + (1 << 5));
        assert!(!p.contains(Permissions::ADMINISTRATOR) && !p.contains(Permissions::MANAGE_ROLES));
        assert!(invite_permissions(true).contains(Permissions::MANAGE_ROLES));
        assert_eq!(
            invite_url(42, p),
            format!(
                "https://discord.com/oauth2/authorize?client_id=42&scope=bot%20applications.commands&permissions={}",
                p.bits()
            )
        );
    }

    #[test]
    fn the_client_id_is_the_tokens_first_segment() {
        // base64("123456789012345678") = MTIzNDU2Nzg5MDEyMzQ1Njc4
        assert_eq!(client_id_from_token("MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.secretpart"), Some(123456789012345678));
        assert_eq!(client_id_from_token("Bot MTIzNDU2Nzg5MDEyMzQ1Njc4.x.y"), Some(123456789012345678));
        assert_eq!(client_id_from_token("not-base64!.x.y"), None);
        assert_eq!(client_id_from_token("aGVsbG8.x.y"), None, "`hello` is no id");
        assert_eq!(client_id_from_token(""), None);
    }

    #[test]
    fn refused_connections_say_what_to_start() {
        let e = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let local = explain_io(&e, "127.0.0.1:9");
        assert!(local.starts_with("connection refused at 127.0.0.1:9 (is "), "{local}");
        assert!(explain_io(&e, "discord.com").contains("network"));
    }
}
