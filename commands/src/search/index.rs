//! FT.CREATE, FT.INFO, FT._LIST and FT.DROPINDEX.

use resplite_core::prelude::*;

use super::{index_name, syntax, text, valid_field_name};

const WRITE: Flags = Flags::WRITE.union(Flags::DENYOOM);

/// FT.CREATE index SCHEMA field TEXT [field TEXT ...]: TEXT fields only, one
/// of them named `payload`.
pub struct FtCreate {
    index: String,
    fields: Vec<String>,
}

impl Command for FtCreate {
    const SPEC: CommandSpec = CommandSpec::new("ft.create", -1, WRITE, "search")
        .summary("Creates a full-text index (RESPlite: TEXT fields, one named payload).")
        .since("1.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let args = args.rest();
        if args.len() < 4 {
            return Err(syntax());
        }
        let index = index_name(&args[0])?;
        if !text(&args[1])?.eq_ignore_ascii_case("SCHEMA") || !args.len().is_multiple_of(2) {
            return Err(syntax());
        }
        let mut fields = Vec::new();
        for pair in args[2..].chunks(2) {
            let name = text(&pair[0])?.trim().to_string();
            if !valid_field_name(&name) {
                return Err(syntax());
            }
            if !text(&pair[1])?.eq_ignore_ascii_case("TEXT") {
                return Err(CommandError::other("ERR unsupported field type"));
            }
            fields.push(name);
        }
        if !fields.iter().any(|f| f == "payload") {
            return Err(CommandError::other("ERR payload field required"));
        }
        Ok(FtCreate { index, fields })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        ctx.engine.ft_create(&self.index, &self.fields)?;
        Ok(Reply::ok())
    }
}

/// One index name and nothing else (FT.INFO).
fn only_index(args: &mut Args) -> Result<String, CommandError> {
    let args = args.rest();
    if args.len() != 1 {
        return Err(syntax());
    }
    index_name(&args[0])
}

/// FT.INFO index: RESPlite's flat list of names and values.
pub struct FtInfo(String);

impl Command for FtInfo {
    const SPEC: CommandSpec = CommandSpec::new("ft.info", -1, Flags::READONLY, "search")
        .summary("Returns an index's fields and counts.")
        .since("1.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        only_index(args).map(FtInfo)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let info = ctx.engine.ft_info(&self.0)?;
        let int = |n: u64| Reply::Int(n as i64);
        Ok(Reply::Array(vec![
            Reply::bulk("index_name"),
            Reply::bulk(info.name),
            Reply::bulk("fields"),
            Reply::Array(info.fields.into_iter().map(Reply::bulk).collect()),
            Reply::bulk("num_docs"),
            int(info.num_docs),
            Reply::bulk("fts_rows"),
            int(info.fts_rows),
            Reply::bulk("num_suggestions"),
            int(info.num_suggestions),
            Reply::bulk("created_at"),
            Reply::Int(info.created_at),
            Reply::bulk("updated_at"),
            Reply::Int(info.updated_at),
        ]))
    }
}

/// FT._LIST: every index's name (RediSearch's).
pub struct FtList;

impl Command for FtList {
    const SPEC: CommandSpec = CommandSpec::new("ft._list", 1, Flags::READONLY, "search")
        .summary("Returns the names of all indexes.")
        .since("2.0.0");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(FtList)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::Set(
            ctx.engine.ft_list()?.into_iter().map(Reply::bulk).collect(),
        ))
    }
}

/// FT.DROPINDEX index [DD]: drops the index with its documents and
/// suggestions (RediSearch's; an FT.ADD index holds no keys, so DD changes
/// nothing).
pub struct FtDropIndex(String);

impl Command for FtDropIndex {
    const SPEC: CommandSpec = CommandSpec::new("ft.dropindex", -2, Flags::WRITE, "search")
        .summary("Deletes an index.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let index = index_name(&args.bytes()?)?;
        if args.eat("DD") || args.is_empty() {
            args.expect_end()?;
            return Ok(FtDropIndex(index));
        }
        Err(syntax())
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        ctx.engine.ft_drop(&self.0)?;
        Ok(Reply::ok())
    }
}

register_command!(FtCreate, FtInfo, FtList, FtDropIndex);
