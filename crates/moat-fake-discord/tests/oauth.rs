//! "Login with Discord" offline: authorize redirects with a code and the state, the code is
//! exchanged (client secret checked, form body) for a Bearer token, `users/@me` and
//! `users/@me/guilds` answer for the user who logged in, with `owner` and `permissions` as
//! a string; refresh works once; tokens expire on the fake's clock; two users, two views.

mod support;

use moat_fake_discord::{FakeDiscord, OAuthUser, Options, DEFAULT_BOT_ID};
use support::{http, Reply};

const MANAGE_GUILD: u64 = 1 << 5;
const ALICE: u64 = 101;
const BOB: u64 = 202;
const REDIRECT: &str = "http://127.0.0.1:8080/auth/callback";

fn options() -> Options {
    let mut o = Options::default();
    o.oauth.users = vec![
        OAuthUser::new(ALICE, "alice").in_guild(1, true, 0).in_guild(2, false, MANAGE_GUILD),
        OAuthUser::new(BOB, "bob").in_guild(2, false, 0),
    ];
    o.oauth.token_ttl_ms = 60_000;
    o
}

async fn authorize(fake: &FakeDiscord, cookie: Option<&str>) -> Reply {
    let path = format!(
        "/oauth2/authorize?response_type=code&client_id={DEFAULT_BOT_ID}&scope=identify%20guilds&state=xyz%2F1&redirect_uri={}",
        moat_fake_discord::rest::form::encode(REDIRECT)
    );
    let headers: Vec<(&str, &str)> = cookie.map(|c| vec![("cookie", c)]).unwrap_or_default();
    http(&fake.rest_proxy(), "GET", &path, &headers, "").await
}

fn code_of(r: &Reply) -> String {
    let loc = r.header("location").expect("a redirect");
    assert!(loc.starts_with(&format!("{REDIRECT}?code=")), "{loc}");
    assert!(loc.ends_with("&state=xyz%2F1"), "the state comes back: {loc}");
    moat_fake_discord::rest::form::get(loc.split_once('?').unwrap().1, "code").unwrap()
}

async fn token(fake: &FakeDiscord, form: &str) -> Reply {
    http(
        &fake.rest_proxy(),
        "POST",
        "/api/oauth2/token",
        &[("content-type", "application/x-www-form-urlencoded")],
        form,
    )
    .await
}

fn exchange(code: &str, secret: &str) -> String {
    format!(
        "grant_type=authorization_code&code={code}&redirect_uri={}&client_id={DEFAULT_BOT_ID}&client_secret={secret}",
        moat_fake_discord::rest::form::encode(REDIRECT)
    )
}

async fn get(fake: &FakeDiscord, path: &str, bearer: &str) -> Reply {
    let auth = format!("Bearer {bearer}");
    http(&fake.rest_proxy(), "GET", &format!("/api/v10{path}"), &[("authorization", &auth)], "").await
}

#[tokio::test]
async fn the_code_flow_end_to_end() {
    let fake = FakeDiscord::start(options()).await.unwrap();
    fake.advance_clock(0);
    let r = authorize(&fake, None).await;
    assert_eq!(r.status, 302);
    let code = code_of(&r);
    assert_eq!(token(&fake, &exchange(&code, "wrong")).await.status, 401, "the client secret is checked");
    let t = token(&fake, &exchange(&code, "fake-client-secret")).await;
    assert_eq!(t.status, 200, "{}", t.body);
    let t = t.json();
    assert_eq!(
        (t["token_type"].as_str(), t["scope"].as_str(), t["expires_in"].as_u64()),
        (Some("Bearer"), Some("identify guilds"), Some(60))
    );
    let again = token(&fake, &exchange(&code, "fake-client-secret")).await;
    assert_eq!(again.json()["error"], "invalid_grant", "a code works once");

    let access = t["access_token"].as_str().unwrap();
    let me = get(&fake, "/users/@me", access).await.json();
    assert_eq!((me["id"].as_str(), me["username"].as_str()), (Some("101"), Some("alice")));
    let guilds = get(&fake, "/users/@me/guilds", access).await.json();
    assert_eq!(guilds[0]["id"], "1");
    assert_eq!((guilds[0]["owner"].as_bool(), guilds[1]["permissions"].as_str()), (Some(true), Some("32")));

    fake.advance_clock(60_000);
    assert_eq!(get(&fake, "/users/@me", access).await.status, 401, "expired on the fake's clock");
    let refresh = format!(
        "grant_type=refresh_token&refresh_token={}&client_id={DEFAULT_BOT_ID}&client_secret=fake-client-secret",
        t["refresh_token"].as_str().unwrap()
    );
    let fresh = token(&fake, &refresh).await.json();
    assert_eq!(get(&fake, "/users/@me", fresh["access_token"].as_str().unwrap()).await.status, 200);
    assert_eq!(token(&fake, &refresh).await.json()["error"], "invalid_grant", "refresh tokens rotate");
    assert_eq!(get(&fake, "/guilds/1", fresh["access_token"].as_str().unwrap()).await.status, 401, "no bot routes");
    fake.assert_spec_clean();
}

#[tokio::test]
async fn two_users_see_their_own_guilds() {
    let fake = FakeDiscord::start(options()).await.unwrap();
    let login = http(&fake.rest_proxy(), "GET", &format!("/login?user={BOB}&next=/done"), &[], "").await;
    let cookie = login.header("set-cookie").expect("a cookie").split(';').next().unwrap().to_string();
    let bob_code = code_of(&authorize(&fake, Some(&cookie)).await);
    let alice_code = code_of(&authorize(&fake, None).await);
    let bob = token(&fake, &exchange(&bob_code, "fake-client-secret")).await.json();
    let alice = token(&fake, &exchange(&alice_code, "fake-client-secret")).await.json();
    let ids = |r: Reply| {
        r.json().as_array().unwrap().iter().map(|g| g["id"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(ids(get(&fake, "/users/@me/guilds", bob["access_token"].as_str().unwrap()).await), ["2"]);
    assert_eq!(ids(get(&fake, "/users/@me/guilds", alice["access_token"].as_str().unwrap()).await), ["1", "2"]);
    fake.set_oauth_user(BOB);
    let code = code_of(&authorize(&fake, None).await);
    let t = token(&fake, &exchange(&code, "fake-client-secret")).await.json();
    assert_eq!(get(&fake, "/users/@me", t["access_token"].as_str().unwrap()).await.json()["id"], "202");
}

#[tokio::test]
async fn bad_requests_are_refused() {
    let fake = FakeDiscord::start(options()).await.unwrap();
    let bad_redirect = format!("/oauth2/authorize?response_type=code&client_id={DEFAULT_BOT_ID}&scope=identify&redirect_uri=https%3A%2F%2Fevil.example%2F");
    assert_eq!(http(&fake.rest_proxy(), "GET", &bad_redirect, &[], "").await.status, 400);
    let bad_client = format!(
        "/oauth2/authorize?response_type=code&client_id=5&scope=identify&redirect_uri={}",
        moat_fake_discord::rest::form::encode(REDIRECT)
    );
    assert_eq!(http(&fake.rest_proxy(), "GET", &bad_client, &[], "").await.status, 400);
    let bad_scope = format!(
        "/oauth2/authorize?response_type=code&client_id={DEFAULT_BOT_ID}&scope=bot%20admin&state=s&redirect_uri={}",
        moat_fake_discord::rest::form::encode(REDIRECT)
    );
    let r = http(&fake.rest_proxy(), "GET", &bad_scope, &[], "").await;
    assert_eq!(r.header("location"), Some(format!("{REDIRECT}?error=invalid_scope&state=s").as_str()));
    let basic = "Basic MTI3NTA3NjgwNDYwODEzMTA3NDpmYWtlLWNsaWVudC1zZWNyZXQ="; // id:secret
    let r =
        http(&fake.rest_proxy(), "POST", "/api/v10/oauth2/token", &[("authorization", basic)], "grant_type=password")
            .await;
    assert_eq!(r.json()["error"], "unsupported_grant_type", "HTTP Basic client auth works: {}", r.body);
}
