//! Redis' glob matching (`KEYS`, `SCAN MATCH`, `CONFIG GET`), binary-safe.
//!
//! Same dialect as Redis' `stringmatchlen`: `*`, `?`, `[abc]`, `[^a-z]`, `\x`
//! escapes. An unterminated `[` matches its content up to the end of the pattern,
//! as in Redis.

/// Does `string` match `pattern`?
pub fn glob_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    // Iterative with one backtrack point for the last `*`: linear in practice and
    // immune to the exponential blow-up of naive recursion on patterns like `a*a*a*b`.
    let (mut p, mut s) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    let eq = |a: u8, b: u8| {
        if nocase {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    while s < string.len() {
        if p < pattern.len() {
            match pattern[p] {
                b'*' => {
                    while p < pattern.len() && pattern[p] == b'*' {
                        p += 1;
                    }
                    if p == pattern.len() {
                        return true;
                    }
                    star = Some((p, s));
                    continue;
                }
                b'?' => {
                    p += 1;
                    s += 1;
                    continue;
                }
                b'[' => {
                    if let Some(next) = class_match(pattern, p, string[s], nocase) {
                        p = next;
                        s += 1;
                        continue;
                    }
                }
                b'\\' if p + 1 < pattern.len() => {
                    if eq(pattern[p + 1], string[s]) {
                        p += 2;
                        s += 1;
                        continue;
                    }
                }
                c => {
                    if eq(c, string[s]) {
                        p += 1;
                        s += 1;
                        continue;
                    }
                }
            }
        }
        // Mismatch: let the last `*` swallow one more byte, or fail.
        match star {
            Some((sp, ss)) => {
                p = sp;
                s = ss + 1;
                star = Some((sp, ss + 1));
            }
            None => return false,
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// Matches `c` against the class starting at `pattern[start] == b'['`. Returns the
/// index just past the class when it matches.
fn class_match(pattern: &[u8], start: usize, c: u8, nocase: bool) -> Option<usize> {
    let mut i = start + 1;
    let negate = pattern.get(i) == Some(&b'^');
    if negate {
        i += 1;
    }
    let fold = |b: u8| if nocase { b.to_ascii_lowercase() } else { b };
    let c = fold(c);
    let mut matched = false;
    while i < pattern.len() && pattern[i] != b']' {
        if pattern[i] == b'\\' && i + 1 < pattern.len() {
            i += 1;
            matched |= fold(pattern[i]) == c;
        } else if i + 2 < pattern.len() && pattern[i + 1] == b'-' {
            let (mut lo, mut hi) = (fold(pattern[i]), fold(pattern[i + 2]));
            if lo > hi {
                std::mem::swap(&mut lo, &mut hi);
            }
            matched |= (lo..=hi).contains(&c);
            i += 2;
        } else {
            matched |= fold(pattern[i]) == c;
        }
        i += 1;
    }
    // `i` is at `]` or at the end of an unterminated class.
    let end = (i + 1).min(pattern.len());
    (matched != negate).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn redis_dialect() {
        let m = |p: &str, s: &str| glob_match(p.as_bytes(), s.as_bytes(), false);
        assert!(m("*", ""));
        assert!(m("h?llo", "hello"));
        assert!(m("h*llo", "heeeello"));
        assert!(m("h[ae]llo", "hallo"));
        assert!(!m("h[^e]llo", "hello"));
        assert!(m("h[a-b]llo", "hbllo"));
        assert!(m("h\\*llo", "h*llo"));
        assert!(!m("h\\*llo", "hello"));
        assert!(m("a*a*a*b", "aaaaaaaaaaaaaaaaaaaab"));
        assert!(!m("a*a*a*b", "aaaaaaaaaaaaaaaaaaaaa"));
        assert!(m("user:*:name", "user:42:name"));
        assert!(glob_match(b"H*", b"hello", true));
        assert!(glob_match(b"\xff*", b"\xff\x00", false));
    }
}
