//! Login with Discord end to end against the fake Discord's OAuth2, with two moderators and
//! two guilds: each sees only the guild they manage, on every route; `state`, signed
//! cookies, CSRF, the login rate limit and the security headers hold.

mod common;

use common::{csrf, dashboard, fake_discord, login, Browser, TestBot, ANN, BOB, G1, G2, G3};

fn bot() -> TestBot {
    TestBot::with_guilds(&[(G1, "Guild One"), (G2, "Guild Two")])
}

#[tokio::test]
async fn each_moderator_sees_only_the_guild_they_manage() {
    let fake = fake_discord().await;
    let d = dashboard(&fake, bot(), |_| {}).await;

    let ann = Browser::default();
    let (page, url) = login(&ann, &fake, &d.base, ANN).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(url.ends_with(&format!("/g/{G1}")), "Ann's only guild opens at once: {url}");
    assert!(page.body.contains("Guild One"));
    let cookie = ann.jar.lock().unwrap().get(&d.base["http://".len()..]).unwrap().get("moat_session").cloned();
    assert!(cookie.is_some(), "a session cookie is set");

    let bob = Browser::default();
    let (page, url) = login(&bob, &fake, &d.base, BOB).await;
    assert!(url.ends_with(&format!("/g/{G2}")), "{url}");
    assert!(page.body.contains("Guild Two"));

    let now = moat_http::server::wall_ms();
    let i1 = common::record_raid(&d.sources.store, G1, 3, now).await.get();
    let i2 = common::record_raid(&d.sources.store, G2, 3, now).await.get();
    let p1 = [format!("/incidents/{i1}"), format!("/incidents/{i1}/export.json")];
    let p2 = [format!("/incidents/{i2}"), format!("/incidents/{i2}/export.json")];
    assert_eq!(bob.get(&format!("{}/g/{G2}{}", d.base, p2[0])).await.status, 200);
    for (a, b) in p1.iter().zip(&p2) {
        assert_eq!(ann.get(&format!("{}/g/{G1}{a}", d.base)).await.status, 200, "Ann opens {a}");
        assert_eq!(ann.get(&format!("{}/g/{G2}{b}", d.base)).await.status, 404, "not Bob's incident {b}");
        assert_eq!(
            ann.get(&format!("{}/g/{G1}{b}", d.base)).await.status,
            404,
            "guild 2's incident under guild 1's path"
        );
        assert_eq!(bob.get(&format!("{}/g/{G1}{a}", d.base)).await.status, 404);
    }
    for path in ["", "/incidents", "/settings", "/links", "/live"] {
        assert_eq!(ann.get(&format!("{}/g/{G1}{path}", d.base)).await.status / 100, 2, "Ann opens {path}");
        assert_eq!(
            ann.get(&format!("{}/g/{G2}{path}", d.base)).await.status,
            404,
            "Ann is a plain member of guild 2: {path}"
        );
        assert_eq!(bob.get(&format!("{}/g/{G1}{path}", d.base)).await.status, 404, "Bob cannot open guild 1: {path}");
        assert_eq!(ann.get(&format!("{}/g/{G3}{path}", d.base)).await.status, 404, "moat is not in guild 3: {path}");
    }
    // A form of Bob's guild, posted with Ann's own valid token, is still refused.
    let page = ann.get(&format!("{}/g/{G1}/settings", d.base)).await;
    let token = csrf(&page.body);
    let r = ann
        .post_form(
            &format!("{}/g/{G2}/settings", d.base),
            &[("csrf", &token), ("section", "raid"), ("key", "enabled"), ("value", "false")],
        )
        .await;
    assert_eq!(r.status, 404);
    assert!(d.bot.asked.lock().unwrap().is_empty(), "nothing reached the bot");

    // Logged out, nothing opens.
    let stranger = Browser::default();
    let r = stranger.get(&format!("{}/g/{G1}", d.base)).await;
    assert_eq!((r.status, r.location().as_str()), (303, "/login"));
}

#[tokio::test]
async fn a_callback_without_this_browsers_state_is_refused() {
    let fake = fake_discord().await;
    let d = dashboard(&fake, bot(), |_| {}).await;
    let victim = Browser::default();
    let attacker = Browser::default();
    // The attacker starts a login and hands their callback URL to the victim.
    attacker.get(&format!("{}/login?user={BOB}", fake.rest_url())).await;
    let to_discord = attacker.get(&format!("{}/auth/start", d.base)).await.location();
    let callback = attacker.get(&to_discord).await.location();
    assert!(callback.contains("code=") && callback.contains("state="));
    let r = victim.get(&callback).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("not one this browser started"));
    assert!(victim.jar.lock().unwrap().values().all(|c| !c.contains_key("moat_session")));
    // A made-up state with the attacker's own cookie fails too.
    let forged = callback.replace("state=", "state=x");
    assert_eq!(attacker.get(&forged).await.status, 400);
}

#[tokio::test]
async fn forged_cookies_and_forms_without_the_token_do_nothing() {
    let fake = fake_discord().await;
    let d = dashboard(&fake, bot(), |_| {}).await;
    let ann = Browser::default();
    login(&ann, &fake, &d.base, ANN).await;
    let host = d.base["http://".len()..].to_string();
    let real = ann.jar.lock().unwrap()[&host]["moat_session"].clone();

    let url = format!("{}/g/{G1}/settings", d.base);
    let r = ann.post_form(&url, &[("section", "raid"), ("key", "enabled"), ("value", "false")]).await;
    assert_eq!(r.status, 403, "no CSRF token");
    let r =
        ann.post_form(&url, &[("csrf", "guess"), ("section", "raid"), ("key", "enabled"), ("value", "false")]).await;
    assert_eq!(r.status, 403, "a wrong CSRF token");
    assert!(d.bot.asked.lock().unwrap().is_empty());

    // Ann's cookie with a changed payload (claiming guild 2) is no session.
    let (_, sig) = real.split_once('.').unwrap();
    let forged_payload =
        base64_url(&format!(r#"{{"u":{ANN},"n":"ann","g":[{G1},{G2}],"m":[],"c":"t","e":99999999999999}}"#));
    ann.jar.lock().unwrap().get_mut(&host).unwrap().insert("moat_session".into(), format!("{forged_payload}.{sig}"));
    let r = ann.get(&format!("{}/g/{G2}", d.base)).await;
    assert_eq!((r.status, r.location().as_str()), (303, "/login"));
}

fn base64_url(s: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &x)| acc | (u32::from(x) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[tokio::test]
async fn logins_are_rate_limited_and_pages_carry_the_security_headers() {
    let fake = fake_discord().await;
    let d = dashboard(&fake, bot(), |c| c.logins_per_minute = 2).await;
    let b = Browser::default();
    assert_eq!(b.get(&format!("{}/auth/start", d.base)).await.status, 303);
    assert_eq!(b.get(&format!("{}/auth/start", d.base)).await.status, 303);
    let r = b.get(&format!("{}/auth/start", d.base)).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("60"));

    let r = b.get(&format!("{}/login", d.base)).await;
    let csp = r.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert!(!r.body.contains("fake-client-secret"));
}

#[tokio::test]
async fn logout_needs_the_token_and_ends_the_session() {
    let fake = fake_discord().await;
    let d = dashboard(&fake, bot(), |_| {}).await;
    let ann = Browser::default();
    let (page, _) = login(&ann, &fake, &d.base, ANN).await;
    let token = csrf(&page.body);
    assert_eq!(ann.post_form(&format!("{}/logout", d.base), &[("csrf", "nope")]).await.status, 403);
    assert_eq!(ann.get(&format!("{}/g/{G1}", d.base)).await.status, 200);
    let r = ann.post_form(&format!("{}/logout", d.base), &[("csrf", &token)]).await;
    assert_eq!(r.status, 303);
    assert_eq!(ann.get(&format!("{}/g/{G1}", d.base)).await.status, 303);
}
