use std::collections::HashMap;

use super::{CommandEntry, CommandError};

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("command '{0}' is registered twice")]
    Duplicate(&'static str),
    #[error("command name '{0}' must be lower-case ASCII")]
    BadName(&'static str),
}

/// Every command linked into the binary, looked up case-insensitively.
pub struct Registry {
    by_name: HashMap<&'static [u8], &'static CommandEntry>,
    sorted: Vec<&'static CommandEntry>,
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
        let mut by_name = HashMap::new();
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
            if by_name.insert(name.as_bytes(), entry).is_some() {
                return Err(RegistryError::Duplicate(name));
            }
        }
        let mut sorted: Vec<_> = by_name.values().copied().collect();
        sorted.sort_by_key(|e| e.spec.name);
        Ok(Registry { by_name, sorted })
    }

    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// All commands, by name.
    pub fn iter(&self) -> impl Iterator<Item = &'static CommandEntry> + '_ {
        self.sorted.iter().copied()
    }

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
