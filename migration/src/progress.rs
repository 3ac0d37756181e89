//! Live progress: an indicatif bar on a terminal, or one JSON object per second
//! (`--progress json`) for machines. The figures come from what the writer has
//! committed, the same numbers `migrate status` reads from the registry.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::registry::Counters;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ProgressMode {
    /// A bar on a terminal, nothing otherwise.
    #[default]
    Auto,
    Bar,
    Json,
    None,
}

#[derive(Default)]
pub struct Progress {
    scanned: AtomicU64,
    keys: AtomicU64,
    bytes: AtomicU64,
    errors: AtomicU64,
    deleted: AtomicU64,
}

impl Progress {
    pub fn record(&self, c: &Counters) {
        self.scanned.fetch_add(c.scanned, Ordering::Relaxed);
        self.keys
            .fetch_add(c.migrated + c.applied, Ordering::Relaxed);
        self.bytes.fetch_add(c.bytes, Ordering::Relaxed);
        self.errors.fetch_add(c.errors, Ordering::Relaxed);
        self.deleted.fetch_add(c.deleted, Ordering::Relaxed);
    }

    pub fn keys(&self) -> u64 {
        self.keys.load(Ordering::Relaxed)
    }
}

/// Shows one stage's progress until dropped.
pub struct Reporter {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Reporter {
    /// `total`: the expected key count (from preflight's estimate), 0 if unknown.
    pub fn start(
        stage: &'static str,
        mode: ProgressMode,
        progress: Arc<Progress>,
        total: u64,
    ) -> Reporter {
        use std::io::IsTerminal;
        let mode = match mode {
            ProgressMode::Auto if std::io::stderr().is_terminal() => ProgressMode::Bar,
            ProgressMode::Auto => ProgressMode::None,
            m => m,
        };
        if mode == ProgressMode::None {
            return Reporter {
                stop: None,
                task: None,
            };
        }
        let (stop, mut stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let bar = (mode == ProgressMode::Bar).then(|| {
                let bar = ProgressBar::with_draw_target(
                    (total > 0).then_some(total),
                    ProgressDrawTarget::stderr(),
                );
                bar.set_style(
                    ProgressStyle::with_template(
                        "{prefix} [{elapsed_precise}] {wide_bar} {pos}/{len} keys {msg} ETA {eta}",
                    )
                    .expect("valid template"),
                );
                bar.set_prefix(stage);
                bar
            });
            let mut tick = tokio::time::interval(Duration::from_millis(if bar.is_some() {
                200
            } else {
                1000
            }));
            loop {
                let last = tokio::select! {
                    _ = tick.tick() => false,
                    _ = &mut stopped => true,
                };
                let secs = started.elapsed().as_secs_f64().max(1e-3);
                let keys = progress.keys.load(Ordering::Relaxed);
                let scanned = progress.scanned.load(Ordering::Relaxed);
                let bytes = progress.bytes.load(Ordering::Relaxed);
                let errors = progress.errors.load(Ordering::Relaxed);
                let kps = keys as f64 / secs;
                let mbps = bytes as f64 / secs / 1e6;
                match &bar {
                    Some(bar) => {
                        bar.set_position(scanned.max(keys));
                        bar.set_message(format!("{kps:.0} keys/s {mbps:.1} MB/s errors {errors}"));
                        if last {
                            bar.finish();
                        }
                    }
                    None => {
                        let eta = if total > scanned && kps > 0.0 {
                            format!(
                                "{:.0}",
                                (total - scanned) as f64 / (scanned as f64 / secs).max(1e-9)
                            )
                        } else {
                            "null".into()
                        };
                        let line = format!(
                            "{{\"stage\":\"{stage}\",\"elapsed_secs\":{secs:.1},\"scanned_keys\":{scanned},\"keys\":{keys},\"bytes\":{bytes},\"errors\":{errors},\"deleted\":{},\"keys_per_sec\":{kps:.0},\"mb_per_sec\":{mbps:.2},\"estimated_keys\":{total},\"eta_secs\":{eta}}}",
                            progress.deleted.load(Ordering::Relaxed)
                        );
                        let mut out = std::io::stdout().lock();
                        let _ = writeln!(out, "{line}");
                        let _ = out.flush();
                    }
                }
                if last {
                    break;
                }
            }
        });
        Reporter {
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Prints the final figures and stops.
    pub async fn finish(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}
