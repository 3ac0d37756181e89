//! One client connection: read what is buffered, parse every complete request,
//! send them to the storage thread as one batch, write all replies, flush once.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{oneshot, watch};

use super::Shared;
use crate::command::Session;
use crate::executor::{Job, Request};
use crate::protocol::{Reply, RequestParser};
use crate::pubsub::Mailbox;

/// Commands after which a batch ends (they change how later ones are checked
/// or encoded).
const ENDS_BATCH: [&str; 7] = [
    // Nothing after QUIT runs: the connection closes once its reply is out.
    "quit",
    "hello",
    "reset",
    "subscribe",
    "psubscribe",
    "unsubscribe",
    "punsubscribe",
];

/// Redis 7.0's reply (typo included) to a client refused by protected mode.
const PROTECTED_MODE_DENIED: &str = "-DENIED Redis is running in protected mode because \
protected mode is enabled and no password is set for the default user. In this mode \
connections are only accepted from the loopback interface. If you want to connect from \
external computers to Redis you may adopt one of the following solutions: 1) Just disable \
protected mode sending the command 'CONFIG SET protected-mode no' from the loopback \
interface by connecting to Redis from the same host the server is running, however MAKE \
SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to \
make this change permanent. 2) Alternatively you can just disable the protected mode by \
editing the Redis configuration file, and setting the protected mode option to 'no', and \
then restarting the server. 3) If you started the server manually just for testing, \
restart it with the '--protected-mode no' option. 4) Setup a an authentication password \
for the default user. NOTE: You only need to do one of the above things in order for the \
server to start accepting connections from the outside.\r\n";

/// Pub/sub messages encoded per write, at most (about).
const MESSAGES_PER_WRITE: usize = 256 * 1024;

/// Most requests sent to the storage thread as one batch; the rest of a deep
/// pipeline waits in the buffer for the next round.
const MAX_BATCH: usize = 1024;

/// How long a shutdown waits for a batch that is still running (a blocked
/// client's, typically) before closing its connection.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

pub(crate) async fn serve(
    mut socket: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    if shared.state.protected_refuses(peer) {
        // As Redis: explain, close, and count it as a rejected connection.
        crate::server::Stats::add(&shared.state.stats.rejected_connections, 1);
        tracing::warn!(%peer, "protected mode: refused a non-loopback client");
        let _ = socket.write_all(PROTECTED_MODE_DENIED.as_bytes()).await;
        let _ = socket.shutdown().await;
        return;
    }
    let laddr = socket
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let Some(client) = shared.client_connected(peer.to_string(), laddr) else {
        let _ = socket
            .write_all(b"-ERR max number of clients reached\r\n")
            .await;
        return;
    };
    let id = client.id;
    let _ = socket.set_nodelay(true);
    let mailbox = shared.state.pubsub.register(id, client.kill.clone());
    let mut conn = Connection {
        mailbox,
        multi: None,
        reported: (2, None, 0),
        authenticated: false,
        socket,
        shared: shared.clone(),
        session: Session {
            id,
            resp: 2,
            db: 0,
            peer: peer.to_string().into(),
            ..Session::default()
        },
        parser: RequestParser::new(shared.config.limits),
        input: BytesMut::with_capacity(16 * 1024),
        output: BytesMut::with_capacity(16 * 1024),
    };
    // CLIENT KILL notifies `kill`: the connection closes at once.
    tokio::select! {
        result = conn.run(&mut shutdown) => {
            if let Err(e) = result {
                tracing::debug!(client = id, error = %e, "connection closed");
            }
        }
        _ = client.kill.notified() => tracing::debug!(client = id, "killed"),
    }
    // Its waiters and watches go; a pending pop is skipped, never delivered.
    shared.storage.closed(id);
    shared.state.pubsub.unregister(id);
    shared.client_disconnected(id);
}

/// Commands queued since MULTI.
#[derive(Default)]
struct Multi {
    queued: Vec<(&'static crate::command::CommandEntry, Vec<bytes::Bytes>)>,
    /// A command was refused while queueing: EXEC answers EXECABORT.
    aborted: bool,
}

struct Connection {
    /// Pub/sub messages for this client, queued by the storage thread.
    mailbox: Arc<Mailbox>,
    multi: Option<Multi>,
    /// Protocol and name as last written to the client registry.
    reported: (u8, Option<bytes::Bytes>, u32),
    /// Once authenticated, always (as in Redis when requirepass is set later).
    authenticated: bool,
    socket: TcpStream,
    shared: Arc<Shared>,
    session: Session,
    parser: RequestParser,
    input: BytesMut,
    output: BytesMut,
}

impl Connection {
    async fn run(&mut self, shutdown: &mut watch::Receiver<bool>) -> std::io::Result<()> {
        loop {
            let mut requests = Vec::new();
            let mut fatal = None;
            let mut need_bytes = false;
            while requests.len() < MAX_BATCH {
                match self.parser.next(&mut self.input) {
                    Ok(Some(argv)) => {
                        let request = self.resolve(argv);
                        // A command that changes the protocol or subscribed
                        // mode ends the batch: what follows is resolved and
                        // encoded in the new state.
                        let ends_batch = matches!(
                            &request,
                            Request::Run { entry, .. } if ENDS_BATCH.contains(&entry.spec.name)
                        );
                        requests.push(request);
                        if ends_batch {
                            break;
                        }
                    }
                    Ok(None) => {
                        need_bytes = true;
                        break;
                    }
                    Err(e) => {
                        fatal = Some(Reply::error(e.message()));
                        break;
                    }
                }
            }
            if !requests.is_empty() {
                self.hold_password_guesses(&requests).await;
                self.execute(requests, shutdown).await?;
                if self.session.close_after_reply {
                    return self.socket.shutdown().await;
                }
                // More may have arrived while the batch ran: parse before reading.
                if fatal.is_none() {
                    continue;
                }
            }
            if let Some(err) = fatal {
                // Malformed input: answer, then close; the server serves on.
                err.encode(&mut self.output, self.session.resp == 3);
                self.flush().await?;
                return self.socket.shutdown().await;
            }
            if self.input.len() > self.shared.config.max_query_buffer {
                Reply::error("ERR Protocol error: client query buffer limit exceeded")
                    .encode(&mut self.output, false);
                self.flush().await?;
                return self.socket.shutdown().await;
            }
            if need_bytes {
                // Wait for the socket, unless shutting down: in-flight work is done.
                let stopping = *shutdown.borrow();
                if stopping {
                    return Ok(());
                }
                self.input.reserve(16 * 1024);
                // `timeout` (CONFIG SET timeout): close a client idle that long
                // (subscribers and monitors excepted, as in Redis).
                let idle = self
                    .shared
                    .state
                    .settings
                    .read()
                    .expect("settings lock")
                    .timeout;
                let idle = if idle == 0 || self.session.subscriptions > 0 || self.session.monitor {
                    std::time::Duration::MAX
                } else {
                    std::time::Duration::from_secs(idle)
                };
                tokio::select! {
                    _ = tokio::time::sleep(idle), if idle != std::time::Duration::MAX => {
                        tracing::debug!(client = self.session.id, "idle timeout");
                        return Ok(());
                    }
                    n = self.socket.read_buf(&mut self.input) => {
                        let n = n?;
                        if n == 0 {
                            return Ok(());
                        }
                        crate::server::Stats::add(&self.shared.state.stats.net_input_bytes, n as u64);
                    }
                    _ = super::stopped(shutdown) => return Ok(()),
                    _ = self.mailbox.ready.notified() => self.write_messages(shutdown).await?,
                }
            }
        }
    }

    /// Writes every queued pub/sub message, in chunks. A subscriber that
    /// stopped reading does not hold up a shutdown.
    async fn write_messages(
        &mut self,
        shutdown: &mut watch::Receiver<bool>,
    ) -> std::io::Result<()> {
        loop {
            let taken = self.encode_messages(u64::MAX);
            if taken == 0 {
                return Ok(());
            }
            tokio::select! {
                written = self.flush() => written?,
                _ = super::stopped(shutdown) => {
                    return Err(std::io::Error::other("shutting down with a stalled subscriber"));
                }
            }
            self.mailbox.written(taken);
        }
    }

    /// Encodes queued messages of commands numbered before `before` into the output
    /// buffer (about one chunk); returns their accounted bytes, to release
    /// with [`Mailbox::written`] once flushed.
    fn encode_messages(&mut self, before: u64) -> usize {
        let (messages, bytes) = self.mailbox.take(before, MESSAGES_PER_WRITE);
        let resp3 = self.session.resp == 3;
        let subscribed = self.session.subscriptions > 0;
        for m in &messages {
            m.encode(&mut self.output, resp3, subscribed);
        }
        bytes
    }

    /// A batch that checks a password waits first if this client's address
    /// has failed recently (AUTH rate limiting; only this connection waits).
    async fn hold_password_guesses(&self, requests: &[Request]) {
        let checks = |name: &str| matches!(name, "auth" | "hello");
        let checks_password = requests.iter().any(|r| match r {
            Request::Run { entry, .. } => checks(entry.spec.name),
            Request::Exec { commands, .. } => commands.iter().any(|(e, _)| checks(e.spec.name)),
            _ => false,
        });
        if !checks_password {
            return;
        }
        let Ok(peer) = self.session.peer.parse::<SocketAddr>() else {
            return;
        };
        let delay = self.shared.state.auth_delay(peer.ip());
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    }

    /// Looks the command up and checks arity here, off the storage thread, and
    /// keeps the MULTI queue: queued commands run as one EXEC request.
    fn resolve(&mut self, argv: Vec<bytes::Bytes>) -> Request {
        let entry = match self.shared.registry.resolve(&argv) {
            Ok(entry) => entry,
            Err(e) => {
                if let Some(multi) = &mut self.multi {
                    multi.aborted = true;
                }
                if matches!(&e, crate::command::CommandError::WrongArity(n) if n == "exec") {
                    // As Redis' execCommandAbort: the transaction is
                    // discarded, and MONITOR still shows the EXEC.
                    self.multi = None;
                    let line = format!(
                        "EXECABORT Transaction discarded because of: {}",
                        &e.to_string()[4..]
                    );
                    self.shared.state.stats.record_rejected("exec");
                    self.shared.state.stats.record_error(&line);
                    return Request::Shown {
                        reply: Reply::error(line),
                        argv,
                    };
                }
                let reply = e.to_reply();
                if let Reply::Error(line) = &reply {
                    self.shared.state.stats.record_error(line);
                }
                return Request::Reply(reply);
            }
        };
        if !self.authenticated && !entry.spec.flags.contains(crate::command::Flags::NO_AUTH) {
            self.authenticated = self.shared.state.is_authenticated(self.session.id);
            if self.authenticated {
                // Let through with no password required: it stays so if one is
                // set later (HELLO asks the shared state, not this flag).
                self.shared.state.update_client_meta(self.session.id, |m| {
                    m.user.get_or_insert_with(|| "default".into());
                });
            } else {
                if let Some(multi) = &mut self.multi {
                    multi.aborted = true;
                }
                // As Redis, a refused EXEC reads as an aborted transaction
                // (which MONITOR still shows).
                if entry.spec.name == "exec" {
                    self.multi = None;
                    return Request::Shown {
                        reply: Reply::error(
                            "EXECABORT Transaction discarded because of: NOAUTH Authentication required.",
                        ),
                        argv,
                    };
                }
                return Request::Reply(Reply::error("NOAUTH Authentication required."));
            }
        }
        let name = entry.spec.name;
        if self.session.subscriptions > 0
            && self.session.resp == 2
            && matches!(name, "multi" | "exec" | "discard")
        {
            // As Redis: subscribed RESP2 clients cannot use transactions (a
            // refused EXEC reads as an aborted one).
            let why = format!(
                "Can't execute '{name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
            );
            let line = if name == "exec" {
                format!("EXECABORT Transaction discarded because of: {why}")
            } else {
                format!("ERR {why}")
            };
            self.shared.state.stats.record_rejected(name);
            self.shared.state.stats.record_error(&line);
            if name == "exec" {
                self.multi = None;
                return Request::Shown {
                    reply: Reply::error(line),
                    argv,
                };
            }
            return Request::Reply(Reply::error(line));
        }
        if self.session.monitor && crate::monitor::refused_to_monitor(entry.spec, &argv) {
            if let Some(multi) = &mut self.multi {
                // Refused while queueing, as Redis refuses a replica's
                // keyspace commands (the storage thread refuses the others).
                multi.aborted = true;
                let line = crate::monitor::REPLICA_REFUSED;
                self.shared.state.stats.record_rejected(name);
                self.shared.state.stats.record_error(line);
                return Request::Reply(Reply::error(line));
            }
        }
        if self.shared.state.script_busy.is_busy() {
            if let Some(request) = self.while_busy(entry.spec.name, &argv) {
                return request;
            }
        }
        if name == "reset" {
            // RESET leaves MULTI and logs out (checked again on the next command).
            self.multi = None;
            self.authenticated = false;
        }
        match (&mut self.multi, entry.spec.name) {
            // Answered here; MONITOR still shows them, as Redis runs them.
            (None, "multi") => {
                self.multi = Some(Multi::default());
                Request::Shown {
                    reply: Reply::ok(),
                    argv,
                }
            }
            (None, "exec") => Request::Shown {
                reply: Reply::error("ERR EXEC without MULTI"),
                argv,
            },
            (None, "discard") => Request::Shown {
                reply: Reply::error("ERR DISCARD without MULTI"),
                argv,
            },
            (None, _) => Request::Run { entry, argv },
            (Some(_), "multi") => Request::Shown {
                reply: Reply::error("ERR MULTI calls can not be nested"),
                argv,
            },
            (Some(_), "watch") => Request::Shown {
                reply: Reply::error("ERR WATCH inside MULTI is not allowed"),
                argv,
            },
            (Some(_), "exec") => {
                let multi = self.multi.take().unwrap_or_default();
                Request::Exec {
                    commands: multi.queued,
                    aborted: multi.aborted,
                    argv,
                }
            }
            // DISCARD runs on the storage thread to drop the client's WATCHes.
            (Some(_), "discard") => {
                self.multi = None;
                Request::Run { entry, argv }
            }
            // SAVE and the like: refused, and the transaction with them.
            (Some(multi), name) if entry.spec.flags.contains(crate::command::Flags::NO_MULTI) => {
                multi.aborted = true;
                let line = "ERR Command not allowed inside a transaction";
                self.shared.state.stats.record_rejected(name);
                self.shared.state.stats.record_error(line);
                Request::Reply(Reply::error(line))
            }
            (Some(multi), _) => {
                multi.queued.push((entry, argv));
                Request::Reply(Reply::simple("QUEUED"))
            }
        }
    }

    /// A script runs past `busy-reply-threshold` on the storage thread:
    /// answers here what Redis answers from inside the script (BUSY, SCRIPT
    /// KILL, FUNCTION KILL); `None` lets the command queue behind the script.
    fn while_busy(&mut self, name: &str, argv: &[bytes::Bytes]) -> Option<Request> {
        let state = &self.shared.state;
        let reply = state.script_busy.answer(&state.script_stats, name, argv)?;
        if let Reply::Error(line) = &reply {
            if line.starts_with("BUSY") {
                self.shared.state.stats.record_rejected(name);
                self.shared.state.stats.record_error(line);
                if name == "exec" && self.multi.take().is_some() {
                    // As Redis' execCommandAbort: the transaction is gone.
                    let line = format!("EXECABORT Transaction discarded because of: {line}");
                    return Some(Request::Reply(Reply::error(line)));
                }
                if let Some(multi) = &mut self.multi {
                    multi.aborted = true;
                }
            }
        }
        Some(Request::Reply(reply))
    }

    async fn execute(
        &mut self,
        requests: Vec<Request>,
        shutdown: &mut watch::Receiver<bool>,
    ) -> std::io::Result<()> {
        let last = match requests.last() {
            Some(Request::Run { entry, .. }) => entry.spec.name,
            _ => "NULL",
        };
        // Set now, not when the batch returns: a blocked client shows its command.
        self.shared.state.with_client(self.session.id, |c| {
            c.last_command_at = std::time::Instant::now();
            c.last_command = last;
        });
        let (done, result) = oneshot::channel();
        // A script runs past busy-reply-threshold: answers decided here
        // (BUSY, SCRIPT KILL) go out now instead of queueing behind it.
        if self.shared.state.script_busy.is_busy()
            && requests.iter().all(|r| matches!(r, Request::Reply(_)))
        {
            let resp3 = self.session.resp == 3;
            for request in &requests {
                if let Request::Reply(reply) = request {
                    reply.encode(&mut self.output, resp3);
                }
            }
            return self.flush().await;
        }
        let may_block = requests.iter().any(|r| {
            matches!(r, Request::Run { entry, .. } if entry.spec.flags.contains(crate::command::Flags::BLOCKING))
        });
        let job = Job {
            requests,
            session: std::mem::take(&mut self.session),
            done,
        };
        if !self.shared.storage.submit(job) {
            return Err(std::io::Error::other("storage thread stopped"));
        }
        // While the reply is pending (a blocked BLPOP may wait long), keep
        // reading: a hang-up is noticed at once and drops the receiver, so the
        // storage thread skips this client instead of handing it an element.
        let mut result = result;
        let mut hung_up = false;
        let result = loop {
            let room = self.input.len() < self.shared.config.max_query_buffer;
            tokio::select! {
                biased;
                r = &mut result => {
                    break r.map_err(|_| std::io::Error::other("storage thread dropped the batch"))?;
                }
                // Shutting down: in-flight work finishes and is answered, but a
                // client blocked in BLPOP 0 would wait forever: after a grace,
                // leave (the storage thread then drops the waiter).
                _ = super::stopped(shutdown) => {
                    match tokio::time::timeout(SHUTDOWN_GRACE, &mut result).await {
                        Ok(r) => {
                            break r.map_err(|_| std::io::Error::other("storage thread dropped the batch"))?;
                        }
                        Err(_) => {
                            result.close();
                            return Err(std::io::Error::other("shutting down with a blocked client"));
                        }
                    }
                }
                n = self.socket.read_buf(&mut self.input), if room && !hung_up => {
                    if n? == 0 {
                        if may_block {
                            // Close the channel first: a send after this fails,
                            // and the storage thread gives popped elements back.
                            // A reply that already arrived is still written.
                            result.close();
                            if let Ok(done) = result.try_recv() {
                                let resp3 = done.session.resp == 3;
                                done.replies.iter().for_each(|r| r.encode(&mut self.output, resp3));
                                let _ = self.flush().await;
                            }
                            return Err(std::io::Error::other("client closed while blocked"));
                        }
                        // Otherwise the batch is answered, and what is left in
                        // the input after it: the peer may only have
                        // half-closed (`printf 'PING\r\n' | nc`), and Redis
                        // answers what it read before the end of the stream.
                        hung_up = true;
                    }
                }
            }
        };
        // The registry copy of resp/name/db changes only on HELLO, CLIENT
        // SETNAME, SELECT and RESET.
        let changed = result.session.resp != self.reported.0
            || result.session.name != self.reported.1
            || result.session.db != self.reported.2;
        self.session = result.session;
        if changed {
            self.reported = (
                self.session.resp,
                self.session.name.clone(),
                self.session.db,
            );
            let session = &self.session;
            self.shared.state.with_client(session.id, |c| {
                c.resp = session.resp;
                c.name = session.name.as_ref().map(|n| n.to_vec());
                c.db = session.db;
            });
        }
        let resp3 = self.session.resp == 3;
        if self.mailbox.is_empty() {
            // The common case: no pub/sub message to interleave.
            for reply in &result.replies {
                reply.encode(&mut self.output, resp3);
            }
            return self.flush().await;
        }
        // Each reply goes after the messages of the commands run before it
        // (and by its own command), as Redis' single output buffer orders
        // them; messages of later commands wait for the next write.
        let mut taken = 0;
        for (reply, mark) in result.replies.iter().zip(&result.marks) {
            loop {
                let n = self.encode_messages(mark + 1);
                if n == 0 {
                    break;
                }
                taken += n;
                if self.output.len() >= MESSAGES_PER_WRITE {
                    self.flush().await?;
                    self.mailbox.written(std::mem::take(&mut taken));
                }
            }
            reply.encode(&mut self.output, resp3);
        }
        self.flush().await?;
        self.mailbox.written(taken);
        Ok(())
    }

    async fn flush(&mut self) -> std::io::Result<()> {
        crate::server::Stats::add(
            &self.shared.state.stats.net_output_bytes,
            self.output.len() as u64,
        );
        self.socket.write_all(&self.output).await?;
        self.output.clear();
        // Do not keep a huge reply buffer around after one big reply.
        if self.output.capacity() > 1 << 20 {
            self.output = BytesMut::with_capacity(16 * 1024);
        }
        Ok(())
    }
}
