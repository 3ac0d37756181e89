//! `bulk`: copies every key, online, with SCAN. Resumes from the checkpoint.

use std::sync::Arc;

use crate::context::MigrationContext;
use crate::copy::read_items;
use crate::error::{MigrationError, Result};
use crate::progress::{Progress, Reporter};
use crate::registry;
use crate::stage::Stage;
use crate::writer::{Batch, Mode, Writer};

pub struct Bulk;

crate::register_stage!(Bulk);

#[async_trait::async_trait]
impl Stage for Bulk {
    fn name(&self) -> &'static str {
        "bulk"
    }

    fn needs_tracker(&self) -> bool {
        true
    }

    async fn run(&self, ctx: &mut MigrationContext) -> Result<()> {
        let reg = ctx.registry()?;
        let run_id = ctx.run_id.clone();
        if ctx.options.fresh {
            reg.call(|c| registry::reset_bulk(c, &run_id))?;
        }
        let run = reg
            .call(|c| registry::get_run(c, &run_id))?
            .expect("run exists");
        if run.bulk_done {
            println!(
                "bulk: already complete for run '{run_id}' ({} keys); --fresh copies again",
                run.migrated_keys
            );
            return Ok(());
        }
        reg.call(|c| registry::set_status(c, &run_id, "running"))?;
        let mut cursor = run.scan_cursor.clone();
        if cursor != "0" {
            println!(
                "bulk: resuming run '{run_id}' at cursor {cursor} ({} keys scanned)",
                run.scanned_keys
            );
        }
        let source = ctx.source().await?;
        let progress = Arc::new(Progress::default());
        let reporter = Reporter::start(
            "bulk",
            ctx.options.progress,
            progress.clone(),
            run.estimated_keys.saturating_sub(run.scanned_keys),
        );
        let writer = Writer::spawn(
            ctx.destination()?,
            run_id.clone(),
            Mode::Bulk,
            progress.clone(),
        )?;
        let started = std::time::Instant::now();

        let sender = writer.sender();
        let copy = async {
            let mut settings = checkpoint_gate(ctx, &reg).await?;
            let mut page = source.scan(&cursor, settings.scan_count).await?;
            loop {
                let (next, keys) = page;
                // Read this page while the next SCAN step is under way.
                let scan_next = async {
                    if next == "0" {
                        Ok(None)
                    } else {
                        source.scan(&next, settings.scan_count).await.map(Some)
                    }
                };
                let (items, following) = tokio::join!(
                    read_items(&source, &keys, settings.max_concurrency, &run_id, &sender),
                    scan_next
                );
                let items = items?;
                writer
                    .send(Batch {
                        items: items.into_iter().map(|i| (i, 0)).collect(),
                        cursor: Some(next.clone()),
                        scanned: keys.len() as u64,
                        ack: None,
                    })
                    .await?;
                cursor = next;
                match following? {
                    None => return Ok(()),
                    Some(p) => page = p,
                }
                settings = checkpoint_gate(ctx, &reg).await?;
            }
        };
        let outcome: Result<()> = copy.await;
        drop(sender);
        // Whatever happened, what was read is committed with its cursor.
        let totals = writer.finish().await?;
        reporter.finish().await;
        match outcome {
            Ok(()) => {
                let mut dest = ctx.destination()?;
                let leftovers = crate::copy::drop_temp_keys(&mut *dest, &run_id)?;
                if leftovers > 0 {
                    tracing::info!("bulk: dropped {leftovers} temporary keys of interrupted reads");
                }
                reg.call(|c| registry::set_bulk_done(c, &run_id, true))?;
                let secs = started.elapsed().as_secs_f64().max(1e-3);
                let run = reg
                    .call(|c| registry::get_run(c, &run_id))?
                    .expect("run exists");
                println!(
                    "bulk: done in {secs:.1}s: {} keys copied this time ({:.0} keys/s, {:.1} MB/s); run total: scanned {}, migrated {}, skipped {}, errors {}",
                    totals.migrated,
                    totals.migrated as f64 / secs,
                    totals.bytes as f64 / secs / 1e6,
                    run.scanned_keys,
                    run.migrated_keys,
                    run.skipped_keys,
                    run.error_keys
                );
                ctx.counters.insert("bulk_keys".into(), totals.migrated);
                Ok(())
            }
            Err(e) => {
                let status = match e {
                    MigrationError::Aborted(_) => "aborted",
                    MigrationError::Interrupted => "paused",
                    _ => "failed",
                };
                reg.call(|c| {
                    registry::set_status(c, &run_id, status)?;
                    registry::set_last_error(c, &run_id, &e.to_string())
                })?;
                Err(e)
            }
        }
    }
}

use super::checkpoint_gate;
