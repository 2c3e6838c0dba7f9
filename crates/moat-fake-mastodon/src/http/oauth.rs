//! OAuth 2 as Mastodon (Doorkeeper) serves it, for the dashboard's "sign in with Mastodon":
//!
//! - `POST /api/v1/apps` registers an app (`client_name`, `redirect_uris`, `scopes`, `website`);
//! - `GET /oauth/authorize?response_type=code&client_id&redirect_uri&scope&state` signs in the
//!   configured test user and approves at once: `302` to `redirect_uri?code=…&state=…`
//!   (an out-of-band URI shows the code instead); an unknown app or URI is refused;
//! - `POST /oauth/token` with `grant_type=authorization_code` (`code`, `client_id`,
//!   `client_secret`, `redirect_uri`) or `client_credentials` answers
//!   `{"access_token","token_type":"Bearer","scope","created_at"}`; a code works once and for
//!   ten minutes on the fake's clock, as Doorkeeper's do;
//! - `POST /oauth/revoke` forgets a token;
//! - `GET /auth/sign_in?user=NAME` (the fake's stand-in for Mastodon's sign-in form) makes
//!   this browser that user, by a cookie, for the authorizations that follow: a test signs in
//!   an admin and a plain user of the same server.
//!
//! Client credentials are read from the body (HTTP Basic is not supported).

use serde_json::json;

use super::{Answer, Ctx};
use crate::auth::{split_scopes, App, Code};
use crate::lock;

const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";
const CODE_TTL_MS: u64 = 600_000;

fn oauth_error(status: u16, error: &str, description: &str) -> Answer {
    Answer::json(status, json!({"error": error, "error_description": description}))
}

fn invalid_client() -> Answer {
    oauth_error(
        401,
        "invalid_client",
        "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
    )
}

fn invalid_grant() -> Answer {
    oauth_error(
        400,
        "invalid_grant",
        "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
    )
}

/// `POST /api/v1/apps`.
pub(crate) fn create_app(ctx: &Ctx<'_>) -> Answer {
    let p = &ctx.params;
    let Some(name) = p.present("client_name") else { return Answer::invalid("Application name can't be blank") };
    let uris: Vec<String> =
        p.all("redirect_uris").iter().flat_map(|u| u.split_whitespace()).map(str::to_string).collect();
    if uris.is_empty() {
        return Answer::invalid("Redirect URI can't be blank");
    }
    let scopes = split_scopes(p.present("scopes").unwrap_or("read"));
    let mut auth = lock(&ctx.inner.auth);
    let (client_id, client_secret) = (auth.secret(), auth.secret());
    let id = (auth.apps.len() + 1).to_string();
    let app = App { name: name.to_string(), client_id, client_secret, redirect_uris: uris, scopes };
    let body = json!({
        "id": id,
        "name": app.name,
        "website": p.present("website"),
        "scopes": app.scopes,
        "redirect_uri": app.redirect_uris.join("\n"),
        "redirect_uris": app.redirect_uris,
        "vapid_key": "",
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "client_secret_expires_at": 0,
    });
    auth.apps.push(app);
    Answer::ok(body)
}

fn scopes_allowed(app: &App, wanted: &[String]) -> bool {
    wanted.iter().all(|s| app.scopes.contains(s))
}

const SIGNED_IN: &str = "fake_mastodon_user";

/// The user a `Cookie` header signs in.
pub(crate) fn signed_in(cookie: &str) -> Option<String> {
    cookie
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SIGNED_IN)
        .map(|(_, v)| v.to_string())
}

/// `GET /auth/sign_in?user=NAME`: one of the configured users, or 404.
pub(crate) fn sign_in(ctx: &Ctx<'_>) -> Answer {
    let Some(user) = ctx.params.present("user") else { return Answer::error(422, "user is missing") };
    if !user.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        || lock(&ctx.inner.world).account_by_acct(user).is_none()
    {
        return Answer::error(404, "No such user on this fake server");
    }
    Answer::text(200, &format!("signed in as {user}"))
        .with_header("set-cookie", format!("{SIGNED_IN}={user}; Path=/; HttpOnly; SameSite=Lax"))
}

/// `GET /oauth/authorize`.
pub(crate) fn authorize(ctx: &Ctx<'_>) -> Answer {
    let p = &ctx.params;
    let redirect = p.present("redirect_uri").unwrap_or("").to_string();
    let mut auth = lock(&ctx.inner.auth);
    let Some(app) = p.present("client_id").and_then(|c| auth.app(c)).cloned() else { return invalid_client() };
    if redirect.is_empty() || !(app.redirect_uris.is_empty() || app.redirect_uris.contains(&redirect)) {
        return oauth_error(
            400,
            "invalid_redirect_uri",
            "The requested redirect uri is malformed or doesn't match client redirect URI.",
        );
    }
    let mut back = form_urlencoded::Serializer::new(String::new());
    let scopes = split_scopes(p.present("scope").unwrap_or("read"));
    let to = |q: String| format!("{redirect}{}{q}", if redirect.contains('?') { '&' } else { '?' });
    if p.get("response_type") != Some("code") {
        back.append_pair("error", "unsupported_response_type");
    } else if !scopes_allowed(&app, &scopes) {
        back.append_pair("error", "invalid_scope");
    } else {
        let user = ctx.signed_in.clone().unwrap_or_else(|| ctx.inner.opts.oauth.user.clone());
        let Some(account_id) = lock(&ctx.inner.world).account_by_acct(&user).map(|a| a.id.clone()) else {
            return oauth_error(400, "access_denied", "The test user does not exist on this fake server.");
        };
        let code = auth.secret();
        let expires_ms = ctx.now_ms.saturating_add(CODE_TTL_MS);
        auth.codes.insert(
            code.clone(),
            Code { client_id: app.client_id.clone(), redirect_uri: redirect.clone(), scopes, account_id, expires_ms },
        );
        if redirect == OOB {
            return Answer::text(200, &code);
        }
        back.append_pair("code", &code);
    }
    if let Some(state) = p.get("state") {
        back.append_pair("state", state);
    }
    Answer::redirect(to(back.finish()))
}

/// `POST /oauth/token`.
pub(crate) fn token(ctx: &Ctx<'_>) -> Answer {
    let p = &ctx.params;
    let mut auth = lock(&ctx.inner.auth);
    let app = match (p.present("client_id"), p.present("client_secret")) {
        (Some(id), Some(secret)) => match auth.app(id) {
            Some(a) if a.client_secret == secret => a.clone(),
            _ => return invalid_client(),
        },
        _ => return invalid_client(),
    };
    let (scopes, account_id) = match p.get("grant_type") {
        Some("authorization_code") => {
            let Some(code) = p.present("code").and_then(|c| auth.codes.remove(c)) else { return invalid_grant() };
            let redirect = p.present("redirect_uri").unwrap_or("");
            if code.client_id != app.client_id || code.redirect_uri != redirect || code.expires_ms < ctx.now_ms {
                return invalid_grant();
            }
            (code.scopes, Some(code.account_id))
        }
        Some("client_credentials") => {
            let scopes = split_scopes(p.present("scope").unwrap_or("read"));
            if !scopes_allowed(&app, &scopes) {
                return oauth_error(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.");
            }
            (scopes, None)
        }
        _ => {
            return oauth_error(
                400,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            )
        }
    };
    let token = auth.secret();
    let scope = scopes.join(" ");
    auth.add_token(&token, scopes, account_id);
    Answer::ok(json!({"access_token": token, "token_type": "Bearer", "scope": scope, "created_at": ctx.now_ms / 1000}))
}

/// `POST /oauth/revoke`.
pub(crate) fn revoke(ctx: &Ctx<'_>) -> Answer {
    if let Some(t) = ctx.params.present("token") {
        lock(&ctx.inner.auth).revoke(t);
    }
    Answer::empty()
}
