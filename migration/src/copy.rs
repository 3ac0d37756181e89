//! Reading keys from the source into writer items, shared by bulk, delta and
//! the sweep; and comparing both sides, shared by verify and the sweep.

use std::sync::Arc;

use futures_util::future::try_join_all;
use tokio::sync::mpsc;

use crate::dest::{temp_key, temp_owner, temp_prefix, Destination, TEMP_PREFIX};
use crate::error::Result;
use crate::source::{Fetched, Source};
use crate::value::{compare, Snapshot};
use crate::writer::{Batch, Item};

/// Reads `keys` with up to `concurrency` pipelines in flight and returns one
/// item per key, in order. Big keys are read in pages into a temporary key
/// (those pages go to the writer at once, so memory stays bounded) and come
/// back as a `Swap` that moves the complete copy over the key.
pub async fn read_items(
    source: &Arc<dyn Source>,
    keys: &[Vec<u8>],
    concurrency: usize,
    run_id: &str,
    writer: &mpsc::Sender<Batch>,
) -> Result<Vec<Item>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let chunk = keys.len().div_ceil(concurrency.max(1)).max(1);
    let parts = try_join_all(
        keys.chunks(chunk)
            .map(|part| read_part(source, part, run_id, writer)),
    )
    .await?;
    Ok(parts.into_iter().flatten().collect())
}

async fn read_part(
    source: &Arc<dyn Source>,
    keys: &[Vec<u8>],
    run_id: &str,
    writer: &mpsc::Sender<Batch>,
) -> Result<Vec<Item>> {
    let mut items = Vec::with_capacity(keys.len());
    for fetched in source.fetch(keys).await? {
        items.push(match fetched {
            Fetched::Gone(k) => Item::Gone(k),
            Fetched::Unsupported(k, t) => Item::Unsupported(k, t),
            Fetched::Whole(s) => Item::Put(s),
            Fetched::Big(mut read) => {
                let tmp = temp_key(run_id, &read.key);
                send(writer, vec![Item::Clear(tmp.clone())]).await?;
                let mut bytes = 0;
                loop {
                    let empty = read.page.empty_like();
                    let page = std::mem::replace(&mut read.page, empty);
                    bytes += page.bytes();
                    send(
                        writer,
                        vec![Item::Append {
                            tmp: tmp.clone(),
                            page,
                        }],
                    )
                    .await?;
                    if read.done {
                        break;
                    }
                    source.next_page(&mut read).await?;
                }
                Item::Swap {
                    tmp,
                    key: read.key,
                    expires_at: read.expires_at,
                    bytes,
                }
            }
        });
    }
    Ok(items)
}

async fn send(writer: &mpsc::Sender<Batch>, items: Vec<Item>) -> Result<()> {
    let items = items.into_iter().map(|i| (i, 0)).collect();
    crate::writer::queue(
        writer,
        Batch {
            items,
            ..Default::default()
        },
    )
    .await
}

/// Whether `key` falls in a sample of `fraction` of all keys: a hash of the
/// key, so both directions of verify pick the same keys.
pub fn sampled(key: &[u8], fraction: f64) -> bool {
    if fraction >= 1.0 {
        return true;
    }
    // FNV-1a: stable across runs and processes.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h as f64 / u64::MAX as f64) < fraction
}

/// A key whose two copies differ.
#[derive(Debug)]
pub struct Mismatch {
    pub key: Vec<u8>,
    pub reason: String,
    /// The source's copy (`None`: the key is not in the source).
    pub source: Option<Snapshot>,
}

/// Compares the sampled keys both ways, a page at a time: every sampled
/// source key against the destination, then every sampled destination key
/// for existence in the source.
pub struct Comparer {
    fraction: f64,
    ttl_tolerance_ms: i64,
    scan_count: usize,
    /// Source SCAN cursor while in the first phase.
    source_cursor: Option<String>,
    /// Destination cursor in the second phase; `None` when done.
    dest_cursor: Option<u64>,
    /// Keys compared so far.
    pub compared: u64,
    /// Source keys of types resplite does not hold (bulk skipped them).
    pub unsupported: u64,
}

impl Comparer {
    pub fn new(fraction: f64, ttl_tolerance_ms: i64, scan_count: usize) -> Comparer {
        Comparer {
            fraction,
            ttl_tolerance_ms,
            scan_count,
            source_cursor: Some("0".into()),
            dest_cursor: Some(0),
            compared: 0,
            unsupported: 0,
        }
    }

    /// The mismatches of the next page; `None` when both phases are done.
    pub async fn next_page(
        &mut self,
        source: &Arc<dyn Source>,
        dest: &mut dyn Destination,
    ) -> Result<Option<Vec<Mismatch>>> {
        let mut found = Vec::new();
        if let Some(cursor) = self.source_cursor.take() {
            let (next, keys) = source.scan(&cursor, self.scan_count).await?;
            let keys: Vec<Vec<u8>> = keys
                .into_iter()
                .filter(|k| sampled(k, self.fraction))
                .collect();
            for (key, snap, unsupported) in source.fetch_whole(&keys).await? {
                if unsupported.is_some() {
                    self.unsupported += 1;
                    continue;
                }
                self.compared += 1;
                let ours = dest.read(&key)?;
                if let Some(reason) = compare(snap.as_ref(), ours.as_ref(), self.ttl_tolerance_ms) {
                    found.push(Mismatch {
                        key,
                        reason,
                        source: snap,
                    });
                }
            }
            if next != "0" {
                self.source_cursor = Some(next);
            }
            return Ok(Some(found));
        }
        let Some(cursor) = self.dest_cursor.take() else {
            return Ok(None);
        };
        let (next, keys) = dest.scan(cursor, self.scan_count)?;
        let keys: Vec<Vec<u8>> = keys
            .into_iter()
            .filter(|k| !k.starts_with(TEMP_PREFIX) && sampled(k, self.fraction))
            .collect();
        if !keys.is_empty() {
            for (key, exists) in keys.iter().zip(source.exists(&keys).await?) {
                if !exists {
                    self.compared += 1;
                    found.push(Mismatch {
                        key: key.clone(),
                        reason: "present in destination but not in source".into(),
                        source: None,
                    });
                }
            }
        }
        if next != 0 {
            self.dest_cursor = Some(next);
        }
        Ok(Some(found))
    }
}

/// Deletes the temporary keys a run's interrupted big-key reads left behind:
/// this process's and those of processes no longer alive.
pub fn drop_temp_keys(dest: &mut dyn Destination, run_id: &str) -> Result<usize> {
    let me = std::process::id();
    let keys: Vec<Vec<u8>> = dest
        .keys_with_prefix(&temp_prefix(run_id))?
        .into_iter()
        .filter(|k| {
            temp_owner(run_id, k).is_none_or(|pid| pid == me || !crate::registry::pid_alive(pid))
        })
        .collect();
    dest.begin()?;
    for k in &keys {
        dest.delete(k)?;
    }
    dest.commit()?;
    Ok(keys.len())
}
