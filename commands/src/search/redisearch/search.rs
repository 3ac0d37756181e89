//! FT.SEARCH on a hash index: RediSearch's options and its RESP2 reply,
//! `[total, key, [score,] [field, value, ...], ...]`.

use resplite_core::engine::search::{
    FieldKind, HashIndex, Query, QueryOptions, RangeBound, TextQuery,
};
use resplite_core::prelude::*;

use super::{counted, num, query, upper};
use crate::search::text;

fn bad(msg: impl Into<String>) -> CommandError {
    CommandError::other(msg.into())
}

fn number_arg(args: &[Bytes], at: usize, what: &str) -> Result<i64, CommandError> {
    args.get(at)
        .and_then(|a| std::str::from_utf8(a).ok()?.parse::<i64>().ok())
        .ok_or_else(|| {
            bad(format!(
                "Bad arguments for {what}: Could not convert argument to expected type"
            ))
        })
}

/// HIGHLIGHT / SUMMARIZE settings.
#[derive(Default)]
struct Decorate {
    highlight: Option<(Option<Vec<String>>, String, String)>,
    /// Fields, fragments, words per fragment, separator.
    summarize: Option<(Option<Vec<String>>, usize, usize, String)>,
}

/// What FT.SEARCH was asked, once parsed against the index's schema.
pub(crate) struct Search {
    query: Query,
    options: QueryOptions,
    no_content: bool,
    with_scores: bool,
    /// (hash field, name in the reply); `None`: every field of the hash.
    returns: Option<Vec<(String, String)>>,
    decorate: Decorate,
}

pub(crate) fn parse(def: &HashIndex, args: &[Bytes]) -> Result<Search, CommandError> {
    let mut query_text = text(
        args.first()
            .ok_or_else(|| bad("ERR wrong number of arguments for 'ft.search' command"))?,
    )?;
    let mut options = QueryOptions {
        sort_by: None,
        offset: 0,
        count: 10,
        in_keys: None,
    };
    let (mut no_content, mut with_scores) = (false, false);
    let mut returns = None;
    let mut in_fields = None;
    let mut filters = Vec::new();
    let mut decorate = Decorate::default();
    let mut params: Vec<(String, String)> = Vec::new();
    let mut at = 1;
    while let Some(arg) = args.get(at) {
        at += 1;
        match upper(arg).as_str() {
            "NOCONTENT" => no_content = true,
            "WITHSCORES" => with_scores = true,
            "VERBATIM" | "NOSTOPWORDS" | "WITHPAYLOADS" | "WITHSORTKEYS" | "INORDER"
            | "EXPLAINSCORE" => {}
            "SLOP" | "TIMEOUT" | "LANGUAGE" | "EXPANDER" | "SCORER" | "PAYLOAD" | "DIALECT" => {
                if args.get(at).is_none() {
                    return Err(bad(format!(
                        "Bad arguments for {}: Expected an argument, but none provided",
                        upper(arg)
                    )));
                }
                at += 1;
            }
            "LIMIT" => {
                let (offset, count) = (
                    number_arg(args, at, "LIMIT")?,
                    number_arg(args, at + 1, "LIMIT")?,
                );
                if offset < 0 || count < 0 {
                    return Err(bad("LIMIT exceeds maximum of 1000000"));
                }
                (options.offset, options.count) = (offset as u64, count as u64);
                at += 2;
            }
            "SORTBY" => {
                let name = text(
                    args.get(at)
                        .ok_or_else(|| bad("Bad arguments for SORTBY"))?,
                )?;
                let name = name.strip_prefix('@').unwrap_or(&name).to_string();
                let field = def
                    .field(&name)
                    .ok_or_else(|| bad(format!("Property `{name}` not loaded nor in schema")))?;
                at += 1;
                let mut asc = true;
                match args.get(at).map(upper).as_deref() {
                    Some("ASC") => at += 1,
                    Some("DESC") => {
                        asc = false;
                        at += 1
                    }
                    _ => {}
                }
                if args.get(at).map(upper).as_deref() == Some("WITHCOUNT") {
                    at += 1;
                }
                options.sort_by = Some((field, asc));
            }
            "INKEYS" => {
                options.in_keys = Some(
                    counted(args, &mut at, "INKEYS")?
                        .iter()
                        .map(|k| k.to_vec())
                        .collect(),
                );
            }
            "INFIELDS" => {
                let mut fields = Vec::new();
                for f in counted(args, &mut at, "INFIELDS")? {
                    if let Some(i) = def.field(&text(f)?) {
                        fields.push(i);
                    }
                }
                in_fields = Some(fields);
            }
            "RETURN" => {
                let items = counted(args, &mut at, "RETURN")?;
                let mut out = Vec::new();
                let mut i = 0;
                while i < items.len() {
                    let name = text(&items[i])?;
                    let field = def
                        .field(&name)
                        .map_or(name.clone(), |f| def.fields[f].field.clone());
                    let mut shown = name;
                    if items
                        .get(i + 1)
                        .is_some_and(|a| a.eq_ignore_ascii_case(b"AS"))
                    {
                        shown = text(
                            items
                                .get(i + 2)
                                .ok_or_else(|| bad("Bad arguments for RETURN"))?,
                        )?;
                        i += 2;
                    }
                    out.push((field, shown));
                    i += 1;
                }
                if out.is_empty() {
                    no_content = true;
                }
                returns = Some(out);
            }
            "FILTER" => {
                let name = text(
                    args.get(at)
                        .ok_or_else(|| bad("Bad arguments for FILTER"))?,
                )?;
                let name = name.strip_prefix('@').unwrap_or(&name).to_string();
                let field = def
                    .field(&name)
                    .filter(|f| def.fields[*f].kind == FieldKind::Numeric)
                    .ok_or_else(|| bad(format!("Unknown field `{name}`")))?;
                let bound = |a: Option<&Bytes>| -> Result<RangeBound, CommandError> {
                    let t = a
                        .map(|a| String::from_utf8_lossy(a).into_owned())
                        .unwrap_or_default();
                    let (exclusive, t) = match t.strip_prefix('(') {
                        Some(rest) => (true, rest.to_string()),
                        None => (false, t),
                    };
                    let value = match t.to_ascii_lowercase().as_str() {
                        "inf" | "+inf" => f64::INFINITY,
                        "-inf" => f64::NEG_INFINITY,
                        v => v.parse().map_err(|_| bad("Bad arguments for FILTER: Could not convert argument to expected type"))?,
                    };
                    Ok(RangeBound { value, exclusive })
                };
                filters.push(Query::Range {
                    field,
                    min: bound(args.get(at + 1))?,
                    max: bound(args.get(at + 2))?,
                });
                at += 3;
            }
            "PARAMS" => {
                let items = counted(args, &mut at, "PARAMS")?;
                for pair in items.chunks(2) {
                    let [k, v] = pair else {
                        return Err(bad("Parameters must be specified in PARAM VALUE pairs"));
                    };
                    params.push((text(k)?, text(v)?));
                }
            }
            "HIGHLIGHT" => {
                let mut fields = None;
                let (mut open, mut close) = ("<b>".to_string(), "</b>".to_string());
                loop {
                    match args.get(at).map(upper).as_deref() {
                        Some("FIELDS") => {
                            at += 1;
                            fields = Some(
                                counted(args, &mut at, "HIGHLIGHT")?
                                    .iter()
                                    .map(|f| String::from_utf8_lossy(f).into_owned())
                                    .collect(),
                            );
                        }
                        Some("TAGS") => {
                            open = text(
                                args.get(at + 1)
                                    .ok_or_else(|| bad("Bad arguments for HIGHLIGHT"))?,
                            )?;
                            close = text(
                                args.get(at + 2)
                                    .ok_or_else(|| bad("Bad arguments for HIGHLIGHT"))?,
                            )?;
                            at += 3;
                        }
                        _ => break,
                    }
                }
                decorate.highlight = Some((fields, open, close));
            }
            "SUMMARIZE" => {
                let (mut fields, mut frags, mut len, mut sep) =
                    (None, 3usize, 20usize, "... ".to_string());
                loop {
                    match args.get(at).map(upper).as_deref() {
                        Some("FIELDS") => {
                            at += 1;
                            fields = Some(
                                counted(args, &mut at, "SUMMARIZE")?
                                    .iter()
                                    .map(|f| String::from_utf8_lossy(f).into_owned())
                                    .collect(),
                            );
                        }
                        Some("FRAGS") => {
                            frags = number_arg(args, at + 1, "FRAGS")?.max(1) as usize;
                            at += 2;
                        }
                        Some("LEN") => {
                            len = number_arg(args, at + 1, "LEN")?.max(1) as usize;
                            at += 2;
                        }
                        Some("SEPARATOR") => {
                            sep = text(
                                args.get(at + 1)
                                    .ok_or_else(|| bad("Bad arguments for SUMMARIZE"))?,
                            )?;
                            at += 2;
                        }
                        _ => break,
                    }
                }
                decorate.summarize = Some((fields, frags, len, sep));
            }
            "GEOFILTER" => return Err(bad("ERR GEOFILTER is not supported")),
            other => {
                return Err(bad(format!(
                    "Unknown argument `{other}` at position {}",
                    at - 1
                )))
            }
        }
    }
    // `$name` in the query text takes its PARAMS value (longest names first).
    params.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
    for (k, v) in &params {
        query_text = query_text.replace(&format!("${k}"), v);
    }
    let mut query = query::parse(&query_text, def, in_fields)?;
    if !filters.is_empty() {
        filters.insert(0, query);
        query = Query::And(filters);
    }
    Ok(Search {
        query,
        options,
        no_content,
        with_scores,
        returns,
        decorate,
    })
}

/// The words (lowercased) and prefixes a query asks for, not negated.
fn wanted(q: &Query, words: &mut Vec<String>, prefixes: &mut Vec<String>) {
    match q {
        Query::Text { text, .. } => match text {
            TextQuery::Word(w) => words.push(w.to_lowercase()),
            TextQuery::Prefix(p) => prefixes.push(p.to_lowercase()),
            TextQuery::Phrase(ws) => words.extend(ws.iter().map(|w| w.to_lowercase())),
        },
        Query::And(parts) | Query::Or(parts) => {
            parts.iter().for_each(|p| wanted(p, words, prefixes))
        }
        _ => {}
    }
}

/// Byte ranges of the words in `text` that the query asked for.
fn matches(text: &str, words: &[String], prefixes: &[String]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let check = |s: usize, e: usize, out: &mut Vec<(usize, usize)>| {
        let w = text[s..e].to_lowercase();
        if words.contains(&w) || prefixes.iter().any(|p| w.starts_with(p.as_str())) {
            out.push((s, e));
        }
    };
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() || c == '_' {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            check(s, i, &mut out);
        }
    }
    if let Some(s) = start {
        check(s, text.len(), &mut out);
    }
    out
}

fn highlight(text: &str, spans: &[(usize, usize)], open: &str, close: &str) -> String {
    let mut out = String::with_capacity(text.len() + spans.len() * (open.len() + close.len()));
    let mut last = 0;
    for (s, e) in spans {
        out.push_str(&text[last..*s]);
        out.push_str(open);
        out.push_str(&text[*s..*e]);
        out.push_str(close);
        last = *e;
    }
    out.push_str(&text[last..]);
    out
}

/// Up to `frags` fragments of `len` words around matching words.
fn summarize(
    text: &str,
    words: &[String],
    prefixes: &[String],
    frags: usize,
    len: usize,
    sep: &str,
) -> String {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let hit = |t: &str| !matches(t, words, prefixes).is_empty();
    let mut out = String::new();
    let mut next_free = 0;
    let mut made = 0;
    for (i, t) in tokens.iter().enumerate() {
        if made == frags {
            break;
        }
        if i < next_free || !hit(t) {
            continue;
        }
        let start = i.saturating_sub(len / 4).max(next_free);
        let end = (start + len).min(tokens.len());
        out.push_str(&tokens[start..end].join(" "));
        out.push_str(sep);
        next_free = end;
        made += 1;
    }
    if made == 0 {
        out.push_str(&tokens[..len.min(tokens.len())].join(" "));
        out.push_str(sep);
    }
    out
}

pub(crate) fn run(ctx: &mut Ctx, def: &HashIndex, s: Search) -> Result<Reply, CommandError> {
    let resp3 = ctx.session.resp == 3;
    let (total, hits) = ctx.engine.ft_query(&def.name, &s.query, &s.options)?;
    let mut out = vec![Reply::Int(total as i64)];
    let mut results = Vec::new();
    if s.options.count == 0 {
        return Ok(super::results_reply(resp3, total, out, results));
    }
    let (mut words, mut prefixes) = (Vec::new(), Vec::new());
    wanted(&s.query, &mut words, &mut prefixes);
    let is_text = |name: &str| {
        def.fields.iter().any(|f| {
            (f.field == name || f.alias == name) && matches!(f.kind, FieldKind::Text { .. })
        })
    };
    let listed = |list: &Option<Vec<String>>, name: &str| {
        list.as_ref().is_none_or(|l| l.iter().any(|f| f == name))
    };
    for (key, score) in hits {
        // RESP3: one map per result (RediSearch 2.8's shape).
        let mut item = vec![(Reply::bulk("id"), Reply::bulk(key.clone()))];
        out.push(Reply::bulk(key.clone()));
        if s.with_scores {
            out.push(num(score));
            item.push((Reply::bulk("score"), Reply::Double(score)));
        }
        if s.no_content {
            item.push((Reply::bulk("values"), Reply::Array(vec![])));
            results.push(Reply::Map(item));
            continue;
        }
        let all = ctx.engine.hgetall(&key)?;
        let pairs: Vec<(String, Vec<u8>)> = match &s.returns {
            None => all
                .into_iter()
                .map(|(f, v)| (String::from_utf8_lossy(&f).into_owned(), v))
                .collect(),
            Some(list) => list
                .iter()
                .filter_map(|(field, shown)| {
                    all.iter()
                        .find(|(f, _)| f == field.as_bytes())
                        .map(|(_, v)| (shown.clone(), v.clone()))
                })
                .collect(),
        };
        let mut fields = Vec::with_capacity(pairs.len() * 2);
        let mut attributes = Vec::with_capacity(pairs.len());
        for (name, value) in pairs {
            let mut value = value;
            if is_text(&name) {
                let mut t = String::from_utf8_lossy(&value).into_owned();
                if let Some((list, frags, len, sep)) = &s.decorate.summarize {
                    if listed(list, &name) {
                        t = summarize(&t, &words, &prefixes, *frags, *len, sep);
                    }
                }
                if let Some((list, open, close)) = &s.decorate.highlight {
                    if listed(list, &name) {
                        t = highlight(&t, &matches(&t, &words, &prefixes), open, close);
                    }
                }
                value = t.into_bytes();
            }
            attributes.push((Reply::bulk(name.clone()), Reply::bulk(value.clone())));
            fields.push(Reply::bulk(name));
            fields.push(Reply::bulk(value));
        }
        out.push(Reply::Array(fields));
        item.push((Reply::bulk("extra_attributes"), Reply::Map(attributes)));
        item.push((Reply::bulk("values"), Reply::Array(vec![])));
        results.push(Reply::Map(item));
    }
    Ok(super::results_reply(resp3, total, out, results))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_and_summaries() {
        let words = vec!["fox".to_string()];
        let prefixes = vec!["jum".to_string()];
        let t = "The quick brown Fox jumps over the lazy dog";
        assert_eq!(
            highlight(t, &matches(t, &words, &prefixes), "<b>", "</b>"),
            "The quick brown <b>Fox</b> <b>jumps</b> over the lazy dog"
        );
        assert_eq!(
            summarize(t, &words, &[], 3, 3, "... "),
            "Fox jumps over... "
        );
        assert_eq!(summarize(t, &["cat".into()], &[], 3, 2, "|"), "The quick|");
    }
}
