//! A downstream crate adding its own migration stage: it registers the stage
//! and runs it through the same command line as the built-in ones:
//!
//! ```text
//! cargo run -p resplite-migration --example custom_stage -- \
//!     --from redis://127.0.0.1:6379 --to ./resplite.db --run-id r1 \
//!     --stages bulk,count-keys
//! ```

use std::process::ExitCode;

use clap::Parser;
use resplite_migration::cli::MigrateArgs;
use resplite_migration::error::Result;
use resplite_migration::{register_stage, MigrationContext, Stage};

/// Prints how many keys the source and the destination hold.
struct CountKeys;

#[async_trait::async_trait]
impl Stage for CountKeys {
    fn name(&self) -> &'static str {
        "count-keys"
    }

    async fn run(&self, ctx: &mut MigrationContext) -> Result<()> {
        let source = ctx.redis().await?;
        let mut conn = source.conn();
        let n: u64 = redis::cmd("DBSIZE").query_async(&mut conn).await?;
        let mut dest = ctx.destination()?;
        let mut ours = 0u64;
        let mut cursor = 0;
        loop {
            let (next, keys) = dest.scan(cursor, 1000)?;
            ours += keys.len() as u64;
            if next == 0 {
                break;
            }
            cursor = next;
        }
        println!("count-keys: source {n}, destination {ours}");
        ctx.counters.insert("source_keys".into(), n);
        Ok(())
    }
}

register_stage!(CountKeys);

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    migrate: MigrateArgs,
}

fn main() -> ExitCode {
    resplite_migration::cli::main(Cli::parse().migrate)
}
