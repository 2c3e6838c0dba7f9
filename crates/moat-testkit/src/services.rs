//! The services some tests need (PostgreSQL, NATS with JetStream), checked in one place.
//!
//! A newcomer runs `cargo test --workspace` on a machine that may have neither. A test that
//! needs one asks here first: when the service answers, it gets the URL to use; when it does
//! not, the test prints `SKIPPED:` with the reason and the command that starts the service
//! (`docker compose up -d postgres`, from the repository's `compose.yaml`) and returns early,
//! so the run stays green and says plainly what was not tested. Under `CI=true` (what
//! `.ci/run` sets) a missing service fails the test instead: CI must never pass by skipping.
//!
//! The check is a TCP connect with a short timeout, so it costs nothing when the service is
//! up and a second at most when it is not; what the test does next (a real login, a schema
//! of its own) still fails loudly if the service is up but wrong.
//!
//! The URLs default to the ones `compose.yaml` serves and can be moved with
//! `MOAT_TEST_POSTGRES` and `MOAT_TEST_NATS`.

use std::io::Write;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The PostgreSQL of `compose.yaml` (trust auth, database `test`).
pub const POSTGRES_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/test";
/// The NATS of `compose.yaml` (JetStream on).
pub const NATS_DEFAULT: &str = "nats://127.0.0.1:4222";

/// A service a test may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Postgres,
    Nats,
}

impl Service {
    /// How people call it.
    pub fn name(self) -> &'static str {
        match self {
            Service::Postgres => "PostgreSQL",
            Service::Nats => "NATS (JetStream)",
        }
    }

    /// Its service name in `compose.yaml`.
    pub fn compose_name(self) -> &'static str {
        match self {
            Service::Postgres => "postgres",
            Service::Nats => "nats",
        }
    }

    /// The variable that points the tests at another instance.
    pub fn env_var(self) -> &'static str {
        match self {
            Service::Postgres => "MOAT_TEST_POSTGRES",
            Service::Nats => "MOAT_TEST_NATS",
        }
    }

    fn default_url(self) -> &'static str {
        match self {
            Service::Postgres => POSTGRES_DEFAULT,
            Service::Nats => NATS_DEFAULT,
        }
    }

    fn default_port(self) -> u16 {
        match self {
            Service::Postgres => 5432,
            Service::Nats => 4222,
        }
    }

    /// The URL the tests use: the variable's value, else `compose.yaml`'s.
    pub fn url(self) -> String {
        std::env::var(self.env_var()).ok().filter(|u| !u.trim().is_empty()).unwrap_or_else(|| self.default_url().into())
    }
}

/// What a test does about a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The service answers: use this URL.
    Use(String),
    /// It does not, outside CI: print this line and skip.
    Skip(String),
    /// It does not, under `CI=true`: fail with this message.
    Fail(String),
}

/// Decides from what was found; pure, so the rule itself is tested.
pub fn verdict(service: Service, test: &str, url: &str, reached: Result<(), String>, ci: bool) -> Verdict {
    let why = match reached {
        Ok(()) => return Verdict::Use(url.to_string()),
        Err(why) => why,
    };
    let reason = format!(
        "`{test}` needs {} at {url} ({why}); start it with `docker compose up -d {}` (or point {} at one)",
        service.name(),
        service.compose_name(),
        service.env_var()
    );
    if ci {
        Verdict::Fail(format!("{reason}. CI=true: a missing service fails the run"))
    } else {
        Verdict::Skip(format!("SKIPPED: {reason}"))
    }
}

/// Whether `CI=true` is set.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// `host:port` of a service URL (`scheme://[user[:pw]@]host[:port][/path][?query]`).
pub fn host_port(url: &str, default_port: u16) -> Option<(String, u16)> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.is_empty() {
        return None;
    }
    if let Some(v6) = host_port.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        let port = after.strip_prefix(':').map_or(Some(default_port), |p| p.parse().ok())?;
        return Some((host.to_string(), port));
    }
    match host_port.rsplit_once(':') {
        Some((h, p)) => Some((h.to_string(), p.parse().ok()?)),
        None => Some((host_port.to_string(), default_port)),
    }
}

/// Whether something accepts TCP connections at the URL's host and port.
pub fn reach(url: &str, default_port: u16) -> Result<(), String> {
    let (host, port) = host_port(url, default_port).ok_or_else(|| format!("cannot read a host in `{url}`"))?;
    let addrs: Vec<SocketAddr> =
        (host.as_str(), port).to_socket_addrs().map_err(|e| format!("cannot resolve {host}: {e}"))?.collect();
    let mut last = format!("{host} has no address");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
            Ok(_) => return Ok(()),
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    Err(last)
}

/// The service's URL, or `None` after printing `SKIPPED:`; panics under `CI=true`.
pub fn require(service: Service, test: &str) -> Option<String> {
    let url = service.url();
    let reached = reach(&url, service.default_port());
    match verdict(service, test, &url, reached, under_ci()) {
        Verdict::Use(url) => Some(url),
        Verdict::Skip(line) => {
            // Straight to stderr: the test harness captures `println!` of passing tests.
            let _ = writeln!(std::io::stderr(), "\n{line}\n");
            None
        }
        Verdict::Fail(message) => panic!("{message}"),
    }
}

/// PostgreSQL's URL for test `test`, or `None` (skipped) on a machine without it.
pub fn require_postgres(test: &str) -> Option<String> {
    require(Service::Postgres, test)
}

/// NATS's URL for test `test`, or `None` (skipped) on a machine without it.
pub fn require_nats(test: &str) -> Option<String> {
    require(Service::Nats, test)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reachable_service_is_used() {
        let v = verdict(Service::Postgres, "t", POSTGRES_DEFAULT, Ok(()), true);
        assert_eq!(v, Verdict::Use(POSTGRES_DEFAULT.into()));
    }

    #[test]
    fn a_missing_service_skips_with_how_to_start_it() {
        let v = verdict(Service::Nats, "leases", NATS_DEFAULT, Err("connection refused".into()), false);
        let Verdict::Skip(line) = v else { panic!("{v:?}") };
        assert!(line.starts_with("SKIPPED: `leases` needs NATS (JetStream) at nats://127.0.0.1:4222"), "{line}");
        assert!(line.contains("connection refused"), "{line}");
        assert!(line.contains("`docker compose up -d nats`"), "{line}");
    }

    #[test]
    fn a_missing_service_fails_under_ci() {
        let v = verdict(Service::Postgres, "crash", POSTGRES_DEFAULT, Err("refused".into()), true);
        let Verdict::Fail(m) = v else { panic!("{v:?}") };
        assert!(m.contains("docker compose up -d postgres") && m.contains("CI=true"), "{m}");
    }

    #[test]
    fn host_and_port_come_from_the_url() {
        assert_eq!(host_port(POSTGRES_DEFAULT, 5432), Some(("127.0.0.1".into(), 5432)));
        assert_eq!(host_port("postgres://u:pw@db.local/x?sslmode=off", 5432), Some(("db.local".into(), 5432)));
        assert_eq!(host_port("nats://127.0.0.1:14222", 4222), Some(("127.0.0.1".into(), 14222)));
        assert_eq!(host_port("nats://[::1]:4223", 4222), Some(("::1".into(), 4223)));
        assert_eq!(host_port("nats://", 4222), None);
        assert_eq!(host_port("nats://h:notaport", 4222), None);
    }

    #[test]
    fn a_closed_port_is_unreachable_and_an_open_one_is_reached() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let open = listener.local_addr().unwrap();
        assert_eq!(reach(&format!("nats://{open}"), 1), Ok(()));
        drop(listener);
        // The port just closed: nothing listens there now.
        let err = reach(&format!("nats://{open}"), 1).unwrap_err();
        assert!(err.contains(&open.to_string()), "{err}");
    }
}
