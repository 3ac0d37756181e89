//! `delta`: applies the keys the tracker saw change, until none are left.
//! Each pass starts by syncing with the tracker (so every write made before it
//! is recorded) and, if events may have been lost since the last delta
//! (tracker gaps, source flushes), runs a safety sweep first.

use std::sync::Arc;

use tokio::sync::oneshot;

use super::checkpoint_gate;
use crate::context::MigrationContext;
use crate::copy::{read_items, Comparer};
use crate::error::Result;
use crate::progress::{Progress, Reporter};
use crate::registry;
use crate::source::Source;
use crate::stage::Stage;
use crate::writer::{Batch, Item, Mode, Writer};

pub struct Delta;

crate::register_stage!(Delta);

#[async_trait::async_trait]
impl Stage for Delta {
    fn name(&self) -> &'static str {
        "delta"
    }

    fn needs_tracker(&self) -> bool {
        true
    }

    async fn run(&self, ctx: &mut MigrationContext) -> Result<()> {
        let reg = ctx.registry()?;
        let run_id = ctx.run_id.clone();
        let redis = ctx.redis().await?;
        let source: Arc<dyn Source> = redis.clone();
        let mut sync_conn = redis.conn();
        // Keys a previous run could not copy get another chance.
        reg.call(|c| {
            c.execute(
            "UPDATE migration_dirty_keys SET state = 'dirty' WHERE run_id = ?1 AND state = 'error'",
            [&run_id],
        )
        })?;
        // Reading a group (XREADGROUP), acknowledging (XACK) and claiming
        // change a stream's PELs without a keyspace event: every stream
        // copied so far is copied again, once per delta.
        let streams: Vec<(Vec<u8>, String)> = ctx
            .destination()?
            .stream_keys()?
            .into_iter()
            .filter(|k| !k.starts_with(crate::dest::TEMP_PREFIX))
            .map(|k| (k, "stream".to_string()))
            .collect();
        reg.call(|c| registry::record_events(c, &run_id, &streams))?;
        let started = std::time::Instant::now();
        let progress = Arc::new(Progress::default());
        let remaining = reg.call(|c| registry::dirty_remaining(c, &run_id))?;
        let reporter = Reporter::start("delta", ctx.options.progress, progress.clone(), remaining);
        let mut swept = 0;
        let mut passes = 0;
        // Keys applied per pass: a live delta stops once passes stop
        // shrinking (hot keys are re-dirtied as fast as they are copied); the
        // final delta, after writes freeze, copies them once more.
        let mut applied_per_pass: Vec<usize> = Vec::new();
        let outcome: Result<bool> = async {
            loop {
                let settings = checkpoint_gate(ctx, &reg).await?;
                let sync = crate::tracker::sync(&mut sync_conn, &reg, &run_id);
                sync.await?;
                let gaps = reg.call(|c| registry::gaps_pending(c, &run_id))?;
                if gaps > 0 {
                    println!("delta: events may have been lost ({gaps} gap(s) recorded): running a safety sweep");
                    swept += sweep(ctx, &source, settings.scan_count, progress.clone()).await?;
                    reg.call(|c| registry::clear_gaps(c, &run_id, gaps))?;
                    continue;
                }
                let pass_started = registry::now_ms();
                let mut applied_this_pass = 0;
                let writer = Writer::spawn(ctx.destination()?, run_id.clone(), Mode::Delta, progress.clone())?;
                loop {
                    let settings = checkpoint_gate(ctx, &reg).await?;
                    let batch = reg.call(|c| registry::dirty_batch(c, &run_id, settings.batch_keys, pass_started))?;
                    if batch.is_empty() {
                        break;
                    }
                    let keys: Vec<Vec<u8>> = batch.iter().map(|(k, _)| k.clone()).collect();
                    let items = read_items(&source, &keys, settings.max_concurrency, &run_id, &writer.sender()).await?;
                    let (ack, acked) = oneshot::channel();
                    applied_this_pass += items.len();
                    writer
                        .send(Batch {
                            items: items.into_iter().zip(batch.iter().map(|(_, n)| *n)).collect(),
                            cursor: None,
                            scanned: 0,
                            ack: Some(ack),
                        })
                        .await?;
                    // The next selection must see this batch's marks.
                    let _ = acked.await;
                }
                writer.finish().await?;
                passes += 1;
                applied_per_pass.push(applied_this_pass);
                if applied_this_pass == 0 && reg.call(|c| registry::dirty_remaining(c, &run_id))? == 0 {
                    return Ok(true);
                }
                if passes >= ctx.options.max_passes || !shrinking(&applied_per_pass) {
                    return Ok(false);
                }
            }
        }
        .await;
        reporter.finish().await;
        let converged = outcome?;
        // Big keys whose paged read was cut short left temporary copies.
        crate::copy::drop_temp_keys(&mut *ctx.destination()?, &run_id)?;
        let run = reg
            .call(|c| registry::get_run(c, &run_id))?
            .expect("run exists");
        let left = reg.call(|c| registry::dirty_remaining(c, &run_id))?;
        println!(
            "delta: {} in {:.2}s, {passes} pass(es){}: run total applied {}, deleted {}, dirty left {left}",
            if converged { "no dirty keys left" } else { "stopped with keys still changing" },
            started.elapsed().as_secs_f64(),
            if swept > 0 { format!(", sweep repaired {swept}") } else { String::new() },
            run.dirty_keys_applied,
            run.dirty_keys_deleted,
        );
        if !converged {
            if !shrinking(&applied_per_pass) {
                let last: Vec<String> = applied_per_pass
                    .iter()
                    .rev()
                    .take(2)
                    .rev()
                    .map(usize::to_string)
                    .collect();
                println!(
                    "delta: stopped early: the dirty set no longer shrinks ({} keys in the last passes)",
                    last.join(", ")
                );
            }
            if let Some(keys) = reg.call(|c| registry::busiest_dirty_line(c, &run_id))? {
                println!("delta: the keys changing most: {keys}");
            }
            println!(
                "delta: the source is still being written; run delta again after writes freeze"
            );
        }
        Ok(())
    }
}

/// Whether passes still make progress: false once the last two passes each
/// applied at least as many keys as the fewest of the passes before them.
fn shrinking(applied: &[usize]) -> bool {
    let n = applied.len();
    if n < 3 {
        return true;
    }
    let best = applied[..n - 2].iter().copied().min().unwrap_or(usize::MAX);
    applied[n - 2] < best || applied[n - 1] < best
}

/// Compares every key both ways and repairs differences: what the tracker
/// would have recorded had it not missed events. Returns the keys repaired.
async fn sweep(
    ctx: &MigrationContext,
    source: &Arc<dyn Source>,
    scan_count: usize,
    progress: Arc<Progress>,
) -> Result<u64> {
    let writer = Writer::spawn(
        ctx.destination()?,
        ctx.run_id.clone(),
        Mode::Sweep,
        progress,
    )?;
    let mut reader = ctx.destination()?;
    let mut comparer = Comparer::new(1.0, ctx.options.ttl_tolerance_ms, scan_count);
    let mut repaired = 0;
    while let Some(mismatches) = comparer.next_page(source, &mut *reader).await? {
        repaired += mismatches.len() as u64;
        let items = mismatches
            .into_iter()
            .map(|m| match m.source {
                Some(snap) => (Item::Put(snap), 0),
                None => (Item::Gone(m.key), 0),
            })
            .collect();
        let (ack, acked) = oneshot::channel();
        writer
            .send(Batch {
                items,
                ack: Some(ack),
                ..Default::default()
            })
            .await?;
        // The destination scan must not race our own repairs.
        let _ = acked.await;
    }
    writer.finish().await?;
    Ok(repaired)
}

#[cfg(test)]
mod tests {
    use super::shrinking;

    #[test]
    fn passes_that_stop_shrinking_end_a_live_delta() {
        assert!(shrinking(&[4, 4]));
        assert!(!shrinking(&[4, 4, 4]));
        assert!(shrinking(&[1000, 50, 3]));
        assert!(shrinking(&[500, 300, 310, 290]));
        assert!(!shrinking(&[500, 300, 310, 290, 305, 300]));
    }
}
