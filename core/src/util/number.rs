//! Numbers as Redis reads and prints them.

/// Parses an integer exactly as Redis' `string2ll`: optional `-`, no `+`, no
/// blanks, no leading zeros, fits in i64.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = match s.split_first()? {
        (b'-', rest) => (true, rest),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        let d = i64::from(d - b'0');
        // Accumulate negatively so that i64::MIN parses.
        n = n.checked_mul(10)?.checked_sub(d)?;
    }
    if neg {
        Some(n)
    } else {
        n.checked_neg()
    }
}

/// Parses a float as Redis' `string2ld`/`strtold` accept it: no surrounding
/// blanks, `inf`/`-inf` allowed, NaN refused.
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(s).ok()?;
    if text.is_empty() || text.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    if text.ends_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    let v: f64 = match text.to_ascii_lowercase().as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => f64::INFINITY,
        "-inf" | "-infinity" => f64::NEG_INFINITY,
        lower if lower.contains("inf") || lower.contains("nan") => return None,
        _ => text.parse().ok()?,
    };
    (!v.is_nan()).then_some(v)
}

/// Formats a double the way Redis 7.0 replies with one (`ZSCORE`, RESP3
/// doubles): C's `%.17g` (`0.1` is `0.10000000000000001`, `1e+20`,
/// `1.4999999999999999e-07`), and `inf`/`-inf`.
pub fn format_double(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if v.is_nan() {
        return "nan".into();
    }
    if v == 0.0 {
        return if v.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // 17 significant digits, correctly rounded as glibc's printf does.
    let sci = format!("{v:.16e}");
    let (mantissa, exp) = sci.split_once('e').expect("{:e} always has an exponent");
    let exp: i32 = exp.parse().expect("exponent is an integer");
    if (-4..17).contains(&exp) {
        let fixed = format!("{v:.*}", (16 - exp) as usize);
        trim_fraction(&fixed).to_string()
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim_fraction(mantissa), exp.abs())
    }
}

/// `%g` drops trailing zeros of the fraction, and the point if nothing is left.
fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_integers() {
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        for bad in [
            &b"9223372036854775808"[..],
            b"01",
            b"+1",
            b" 1",
            b"-0",
            b"",
            b"1.0",
            b"-",
        ] {
            assert_eq!(parse_i64(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn floats() {
        assert_eq!(parse_f64(b"1e3"), Some(1000.0));
        assert_eq!(parse_f64(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_f64(b"nan"), None);
        assert_eq!(parse_f64(b" 1"), None);
        assert_eq!(format_double(2.5), "2.5");
        assert_eq!(format_double(1e20), "1e+20");
        assert_eq!(format_double(0.1), "0.10000000000000001");
        assert_eq!(format_double(1.5e-7), "1.4999999999999999e-07");
        assert_eq!(format_double(3.0), "3");
        assert_eq!(format_double(1e16), "10000000000000000");
        assert_eq!(format_double(1e17), "1e+17");
        assert_eq!(format_double(1.1), "1.1000000000000001");
        assert_eq!(
            format_double(1.2345678901234568e17),
            "1.2345678901234568e+17"
        );
        assert_eq!(format_double(1e23), "9.9999999999999992e+22");
        assert_eq!(format_double(2.5e-5), "2.5000000000000001e-05");
        assert_eq!(format_double(0.0001), "0.0001");
        assert_eq!(format_double(-0.5), "-0.5");
    }
}
