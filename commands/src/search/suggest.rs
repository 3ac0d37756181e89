//! FT.SUGADD, FT.SUGGET and FT.SUGDEL: an index's dictionary of suggestions.

use resplite_core::prelude::*;

use super::{doc_id, index_name, js_float, js_int, score_reply, syntax, text};

/// FT.SUGADD index term score [INCR] [PAYLOAD payload]: 1 if the term is new.
pub struct FtSugAdd {
    index: String,
    term: String,
    score: f64,
    incr: bool,
    payload: Option<String>,
}

impl Command for FtSugAdd {
    const SPEC: CommandSpec = CommandSpec::new(
        "ft.sugadd",
        -1,
        Flags::WRITE.union(Flags::DENYOOM),
        "search",
    )
    .summary("Adds a suggestion, or rescores it (INCR adds to its score).")
    .since("1.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let args = args.rest();
        if args.len() < 3 {
            return Err(syntax());
        }
        let index = index_name(&args[0])?;
        let term = doc_id(&args[1], true)?;
        let score = js_float(&args[2])
            .filter(|s| s.is_finite())
            .ok_or_else(|| CommandError::other("ERR invalid score"))?;
        let (mut incr, mut payload) = (false, None);
        let mut at = 3;
        while at < args.len() {
            match args[at].to_ascii_uppercase().as_slice() {
                b"INCR" => incr = true,
                b"PAYLOAD" => {
                    at += 1;
                    payload = Some(text(args.get(at).ok_or_else(syntax)?)?);
                }
                _ => return Err(syntax()),
            }
            at += 1;
        }
        Ok(FtSugAdd {
            index,
            term,
            score,
            incr,
            payload,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let new = ctx.engine.ft_sugadd(
            &self.index,
            &self.term,
            self.score,
            self.incr,
            self.payload.as_deref(),
        )?;
        Ok(Reply::Int(i64::from(new)))
    }
}

/// FT.SUGGET index prefix [MAX n] [WITHSCORES] [WITHPAYLOADS]: up to `n`
/// (default 5) terms, best first, each followed by its score and payload
/// when asked.
pub struct FtSugGet {
    index: String,
    prefix: String,
    max: i64,
    scores: bool,
    payloads: bool,
}

impl Command for FtSugGet {
    const SPEC: CommandSpec = CommandSpec::new("ft.sugget", -1, Flags::READONLY, "search")
        .summary("Returns the suggestions starting with a prefix.")
        .since("1.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let args = args.rest();
        if args.len() < 2 {
            return Err(syntax());
        }
        let index = index_name(&args[0])?;
        let prefix = text(&args[1])?;
        let (mut max, mut scores, mut payloads) = (5, false, false);
        let mut at = 2;
        while at < args.len() {
            match args[at].to_ascii_uppercase().as_slice() {
                b"FUZZY" => return Err(CommandError::other("ERR not supported yet")),
                b"MAX" => {
                    at += 1;
                    max = args
                        .get(at)
                        .and_then(|n| js_int(n))
                        .filter(|n| *n >= 0)
                        .ok_or_else(syntax)?;
                }
                b"WITHSCORES" => scores = true,
                b"WITHPAYLOADS" => payloads = true,
                _ => return Err(syntax()),
            }
            at += 1;
        }
        Ok(FtSugGet {
            index,
            prefix,
            max,
            scores,
            payloads,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let found = ctx
            .engine
            .ft_sugget(&self.index, &self.prefix, self.max as u64)?;
        let mut out = Vec::new();
        for (term, score, payload) in found {
            out.push(Reply::bulk(term));
            if self.scores {
                out.push(score_reply(score));
            }
            if self.payloads {
                out.push(Reply::bulk(payload.unwrap_or_default()));
            }
        }
        Ok(Reply::Array(out))
    }
}

/// FT.SUGDEL index term: 1 if it was there.
pub struct FtSugDel(String, String);

impl Command for FtSugDel {
    const SPEC: CommandSpec = CommandSpec::new("ft.sugdel", -1, Flags::WRITE, "search")
        .summary("Deletes a suggestion.")
        .since("1.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let args = args.rest();
        if args.len() != 2 {
            return Err(syntax());
        }
        Ok(FtSugDel(index_name(&args[0])?, text(&args[1])?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::Int(i64::from(
            ctx.engine.ft_sugdel(&self.0, &self.1)?,
        )))
    }
}

register_command!(FtSugAdd, FtSugGet, FtSugDel);
