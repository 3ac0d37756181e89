//! ROLE, REPLICAOF / SLAVEOF and FAILOVER. resplite is always a master with
//! no replicas: it answers as a Redis master without replicas does, and
//! refuses to follow another server (moving data in is `resplite migrate`'s
//! job, which copies a live Redis with a short cutover).

use resplite_core::prelude::*;

/// ROLE: `master`, replication offset 0, no replicas.
pub struct Role;

impl Command for Role {
    const SPEC: CommandSpec = CommandSpec::new(
        "role",
        1,
        Flags::NOSCRIPT
            .union(Flags::LOADING)
            .union(Flags::STALE)
            .union(Flags::FAST),
        "server",
    )
    .summary("Return the role of the instance in the context of replication")
    .since("2.8.12");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(Role)
    }

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::Array(vec![
            Reply::bulk("master"),
            Reply::Int(0),
            Reply::Array(Vec::new()),
        ]))
    }
}

/// REPLICAOF host port | NO ONE (and its old name, SLAVEOF). `NO ONE` is
/// what a master already is; following another server is refused.
pub struct ReplicaOf;
pub struct SlaveOf;

const REPLICAOF_FLAGS: Flags = Flags::ADMIN.union(Flags::NOSCRIPT).union(Flags::STALE);

fn replica_of(args: &mut Args) -> Result<(), CommandError> {
    let host = args.bytes()?;
    let port = args.bytes()?;
    if host.eq_ignore_ascii_case(b"no") && port.eq_ignore_ascii_case(b"one") {
        return Ok(());
    }
    match resplite_core::util::number::parse_i64(&port) {
        Some(p) if (0..=65535).contains(&p) => Err(CommandError::other(
            "ERR resplite cannot replicate from another server; use `resplite migrate` to copy a live Redis",
        )),
        _ => Err(CommandError::other("ERR Invalid master port")),
    }
}

impl Command for ReplicaOf {
    const SPEC: CommandSpec = CommandSpec::new("replicaof", 3, REPLICAOF_FLAGS, "server")
        .summary("Make the server a replica of another instance, or promote it as master.")
        .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        replica_of(args).map(|_| ReplicaOf)
    }

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::ok())
    }
}

impl Command for SlaveOf {
    const SPEC: CommandSpec = CommandSpec::new("slaveof", 3, REPLICAOF_FLAGS, "server")
        .summary("Make the server a replica of another instance, or promote it as master.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        replica_of(args).map(|_| SlaveOf)
    }

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::ok())
    }
}

/// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]: with no replica
/// there is nothing to fail over to, nor any failover to abort.
pub struct Failover {
    abort: bool,
}

impl Command for Failover {
    const SPEC: CommandSpec = CommandSpec::new(
        "failover",
        -1,
        Flags::ADMIN.union(Flags::NOSCRIPT).union(Flags::STALE),
        "server",
    )
    .summary("Start a coordinated failover between this server and one of its replicas.")
    .since("6.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let mut abort = false;
        while !args.is_empty() {
            match args.keyword()?.as_str() {
                "ABORT" => abort = true,
                "FORCE" => {}
                "TO" if args.remaining() >= 2 => {
                    args.bytes()?;
                    args.i64()?;
                }
                "TIMEOUT" if !args.is_empty() => {
                    if args.i64()? <= 0 {
                        return Err(CommandError::other(
                            "ERR FAILOVER timeout must be greater than 0",
                        ));
                    }
                }
                _ => return Err(CommandError::Syntax),
            }
        }
        Ok(Failover { abort })
    }

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Err(CommandError::other(if self.abort {
            "ERR No failover in progress."
        } else {
            "ERR FAILOVER requires connected replicas."
        }))
    }
}

register_command!(Role, ReplicaOf, SlaveOf, Failover);
