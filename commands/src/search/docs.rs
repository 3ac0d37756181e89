//! FT.ADD, FT.DEL and FT.GET: documents of an index, apart from the keyspace.

use resplite_core::prelude::*;

use super::{doc_id, index_name, js_float, syntax, text, valid_field_name};

/// FT.ADD index doc score [REPLACE] FIELDS field value [field value ...]
pub struct FtAdd {
    index: String,
    doc: String,
    score: f64,
    replace: bool,
    /// In first-given order; a repeated field keeps its place and takes the
    /// last value (a JavaScript object's assignment).
    fields: Vec<(String, String)>,
}

impl Command for FtAdd {
    const SPEC: CommandSpec =
        CommandSpec::new("ft.add", -1, Flags::WRITE.union(Flags::DENYOOM), "search")
            .summary("Adds a document to an index, or replaces it (REPLACE).")
            .since("1.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let args = args.rest();
        if args.len() < 5 {
            return Err(syntax());
        }
        let index = index_name(&args[0])?;
        let doc = doc_id(&args[1], false)?;
        let score = js_float(&args[2])
            .filter(|s| s.is_finite())
            .ok_or_else(|| CommandError::other("ERR invalid score"))?;
        let mut at = 3;
        let mut replace = false;
        loop {
            match args.get(at).map(|a| a.to_ascii_uppercase()).as_deref() {
                Some(b"REPLACE") => replace = true,
                Some(b"FIELDS") => break,
                _ => return Err(syntax()),
            }
            at += 1;
        }
        let pairs = &args[at + 1..];
        if pairs.is_empty() || !pairs.len().is_multiple_of(2) {
            return Err(syntax());
        }
        let mut fields: Vec<(String, String)> = Vec::new();
        for pair in pairs.chunks(2) {
            let name = text(&pair[0])?.trim().to_string();
            if !valid_field_name(&name) {
                return Err(syntax());
            }
            let value = text(&pair[1])?;
            match fields.iter_mut().find(|(k, _)| *k == name) {
                Some(slot) => slot.1 = value,
                None => fields.push((name, value)),
            }
        }
        Ok(FtAdd {
            index,
            doc,
            score,
            replace,
            fields,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        ctx.engine.ft_add(
            &self.index,
            &self.doc,
            self.score,
            self.replace,
            &self.fields,
        )?;
        Ok(Reply::ok())
    }
}

/// `index doc` and nothing else.
fn index_and_doc(args: &mut Args, nul_ok: bool) -> Result<(String, String), CommandError> {
    let args = args.rest();
    if args.len() != 2 {
        return Err(syntax());
    }
    Ok((index_name(&args[0])?, doc_id(&args[1], nul_ok)?))
}

/// FT.DEL index doc: 1 if the document was there.
pub struct FtDel(String, String);

impl Command for FtDel {
    const SPEC: CommandSpec = CommandSpec::new("ft.del", -1, Flags::WRITE, "search")
        .summary("Deletes a document from an index.")
        .since("1.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let (index, doc) = index_and_doc(args, true)?;
        Ok(FtDel(index, doc))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::Int(i64::from(ctx.engine.ft_del(&self.0, &self.1)?)))
    }
}

/// FT.GET index doc: its fields in schema order (an empty value as nil), or
/// nil if the document is not there.
pub struct FtGet(String, String);

impl Command for FtGet {
    const SPEC: CommandSpec = CommandSpec::new("ft.get", -1, Flags::READONLY, "search")
        .summary("Returns a document's fields.")
        .since("1.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let (index, doc) = index_and_doc(args, false)?;
        Ok(FtGet(index, doc))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let Some(fields) = ctx.engine.ft_get(&self.0, &self.1)? else {
            return Ok(Reply::Nil);
        };
        let mut out = Vec::with_capacity(fields.len() * 2);
        for (k, v) in fields {
            out.push(Reply::bulk(k));
            out.push(if v.is_empty() {
                Reply::Nil
            } else {
                Reply::bulk(v)
            });
        }
        Ok(Reply::Array(out))
    }
}

register_command!(FtAdd, FtDel, FtGet);
