//! INCRBYFLOAT arithmetic as Redis does it on x86-64: `strtold` to parse, an
//! 80-bit x87 `long double` addition (64-bit mantissa, round half to even), and
//! `%.17Lf` with trailing zeros trimmed to print. An f64 cannot reproduce those
//! replies (`9223372036854775807` stays exact there; `0.1` plus an integer near
//! 2^62 keeps 20 digits), so the format is emulated exactly with big integers.

use std::cmp::Ordering;

/// Lowest bit an extended value can have (the smallest subnormal is 2^-16445).
const MIN_LSB: i64 = -16445;
/// Highest bit a finite extended value can have.
const MAX_MSB: i64 = 16383;
/// `strtold` input cap in Redis' `string2ld` (`MAX_LONG_DOUBLE_CHARS`).
const MAX_INPUT: usize = 5 * 1024;

/// A finite x87 extended value: `mant × 2^exp` (`mant == 0` is zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LongDouble {
    neg: bool,
    mant: u64,
    exp: i64,
}

/// What `strtold` accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed {
    Finite(LongDouble),
    /// `inf`, `-infinity`...: valid input, but no sum with it is finite.
    Infinite,
}

impl LongDouble {
    /// Parses as Redis' `string2ld`: no leading blank, nothing left over, NaN
    /// and out-of-range values (overflow, or underflow to zero) refused.
    pub fn parse(s: &[u8]) -> Option<Parsed> {
        if s.is_empty() || s.len() >= MAX_INPUT {
            return None;
        }
        let (neg, body) = match s[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let lower = body.to_ascii_lowercase();
        if lower == b"inf" || lower == b"infinity" {
            return Some(Parsed::Infinite);
        }
        let int_len = body.iter().take_while(|b| b.is_ascii_digit()).count();
        let (int, rest) = body.split_at(int_len);
        let (frac, rest) = match rest.split_first() {
            Some((b'.', after)) => {
                let n = after.iter().take_while(|b| b.is_ascii_digit()).count();
                after.split_at(n)
            }
            _ => (&rest[..0], rest),
        };
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let exp10 = match rest.split_first() {
            None => 0,
            Some((b'e' | b'E', digits)) => parse_exponent(digits)?,
            Some(_) => return None,
        };
        let mut digits = Big::zero();
        let mut count = 0i64;
        for &d in int.iter().chain(frac) {
            if count > 0 || d != b'0' {
                digits.mul_add_small(10, u32::from(d - b'0'));
                count += 1;
            }
        }
        if digits.is_zero() {
            return Some(Parsed::Finite(LongDouble {
                neg,
                mant: 0,
                exp: 0,
            }));
        }
        let k = exp10 - frac.len() as i64;
        // Far outside the extended range: ERANGE, which Redis refuses.
        let magnitude = count + k;
        if !(-4970..=4940).contains(&magnitude) {
            return None;
        }
        let rounded = if k >= 0 {
            round(neg, digits.mul(&Big::pow10(k as u64)), 0, false)
        } else {
            let divisor = Big::pow10((-k) as u64);
            // Enough quotient bits for a 64-bit mantissa plus rounding bits.
            let shift = (66 + divisor.bits()).saturating_sub(digits.bits());
            let (q, r) = digits.shl(shift).div_rem(&divisor);
            round(neg, q, -(shift as i64), !r.is_zero())
        };
        match rounded {
            Rounded::Finite(v) => Some(Parsed::Finite(v)),
            Rounded::Overflow | Rounded::Underflow => None,
        }
    }

    /// The x87 sum, `None` if it overflows to infinity.
    pub fn checked_add(self, other: LongDouble) -> Option<LongDouble> {
        if self.mant == 0 {
            return Some(other);
        }
        if other.mant == 0 {
            return Some(self);
        }
        let low = self.exp.min(other.exp);
        let a = Big::from_u64(self.mant).shl((self.exp - low) as u64);
        let b = Big::from_u64(other.mant).shl((other.exp - low) as u64);
        let (neg, sum) = if self.neg == other.neg {
            (self.neg, a.add(&b))
        } else {
            match a.cmp(&b) {
                Ordering::Equal => return Some(LongDouble::default()),
                Ordering::Greater => (self.neg, a.sub(&b)),
                Ordering::Less => (other.neg, b.sub(&a)),
            }
        };
        match round(neg, sum, low, false) {
            Rounded::Finite(v) => Some(v),
            Rounded::Overflow => None,
            Rounded::Underflow => Some(LongDouble::default()),
        }
    }

    /// `%.17Lf` with trailing zeros (and a bare `.`) trimmed, and `-0` as `0`:
    /// Redis' "human" long double format.
    pub fn to_human(self) -> String {
        let scaled = Big::from_u64(self.mant).mul(&Big::pow10(17));
        let fixed = if self.exp >= 0 {
            scaled.shl(self.exp as u64)
        } else {
            let shift = (-self.exp) as u64;
            let mut q = scaled.shr(shift);
            let half = scaled.bit(shift - 1);
            if half && (scaled.any_below(shift - 1) || q.bit(0)) {
                q = q.add(&Big::from_u64(1));
            }
            q
        };
        let mut digits = fixed.to_decimal();
        if digits.len() < 18 {
            digits = format!("{digits:0>18}");
        }
        let (int, frac) = digits.split_at(digits.len() - 17);
        let frac = frac.trim_end_matches('0');
        let mut out = String::with_capacity(digits.len() + 2);
        if self.neg && (int != "0" || !frac.is_empty()) {
            out.push('-');
        }
        out.push_str(int);
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
        out
    }
}

/// An exponent's digits (with optional sign), saturated far beyond any range.
fn parse_exponent(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = digits.iter().fold(0i64, |n, &d| {
        (n * 10 + i64::from(d - b'0')).min(1_000_000_000)
    });
    Some(if neg { -n } else { n })
}

enum Rounded {
    Finite(LongDouble),
    Overflow,
    Underflow,
}

/// Rounds `n × 2^exp` (plus a nonzero tail below it if `sticky`) to the nearest
/// extended value, ties to even.
fn round(neg: bool, n: Big, exp: i64, sticky: bool) -> Rounded {
    if n.is_zero() {
        return Rounded::Underflow;
    }
    let bits = n.bits() as i64;
    let lsb = (exp + bits - 64).max(MIN_LSB);
    let shift = lsb - exp;
    let (mant, lsb) = if shift <= 0 {
        (n.shl((-shift) as u64), lsb)
    } else {
        let shift = shift as u64;
        let mut q = n.shr(shift);
        let half = n.bit(shift - 1);
        if half && (sticky || n.any_below(shift - 1) || q.bit(0)) {
            q = q.add(&Big::from_u64(1));
        }
        if q.bits() > 64 {
            (q.shr(1), lsb + 1)
        } else {
            (q, lsb)
        }
    };
    if mant.is_zero() {
        return Rounded::Underflow;
    }
    if lsb + mant.bits() as i64 - 1 > MAX_MSB {
        return Rounded::Overflow;
    }
    Rounded::Finite(LongDouble {
        neg,
        mant: mant.to_u64(),
        exp: lsb,
    })
}

/// Unsigned big integer: little-endian 32-bit limbs, no leading zero limb.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn zero() -> Big {
        Big(Vec::new())
    }

    fn from_u64(n: u64) -> Big {
        Big(vec![n as u32, (n >> 32) as u32]).trimmed()
    }

    fn pow10(n: u64) -> Big {
        let mut b = Big::from_u64(1);
        for _ in 0..n / 9 {
            b.mul_add_small(1_000_000_000, 0);
        }
        b.mul_add_small(10u32.pow((n % 9) as u32), 0);
        b
    }

    fn trimmed(mut self) -> Big {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn bits(&self) -> u64 {
        self.0.last().map_or(0, |&top| {
            (self.0.len() as u64 - 1) * 32 + u64::from(32 - top.leading_zeros())
        })
    }

    fn bit(&self, i: u64) -> bool {
        self.0
            .get((i / 32) as usize)
            .is_some_and(|l| (l >> (i % 32)) & 1 == 1)
    }

    /// Is any bit below bit `i` set?
    fn any_below(&self, i: u64) -> bool {
        let limb = (i / 32) as usize;
        let mask = (1u32 << (i % 32)) - 1;
        self.0.iter().take(limb).any(|&l| l != 0) || self.0.get(limb).is_some_and(|l| l & mask != 0)
    }

    fn to_u64(&self) -> u64 {
        debug_assert!(self.bits() <= 64);
        self.0
            .iter()
            .take(2)
            .rev()
            .fold(0u64, |n, &l| (n << 32) | u64::from(l))
    }

    fn mul_add_small(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for l in &mut self.0 {
            let v = u64::from(*l) * u64::from(m) + carry;
            *l = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
        let trimmed = std::mem::take(self).trimmed();
        *self = trimmed;
    }

    fn mul(&self, other: &Big) -> Big {
        let mut out = vec![0u32; self.0.len() + other.0.len()];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in other.0.iter().enumerate() {
                let v = u64::from(a) * u64::from(b) + u64::from(out[i + j]) + carry;
                out[i + j] = v as u32;
                carry = v >> 32;
            }
            out[i + other.0.len()] = carry as u32;
        }
        Big(out).trimmed()
    }

    fn add(&self, other: &Big) -> Big {
        let len = self.0.len().max(other.0.len());
        let mut out = Vec::with_capacity(len + 1);
        let mut carry = 0u64;
        for i in 0..len {
            let v = u64::from(self.0.get(i).copied().unwrap_or(0))
                + u64::from(other.0.get(i).copied().unwrap_or(0))
                + carry;
            out.push(v as u32);
            carry = v >> 32;
        }
        out.push(carry as u32);
        Big(out).trimmed()
    }

    /// `self - other`; `self >= other`.
    fn sub(&self, other: &Big) -> Big {
        let mut out = Vec::with_capacity(self.0.len());
        let mut borrow = 0i64;
        for (i, &a) in self.0.iter().enumerate() {
            let mut v = i64::from(a) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(v < 0);
            if v < 0 {
                v += 1 << 32;
            }
            out.push(v as u32);
        }
        Big(out).trimmed()
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }

    fn shl(&self, n: u64) -> Big {
        let (limbs, bits) = ((n / 32) as usize, (n % 32) as u32);
        let mut out = vec![0u32; limbs];
        let mut carry = 0u32;
        for &l in &self.0 {
            out.push((l << bits) | carry);
            carry = if bits == 0 { 0 } else { l >> (32 - bits) };
        }
        out.push(carry);
        Big(out).trimmed()
    }

    fn shr(&self, n: u64) -> Big {
        let (limbs, bits) = ((n / 32) as usize, (n % 32) as u32);
        let src = self.0.get(limbs..).unwrap_or(&[]);
        let out = (0..src.len())
            .map(|i| {
                let high = match (bits, src.get(i + 1)) {
                    (0, _) | (_, None) => 0,
                    (_, Some(&h)) => h << (32 - bits),
                };
                (src[i] >> bits) | high
            })
            .collect();
        Big(out).trimmed()
    }

    /// Quotient and remainder, by shift-and-subtract: the quotients needed here
    /// are only ~70 bits long, however long the operands.
    fn div_rem(&self, divisor: &Big) -> (Big, Big) {
        let mut rem = self.clone();
        let mut quotient = Big::zero();
        if self.bits() < divisor.bits() {
            return (quotient, rem);
        }
        for i in (0..=self.bits() - divisor.bits()).rev() {
            let shifted = divisor.shl(i);
            if rem.cmp(&shifted) != Ordering::Less {
                rem = rem.sub(&shifted);
                quotient = quotient.add(&Big::from_u64(1).shl(i));
            }
        }
        (quotient, rem)
    }

    fn to_decimal(&self) -> String {
        let mut n = self.clone();
        let mut chunks = Vec::new();
        while !n.is_zero() {
            let mut rem = 0u64;
            for l in n.0.iter_mut().rev() {
                let v = (rem << 32) | u64::from(*l);
                *l = (v / 1_000_000_000) as u32;
                rem = v % 1_000_000_000;
            }
            n = n.trimmed();
            chunks.push(rem);
        }
        let mut out = chunks.pop().map_or("0".to_string(), |c| c.to_string());
        for c in chunks.iter().rev() {
            out.push_str(&format!("{c:09}"));
        }
        out
    }
}

impl Default for Big {
    fn default() -> Self {
        Big::zero()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(a: &str, b: &str) -> String {
        let (Some(Parsed::Finite(a)), Some(Parsed::Finite(b))) = (
            LongDouble::parse(a.as_bytes()),
            LongDouble::parse(b.as_bytes()),
        ) else {
            panic!("not finite: {a} {b}");
        };
        a.checked_add(b).expect("finite").to_human()
    }

    #[test]
    fn redis_replies() {
        // Replies of redis-server 7 on x86-64.
        assert_eq!(sum("10.50", "0.1"), "10.6");
        assert_eq!(sum("5.0e3", "2.0e2"), "5200");
        assert_eq!(sum("0.1", "0.2"), "0.3");
        assert_eq!(sum("9223372036854775807", "0.005"), "9223372036854775807");
        assert_eq!(sum("-9223372036854775807", "0.1"), "-9223372036854775807");
        assert_eq!(sum("1", "-1"), "0");
        assert_eq!(sum("-0.1", "0.05"), "-0.05");
        assert_eq!(sum("-1e-30", "0"), "0");
    }

    #[test]
    fn parsing_follows_strtold() {
        for ok in [
            "1", "+1", "-1.", ".5", "1e3", "1E-3", "0", "-0", "00012", "1e+2",
        ] {
            assert!(
                matches!(LongDouble::parse(ok.as_bytes()), Some(Parsed::Finite(_))),
                "{ok}"
            );
        }
        for inf in ["inf", "-INF", "Infinity"] {
            assert_eq!(LongDouble::parse(inf.as_bytes()), Some(Parsed::Infinite));
        }
        for bad in [
            "", " 1", "1 ", "nan", "1e", "e1", ".", "1.2.3", "abc", "1e99999", "1e-99999",
        ] {
            assert_eq!(LongDouble::parse(bad.as_bytes()), None, "{bad}");
        }
    }
}
