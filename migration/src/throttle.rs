//! `--max-rps`: paces reads against the source. Adjustable while running.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

pub struct Throttle {
    /// Commands per second; 0 = unlimited.
    rate: AtomicU64,
    /// When the next command may be sent.
    next: Mutex<Instant>,
}

impl Throttle {
    pub fn new(rate: u64) -> Throttle {
        Throttle {
            rate: AtomicU64::new(rate),
            next: Mutex::new(Instant::now()),
        }
    }

    pub fn set_rate(&self, rate: u64) {
        self.rate.store(rate, Ordering::Relaxed);
    }

    pub fn rate(&self) -> u64 {
        self.rate.load(Ordering::Relaxed)
    }

    /// Waits until `n` more commands fit in the rate.
    pub async fn acquire(&self, n: u64) {
        let rate = self.rate();
        if rate == 0 {
            return;
        }
        let wait = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            // No credit is banked beyond now: an idle period does not allow a burst.
            let start = (*next).max(now);
            *next = start + Duration::from_secs_f64(n as f64 / rate as f64);
            start.saturating_duration_since(now)
        };
        if !wait.is_zero() {
            // Pacing, not synchronization: the wait is the rate limit itself.
            tokio::time::sleep(wait).await;
        }
    }
}
