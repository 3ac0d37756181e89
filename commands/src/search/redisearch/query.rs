//! RediSearch's query language, the everyday part: words (all must match),
//! `word*` prefixes, `"exact phrases"`, `a | b` unions, `-x` negation,
//! parentheses, `@field:...` scoping (several with `@a|b:`), `@tag:{a | b}`,
//! `@num:[min max]` with `(` for exclusive bounds and `-inf`/`+inf`, and
//! `*` for every document. `~x` (optional) counts as `x`.

use resplite_core::engine::search::{FieldKind, HashIndex, Query, RangeBound, TextQuery};
use resplite_core::prelude::CommandError;

fn syntax(at: usize, what: &str) -> CommandError {
    CommandError::other(format!("Syntax error at offset {at} near {what}"))
}

/// Characters that end a bare word.
fn is_special(c: char) -> bool {
    c.is_whitespace() || "()|{}[]@\":-~*$%".contains(c)
}

/// How deep parentheses, negations and scopes may nest: a query is a
/// client's input, and the parser recurses.
const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
    def: &'a HashIndex,
    /// Text fields an unscoped word searches (INFIELDS), `None`: all.
    in_fields: Option<Vec<usize>>,
}

pub fn parse(
    text: &str,
    def: &HashIndex,
    in_fields: Option<Vec<usize>>,
) -> Result<Query, CommandError> {
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
        depth: 0,
        def,
        in_fields,
    };
    p.skip_ws();
    if p.at_end() {
        return Err(syntax(0, "empty query"));
    }
    let fields = p.in_fields.clone();
    let q = p.union(&fields)?;
    p.skip_ws();
    if !p.at_end() {
        return Err(syntax(p.pos, &p.rest()));
    }
    Ok(q)
}

impl Parser<'_> {
    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn rest(&self) -> String {
        self.chars[self.pos.min(self.chars.len())..]
            .iter()
            .take(20)
            .collect()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn union(&mut self, fields: &Option<Vec<usize>>) -> Result<Query, CommandError> {
        let mut parts = vec![self.intersect(fields)?];
        while self.eat('|') {
            parts.push(self.intersect(fields)?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            Query::Or(parts)
        })
    }

    fn intersect(&mut self, fields: &Option<Vec<usize>>) -> Result<Query, CommandError> {
        let mut parts = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None | Some('|') | Some(')') => break,
                _ => parts.push(self.unary(fields)?),
            }
        }
        match parts.len() {
            0 => Err(syntax(self.pos, &self.rest())),
            1 => Ok(parts.pop().expect("one part")),
            _ => Ok(Query::And(parts)),
        }
    }

    fn unary(&mut self, fields: &Option<Vec<usize>>) -> Result<Query, CommandError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(syntax(self.pos, "a query nested too deep"));
        }
        let q = self.unary_inner(fields);
        self.depth -= 1;
        q
    }

    fn unary_inner(&mut self, fields: &Option<Vec<usize>>) -> Result<Query, CommandError> {
        if self.eat('-') {
            return Ok(Query::Not(Box::new(self.unary(fields)?)));
        }
        if self.eat('~') {
            return self.unary(fields);
        }
        self.atom(fields)
    }

    fn atom(&mut self, fields: &Option<Vec<usize>>) -> Result<Query, CommandError> {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            Some('(') => {
                self.pos += 1;
                let q = self.union(fields)?;
                if !self.eat(')') {
                    return Err(syntax(self.pos, "missing )"));
                }
                Ok(q)
            }
            Some('@') => {
                self.pos += 1;
                self.scoped()
            }
            Some('"') => {
                self.pos += 1;
                let words = self.phrase()?;
                Ok(self.text(fields, phrase_query(words)))
            }
            Some('*') => {
                self.pos += 1;
                Ok(Query::All)
            }
            Some('%') => {
                // Fuzzy matching is not served: the word itself is searched.
                while self.peek() == Some('%') {
                    self.pos += 1;
                }
                let word = self.word();
                while self.peek() == Some('%') {
                    self.pos += 1;
                }
                if word.is_empty() {
                    return Err(syntax(start, "%"));
                }
                Ok(self.text(fields, TextQuery::Word(word)))
            }
            _ => {
                let word = self.word();
                if word.is_empty() {
                    return Err(syntax(start, &self.rest()));
                }
                if self.peek() == Some('*') {
                    self.pos += 1;
                    return Ok(self.text(fields, TextQuery::Prefix(word)));
                }
                Ok(self.text(fields, TextQuery::Word(word)))
            }
        }
    }

    /// A bare word, with `\` escaping the next character.
    fn word(&mut self) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '\\' {
                if let Some(next) = self.chars.get(self.pos + 1) {
                    out.push(*next);
                    self.pos += 2;
                    continue;
                }
            }
            // A hyphen inside a word is part of it (`well-known`).
            if is_special(c) && (c != '-' || out.is_empty()) {
                break;
            }
            out.push(c);
            self.pos += 1;
        }
        out
    }

    /// The words of a quoted phrase, up to the closing quote.
    fn phrase(&mut self) -> Result<Vec<String>, CommandError> {
        let mut text = String::new();
        loop {
            match self.peek() {
                None => return Err(syntax(self.pos, "missing closing quote")),
                Some('"') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') if self.chars.get(self.pos + 1).is_some() => {
                    text.push(self.chars[self.pos + 1]);
                    self.pos += 2;
                }
                Some(c) => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        if words.is_empty() {
            return Err(syntax(self.pos, "empty phrase"));
        }
        Ok(words)
    }

    fn text(&self, fields: &Option<Vec<usize>>, text: TextQuery) -> Query {
        Query::Text {
            fields: fields.clone(),
            text,
        }
    }

    /// After `@`: field names, `:`, then what they are asked.
    fn scoped(&mut self) -> Result<Query, CommandError> {
        let mut names = vec![self.word()];
        while self.peek() == Some('|') {
            self.pos += 1;
            names.push(self.word());
        }
        if self.peek() != Some(':') {
            return Err(syntax(self.pos, "expected :"));
        }
        self.pos += 1;
        let mut positions = Vec::new();
        for name in &names {
            let at = self
                .def
                .field(name)
                .ok_or_else(|| CommandError::other(format!("Unknown field `{name}`")))?;
            positions.push(at);
        }
        self.skip_ws();
        let single = |what: &str| -> Result<usize, CommandError> {
            match positions[..] {
                [one] => Ok(one),
                _ => Err(CommandError::other(format!(
                    "Syntax error: {what} takes a single field"
                ))),
            }
        };
        match self.peek() {
            Some('{') => {
                let field = single("a tag query")?;
                let FieldKind::Tag { case_sensitive, .. } = self.def.fields[field].kind else {
                    return Err(CommandError::other(format!(
                        "Syntax error: field `{}` is not a TAG field",
                        names[0]
                    )));
                };
                self.pos += 1;
                let tags = self.tags(case_sensitive)?;
                Ok(Query::Tag { field, tags })
            }
            Some('[') => {
                let field = single("a numeric range")?;
                if self.def.fields[field].kind != FieldKind::Numeric {
                    return Err(CommandError::other(format!(
                        "Syntax error: field `{}` is not a NUMERIC field",
                        names[0]
                    )));
                }
                self.pos += 1;
                let min = self.bound()?;
                self.eat(',');
                let max = self.bound()?;
                if !self.eat(']') {
                    return Err(syntax(self.pos, "missing ]"));
                }
                Ok(Query::Range { field, min, max })
            }
            _ => {
                let scope = Some(positions);
                self.unary(&scope)
            }
        }
    }

    /// Tags up to `}`, separated by `|`.
    fn tags(&mut self, case_sensitive: bool) -> Result<Vec<String>, CommandError> {
        let mut tags = Vec::new();
        let mut current = String::new();
        loop {
            match self.peek() {
                None => return Err(syntax(self.pos, "missing }")),
                Some('\\') if self.chars.get(self.pos + 1).is_some() => {
                    current.push(self.chars[self.pos + 1]);
                    self.pos += 2;
                    continue;
                }
                Some(c @ ('|' | '}')) => {
                    let tag = current.trim();
                    if !tag.is_empty() {
                        tags.push(if case_sensitive {
                            tag.to_string()
                        } else {
                            tag.to_lowercase()
                        });
                    }
                    current.clear();
                    self.pos += 1;
                    if c == '}' {
                        break;
                    }
                }
                Some(c) => {
                    current.push(c);
                    self.pos += 1;
                }
            }
        }
        if tags.is_empty() {
            return Err(syntax(self.pos, "empty tag list"));
        }
        Ok(tags)
    }

    /// A range bound: `(`-prefixed when exclusive; a number or ±inf.
    fn bound(&mut self) -> Result<RangeBound, CommandError> {
        self.skip_ws();
        let exclusive = self.peek() == Some('(');
        if exclusive {
            self.pos += 1;
        }
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| !c.is_whitespace() && !matches!(c, ']' | ','))
        {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        let value = match text.to_ascii_lowercase().as_str() {
            "inf" | "+inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            t => t
                .parse::<f64>()
                .ok()
                .filter(|v| !v.is_nan())
                .ok_or_else(|| {
                    CommandError::other(format!("Syntax error: Bad lower range: {text}"))
                })?,
        };
        Ok(RangeBound { value, exclusive })
    }
}

fn phrase_query(mut words: Vec<String>) -> TextQuery {
    if words.len() == 1 {
        TextQuery::Word(words.pop().expect("one word"))
    } else {
        TextQuery::Phrase(words)
    }
}

/// FT.EXPLAIN's rendering of a query (RediSearch's shape, roughly).
pub fn explain(q: &Query, def: &HashIndex, depth: usize) -> String {
    let pad = "  ".repeat(depth);
    let field_names = |fields: &Option<Vec<usize>>| match fields {
        None => String::new(),
        Some(f) => format!(
            "@{}:",
            f.iter()
                .map(|i| def.fields[*i].alias.as_str())
                .collect::<Vec<_>>()
                .join("|")
        ),
    };
    match q {
        Query::All => format!("{pad}<WILDCARD>\n"),
        Query::Text { fields, text } => match text {
            TextQuery::Word(w) => format!("{pad}{}{w}\n", field_names(fields)),
            TextQuery::Prefix(w) => format!("{pad}PREFIX{{{}{w}*}}\n", field_names(fields)),
            TextQuery::Phrase(words) => {
                let mut out = format!("{pad}{}INTERSECT {{\n", field_names(fields));
                for w in words {
                    out.push_str(&format!("{pad}  {w}\n"));
                }
                out.push_str(&format!("{pad}}}\n"));
                out
            }
        },
        Query::Tag { field, tags } => format!(
            "{pad}TAG:@{} {{\n{}{pad}}}\n",
            def.fields[*field].alias,
            tags.iter()
                .map(|t| format!("{pad}  {t}\n"))
                .collect::<String>()
        ),
        Query::Range { field, min, max } => format!(
            "{pad}NUMERIC {{{}{} {} @{} {} {}}}\n",
            if min.value.is_infinite() {
                "-inf".to_string()
            } else {
                min.value.to_string()
            },
            "",
            if min.exclusive { "<" } else { "<=" },
            def.fields[*field].alias,
            if max.exclusive { "<" } else { "<=" },
            if max.value.is_infinite() {
                "inf".to_string()
            } else {
                max.value.to_string()
            },
        ),
        Query::And(parts) | Query::Or(parts) => {
            let name = if matches!(q, Query::And(_)) {
                "INTERSECT"
            } else {
                "UNION"
            };
            let mut out = format!("{pad}{name} {{\n");
            for p in parts {
                out.push_str(&explain(p, def, depth + 1));
            }
            out.push_str(&format!("{pad}}}\n"));
            out
        }
        Query::Not(inner) => format!("{pad}NOT{{\n{}{pad}}}\n", explain(inner, def, depth + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use resplite_core::engine::search::FieldDef;

    fn def() -> HashIndex {
        let field = |name: &str, kind| FieldDef {
            field: name.into(),
            alias: name.into(),
            kind,
            sortable: false,
        };
        HashIndex {
            name: "idx".into(),
            prefixes: vec![],
            fields: vec![
                field("title", FieldKind::Text { weight: 1.0 }),
                field("body", FieldKind::Text { weight: 1.0 }),
                field(
                    "tags",
                    FieldKind::Tag {
                        separator: ',',
                        case_sensitive: false,
                    },
                ),
                field("price", FieldKind::Numeric),
            ],
        }
    }

    fn word(w: &str, fields: Option<Vec<usize>>) -> Query {
        Query::Text {
            fields,
            text: TextQuery::Word(w.into()),
        }
    }

    #[test]
    fn the_everyday_forms_parse() {
        let d = def();
        assert_eq!(parse("hello", &d, None).unwrap(), word("hello", None));
        assert_eq!(
            parse("hello world", &d, None).unwrap(),
            Query::And(vec![word("hello", None), word("world", None)])
        );
        assert_eq!(
            parse("hello | world", &d, None).unwrap(),
            Query::Or(vec![word("hello", None), word("world", None)])
        );
        assert_eq!(
            parse("hello -world", &d, None).unwrap(),
            Query::And(vec![
                word("hello", None),
                Query::Not(Box::new(word("world", None)))
            ])
        );
        assert_eq!(
            parse("@title:hello", &d, None).unwrap(),
            word("hello", Some(vec![0]))
        );
        assert_eq!(
            parse("@title|body:(a | b*)", &d, None).unwrap(),
            Query::Or(vec![
                word("a", Some(vec![0, 1])),
                Query::Text {
                    fields: Some(vec![0, 1]),
                    text: TextQuery::Prefix("b".into())
                }
            ])
        );
        assert_eq!(
            parse("\"quick brown\"", &d, None).unwrap(),
            Query::Text {
                fields: None,
                text: TextQuery::Phrase(vec!["quick".into(), "brown".into()])
            }
        );
        assert_eq!(
            parse("@tags:{ Red | big\\ blue }", &d, None).unwrap(),
            Query::Tag {
                field: 2,
                tags: vec!["red".into(), "big blue".into()]
            }
        );
        assert_eq!(
            parse("@price:[(10 +inf]", &d, None).unwrap(),
            Query::Range {
                field: 3,
                min: RangeBound {
                    value: 10.0,
                    exclusive: true
                },
                max: RangeBound {
                    value: f64::INFINITY,
                    exclusive: false
                }
            }
        );
        assert_eq!(
            parse("@price:[-5 5]", &d, None).unwrap(),
            Query::Range {
                field: 3,
                min: RangeBound {
                    value: -5.0,
                    exclusive: false
                },
                max: RangeBound {
                    value: 5.0,
                    exclusive: false
                }
            }
        );
        assert_eq!(parse("*", &d, None).unwrap(), Query::All);
        assert_eq!(
            parse("well-known", &d, None).unwrap(),
            word("well-known", None)
        );
    }

    #[test]
    fn mistakes_are_errors() {
        let d = def();
        let deep = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(parse(&deep, &d, None).is_err());
        assert!(parse(&"-".repeat(100_000), &d, None).is_err());
        for q in [
            "",
            "(a",
            "\"open",
            "@nope:x",
            "@tags:{a",
            "@price:[1",
            "@title:{x}",
            "@price:[a b]",
            "a |",
        ] {
            assert!(parse(q, &d, None).is_err(), "{q}");
        }
    }
}
