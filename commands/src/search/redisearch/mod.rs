//! RediSearch's dialect of FT.*: indexes over hashes (`FT.CREATE idx ON
//! HASH PREFIX n p... SCHEMA ...`), kept up to date as hashes are written,
//! its query language, FT.SEARCH's options and replies, FT.AGGREGATE.
//!
//! One index namespace serves both dialects: an index created the Node.js
//! RESPlite's way (`SCHEMA name TEXT ...` and nothing else) holds FT.ADD
//! documents; any other FT.CREATE makes a hash index.

pub(crate) mod aggregate;
pub(crate) mod query;
pub(crate) mod search;

use resplite_core::engine::search::{FieldDef, FieldKind, HashIndex, HashIndexInfo};
use resplite_core::prelude::*;

use super::text;

/// RediSearch works in database 0 only.
pub(crate) fn check_db(ctx: &Ctx) -> Result<(), CommandError> {
    if ctx.session.db == 0 {
        Ok(())
    } else {
        Err(CommandError::other("ERR Cannot create index on db != 0"))
    }
}

/// A count argument followed by that many items.
pub(crate) fn counted<'a>(
    args: &'a [Bytes],
    at: &mut usize,
    what: &str,
) -> Result<&'a [Bytes], CommandError> {
    let n = args
        .get(*at)
        .and_then(|a| std::str::from_utf8(a).ok()?.parse::<usize>().ok())
        .ok_or_else(|| {
            CommandError::other(format!(
                "Bad arguments for {what}: Could not convert argument to expected type"
            ))
        })?;
    let items = args.get(*at + 1..*at + 1 + n).ok_or_else(|| {
        CommandError::other(format!(
            "Bad arguments for {what}: Expected an argument, but none provided"
        ))
    })?;
    *at += 1 + n;
    Ok(items)
}

fn upper(arg: &Bytes) -> String {
    String::from_utf8_lossy(arg).to_ascii_uppercase()
}

/// `FT.CREATE idx [ON HASH] [PREFIX n p...] [options] SCHEMA fields...`.
/// Options that change nothing here (LANGUAGE, SCORE, STOPWORDS, NOOFFSETS,
/// ...) are accepted and ignored.
pub(crate) fn parse_create(
    name: String,
    args: &[Bytes],
) -> Result<(HashIndex, bool), CommandError> {
    let mut at = 0;
    let mut prefixes = Vec::new();
    let mut scan = true;
    loop {
        let Some(arg) = args.get(at) else {
            return Err(CommandError::other("No schema found"));
        };
        at += 1;
        match upper(arg).as_str() {
            "SCHEMA" => break,
            "ON" => {
                let on = args.get(at).map(upper);
                at += 1;
                match on.as_deref() {
                    Some("HASH") => {}
                    Some("JSON") => {
                        return Err(CommandError::other(
                            "ERR ON JSON is not supported (hashes only)",
                        ))
                    }
                    _ => return Err(CommandError::other("Unknown index type")),
                }
            }
            "PREFIX" => {
                prefixes = counted(args, &mut at, "PREFIX")?
                    .iter()
                    .map(|p| p.to_vec())
                    .collect();
            }
            "LANGUAGE" | "LANGUAGE_FIELD" | "SCORE" | "SCORE_FIELD" | "PAYLOAD_FIELD"
            | "TEMPORARY" | "FILTER" => at += 1,
            "STOPWORDS" => {
                counted(args, &mut at, "STOPWORDS")?;
            }
            "SKIPINITIALSCAN" => scan = false,
            "MAXTEXTFIELDS" | "NOOFFSETS" | "NOHL" | "NOFIELDS" | "NOFREQS" | "ASYNC" => {}
            other => return Err(CommandError::other(format!("Unknown argument `{other}`"))),
        }
    }
    let fields = parse_fields(args, &mut at)?;
    if fields.is_empty() {
        return Err(CommandError::other("Fields arguments are missing"));
    }
    Ok((
        HashIndex {
            name,
            prefixes,
            fields,
        },
        scan,
    ))
}

/// Schema fields from `args[at..]`: `name [AS alias] TYPE [options]`.
pub(crate) fn parse_fields(args: &[Bytes], at: &mut usize) -> Result<Vec<FieldDef>, CommandError> {
    let mut fields: Vec<FieldDef> = Vec::new();
    while let Some(name) = args.get(*at) {
        let field = text(name)?;
        *at += 1;
        let mut alias = field.clone();
        if args.get(*at).is_some_and(|a| a.eq_ignore_ascii_case(b"AS")) {
            alias = text(
                args.get(*at + 1)
                    .ok_or_else(|| CommandError::other("Missing alias after AS"))?,
            )?;
            *at += 2;
        }
        let ty = args
            .get(*at)
            .map(upper)
            .ok_or_else(|| CommandError::other(format!("Field `{field}` has no type")))?;
        *at += 1;
        let mut kind = match ty.as_str() {
            "TEXT" => FieldKind::Text { weight: 1.0 },
            "TAG" => FieldKind::Tag {
                separator: ',',
                case_sensitive: false,
            },
            "NUMERIC" => FieldKind::Numeric,
            "GEO" | "VECTOR" | "GEOSHAPE" => {
                return Err(CommandError::other("ERR unsupported field type"))
            }
            _ => {
                return Err(CommandError::other(format!(
                    "Invalid field type for field `{field}`"
                )))
            }
        };
        let mut sortable = false;
        // The field's options, up to the next field's name.
        while let Some(opt) = args.get(*at).map(upper) {
            match (opt.as_str(), &mut kind) {
                ("SORTABLE", _) => sortable = true,
                (
                    "UNF" | "NOINDEX" | "NOSTEM" | "WITHSUFFIXTRIE" | "INDEXEMPTY" | "INDEXMISSING",
                    _,
                ) => {}
                ("WEIGHT", FieldKind::Text { weight }) => {
                    *at += 1;
                    *weight = args
                        .get(*at)
                        .and_then(|w| std::str::from_utf8(w).ok()?.parse().ok())
                        .filter(|w: &f64| w.is_finite() && *w >= 0.0)
                        .ok_or_else(|| CommandError::other("Bad arguments for WEIGHT"))?;
                }
                ("PHONETIC", FieldKind::Text { .. }) => *at += 1,
                ("SEPARATOR", FieldKind::Tag { separator, .. }) => {
                    *at += 1;
                    let s = args
                        .get(*at)
                        .map(|s| String::from_utf8_lossy(s).into_owned());
                    *separator = s
                        .filter(|s| s.chars().count() == 1)
                        .and_then(|s| s.chars().next())
                        .ok_or_else(|| {
                            CommandError::other("Tag separator must be a single character")
                        })?;
                }
                ("CASESENSITIVE", FieldKind::Tag { case_sensitive, .. }) => *case_sensitive = true,
                _ => break,
            }
            *at += 1;
        }
        if fields.iter().any(|f| f.alias == alias) {
            return Err(CommandError::other(format!(
                "Duplicate field in schema - {alias}"
            )));
        }
        fields.push(FieldDef {
            field,
            alias,
            kind,
            sortable,
        });
    }
    Ok(fields)
}

/// A number as RediSearch prints it in replies.
pub(crate) fn num(n: f64) -> Reply {
    Reply::bulk(resplite_core::util::number::format_double(n))
}

/// FT.SEARCH's and FT.AGGREGATE's reply: the RESP2 array, or in RESP3
/// RediSearch 2.8's map of `results`.
pub(crate) fn results_reply(
    resp3: bool,
    total: u64,
    resp2: Vec<Reply>,
    results: Vec<Reply>,
) -> Reply {
    if !resp3 {
        return Reply::Array(resp2);
    }
    Reply::Map(vec![
        (Reply::bulk("attributes"), Reply::Array(vec![])),
        (Reply::bulk("format"), Reply::bulk("STRING")),
        (Reply::bulk("results"), Reply::Array(results)),
        (Reply::bulk("total_results"), Reply::Int(total as i64)),
        (Reply::bulk("warning"), Reply::Array(vec![])),
    ])
}

/// FT.INFO of a hash index, in RediSearch's shape (the fields its clients
/// read): a flat list in RESP2, a map (attributes as maps) in RESP3.
pub(crate) fn info_reply(resp3: bool, def: &HashIndex, info: &HashIndexInfo) -> Reply {
    let pairs = info_pairs(resp3, def, info);
    if resp3 {
        Reply::Map(pairs)
    } else {
        Reply::Array(pairs.into_iter().flat_map(|(k, v)| [k, v]).collect())
    }
}

fn info_pairs(resp3: bool, def: &HashIndex, info: &HashIndexInfo) -> Vec<(Reply, Reply)> {
    let attributes = def
        .fields
        .iter()
        .map(|f| {
            let kv = |k: &'static str, v: Reply| (Reply::bulk(k), v);
            let mut a = vec![
                kv("identifier", Reply::bulk(f.field.clone())),
                kv("attribute", Reply::bulk(f.alias.clone())),
            ];
            let mut flags = Vec::new();
            match &f.kind {
                FieldKind::Text { weight } => {
                    a.push(kv("type", Reply::bulk("TEXT")));
                    a.push(kv("WEIGHT", num(*weight)));
                }
                FieldKind::Tag {
                    separator,
                    case_sensitive,
                } => {
                    a.push(kv("type", Reply::bulk("TAG")));
                    a.push(kv("SEPARATOR", Reply::bulk(separator.to_string())));
                    if *case_sensitive {
                        flags.push(Reply::bulk("CASESENSITIVE"));
                    }
                }
                FieldKind::Numeric => a.push(kv("type", Reply::bulk("NUMERIC"))),
            }
            if f.sortable {
                flags.push(Reply::bulk("SORTABLE"));
            }
            if resp3 {
                a.push(kv("flags", Reply::Array(flags)));
                Reply::Map(a)
            } else {
                let mut flat: Vec<Reply> = a.into_iter().flat_map(|(k, v)| [k, v]).collect();
                flat.extend(flags);
                Reply::Array(flat)
            }
        })
        .collect();
    let kv = |k: &'static str, v: Reply| (Reply::bulk(k), v);
    let definition = vec![
        kv("key_type", Reply::bulk("HASH")),
        kv(
            "prefixes",
            Reply::Array(
                def.prefixes
                    .iter()
                    .map(|p| Reply::bulk(p.clone()))
                    .collect(),
            ),
        ),
        kv("default_score", num(1.0)),
    ];
    let number = |n: f64| if resp3 { Reply::Double(n) } else { num(n) };
    vec![
        kv("index_name", Reply::bulk(def.name.clone())),
        kv("index_options", Reply::Array(vec![])),
        kv("index_definition", Reply::Map(definition)),
        kv("attributes", Reply::Array(attributes)),
        kv("num_docs", number(info.num_docs as f64)),
        kv("max_doc_id", number(info.max_doc_id as f64)),
        kv(
            "hash_indexing_failures",
            number(info.indexing_failures as f64),
        ),
        kv(
            "indexing",
            number(if info.percent_indexed < 1.0 { 1.0 } else { 0.0 }),
        ),
        kv("percent_indexed", number(info.percent_indexed)),
    ]
}
