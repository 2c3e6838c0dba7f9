//! `moat cluster status`, and joining a cluster for `moat run --cluster` (moat-cluster does
//! the work; this only picks the URL and reports).

use moat_cluster::{Cluster, ClusterError, ClusterSettings};

use crate::flags::{ClusterArgs, ClusterCommand};

/// The cluster URL: the flag, else `[cluster] url`.
pub fn url(flag: Option<&str>, settings: &ClusterSettings) -> Option<String> {
    flag.map(str::to_string).or_else(|| settings.url.clone())
}

/// Connects as a member; the error names the URL.
pub async fn join(url: &str, settings: &ClusterSettings) -> Result<Cluster, ClusterError> {
    Cluster::connect(url, settings, None).await
}

/// What the live bot needs of the cluster: the gateway's shape, the shared queue, sessions,
/// budget and signals. The scraper watch moves from the engine to the cluster's partitions
/// (one view of every process's joins instead of each process's own).
pub async fn link(
    cluster: &Cluster,
    cfg: &moat_discord::BotConfig,
    engine: &mut moat_core::Config,
) -> Result<moat_discord::cluster::Link, String> {
    let secret = secret(cluster)?;
    let scraper = engine.defaults.scraper.clone();
    engine.defaults.scraper.enabled = false;
    moat_discord::cluster::Link::open(cluster, cfg, scraper, Some(secret.as_bytes())).await
}

/// The cluster's shared secret, from the environment variable its settings name (never
/// from the file, never printed).
pub fn secret(cluster: &Cluster) -> Result<String, String> {
    let env = &cluster.settings().secret_env;
    std::env::var(env).ok().filter(|s| !s.is_empty()).ok_or_else(|| {
        format!("the cluster needs a secret of 16 bytes or more in ${env} (the same in every process); it keys the cross-guild fingerprints")
    })
}

pub fn run(a: ClusterArgs) -> i32 {
    let ClusterCommand::Status { shard_groups, cluster, config } = a.command;
    let loaded = match crate::config::load(config.as_deref()) {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    let url = url(cluster.as_deref(), &loaded.cluster).unwrap_or_else(|| "nats://127.0.0.1:4222".into());
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(async {
        let cluster = match Cluster::connect(&url, &loaded.cluster, Some("moat-cluster-status".into())).await {
            Ok(c) => c,
            Err(e) => return fail(&e.to_string()),
        };
        match moat_cluster::status::read(&cluster, shard_groups).await {
            Ok(s) => {
                print!("{s}");
                0
            }
            Err(e) => fail(&e.to_string()),
        }
    })
}

fn fail(e: &str) -> i32 {
    eprintln!("moat cluster: {e}");
    1
}
