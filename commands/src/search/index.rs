//! FT.CREATE, FT.INFO, FT._LIST, FT.DROPINDEX, FT.ALTER and FT.EXPLAIN, in
//! both dialects (see `redisearch`).

use resplite_core::engine::search::{HashIndex, IndexKind};
use resplite_core::prelude::*;

use super::redisearch::{self, check_db};
use super::{index_name, syntax, text, valid_field_name};

fn unknown_index() -> CommandError {
    CommandError::other("Unknown index name")
}

const WRITE: Flags = Flags::WRITE.union(Flags::DENYOOM);

/// FT.CREATE index SCHEMA field TEXT [field TEXT ...] (RESPlite's: TEXT
/// fields only, one of them named `payload`), or any RediSearch form (`ON
/// HASH`, `PREFIX`, TAG and NUMERIC fields, field options): an index of hashes.
pub enum FtCreate {
    Documents { index: String, fields: Vec<String> },
    Hashes(HashIndex, bool),
}

/// Is this RediSearch's FT.CREATE? It is when an option comes before SCHEMA
/// or the schema uses a word RESPlite's does not know; anything else is
/// RESPlite's form (and gets RESPlite's errors).
fn redisearch_form(args: &[Bytes]) -> bool {
    const BEFORE_SCHEMA: [&str; 16] = [
        "ON",
        "PREFIX",
        "FILTER",
        "LANGUAGE",
        "LANGUAGE_FIELD",
        "SCORE",
        "SCORE_FIELD",
        "PAYLOAD_FIELD",
        "MAXTEXTFIELDS",
        "TEMPORARY",
        "NOOFFSETS",
        "NOHL",
        "NOFIELDS",
        "NOFREQS",
        "STOPWORDS",
        "SKIPINITIALSCAN",
    ];
    const IN_SCHEMA: [&str; 14] = [
        "TAG",
        "NUMERIC",
        "GEO",
        "VECTOR",
        "GEOSHAPE",
        "SORTABLE",
        "WEIGHT",
        "NOSTEM",
        "AS",
        "SEPARATOR",
        "CASESENSITIVE",
        "NOINDEX",
        "PHONETIC",
        "UNF",
    ];
    let is =
        |arg: &Bytes, words: &[&str]| words.iter().any(|w| arg.eq_ignore_ascii_case(w.as_bytes()));
    match args.get(1) {
        Some(first) if first.eq_ignore_ascii_case(b"SCHEMA") => {
            args.iter().skip(3).any(|a| is(a, &IN_SCHEMA))
        }
        Some(first) => is(first, &BEFORE_SCHEMA),
        None => false,
    }
}

impl Command for FtCreate {
    const SPEC: CommandSpec = CommandSpec::new("ft.create", -1, WRITE, "search")
        .summary("Creates a full-text index (RESPlite: TEXT fields, one named payload).")
        .since("1.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let args = args.rest();
        if redisearch_form(&args) {
            let index = index_name(&args[0])?;
            let (def, scan) = redisearch::parse_create(index, &args[1..])?;
            return Ok(FtCreate::Hashes(def, scan));
        }
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
        Ok(FtCreate::Documents { index, fields })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        match self {
            FtCreate::Documents { index, fields } => ctx.engine.ft_create(&index, &fields)?,
            FtCreate::Hashes(def, scan) => {
                check_db(ctx)?;
                ctx.engine.ft_create_hashes(&def, scan)?;
            }
        }
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
        if let Some(IndexKind::Hashes(def)) = ctx.engine.ft_kind(&self.0)? {
            let info = ctx.engine.ft_hash_info(&self.0)?;
            return Ok(redisearch::info_reply(ctx.session.resp == 3, &def, &info));
        }
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

/// FT.DROPINDEX index [DD]: drops the index (an FT.ADD index with its
/// documents and suggestions); DD deletes a hash index's hashes too.
pub struct FtDropIndex(String, bool);

impl Command for FtDropIndex {
    const SPEC: CommandSpec = CommandSpec::new("ft.dropindex", -2, Flags::WRITE, "search")
        .summary("Deletes an index.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let index = index_name(&args.bytes()?)?;
        let dd = args.eat("DD");
        if args.is_empty() {
            return Ok(FtDropIndex(index, dd));
        }
        Err(syntax())
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        match ctx.engine.ft_kind(&self.0)? {
            Some(IndexKind::Hashes(_)) => {
                check_db(ctx)?;
                ctx.engine.ft_drop_hashes(&self.0, self.1)?
            }
            _ => ctx.engine.ft_drop(&self.0)?,
        }
        Ok(Reply::ok())
    }
}

/// The hash index named by `index`, or the error for a missing one or one
/// of RESPlite's kind.
fn hash_index(ctx: &mut Ctx, index: &str, command: &str) -> Result<HashIndex, CommandError> {
    match ctx.engine.ft_kind(index)? {
        Some(IndexKind::Hashes(def)) => Ok(def),
        Some(IndexKind::Documents) => Err(CommandError::other(format!(
            "ERR {command} works on hash indexes (FT.CREATE ... ON HASH), not FT.ADD ones"
        ))),
        None => Err(unknown_index()),
    }
}

/// FT.ALTER index [SKIPINITIALSCAN] SCHEMA ADD field type [options] ...:
/// new fields; the index's hashes are indexed again.
pub struct FtAlter(String, Vec<Bytes>);

impl Command for FtAlter {
    const SPEC: CommandSpec = CommandSpec::new("ft.alter", -5, WRITE, "search")
        .summary("Adds fields to a hash index's schema.")
        .since("1.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let index = index_name(&args.bytes()?)?;
        Ok(FtAlter(index, args.rest()))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        check_db(ctx)?;
        let def = hash_index(ctx, &self.0, "FT.ALTER")?;
        let mut at = 0;
        if self
            .1
            .get(at)
            .is_some_and(|a| a.eq_ignore_ascii_case(b"SKIPINITIALSCAN"))
        {
            at += 1;
        }
        if !(self
            .1
            .get(at)
            .is_some_and(|a| a.eq_ignore_ascii_case(b"SCHEMA"))
            && self
                .1
                .get(at + 1)
                .is_some_and(|a| a.eq_ignore_ascii_case(b"ADD")))
        {
            return Err(CommandError::other("Unknown action passed to ALTER SCHEMA"));
        }
        at += 2;
        let fields = redisearch::parse_fields(&self.1, &mut at)?;
        if fields.is_empty() {
            return Err(CommandError::other("Fields arguments are missing"));
        }
        if let Some(dup) = fields.iter().find(|f| def.field(&f.alias).is_some()) {
            return Err(CommandError::other(format!(
                "Duplicate field in schema - {}",
                dup.alias
            )));
        }
        ctx.engine.ft_alter_add(&self.0, &fields)?;
        Ok(Reply::ok())
    }
}

/// FT.EXPLAIN index query: how the query is read, as text.
pub struct FtExplain(String, Vec<Bytes>);

impl Command for FtExplain {
    const SPEC: CommandSpec = CommandSpec::new("ft.explain", -3, Flags::READONLY, "search")
        .summary("Returns the execution plan of a query.")
        .since("1.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let index = index_name(&args.bytes()?)?;
        Ok(FtExplain(index, args.rest()))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let query = text(&self.1[0])?;
        match ctx.engine.ft_kind(&self.0)? {
            Some(IndexKind::Hashes(def)) => {
                let q = redisearch::query::parse(&query, &def, None)?;
                Ok(Reply::bulk(redisearch::query::explain(&q, &def, 0)))
            }
            // RESPlite's kind: the FTS5 expression the query becomes.
            Some(IndexKind::Documents) => Ok(Reply::bulk(super::query::match_expression(&query)?)),
            None => Err(unknown_index()),
        }
    }
}

/// FT.AGGREGATE index query [LOAD ...] [GROUPBY ... REDUCE ...] [SORTBY ...]
/// [APPLY ... AS ...] [FILTER ...] [LIMIT ...]
pub struct FtAggregate(String, Vec<Bytes>);

impl Command for FtAggregate {
    const SPEC: CommandSpec = CommandSpec::new("ft.aggregate", -3, Flags::READONLY, "search")
        .summary("Groups, reduces, sorts and transforms the hashes a query matches.")
        .since("1.1.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let index = index_name(&args.bytes()?)?;
        Ok(FtAggregate(index, args.rest()))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        check_db(ctx)?;
        let def = hash_index(ctx, &self.0, "FT.AGGREGATE")?;
        redisearch::aggregate::run(ctx, &def, &self.1)
    }
}

register_command!(
    FtCreate,
    FtInfo,
    FtList,
    FtDropIndex,
    FtAlter,
    FtExplain,
    FtAggregate
);
