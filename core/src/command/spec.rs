use super::{Args, CommandError, Ctx};
use crate::protocol::Reply;

/// Command flags, as `COMMAND INFO` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flags(pub u32);

impl Flags {
    pub const NONE: Flags = Flags(0);
    pub const WRITE: Flags = Flags(1);
    pub const READONLY: Flags = Flags(1 << 1);
    pub const DENYOOM: Flags = Flags(1 << 2);
    pub const ADMIN: Flags = Flags(1 << 3);
    pub const PUBSUB: Flags = Flags(1 << 4);
    pub const NOSCRIPT: Flags = Flags(1 << 5);
    pub const BLOCKING: Flags = Flags(1 << 6);
    pub const LOADING: Flags = Flags(1 << 7);
    pub const STALE: Flags = Flags(1 << 8);
    pub const FAST: Flags = Flags(1 << 9);
    pub const NO_AUTH: Flags = Flags(1 << 10);
    pub const NO_MULTI: Flags = Flags(1 << 11);
    pub const SKIP_MONITOR: Flags = Flags(1 << 12);
    pub const NO_MANDATORY_KEYS: Flags = Flags(1 << 13);
    /// Not shown by COMMAND: the command may write without being a write
    /// command (EVAL, FCALL), so the executor's safe mode runs it under a
    /// savepoint, as it runs writes.
    pub const MAY_WRITE: Flags = Flags(1 << 14);
    /// Not shown by COMMAND: the command runs a script, which may run long,
    /// so it joins no group holding other commands (see `Worker::attempt`).
    pub const RUNS_SCRIPT: Flags = Flags(1 << 15);
    /// Not shown by COMMAND (Redis shows it on each subcommand): every
    /// subcommand of this container but HELP is `noscript` (CLIENT, CONFIG,
    /// FUNCTION, LATENCY, SCRIPT).
    pub const NOSCRIPT_SUBCOMMANDS: Flags = Flags(1 << 16);

    const NAMES: [(Flags, &'static str); 14] = [
        (Flags::WRITE, "write"),
        (Flags::READONLY, "readonly"),
        (Flags::DENYOOM, "denyoom"),
        (Flags::ADMIN, "admin"),
        (Flags::PUBSUB, "pubsub"),
        (Flags::NOSCRIPT, "noscript"),
        (Flags::BLOCKING, "blocking"),
        (Flags::LOADING, "loading"),
        (Flags::STALE, "stale"),
        (Flags::SKIP_MONITOR, "skip_monitor"),
        (Flags::FAST, "fast"),
        (Flags::NO_AUTH, "no_auth"),
        (Flags::NO_MANDATORY_KEYS, "no_mandatory_keys"),
        (Flags::NO_MULTI, "no_multi"),
    ];

    pub const fn union(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }

    pub const fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Flag names in COMMAND INFO order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Flags::NAMES
            .into_iter()
            .filter(move |(f, _)| self.contains(*f))
            .map(|(_, n)| n)
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        self.union(rhs)
    }
}

/// Positions of a command line's keys (name at 0), for commands whose keys
/// first/last/step cannot describe.
pub type KeyFinder = fn(&[bytes::Bytes]) -> Vec<usize>;

/// The static description of a command: drives dispatch, arity checks, key
/// extraction and `COMMAND` introspection.
#[derive(Debug)]
pub struct CommandSpec {
    /// Lower-case name, as COMMAND reports it.
    pub name: &'static str,
    /// Redis' convention: `n` exactly n arguments (name included), `-n` at least n.
    pub arity: i32,
    pub flags: Flags,
    pub first_key: i32,
    /// Negative counts from the end (`-1` = last argument).
    pub last_key: i32,
    pub step: i32,
    /// The positions above name shard channels, not keys (Redis' `not_key`
    /// key spec): COMMAND INFO shows them, COMMAND GETKEYS does not.
    pub not_key: bool,
    /// COMMAND DOCS group (`string`, `generic`, `connection`, `server`, ...).
    pub group: &'static str,
    pub summary: &'static str,
    pub since: &'static str,
    /// For commands whose writing depends on what they run (a script's
    /// `no-writes` flag): may this command line write? CLIENT PAUSE WRITE
    /// holds it then. Without one, the flags decide.
    pub may_write: Option<MayWrite>,
    /// A container's subcommands (CLIENT LIST, OBJECT ENCODING, ...): COMMAND
    /// LIST names them `container|sub`, and COMMAND GETKEYS finds their keys.
    pub subcommands: &'static [SubSpec],
    /// For commands whose keys the positions above cannot describe (an
    /// option names one, as SORT's STORE): the positions of the keys in a
    /// command line (name at 0). COMMAND GETKEYS asks.
    pub key_finder: Option<KeyFinder>,
}

/// See [`CommandSpec::may_write`]: the command line (name at 0), with the
/// capabilities' state (the script cache, the function libraries).
pub type MayWrite = fn(&mut crate::command::Extensions, &[bytes::Bytes]) -> bool;

/// One subcommand of a container: its name (lower case), arity (counting
/// the container and the subcommand) and key positions, as Redis' COMMAND
/// INFO gives them.
#[derive(Debug, Clone, Copy)]
pub struct SubSpec {
    pub name: &'static str,
    pub arity: i32,
    pub first_key: i32,
    pub last_key: i32,
    pub step: i32,
}

impl SubSpec {
    pub const fn new(name: &'static str, arity: i32) -> SubSpec {
        SubSpec {
            name,
            arity,
            first_key: 0,
            last_key: 0,
            step: 0,
        }
    }

    /// Does a command line of `argc` words (container and name included) fit?
    pub fn arity_ok(&self, argc: usize) -> bool {
        arity_ok(self.arity, argc)
    }

    pub const fn keys(mut self, first: i32, last: i32, step: i32) -> SubSpec {
        self.first_key = first;
        self.last_key = last;
        self.step = step;
        self
    }
}

/// Redis' arity rule: `n` exactly n words, `-n` at least n.
fn arity_ok(arity: i32, argc: usize) -> bool {
    let (argc, arity) = (argc as i64, i64::from(arity));
    if arity >= 0 {
        argc == arity
    } else {
        argc >= -arity
    }
}

/// Key positions from first/last/step (`last` negative: from the end);
/// `None` when `first` is 0 (no keys).
fn positions(argv: &[bytes::Bytes], first: i32, last: i32, step: i32) -> Option<Vec<usize>> {
    if first <= 0 {
        return None;
    }
    let argc = argv.len() as i64;
    let last = if last < 0 {
        argc + i64::from(last)
    } else {
        i64::from(last)
    };
    let step = i64::from(step.max(1));
    Some(
        (i64::from(first)..=last.min(argc - 1))
            .step_by(step as usize)
            .map(|i| i as usize)
            .collect(),
    )
}

impl CommandSpec {
    /// A spec with no keys; fill the rest with struct update syntax.
    pub const fn new(name: &'static str, arity: i32, flags: Flags, group: &'static str) -> Self {
        CommandSpec {
            name,
            arity,
            flags,
            first_key: 0,
            last_key: 0,
            step: 0,
            not_key: false,
            subcommands: &[],
            may_write: None,
            group,
            summary: "",
            since: "1.0.0",
            key_finder: None,
        }
    }

    /// Sets the `may_write` check.
    pub const fn may_write(mut self, f: MayWrite) -> Self {
        self.may_write = Some(f);
        self
    }

    /// Lists a container's subcommands (see `subcommands`).
    pub const fn subcommands(mut self, subs: &'static [SubSpec]) -> Self {
        self.subcommands = subs;
        self
    }

    /// Sets a key finder (see [`key_finder`](Self::key_finder)).
    pub const fn key_finder(mut self, f: KeyFinder) -> Self {
        self.key_finder = Some(f);
        self
    }

    /// The positions of the keys in `argv` (name at 0): the key finder's, or
    /// first/last/step. `None` for a command without keys.
    pub fn key_positions(&self, argv: &[bytes::Bytes]) -> Option<Vec<usize>> {
        if let Some(find) = self.key_finder {
            return Some(find(argv));
        }
        if !self.subcommands.is_empty() {
            let sub = argv.get(1)?;
            let spec = self
                .subcommands
                .iter()
                .find(|s| s.name.as_bytes().eq_ignore_ascii_case(sub))?;
            return positions(argv, spec.first_key, spec.last_key, spec.step);
        }
        if self.not_key {
            return None;
        }
        positions(argv, self.first_key, self.last_key, self.step)
    }

    /// Sets the key positions (first, last, step).
    pub const fn keys(mut self, first: i32, last: i32, step: i32) -> Self {
        self.first_key = first;
        self.last_key = last;
        self.step = step;
        self
    }

    /// Marks the key positions as channel names (see `not_key`).
    pub const fn not_key(mut self) -> Self {
        self.not_key = true;
        self
    }

    pub const fn summary(mut self, summary: &'static str) -> Self {
        self.summary = summary;
        self
    }

    pub const fn since(mut self, since: &'static str) -> Self {
        self.since = since;
        self
    }

    /// Does `argc` (name included) satisfy the arity?
    pub fn arity_ok(&self, argc: usize) -> bool {
        arity_ok(self.arity, argc)
    }

    /// Writes, and what Redis flags `may-replicate` (PUBLISH and SPUBLISH
    /// feed its replication stream; PFCOUNT may rewrite its cached count):
    /// read-only scripts refuse them, CLIENT PAUSE WRITE holds them.
    pub fn may_replicate(&self) -> bool {
        self.is_write()
            || self.flags.contains(Flags::MAY_WRITE)
            || matches!(self.name, "publish" | "spublish" | "pfcount")
    }

    pub fn is_write(&self) -> bool {
        self.flags.contains(Flags::WRITE)
    }
}

/// What inventory collects: a spec and the monomorphized parse-and-apply.
pub struct CommandEntry {
    pub spec: &'static CommandSpec,
    pub run: fn(&mut Args, &mut Ctx) -> Result<Reply, CommandError>,
}

inventory::collect!(CommandEntry);

/// Key finders shared by the commands whose keys a count or a keyword
/// places (Redis' "movable keys").
pub mod finders {
    use bytes::Bytes;

    use crate::util::number::parse_i64;

    /// The keys counted by the `numkeys` argument at `at`.
    fn counted(argv: &[Bytes], at: usize) -> Vec<usize> {
        let n = argv.get(at).and_then(|a| parse_i64(a)).unwrap_or(0).max(0) as usize;
        (at + 1..(at + 1).saturating_add(n).min(argv.len())).collect()
    }

    /// `CMD numkeys key ...` (ZUNION, SINTERCARD, LMPOP, ...).
    pub fn numkeys_first(argv: &[Bytes]) -> Vec<usize> {
        counted(argv, 1)
    }

    /// `CMD x numkeys key ...` (EVAL, FCALL, BLMPOP, BZMPOP).
    pub fn numkeys_second(argv: &[Bytes]) -> Vec<usize> {
        counted(argv, 2)
    }

    /// `CMD destination numkeys key ...` (ZUNIONSTORE and the like).
    pub fn destination_then_numkeys(argv: &[Bytes]) -> Vec<usize> {
        let mut keys = vec![1];
        keys.extend(counted(argv, 2));
        keys
    }

    /// XREAD/XREADGROUP: the first half of what follows `STREAMS`.
    pub fn streams(argv: &[Bytes]) -> Vec<usize> {
        let Some(at) = argv.iter().position(|a| a.eq_ignore_ascii_case(b"streams")) else {
            return Vec::new();
        };
        let n = (argv.len() - at - 1) / 2;
        (at + 1..at + 1 + n).collect()
    }
}
