//! Logs for operators: `tracing` on standard error, filtered by `RUST_LOG`, as text or as
//! JSON lines (`--log-format json`).
//!
//! `RUST_LOG` takes `target=level` directives separated by commas (`info`,
//! `moat_discord=debug,moat_store=warn`); a bad one is reported and the default (`info`)
//! used. Tokens are never logged: the bot's config keeps its token out of `Debug`, and a test
//! runs `moat run` with a token at the most verbose level and looks for it in the output.
//! What a command prints as its result (a replay's summary, `moat check`'s verdict) is
//! output, not a log, and is written directly.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::prelude::*;

use crate::flags::LogFormat;

/// The filter `RUST_LOG` describes (`info` when unset or bad).
pub fn filter(var: Option<&str>) -> Result<Targets, String> {
    match var.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(Targets::new().with_default(LevelFilter::INFO)),
        Some(v) => v.parse::<Targets>().map_err(|e| format!("RUST_LOG `{v}`: {e}")),
    }
}

/// Installs the process's subscriber.
pub fn init(format: LogFormat) {
    let var = std::env::var("RUST_LOG").ok();
    let (targets, problem) = match filter(var.as_deref()) {
        Ok(t) => (t, None),
        Err(e) => (Targets::new().with_default(LevelFilter::INFO), Some(e)),
    };
    let layer = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(false);
    let result = match format {
        LogFormat::Text => tracing_subscriber::registry().with(layer.with_filter(targets)).try_init(),
        LogFormat::Json => tracing_subscriber::registry().with(layer.json().with_filter(targets)).try_init(),
    };
    if let Err(e) = result {
        eprintln!("moat: logging could not start: {e}");
    }
    if let Some(p) = problem {
        tracing::warn!("{p}; logging at info");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_log_is_read() {
        assert!(filter(None).unwrap().would_enable("moat_store", &tracing::Level::INFO));
        assert!(!filter(None).unwrap().would_enable("moat_store", &tracing::Level::DEBUG));
        let t = filter(Some("warn,moat_discord=trace")).unwrap();
        assert!(t.would_enable("moat_discord::bot", &tracing::Level::TRACE));
        assert!(!t.would_enable("moat_store", &tracing::Level::INFO));
        assert!(filter(Some("moat=loud")).is_err());
    }
}
