//! MULTI/EXEC/DISCARD/WATCH/UNWATCH. The connection queues commands between
//! MULTI and EXEC and sends them as one request; the storage thread runs them
//! back to back in one transaction, so no other client's command interleaves.

mod multi;
mod watch;
