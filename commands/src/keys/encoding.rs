//! OBJECT ENCODING: what Redis 7.0 would answer for a value, from its
//! contents and the encoding thresholds CONFIG sets (`hash-max-listpack-*`,
//! `set-max-intset-entries`, `zset-max-listpack-*`). resplite stores every
//! value the same way; tools and tests that check encodings (Redis' own
//! suite among them) expect Redis' answer. Redis converts one way only (a
//! hash that grew past the limit stays a hashtable after it shrinks); this
//! answers for the value as it is now.

use resplite_core::engine::{ZRange, ZRangeBy};
use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

use crate::server::config::number;

/// Redis' `OBJ_ENCODING_EMBSTR_SIZE_LIMIT`.
const EMBSTR_MAX: usize = 44;

pub(crate) fn encoding(
    ctx: &mut Ctx,
    key: &[u8],
    ty: KeyType,
) -> Result<&'static str, CommandError> {
    let limit =
        |ctx: &Ctx, name: &str, default: i64| number(ctx.server, name, default).max(0) as u64;
    Ok(match ty {
        KeyType::String => {
            let value = ctx.engine.get_string(key)?.unwrap_or_default();
            if value.len() <= 20 && parse_i64(&value).is_some() {
                "int"
            } else if value.len() <= EMBSTR_MAX {
                "embstr"
            } else {
                "raw"
            }
        }
        KeyType::Hash => {
            let (entries, value) = (
                limit(ctx, "hash-max-listpack-entries", 128),
                limit(ctx, "hash-max-listpack-value", 64) as usize,
            );
            let small = ctx.engine.hlen(key)? <= entries
                && ctx
                    .engine
                    .hgetall(key)?
                    .iter()
                    .all(|(f, v)| f.len() <= value && v.len() <= value);
            if small {
                "listpack"
            } else {
                "hashtable"
            }
        }
        KeyType::Set => {
            let entries = limit(ctx, "set-max-intset-entries", 512);
            let ints = ctx.engine.scard(key)? <= entries
                && ctx
                    .engine
                    .smembers(key)?
                    .iter()
                    .all(|m| parse_i64(m).is_some());
            if ints {
                "intset"
            } else {
                "hashtable"
            }
        }
        KeyType::ZSet => {
            let (entries, value) = (
                limit(ctx, "zset-max-listpack-entries", 128),
                limit(ctx, "zset-max-listpack-value", 64) as usize,
            );
            let small = ctx.engine.zcard(key)? <= entries
                && ctx
                    .engine
                    .zrange(key, &ZRange::new(ZRangeBy::Rank { start: 0, stop: -1 }))?
                    .iter()
                    .all(|(member, _)| member.len() <= value);
            if small {
                "listpack"
            } else {
                "skiplist"
            }
        }
        // Redis 7.0 keeps every list in a quicklist.
        KeyType::List => "quicklist",
        KeyType::Stream => "stream",
    })
}
