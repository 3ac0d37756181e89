//! `preflight`: what is in the source, and whether it can tell us about writes.
//! Refuses (non-zero exit) when keyspace notifications do not cover what the
//! tracker needs, unless `--enable-notifications` lets it turn them on.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::StreamExt;
use redis::Value as RValue;

use crate::context::MigrationContext;
use crate::error::{MigrationError, Result};
use crate::registry;
use crate::source::{self, info_field, Source};
use crate::stage::Stage;
use crate::value::display_key;

/// Keys looked at for the type distribution and big keys.
const SAMPLE_KEYS: usize = 1000;
/// Elements above which a key is read in pages (and reported as big).
const BIG_ELEMENTS: i64 = source::PAGE_ELEMENTS as i64;
const BIG_STRING_BYTES: i64 = 16 << 20;

/// Event classes every write of a supported type is announced under: generic
/// (g), string ($), list (l), set (s), hash (h), zset (z), expired (x),
/// evicted (e). `A` stands for all of them.
const NEEDED: &str = "g$lshzxet";

pub struct Preflight;

crate::register_stage!(Preflight);

/// Which needed classes `flags` lacks; the key-or-event letter counts as one.
pub fn missing_flags(flags: &str) -> String {
    let all = flags.contains('A');
    let mut missing: String = NEEDED
        .chars()
        .filter(|c| !(all || flags.contains(*c)))
        .collect();
    if !flags.contains('K') && !flags.contains('E') {
        missing.insert(0, 'E');
    }
    missing
}

/// `flags` with the needed classes added (and keyevent channels if neither
/// kind is on), keeping whatever else was set.
pub fn merged_flags(flags: &str) -> String {
    let mut out: String = flags.to_string();
    for c in missing_flags(flags).chars() {
        if !out.contains(c) {
            out.push(c);
        }
    }
    out
}

#[async_trait::async_trait]
impl Stage for Preflight {
    fn name(&self) -> &'static str {
        "preflight"
    }

    async fn run(&self, ctx: &mut MigrationContext) -> Result<()> {
        let reg = ctx.registry()?;
        let redis = ctx.redis().await?;
        let mut conn = redis.conn();
        let server = source::info(&mut conn, "server").await?;
        let version = info_field(&server, "redis_version")
            .unwrap_or("?")
            .to_string();
        let db = redis.db_index();
        let keys: i64 = redis::cmd("DBSIZE").query_async(&mut conn).await?;
        reg.call(|c| registry::set_estimated_keys(c, &ctx.run_id, keys.max(0) as u64))?;
        println!(
            "source: {} db {db} (redis {version}), ~{keys} keys",
            redis.address()
        );

        // A sample for the type distribution and big keys.
        let mut sample = Vec::new();
        let mut cursor = "0".to_string();
        loop {
            let (next, page) = redis.scan(&cursor, 1000).await?;
            sample.extend(page);
            if next == "0" || sample.len() >= SAMPLE_KEYS {
                break;
            }
            cursor = next;
        }
        sample.truncate(SAMPLE_KEYS);
        let mut types: BTreeMap<String, usize> = BTreeMap::new();
        let mut big = Vec::new();
        if !sample.is_empty() {
            let mut pipe = redis::pipe();
            pipe.ignore_errors();
            for k in &sample {
                pipe.cmd("TYPE").arg(k);
            }
            let kinds: Vec<RValue> = pipe.query_async(&mut conn).await?;
            // An error or nil (the key vanished) counts as none.
            let kinds: Vec<String> = kinds
                .iter()
                .map(|v| {
                    Some(source::status_text(v))
                        .filter(|t| !t.is_empty())
                        .unwrap_or_else(|| "none".into())
                })
                .collect();
            let mut pipe = redis::pipe();
            pipe.ignore_errors();
            for (k, t) in sample.iter().zip(&kinds) {
                let len = match t.as_str() {
                    "string" => "STRLEN",
                    "hash" => "HLEN",
                    "set" => "SCARD",
                    "zset" => "ZCARD",
                    "list" => "LLEN",
                    "stream" => "XLEN",
                    _ => "EXISTS",
                };
                pipe.cmd(len).arg(k);
            }
            let sizes: Vec<RValue> = pipe.query_async(&mut conn).await?;
            for ((k, t), size) in sample.iter().zip(&kinds).zip(sizes) {
                if t == "none" {
                    continue;
                }
                *types.entry(t.clone()).or_default() += 1;
                let n = if let RValue::Int(n) = size { n } else { 0 };
                let limit = if t == "string" {
                    BIG_STRING_BYTES
                } else {
                    BIG_ELEMENTS
                };
                if n > limit {
                    big.push(format!(
                        "{} ({t}, {n} {})",
                        display_key(k),
                        if t == "string" { "bytes" } else { "elements" }
                    ));
                }
            }
        }
        let total: usize = types.values().sum();
        if total > 0 {
            let dist: Vec<String> = types
                .iter()
                .map(|(t, n)| format!("{t} {n} ({:.1}%)", *n as f64 * 100.0 / total as f64))
                .collect();
            println!("type distribution (sample of {total}): {}", dist.join(", "));
        }
        if !big.is_empty() {
            println!("big keys in the sample (read in pages): {}", big.join(", "));
        }
        let unsupported: Vec<String> = types
            .iter()
            .filter(|(t, _)| {
                !matches!(
                    t.as_str(),
                    "string" | "hash" | "set" | "zset" | "list" | "stream"
                )
            })
            .map(|(t, n)| format!("{t} ({n} in sample)"))
            .collect();
        if !unsupported.is_empty() {
            println!(
                "unsupported types (skipped and logged by bulk): {}",
                unsupported.join(", ")
            );
        }

        // Keyspace notifications: the tracker's only view of writes.
        let config = ctx.options.config_command.clone();
        let flags: Vec<String> = redis::cmd(&config)
            .arg("GET")
            .arg("notify-keyspace-events")
            .query_async(&mut conn)
            .await
            .map_err(|e| {
                MigrationError::Refused(format!(
                    "cannot read notify-keyspace-events with {config} GET ({e}); if CONFIG is renamed, pass --config-command NAME"
                ))
            })?;
        let flags = flags.get(1).cloned().unwrap_or_default();
        let missing = missing_flags(&flags);
        if missing.is_empty() {
            println!("notify-keyspace-events: \"{flags}\" covers what the tracker needs");
        } else if ctx.options.enable_notifications {
            let merged = merged_flags(&flags);
            let _: () = redis::cmd(&config)
                .arg("SET")
                .arg("notify-keyspace-events")
                .arg(&merged)
                .query_async(&mut conn)
                .await
                .map_err(|e| {
                    MigrationError::Refused(format!("cannot set notify-keyspace-events: {e}"))
                })?;
            println!("notify-keyspace-events: was \"{flags}\", set to \"{merged}\"");
        } else {
            return Err(MigrationError::Refused(format!(
                "keyspace notifications on the source do not cover the tracker's needs \
                 (notify-keyspace-events is \"{flags}\", missing \"{missing}\"): rerun with \
                 --enable-notifications, or run `{config} SET notify-keyspace-events {}` on the source",
                merged_flags(&flags)
            )));
        }

        // A canary write proves events actually arrive.
        canary(ctx, redis.client(), db).await?;
        println!("canary: a write to the source produced its notification");
        let conc = if keys > 1_000_000 { 16 } else { 8 };
        println!(
            "recommended: --scan-count 1000 --max-concurrency {conc} --batch-keys 1000; keep a `resplite migrate track` running from before bulk until cutover"
        );
        Ok(())
    }
}

async fn canary(ctx: &MigrationContext, client: &redis::Client, db: i64) -> Result<()> {
    let key = format!("__resplite_canary__:{}:{}", ctx.run_id, std::process::id());
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.psubscribe(format!("__keyevent@{db}__:*")).await?;
    pubsub
        .psubscribe(format!("__keyspace@{db}__:{key}"))
        .await?;
    let mut conn = source::connect(client).await?;
    let _: () = redis::cmd("SET")
        .arg(&key)
        .arg("1")
        .arg("PX")
        .arg(10_000)
        .query_async(&mut conn)
        .await?;
    let mut stream = pubsub.on_message();
    let seen = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(msg) = stream.next().await {
            let channel: Vec<u8> = msg.get_channel().unwrap_or_default();
            if msg.get_payload_bytes() == key.as_bytes() || channel.ends_with(key.as_bytes()) {
                return true;
            }
        }
        false
    })
    .await
    .unwrap_or(false);
    let _: i64 = redis::cmd("DEL").arg(&key).query_async(&mut conn).await?;
    if !seen {
        return Err(MigrationError::Refused(
            "a canary write to the source produced no keyspace notification within 5 s: \
             the tracker would miss writes (check notify-keyspace-events and that PSUBSCRIBE is allowed)"
                .into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_cover_or_name_what_is_missing() {
        assert_eq!(missing_flags("KEA"), "");
        assert_eq!(missing_flags("Eg$lshzxet"), "");
        assert_eq!(missing_flags("Eg$lshzxe"), "t");
        assert_eq!(missing_flags(""), "Eg$lshzxet");
        assert_eq!(missing_flags("Kg"), "$lshzxet");
        assert_eq!(merged_flags("Kg"), "Kg$lshzxet");
    }
}
