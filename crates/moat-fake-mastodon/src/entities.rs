//! Mastodon's JSON entities, built the way its serializers build them, for what the fake
//! creates itself (statuses it is asked to post, accounts first seen in a remote status, the
//! instance, the token's own account) and for the capture [`crate::builder`]. Entities that
//! come from a capture are kept as given and never rebuilt here.
//!
//! Field order follows Mastodon's serializers (`serde_json` keeps insertion order here), so a
//! body the fake builds looks like one a real server sends.

use serde_json::{json, Value};

use crate::time::{iso_day, iso_ms};

/// What a public account entity is made from.
#[derive(Debug, Clone, Default)]
pub struct AccountSeed<'a> {
    pub id: &'a str,
    pub username: &'a str,
    /// `None` for a local account.
    pub domain: Option<&'a str>,
    pub display_name: &'a str,
    pub created_at_ms: u64,
    pub note: &'a str,
    /// The avatar's URL; `None` gives Mastodon's "missing" picture.
    pub avatar: Option<&'a str>,
    pub bot: bool,
    pub statuses_count: u64,
    pub followers_count: u64,
}

/// The public account entity (`REST::AccountSerializer`). `local_domain` is this server's.
pub fn public_account(seed: &AccountSeed<'_>, local_domain: &str) -> Value {
    let host = seed.domain.unwrap_or(local_domain);
    let acct = match seed.domain {
        Some(d) => format!("{}@{d}", seed.username),
        None => seed.username.to_string(),
    };
    let missing = format!("https://{local_domain}/avatars/original/missing.png");
    let avatar = seed.avatar.map(str::to_string).unwrap_or(missing);
    let header = format!("https://{local_domain}/headers/original/missing.png");
    let note = if seed.note.is_empty() { String::new() } else { format!("<p>{}</p>", escape(seed.note)) };
    json!({
        "id": seed.id,
        "username": seed.username,
        "acct": acct,
        "display_name": seed.display_name,
        "locked": false,
        "bot": seed.bot,
        "discoverable": true,
        "indexable": false,
        "group": false,
        "created_at": iso_day(seed.created_at_ms),
        "note": note,
        "url": format!("https://{host}/@{}", seed.username),
        "uri": format!("https://{host}/users/{}", seed.username),
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": seed.followers_count,
        "following_count": 0,
        "statuses_count": seed.statuses_count,
        "last_status_at": null,
        "hide_collections": null,
        "noindex": false,
        "emojis": [],
        "roles": [],
        "fields": [],
    })
}

/// What the admin account entity adds to the public one (for a local account).
#[derive(Debug, Clone, Default)]
pub struct AdminSeed<'a> {
    pub email: &'a str,
    pub ip: &'a str,
    pub created_at_ms: u64,
    pub confirmed: bool,
    pub approved: bool,
    pub locale: &'a str,
    pub invite_request: Option<&'a str>,
}

/// The admin account entity (`REST::Admin::AccountSerializer`) of a local account.
pub fn admin_account(public: &Value, seed: &AdminSeed<'_>, role: Value) -> Value {
    json!({
        "id": public["id"],
        "username": public["username"],
        "domain": null,
        "created_at": iso_ms(seed.created_at_ms),
        "email": seed.email,
        "ip": seed.ip,
        "role": role,
        "confirmed": seed.confirmed,
        "suspended": false,
        "silenced": false,
        "sensitized": false,
        "disabled": false,
        "approved": seed.approved,
        "locale": seed.locale,
        "invite_request": seed.invite_request,
        "ips": [{"ip": seed.ip, "used_at": iso_ms(seed.created_at_ms)}],
        "account": public,
    })
}

/// The admin account entity of a remote account (no user: no e-mail, IP, role or flags).
pub fn admin_remote_account(public: &Value, created_at_ms: u64) -> Value {
    let domain = public["acct"].as_str().and_then(|a| a.split_once('@')).map(|(_, d)| d.to_string());
    json!({
        "id": public["id"],
        "username": public["username"],
        "domain": domain,
        "created_at": iso_ms(created_at_ms),
        "email": null,
        "ip": null,
        "role": null,
        "confirmed": null,
        "suspended": false,
        "silenced": false,
        "sensitized": false,
        "disabled": null,
        "approved": null,
        "locale": null,
        "invite_request": null,
        "ips": [],
        "account": public,
    })
}

/// A mention entity for an account entity.
pub fn mention_of(account: &Value) -> Value {
    json!({
        "id": account["id"],
        "username": account["username"],
        "url": account["url"],
        "acct": account["acct"],
    })
}

/// What a status entity is made from.
#[derive(Debug, Clone, Default)]
pub struct StatusSeed<'a> {
    pub id: &'a str,
    pub created_at_ms: u64,
    /// The author's public account entity.
    pub account: Value,
    pub text: &'a str,
    pub visibility: &'a str,
    /// Mention entities (see [`mention_of`]).
    pub mentions: Vec<Value>,
    pub in_reply_to: Option<(&'a str, &'a str)>,
    pub spoiler_text: &'a str,
    pub language: Option<&'a str>,
    /// Media attachment entities.
    pub media: Vec<Value>,
}

/// HTML-escapes text the way Mastodon's formatter does.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The status text as Mastodon renders it: one paragraph, line breaks as `<br />`, each
/// `@acct` of a mention as an h-card link.
pub fn render_content(text: &str, mentions: &[Value]) -> String {
    let mut html = escape(text).replace('\n', "<br />");
    for m in mentions {
        let (Some(acct), Some(url), Some(user)) = (m["acct"].as_str(), m["url"].as_str(), m["username"].as_str())
        else {
            continue;
        };
        let link = format!(
            "<span class=\"h-card\" translate=\"no\"><a href=\"{url}\" class=\"u-url mention\">@<span>{}</span></a></span>",
            escape(user)
        );
        html = html.replace(&format!("@{}", escape(acct)), &link);
    }
    format!("<p>{html}</p>")
}

/// The status entity (`REST::StatusSerializer`).
pub fn status(seed: &StatusSeed<'_>) -> Value {
    let url = seed.account["url"].as_str().unwrap_or("");
    let uri = seed.account["uri"].as_str().unwrap_or("");
    let (reply_id, reply_account) = match seed.in_reply_to {
        Some((s, a)) => (json!(s), json!(a)),
        None => (Value::Null, Value::Null),
    };
    json!({
        "id": seed.id,
        "created_at": iso_ms(seed.created_at_ms),
        "in_reply_to_id": reply_id,
        "in_reply_to_account_id": reply_account,
        "sensitive": !seed.spoiler_text.is_empty(),
        "spoiler_text": seed.spoiler_text,
        "visibility": seed.visibility,
        "language": seed.language,
        "uri": format!("{uri}/statuses/{}", seed.id),
        "url": format!("{url}/{}", seed.id),
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "edited_at": null,
        "content": render_content(seed.text, &seed.mentions),
        "reblog": null,
        "account": seed.account,
        "media_attachments": seed.media,
        "mentions": seed.mentions,
        "tags": [],
        "emojis": [],
        "card": null,
        "poll": null,
    })
}

/// An image attachment entity (the parts a spam detector looks at: blurhash, description, size).
pub fn image_attachment(
    id: &str,
    local_domain: &str,
    blurhash: &str,
    description: Option<&str>,
    size: (u32, u32),
) -> Value {
    let (w, h) = size;
    let url = format!("https://{local_domain}/system/media_attachments/files/{id}/original/image.png");
    json!({
        "id": id,
        "type": "image",
        "url": url,
        "preview_url": url.replace("/original/", "/small/"),
        "remote_url": null,
        "preview_remote_url": null,
        "text_url": null,
        "meta": {
            "original": {"width": w, "height": h, "size": format!("{w}x{h}"), "aspect": f64::from(w) / f64::from(h.max(1))},
        },
        "description": description,
        "blurhash": blurhash,
    })
}

/// `GET /api/v2/instance`.
pub fn instance(domain: &str, streaming_url: &str, max_characters: usize, approval_required: bool) -> Value {
    json!({
        "domain": domain,
        "title": "Fake Mastodon",
        "version": crate::MASTODON_VERSION,
        "source_url": "https://github.com/mastodon/mastodon",
        "description": "A fake Mastodon server on loopback, for testing moat.",
        "usage": {"users": {"active_month": 0}},
        "thumbnail": {"url": format!("https://{domain}/packs/media/images/preview.png")},
        "languages": ["en"],
        "configuration": {
            "urls": {"streaming": streaming_url, "status": null},
            "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
            "statuses": {"max_characters": max_characters, "max_media_attachments": 4, "characters_reserved_per_url": 23},
            "media_attachments": {"image_size_limit": 16_777_216, "video_size_limit": 103_809_024},
            "polls": {"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300, "max_expiration": 2_629_746},
            "translation": {"enabled": false},
        },
        "registrations": {"enabled": true, "approval_required": approval_required, "message": null, "url": null},
        "api_versions": {"mastodon": 2},
        "contact": {"email": format!("admin@{domain}"), "account": null},
        "rules": [],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_accounts_have_a_domain_and_content_links_mentions() {
        let a = public_account(
            &AccountSeed {
                id: "1",
                username: "bob",
                domain: Some("far.example"),
                created_at_ms: 86_400_500,
                ..Default::default()
            },
            "here.example",
        );
        assert_eq!(a["acct"], "bob@far.example");
        assert_eq!(a["created_at"], "1970-01-02T00:00:00.000Z");
        assert_eq!(admin_remote_account(&a, 0)["domain"], "far.example");
        let html = render_content("hi @bob@far.example <3", &[mention_of(&a)]);
        assert!(html.contains("class=\"u-url mention\">@<span>bob</span>"), "{html}");
        assert!(html.ends_with("&lt;3</p>"));
    }
}
