//! Values across the Lua boundary, as Redis 7.0's script_lua.c converts them:
//! a command's reply into Lua (`redis.call`'s result), a script's return value
//! into a reply, and Lua arguments into a command's argv.

use bytes::Bytes;
use mlua::{Lua, Table, Value};
use resplite_core::util::number::format_double;
use resplite_core::Reply;

/// How deep a returned table may nest before the reply says so (Redis runs
/// out of Lua stack about there; a table that contains itself ends here).
const MAX_REPLY_DEPTH: usize = 256;

/// A `redis.call` argument: strings as they are, numbers as `%.17g` (Lua's
/// own conversion would lose precision); anything else is refused.
pub fn arg_bytes(value: &Value) -> Option<Bytes> {
    match value {
        Value::String(s) => Some(Bytes::copy_from_slice(&s.as_bytes())),
        Value::Number(n) => Some(Bytes::from(format_double(*n))),
        Value::Integer(i) => Some(Bytes::from(i.to_string())),
        _ => None,
    }
}

/// The error table `redis.pcall` returns and `redis.call` raises:
/// `{err = "CODE message"}`.
pub fn error_table(lua: &Lua, line: &str) -> mlua::Result<Table> {
    let t = lua.create_table_with_capacity(0, 1)?;
    t.raw_set("err", normalize_error(line))?;
    Ok(t)
}

/// Redis' luaPushErrorBuff: `-CODE msg` loses its dash, a message without a
/// code gets `ERR`, trailing CR/LF go.
pub fn normalize_error(line: &str) -> String {
    let line = line.trim_end_matches(['\r', '\n']);
    match line.strip_prefix('-') {
        Some(rest) => match rest.split_once(' ') {
            Some((code, msg)) => format!("{code} {}", msg.trim_end_matches(['\r', '\n'])),
            None => format!("ERR {rest}"),
        },
        None => line.to_string(),
    }
}

/// A command's reply as the script sees it, in the protocol the script chose
/// with `redis.setresp` (2 by default).
pub fn reply_to_lua(lua: &Lua, reply: &Reply, resp3: bool) -> mlua::Result<Value> {
    Ok(match reply {
        Reply::Simple(s) => {
            let t = lua.create_table_with_capacity(0, 1)?;
            t.raw_set("ok", lua.create_string(s.as_bytes())?)?;
            Value::Table(t)
        }
        Reply::Error(line) => Value::Table(error_table(lua, line)?),
        Reply::Int(n) => Value::Number(*n as f64),
        Reply::Bulk(b) => Value::String(lua.create_string(b)?),
        Reply::Nil | Reply::NilArray if resp3 => Value::Nil,
        Reply::Nil | Reply::NilArray => Value::Boolean(false),
        Reply::Array(items) | Reply::Push(items) => array(lua, items, resp3)?,
        Reply::Set(items) if resp3 => {
            let set = lua.create_table_with_capacity(0, items.len())?;
            for item in items {
                set.raw_set(reply_to_lua(lua, item, resp3)?, true)?;
            }
            wrap(lua, "set", Value::Table(set))?
        }
        Reply::Set(items) => array(lua, items, resp3)?,
        Reply::Map(pairs) if resp3 => {
            let map = lua.create_table_with_capacity(0, pairs.len())?;
            for (k, v) in pairs {
                map.raw_set(reply_to_lua(lua, k, resp3)?, reply_to_lua(lua, v, resp3)?)?;
            }
            wrap(lua, "map", Value::Table(map))?
        }
        Reply::Map(pairs) => {
            let t = lua.create_table_with_capacity(pairs.len() * 2, 0)?;
            for (i, (k, v)) in pairs.iter().enumerate() {
                t.raw_set(2 * i + 1, reply_to_lua(lua, k, resp3)?)?;
                t.raw_set(2 * i + 2, reply_to_lua(lua, v, resp3)?)?;
            }
            Value::Table(t)
        }
        Reply::Double(d) if resp3 => wrap(lua, "double", Value::Number(*d))?,
        Reply::Double(d) => Value::String(lua.create_string(format_double(*d))?),
        Reply::DoubleText(text) if resp3 => {
            let d = std::str::from_utf8(text)
                .ok()
                .and_then(|t| t.parse().ok())
                .unwrap_or(0.0);
            wrap(lua, "double", Value::Number(d))?
        }
        Reply::Bool(b) if resp3 => Value::Boolean(*b),
        Reply::Bool(b) => Value::Number(f64::from(u8::from(*b))),
        Reply::BigNumber(n) if resp3 => {
            wrap(lua, "big_number", Value::String(lua.create_string(n)?))?
        }
        Reply::Verbatim(format, text) if resp3 => {
            let v = lua.create_table_with_capacity(0, 2)?;
            v.raw_set("format", lua.create_string(format)?)?;
            v.raw_set("string", lua.create_string(text)?)?;
            wrap(lua, "verbatim_string", Value::Table(v))?
        }
        Reply::BigNumber(text) | Reply::Verbatim(_, text) | Reply::DoubleText(text) => {
            Value::String(lua.create_string(text)?)
        }
        // Several replies for one command: only subscription commands, which
        // scripts may not call; the first stands for all.
        Reply::Multi(replies) => match replies.first() {
            Some(first) => reply_to_lua(lua, first, resp3)?,
            None => Value::Nil,
        },
    })
}

fn array(lua: &Lua, items: &[Reply], resp3: bool) -> mlua::Result<Value> {
    let t = lua.create_table_with_capacity(items.len(), 0)?;
    for (i, item) in items.iter().enumerate() {
        t.raw_set(i + 1, reply_to_lua(lua, item, resp3)?)?;
    }
    Ok(Value::Table(t))
}

fn wrap(lua: &Lua, field: &str, value: Value) -> mlua::Result<Value> {
    let t = lua.create_table_with_capacity(0, 1)?;
    t.raw_set(field, value)?;
    Ok(Value::Table(t))
}

/// A script's return value as a reply. `resp3`: the script's protocol
/// (booleans become RESP3 booleans only under `redis.setresp(3)`).
pub fn lua_to_reply(value: &Value, resp3: bool) -> Reply {
    to_reply(value, resp3, 0)
}

fn to_reply(value: &Value, resp3: bool, depth: usize) -> Reply {
    if depth > MAX_REPLY_DEPTH {
        return Reply::error("ERR reached lua stack limit");
    }
    match value {
        Value::String(s) => Reply::Bulk(Bytes::copy_from_slice(&s.as_bytes())),
        Value::Boolean(b) if resp3 => Reply::Bool(*b),
        Value::Boolean(true) => Reply::Int(1),
        Value::Boolean(false) => Reply::Nil,
        Value::Number(n) => Reply::Int(*n as i64),
        Value::Integer(i) => Reply::Int(*i),
        Value::Table(t) => table_reply(t, resp3, depth),
        _ => Reply::Nil,
    }
}

fn table_reply(t: &Table, resp3: bool, depth: usize) -> Reply {
    let field = |name: &str| t.raw_get::<Value>(name).unwrap_or(Value::Nil);
    if let Value::String(err) = field("err") {
        let text = err.to_string_lossy();
        let line = text.strip_prefix('-').unwrap_or(&text).to_string();
        return Reply::Error(line.into());
    }
    if let Value::String(ok) = field("ok") {
        return Reply::Simple(no_newlines(&ok.to_string_lossy()).into());
    }
    if let Value::Number(d) = field("double") {
        return Reply::Double(d);
    }
    if let Value::String(n) = field("big_number") {
        return Reply::BigNumber(Bytes::from(no_newlines(&n.to_string_lossy())));
    }
    if let Value::Table(v) = field("verbatim_string") {
        if let (Ok(Value::String(f)), Ok(Value::String(s))) =
            (v.raw_get::<Value>("format"), v.raw_get::<Value>("string"))
        {
            let text = Bytes::copy_from_slice(&s.as_bytes());
            // Redis takes the format's first three bytes.
            return match <[u8; 3]>::try_from(f.as_bytes().get(..3).unwrap_or_default()) {
                Ok(format) => Reply::Verbatim(format, text),
                Err(_) => Reply::Bulk(text),
            };
        }
    }
    if let Value::Table(map) = field("map") {
        let pairs = map
            .pairs::<Value, Value>()
            .filter_map(Result::ok)
            .map(|(k, v)| {
                (
                    to_reply(&k, resp3, depth + 1),
                    to_reply(&v, resp3, depth + 1),
                )
            })
            .collect();
        return Reply::Map(pairs);
    }
    if let Value::Table(set) = field("set") {
        let members = set
            .pairs::<Value, Value>()
            .filter_map(Result::ok)
            .map(|(k, _)| to_reply(&k, resp3, depth + 1))
            .collect();
        return Reply::Set(members);
    }
    let mut items = Vec::new();
    for i in 1.. {
        match t.raw_get::<Value>(i) {
            Ok(Value::Nil) | Err(_) => break,
            Ok(v) => items.push(to_reply(&v, resp3, depth + 1)),
        }
    }
    Reply::Array(items)
}

fn no_newlines(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines_get_a_code() {
        assert_eq!(
            normalize_error("-WRONGTYPE Operation"),
            "WRONGTYPE Operation"
        );
        assert_eq!(normalize_error("-NOCODE"), "ERR NOCODE");
        assert_eq!(normalize_error("ERR plain\r\n"), "ERR plain");
    }

    #[test]
    fn replies_round_trip_through_lua() {
        let lua = Lua::new();
        let reply = Reply::Array(vec![
            Reply::Int(3),
            Reply::bulk("a\0b"),
            Reply::Nil,
            Reply::bulk("after"),
        ]);
        let v = reply_to_lua(&lua, &reply, false).unwrap();
        // Lua arrays end at the first nil (false stands in for it in RESP2).
        assert_eq!(
            lua_to_reply(&v, false),
            Reply::Array(vec![
                Reply::Int(3),
                Reply::bulk("a\0b"),
                Reply::Nil,
                Reply::bulk("after")
            ])
        );
        let v = reply_to_lua(&lua, &Reply::Double(1.5), true).unwrap();
        assert_eq!(lua_to_reply(&v, true), Reply::Double(1.5));
        let v = reply_to_lua(&lua, &Reply::Double(1.5), false).unwrap();
        assert_eq!(lua_to_reply(&v, false), Reply::bulk("1.5"));
        assert_eq!(lua_to_reply(&Value::Number(100.5), false), Reply::Int(100));
    }

    #[test]
    fn self_containing_tables_end() {
        let lua = Lua::new();
        let t: Table = lua.load("local a = {} a[1] = a return a").eval().unwrap();
        let mut r = lua_to_reply(&Value::Table(t), false);
        let mut depth = 0;
        while let Reply::Array(mut items) = r {
            r = items.remove(0);
            depth += 1;
        }
        assert!(depth > 10);
        assert_eq!(r, Reply::error("ERR reached lua stack limit"));
    }
}
