use std::collections::HashMap;

use super::{CommandEntry, CommandError};

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("command '{0}' is registered twice")]
    Duplicate(&'static str),
    #[error("command name '{0}' must be lower-case ASCII")]
    BadName(&'static str),
    #[error("no such command '{0}' to rename or disable")]
    NoSuchCommand(String),
    #[error("cannot rename '{0}' to '{1}': a command of that name already exists")]
    NameTaken(String, String),
}

/// Every command linked into the binary, looked up case-insensitively.
///
/// Commands can be renamed or disabled ([`Registry::rename`], `--rename-command`):
/// lookups by name and the listing (COMMAND) then see only the new names, while
/// code that refers to a command by its built-in name ([`Registry::builtin`])
/// still finds it.
pub struct Registry {
    by_name: HashMap<Box<[u8]>, &'static CommandEntry>,
    builtin: HashMap<&'static str, &'static CommandEntry>,
    /// Listed commands by public name, sorted.
    sorted: Vec<(Box<str>, &'static CommandEntry)>,
}

/// Longest command name we look up without allocating.
const MAX_NAME: usize = 64;

impl Registry {
    /// Collects every `register_command!` in the linked crates. Call the command
    /// crates' `link()` first, or the linker may drop their registrations.
    pub fn from_inventory() -> Result<Registry, RegistryError> {
        Self::from_entries(inventory::iter::<CommandEntry>)
    }

    pub fn from_entries(
        entries: impl IntoIterator<Item = &'static CommandEntry>,
    ) -> Result<Registry, RegistryError> {
        let mut builtin = HashMap::new();
        for entry in entries {
            let name = entry.spec.name;
            if name.is_empty()
                || name.len() > MAX_NAME
                || name
                    .bytes()
                    .any(|b| b.is_ascii_uppercase() || b.is_ascii_whitespace())
            {
                return Err(RegistryError::BadName(name));
            }
            if builtin.insert(name, entry).is_some() {
                return Err(RegistryError::Duplicate(name));
            }
        }
        let mut registry = Registry {
            by_name: HashMap::new(),
            builtin,
            sorted: Vec::new(),
        };
        registry.rebuild(
            registry
                .builtin
                .values()
                .map(|e| (Box::from(e.spec.name), *e))
                .collect(),
        );
        Ok(registry)
    }

    fn rebuild(&mut self, mut listed: Vec<(Box<str>, &'static CommandEntry)>) {
        listed.sort_by(|a, b| a.0.cmp(&b.0));
        self.by_name = listed
            .iter()
            .map(|(name, e)| (Box::from(name.as_bytes()), *e))
            .collect();
        self.sorted = listed;
    }

    /// Renames commands, as Redis' `rename-command OLD NEW`: OLD then answers
    /// "unknown command" and NEW runs it; an empty NEW disables OLD (it is
    /// gone from COMMAND and COMMAND COUNT). Names are case-insensitive; the
    /// pairs apply in order, so `a b` then `b c` renames `a` to `c`.
    pub fn rename<S: AsRef<str>>(&mut self, pairs: &[(S, S)]) -> Result<(), RegistryError> {
        let mut listed = std::mem::take(&mut self.sorted);
        for (old, new) in pairs {
            let old = old.as_ref().to_ascii_lowercase();
            let new = new.as_ref().to_ascii_lowercase();
            let Some(at) = listed.iter().position(|(n, _)| **n == *old) else {
                self.rebuild(listed);
                return Err(RegistryError::NoSuchCommand(old));
            };
            if new.is_empty() {
                listed.remove(at);
            } else if new != old && listed.iter().any(|(n, _)| **n == *new) {
                self.rebuild(listed);
                return Err(RegistryError::NameTaken(old, new));
            } else {
                listed[at].0 = new.into();
            }
        }
        self.rebuild(listed);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// All commands clients can call, by name.
    pub fn iter(&self) -> impl Iterator<Item = &'static CommandEntry> + '_ {
        self.sorted.iter().map(|(_, e)| *e)
    }

    /// All commands clients can call with the names they call them by
    /// (renamed ones under their new name), sorted by that name.
    pub fn named(&self) -> impl Iterator<Item = (&str, &'static CommandEntry)> + '_ {
        self.sorted.iter().map(|(n, e)| (&**n, *e))
    }

    /// The name clients call `entry` by (its new name if renamed).
    pub fn public_name(&self, entry: &CommandEntry) -> &str {
        self.sorted
            .iter()
            .find(|(_, e)| std::ptr::eq(*e, entry))
            .map_or(entry.spec.name, |(n, _)| &**n)
    }

    /// A command by its built-in (lower-case) name, renamed or disabled or not:
    /// for the server's own use, never for a client's request.
    pub fn builtin(&self, name: &str) -> Option<&'static CommandEntry> {
        self.builtin.get(name).copied()
    }

    /// A command by the name clients call it (case-insensitive).
    pub fn get(&self, name: &[u8]) -> Option<&'static CommandEntry> {
        if name.len() > MAX_NAME {
            return None;
        }
        let mut lower = [0u8; MAX_NAME];
        let lower = &mut lower[..name.len()];
        lower.copy_from_slice(name);
        lower.make_ascii_lowercase();
        self.by_name.get(&*lower).copied()
    }

    /// Finds the command for a request and checks its arity, producing Redis'
    /// errors for unknown commands and wrong argument counts.
    pub fn resolve(&self, argv: &[bytes::Bytes]) -> Result<&'static CommandEntry, CommandError> {
        let name = &argv[0];
        let Some(entry) = self.get(name) else {
            return Err(unknown_command(argv));
        };
        if !entry.spec.arity_ok(argv.len()) {
            return Err(CommandError::WrongArity(entry.spec.name.into()));
        }
        Ok(entry)
    }
}

/// `ERR unknown command 'foo', with args beginning with: 'a' 'b' `, as Redis 7.
fn unknown_command(argv: &[bytes::Bytes]) -> CommandError {
    // Redis prints these with `%.*s`: at most `max` bytes, cut at a NUL.
    let shown = |b: &[u8], max: usize| {
        let b = &b[..b.iter().position(|&c| c == 0).unwrap_or(b.len())];
        String::from_utf8_lossy(&b[..b.len().min(max)]).into_owned()
    };
    let mut args = String::new();
    for a in &argv[1..] {
        if args.len() >= 128 {
            break;
        }
        let room = 128 - args.len();
        args.push_str(&format!("'{}' ", shown(a, room)));
    }
    CommandError::other(format!(
        "ERR unknown command '{}', with args beginning with: {}",
        shown(&argv[0], 128),
        args
    ))
}
