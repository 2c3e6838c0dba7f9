//! OAuth2's HTTP side: `GET /oauth2/authorize` (approve at once, redirect with `code` and
//! `state`), `POST /api/oauth2/token` (and `/api/v10/oauth2/token`: the `authorization_code`
//! and `refresh_token` grants, form-encoded, client id and secret in the body or HTTP Basic),
//! `POST /api/oauth2/token/revoke`, `GET /login?user=ID` (the fake's stand-in for Discord's
//! login page: it sets which test user approves), and the Bearer-token routes `users/@me`,
//! `users/@me/guilds` and `oauth2/@me`. State and test users are in [`crate::oauth`].

use serde_json::{json, Value};

use super::{form, Answer};
use crate::oauth::{redirect_allowed, Grant};
use crate::{lock, Inner};

const COOKIE: &str = "fake_discord_user";

/// Whether a path is one of OAuth2's own (outside the bot API).
pub(super) fn is_oauth_path(path: &str) -> bool {
    matches!(
        path,
        "/oauth2/authorize"
            | "/api/oauth2/authorize"
            | "/api/oauth2/token"
            | "/api/v10/oauth2/token"
            | "/api/oauth2/token/revoke"
            | "/api/v10/oauth2/token/revoke"
            | "/login"
    )
}

#[allow(clippy::too_many_arguments)]
pub(super) fn handle(
    inner: &Inner,
    method: &str,
    path: &str,
    query: &str,
    body: &str,
    auth: &str,
    cookie: &str,
    now: u64,
) -> Answer {
    match (method, path) {
        ("GET", "/login") => login(inner, query),
        ("GET", "/oauth2/authorize" | "/api/oauth2/authorize") => authorize(inner, query, cookie, now),
        ("POST", p) if p.ends_with("/token") => token(inner, body, auth, now),
        ("POST", _) => revoke(inner, body, auth),
        _ => Answer::error(405, 0, "405: Method Not Allowed"),
    }
}

fn redirect(to: &str) -> Answer {
    let mut a = Answer::text(302, "");
    a.headers.push(("location", to.to_string()));
    a
}

fn login(inner: &Inner, query: &str) -> Answer {
    let user = form::get(query, "user").and_then(|u| u.parse::<u64>().ok());
    let Some(user) = user.filter(|u| inner.opts.oauth.users.iter().any(|x| x.id == *u)) else {
        return Answer::text(400, "fake-discord: /login?user=ID names a configured test user");
    };
    let next = form::get(query, "next").unwrap_or_else(|| "/".into());
    let mut a = if next.starts_with('/') || next.starts_with("http://") {
        redirect(&next)
    } else {
        Answer::text(200, "logged in")
    };
    a.headers.push(("set-cookie", format!("{COOKIE}={user}; Path=/; HttpOnly; SameSite=Lax")));
    a
}

fn current_user(inner: &Inner, cookie: &str) -> Option<u64> {
    let from_cookie = cookie
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .and_then(|(_, v)| v.parse::<u64>().ok());
    let users = &inner.opts.oauth.users;
    from_cookie
        .or(lock(&inner.oauth).current_user)
        .filter(|u| users.iter().any(|x| x.id == *u))
        .or(users.first().map(|u| u.id))
}

fn authorize(inner: &Inner, query: &str, cookie: &str, now: u64) -> Answer {
    let q = |k: &str| form::get(query, k);
    let opts = &inner.opts.oauth;
    if q("client_id").and_then(|c| c.parse::<u64>().ok()) != Some(inner.opts.application_id) {
        return Answer::text(400, "Unknown client_id");
    }
    let Some(redirect_uri) = q("redirect_uri").filter(|r| redirect_allowed(opts, r)) else {
        return Answer::text(400, "Invalid OAuth2 redirect_uri");
    };
    let sep = if redirect_uri.contains('?') { '&' } else { '?' };
    let state = q("state").map(|s| format!("&state={}", form::encode(&s))).unwrap_or_default();
    let fail = |error: &str| redirect(&format!("{redirect_uri}{sep}error={error}{state}"));
    if q("response_type").as_deref() != Some("code") {
        return fail("unsupported_response_type");
    }
    let scopes: Vec<String> = q("scope").unwrap_or_default().split_whitespace().map(str::to_string).collect();
    if scopes.is_empty()
        || scopes.iter().any(|s| !matches!(s.as_str(), "identify" | "guilds" | "email" | "guilds.members.read"))
    {
        return fail("invalid_scope");
    }
    let Some(user) = current_user(inner, cookie) else { return fail("access_denied") };
    let mut st = lock(&inner.oauth);
    let code = st.mint("code", now);
    st.codes.insert(
        code.clone(),
        Grant { user, scopes, expires_ms: now + opts.code_ttl_ms, redirect_uri: redirect_uri.clone() },
    );
    redirect(&format!("{redirect_uri}{sep}code={code}{state}"))
}

/// The client id and secret, from HTTP Basic or the form.
fn client(auth: &str, body: &str) -> (Option<String>, Option<String>) {
    if let Some(b64) = auth.strip_prefix("Basic ") {
        if let Some((id, secret)) =
            base64_decode(b64.trim()).and_then(|s| s.split_once(':').map(|(a, b)| (a.to_string(), b.to_string())))
        {
            return (Some(form::decode(&id, true)), Some(form::decode(&secret, true)));
        }
    }
    (form::get(body, "client_id"), form::get(body, "client_secret"))
}

fn oauth_error(status: u16, error: &str, description: &str) -> Answer {
    Answer::json(status, json!({"error": error, "error_description": description}))
}

fn client_ok(inner: &Inner, auth: &str, body: &str) -> bool {
    let (id, secret) = client(auth, body);
    id.and_then(|i| i.parse::<u64>().ok()) == Some(inner.opts.application_id)
        && secret.as_deref() == Some(inner.opts.oauth.client_secret.as_str())
}

fn token(inner: &Inner, body: &str, auth: &str, now: u64) -> Answer {
    if !client_ok(inner, auth, body) {
        return oauth_error(401, "invalid_client", "Invalid client");
    }
    let f = |k: &str| form::get(body, k);
    let mut st = lock(&inner.oauth);
    let grant = match f("grant_type").as_deref() {
        Some("authorization_code") => {
            let code = f("code").unwrap_or_default();
            match st.codes.remove(&code) {
                Some(g) if g.expires_ms > now && f("redirect_uri").as_deref() == Some(g.redirect_uri.as_str()) => g,
                Some(g) if g.expires_ms > now => {
                    return oauth_error(400, "invalid_grant", "Invalid \"redirect_uri\" in request.")
                }
                _ => return oauth_error(400, "invalid_grant", "Invalid \"code\" in request."),
            }
        }
        Some("refresh_token") => match st.refresh.remove(&f("refresh_token").unwrap_or_default()) {
            Some(g) => g,
            None => return oauth_error(400, "invalid_grant", "Invalid \"refresh_token\" in request."),
        },
        Some(_) => return oauth_error(400, "unsupported_grant_type", "Unsupported grant type"),
        None => return oauth_error(400, "invalid_request", "Missing \"grant_type\""),
    };
    let ttl = inner.opts.oauth.token_ttl_ms;
    let access = st.mint("access", now);
    let refresh = st.mint("refresh", now);
    let scope = grant.scopes.join(" ");
    st.access.insert(access.clone(), Grant { expires_ms: now + ttl, ..grant.clone() });
    st.refresh.insert(refresh.clone(), Grant { expires_ms: u64::MAX, ..grant });
    Answer::json(
        200,
        json!({"access_token": access, "token_type": "Bearer", "expires_in": ttl / 1000,
               "refresh_token": refresh, "scope": scope}),
    )
}

fn revoke(inner: &Inner, body: &str, auth: &str) -> Answer {
    if !client_ok(inner, auth, body) {
        return oauth_error(401, "invalid_client", "Invalid client");
    }
    let t = form::get(body, "token").unwrap_or_default();
    let mut st = lock(&inner.oauth);
    st.access.remove(&t);
    st.refresh.remove(&t);
    Answer::json(200, json!({}))
}

/// The API routes a Bearer token may call.
pub(super) fn bearer(inner: &Inner, method: &str, segs: &[&str], token: &str, now: u64) -> Answer {
    let Some(grant) = lock(&inner.oauth).bearer(token, now).cloned() else {
        return Answer::error(401, 0, "401: Unauthorized");
    };
    let Some(user) = inner.opts.oauth.users.iter().find(|u| u.id == grant.user) else {
        return Answer::error(401, 0, "401: Unauthorized");
    };
    let has = |s: &str| grant.scopes.iter().any(|x| x == s);
    let me = json!({"id": user.id.to_string(), "username": user.username, "discriminator": "0",
                    "global_name": user.username, "avatar": null, "bot": false, "public_flags": 0, "flags": 0,
                    "mfa_enabled": false, "locale": "en-US", "premium_type": 0});
    match (method, segs) {
        ("GET", ["users", "@me"]) if has("identify") => Answer::json(200, me),
        ("GET", ["users", "@me", "guilds"]) if has("guilds") => {
            let w = lock(&inner.world);
            let list: Vec<Value> = user
                .guilds
                .iter()
                .map(|g| {
                    let name = w.guilds.get(&g.id).map_or(g.name.clone(), |x| x.name.clone());
                    json!({"id": g.id.to_string(), "name": name, "icon": null, "banner": null, "owner": g.owner,
                           "permissions": g.permissions.to_string(), "features": []})
                })
                .collect();
            Answer::json(200, Value::Array(list))
        }
        ("GET", ["oauth2", "@me"]) => Answer::json(
            200,
            json!({"application": {"id": inner.opts.application_id.to_string(), "name": "moat"},
                   "scopes": grant.scopes, "expires": super::iso_from_ms(grant.expires_ms), "user": me}),
        ),
        ("GET", ["users", "@me"] | ["users", "@me", "guilds"]) => Answer::error(403, 50001, "Missing Access"),
        _ => Answer::error(401, 0, "401: Unauthorized"),
    }
}

/// Standard base64 (with or without padding) to text; `None` if it is not.
fn base64_decode(s: &str) -> Option<String> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_read() {
        assert_eq!(base64_decode("MTIzOnNlY3JldA==").as_deref(), Some("123:secret"));
        assert_eq!(base64_decode("MTIzOnNlY3JldA").as_deref(), Some("123:secret"));
        assert_eq!(base64_decode("!!"), None);
        assert_eq!(client("Basic MTIzOnNlY3JldA==", ""), (Some("123".into()), Some("secret".into())));
        assert_eq!(client("", "client_id=1&client_secret=s"), (Some("1".into()), Some("s".into())));
    }
}
