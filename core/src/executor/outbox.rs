//! How the storage thread hands replies back: one wake of the network runtime
//! per group, not one per client.
//!
//! Completing a client's oneshot from this thread schedules the waiting task
//! from outside the runtime, and Tokio's current-thread runtime then writes
//! its eventfd once per task: a syscall per reply, on the storage thread (a
//! consumer-group queue at 25+25 clients spent one `write(2)` per command on
//! it). Instead replies queue here; the storage thread wakes one courier task
//! when a group's replies are ready, and the courier completes them from
//! inside the runtime, where waking a task costs no syscall.
//!
//! A reply can find its client gone only when the courier sends it. What the
//! reply handed over (an element a blocking pop took) must not be lost then:
//! each reply carries its give-back, which the courier returns to the storage
//! thread (and wakes it) when the send fails.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use tokio::sync::{oneshot, Notify};

/// A reply, its client, and what to give back if the client is gone.
type Letter<T, U> = (oneshot::Sender<T>, T, U);

/// Replies waiting for the courier; `U` is a reply's give-back.
pub struct Outbox<T, U> {
    queue: Mutex<Vec<Letter<T, U>>>,
    /// Give-backs of replies whose client hung up before the courier came.
    returned: Mutex<Vec<U>>,
    notify: Notify,
    closed: AtomicBool,
}

impl<T, U> Default for Outbox<T, U> {
    fn default() -> Self {
        Outbox {
            queue: Mutex::new(Vec::new()),
            returned: Mutex::new(Vec::new()),
            notify: Notify::new(),
            closed: AtomicBool::new(false),
        }
    }
}

impl<T, U> Outbox<T, U> {
    /// Queues a reply for [`flush`](Self::flush) to send. If the client
    /// already hung up nothing is queued and its give-back comes back.
    pub fn post(&self, done: oneshot::Sender<T>, reply: T, give_back: U) -> Result<(), U> {
        if done.is_closed() {
            return Err(give_back);
        }
        self.queue
            .lock()
            .expect("outbox lock")
            .push((done, reply, give_back));
        Ok(())
    }

    /// Give-backs of replies the courier could not deliver.
    pub fn take_returned(&self) -> Vec<U> {
        std::mem::take(&mut *self.returned.lock().expect("outbox lock"))
    }

    /// Sends what was posted: wakes the courier if anything waits.
    pub fn flush(&self) {
        if !self.queue.lock().expect("outbox lock").is_empty() {
            self.notify.notify_one();
        }
    }

    /// The storage thread is gone: the courier sends what is left and stops.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.notify.notify_one();
    }

    /// The courier task, spawned on the server's runtime. `returned` wakes
    /// the storage thread when give-backs wait for it.
    pub async fn courier(self: std::sync::Arc<Self>, returned: impl Fn()) {
        loop {
            self.notify.notified().await;
            // Read before draining: once closed, nothing is posted after it.
            let closed = self.closed.load(Ordering::Acquire);
            let batch = std::mem::take(&mut *self.queue.lock().expect("outbox lock"));
            let mut undelivered = Vec::new();
            for (done, reply, give_back) in batch {
                if done.send(reply).is_err() {
                    undelivered.push(give_back);
                }
            }
            if !undelivered.is_empty() {
                self.returned
                    .lock()
                    .expect("outbox lock")
                    .extend(undelivered);
                returned();
            }
            if closed {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Replies posted from another thread in bursts all arrive, the ones
    /// posted before `close` included; a hung-up receiver is refused.
    #[tokio::test(flavor = "current_thread")]
    async fn every_posted_reply_arrives() {
        let outbox = Arc::new(Outbox::<u32, u32>::default());
        let courier = tokio::spawn(outbox.clone().courier(|| {}));
        let mut receivers = Vec::new();
        let mut senders = Vec::new();
        for _ in 0..1_000 {
            let (tx, rx) = oneshot::channel();
            senders.push(tx);
            receivers.push(rx);
        }
        let (gone, gone_rx) = oneshot::channel::<u32>();
        drop(gone_rx);
        let thread_outbox = outbox.clone();
        let poster = std::thread::spawn(move || {
            assert_eq!(
                thread_outbox.post(gone, 7, 70),
                Err(70),
                "a closed receiver is refused"
            );
            for (i, tx) in senders.into_iter().enumerate() {
                assert!(thread_outbox.post(tx, i as u32, 0).is_ok());
                if i % 10 == 9 {
                    thread_outbox.flush();
                }
            }
            thread_outbox.close();
        });
        for (i, rx) in receivers.into_iter().enumerate() {
            assert_eq!(rx.await.expect("reply delivered"), i as u32);
        }
        poster.join().unwrap();
        courier.await.unwrap();
        assert!(outbox.take_returned().is_empty());
    }

    /// A client that hangs up after its reply was posted gets its give-back
    /// returned, and the storage thread is woken for it.
    #[tokio::test(flavor = "current_thread")]
    async fn undelivered_replies_return_their_give_back() {
        let outbox = Arc::new(Outbox::<u32, u32>::default());
        let woken = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = woken.clone();
        let courier = tokio::spawn(
            outbox
                .clone()
                .courier(move || flag.store(true, Ordering::SeqCst)),
        );
        let (tx, rx) = oneshot::channel();
        assert!(outbox.post(tx, 1, 42).is_ok());
        drop(rx);
        outbox.flush();
        outbox.close();
        courier.await.unwrap();
        assert_eq!(outbox.take_returned(), vec![42]);
        assert!(woken.load(Ordering::SeqCst));
    }
}
