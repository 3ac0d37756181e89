//! FT.AGGREGATE on a hash index: the matching hashes become rows, then the
//! steps run in the order given: LOAD, GROUPBY with REDUCE (COUNT,
//! COUNT_DISTINCT, SUM, AVG, MIN, MAX, TOLIST), SORTBY, APPLY and FILTER
//! (arithmetic, comparisons, `&&`/`||`, a few functions), LIMIT.
//! Reply: `[rows, [name, value, ...], ...]`.

use std::collections::BTreeMap;

use resplite_core::engine::search::{HashIndex, QueryOptions};
use resplite_core::prelude::*;
use resplite_core::util::number::format_double;

use super::{counted, query, upper};
use crate::search::text;

fn bad(msg: impl Into<String>) -> CommandError {
    CommandError::other(msg.into())
}

/// A property's value: RediSearch compares numbers as numbers, the rest as text.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Null,
    Num(f64),
    Str(String),
    List(Vec<Val>),
}

impl Val {
    fn from_text(t: String) -> Val {
        match t.parse::<f64>() {
            Ok(n) if !t.trim().is_empty() && !n.is_nan() => Val::Num(n),
            _ => Val::Str(t),
        }
    }

    fn num(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.parse().ok(),
            _ => None,
        }
    }

    fn truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Num(n) => *n != 0.0,
            Val::Str(s) => !s.is_empty(),
            Val::List(l) => !l.is_empty(),
        }
    }

    fn reply(&self) -> Reply {
        match self {
            Val::Null => Reply::Nil,
            Val::Num(n) => Reply::bulk(format_double(*n)),
            Val::Str(s) => Reply::bulk(s.clone()),
            Val::List(l) => Reply::Array(l.iter().map(Val::reply).collect()),
        }
    }

    fn text(&self) -> String {
        match self {
            Val::Null => String::new(),
            Val::Num(n) => format_double(*n),
            Val::Str(s) => s.clone(),
            Val::List(l) => l.iter().map(Val::text).collect::<Vec<_>>().join(","),
        }
    }
}

fn compare(a: &Val, b: &Val) -> std::cmp::Ordering {
    match (a.num(), b.num()) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => match (a, b) {
            (Val::Null, Val::Null) => std::cmp::Ordering::Equal,
            (Val::Null, _) => std::cmp::Ordering::Greater,
            (_, Val::Null) => std::cmp::Ordering::Less,
            _ => a.text().cmp(&b.text()),
        },
    }
}

/// A row: properties in the order they appeared, and which ones are shown.
#[derive(Debug, Clone, Default)]
struct Row {
    props: Vec<(String, Val)>,
    shown: Vec<String>,
}

impl Row {
    fn get(&self, name: &str) -> Val {
        self.props
            .iter()
            .find(|(k, _)| k == name)
            .map_or(Val::Null, |(_, v)| v.clone())
    }

    fn set(&mut self, name: &str, v: Val) {
        match self.props.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = v,
            None => self.props.push((name.to_string(), v)),
        }
        if !self.shown.iter().any(|s| s == name) {
            self.shown.push(name.to_string());
        }
    }
}

// --- expressions (APPLY, FILTER) ---

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Prop(String),
    Ident(String),
    Op(&'static str),
    Open,
    Close,
    Comma,
}

fn lex(src: &str) -> Result<Vec<Tok>, CommandError> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '@' || ch.is_alphabetic() || ch == '_' {
            let start = i;
            i += 1;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            out.push(match word.strip_prefix('@') {
                Some(p) => Tok::Prop(p.to_string()),
                None => Tok::Ident(word.to_lowercase()),
            });
        } else if ch.is_ascii_digit()
            || (ch == '.' && c.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            while i < c.len()
                && (c[i].is_ascii_digit() || c[i] == '.' || c[i] == 'e' || c[i] == 'E')
            {
                i += 1;
            }
            let t: String = c[start..i].iter().collect();
            out.push(Tok::Num(
                t.parse()
                    .map_err(|_| bad(format!("Syntax error: bad number {t}")))?,
            ));
        } else if ch == '"' || ch == '\'' {
            let start = i + 1;
            i += 1;
            while i < c.len() && c[i] != ch {
                i += 1;
            }
            out.push(Tok::Str(c[start..i.min(c.len())].iter().collect()));
            i += 1;
        } else {
            let two: String = c[i..(i + 2).min(c.len())].iter().collect();
            let op = ["==", "!=", "<=", ">=", "&&", "||"]
                .into_iter()
                .find(|o| *o == two);
            if let Some(op) = op {
                out.push(Tok::Op(op));
                i += 2;
                continue;
            }
            out.push(match ch {
                '(' => Tok::Open,
                ')' => Tok::Close,
                ',' => Tok::Comma,
                '+' => Tok::Op("+"),
                '-' => Tok::Op("-"),
                '*' => Tok::Op("*"),
                '/' => Tok::Op("/"),
                '%' => Tok::Op("%"),
                '^' => Tok::Op("^"),
                '<' => Tok::Op("<"),
                '>' => Tok::Op(">"),
                '!' => Tok::Op("!"),
                _ => return Err(bad(format!("Syntax error at offset {i} near {ch}"))),
            });
            i += 1;
        }
    }
    Ok(out)
}

struct Expr<'a> {
    toks: &'a [Tok],
    pos: usize,
    row: &'a Row,
    /// Nesting so far: expressions are clients' input, and this recurses.
    depth: usize,
}

fn precedence(op: &str) -> u8 {
    match op {
        "||" => 1,
        "&&" => 2,
        "==" | "!=" => 3,
        "<" | "<=" | ">" | ">=" => 4,
        "+" | "-" => 5,
        "*" | "/" | "%" => 6,
        "^" => 7,
        _ => 0,
    }
}

impl Expr<'_> {
    fn eval(&mut self, min: u8) -> Result<Val, CommandError> {
        let mut left = self.unary()?;
        while let Some(Tok::Op(op)) = self.toks.get(self.pos) {
            let p = precedence(op);
            if p == 0 || p < min {
                break;
            }
            self.pos += 1;
            let right = self.eval(p + 1)?;
            left = binary(op, &left, &right);
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Val, CommandError> {
        self.depth += 1;
        if self.depth > 64 {
            return Err(bad("Syntax error: expression nested too deep"));
        }
        let v = self.unary_inner();
        self.depth -= 1;
        v
    }

    fn unary_inner(&mut self) -> Result<Val, CommandError> {
        let tok = self.toks.get(self.pos).cloned();
        self.pos += 1;
        match tok {
            Some(Tok::Num(n)) => Ok(Val::Num(n)),
            Some(Tok::Str(s)) => Ok(Val::Str(s)),
            Some(Tok::Prop(p)) => Ok(self.row.get(&p)),
            Some(Tok::Op("-")) => Ok(Val::Num(-self.unary()?.num().unwrap_or(f64::NAN))),
            Some(Tok::Op("!")) => Ok(Val::Num(f64::from(u8::from(!self.unary()?.truthy())))),
            Some(Tok::Open) => {
                let v = self.eval(1)?;
                self.expect_close()?;
                Ok(v)
            }
            Some(Tok::Ident(f)) => {
                if self.toks.get(self.pos) != Some(&Tok::Open) {
                    return Err(bad(format!("Unknown symbol `{f}`")));
                }
                self.pos += 1;
                let arg = self.eval(1)?;
                self.expect_close()?;
                let n = arg.num();
                let math = |g: fn(f64) -> f64| n.map_or(Val::Null, |x| Val::Num(g(x)));
                Ok(match f.as_str() {
                    "upper" => Val::Str(arg.text().to_uppercase()),
                    "lower" => Val::Str(arg.text().to_lowercase()),
                    "strlen" => Val::Num(arg.text().chars().count() as f64),
                    "floor" => math(f64::floor),
                    "ceil" => math(f64::ceil),
                    "abs" => math(f64::abs),
                    "sqrt" => math(f64::sqrt),
                    "log" => math(f64::ln),
                    "log2" => math(f64::log2),
                    "exp" => math(f64::exp),
                    _ => return Err(bad(format!("Unknown function name '{f}'"))),
                })
            }
            _ => Err(bad("Syntax error in expression")),
        }
    }

    fn expect_close(&mut self) -> Result<(), CommandError> {
        if self.toks.get(self.pos) == Some(&Tok::Close) {
            self.pos += 1;
            Ok(())
        } else {
            Err(bad("Syntax error: missing )"))
        }
    }
}

fn binary(op: &str, a: &Val, b: &Val) -> Val {
    let bool_val = |x: bool| Val::Num(f64::from(u8::from(x)));
    match op {
        "&&" => bool_val(a.truthy() && b.truthy()),
        "||" => bool_val(a.truthy() || b.truthy()),
        "==" => bool_val(compare(a, b).is_eq()),
        "!=" => bool_val(!compare(a, b).is_eq()),
        "<" => bool_val(compare(a, b).is_lt()),
        "<=" => bool_val(compare(a, b).is_le()),
        ">" => bool_val(compare(a, b).is_gt()),
        ">=" => bool_val(compare(a, b).is_ge()),
        _ => {
            let (Some(x), Some(y)) = (a.num(), b.num()) else {
                return Val::Null;
            };
            Val::Num(match op {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "/" => x / y,
                "%" => x % y,
                _ => x.powf(y),
            })
        }
    }
}

fn evaluate(toks: &[Tok], row: &Row) -> Result<Val, CommandError> {
    let mut e = Expr {
        toks,
        pos: 0,
        row,
        depth: 0,
    };
    let v = e.eval(1)?;
    if e.pos != toks.len() {
        return Err(bad("Syntax error in expression"));
    }
    Ok(v)
}

// --- the pipeline ---

enum Step {
    Load(Vec<String>),
    Group(Vec<String>, Vec<Reducer>),
    Sort(Vec<(String, bool)>, Option<usize>),
    Apply(Vec<Tok>, String),
    Filter(Vec<Tok>),
    Limit(usize, usize),
}

struct Reducer {
    func: String,
    args: Vec<String>,
    name: String,
}

fn prop(arg: &Bytes) -> Result<String, CommandError> {
    let t = text(arg)?;
    t.strip_prefix('@')
        .map(str::to_string)
        .ok_or_else(|| bad(format!("Bad arguments: property `{t}` must start with @")))
}

pub(crate) fn run(ctx: &mut Ctx, def: &HashIndex, args: &[Bytes]) -> Result<Reply, CommandError> {
    let query_text = text(
        args.first()
            .ok_or_else(|| bad("ERR wrong number of arguments for 'ft.aggregate' command"))?,
    )?;
    let mut steps = Vec::new();
    let mut at = 1;
    while let Some(arg) = args.get(at) {
        at += 1;
        match upper(arg).as_str() {
            "VERBATIM" | "WITHSCHEMA" | "ADDSCORES" => {}
            "TIMEOUT" | "DIALECT" | "SCORER" => at += 1,
            "LOAD" => {
                if args.get(at).is_some_and(|a| a.as_ref() == b"*") {
                    at += 1;
                    steps.push(Step::Load(
                        def.fields.iter().map(|f| f.alias.clone()).collect(),
                    ));
                } else {
                    let items = counted(args, &mut at, "LOAD")?;
                    let mut names = Vec::new();
                    for i in items {
                        let t = text(i)?;
                        if !i.eq_ignore_ascii_case(b"AS") {
                            names.push(t.strip_prefix('@').unwrap_or(&t).to_string());
                        }
                    }
                    steps.push(Step::Load(names));
                }
            }
            "GROUPBY" => {
                let keys = counted(args, &mut at, "GROUPBY")?
                    .iter()
                    .map(prop)
                    .collect::<Result<Vec<_>, _>>()?;
                let mut reducers = Vec::new();
                while args.get(at).map(upper).as_deref() == Some("REDUCE") {
                    at += 1;
                    let func = upper(
                        args.get(at)
                            .ok_or_else(|| bad("Bad arguments for REDUCE"))?,
                    );
                    at += 1;
                    let fargs: Vec<String> = counted(args, &mut at, "REDUCE")?
                        .iter()
                        .map(|a| {
                            let t = String::from_utf8_lossy(a).into_owned();
                            t.strip_prefix('@').map(str::to_string).unwrap_or(t)
                        })
                        .collect();
                    let mut name = format!(
                        "__generated_alias{}{}",
                        func.to_lowercase(),
                        fargs.join(",")
                    );
                    if args.get(at).map(upper).as_deref() == Some("AS") {
                        name = text(
                            args.get(at + 1)
                                .ok_or_else(|| bad("Bad arguments for AS"))?,
                        )?;
                        at += 2;
                    }
                    if !matches!(
                        func.as_str(),
                        "COUNT" | "COUNT_DISTINCT" | "SUM" | "AVG" | "MIN" | "MAX" | "TOLIST"
                    ) {
                        return Err(bad(format!("No such reducer `{func}`")));
                    }
                    if func != "COUNT" && fargs.is_empty() {
                        return Err(bad(format!("Bad arguments for {func}")));
                    }
                    reducers.push(Reducer {
                        func,
                        args: fargs,
                        name,
                    });
                }
                steps.push(Step::Group(keys, reducers));
            }
            "SORTBY" => {
                let items = counted(args, &mut at, "SORTBY")?;
                let mut keys = Vec::new();
                for item in items {
                    match upper(item).as_str() {
                        "ASC" => {}
                        "DESC" => {
                            if let Some(last) = keys.last_mut() {
                                let (_, asc): &mut (String, bool) = last;
                                *asc = false;
                            }
                        }
                        _ => keys.push((prop(item)?, true)),
                    }
                }
                let mut max = None;
                if args.get(at).map(upper).as_deref() == Some("MAX") {
                    max = args
                        .get(at + 1)
                        .and_then(|m| std::str::from_utf8(m).ok()?.parse().ok());
                    at += 2;
                }
                steps.push(Step::Sort(keys, max));
            }
            "APPLY" => {
                let expr = lex(&text(
                    args.get(at).ok_or_else(|| bad("Bad arguments for APPLY"))?,
                )?)?;
                if args.get(at + 1).map(upper).as_deref() != Some("AS") {
                    return Err(bad("Bad arguments for APPLY: AS is missing"));
                }
                let name = text(
                    args.get(at + 2)
                        .ok_or_else(|| bad("Bad arguments for APPLY"))?,
                )?;
                // Syntax is checked now, even if no row reaches the step.
                evaluate(&expr, &Row::default())?;
                steps.push(Step::Apply(expr, name));
                at += 3;
            }
            "FILTER" => {
                let expr = lex(&text(
                    args.get(at)
                        .ok_or_else(|| bad("Bad arguments for FILTER"))?,
                )?)?;
                evaluate(&expr, &Row::default())?;
                steps.push(Step::Filter(expr));
                at += 1;
            }
            "LIMIT" => {
                let n = |i: usize| {
                    args.get(i)
                        .and_then(|a| std::str::from_utf8(a).ok()?.parse::<usize>().ok())
                        .ok_or_else(|| bad("Bad arguments for LIMIT"))
                };
                steps.push(Step::Limit(n(at)?, n(at + 1)?));
                at += 2;
            }
            "WITHCURSOR" => return Err(bad("ERR WITHCURSOR is not supported")),
            other => return Err(bad(format!("Unknown argument `{other}`"))),
        }
    }
    let query = query::parse(&query_text, def, None)?;
    let all = QueryOptions {
        sort_by: None,
        offset: 0,
        count: u64::MAX >> 1,
        in_keys: None,
    };
    let (_, hits) = ctx.engine.ft_query(&def.name, &query, &all)?;
    // Each row starts with the schema's fields (by alias) and `__key`, hidden.
    let mut rows = Vec::with_capacity(hits.len());
    for (key, _) in hits {
        let mut row = Row::default();
        row.props.push((
            "__key".into(),
            Val::Str(String::from_utf8_lossy(&key).into_owned()),
        ));
        let values = ctx.engine.hgetall(&key)?;
        for f in &def.fields {
            if let Some((_, v)) = values.iter().find(|(k, _)| k == f.field.as_bytes()) {
                row.props.push((
                    f.alias.clone(),
                    Val::from_text(String::from_utf8_lossy(v).into_owned()),
                ));
            }
        }
        // Loaded non-schema fields come from the hash too.
        row.props.extend(values.into_iter().filter_map(|(k, v)| {
            let k = String::from_utf8_lossy(&k).into_owned();
            (!def.fields.iter().any(|f| f.field == k))
                .then(|| (k, Val::from_text(String::from_utf8_lossy(&v).into_owned())))
        }));
        rows.push(row);
    }
    for step in steps {
        rows = apply(step, rows)?;
    }
    let total = rows.len() as u64;
    let mut out = vec![Reply::Int(total as i64)];
    let mut results = Vec::with_capacity(rows.len());
    for row in rows {
        let mut flat = Vec::new();
        let mut attributes = Vec::new();
        for name in &row.shown {
            flat.push(Reply::bulk(name.clone()));
            flat.push(row.get(name).reply());
            attributes.push((Reply::bulk(name.clone()), row.get(name).reply()));
        }
        out.push(Reply::Array(flat));
        results.push(Reply::Map(vec![
            (Reply::bulk("extra_attributes"), Reply::Map(attributes)),
            (Reply::bulk("values"), Reply::Array(vec![])),
        ]));
    }
    Ok(super::results_reply(
        ctx.session.resp == 3,
        total,
        out,
        results,
    ))
}

fn apply(step: Step, mut rows: Vec<Row>) -> Result<Vec<Row>, CommandError> {
    Ok(match step {
        Step::Load(names) => {
            for row in &mut rows {
                for n in &names {
                    let v = row.get(n);
                    if v != Val::Null {
                        row.set(n, v);
                    }
                }
            }
            rows
        }
        Step::Group(keys, reducers) => {
            let mut groups: BTreeMap<Vec<String>, (Vec<Val>, Vec<Row>)> = BTreeMap::new();
            for row in rows {
                let vals: Vec<Val> = keys.iter().map(|k| row.get(k)).collect();
                let id = vals.iter().map(Val::text).collect();
                groups
                    .entry(id)
                    .or_insert_with(|| (vals, Vec::new()))
                    .1
                    .push(row);
            }
            groups
                .into_values()
                .map(|(vals, members)| {
                    let mut row = Row::default();
                    for (k, v) in keys.iter().zip(vals) {
                        row.set(k, v);
                    }
                    for r in &reducers {
                        row.set(&r.name, reduce(r, &members));
                    }
                    row
                })
                .collect()
        }
        Step::Sort(keys, max) => {
            rows.sort_by(|a, b| {
                for (k, asc) in &keys {
                    let o = compare(&a.get(k), &b.get(k));
                    if !o.is_eq() {
                        return if *asc { o } else { o.reverse() };
                    }
                }
                std::cmp::Ordering::Equal
            });
            if let Some(max) = max {
                rows.truncate(max);
            }
            rows
        }
        Step::Apply(expr, name) => {
            for row in &mut rows {
                let v = evaluate(&expr, row)?;
                row.set(&name, v);
            }
            rows
        }
        Step::Filter(expr) => {
            let mut kept = Vec::with_capacity(rows.len());
            for row in rows {
                if evaluate(&expr, &row)?.truthy() {
                    kept.push(row);
                }
            }
            kept
        }
        Step::Limit(offset, count) => rows.into_iter().skip(offset).take(count).collect(),
    })
}

fn reduce(r: &Reducer, rows: &[Row]) -> Val {
    let values = || {
        rows.iter()
            .map(|row| row.get(&r.args[0]))
            .filter(|v| *v != Val::Null)
    };
    let nums = || values().filter_map(|v| v.num());
    match r.func.as_str() {
        "COUNT" => Val::Num(rows.len() as f64),
        "COUNT_DISTINCT" => {
            let mut seen: Vec<String> = values().map(|v| v.text()).collect();
            seen.sort();
            seen.dedup();
            Val::Num(seen.len() as f64)
        }
        "SUM" => Val::Num(nums().sum()),
        "AVG" => {
            let n: Vec<f64> = nums().collect();
            if n.is_empty() {
                Val::Num(f64::NAN)
            } else {
                Val::Num(n.iter().sum::<f64>() / n.len() as f64)
            }
        }
        "MIN" => nums().reduce(f64::min).map_or(Val::Null, Val::Num),
        "MAX" => nums().reduce(f64::max).map_or(Val::Null, Val::Num),
        _ => {
            let mut seen: Vec<Val> = Vec::new();
            for v in values() {
                if !seen.contains(&v) {
                    seen.push(v);
                }
            }
            Val::List(seen)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_evaluate() {
        let mut row = Row::default();
        row.set("price", Val::Num(10.0));
        row.set("name", Val::Str("Ada".into()));
        let eval = |src: &str| evaluate(&lex(src).unwrap(), &row).unwrap();
        assert_eq!(eval("@price * 2 + 1"), Val::Num(21.0));
        assert_eq!(eval("(@price + 2) / 4"), Val::Num(3.0));
        assert_eq!(eval("@price > 5 && @price <= 10"), Val::Num(1.0));
        assert_eq!(eval("upper(@name)"), Val::Str("ADA".into()));
        assert_eq!(eval("@name == 'Ada'"), Val::Num(1.0));
        assert_eq!(eval("floor(@price / 3)"), Val::Num(3.0));
        assert!(evaluate(&lex("nope(1)").unwrap(), &row).is_err());
        assert!(evaluate(&lex("1 +").unwrap(), &row).is_err());
        let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(evaluate(&lex(&deep).unwrap(), &row).is_err());
    }
}
