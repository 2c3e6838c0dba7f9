//! The people a Mastodon guard must leave alone: a server's regulars talking (local and
//! remote), a popular account replying in a long thread that mentions eight people, a remote
//! bot that posts often and mentions nobody, and a news event's hundred real sign-ups posting
//! introductions.

use moat_core::time::{DAY, MINUTE, SECOND};
use moat_core::Millis;

use super::world::{FediWorld, Say, Who};

/// A server's regulars, local and remote.
pub struct Community {
    pub locals: Vec<u64>,
    pub remotes: Vec<u64>,
}

impl Community {
    pub fn all(&self) -> Vec<u64> {
        self.locals.iter().chain(&self.remotes).copied().collect()
    }
}

const FIRST: &[&str] =
    &["ana", "ben", "chloe", "dario", "elif", "femi", "greta", "hugo", "ines", "jun", "kofi", "lena"];
const LAST: &[&str] = &["moss", "reed", "vale", "stone", "brook", "field", "hart", "wood"];
const TOPICS: &[&str] = &[
    "Finally got the sourdough starter going again",
    "Anyone else watching the meteor shower tonight?",
    "New release of my little text editor is out, changelog in the thread",
    "The bike lane on Elm street is finished and it is lovely",
    "Reading group meets Thursday, we are on chapter four",
    "Is it me or is the tram late every single Monday",
    "Knitted my first pair of socks, they are not identical",
    "Photos from the hike are up on my profile",
];
const REMOTE_SERVERS: &[&str] = &["mastodon.example", "fosstodon.example", "hachyderm.example", "chaos.example"];

/// `n` established locals and `n` remotes, with avatars, notes and years behind them.
pub fn community(w: &mut FediWorld, start: Millis, n: usize) -> Community {
    let mut c = Community { locals: Vec::new(), remotes: Vec::new() };
    for i in 0..2 * n {
        let first = *w.rng.pick(FIRST);
        let last = *w.rng.pick(LAST);
        let username = format!("{first}{last}{i}");
        let display = format!("{} {}", capital(first), capital(last));
        let domain = (i >= n).then(|| *w.rng.pick(REMOTE_SERVERS));
        let created = start - (100 + w.rng.below(1500)) * DAY;
        let who = Who {
            username: &username,
            display_name: &display,
            domain,
            avatar: true,
            note: "gardener, reader, occasional poster",
            followers: 50 + w.rng.below(800),
            statuses: 200 + w.rng.below(5000),
            ..Who::default()
        };
        let id = w.account(created, &who);
        w.good.insert(id);
        if domain.is_some() {
            c.remotes.push(id);
        } else {
            c.locals.push(id);
        }
    }
    c
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// Ordinary chat from `from` for `ms`: posts, replies that mention whom they answer, now
/// and then a post that mentions two friends.
pub fn chat(w: &mut FediWorld, c: &Community, from: Millis, ms: Millis) {
    let people = c.all();
    let mut t = from;
    let mut last: Option<(u64, u64)> = None;
    while t < from + ms {
        let author = *w.rng.pick(&people);
        let mut say = Say { text: w.rng.pick(TOPICS).to_string(), ..Say::default() };
        match last {
            Some((status, to)) if to != author && w.rng.chance(0.4) => {
                say.text = "Ha, same here. Good luck with it!".into();
                say.mentions = vec![to];
                say.reply_to = Some((status, to));
            }
            _ if w.rng.chance(0.1) => {
                let a = *w.rng.pick(&people);
                let b = *w.rng.pick(&people);
                say.mentions = [a, b].into_iter().filter(|&m| m != author).collect();
                say.mentions.dedup();
            }
            _ => {}
        }
        let id = w.post(t, author, &say);
        last = Some((id, author));
        t += 5 * SECOND + w.rng.below(40 * SECOND);
    }
}

/// A popular local account's long thread: eight people reply to her, then she replies to
/// the thread mentioning all eight.
pub fn thread_reply(w: &mut FediWorld, c: &Community, at: Millis) -> u64 {
    let who = Who {
        username: "marisol",
        display_name: "Marisol ✨",
        avatar: true,
        note: "Writes about city planning. Admin of the local book club.",
        followers: 12_000,
        statuses: 9_000,
        ..Who::default()
    };
    let star = w.account(at - 1200 * DAY, &who);
    w.good.insert(star);
    let root = w.post(
        at,
        star,
        &Say { text: "What is the one street you would close to cars, and why?".into(), ..Say::default() },
    );
    let people = c.all();
    let mut repliers = Vec::new();
    let mut last = (root, star);
    for i in 0..8 {
        let p = people[(i * 3 + 1) % people.len()];
        if repliers.contains(&p) {
            continue;
        }
        let mut mentions = vec![star];
        mentions.extend(repliers.iter().copied().take(3));
        let id = w.post(
            at + (i as u64 + 1) * 2 * MINUTE,
            p,
            &Say {
                text: "Main street, no question: the market would finally have room.".into(),
                mentions,
                reply_to: Some(last),
                ..Say::default()
            },
        );
        last = (id, p);
        repliers.push(p);
    }
    w.post(
        at + 20 * MINUTE,
        star,
        &Say {
            text: "Thank you all, these are wonderful. Summary post tomorrow!".into(),
            mentions: repliers,
            reply_to: Some(last),
            ..Say::default()
        },
    );
    star
}

/// A remote server's bot posting every half minute, mentioning nobody, with a link and now
/// and then the same picture.
pub fn remote_bot(w: &mut FediWorld, from: Millis, ms: Millis) -> u64 {
    let who = Who {
        username: "quakes",
        display_name: "Earthquake alerts",
        domain: Some("bots.example"),
        bot: true,
        note: "Automated feed of earthquake reports.",
        avatar: false,
        followers: 300,
        statuses: 90_000,
    };
    // A young bot account: only its mentions (none) keep it safe.
    let bot = w.account(from - 3 * DAY, &who);
    w.good.insert(bot);
    let mut t = from;
    let mut n = 0;
    while t < from + ms {
        n += 1;
        let text =
            format!("M{}.{} earthquake, {} km deep https://quakes.example/event/{n}", 2 + n % 4, n % 10, 5 + n % 30);
        let image = (n % 3 == 0).then(|| {
            ("LKO2?U%2Tw=w]~RBVZRi};RPxuwH".to_string(), Some("map of the epicentre".to_string()), (800, 600))
        });
        w.post(t, bot, &Say { text, image, ..Say::default() });
        t += 30 * SECOND;
    }
    bot
}

const HOBBIES: &[&str] = &[
    "draw comics",
    "teach physics",
    "grow tomatoes on a balcony",
    "write Rust at work",
    "play the cello badly",
    "run a small bakery",
    "study medieval history",
    "repair old radios",
    "photograph birds",
    "volunteer at the library",
];
const PROVIDERS: &[&str] = &["gmail.com", "outlook.com", "proton.me", "yahoo.com", "icloud.com", "gmx.de"];

/// A news event's hundred real sign-ups within 15 minutes, each posting an introduction
/// (some with the news link that brought them, a photo, a mention of a regular or of two
/// friends who invited them); fifteen come from one university (its network and its mail
/// domain). Returns their ids.
pub fn news_signups(w: &mut FediWorld, c: &Community, at: Millis, n: usize) -> Vec<u64> {
    let mut ids = Vec::new();
    let people = c.all();
    for i in 0..n {
        let t = at + w.rng.below(15 * MINUTE);
        let first = *w.rng.pick(FIRST);
        let username = format!("{first}_{}", w.rng.below(10_000));
        let display = if w.rng.chance(0.35) { username.clone() } else { capital(first) };
        let uni = i % 7 == 0;
        let email =
            if uni { format!("{username}@uni.example") } else { format!("{username}@{}", w.rng.pick(PROVIDERS)) };
        let ip = if uni {
            format!("192.0.2.{}", 10 + w.rng.below(200))
        } else {
            format!("{}.{}.{}.{}", 20 + w.rng.below(180), w.rng.below(256), w.rng.below(256), 1 + w.rng.below(254))
        };
        let note = if w.rng.chance(0.5) { "" } else { "New here, be kind" };
        let who =
            Who { username: &username, display_name: &display, avatar: w.rng.chance(0.4), note, ..Who::default() };
        let id = w.signup(t, &who, &email, &ip, false);
        w.good.insert(id);
        ids.push(id);
        let post_at = t + MINUTE + w.rng.below(30 * MINUTE);
        let hobby = *w.rng.pick(HOBBIES);
        let mut say =
            Say { text: format!("Hi everyone! I'm {}, I {hobby}. #introduction", capital(first)), ..Say::default() };
        if w.rng.chance(0.25) {
            say.text.push_str(" Came here after https://news.example/2026/12/01/the-great-migration");
        }
        if w.rng.chance(0.2) {
            say.image = Some((format!("L{:x}", w.rng.next()), Some("my cat".to_string()), (1024, 768)));
        }
        let r = w.rng.below(100);
        if r < 15 {
            say.mentions = vec![c.locals[0]];
        } else if r < 23 {
            say.text.push_str(" Thanks for the invite!");
            say.mentions = vec![*w.rng.pick(&people), *w.rng.pick(&people), *w.rng.pick(&people)];
            say.mentions.dedup();
        }
        w.post(post_at, id, &say);
    }
    ids
}
