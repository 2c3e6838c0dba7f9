//! SIGTERM (systemd, docker, kill) and Ctrl-C: the first asks `moat run` to stop cleanly,
//! a second one exits at once.

/// Waits for SIGTERM or Ctrl-C (SIGINT); says which.
pub async fn stop_requested() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = tokio::signal::ctrl_c() => "Ctrl-C",
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                "Ctrl-C"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}

/// From now on a second signal ends the process at once (exit 130), whatever it is doing.
pub fn second_exits_at_once() {
    tokio::spawn(async {
        let what = stop_requested().await;
        eprintln!("moat: {what} again: exiting at once, without waiting for the calls in flight");
        std::process::exit(130);
    });
}
