//! Script flags: `#!lua flags=no-writes,allow-oom` on EVAL scripts and
//! `flags={...}` in `redis.register_function`.

/// As Redis lists them (FUNCTION LIST's order).
pub const NAMES: [&str; 5] = [
    "no-writes",
    "allow-oom",
    "allow-stale",
    "no-cluster",
    "allow-cross-slot-keys",
];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScriptFlags {
    bits: u8,
    /// An EVAL script without a shebang: Redis' compatibility mode (it may
    /// write even from EVAL_RO until it calls a write command).
    pub compat: bool,
}

impl ScriptFlags {
    pub fn parse_one(name: &str) -> Option<u8> {
        NAMES.iter().position(|n| *n == name).map(|i| 1 << i)
    }

    pub fn add(&mut self, bit: u8) {
        self.bits |= bit;
    }

    pub fn no_writes(self) -> bool {
        self.bits & 1 != 0
    }

    /// The flag names that are set, in Redis' order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        NAMES
            .into_iter()
            .enumerate()
            .filter(move |(i, _)| self.bits & (1 << i) != 0)
            .map(|(_, n)| n)
    }
}

/// Redis' evalExtractShebangFlags: `(flags, length of the shebang line)`.
/// Scripts without `#!` are in compatibility mode.
/// A shebang line's words, split as Redis splits it (sdssplitargs: quotes
/// and escapes); `None` for unbalanced quotes.
pub fn shebang_words(line: &[u8]) -> Option<Vec<String>> {
    let words = resplite_core::protocol::split_args(line).ok()?;
    Some(
        words
            .iter()
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect(),
    )
}

pub fn eval_shebang(body: &[u8]) -> Result<(ScriptFlags, usize), String> {
    if !body.starts_with(b"#!") {
        return Ok((
            ScriptFlags {
                bits: 0,
                compat: true,
            },
            0,
        ));
    }
    let Some(end) = body.iter().position(|&b| b == b'\n') else {
        return Err("Invalid script shebang".into());
    };
    let parts = shebang_words(&body[..end]).unwrap_or_default();
    let mut parts = parts.iter();
    let Some(engine) = parts.next() else {
        return Err("Invalid engine in script shebang".into());
    };
    if engine != "#!lua" {
        return Err(format!("Unexpected engine in script shebang: {engine}"));
    }
    let mut flags = ScriptFlags::default();
    for part in parts {
        let Some(list) = part.strip_prefix("flags=") else {
            return Err(format!("Unknown lua shebang option: {part}"));
        };
        // Redis splits on every comma: `flags=` is none, `a,` names "".
        for name in list.split(',').filter(|_| !list.is_empty()) {
            match ScriptFlags::parse_one(name) {
                Some(bit) => flags.add(bit),
                None => return Err(format!("Unexpected flag in script shebang: {name}")),
            }
        }
    }
    Ok((flags, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shebangs() {
        assert!(eval_shebang(b"return 1").unwrap().0.compat);
        let (f, len) = eval_shebang(b"#!lua flags=no-writes,allow-oom\nreturn 1").unwrap();
        assert!(f.no_writes() && !f.compat);
        assert_eq!(len, 31);
        assert_eq!(f.names().collect::<Vec<_>>(), ["no-writes", "allow-oom"]);
        assert_eq!(
            eval_shebang(b"#!lua flags=bad\n").unwrap_err(),
            "Unexpected flag in script shebang: bad"
        );
        assert_eq!(
            eval_shebang(b"#!python\n").unwrap_err(),
            "Unexpected engine in script shebang: #!python"
        );
        assert_eq!(
            eval_shebang(b"#!lua").unwrap_err(),
            "Invalid script shebang"
        );
    }
}
