//! A capture played on the wall clock is re-based to now: the shard sees its guild, members
//! and messages with new ids and times moved to the moment it plays (accounts as old,
//! relative to now, as they were relative to the capture), mentions rewritten with the ids,
//! and the map from old to new ids comes back with the report.

mod support;

use moat_fake_discord::rebase::snowflake_ms;
use moat_fake_discord::rest::ms_from_iso;
use moat_fake_discord::{FakeDiscord, Options, Pace, Play, DEFAULT_BOT_ID};
use support::{sf, Guild, T0};
use twilight_model::gateway::event::Event;

#[tokio::test]
async fn a_capture_from_months_ago_happens_now() {
    let fake = FakeDiscord::start(Options::default()).await.unwrap();
    fake.use_wall_clock();
    let g = Guild::new(3);
    let raider = sf(T0 + 5_000 - 2 * 3_600_000, 11);
    let capture = [
        g.create(T0),
        g.join(T0 + 5_000, raider),
        g.say(T0 + 6_000, 1, raider, &format!("hey <@{raider}> look <#{}> <@{DEFAULT_BOT_ID}>", g.channel)),
    ]
    .join("\n");
    let mut shard = support::shard(&fake, 0, 1);
    support::ready(&mut shard).await;
    let start = fake.now_ms();
    let report = fake.play_with(&capture, Play { pace: Pace::Fast, rebase_to: Some(start), guilds: 1 }).await;
    assert_eq!((report.events, report.bad_lines), (3, 0));
    let map = report.id_map.expect("re-based");
    let shift = map.shift_ms;
    assert_eq!(shift, start as i64 - T0 as i64);
    let (g2, raider2, channel2) = (map.get(g.id, 0), map.get(raider, 0), map.get(g.channel, 0));
    assert!(g2 != g.id && raider2 != raider && channel2 != g.channel);

    let mut seen = 0;
    while seen < 3 {
        match support::next(&mut shard).await.expect("open") {
            Event::GuildCreate(gc) => {
                assert_eq!(gc.id().get(), g2);
                seen += 1;
            }
            Event::MemberAdd(m) => {
                assert_eq!(m.user.id.get(), raider2);
                let joined = ms_from_iso(&m.joined_at.expect("joined").iso_8601().to_string()).unwrap();
                assert_eq!(joined, start + 5_000, "joined five seconds into the replay");
                assert_eq!(snowflake_ms(raider2), start + 5_000 - 2 * 3_600_000, "a two-hour-old account, now");
                seen += 1;
            }
            Event::MessageCreate(m) => {
                assert_eq!(snowflake_ms(m.id.get()), start + 6_000);
                assert_eq!(m.content, format!("hey <@{raider2}> look <#{channel2}> <@{DEFAULT_BOT_ID}>"));
                assert_eq!(m.guild_id.map(|i| i.get()), Some(g2));
                seen += 1;
            }
            _ => {}
        }
    }
    assert!(fake.world().guilds.contains_key(&g2), "the fake's state follows the new ids");
    let json = map.to_json();
    assert_eq!(json["ids"][raider.to_string()][0], raider2.to_string());
    assert!(json["ids"].get(DEFAULT_BOT_ID.to_string()).is_none(), "the bot keeps its id");
}
