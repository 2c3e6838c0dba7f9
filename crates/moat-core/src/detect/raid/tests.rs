use super::*;

const T0: Millis = 1_767_272_400_000;
/// Test ids carry their account's creation time, for brevity: (ms since this) << 22.
const EPOCH: Millis = 1_420_070_400_000;

/// A user whose account was created `age` before `at`, made unique by `n`.
fn uid(age: Millis, at: Millis, n: u64) -> UserId {
    UserId(((at - age - EPOCH) << 22) | (n & 0x3F_FFFF))
}

fn join(user: UserId, name: &str, default_avatar: bool) -> MemberJoined<'_> {
    MemberJoined {
        user,
        account_created: (user.get() >> 22) + EPOCH,
        default_avatar,
        username: name.into(),
        ..Default::default()
    }
}

#[test]
fn account_suspicion_falls_with_age() {
    assert!(account_suspicion(HOUR, true) > account_suspicion(3 * DAY, true));
    assert!(account_suspicion(3 * DAY, false) > account_suspicion(60 * DAY, false));
    assert_eq!(account_suspicion(400 * DAY, false), 0.0);
}

#[test]
fn name_shapes_collapse_digits_and_case() {
    assert_eq!(name_shape("GiftBoy67127"), name_shape("giftboy3"));
    assert_ne!(name_shape("giftboy1"), name_shape("giftbot1"));
    assert_ne!(name_shape("jamie"), name_shape("jamie.dev"));
}

#[test]
fn a_burst_of_fresh_accounts_is_a_raid_and_later_raiders_are_members() {
    let s = RaidSettings::default();
    let mut w = RaidWatch::default();
    let mut declared = None;
    for i in 0..6u64 {
        let t = T0 + i * 300;
        let name = format!("nitroboy{i}");
        match w.on_join(&s, t, &join(uid(2 * DAY, t, i), &name, true)) {
            Outcome::Nothing => {}
            Outcome::Declared { members, reason, .. } => declared = Some((members, reason)),
            other => panic!("unexpected {other:?}"),
        }
    }
    let (members, reason) = declared.expect("six fresh joins in 2 s");
    assert_eq!(members.len(), 6);
    assert!(reason.starts_with("raid: 6 joins in 60 s"), "{reason}");
    // A raider arriving later is contained on arrival...
    let t = T0 + 10_000;
    let late = w.on_join(&s, t, &join(uid(HOUR, t, 99), "nitroboy77", true));
    assert!(matches!(late, Outcome::Member { .. }), "{late:?}");
    // ...an established account is spared.
    let t = T0 + 11_000;
    let genuine = w.on_join(&s, t, &join(uid(900 * DAY, t, 100), "leo", false));
    assert_eq!(genuine, Outcome::Nothing);
    let Phase::Raid(r) = &w.phase else { panic!("in raid") };
    assert_eq!((r.members.len(), r.spared.len()), (7, 1));
}

#[test]
fn a_stream_influx_of_established_accounts_only_alerts() {
    let s = RaidSettings::default();
    let mut w = RaidWatch::default();
    let mut spikes = 0;
    for i in 0..80u64 {
        let t = T0 + i * 500;
        // Real people: accounts of months or years, most with avatars, varied names.
        let age = (60 + (i * 37) % 2000) * DAY;
        let name = format!("viewer_{}", ["ana", "bo", "cy", "dee", "eli", "fay", "gus"][(i % 7) as usize]);
        match w.on_join(&s, t, &join(uid(age, t, i), &name, i % 5 == 0)) {
            Outcome::Nothing => {}
            Outcome::Spike { .. } => spikes += 1,
            other => panic!("an influx of real people is not a raid: {other:?}"),
        }
    }
    assert_eq!(spikes, 1, "one alert, not one per join");
    assert!(!w.in_raid());
}

#[test]
fn a_slow_raid_is_caught_by_the_long_window() {
    let s = RaidSettings::default();
    let mut w = RaidWatch::default();
    let mut outcome = Outcome::Nothing;
    let mut n = 0;
    while !matches!(outcome, Outcome::Declared { .. }) && n < 40 {
        let t = T0 + n * 45_000;
        outcome = w.on_join(&s, t, &join(uid(DAY / 2, t, n), &format!("freegift{n}"), true));
        n += 1;
    }
    let Outcome::Declared { members, reason, .. } = outcome else { panic!("a slow raid is caught") };
    assert!(reason.contains("15 min"), "{reason}");
    assert!(members.len() >= s.slow_min_joins as usize);
}

#[test]
fn ordinary_joins_of_young_accounts_at_a_normal_rate_are_nothing() {
    let s = RaidSettings::default();
    let mut w = RaidWatch::default();
    for i in 0..100u64 {
        let t = T0 + i * 10 * MINUTE;
        let o = w.on_join(&s, t, &join(uid(2 * DAY, t, i), "newbie", true));
        assert_eq!(o, Outcome::Nothing, "join {i}");
    }
}

#[test]
fn hostile_newcomers_confirm_a_raid_without_a_spike() {
    let s = RaidSettings::default();
    let mut w = RaidWatch::default();
    let silent = uid(HOUR, T0, 1);
    w.on_join(&s, T0, &join(silent, "quiet1", true));
    assert_eq!(w.on_hostile_newcomer(&s, T0 + 1000, UserId(10), "pinging @everyone"), Outcome::Nothing);
    assert_eq!(
        w.on_hostile_newcomer(&s, T0 + 2000, UserId(10), "pinging @everyone"),
        Outcome::Nothing,
        "same user twice"
    );
    assert_eq!(w.on_hostile_newcomer(&s, T0 + 3000, UserId(11), "pinging @everyone"), Outcome::Nothing);
    let Outcome::Declared { members, .. } = w.on_hostile_newcomer(&s, T0 + 4000, UserId(12), "mass-pinging") else {
        panic!("three hostile newcomers")
    };
    assert_eq!(members[..3], [UserId(10), UserId(11), UserId(12)]);
    assert!(members.contains(&silent), "the silent fresh joiner is an accomplice");
    assert!(matches!(w.on_hostile_newcomer(&s, T0 + 5000, UserId(13), "x"), Outcome::Member { .. }));
}

#[test]
fn a_raid_ends_when_quiet_or_at_its_maximum() {
    let s = RaidSettings::default();
    let mut w = RaidWatch::default();
    for i in 0..6u64 {
        w.on_join(&s, T0 + i, &join(uid(HOUR, T0, i), "x", true));
    }
    assert!(w.in_raid());
    let quiet = u64::from(s.quiet_secs) * 1000;
    assert_eq!(w.deadline(&s), Some(T0 + 5 + quiet));
    assert!(w.tick(&s, T0 + quiet - 1).is_none());
    let ended = w.tick(&s, T0 + 5 + quiet).expect("quiet");
    assert!(ended.reason.contains("no new raid member for 15 min"), "{}", ended.reason);
    assert!(!w.in_raid());

    // A raid that never goes quiet still ends at its maximum.
    let mut w = RaidWatch::default();
    for i in 0..6u64 {
        w.on_join(&s, T0 + i, &join(uid(HOUR, T0, i), "y", true));
    }
    let mut t = T0;
    let max = u64::from(s.max_secs) * 1000;
    let mut n = 100;
    let ended = loop {
        t += 60_000;
        n += 1;
        w.on_join(&s, t, &join(uid(HOUR, t, n), "y", true));
        if let Some(e) = w.tick(&s, t) {
            break e;
        }
        assert!(t < T0 + max + 120_000, "never ended");
    };
    assert!(ended.reason.contains("maximum"), "{}", ended.reason);
}

#[test]
fn the_baseline_learns_a_busy_guild() {
    let s = RaidSettings::default();
    let mut w = RaidWatch::default();
    // Twelve hours of a busy guild: 8 established joins a minute.
    for i in 0..(12 * 60 * 8u64) {
        let t = T0 + i * 7_500;
        w.on_join(&s, t, &join(uid(400 * DAY, t, i), "member", false));
    }
    assert!(w.baseline(&s) > 300.0, "{}", w.baseline(&s));
    // Six young accounts in a minute is now ordinary for this guild.
    let t1 = T0 + 12 * HOUR + 1000;
    for i in 0..6u64 {
        let o = w.on_join(&s, t1 + i * 1000, &join(uid(2 * DAY, t1, 10_000 + i), "n", true));
        assert_eq!(o, Outcome::Nothing);
    }
}

#[test]
fn silent_joiners_named_like_attackers_are_accomplices() {
    let s = RaidSettings::default();
    let mut w = RaidWatch::default();
    // Three attackers, one silent friend named like one of them (too few alike to be a
    // crowd), an established joiner named alike too, and a young joiner named otherwise.
    let attackers: Vec<UserId> = (0..3).map(|i| uid(3 * DAY, T0, i)).collect();
    for (i, (&a, name)) in attackers.iter().zip(["deals1", "zz2", "qq3"]).enumerate() {
        w.on_join(&s, T0 + i as u64 * 2 * MINUTE, &join(a, name, false));
    }
    // Joins two minutes apart: no spike, so only the attacks reveal the raid.
    let friend = uid(3 * DAY, T0, 10);
    w.on_join(&s, T0 + 6 * MINUTE, &join(friend, "deals77", false));
    let veteran = uid(900 * DAY, T0, 11);
    w.on_join(&s, T0 + 8 * MINUTE, &join(veteran, "zz5", false));
    let stranger = uid(3 * DAY, T0, 12);
    w.on_join(&s, T0 + 10 * MINUTE, &join(stranger, "marigold", false));
    let mut outcome = Outcome::Nothing;
    for (i, &a) in attackers.iter().enumerate() {
        outcome = w.on_hostile_newcomer(&s, T0 + 11 * MINUTE + i as u64, a, "mass-pinging");
    }
    let Outcome::Declared { members, .. } = outcome else { panic!("declared") };
    assert!(members.contains(&friend));
    assert!(!members.contains(&veteran), "an old account is not suspicious enough, whatever its name");
    assert!(!members.contains(&stranger), "a young account with an unrelated name needs more");
}

#[test]
fn an_established_joiner_that_looks_like_the_raid_is_doubtful_not_a_member() {
    let s = RaidSettings::default();
    let mut w = RaidWatch::default();
    for i in 0..6u64 {
        let t = T0 + i * 300;
        w.on_join(&s, t, &join(uid(2 * DAY, t, i), &format!("daniel_{i}"), true));
    }
    assert!(w.in_raid());
    // A real viewer, years old with no avatar, whose name has the raid's shape: looks alone
    // (a name crowd and a default avatar) do not contain an established account.
    let t = T0 + 10_000;
    let viewer = uid(900 * DAY, t, 50);
    assert_eq!(w.on_join(&s, t, &join(viewer, "daniel_4821", true)), Outcome::Nothing);
    // A fresh account with the same looks is a member.
    let t = T0 + 11_000;
    assert!(matches!(w.on_join(&s, t, &join(uid(3 * DAY, t, 51), "daniel_77", true)), Outcome::Member { .. }));
    let Phase::Raid(r) = &w.phase else { panic!("in raid") };
    assert!(!r.members.contains(&viewer));
    assert_eq!(r.doubtful, vec![viewer], "listed for a moderator");
}

#[test]
fn hostile_newcomers_do_not_drag_in_established_lookalikes() {
    let s = RaidSettings::default();
    let mut w = RaidWatch::default();
    let attackers: Vec<UserId> = (0..3).map(|i| uid(3 * DAY, T0, i)).collect();
    for (i, &a) in attackers.iter().enumerate() {
        w.on_join(&s, T0 + i as u64 * 2 * MINUTE, &join(a, &format!("deals{i}"), true));
    }
    // Named like the attackers, no avatar, but a two-year-old account.
    let veteran = uid(700 * DAY, T0, 20);
    w.on_join(&s, T0 + 7 * MINUTE, &join(veteran, "deals900", true));
    let mut outcome = Outcome::Nothing;
    for (i, &a) in attackers.iter().enumerate() {
        outcome = w.on_hostile_newcomer(&s, T0 + 9 * MINUTE + i as u64, a, "mass-pinging");
    }
    let Outcome::Declared { members, .. } = outcome else { panic!("declared") };
    assert_eq!(members, attackers);
    let Phase::Raid(r) = &w.phase else { panic!("in raid") };
    assert_eq!(r.doubtful, vec![veteran]);
}

#[test]
fn a_burst_confirmed_during_a_raid_keeps_its_undecided_for_the_moderators() {
    let s = RaidSettings::default();
    let mut w = RaidWatch::default();
    for i in 0..6u64 {
        w.on_join(&s, T0 + i * 300, &join(uid(2 * DAY, T0, i), "x", true));
    }
    assert!(w.in_raid());
    let (actor, undecided) = (uid(2 * DAY, T0, 0), uid(700 * DAY, T0, 40));
    let o = w.declare_behaviour(&s, T0 + 5_000, T0, &[actor], vec![undecided], "raid: burst".into(), vec![]);
    assert!(matches!(o, Outcome::Joined { .. }), "{o:?}");
    let ended = w.end_now("a moderator").expect("in raid");
    assert_eq!(ended.raid.doubtful, vec![undecided], "listed when the raid ends, not dropped");
}
