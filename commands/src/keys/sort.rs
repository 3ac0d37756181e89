use std::cmp::Ordering;

use resplite_core::engine::{ZRange, ZRangeBy};
use resplite_core::prelude::*;

/// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
/// [ALPHA] [STORE destination], on a list, set or sorted set.
pub struct Sort(SortQuery);

/// SORT_RO: SORT without STORE.
pub struct SortRo(SortQuery);

struct SortQuery {
    key: Bytes,
    by: Option<Bytes>,
    /// BY a pattern without `*`: keep the stored order.
    dont_sort: bool,
    offset: i64,
    count: i64,
    gets: Vec<Bytes>,
    desc: bool,
    alpha: bool,
    store: Option<Bytes>,
}

impl SortQuery {
    fn parse(args: &mut Args, read_only: bool) -> Result<Self, CommandError> {
        let mut q = SortQuery {
            key: args.bytes()?,
            by: None,
            dont_sort: false,
            offset: 0,
            count: -1,
            gets: Vec::new(),
            desc: false,
            alpha: false,
            store: None,
        };
        while !args.is_empty() {
            let left = args.remaining() - 1;
            match args.keyword()?.as_str() {
                "ASC" => q.desc = false,
                "DESC" => q.desc = true,
                "ALPHA" => q.alpha = true,
                "LIMIT" if left >= 2 => {
                    q.offset = args.i64()?;
                    q.count = args.i64()?;
                }
                "STORE" if left >= 1 && !read_only => q.store = Some(args.bytes()?),
                "BY" if left >= 1 => {
                    let pattern = args.bytes()?;
                    // Sticky: one constant BY turns sorting off for good.
                    q.dont_sort |= !c_str(&pattern).contains(&b'*');
                    q.by = Some(pattern);
                }
                "GET" if left >= 1 => q.gets.push(args.bytes()?),
                _ => return Err(CommandError::Syntax),
            }
        }
        Ok(q)
    }

    fn run(mut self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let ty = ctx.engine.meta(&self.key)?.map(|m| m.key_type);
        if matches!(ty, Some(KeyType::String | KeyType::Hash | KeyType::Stream)) {
            return Err(CommandError::WrongType);
        }
        // An unsorted set would come out in no defined order: stored results
        // and scripts' are sorted (as Redis does, for replication).
        if self.dont_sort
            && ty == Some(KeyType::Set)
            && (self.store.is_some() || ctx.coord.in_script())
        {
            self.dont_sort = false;
            self.alpha = true;
            self.by = None;
        }
        let mut elements = match ty {
            Some(KeyType::List) => ctx.engine.list_range(&self.key, 0, -1)?,
            Some(KeyType::Set) => ctx.engine.smembers(&self.key)?,
            Some(KeyType::ZSet) => {
                let all = ZRange::new(ZRangeBy::Rank { start: 0, stop: -1 });
                ctx.engine
                    .zrange(&self.key, &all)?
                    .into_iter()
                    .map(|(m, _)| m)
                    .collect()
            }
            _ => Vec::new(),
        };
        let len = elements.len() as i64;
        // Redis' LIMIT arithmetic, bounds clamped to the element count.
        let start = self.offset.max(0).min(len);
        let count = self.count.max(-1).min(len);
        let (mut start, mut end) = (
            start,
            if count < 0 {
                len - 1
            } else {
                start + count - 1
            },
        );
        if start >= len {
            start = len - 1;
            end = len - 2;
        }
        end = end.min(len - 1);

        if self.dont_sort {
            // Lists and sorted sets keep their order, reversed by DESC.
            if self.desc && ty != Some(KeyType::Set) {
                elements.reverse();
            }
        } else {
            self.sort(ctx, &mut elements)?;
        }
        let picked: Vec<Vec<u8>> = if end >= start {
            elements
                .into_iter()
                .skip(start as usize)
                .take((end - start + 1) as usize)
                .collect()
        } else {
            Vec::new()
        };
        let mut out: Vec<Option<Vec<u8>>> = Vec::new();
        for element in picked {
            if self.gets.is_empty() {
                out.push(Some(element));
                continue;
            }
            for pattern in &self.gets {
                out.push(lookup(ctx, pattern, &element)?);
            }
        }
        let Some(dst) = self.store else {
            return Ok(Reply::Array(
                out.into_iter()
                    .map(|v| v.map_or(Reply::Nil, Reply::bulk))
                    .collect(),
            ));
        };
        let existed = ctx.engine.delete(&dst)?;
        if out.is_empty() {
            if existed {
                ctx.notify(Class::GENERIC, "del", &dst);
            }
            return Ok(Reply::Int(0));
        }
        let values: Vec<&[u8]> = out.iter().map(|v| v.as_deref().unwrap_or(b"")).collect();
        ctx.engine.list_push(&dst, &values, false, false)?;
        ctx.notify(Class::LIST, "sortstore", &dst);
        Ok(Reply::Int(values.len() as i64))
    }

    /// Sorts by the elements themselves or by the BY pattern's values:
    /// numerically (ties by element bytes) or, with ALPHA, as strings.
    fn sort(&self, ctx: &mut Ctx, elements: &mut [Vec<u8>]) -> Result<(), CommandError> {
        let mut keyed = Vec::with_capacity(elements.len());
        let mut bad_number = false;
        for element in elements.iter() {
            let by = match &self.by {
                Some(pattern) => lookup(ctx, pattern, element)?,
                None => Some(element.clone()),
            };
            let score = match (&by, self.alpha) {
                (Some(v), false) => strtod(v).unwrap_or_else(|| {
                    bad_number = true;
                    0.0
                }),
                _ => 0.0,
            };
            keyed.push((score, by));
        }
        if bad_number {
            return Err(CommandError::other(
                "ERR One or more scores can't be converted into double",
            ));
        }
        let mut order: Vec<usize> = (0..elements.len()).collect();
        let by_pattern = self.by.is_some();
        // Redis compares strings with strcoll (up to a NUL) when replying
        // and byte for byte when storing.
        let text = |s: &'_ [u8]| -> Vec<u8> {
            if self.store.is_some() {
                s.to_vec()
            } else {
                c_str(s).to_vec()
            }
        };
        order.sort_by(|&i, &j| {
            let cmp = if !self.alpha {
                keyed[i]
                    .0
                    .partial_cmp(&keyed[j].0)
                    .unwrap_or(Ordering::Equal)
                    .then_with(|| elements[i].cmp(&elements[j]))
            } else if by_pattern {
                // A missing BY value sorts first.
                match (&keyed[i].1, &keyed[j].1) {
                    (Some(a), Some(b)) => text(a).cmp(&text(b)),
                    (a, b) => a.is_some().cmp(&b.is_some()),
                }
            } else {
                text(&elements[i]).cmp(&text(&elements[j]))
            };
            if self.desc {
                cmp.reverse()
            } else {
                cmp
            }
        });
        let sorted: Vec<Vec<u8>> = order
            .into_iter()
            .map(|i| std::mem::take(&mut elements[i]))
            .collect();
        for (slot, value) in elements.iter_mut().zip(sorted) {
            *slot = value;
        }
        Ok(())
    }
}

/// The bytes of a pattern or value up to a NUL, as Redis' C string
/// functions see them.
fn c_str(s: &[u8]) -> &[u8] {
    &s[..s.iter().position(|&b| b == 0).unwrap_or(s.len())]
}

/// C's `strtod` as SORT applies it: leading blanks skipped, the empty
/// string is 0, trailing garbage is an error.
fn strtod(v: &[u8]) -> Option<f64> {
    let start = v
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(v.len());
    let v = &v[start..];
    if v.is_empty() {
        return Some(0.0);
    }
    resplite_core::util::number::parse_f64(v)
}

/// SORT's `GET`/`BY` pattern: `#` is the element; the first `*` is replaced
/// by it; `key->field` reads a hash field. Missing keys, keys of another
/// type and patterns without `*` give nothing.
fn lookup(ctx: &mut Ctx, pattern: &[u8], element: &[u8]) -> Result<Option<Vec<u8>>, CommandError> {
    if pattern == b"#" {
        return Ok(Some(element.to_vec()));
    }
    let pattern = c_str(pattern);
    let Some(star) = pattern.iter().position(|&b| b == b'*') else {
        return Ok(None);
    };
    let after = &pattern[star + 1..];
    let (suffix, field) = match after.windows(2).position(|w| w == b"->") {
        Some(at) if at + 2 < after.len() => (&after[..at], Some(&after[at + 2..])),
        _ => (after, None),
    };
    let mut key = pattern[..star].to_vec();
    key.extend_from_slice(element);
    key.extend_from_slice(suffix);
    let ty = ctx.engine.meta(&key)?.map(|m| m.key_type);
    Ok(match (field, ty) {
        (Some(field), Some(KeyType::Hash)) => ctx.engine.hget(&key, field)?,
        (None, Some(KeyType::String)) => ctx.engine.get_string(&key)?,
        _ => None,
    })
}

/// SORT's keys for COMMAND GETKEYS: the sorted key and the last STORE
/// destination, skipping the arguments of LIMIT, GET and BY (Redis'
/// `sortGetKeys`).
fn sort_keys(argv: &[Bytes]) -> Vec<usize> {
    let mut keys = vec![1];
    let mut store = None;
    let mut i = 2;
    while i < argv.len() {
        let arg = &argv[i];
        if arg.eq_ignore_ascii_case(b"limit") {
            i += 2;
        } else if arg.eq_ignore_ascii_case(b"get") || arg.eq_ignore_ascii_case(b"by") {
            i += 1;
        } else if arg.eq_ignore_ascii_case(b"store") && i + 1 < argv.len() {
            store = Some(i + 1);
        }
        i += 1;
    }
    keys.extend(store);
    keys
}

impl Command for Sort {
    const SPEC: CommandSpec = CommandSpec::new(
        "sort",
        -2,
        Flags::WRITE.union(Flags::DENYOOM),
        "generic",
    )
    .keys(1, 1, 1)
    .key_finder(sort_keys)
    .summary("Sorts the elements in a list, a set, or a sorted set, optionally storing the result.")
    .since("1.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        SortQuery::parse(args, false).map(Sort)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        self.0.run(ctx)
    }
}

/// SORT_RO's one key (a finder all the same, as Redis marks it movable).
fn sort_ro_keys(_argv: &[Bytes]) -> Vec<usize> {
    vec![1]
}

impl Command for SortRo {
    const SPEC: CommandSpec = CommandSpec::new("sort_ro", -2, Flags::READONLY, "generic")
        .keys(1, 1, 1)
        .key_finder(sort_ro_keys)
        .summary("Returns the sorted elements of a list, a set, or a sorted set.")
        .since("7.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        SortQuery::parse(args, true).map(SortRo)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        self.0.run(ctx)
    }
}

register_command!(Sort, SortRo);
