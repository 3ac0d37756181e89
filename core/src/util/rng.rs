//! xorshift64*: a tiny deterministic generator for what needs no secrecy
//! (RANDOMKEY and random picks, PFSELFTEST, the tests' random streams). One
//! copy, so every user draws the same sequence from the same seed.

#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    /// Starts from `seed` as given (0, where the generator would stay, is
    /// replaced by a fixed odd constant).
    pub fn new(seed: u64) -> XorShift {
        XorShift(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform enough below `n` (> 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_zero_is_not_stuck() {
        let (mut a, mut b) = (XorShift::new(42), XorShift::new(42));
        assert_eq!(a.next_u64(), b.next_u64());
        let mut z = XorShift::new(0);
        assert_ne!(z.next_u64(), z.next_u64());
        assert!((0..100).all(|_| a.below(7) < 7));
    }
}
