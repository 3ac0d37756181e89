//! `verify`: compares a sample of keys (type, value, TTL) in both directions
//! and fails if any differ.

use std::sync::Arc;

use crate::context::MigrationContext;
use crate::copy::Comparer;
use crate::error::{MigrationError, Result};
use crate::registry;
use crate::source::Source;
use crate::stage::Stage;
use crate::value::display_key;

/// Mismatches printed; all are counted (and logged, bounded).
const SHOWN: usize = 20;

pub struct Verify;

crate::register_stage!(Verify);

#[async_trait::async_trait]
impl Stage for Verify {
    fn name(&self) -> &'static str {
        "verify"
    }

    async fn run(&self, ctx: &mut MigrationContext) -> Result<()> {
        let reg = ctx.registry()?;
        let source: Arc<dyn Source> = ctx.source().await?;
        let settings = ctx.read_settings(&reg)?;
        let mut dest = ctx.destination()?;
        let started = std::time::Instant::now();
        let mut comparer = Comparer::new(
            ctx.options.sample,
            ctx.options.ttl_tolerance_ms,
            settings.scan_count,
        );
        let mut mismatches = 0u64;
        while let Some(found) = comparer.next_page(&source, &mut *dest).await? {
            if ctx.interrupted() {
                return Err(MigrationError::Interrupted);
            }
            for m in found {
                mismatches += 1;
                if mismatches as usize <= SHOWN {
                    println!("mismatch: {}: {}", display_key(&m.key), m.reason);
                }
                reg.call(|c| {
                    registry::log_error(c, &ctx.run_id, "verify", Some(&m.key), &m.reason)
                })?;
            }
        }
        if mismatches as usize > SHOWN {
            println!(
                "... and {} more (all in migration_errors, stage 'verify')",
                mismatches as usize - SHOWN
            );
        }
        println!(
            "verify: {} keys compared ({}% sample) in {:.1}s: {mismatches} mismatches",
            comparer.compared,
            ctx.options.sample * 100.0,
            started.elapsed().as_secs_f64()
        );
        if comparer.unsupported > 0 {
            println!(
                "verify: {} source keys of unsupported types were not compared (bulk skipped them; see preflight)",
                comparer.unsupported
            );
        }
        ctx.counters.insert("verify_mismatches".into(), mismatches);
        if mismatches > 0 {
            return Err(MigrationError::Mismatches(mismatches));
        }
        Ok(())
    }
}
