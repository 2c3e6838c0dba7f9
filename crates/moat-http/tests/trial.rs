//! "Try it on the last day": a setting tried on a guild's recorded day before it is saved,
//! over HTTP, against the fake Discord's login: the replay with the edited setting shows the
//! actions it would not have taken (and their reasons), a bad value is refused naming the
//! key, nothing is saved until Save, and a guild with no recording says so.

mod common;

use common::{csrf, login, Browser, TestBot, ANN};
use moat_fake_discord::{FakeDiscord, OAuthOptions, OAuthUser, Options};

const OTHER: u64 = 555_000_000_000_000_005;

#[tokio::test]
async fn a_setting_is_tried_on_the_last_recorded_day_before_it_is_saved() {
    let (ids, capture) = moat_testkit::fixture::flood();
    let guild = ids.guild;
    let dir = std::env::temp_dir().join(format!("moat-http-trial-{}", std::process::id()));
    std::fs::create_dir_all(dir.join(guild.to_string())).unwrap();
    std::fs::write(dir.join(guild.to_string()).join("2025-12-31.jsonl"), "").unwrap();
    std::fs::write(dir.join(guild.to_string()).join("2026-01-01.jsonl"), &capture).unwrap();

    let users = vec![OAuthUser::new(ANN, "ann").in_guild(guild, true, 0).in_guild(OTHER, true, 0)];
    let opts = Options { oauth: OAuthOptions { users, ..OAuthOptions::default() }, ..Options::default() };
    let fake = FakeDiscord::start(opts).await.unwrap();
    let store = moat_store::Store::open("sqlite::memory:").await.unwrap();
    let bot = TestBot::with_guilds(&[(guild, "Flood Town"), (OTHER, "Quiet Place")]);
    let d = common::dashboard_recorded(&fake, bot, store, Some(dir.clone()), |_| {}).await;
    let ann = Browser::default();
    login(&ann, &fake, &d.base, ANN).await;

    let page = ann.get(&format!("{}/g/{guild}/settings", d.base)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Try on 2026-01-01"), "the newest day is offered");
    let token = csrf(&page.body);
    let try_it = |key: &'static str, value: &'static str| {
        let (ann, url, token) = (&ann, format!("{}/g/{guild}/settings/try", d.base), token.clone());
        async move {
            let (section, key) = key.split_once('.').unwrap();
            ann.post_form(&url, &[("csrf", &token), ("section", section), ("key", key), ("value", value)]).await
        }
    };

    // A limit no flood reaches: the flooder's timeout and deletions would not have happened.
    let r = try_it("pressure.limit", "500").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let trial = &r.body[r.body.find("id=\"trial\"").expect("a trial card")..];
    assert!(trial.contains("Tried on 2026-01-01"), "{trial}");
    let removed = &trial[trial.find("id=\"trial-removed\"").expect("actions removed")..];
    let removed = &removed[..removed.find("</table>").unwrap()];
    assert!(removed.contains(">timeout<") && removed.contains("pressure"), "{removed}");
    assert!(removed.contains("pressure 67.1 &gt; 60: 4 messages"), "each with the reason it had: {removed}");
    assert!(!trial.contains("id=\"trial-added\""), "a higher limit adds nothing: {trial}");
    assert!(trial.contains("name=\"value\" value=\"500\"") && trial.contains("Save this change"));
    assert!(d.bot.asked.lock().unwrap().is_empty(), "a trial saves nothing");

    // The value in force changes nothing.
    let r = try_it("pressure.limit", "60").await;
    assert!(r.body.contains("id=\"trial-same\""), "{}", r.body);

    // A bad value is refused as a save would refuse it.
    let r = try_it("raid.raid_mean_suspicion", "2.0").await;
    assert_eq!(r.status, 400);
    let err = &r.body[r.body.find("id=\"error\"").expect("an error")..];
    assert!(err.contains("raid_mean_suspicion") && err.contains("between 0 and 1"), "{err}");

    // A guild with nothing recorded says so, and refuses a trial.
    let page = ann.get(&format!("{}/g/{OTHER}/settings", d.base)).await;
    assert!(page.body.contains("No traffic of this server is recorded") && !page.body.contains("Try on "));
    let r = ann
        .post_form(
            &format!("{}/g/{OTHER}/settings/try", d.base),
            &[("csrf", &token), ("section", "pressure"), ("key", "limit"), ("value", "80")],
        )
        .await;
    assert_eq!(r.status, 400);
    let _ = std::fs::remove_dir_all(&dir);
}
