//! Recording: the live bot, against the fake Discord, keeps a guild that opted in as a
//! capture; replaying that day gives exactly the actions live gave. A guild that did not opt
//! in leaves no file.

mod common;

use moat_core::action::json;
use moat_core::id::GuildId;
use moat_discord::recording::{day_file, day_of, replay_day, RecordSettings};
use moat_discord::Feed;
use moat_fake_discord::Options;
use moat_testkit::fixture as scenario;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_day_replays_to_the_actions_live_took() {
    let dir = std::env::temp_dir().join(format!("moat-record-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (ids, raid) = scenario::raid(30);
    let (_, flood) = scenario::flood();
    let text = format!("[guilds.\"{}\".live]\nrecord = true\n", ids.guild);
    let settings = RecordSettings { dir: dir.clone(), retention_days: 7 };
    let h = common::start_with(Options::default(), common::config(&text), |c| c.record = Some(settings)).await;
    let mut feed = h.bot.subscribe();
    h.play(&raid).await;
    h.play(&flood).await;
    let day = day_of(h.fake.now_ms());
    let common::Harness { fake, bot } = h;
    bot.stop().await;
    drop(fake);
    let mut live = Vec::new();
    while let Ok(f) = feed.try_recv() {
        if let Feed::Action(a) = f {
            live.push(json::to_value(&a));
        }
    }
    assert!(live.len() > 30, "live acted: {}", live.len());

    let file = day_file(&dir, GuildId(ids.guild), &day);
    let text_read = std::fs::read_to_string(&file).expect("the day was recorded");
    assert!(text_read.lines().next().unwrap().contains("\"t\":\"GUILD_CREATE\""), "the day opens with the guild");
    assert!(text_read.lines().all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()), "every line is JSON");
    let replayed =
        replay_day(&dir, GuildId(ids.guild), &day, common::config(&text), Box::new(moat_core::links::NoLinks))
            .expect("the day replays");
    assert_eq!(replayed.bad_lines, 0);
    let replayed: Vec<_> = replayed.actions.iter().map(json::to_value).collect();
    // Live, timers fire as the clock moves; the replay drains them at the end: compare what
    // live did with the same number of the replay's first actions.
    assert!(replayed.len() >= live.len(), "{} replayed, {} live", replayed.len(), live.len());
    for (i, (l, r)) in live.iter().zip(&replayed).enumerate() {
        assert_eq!(l, r, "action {i} differs");
    }
    let others = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(others, 1, "only the guild that opted in is recorded");
    let _ = std::fs::remove_dir_all(&dir);
}
