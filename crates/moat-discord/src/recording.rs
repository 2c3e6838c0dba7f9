//! Recording: what moat saw in a guild, kept as captures a replay decides on exactly as live.
//!
//! A moderator who wonders "what would yesterday have looked like with `pressure.limit = 80`"
//! needs yesterday's traffic. With `moat run --record DIR` (or `[discord] record_dir`), each
//! guild that opted in (`live.record = true`; off by default) has every gateway dispatch moat
//! handled for it written whole, in the capture format `moat replay` reads, `{"ts", "t",
//! "d"}` a line, `ts` being the time the engine handled it (so a replay sees the same clock),
//! to `DIR/<guild_id>/<YYYY-MM-DD>.jsonl` (UTC). A new day starts a new file, opened with the
//! guild's last `GUILD_CREATE` so its roles are known; files older than the retention
//! (`[discord] record_days`, 7 by default) are deleted at start-up and at each new day.
//!
//! Writing happens on a blocking task fed by a channel: the engine task never waits on a
//! disk. Lines moat adds itself start with `MOAT_` (none are written yet: the live bot
//! expands no links, and cross-guild signals come from other guilds' files); a replay
//! counts them as events it does not use.
//!
//! [`replay_day`] plays one guild's day back through an engine with any configuration: the
//! function the dashboard's "try it on that day" calls.

use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use moat_core::id::GuildId;
use moat_core::{Action, Config, Engine};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::task::JoinHandle;

/// Where and for how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSettings {
    pub dir: PathBuf,
    /// Days a file is kept after its day ended.
    pub retention_days: u32,
}

/// Captures are kept this many days unless configured.
pub const DEFAULT_RETENTION_DAYS: u32 = 7;

const DAY_MS: u64 = 86_400_000;

/// The UTC day of `ms`, `YYYY-MM-DD`.
pub fn day_of(ms: u64) -> String {
    moat_store::cli::time::utc(ms)[..10].to_string()
}

/// The file of `guild`'s `day`.
pub fn day_file(dir: &Path, guild: GuildId, day: &str) -> PathBuf {
    dir.join(guild.to_string()).join(format!("{day}.jsonl"))
}

struct Line {
    guild: GuildId,
    ts: u64,
    t: String,
    d: String,
}

/// The engine task's handle on the writer.
pub struct Recording {
    tx: Option<UnboundedSender<Line>>,
    writer: Option<JoinHandle<()>>,
}

/// The guild a dispatch belongs to (`guild_id`, or `id` for the guild's own events).
fn guild_of(t: &str, d: &str) -> Option<GuildId> {
    #[derive(serde::Deserialize)]
    struct G<'a> {
        #[serde(borrow)]
        guild_id: Option<std::borrow::Cow<'a, str>>,
        #[serde(borrow)]
        id: Option<std::borrow::Cow<'a, str>>,
    }
    let g: G = serde_json::from_str(d).ok()?;
    let id = if matches!(t, "GUILD_CREATE" | "GUILD_UPDATE" | "GUILD_DELETE") { g.id } else { g.guild_id };
    id?.parse().ok().map(GuildId)
}

impl Recording {
    /// Starts the writer; deletes what is past its retention.
    pub fn start(settings: RecordSettings, now: u64) -> Result<Recording, String> {
        std::fs::create_dir_all(&settings.dir)
            .map_err(|e| format!("cannot create the recording directory {}: {e}", settings.dir.display()))?;
        prune(&settings, now);
        let (tx, mut rx) = unbounded_channel::<Line>();
        let writer = tokio::task::spawn_blocking(move || {
            let mut w = Writer { settings, open: HashMap::new(), guild_create: HashMap::new() };
            while let Some(line) = rx.blocking_recv() {
                w.write(line);
                while let Ok(more) = rx.try_recv() {
                    w.write(more);
                }
                w.flush();
            }
            w.flush();
        });
        Ok(Recording { tx: Some(tx), writer: Some(writer) })
    }

    /// Records the dispatch `t` with payload `d`, handled at `now`, if its guild records.
    pub fn dispatch(&self, t: &str, d: &str, now: u64, config: &Config) {
        if !(config.defaults.live.record || config.guilds.values().any(|s| s.live.record)) {
            return;
        }
        let Some(guild) = guild_of(t, d) else { return };
        if !config.for_guild(guild).live.record {
            return;
        }
        if let Some(tx) = &self.tx {
            let _ = tx.send(Line { guild, ts: now, t: t.to_string(), d: d.to_string() });
        }
    }

    /// Writes what is queued and closes the files.
    pub async fn close(mut self) {
        self.tx = None;
        if let Some(w) = self.writer.take() {
            let _ = w.await;
        }
    }
}

struct Writer {
    settings: RecordSettings,
    open: HashMap<GuildId, (String, BufWriter<std::fs::File>)>,
    /// Each guild's last GUILD_CREATE line, to open a new day's file with.
    guild_create: HashMap<GuildId, String>,
}

impl Writer {
    fn write(&mut self, l: Line) {
        let text = format!("{{\"ts\":{},\"t\":{},\"d\":{}}}\n", l.ts, serde_json::Value::from(l.t.as_str()), l.d);
        let day = day_of(l.ts);
        let fresh = self.open.get(&l.guild).is_none_or(|(d, _)| *d != day);
        if fresh {
            if let Some((_, mut f)) = self.open.remove(&l.guild) {
                let _ = f.flush();
                prune(&self.settings, l.ts);
            }
            let path = day_file(&self.settings.dir, l.guild, &day);
            let existed = path.exists();
            let opened = std::fs::create_dir_all(path.parent().unwrap_or(&self.settings.dir))
                .and_then(|_| std::fs::OpenOptions::new().create(true).append(true).open(&path));
            match opened {
                Ok(f) => {
                    let mut f = BufWriter::new(f);
                    if let (false, Some(gc), false) = (existed, self.guild_create.get(&l.guild), l.t == "GUILD_CREATE")
                    {
                        let _ = f.write_all(gc.as_bytes());
                    }
                    self.open.insert(l.guild, (day, f));
                }
                Err(e) => {
                    eprintln!("moat: cannot record guild {} into {}: {e}", l.guild, path.display());
                    return;
                }
            }
        }
        if l.t == "GUILD_CREATE" {
            self.guild_create.insert(l.guild, text.clone());
        }
        if let Some((_, f)) = self.open.get_mut(&l.guild) {
            if let Err(e) = f.write_all(text.as_bytes()) {
                eprintln!("moat: recording of guild {} failed: {e}", l.guild);
            }
        }
    }

    fn flush(&mut self) {
        for (_, f) in self.open.values_mut() {
            let _ = f.flush();
        }
    }
}

/// Deletes the day files whose day ended more than the retention ago.
fn prune(settings: &RecordSettings, now: u64) {
    let cutoff = day_of(now.saturating_sub(u64::from(settings.retention_days) * DAY_MS));
    let Ok(guilds) = std::fs::read_dir(&settings.dir) else { return };
    for g in guilds.flatten() {
        let Ok(files) = std::fs::read_dir(g.path()) else { continue };
        for f in files.flatten() {
            let name = f.file_name().to_string_lossy().to_string();
            let Some(day) = name.strip_suffix(".jsonl") else { continue };
            if day.len() == 10 && day < cutoff.as_str() {
                let _ = std::fs::remove_file(f.path());
            }
        }
    }
}

/// One guild's day played back.
#[derive(Debug, Default)]
pub struct DayReplay {
    pub actions: Vec<Action>,
    pub events: u64,
    /// Lines that could not be read (named on nothing: the dashboard shows the count).
    pub bad_lines: u64,
}

/// Plays `guild`'s recorded `day` (`YYYY-MM-DD`) in `dir` through an engine with `config`
/// and `judge`, as live did (each event at the time it was handled), timers drained at the
/// end. Errors say why the day cannot be played (no such recording).
pub fn replay_day(
    dir: &Path,
    guild: GuildId,
    day: &str,
    config: Config,
    judge: Box<dyn moat_core::LinkJudge>,
) -> Result<DayReplay, String> {
    let valid = day.len() == 10
        && day.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !valid {
        return Err(format!("`{day}` is not a day (YYYY-MM-DD)"));
    }
    let path = day_file(dir, guild, day);
    let bytes = std::fs::read(&path)
        .map_err(|e| format!("no recording of guild {guild} on {day} ({}): {e}", path.display()))?;
    let mut engine = Engine::new(config, judge);
    let mut r = DayReplay::default();
    let played = moat_discord_wire::play::play(&bytes, &mut engine, &mut r.actions);
    (r.events, r.bad_lines) = (played.events, played.bad_lines);
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_guilds_and_retention() {
        assert_eq!(day_of(1_700_000_000_000), "2023-11-14");
        assert_eq!(guild_of("MESSAGE_CREATE", r#"{"id":"5","guild_id":"9"}"#), Some(GuildId(9)));
        assert_eq!(guild_of("GUILD_CREATE", r#"{"id":"9"}"#), Some(GuildId(9)));
        assert_eq!(guild_of("READY", r#"{"v":10}"#), None);
        let dir = std::env::temp_dir().join(format!("moat-rec-prune-{}", std::process::id()));
        let g = dir.join("9");
        std::fs::create_dir_all(&g).unwrap();
        for d in ["2023-11-01", "2023-11-06", "2023-11-07", "2023-11-14"] {
            std::fs::write(g.join(format!("{d}.jsonl")), "").unwrap();
        }
        prune(&RecordSettings { dir: dir.clone(), retention_days: 7 }, 1_700_000_000_000);
        let mut left: Vec<String> =
            std::fs::read_dir(&g).unwrap().map(|f| f.unwrap().file_name().to_string_lossy().into_owned()).collect();
        left.sort();
        assert_eq!(left, ["2023-11-07.jsonl", "2023-11-14.jsonl"]);
        assert!(
            replay_day(&dir, GuildId(9), "../../etc", Config::default(), Box::new(moat_core::links::NoLinks)).is_err()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
