use super::*;

const T0: Millis = 1_767_272_400_000;

fn facts(ts: Millis, user: u64, created: Millis, default_avatar: bool, shape: u64) -> JoinFacts {
    JoinFacts { ts, user_id: UserId(user), created, default_avatar, shape }
}

fn keys(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    post_keys(text, &[], false, &BurstSettings::default(), &mut out);
    out
}

#[test]
fn adverts_with_small_variations_share_their_text_key() {
    let a = keys("Join the BEST server!! discord.gg/abc123 :)");
    let b = keys("join the best server discord.gg/ZZZ999 🙂");
    let c = keys("join the best server. https://discord.gg/qq77");
    assert_eq!(a.len(), 2, "an invite and the text");
    assert_eq!(a[1], b[1]);
    assert_eq!(a[1], c[1]);
    assert_ne!(a[0], b[0], "three codes, three invite keys");
    assert_ne!(a[1], keys("join the worst server discord.gg/abc123")[1]);
}

#[test]
fn greetings_make_no_key_and_long_text_does() {
    assert!(keys("hello from the stream!").is_empty());
    assert!(keys("hi").is_empty());
    assert_eq!(keys("this server is dead, everyone come over to ours right now").len(), 1);
}

#[test]
fn a_mass_ping_is_a_key_and_one_reply_is_not() {
    let k = |t| keys(t);
    assert!(k("<@1> hey").is_empty());
    let a = k("<@1> <@2> <@3> look");
    let b = k("look <@3> <@1> <@!2>");
    assert_eq!(a.len(), 1);
    assert_eq!(a, b, "the same people pinged, in any order");
}

#[test]
fn invite_codes_are_read_with_or_without_scheme() {
    assert_eq!(invite_code("discord.gg/abc"), Some("abc"));
    assert_eq!(invite_code("https://discord.com/invite/xyz!"), Some("xyz"));
    assert_eq!(invite_code("(discord.gg/Q1)"), Some("Q1"));
    assert_eq!(invite_code("https://example.com/a"), None);
    assert_eq!(invite_code("discord.gg/"), None);
}

fn open_burst(n: u64, avatar_every: u64) -> BurstWatch {
    let mut w = BurstWatch::default();
    let joins: Vec<JoinFacts> =
        (0..n).map(|i| facts(T0 + i * 500, i, T0 - 9 * DAY + i * 600_000, i % avatar_every != 0, 7)).collect();
    w.sync(T0, joins.into_iter());
    w
}

#[test]
fn members_posting_the_same_thing_confirm_and_latecomers_take_part() {
    let s = BurstSettings::default();
    let mut w = open_burst(30, 1);
    let k = keys("come to the real server discord.gg/raid");
    for u in 0..4u64 {
        assert_eq!(w.on_post(&s, T0 + 20_000 + u, UserId(u), &k), BurstOutcome::Nothing);
    }
    let BurstOutcome::Confirmed { members, silent, undecided, reason, .. } = w.on_post(&s, T0 + 21_000, UserId(4), &k)
    else {
        panic!("five members, one key")
    };
    assert_eq!(members, (0..5).map(UserId).collect::<Vec<_>>());
    assert!(reason.contains("5 members of a burst of 30 joins"), "{reason}");
    // Same name shape and creation within hours of each other: the silent ones match twice.
    assert_eq!(silent.len(), 25);
    assert!(undecided.is_empty());
    let late = w.on_post(&s, T0 + 40_000, UserId(9), &k);
    assert!(matches!(late, BurstOutcome::TookPart { user_id: UserId(9), .. }), "{late:?}");
    assert_eq!(w.on_post(&s, T0 + 40_500, UserId(9), &k), BurstOutcome::Nothing, "once");
    assert!(w.is_confirmed());
    assert_eq!(w.on_post(&s, T0 + 41_000, UserId(99), &k), BurstOutcome::Nothing, "not a member");
}

#[test]
fn members_posting_different_things_confirm_nothing() {
    let s = BurstSettings::default();
    let mut w = open_burst(30, 1);
    for u in 0..30u64 {
        let k = keys(&format!(
            "my own long sentence about the stream number {} and {}",
            "ab".repeat(u as usize % 7 + 1),
            "c".repeat(u as usize)
        ));
        assert_eq!(w.on_post(&s, T0 + 20_000 + u, UserId(u), &k), BurstOutcome::Nothing);
    }
}

#[test]
fn silent_members_unlike_the_actors_are_undecided_or_ignored() {
    let s = BurstSettings::default();
    let mut w = BurstWatch::default();
    // Five actors created the same week, shape 1; silent lookalikes; one real viewer.
    let mut joins: Vec<JoinFacts> = (0..5).map(|i| facts(T0 + i, i, T0 - 20 * DAY + i * DAY, false, 1)).collect();
    // Created with them: one sign.
    joins.push(facts(T0 + 10, 10, T0 - 19 * DAY, false, 2));
    // Created with them, no avatar: two.
    joins.push(facts(T0 + 11, 11, T0 - 18 * DAY, true, 2));
    // Nothing in common.
    joins.push(facts(T0 + 12, 12, T0 - 2000 * DAY, false, 3));
    // Named like them with no avatar: a young account goes with them, an established one
    // (a real viewer with a common name shape) is only put to the moderators.
    joins.push(facts(T0 + 13, 13, T0 - 2000 * DAY, true, 1));
    joins.push(facts(T0 + 14, 14, T0 - 2 * DAY, true, 1));
    w.sync(T0, joins.into_iter());
    let k = keys("free giveaway in our server discord.gg/x");
    let mut last = BurstOutcome::Nothing;
    for u in 0..5u64 {
        last = w.on_post(&s, T0 + 1000, UserId(u), &k);
    }
    let BurstOutcome::Confirmed { silent, undecided, .. } = last else { panic!("confirmed") };
    assert_eq!(silent, vec![UserId(11), UserId(14)]);
    assert_eq!(undecided, vec![UserId(10), UserId(13)]);
}

#[test]
fn closing_forgets_everything() {
    let mut w = open_burst(10, 2);
    assert!(w.is_open());
    w.close();
    assert!(!w.is_open() && w.heap_bytes() == 0);
}

#[test]
fn an_established_silent_member_is_listed_whatever_it_matches() {
    let s = BurstSettings::default();
    let mut w = BurstWatch::default();
    // An account farm's batch, two years old; a real viewer made in the same weeks, with no
    // avatar and a name of the same common shape: all three signs, still only listed.
    let mut joins: Vec<JoinFacts> = (0..5).map(|i| facts(T0 + i, i, T0 - 700 * DAY + i * DAY, false, 1)).collect();
    joins.push(facts(T0 + 10, 10, T0 - 698 * DAY, true, 1));
    w.sync(T0, joins.into_iter());
    let k = keys("free giveaway in our server discord.gg/x");
    let mut last = BurstOutcome::Nothing;
    for u in 0..5u64 {
        last = w.on_post(&s, T0 + 1000, UserId(u), &k);
    }
    let BurstOutcome::Confirmed { silent, undecided, .. } = last else { panic!("confirmed") };
    assert!(silent.is_empty());
    assert_eq!(undecided, vec![UserId(10)]);
    // It is contained the moment it takes part.
    let took = w.on_post(&s, T0 + 2000, UserId(10), &k);
    assert!(matches!(took, BurstOutcome::TookPart { user_id: UserId(10), .. }), "{took:?}");
}

#[test]
fn disguised_adverts_share_their_text_key() {
    let plain = keys("we are giving away nitro every day, join us discord.gg/abc");
    // Cyrillic look-alikes, invisible characters, leetspeak: the same advert to the eye.
    for disguised in [
        "we arе gіvіng away nitro every dаy, jоіn us!!! discord.gg/abc",
        "we a\u{200b}re giv\u{2060}ing away ni\u{feff}tro every day, join us discord.gg/abc",
        "w3 ar3 g1ving 4way n1tr0 every d4y, j01n us discord.gg/abc",
    ] {
        assert_eq!(keys(disguised), plain, "{disguised}");
    }
    // Numbers alone are still dropped, not read as letters.
    assert_eq!(
        keys("join 300 members now, we are giving away nitro discord.gg/abc")[1],
        keys("join 50 members now, we are giving away nitro discord.gg/abc")[1]
    );
}

#[test]
fn members_who_posted_under_any_key_of_the_confirming_post_took_part() {
    let s = BurstSettings::default();
    let mut w = open_burst(30, 1);
    // One member posts invite `x` with a text of their own; five post the advert, each with a
    // code of their own, the fifth with `x`.
    let odd = keys("another wording entirely discord.gg/x");
    assert_eq!(w.on_post(&s, T0 + 10_000, UserId(20), &odd), BurstOutcome::Nothing);
    let mut last = BurstOutcome::Nothing;
    for u in 0..5u64 {
        let code = if u == 4 { "x".to_string() } else { format!("c{u}") };
        last = w.on_post(&s, T0 + 20_000 + u, UserId(u), &keys(&format!("come to the real server discord.gg/{code}")));
    }
    let BurstOutcome::Confirmed { members, .. } = last else { panic!("five members, one text: {last:?}") };
    assert!(members.contains(&UserId(20)), "posted the raid's invite: {members:?}");
}
