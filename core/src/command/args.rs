use bytes::Bytes;

use super::CommandError;
use crate::util::number::{parse_f64, parse_i64};

/// The arguments after a command's name, read front to back with small
/// combinators so no command hand-rolls its own loop over raw frames.
pub struct Args<'a> {
    items: &'a [Bytes],
    pos: usize,
    name: &'a [u8],
}

impl<'a> Args<'a> {
    pub fn new(items: &'a [Bytes]) -> Self {
        Args {
            items,
            pos: 0,
            name: &[],
        }
    }

    /// A whole command line: the arguments after `argv[0]`, the name.
    pub fn command(argv: &'a [Bytes]) -> Self {
        Args {
            items: argv.get(1..).unwrap_or_default(),
            pos: 0,
            name: argv.first().map_or(&[], |n| &n[..]),
        }
    }

    /// The command's name as the client typed it (a few Redis errors quote
    /// it); empty for nested argument lists.
    pub fn name(&self) -> &'a [u8] {
        self.name
    }

    pub fn remaining(&self) -> usize {
        self.items.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    pub fn peek(&self) -> Option<&'a Bytes> {
        self.items.get(self.pos)
    }

    /// The next argument. Running out is a syntax error: arity was checked before
    /// parsing, so only optional tails can come up short.
    pub fn bytes(&mut self) -> Result<Bytes, CommandError> {
        let item = self.items.get(self.pos).ok_or(CommandError::Syntax)?;
        self.pos += 1;
        Ok(item.clone())
    }

    pub fn i64(&mut self) -> Result<i64, CommandError> {
        parse_i64(&self.bytes()?).ok_or(CommandError::NotInteger)
    }

    pub fn f64(&mut self) -> Result<f64, CommandError> {
        parse_f64(&self.bytes()?).ok_or(CommandError::NotFloat)
    }

    /// Everything left.
    pub fn rest(&mut self) -> Vec<Bytes> {
        let rest = self.items[self.pos..].to_vec();
        self.pos = self.items.len();
        rest
    }

    /// Everything left as pairs (MSET, HSET...). An odd count is an arity error
    /// for `command`.
    pub fn pairs(&mut self, command: &str) -> Result<Vec<(Bytes, Bytes)>, CommandError> {
        if self.remaining() == 0 || !self.remaining().is_multiple_of(2) {
            return Err(CommandError::WrongArity(command.into()));
        }
        let pairs = self.items[self.pos..]
            .chunks_exact(2)
            .map(|p| (p[0].clone(), p[1].clone()))
            .collect();
        self.pos = self.items.len();
        Ok(pairs)
    }

    /// Consumes the next argument if it is `keyword` (case-insensitive).
    pub fn eat(&mut self, keyword: &str) -> bool {
        let hit = self
            .peek()
            .is_some_and(|a| a.eq_ignore_ascii_case(keyword.as_bytes()));
        if hit {
            self.pos += 1;
        }
        hit
    }

    /// The next argument upper-cased, for matching against keywords. Long
    /// arguments cannot be keywords and come back empty.
    pub fn keyword(&mut self) -> Result<String, CommandError> {
        let item = self.bytes()?;
        if item.len() > 32 {
            return Ok(String::new());
        }
        Ok(String::from_utf8_lossy(&item).to_ascii_uppercase())
    }

    /// Reads trailing options: `f` gets each upper-cased keyword and may read the
    /// option's values from `self`; it returns false for a keyword it does not
    /// know, which is Redis' `ERR syntax error`.
    pub fn options(
        &mut self,
        mut f: impl FnMut(&str, &mut Self) -> Result<bool, CommandError>,
    ) -> Result<(), CommandError> {
        while !self.is_empty() {
            let kw = self.keyword()?;
            if !f(&kw, self)? {
                return Err(CommandError::Syntax);
            }
        }
        Ok(())
    }

    /// Fails with a syntax error if anything is left unread.
    pub fn expect_end(&self) -> Result<(), CommandError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(CommandError::Syntax)
        }
    }
}
