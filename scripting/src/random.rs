//! Redis' `redisLrand48`: the 48-bit linear congruential generator of
//! POSIX drand48, kept so a script's `math.random` gives Redis' sequence.
//! Hand-written: it is four lines, and no crate keeps this exact generator.

const A: u64 = 0x5_DEEC_E66D;
const C: u64 = 0xB;
const MASK: u64 = (1 << 48) - 1;
const MAX: u64 = i32::MAX as u64;

pub struct Rand48 {
    state: u64,
}

impl Default for Rand48 {
    /// Redis' initial state (X0..X2), the same on every start.
    fn default() -> Self {
        Rand48 {
            state: 0x1234_ABCD_330E,
        }
    }
}

impl Rand48 {
    pub fn seed(&mut self, seed: i32) {
        self.state = (u64::from(seed as u32) << 16) | 0x330E;
    }

    /// 31 bits, as lrand48.
    pub fn next_i32(&mut self) -> u64 {
        self.state = (A.wrapping_mul(self.state).wrapping_add(C)) & MASK;
        self.state >> 17
    }

    /// Redis' math.random() in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_i32() % MAX) as f64 / MAX as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_sequences_repeat() {
        let mut a = Rand48::default();
        let mut b = Rand48::default();
        a.seed(10);
        b.seed(10);
        assert_eq!(a.next_f64(), b.next_f64());
        b.seed(20);
        assert_ne!(a.next_f64(), b.next_f64());
    }
}
