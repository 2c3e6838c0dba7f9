use super::*;

fn fp(ts: Millis, user: u64, guild: u64, key: u64, signs: Signs, moderator: bool) -> Fingerprint {
    Fingerprint {
        ts,
        user: UserId(user),
        guild: GuildId(guild),
        channel: ChannelId(guild * 10),
        message: MessageId(ts),
        keys: vec![key],
        link_keys: Vec::new(),
        signs,
        moderator,
    }
}

#[test]
fn the_same_lure_into_three_guilds_is_a_campaign_in_all_of_them() {
    let s = CrossGuildSettings::default();
    let mut w = CrossGuildWatch::default();
    assert!(w.observe(&s, &fp(1_000, 7, 1, 42, Signs::LURE, false)).is_none());
    assert!(w.observe(&s, &fp(9_000, 7, 2, 42, Signs::LURE, false)).is_none());
    assert!(w.observe(&s, &fp(9_500, 7, 2, 42, Signs::LURE, false)).is_none(), "the same guild twice");
    let c = w.observe(&s, &fp(20_000, 7, 3, 42, Signs::LURE, false)).expect("third guild");
    assert_eq!(c.guilds, 3);
    assert_eq!(c.hits.len(), 4, "every post goes");
    assert!(c.reason.contains("into 3 protected guilds within 19 s (lure text)"), "{}", c.reason);
    let again = w.observe(&s, &fp(30_000, 7, 4, 42, Signs::default(), false)).expect("watched");
    assert_eq!(again.hits.len(), 1);
}

#[test]
fn one_sign_is_not_enough_and_a_moderator_needs_a_strong_one() {
    let s = CrossGuildSettings::default();
    let mut w = CrossGuildWatch::default();
    for g in 1..=5 {
        assert!(w.observe(&s, &fp(g * 1_000, 8, g, 5, Signs::default(), false)).is_none(), "no second sign");
    }
    let mut w = CrossGuildWatch::default();
    for g in 1..=5 {
        let f = fp(g * 1_000, 9, g, 6, Signs::MASS_PING, g == 1);
        assert!(w.observe(&s, &f).is_none(), "a moderator pinging their own guilds");
    }
}

#[test]
fn a_link_is_new_until_someone_else_posts_it() {
    let s = CrossGuildSettings::default();
    let mut w = CrossGuildWatch::default();
    let with_link =
        |ts, user, guild| Fingerprint { link_keys: vec![77], ..fp(ts, user, guild, 77, Signs::default(), false) };
    assert!(w.observe(&s, &with_link(1_000, 1, 1)).is_none());
    assert!(w.observe(&s, &with_link(2_000, 1, 2)).is_none());
    assert!(w.observe(&s, &with_link(3_000, 1, 3)).is_some(), "only this account ever posted it");
    let mut w = CrossGuildWatch::default();
    assert!(w.observe(&s, &with_link(500, 2, 9)).is_none());
    for g in 1..=4 {
        assert!(w.observe(&s, &with_link(1_000 + g, 1, g)).is_none(), "a link the community shares");
    }
}

#[test]
fn posts_spread_over_more_than_the_window_are_not_and_memory_empties() {
    let s = CrossGuildSettings::default();
    let mut w = CrossGuildWatch::default();
    for g in 1..=4u64 {
        let t = g * 700_000;
        assert!(w.observe(&s, &fp(t, 3, g, 1, Signs::LURE, false)).is_none());
    }
    w.sweep(&s, 10_000_000);
    assert_eq!(w.tracked(), 0);
}

#[test]
fn keyed_hashes_depend_on_the_secret() {
    assert_ne!(keyed(1, 99), keyed(2, 99));
    assert_eq!(keyed(1, 99), keyed(1, 99));
}

#[test]
fn an_engine_keys_with_the_fixed_secret_until_given_one() {
    let mut e = crate::Engine::with_defaults();
    assert_eq!(e.fingerprint_secret(), super::FIXED_SECRET);
    assert_ne!(super::FIXED_SECRET, 0, "a zero key would make the hashes plain FNV of the text");
    e.set_fingerprint_secret(0x1234_5678_9abc_def0);
    assert_eq!(e.fingerprint_secret(), 0x1234_5678_9abc_def0);
}
