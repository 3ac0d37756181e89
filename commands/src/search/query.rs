//! FT.SEARCH index query [NOCONTENT] [LIMIT offset count], and the
//! translation of RESPlite's query text into a safe FTS5 MATCH expression.

use resplite_core::engine::search::IndexKind;
use resplite_core::prelude::*;

use super::redisearch;
use super::{index_name, js_int, syntax, text};

/// RESPlite's cap on LIMIT's count.
const MAX_COUNT: i64 = 1000;

fn invalid_query() -> CommandError {
    CommandError::other("ERR invalid query")
}

/// A term: letters, digits and `_`, with an optional trailing `*` (prefix).
fn is_term(t: &str) -> bool {
    let body = t.strip_suffix('*').unwrap_or(t);
    !body.is_empty() && body.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// RESPlite's query language as FTS5 MATCH text: terms (all must match),
/// `term*` prefixes, `-term` exclusions. Punctuation separates terms (so
/// `alpha+beta`, `foo/bar` and `martin.clasen*` search their words), a `-`
/// inside a word too; `?` is dropped. Quotes, backslashes and control
/// characters are refused, `@` and `:` (RediSearch's field syntax) are a
/// syntax error.
pub(crate) fn match_expression(query: &str) -> Result<String, CommandError> {
    let trimmed = query.trim();
    if trimmed.is_empty()
        || query
            .chars()
            .any(|c| c < '\u{20}' || matches!(c, '"' | '\'' | '\\'))
    {
        return Err(invalid_query());
    }
    if query.contains(['@', ':']) {
        return Err(syntax());
    }
    let normalized: String = trimmed
        .chars()
        .filter(|c| *c != '?')
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '*' | '-') || c.is_whitespace() {
                c
            } else {
                ' '
            }
        })
        .collect();
    let mut tokens: Vec<&str> = Vec::new();
    for raw in normalized.split_whitespace() {
        if let Some(neg) = raw.strip_prefix('-') {
            if neg.contains('-') || !is_term(neg) {
                return Err(invalid_query());
            }
            tokens.extend(["NOT", neg]);
            continue;
        }
        let mut any = false;
        for segment in raw.split('-').filter(|s| !s.is_empty()) {
            if !is_term(segment) {
                return Err(invalid_query());
            }
            tokens.push(segment);
            any = true;
        }
        if !any {
            return Err(invalid_query());
        }
    }
    if tokens.is_empty() {
        return Err(invalid_query());
    }
    // NOT joins two expressions: never first, last or doubled.
    for (i, t) in tokens.iter().enumerate() {
        if *t == "NOT" && (i == 0 || i == tokens.len() - 1 || tokens[i + 1] == "NOT") {
            return Err(invalid_query());
        }
    }
    Ok(tokens.join(" "))
}

/// RESPlite's FT.SEARCH: `[total, doc, [field, value, ...], ...]`, or
/// with NOCONTENT `[total, doc, ...]`; 10 documents unless LIMIT says
/// otherwise.
struct DocSearch {
    query: String,
    no_content: bool,
    offset: i64,
    count: i64,
}

impl DocSearch {
    fn parse(args: &[Bytes]) -> Result<Self, CommandError> {
        let query = text(&args[0])?;
        let (mut no_content, mut offset, mut count) = (false, 0, 10);
        let mut at = 1;
        while at < args.len() {
            match args[at].to_ascii_uppercase().as_slice() {
                b"NOCONTENT" => {
                    no_content = true;
                    at += 1;
                }
                b"LIMIT" => {
                    if at + 3 > args.len() {
                        return Err(syntax());
                    }
                    match (js_int(&args[at + 1]), js_int(&args[at + 2])) {
                        (Some(o), Some(c)) if o >= 0 && c >= 0 => (offset, count) = (o, c),
                        _ => return Err(CommandError::other("ERR invalid limit")),
                    }
                    at += 3;
                }
                _ => return Err(syntax()),
            }
        }
        Ok(DocSearch {
            query,
            no_content,
            offset,
            count,
        })
    }

    fn run(self, ctx: &mut Ctx, index: &str) -> Result<Reply, CommandError> {
        // RESPlite names a missing index before a bad query or limit.
        let checked = match_expression(&self.query).and_then(|expr| {
            if self.count > MAX_COUNT {
                Err(CommandError::other("ERR invalid limit"))
            } else {
                Ok(expr)
            }
        });
        let expr = match checked {
            Ok(expr) => expr,
            Err(e) => {
                ctx.engine.ft_info(index)?;
                return Err(e);
            }
        };
        let page = ctx
            .engine
            .ft_search(index, &expr, self.offset as u64, self.count as u64)?;
        let mut out = vec![Reply::Int(page.total as i64)];
        for (id, fields) in page.docs {
            out.push(Reply::bulk(id));
            if !self.no_content {
                let mut flat = Vec::with_capacity(fields.len() * 2);
                for (k, v) in fields {
                    flat.push(Reply::bulk(k));
                    flat.push(Reply::bulk(v));
                }
                out.push(Reply::Array(flat));
            }
        }
        Ok(Reply::Array(out))
    }
}

/// FT.SEARCH index query [options]: RESPlite's options and reply on an
/// FT.ADD index, RediSearch's on a hash index.
pub struct FtSearch {
    index: String,
    args: Vec<Bytes>,
}

impl Command for FtSearch {
    const SPEC: CommandSpec = CommandSpec::new("ft.search", -1, Flags::READONLY, "search")
        .summary("Searches an index.")
        .since("1.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let args = args.rest();
        if args.len() < 2 {
            return Err(syntax());
        }
        Ok(FtSearch {
            index: index_name(&args[0])?,
            args: args[1..].to_vec(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        if let Some(IndexKind::Hashes(def)) = ctx.engine.ft_kind(&self.index)? {
            redisearch::check_db(ctx)?;
            let search = redisearch::search::parse(&def, &self.args)?;
            return redisearch::search::run(ctx, &def, search);
        }
        DocSearch::parse(&self.args)?.run(ctx, &self.index)
    }
}

register_command!(FtSearch);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_safe_match_expressions() {
        for (q, expected) in [
            ("clasen", "clasen"),
            ("martin clasen*", "martin clasen*"),
            ("martin -clasen*", "martin NOT clasen*"),
            ("martin.clasen*", "martin clasen*"),
            ("martin-clasen*", "martin clasen*"),
            ("who?", "who"),
            ("alpha+beta foo/bar baz,qux", "alpha beta foo bar baz qux"),
            ("(martin)", "martin"),
            ("#martin*", "martin*"),
            ("  ünïcode_1  ", "ünïcode_1"),
        ] {
            assert_eq!(match_expression(q).unwrap().as_str(), expected, "{q}");
        }
        let error = |q: &str| match match_expression(q) {
            Err(e) => e.to_string(),
            Ok(x) => panic!("{q} gave {x}"),
        };
        for q in [
            "", "   ", "a\"b", "it's", "a\\b", "a\tb", "*", "a*b", "-", "--a", "-a-b", "?", "-a",
        ] {
            assert_eq!(error(q), "ERR invalid query", "{q:?}");
        }
        assert_eq!(error("a -b -"), "ERR invalid query");
        for q in ["martin@clasen*", "title:foo"] {
            assert_eq!(error(q), "ERR syntax error", "{q}");
        }
    }
}
