//! Pieces shared by container commands (CLIENT, CONFIG, MEMORY, ...): Redis'
//! HELP replies and its errors for unknown subcommands and wrong arity.

use resplite_core::prelude::*;

/// A `<CONTAINER> HELP` reply: the usage line, the entries, then HELP itself,
/// as Redis' `addReplyHelp` builds it.
pub fn help(container: &str, entries: &[&str]) -> Reply {
    let mut lines = Vec::with_capacity(entries.len() + 3);
    lines.push(Reply::Simple(
        format!("{container} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:").into(),
    ));
    lines.extend(entries.iter().map(|l| Reply::Simple(l.to_string().into())));
    lines.push(Reply::simple("HELP"));
    lines.push(Reply::simple("    Prints this help."));
    Reply::Array(lines)
}

/// `ERR unknown subcommand 'foo'. Try CLIENT HELP.`
pub fn unknown(container: &str, sub: &[u8]) -> CommandError {
    let shown = &sub[..sub.len().min(128)];
    CommandError::other(format!(
        "ERR unknown subcommand '{}'. Try {container} HELP.",
        String::from_utf8_lossy(shown)
    ))
}

/// `ERR wrong number of arguments for 'client|setname' command`
/// Redis' addReplySubcommandSyntaxError: a subcommand given the wrong arguments.
pub fn syntax(container: &str, sub: &[u8]) -> CommandError {
    CommandError::other(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try {container} HELP.",
        String::from_utf8_lossy(sub)
    ))
}

pub fn arity(container: &str, sub: &str) -> CommandError {
    CommandError::WrongArity(format!(
        "{}|{}",
        container.to_ascii_lowercase(),
        sub.to_ascii_lowercase()
    ))
}

/// The subcommand name, lower-cased, and a check of the argument count after
/// it against Redis' arity for `container|sub` (which counts the container and
/// the subcommand: `client|setname` is 3).
pub struct Sub {
    pub name: String,
    pub raw: Bytes,
}

impl Sub {
    pub fn read(args: &mut Args) -> Result<Sub, CommandError> {
        let raw = args.bytes()?;
        let name = if raw.len() > 32 {
            String::new()
        } else {
            String::from_utf8_lossy(&raw).to_ascii_lowercase()
        };
        Ok(Sub { name, raw })
    }

    /// Checks the arguments left against a Redis arity of the subcommand.
    pub fn check(&self, container: &str, args: &Args, expected: i32) -> Result<(), CommandError> {
        let argc = args.remaining() as i64 + 2;
        let ok = if expected >= 0 {
            argc == i64::from(expected)
        } else {
            argc >= -i64::from(expected)
        };
        if ok {
            Ok(())
        } else {
            Err(arity(container, &self.name))
        }
    }
}

/// Redis' `%.2f`-style human sizes: `1.23M`, `512B`.
pub(crate) fn human_bytes(n: u64) -> String {
    const UNITS: [(f64, &str); 5] = [
        (1024.0, "K"),
        (1024.0 * 1024.0, "M"),
        (1024.0 * 1024.0 * 1024.0, "G"),
        (1024.0 * 1024.0 * 1024.0 * 1024.0, "T"),
        (1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0, "P"),
    ];
    if n < 1024 {
        return format!("{n}B");
    }
    let x = n as f64;
    for (i, (unit, name)) in UNITS.iter().enumerate() {
        let last = i == UNITS.len() - 1;
        if last || x < unit * 1024.0 {
            return format!("{:.2}{name}", x / unit);
        }
    }
    unreachable!("the last unit always matches")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes_as_redis() {
        assert_eq!(human_bytes(0), "0B");
        assert_eq!(human_bytes(1023), "1023B");
        assert_eq!(human_bytes(1287088), "1.23M");
        assert_eq!(human_bytes(7307264), "6.97M");
        assert_eq!(human_bytes(25276502016), "23.54G");
    }
}
