//! Redis 7.0's HyperLogLog, byte for byte (a port of `hyperloglog.c`).
//!
//! A HyperLogLog is an ordinary string value: a 16-byte header (`"HYLL"`, an
//! encoding byte, three unused bytes, and the cached cardinality as a
//! little-endian `u64` whose top bit marks the cache stale) followed by 16384
//! six-bit registers, either *dense* (packed, 12288 bytes) or *sparse*
//! (run-length coded with the ZERO, XZERO and VAL opcodes). Every function
//! here produces exactly the bytes Redis stores, so values move freely
//! between resplite and Redis (GET/SET, DUMP/RESTORE, replication).
//!
//! Values are untrusted: any byte string may arrive through SET or RESTORE.
//! Nothing here panics or loops on bad input, and corrupt values get the
//! answers Redis gives them, including its fix for CVE-2025-32023 (a sparse
//! value is sound only if its opcodes cover exactly 16384 registers), which
//! upstream 6.2.19/7.2.10+ and Debian's 7.0.15 carry. One quirk is kept
//! within a command only: an XZERO cut short by the end of the value reads
//! the byte past the end, which Redis can leave non-zero across commands.
//!
//! The module is pure: no I/O, no configuration. Callers pass
//! `hll-sparse-max-bytes` in and store the returned bytes themselves.

use std::fmt;

/// Size of the header shared by both encodings.
pub const HDR_SIZE: usize = 16;
/// Number of registers (`2^14`).
pub const REGISTERS: usize = 1 << P;
/// Exact length of a dense value: header plus 16384 six-bit registers.
pub const DENSE_SIZE: usize = HDR_SIZE + (REGISTERS * BITS).div_ceil(8);
/// Redis' default for the `hll-sparse-max-bytes` config.
pub const DEFAULT_SPARSE_MAX_BYTES: usize = 3000;

const P: u32 = 14;
const Q: usize = 64 - P as usize;
const BITS: usize = 6;
const REGISTER_MAX: u8 = (1 << BITS) - 1;
const DENSE: u8 = 0;
const SPARSE: u8 = 1;
const MAX_ENCODING: u8 = SPARSE;
const HASH_SEED: u32 = 0xadc8_3b19;

const XZERO_BIT: u8 = 0x40;
const VAL_BIT: u8 = 0x80;
const SPARSE_VAL_MAX_VALUE: u8 = 32;
const SPARSE_VAL_MAX_LEN: usize = 4;
const SPARSE_ZERO_MAX_LEN: usize = 64;
const SPARSE_XZERO_MAX_LEN: usize = 16384;
/// `0.5 / ln(2)`, the estimator's constant, spelled as in Redis.
#[allow(clippy::excessive_precision)]
const ALPHA_INF: f64 = 0.721347520444481703680;

/// Why a value could not be used as a HyperLogLog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HllError {
    /// Not a HyperLogLog at all: short, wrong magic or encoding, or a dense
    /// value of the wrong length.
    NotHll,
    /// A sparse value whose opcodes do not cover exactly 16384 registers.
    Corrupt,
    /// PFDEBUG DECODE on a dense value.
    NotSparse,
}

impl HllError {
    /// The error reply Redis sends, without the leading `-`.
    pub fn message(self) -> &'static str {
        match self {
            HllError::NotHll => "WRONGTYPE Key is not a valid HyperLogLog string value.",
            HllError::Corrupt => "INVALIDOBJ Corrupted HLL object detected",
            HllError::NotSparse => "ERR HLL encoding is not sparse",
        }
    }
}

impl fmt::Display for HllError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for HllError {}

// ------------------------------------------------------------------------
// Hashing

/// MurmurHash2, 64-bit version, as Redis has it: 8-byte blocks are read
/// little-endian whatever the host, so the result is endian neutral.
pub fn murmurhash64a(key: &[u8], seed: u32) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    // Redis passes the length as an `int`; elements never come near 2 GiB.
    let mut h = u64::from(seed) ^ (key.len() as u64).wrapping_mul(M);
    let mut blocks = key.chunks_exact(8);
    for block in &mut blocks {
        let mut k = le_u64(block);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        h ^= le_u64(tail);
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// Up to 8 bytes as a little-endian integer.
fn le_u64(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rev()
        .fold(0, |acc, &b| (acc << 8) | u64::from(b))
}

/// `hllPatLen`: the register an element maps to, and the length of the
/// `000..1` run in the remaining hash bits (1 to 51).
pub fn pat_len(element: &[u8]) -> (usize, u8) {
    let hash = murmurhash64a(element, HASH_SEED);
    let index = (hash & (REGISTERS as u64 - 1)) as usize;
    // The sentinel bit bounds the run at Q + 1.
    let rest = (hash >> P) | (1u64 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

// ------------------------------------------------------------------------
// Header

/// `createHLLObject`: an empty sparse HyperLogLog with a valid cached
/// cardinality of 0, the value PFADD and PFMERGE start a new key from.
pub fn new_sparse() -> Vec<u8> {
    let mut v = Vec::with_capacity(HDR_SIZE + 2);
    v.extend_from_slice(b"HYLL");
    v.push(SPARSE);
    v.extend_from_slice(&[0; 11]);
    let mut left = REGISTERS;
    while left > 0 {
        let run = left.min(SPARSE_XZERO_MAX_LEN);
        v.extend_from_slice(&xzero(run));
        left -= run;
    }
    v
}

/// `isHLLObjectOrReply` for a string value: the header is sound and a dense
/// value has exactly the dense length. Sparse opcodes are not checked here.
pub fn validate(v: &[u8]) -> Result<(), HllError> {
    let ok = v.len() >= HDR_SIZE
        && v.starts_with(b"HYLL")
        && v[4] <= MAX_ENCODING
        && (v[4] != DENSE || v.len() == DENSE_SIZE);
    if ok {
        Ok(())
    } else {
        Err(HllError::NotHll)
    }
}

/// Whether a value uses the sparse encoding (meaningful once validated).
pub fn is_sparse(v: &[u8]) -> bool {
    v.get(4) == Some(&SPARSE)
}

/// PFDEBUG ENCODING's reply: `"sparse"` or `"dense"`.
pub fn encoding(v: &[u8]) -> Result<&'static str, HllError> {
    validate(v)?;
    Ok(if is_sparse(v) { "sparse" } else { "dense" })
}

/// Marks the cached cardinality stale (sets the top bit of its last byte),
/// leaving its other bits alone as Redis does.
pub fn invalidate_cache(v: &mut [u8]) {
    if let Some(b) = v.get_mut(15) {
        *b |= 0x80;
    }
}

fn cache_valid(v: &[u8]) -> bool {
    v.get(15).is_some_and(|b| b & 0x80 == 0)
}

fn cached_card(v: &[u8]) -> u64 {
    v.get(8..HDR_SIZE).map_or(0, le_u64)
}

// ------------------------------------------------------------------------
// Dense registers: 6 bits each, packed from the least significant bit up.

fn dense_get(regs: &[u8], index: usize) -> u8 {
    let byte = index * BITS / 8;
    let fb = (index * BITS) & 7;
    // The last register reads one byte past the array: Redis' NUL terminator.
    let b0 = u32::from(regs.get(byte).copied().unwrap_or(0));
    let b1 = u32::from(regs.get(byte + 1).copied().unwrap_or(0));
    (((b0 >> fb) | (b1 << (8 - fb))) & u32::from(REGISTER_MAX)) as u8
}

fn dense_put(regs: &mut [u8], index: usize, val: u8) {
    let byte = index * BITS / 8;
    let fb = (index * BITS) & 7;
    let max = u32::from(REGISTER_MAX);
    let val = u32::from(val);
    if let Some(b) = regs.get_mut(byte) {
        *b &= !(max << fb) as u8;
        *b |= (val << fb) as u8;
    }
    if let Some(b) = regs.get_mut(byte + 1) {
        *b &= !(max >> (8 - fb)) as u8;
        *b |= (val >> (8 - fb)) as u8;
    }
}

/// `hllDenseSet`: raises a register to `count`; true if it changed.
fn dense_set(regs: &mut [u8], index: usize, count: u8) -> bool {
    if count > dense_get(regs, index) {
        dense_put(regs, index, count);
        true
    } else {
        false
    }
}

// ------------------------------------------------------------------------
// Sparse opcodes

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    /// `00xxxxxx`: 1 to 64 zero registers.
    Zero(usize),
    /// `01xxxxxx yyyyyyyy`: 1 to 16384 zero registers.
    XZero(usize),
    /// `1vvvvvxx`: 1 to 4 registers of value 1 to 32.
    Val { value: u8, len: usize },
}

impl Op {
    fn span(self) -> usize {
        match self {
            Op::Zero(n) | Op::XZero(n) => n,
            Op::Val { len, .. } => len,
        }
    }
}

fn is_xzero(b: u8) -> bool {
    b & 0xc0 == XZERO_BIT
}

fn is_zero(b: u8) -> bool {
    b & 0xc0 == 0
}

fn val_value(b: u8) -> u8 {
    ((b >> 2) & 0x1f) + 1
}

fn val_len(b: u8) -> usize {
    usize::from(b & 0x3) + 1
}

/// The opcode at `p` (which must be in bounds) and its length in bytes.
///
/// An XZERO cut short by the end of the value takes its second byte from
/// `past_end`: the byte Redis keeps after the string (its NUL terminator,
/// zero except within a command that has split such an XZERO).
fn op_at(v: &[u8], p: usize, past_end: u8) -> (Op, usize) {
    let b = v.get(p).copied().unwrap_or(0);
    if is_zero(b) {
        (Op::Zero(usize::from(b & 0x3f) + 1), 1)
    } else if is_xzero(b) {
        let lo = v.get(p + 1).copied().unwrap_or(past_end);
        let n = (usize::from(b & 0x3f) << 8 | usize::from(lo)) + 1;
        (Op::XZero(n), 2)
    } else {
        let op = Op::Val {
            value: val_value(b),
            len: val_len(b),
        };
        (op, 1)
    }
}

/// A VAL opcode byte; `value` is 1..=32 and `len` 1..=4.
fn val(value: u8, len: usize) -> u8 {
    ((value.wrapping_sub(1) << 2) | (len.wrapping_sub(1) as u8 & 0x3)) | VAL_BIT
}

/// An XZERO opcode for `len` (1..=16384) zero registers.
fn xzero(len: usize) -> [u8; 2] {
    let l = len.wrapping_sub(1);
    [((l >> 8) as u8 & 0x3f) | XZERO_BIT, (l & 0xff) as u8]
}

/// Visits the opcodes of a sparse value in order (past the header).
fn sparse_ops(v: &[u8], past_end: u8) -> impl Iterator<Item = Op> + '_ {
    let mut p = HDR_SIZE;
    std::iter::from_fn(move || {
        if p >= v.len() {
            return None;
        }
        let (op, oplen) = op_at(v, p, past_end);
        p += oplen;
        Some(op)
    })
}

/// Replays a sparse value's VAL runs into `put(register, value)` the way
/// `hllSparseToDense` and `hllMerge` do. The value is sound only if its
/// opcodes cover exactly 16384 registers; the scan stops at the first opcode
/// that would pass the last register (the CVE-2025-32023 fix, which every
/// maintained Redis and Debian's 7.0.15 carry).
fn replay_sparse(v: &[u8], past_end: u8, mut put: impl FnMut(usize, u8)) -> Result<(), HllError> {
    let mut idx = 0usize;
    for op in sparse_ops(v, past_end) {
        let span = op.span();
        if idx + span > REGISTERS {
            return Err(HllError::Corrupt);
        }
        if let Op::Val { value, len } = op {
            for i in idx..idx + len {
                put(i, value);
            }
        }
        idx += span;
    }
    if idx == REGISTERS {
        Ok(())
    } else {
        Err(HllError::Corrupt)
    }
}

/// `hllSparseToDense`: the dense form of a sparse value, keeping its header
/// (cached cardinality and unused bytes included).
fn sparse_to_dense(v: &[u8], past_end: u8) -> Result<Vec<u8>, HllError> {
    let mut dense = vec![0u8; DENSE_SIZE];
    let header = v.get(..HDR_SIZE).ok_or(HllError::NotHll)?;
    dense[..HDR_SIZE].copy_from_slice(header);
    dense[4] = DENSE;
    let regs = &mut dense[HDR_SIZE..];
    replay_sparse(v, past_end, |i, value| dense_put(regs, i, value))?;
    Ok(dense)
}

/// A value being updated by one command, with the byte Redis keeps just
/// past its end (see [`op_at`]). Values come from the keyspace with a zero
/// there.
struct Editing<'a> {
    v: &'a mut Vec<u8>,
    past_end: u8,
}

impl<'a> Editing<'a> {
    fn new(v: &'a mut Vec<u8>) -> Self {
        Editing { v, past_end: 0 }
    }

    /// Raises register `index` to `count` whatever the encoding; true if it
    /// changed.
    fn set(&mut self, index: usize, count: u8, sparse_max_bytes: usize) -> Result<bool, HllError> {
        if is_sparse(self.v) {
            self.sparse_set(index, count, sparse_max_bytes)
        } else {
            let regs = self.v.get_mut(HDR_SIZE..).unwrap_or_default();
            Ok(dense_set(regs, index, count))
        }
    }

    /// Turns the value dense, then raises `index` to `count`.
    fn promote(&mut self, index: usize, count: u8) -> Result<bool, HllError> {
        let mut dense = sparse_to_dense(self.v, self.past_end)?;
        // Redis asserts this changes the register; it always does, as
        // promotion only happens on the way to an update.
        dense_set(&mut dense[HDR_SIZE..], index, count);
        *self.v = dense;
        self.past_end = 0;
        Ok(true)
    }

    /// `hllSparseSet`: raises register `index` to `count` in a sparse value,
    /// splitting the opcode that covers it, or promotes the value to dense
    /// when `count` exceeds 32 or the grown value would pass
    /// `sparse_max_bytes`. Returns whether the register changed; `Corrupt`
    /// if no opcode covers it.
    fn sparse_set(
        &mut self,
        index: usize,
        count: u8,
        sparse_max_bytes: usize,
    ) -> Result<bool, HllError> {
        if count > SPARSE_VAL_MAX_VALUE {
            return self.promote(index, count);
        }

        // Step 1: find the opcode covering `index`.
        let end = self.v.len();
        let mut p = HDR_SIZE;
        let mut first = 0usize;
        let mut prev = None;
        let mut found = None;
        while p < end {
            let (op, oplen) = op_at(self.v, p, self.past_end);
            if index < first + op.span() {
                found = Some((op, oplen));
                break;
            }
            prev = Some(p);
            p += oplen;
            first += op.span();
        }
        let Some((op, oldlen)) = found else {
            return Err(HllError::Corrupt);
        };

        // Step 2: the trivial in-place cases.
        match op {
            Op::Val { value, .. } if value >= count => return Ok(false),
            Op::Val { len: 1, .. } | Op::Zero(1) => {
                self.v[p] = val(count, 1);
                self.merge_adjacent_vals(prev);
                return Ok(true);
            }
            _ => {}
        }

        // The general case: split the opcode into up to three.
        let last = first + op.span() - 1;
        let mut seq = Vec::with_capacity(5);
        match op {
            Op::Val { value: cur, .. } => {
                if index != first {
                    seq.push(val(cur, index - first));
                }
                seq.push(val(count, 1));
                if index != last {
                    seq.push(val(cur, last - index));
                }
            }
            Op::Zero(_) | Op::XZero(_) => {
                if index != first {
                    push_zeros(&mut seq, index - first);
                }
                seq.push(val(count, 1));
                if index != last {
                    push_zeros(&mut seq, last - index);
                }
            }
        }

        // Step 3: splice it in, unless growing would pass the size limit.
        let new_len = end + seq.len() - oldlen;
        if seq.len() > oldlen && new_len > sparse_max_bytes {
            return self.promote(index, count);
        }
        // An XZERO cut short by the end of the value has one byte to
        // replace, not two: Redis then writes the sequence's last byte just
        // past the new end, where the next update of this command reads it.
        let old_end = (p + oldlen).min(end);
        self.v.splice(p..old_end, seq);
        self.past_end = self.v.get(new_len).copied().unwrap_or(0);
        self.v.truncate(new_len);

        self.merge_adjacent_vals(prev);
        Ok(true)
    }

    /// Step 4 of `hllSparseSet`: over up to five opcodes from `prev` (or the
    /// first), fuse adjacent VALs of equal value whose lengths fit one
    /// opcode. Also marks the cache stale, as every sparse update does.
    fn merge_adjacent_vals(&mut self, prev: Option<usize>) {
        let v = &mut *self.v;
        let mut p = prev.unwrap_or(HDR_SIZE);
        let mut scan = 5;
        while p < v.len() && scan > 0 {
            scan -= 1;
            let b = v[p];
            if is_xzero(b) {
                p += 2;
                continue;
            }
            if is_zero(b) {
                p += 1;
                continue;
            }
            if let Some(&next) = v.get(p + 1) {
                if next & VAL_BIT != 0 && val_value(b) == val_value(next) {
                    let len = val_len(b) + val_len(next);
                    if len <= SPARSE_VAL_MAX_LEN {
                        v[p + 1] = val(val_value(b), len);
                        v.remove(p);
                        // Shrinking rewrites the terminator.
                        self.past_end = 0;
                        // Stay put: the fused VAL may fuse again.
                        continue;
                    }
                }
            }
            p += 1;
        }
        invalidate_cache(v);
    }
}

/// Appends a zero run of `len` (1..=16383) as ZERO or XZERO.
fn push_zeros(seq: &mut Vec<u8>, len: usize) {
    if len > SPARSE_ZERO_MAX_LEN {
        seq.extend_from_slice(&xzero(len));
    } else {
        seq.push((len - 1) as u8);
    }
}

// ------------------------------------------------------------------------
// Cardinality

/// A histogram of register values (`reghisto`).
type Histogram = [u64; 64];

fn dense_histogram(regs: &[u8]) -> Histogram {
    let mut h = [0u64; 64];
    for i in 0..REGISTERS {
        h[usize::from(dense_get(regs, i) & REGISTER_MAX)] += 1;
    }
    h
}

/// `hllSparseRegHisto`; `None` unless the runs cover exactly 16384
/// registers (checked as in [`replay_sparse`]).
fn sparse_histogram(v: &[u8]) -> Option<Histogram> {
    let mut h = [0u64; 64];
    replay_sparse(v, 0, |_, value| h[usize::from(value & REGISTER_MAX)] += 1).ok()?;
    // Zero runs are not replayed: every register not counted is zero.
    h[0] = REGISTERS as u64 - h[1..].iter().sum::<u64>();
    Some(h)
}

/// Ertl's sigma (arXiv:1702.01284), as Redis computes it.
fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let z_prev = z;
        z += x * y;
        y += y;
        if z_prev == z {
            return z;
        }
    }
}

/// Ertl's tau (arXiv:1702.01284), as Redis computes it.
fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let z_prev = z;
        y *= 0.5;
        // Redis writes pow(1 - x, 2), which compilers turn into this exact
        // product.
        let d = 1.0 - x;
        z -= d * d * y;
        if z_prev == z {
            return z / 3.0;
        }
    }
}

/// The estimator of `hllCount`, from a histogram covering 16384 registers.
fn estimate(h: &Histogram) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - h[Q + 1] as f64) / m);
    for j in (1..=Q).rev() {
        z += h[j] as f64;
        z *= 0.5;
    }
    z += m * sigma(h[0] as f64 / m);
    llround(ALPHA_INF * m * m / z)
}

/// `(uint64_t)(double)llroundl(x)` as Redis evaluates it on x86-64: out of
/// range (z = 0 when every register is above 50) gives `i64::MIN`, which
/// Redis then caches as 2^63 and replies as -9223372036854775808.
fn llround(x: f64) -> u64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    let r = if x.is_nan() || !(-LIMIT..LIMIT).contains(&x) {
        i64::MIN
    } else {
        x.round() as i64
    };
    r as u64
}

/// PFCOUNT on one key. A valid cached cardinality is returned as is;
/// otherwise it is computed and cached in `v`, and the `true` tells the
/// caller to store `v` back (Redis counts that as a write and propagates
/// it). Redis replies with the result cast to a signed integer.
pub fn count(v: &mut [u8]) -> Result<(u64, bool), HllError> {
    validate(v)?;
    if cache_valid(v) {
        return Ok((cached_card(v), false));
    }
    let h = if is_sparse(v) {
        sparse_histogram(v).ok_or(HllError::Corrupt)?
    } else {
        dense_histogram(&v[HDR_SIZE..])
    };
    let card = estimate(&h);
    v[8..HDR_SIZE].copy_from_slice(&card.to_le_bytes());
    Ok((card, true))
}

// ------------------------------------------------------------------------
// Union (multi-key PFCOUNT, PFMERGE)

/// The register-wise maximum of several HyperLogLogs (Redis' `HLL_RAW`
/// buffer). Feed it the values in key order with [`Union::add`]; missing
/// keys are skipped, as Redis treats them as empty.
#[derive(Clone)]
pub struct Union {
    max: Vec<u8>,
    any_dense: bool,
}

impl Default for Union {
    fn default() -> Self {
        Self::new()
    }
}

impl Union {
    /// An empty union.
    pub fn new() -> Self {
        Union {
            max: vec![0; REGISTERS],
            any_dense: false,
        }
    }

    /// Validates one value and merges its registers in (`hllMerge`). On
    /// error Redis replies with it at once, ignoring the remaining keys.
    pub fn add(&mut self, v: &[u8]) -> Result<(), HllError> {
        validate(v)?;
        if is_sparse(v) {
            let max = &mut self.max;
            replay_sparse(v, 0, |i, value| {
                if let Some(m) = max.get_mut(i) {
                    *m = (*m).max(value);
                }
            })
        } else {
            self.any_dense = true;
            let regs = &v[HDR_SIZE..];
            for (i, m) in self.max.iter_mut().enumerate() {
                *m = (*m).max(dense_get(regs, i));
            }
            Ok(())
        }
    }

    /// The union's cardinality (multi-key PFCOUNT).
    pub fn count(&self) -> u64 {
        let mut h = [0u64; 64];
        for &r in &self.max {
            h[usize::from(r & REGISTER_MAX)] += 1;
        }
        estimate(&h)
    }

    /// The bytes PFMERGE stores: the destination's current value (or a new
    /// sparse one), turned dense if any merged value was dense, with every
    /// register raised to the union's and the cache marked stale. The
    /// destination must have been merged in first (it is PFMERGE's first
    /// source); its header bytes, stale cardinality included, are kept.
    pub fn store_into(
        &self,
        dest: Option<&[u8]>,
        sparse_max_bytes: usize,
    ) -> Result<Vec<u8>, HllError> {
        let mut v = match dest {
            Some(d) => {
                validate(d)?;
                d.to_vec()
            }
            None => new_sparse(),
        };
        if self.any_dense && is_sparse(&v) {
            v = sparse_to_dense(&v, 0)?;
        }
        let mut editing = Editing::new(&mut v);
        for (j, &m) in self.max.iter().enumerate() {
            if m != 0 {
                // Redis ignores the result: the destination was validated
                // when merged, so this cannot fail.
                let _ = editing.set(j, m, sparse_max_bytes);
            }
        }
        invalidate_cache(&mut v);
        Ok(v)
    }
}

/// Multi-key PFCOUNT: the cardinality of the union of the existing keys'
/// values, in key order. Nothing is written. PFCOUNT with a single key
/// argument uses [`count`] instead, even when that key is missing. (The
/// commands use [`Union`] to check keys one by one, in Redis' order.)
#[cfg(test)]
pub fn count_union(values: &[&[u8]]) -> Result<u64, HllError> {
    let mut union = Union::new();
    for v in values {
        union.add(v)?;
    }
    Ok(union.count())
}

/// PFMERGE: the bytes to store under the destination. `dest` is its current
/// value (`None` if missing) and is merged first, as Redis counts it among
/// the sources; `sources` are the existing source values in key order.
#[cfg(test)]
pub fn merge(
    dest: Option<&[u8]>,
    sources: &[&[u8]],
    sparse_max_bytes: usize,
) -> Result<Vec<u8>, HllError> {
    let mut union = Union::new();
    for v in dest.iter().chain(sources) {
        union.add(v)?;
    }
    union.store_into(dest, sparse_max_bytes)
}

// ------------------------------------------------------------------------
// PFADD

/// Adds one element in place (`hllAdd`), validating `v` first. Returns
/// whether a register changed; if so the cache is marked stale, as PFADD
/// does. A sparse value may be promoted to dense on the way.
pub fn add(v: &mut Vec<u8>, element: &[u8], sparse_max_bytes: usize) -> Result<bool, HllError> {
    add_to(&mut Editing::new(v), element, sparse_max_bytes)
}

fn add_to(e: &mut Editing, element: &[u8], sparse_max_bytes: usize) -> Result<bool, HllError> {
    validate(e.v)?;
    let (index, count) = pat_len(element);
    let changed = e.set(index, count, sparse_max_bytes)?;
    if changed {
        invalidate_cache(e.v);
    }
    Ok(changed)
}

/// What PFADD does to a key: see [`pfadd`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PfaddOutcome {
    /// The new value to store, or `None` to leave the key as it was.
    pub store: Option<Vec<u8>>,
    /// The reply: `Ok(true)` is `:1`, `Ok(false)` is `:0`.
    pub reply: Result<bool, HllError>,
}

/// PFADD as a whole. A missing key (`None`) is created even with no
/// elements, and the reply is then 1. When `reply` is `Ok(true)` the caller
/// stores `store`, signals the key and propagates. On an error after some
/// elements changed a corrupt sparse value, Redis keeps those changes in
/// memory without propagating them; `store` carries them for callers that
/// want to match that.
pub fn pfadd(current: Option<&[u8]>, elements: &[&[u8]], sparse_max_bytes: usize) -> PfaddOutcome {
    let (mut v, mut updated) = match current {
        None => (new_sparse(), true),
        Some(cur) => {
            if let Err(e) = validate(cur) {
                return PfaddOutcome {
                    store: None,
                    reply: Err(e),
                };
            }
            (cur.to_vec(), false)
        }
    };
    // One editing session for all elements, as Redis updates one string.
    let mut editing = Editing::new(&mut v);
    let mut failed = None;
    for element in elements {
        match add_to(&mut editing, element, sparse_max_bytes) {
            Ok(changed) => updated |= changed,
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    if let Some(e) = failed {
        return PfaddOutcome {
            store: updated.then_some(v),
            reply: Err(e),
        };
    }
    if !updated {
        return PfaddOutcome {
            store: None,
            reply: Ok(false),
        };
    }
    invalidate_cache(&mut v);
    PfaddOutcome {
        store: Some(v),
        reply: Ok(true),
    }
}

// ------------------------------------------------------------------------
// PFDEBUG

/// PFDEBUG TODENSE: converts a sparse value to dense in place. Returns
/// whether it converted (the reply, 1 or 0); if so the caller stores `v`
/// and propagates it.
pub fn to_dense(v: &mut Vec<u8>) -> Result<bool, HllError> {
    validate(v)?;
    if !is_sparse(v) {
        return Ok(false);
    }
    *v = sparse_to_dense(v, 0)?;
    Ok(true)
}

/// PFDEBUG GETREG: the 16384 register values. Like Redis, a sparse value is
/// first converted to dense in place; the `true` then tells the caller to
/// store `v` and propagate it.
pub fn getreg(v: &mut Vec<u8>) -> Result<(Vec<u8>, bool), HllError> {
    let converted = to_dense(v)?;
    let regs = &v[HDR_SIZE..];
    let values = (0..REGISTERS).map(|i| dense_get(regs, i)).collect();
    Ok((values, converted))
}

/// PFDEBUG DECODE: a sparse value's opcodes as `Z:n` (XZERO), `z:n` (ZERO)
/// and `v:value,len` (VAL), space separated. The opcodes are listed as they
/// are, even when they do not add up to 16384 registers.
pub fn decode_sparse(v: &[u8]) -> Result<String, HllError> {
    validate(v)?;
    if !is_sparse(v) {
        return Err(HllError::NotSparse);
    }
    let ops: Vec<String> = sparse_ops(v, 0)
        .map(|op| match op {
            Op::Zero(n) => format!("z:{n}"),
            Op::XZero(n) => format!("Z:{n}"),
            Op::Val { value, len } => format!("v:{value},{len}"),
        })
        .collect();
    Ok(ops.join(" "))
}

// ------------------------------------------------------------------------
// PFSELFTEST

/// PFSELFTEST: checks dense register access on random values, then adds
/// 10 million elements to a dense and a sparse HyperLogLog side by side,
/// checking at 1, 10, 100, ... that sparse stays sparse while small, that
/// both agree, and that the error is within bounds. `Err` carries the
/// `TESTFAILED ...` reply. `seed` stands in for Redis' `rand()`.
pub fn selftest(sparse_max_bytes: usize, seed: u64) -> Result<(), String> {
    selftest_with(sparse_max_bytes, seed, 1000, 10_000_000)
}

fn selftest_with(
    sparse_max_bytes: usize,
    seed: u64,
    cycles: usize,
    elements: u64,
) -> Result<(), String> {
    let mut rng = resplite_core::util::rng::XorShift::new(seed | 1);
    let mut next = move || rng.next_u64();

    // Test 1: registers keep their values and do not disturb neighbours.
    let mut regs = vec![0u8; DENSE_SIZE - HDR_SIZE];
    let mut expect = vec![0u8; REGISTERS];
    for _ in 0..cycles {
        for (i, e) in expect.iter_mut().enumerate() {
            *e = (next() >> 32) as u8 & REGISTER_MAX;
            dense_put(&mut regs, i, *e);
        }
        for (i, &e) in expect.iter().enumerate() {
            let got = dense_get(&regs, i);
            if got != e {
                return Err(format!(
                    "TESTFAILED Register {i} should be {e} but is {got}"
                ));
            }
        }
    }

    // Test 2: approximation error, dense and sparse side by side.
    let mut dense = vec![0u8; DENSE_SIZE];
    dense[..4].copy_from_slice(b"HYLL");
    let mut sparse = new_sparse();
    let relerr = 1.04 / (REGISTERS as f64).sqrt();
    let ele_seed = next();
    let mut checkpoint = 1u64;
    let count_of = |v: &[u8]| {
        let h = if is_sparse(v) {
            sparse_histogram(v).unwrap_or([0; 64])
        } else {
            dense_histogram(&v[HDR_SIZE..])
        };
        estimate(&h)
    };
    for j in 1..=elements {
        let ele = (j ^ ele_seed).to_le_bytes();
        let (index, count) = pat_len(&ele);
        dense_set(&mut dense[HDR_SIZE..], index, count);
        add(&mut sparse, &ele, sparse_max_bytes).map_err(|e| e.to_string())?;
        if j != checkpoint {
            continue;
        }
        if j < (sparse_max_bytes / 2) as u64 && !is_sparse(&sparse) {
            return Err("TESTFAILED sparse encoding not used".into());
        }
        let card = count_of(&dense);
        if card != count_of(&sparse) {
            return Err("TESTFAILED dense/sparse disagree".into());
        }
        let abserr = checkpoint.abs_diff(card);
        let maxerr = if j == 10 {
            1
        } else {
            (relerr * 6.0 * checkpoint as f64).ceil() as u64
        };
        if abserr > maxerr {
            return Err(format!(
                "TESTFAILED Too big error. card:{checkpoint} abserr:{abserr}"
            ));
        }
        checkpoint *= 10;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Goldens from redis-server 7.0.15 (Debian 7.0.15-1~deb12u10): values
    // read back with GET after the commands named in each test.
    const ABC: &str = "48594c4c01000000000000000000008060f38050b1844bfb80425a";
    const ABC_COUNTED: &str = "48594c4c01000000030000000000000060f38050b1844bfb80425a";
    const S100: &str = "48594c4c01000000000000000000008036843c8040a9a40e88409084406c9c048840e28041358840d380411d8840898041168c419080098040e08040948041578440a280408384405d8440e1844199844081803c844047840780404e80408f840984405184268441258440d38042638040a280404b8c406f80420b8c41798041478041638040668440f98c0184218811804182844062803088407984228040de8440d3884045800a88420090118440c184018041138440848c1684228040a88440e180422a84410384168041178441658c414e802680058040598040ec882e88413c880380405b841b803f80409b802184412e88408f90407e80408480415f8033844079844193844058902e80406a840d8039801380409a882880408c";
    const MB200_BEFORE_PROMOTION: &str = "48594c4c01000000000000000000008040748041b99c048840e28041358840d380411d8840898042a88042da8441868440e184421c804085840780404e80423c8440d38042638040a280404b8c406f80420b8c41798041478041638041618c018421881180418284409488409d80420688420090118440c184419c8c40e48440e180422a84410384412f8441658c417d80405980411c88413c8803804078803f80409b8041518842f68033844079844193844058902e80406a840d8039801380409a882880408c";
    const MERGE_SA_SB: &str = "48594c4c01000000000000000000008036843c8040a9a40e8840fe9c048840e28041358840d380411d8840898042a88042da8441868440e1844199844081804085840780404e8041158441258440d38042638040a280404b8c406f80420b8c41798041478041638040668440f98c0184218811804182844094884079842280420688420090118440c184419c8c40e48440e180422a84410384412f8441658c417d8040598040ec882e88413c8803804078803f80409b80415188410f80408480415f8033844079844193844058902e80406a840d8039801380409a882880408c";
    const MERGE_ABC_SA: &str = "48594c4c01000000030000000000008040748041b99c048840e280420a8044528042da8441868440e18442a38442958440d38042638040a280404b8c406f8043868041478041638041618c01842188118040878040f98440948844a7901184425f8c40e48440e180422a8441038442968c407184416580411c88413c8803804078803f80409b8041518842f6803384407984419384404b803b80406a840d80398013804152";

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// FNV-1a, to pin large values without embedding them.
    fn fnv(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// Elements `{prefix}{from}` .. `{prefix}{to - 1}`.
    fn elements(prefix: &str, from: usize, to: usize) -> Vec<Vec<u8>> {
        (from..to)
            .map(|i| format!("{prefix}{i}").into_bytes())
            .collect()
    }

    /// PFADD of `elements` to `current`; panics unless it succeeds.
    fn pfadd_all(current: Option<&[u8]>, elements: &[Vec<u8>], max: usize) -> Vec<u8> {
        let refs: Vec<&[u8]> = elements.iter().map(Vec::as_slice).collect();
        let out = pfadd(current, &refs, max);
        assert!(out.reply.is_ok(), "{:?}", out.reply);
        out.store.unwrap_or_else(|| current.unwrap().to_vec())
    }

    fn hll(prefix: &str, from: usize, to: usize) -> Vec<u8> {
        pfadd_all(None, &elements(prefix, from, to), DEFAULT_SPARSE_MAX_BYTES)
    }

    #[test]
    fn murmurhash_matches_redis() {
        // From Redis' MurmurHash64A compiled as C.
        let cases: [(&[u8], u64); 10] = [
            (b"", 0xd8dfea6585bc9732),
            (b"a", 0x53d2470a9b43b1a7),
            (b"ab", 0x0eaed676437142cf),
            (b"abc", 0x77ec90aeb374e502),
            (b"hello", 0x0f656f01eecfe400),
            (b"1234567", 0x85563db163632857),
            (b"12345678", 0x95ebb86389132953),
            (b"123456789", 0x217532cb09f2a44d),
            (b"foobarbazquux!", 0xb7e01fdf4a373527),
            (
                b"The quick brown fox jumps over the lazy dog",
                0x51606c5c5b561ace,
            ),
        ];
        for (key, want) in cases {
            assert_eq!(murmurhash64a(key, HASH_SEED), want, "{key:?}");
        }
        let bin: Vec<u8> = (0..=255u8).rev().collect();
        assert_eq!(murmurhash64a(&bin, HASH_SEED), 0xa73a48e45943ec87);
        assert_eq!(murmurhash64a(b"a", 0), 0x071717d2d36b6b11);
    }

    #[test]
    fn pat_len_bounds() {
        let (index, count) = pat_len(b"a");
        assert_eq!(index, 0x53d2470a9b43b1a7 & 0x3fff);
        assert_eq!(
            count,
            (0x53d2470a9b43b1a7u64 >> 14).trailing_zeros() as u8 + 1
        );
        for i in 0..2000u32 {
            let (index, count) = pat_len(&i.to_le_bytes());
            assert!(index < REGISTERS && (1..=51).contains(&count));
        }
    }

    #[test]
    fn new_key() {
        assert_eq!(new_sparse(), hex("48594c4c0100000000000000000000007fff"));
        assert_eq!(DENSE_SIZE, 12304);
        // PFADD with no elements still creates the key, cache invalidated.
        let out = pfadd(None, &[], DEFAULT_SPARSE_MAX_BYTES);
        assert_eq!(out.reply, Ok(true));
        assert_eq!(
            out.store.unwrap(),
            hex("48594c4c0100000000000000000000807fff")
        );
        // ... and on an existing key changes nothing.
        let out = pfadd(Some(&hex(ABC)), &[], DEFAULT_SPARSE_MAX_BYTES);
        assert_eq!(
            out,
            PfaddOutcome {
                store: None,
                reply: Ok(false)
            }
        );
    }

    #[test]
    fn small_sparse_matches_redis() {
        let mut v = pfadd_all(None, &elements("", 0, 0), 3000);
        v = pfadd_all(
            Some(&v),
            &[b"a".to_vec(), b"b".to_vec(), b"c".to_vec()],
            3000,
        );
        assert_eq!(v, hex(ABC));
        assert_eq!(
            decode_sparse(&v).unwrap(),
            "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603"
        );
        assert_eq!(encoding(&v), Ok("sparse"));
        // Re-adding changes nothing.
        let out = pfadd(Some(&v), &[b"a"], 3000);
        assert_eq!(
            out,
            PfaddOutcome {
                store: None,
                reply: Ok(false)
            }
        );
        // PFCOUNT computes, caches and asks for a write; then reads the cache.
        assert_eq!(count(&mut v), Ok((3, true)));
        assert_eq!(v, hex(ABC_COUNTED));
        assert_eq!(count(&mut v), Ok((3, false)));
        // Odd elements: empty and binary.
        assert_eq!(
            hll_of(&[b""]),
            hex("48594c4c01000000000000000000008057318468cc")
        );
        assert_eq!(
            hll_of(&[b"\x00", b"\xff\xfe", b"ab\x00cd"]),
            hex("48594c4c010000000000000000000080428d845fb6884040845d76")
        );
        let all_bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(
            hll_of(&[&all_bytes, &[0x80; 9]]),
            hex("48594c4c0100000000000000000000804945846701804fb5")
        );
    }

    fn hll_of(elements: &[&[u8]]) -> Vec<u8> {
        pfadd(None, elements, DEFAULT_SPARSE_MAX_BYTES)
            .store
            .unwrap()
    }

    #[test]
    fn hundred_elements_match_redis() {
        let mut v = hll("e", 0, 100);
        assert_eq!(v, hex(S100));
        assert_eq!(
            fnv(decode_sparse(&v).unwrap().as_bytes()),
            13260571134953665454
        );
        assert_eq!(count(&mut v).unwrap().0, 100);
    }

    #[test]
    fn promotion_matches_redis() {
        // One PFADD per element, default limit: dense from e1683 on.
        let mut v = None;
        for (i, e) in elements("e", 0, 1683 + 1).iter().enumerate() {
            let next = pfadd_all(v.as_deref(), std::slice::from_ref(e), 3000);
            if i == 1683 {
                assert!(!is_sparse(&next));
                assert_eq!(fnv(&next), 2161476811962665565);
            } else {
                assert!(is_sparse(&next), "promoted early at e{i}");
            }
            if i == 1683 - 1 {
                assert_eq!((next.len(), fnv(&next)), (3000, 4331107107902166495));
            }
            v = Some(next);
        }
        // A 200-byte limit promotes at e65.
        let before = pfadd_all(None, &elements("e", 0, 65), 200);
        assert_eq!(before, hex(MB200_BEFORE_PROMOTION));
        let after = pfadd_all(Some(&before), &elements("e", 65, 65 + 1), 200);
        assert_eq!(encoding(&after), Ok("dense"));
        assert_eq!(fnv(&after), 10739420282798034332);
    }

    #[test]
    fn value_over_32_promotes() {
        let mut v = new_sparse();
        v[8] = 7; // a valid cached cardinality survives promotion as is
        assert_eq!(Editing::new(&mut v).set(100, 40, 3000), Ok(true));
        assert_eq!(v.len(), DENSE_SIZE);
        assert_eq!(&v[..16], b"HYLL\0\0\0\0\x07\0\0\0\0\0\0\0");
        let (regs, converted) = getreg(&mut v).unwrap();
        assert!(!converted);
        assert!(regs
            .iter()
            .enumerate()
            .all(|(i, &r)| r == if i == 100 { 40 } else { 0 }));
    }

    #[test]
    fn dense_matches_redis() {
        for (n, len, hash, card, cached) in [
            (10_000, 12304, 8320624248388699211, 9973, "f526000000000000"),
            (
                200_000,
                12304,
                14919839581952308673,
                200859,
                "9b10030000000000",
            ),
        ] {
            let mut v = new_sparse();
            for e in elements("e", 0, n) {
                add(&mut v, &e, DEFAULT_SPARSE_MAX_BYTES).unwrap();
            }
            assert_eq!((v.len(), fnv(&v)), (len, hash), "{n}");
            assert_eq!(count(&mut v), Ok((card, true)));
            assert_eq!(v[8..16], hex(cached));
        }
    }

    #[test]
    fn merge_matches_redis() {
        let sa = hll("e", 0, 50);
        let sb = hll("e", 25, 75);
        let mut m = merge(None, &[&sa, &sb], 3000).unwrap();
        assert_eq!(m, hex(MERGE_SA_SB));
        assert_eq!(count(&mut m).unwrap().0, 75);
        assert_eq!(count_union(&[&sa, &sb]), Ok(75));

        // Any dense input makes the destination dense.
        let s100 = hex(S100);
        let df = hll("f", 0, 5000);
        let mut m = merge(None, &[&s100, &df], 3000).unwrap();
        assert_eq!((m.len(), fnv(&m)), (12304, 9860709502184051422));
        assert_eq!(count(&mut m).unwrap().0, 5130);
        assert_eq!(count_union(&[&s100, &df]), Ok(5130));

        // An existing destination is a source too, and keeps its header:
        // here the stale bytes of a cached cardinality of 3.
        let m = merge(Some(&hex(ABC_COUNTED)), &[&sa], 3000).unwrap();
        assert_eq!(m, hex(MERGE_ABC_SA));
        // ... even its unused bytes, through a conversion to dense.
        let mut weird = hex(ABC);
        weird[5..8].copy_from_slice(&[1, 2, 3]);
        let m = merge(Some(&weird), &[&df], 3000).unwrap();
        assert_eq!(m[..16], hex("48594c4c000102030000000000000080"));
        assert_eq!(fnv(&m), 15786631316369329951);

        // No sources at all: an empty sparse value, cache invalidated.
        assert_eq!(
            merge(None, &[], 3000).unwrap(),
            hex("48594c4c0100000000000000000000807fff")
        );

        // Sparse sources whose union outgrows the limit.
        let xs: Vec<Vec<u8>> = (0..10).map(|j| hll(&format!("x{j}_"), 0, 300)).collect();
        let refs: Vec<&[u8]> = xs.iter().map(Vec::as_slice).collect();
        let mut m = merge(None, &refs, 3000).unwrap();
        assert_eq!(encoding(&m), Ok("dense"));
        assert_eq!(fnv(&m), 9574226903115757480);
        assert_eq!(count(&mut m).unwrap().0, 3026);
    }

    #[test]
    fn debug_commands_match_redis() {
        let mut sa = hll("e", 0, 50);
        assert_eq!(to_dense(&mut sa), Ok(true));
        assert_eq!(fnv(&sa), 4872002343173246736);
        assert_eq!(to_dense(&mut sa), Ok(false));
        assert_eq!(decode_sparse(&sa), Err(HllError::NotSparse));
        assert_eq!(encoding(&sa), Ok("dense"));

        let mut sb = hll("e", 25, 75);
        let (regs, converted) = getreg(&mut sb).unwrap();
        assert!(converted);
        assert_eq!(fnv(&sb), 17373914987973342286);
        let nonzero: Vec<(usize, u8)> = regs
            .iter()
            .copied()
            .enumerate()
            .filter(|r| r.1 != 0)
            .collect();
        assert_eq!(nonzero.len(), 50);
        assert_eq!(nonzero[..3], [(55, 2), (117, 1), (288, 10)]);
    }

    #[test]
    fn count_overflow_matches_redis() {
        // Every register at 63: the estimator divides by zero and Redis
        // caches 2^63 (so the cache never looks valid) and replies i64::MIN.
        let mut v = vec![0xff; DENSE_SIZE];
        v[..16].copy_from_slice(b"HYLL\0\0\0\0\0\0\0\0\0\0\0\x80");
        assert_eq!(count(&mut v), Ok((1 << 63, true)));
        assert_eq!(count(&mut v).unwrap().0 as i64, -9223372036854775808);
        assert_eq!(v[8..16], hex("0000000000000080"));
    }

    #[test]
    fn bad_values_match_redis() {
        let abc = hex(ABC);
        let mut bad_magic = abc.clone();
        bad_magic[3] = b'X';
        let mut bad_encoding = abc.clone();
        bad_encoding[4] = 2;
        let mut dense_short = vec![0; DENSE_SIZE - 1];
        dense_short[..4].copy_from_slice(b"HYLL");
        for v in [
            &bad_magic,
            &bad_encoding,
            &dense_short,
            &abc[..15].to_vec(),
            &Vec::new(),
        ] {
            assert_eq!(validate(v), Err(HllError::NotHll));
            assert_eq!(count(&mut v.clone()), Err(HllError::NotHll));
            assert_eq!(pfadd(Some(v), &[b"x"], 3000).reply, Err(HllError::NotHll));
            assert_eq!(merge(None, &[v], 3000), Err(HllError::NotHll));
        }
        assert_eq!(
            HllError::NotHll.to_string(),
            "WRONGTYPE Key is not a valid HyperLogLog string value."
        );
        assert_eq!(
            HllError::Corrupt.to_string(),
            "INVALIDOBJ Corrupted HLL object detected"
        );

        // A header with no opcodes.
        let mut empty = abc[..16].to_vec();
        assert_eq!(count(&mut empty), Err(HllError::Corrupt));
        assert_eq!(
            pfadd(Some(&empty), &[b"a"], 3000).reply,
            Err(HllError::Corrupt)
        );
        assert_eq!(decode_sparse(&empty).unwrap(), "");

        // Opcodes covering 16383 registers, then 16385.
        let mut short = [&abc[..16], &[0x7f, 0xfe]].concat();
        assert_eq!(count(&mut short), Err(HllError::Corrupt));
        assert_eq!(count_union(&[&short, &abc]), Err(HllError::Corrupt));
        let long = [&abc[..16], &[0x7f, 0xff, 0x00]].concat();
        assert_eq!(merge(None, &[&long], 3000), Err(HllError::Corrupt));
        // ... yet an update that finds its opcode succeeds in place.
        let out = pfadd(Some(&long), &[b"a"], 3000);
        assert_eq!(out.reply, Ok(true));
        assert_eq!(
            out.store.unwrap(),
            hex("48594c4c01000000000000000000008071a6844e5700")
        );

        // An XZERO missing its second byte reads a zero there.
        let cut = [&abc[..15], &[0, 0x7f, 0xfe, 0x40]].concat();
        assert_eq!(decode_sparse(&cut).unwrap(), "Z:16383 Z:1");
        let mut stale = cut.clone();
        invalidate_cache(&mut stale);
        assert_eq!(count(&mut stale), Ok((0, true)));
    }

    #[test]
    fn cut_xzero_split_matches_redis() {
        // Splitting an XZERO cut short leaves its last byte past the end of
        // the value, where the next element of the same PFADD reads it.
        let before = hex("48594c4c0100000000000000000000807efe41");
        let out = pfadd(Some(&before), &[b"e53", b"e62", b"e265"], 3000);
        assert_eq!(out.reply, Ok(true));
        assert_eq!(
            out.store.unwrap(),
            hex("48594c4c0100000000000000000000807efe2f8c1788288040")
        );
    }

    #[test]
    fn corrupt_pfadd_keeps_partial_changes() {
        // 16385 registers: Z:12711 z:1 Z:3672 z:1. "a" (register 12711)
        // fits in place; "b" needs room, and promotion finds the value
        // corrupt. Redis replies with the error but keeps "a" in memory.
        let v = hex("48594c4c01000000000000000000000071a6004e5700");
        let out = pfadd(Some(&v), &[b"a", b"b"], 0);
        assert_eq!(out.reply, Err(HllError::Corrupt));
        assert_eq!(
            out.store.unwrap(),
            hex("48594c4c01000000000000000000008071a6844e5700")
        );
    }

    use resplite_core::util::rng::XorShift as Rng;

    /// A random value with a valid header: random opcodes (often adding up
    /// to about 16384 registers), or random bytes, sparse or dense.
    fn random_value(rng: &mut Rng) -> Vec<u8> {
        let mut v = new_sparse();
        v.truncate(HDR_SIZE);
        for b in &mut v[8..16] {
            *b = rng.next_u64() as u8;
        }
        match rng.below(4) {
            0 => {
                let n = rng.below(300);
                v.extend((0..n).map(|_| rng.next_u64() as u8));
            }
            1 => {
                v[4] = DENSE;
                v.resize(DENSE_SIZE, 0);
                for b in &mut v[HDR_SIZE..] {
                    *b = rng.next_u64() as u8;
                }
            }
            _ => {
                let target = REGISTERS + rng.below(5) - 2;
                let mut idx = 0;
                while idx < target {
                    let left = target - idx;
                    match rng.below(3) {
                        0 => {
                            let n = (rng.below(64) + 1).min(left);
                            v.push((n - 1) as u8);
                            idx += n;
                        }
                        1 => {
                            let n = (rng.below(2000) + 1).min(left);
                            v.extend_from_slice(&xzero(n));
                            idx += n;
                        }
                        _ => {
                            let n = (rng.below(4) + 1).min(left);
                            v.push(val(rng.below(32) as u8 + 1, n));
                            idx += n;
                        }
                    }
                }
                if rng.below(4) == 0 {
                    v.push(rng.next_u64() as u8);
                }
            }
        }
        v
    }

    #[test]
    fn random_values_never_panic() {
        let mut rng = Rng::new(0x9e37_79b9_7f4a_7c15);
        let mut ok = 0;
        for _ in 0..300 {
            let v = random_value(&mut rng);
            let other = random_value(&mut rng);
            let max = [0, 40, 300, 3000][rng.below(4)];
            let elems: Vec<Vec<u8>> = (0..rng.below(40))
                .map(|_| rng.next_u64().to_le_bytes().to_vec())
                .collect();
            let refs: Vec<&[u8]> = elems.iter().map(Vec::as_slice).collect();
            let out = pfadd(Some(&v), &refs, max);
            if let Some(stored) = &out.store {
                assert!(validate(stored).is_ok());
            }
            ok += usize::from(out.reply.is_ok());
            let _ = count(&mut v.clone());
            let _ = count_union(&[&v, &other]);
            let _ = merge(Some(&v), &[&other], max);
            let _ = merge(None, &[&v, &other], max);
            let _ = decode_sparse(&v);
            let _ = getreg(&mut v.clone());
            let _ = to_dense(&mut v.clone());
            // Arbitrary bytes behind any header must not panic either.
            let mut junk = v.clone();
            junk.truncate(rng.below(junk.len() + 1));
            let _ = pfadd(Some(&junk), &refs, max);
            let _ = count(&mut junk);
        }
        assert!(ok > 0);
    }

    #[test]
    fn sound_sparse_values_stay_sound() {
        let mut rng = Rng::new(42);
        for _ in 0..200 {
            let mut v = hll("e", 0, rng.below(500));
            let max = [40, 300, 3000][rng.below(3)];
            // Values only grow up to the limit (they may start above it).
            let limit = max.max(v.len());
            for _ in 0..50 {
                add(&mut v, &rng.next_u64().to_le_bytes(), max).unwrap();
                if is_sparse(&v) {
                    assert!(v.len() <= limit);
                    assert!(replay_sparse(&v, 0, |_, _| {}).is_ok());
                }
            }
            let mut dense = v.clone();
            to_dense(&mut dense).unwrap();
            assert_eq!(count(&mut v.clone()), count(&mut dense));
        }
    }

    #[test]
    fn selftest_passes() {
        assert_eq!(
            selftest_with(DEFAULT_SPARSE_MAX_BYTES, 1, 3, 100_000),
            Ok(())
        );
    }
}
