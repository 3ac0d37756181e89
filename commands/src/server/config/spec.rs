//! A Redis configuration parameter's type, and Redis' rules for reading a
//! CONFIG SET value of that type and printing it back (config.c's
//! `*ConfigSet`/`*ConfigGet`): same accepted forms, same errors.

/// What a parameter accepts.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// `yes` or `no`.
    Bool,
    /// Any string.
    Str,
    /// An integer in `min..=max`; `memory` also takes `1kb`-style sizes,
    /// `percent` also `N%` (stored as `-N`), `octal` is read and printed in
    /// base 8.
    Num {
        min: i128,
        max: i128,
        unsigned: bool,
        memory: bool,
        percent: bool,
        octal: bool,
    },
    /// One of `values` (case-insensitive); `multi`: several, space-separated.
    Enum {
        values: &'static [&'static str],
        multi: bool,
    },
    /// Its own syntax (`save`, `bind`, `client-output-buffer-limit`, ...).
    Special,
}

/// A parameter of Redis 7.0.
#[derive(Debug)]
pub struct Spec {
    pub name: &'static str,
    /// The older name Redis still accepts (`hash-max-ziplist-entries`).
    pub alias: Option<&'static str>,
    pub mutable: bool,
    /// Settable only with `enable-protected-configs` (dir, dbfilename).
    pub protected: bool,
    /// Left out of CONFIG GET patterns (debugging parameters).
    pub hidden: bool,
    pub kind: Kind,
    /// As redis-server 7.0.15's CONFIG GET prints it.
    pub default: &'static str,
}

/// Reads a CONFIG SET value; the canonical form CONFIG GET prints, or
/// Redis' reason for refusing it.
pub fn parse(kind: Kind, value: &str) -> Result<String, String> {
    match kind {
        Kind::Bool => match value.to_ascii_lowercase().as_str() {
            "yes" => Ok("yes".into()),
            "no" => Ok("no".into()),
            _ => Err("argument must be 'yes' or 'no'".into()),
        },
        Kind::Str | Kind::Special => Ok(value.to_string()),
        Kind::Enum { values, multi } => {
            let words: Vec<&str> = if multi {
                value.split_whitespace().collect()
            } else {
                vec![value]
            };
            let mut picked = Vec::new();
            for word in &words {
                match values.iter().find(|v| v.eq_ignore_ascii_case(word)) {
                    Some(v) => picked.push(*v),
                    None => {
                        return Err(format!(
                            "argument(s) must be one of the following: {}",
                            values.join(", ")
                        ))
                    }
                }
            }
            if picked.is_empty() {
                return Err(format!(
                    "argument(s) must be one of the following: {}",
                    values.join(", ")
                ));
            }
            // Flags print in table order, each once.
            let ordered: Vec<&str> = values
                .iter()
                .copied()
                .filter(|v| picked.contains(v))
                .collect();
            Ok(ordered.join(" "))
        }
        Kind::Num {
            min,
            max,
            unsigned,
            memory,
            percent,
            octal,
        } => {
            let n = parse_number(value, memory, percent, octal)?;
            check_bounds(n, min, max, unsigned, percent, octal)?;
            Ok(if percent && n < 0 {
                format!("{}%", -n)
            } else if octal {
                format!("{n:o}")
            } else if memory {
                // Redis prints memory values unsigned.
                (n as i64 as u64).to_string()
            } else {
                n.to_string()
            })
        }
    }
}

/// `numericParseString`: memory sizes, then percentages, then octal, then a
/// plain integer for parameters with none of those forms.
fn parse_number(value: &str, memory: bool, percent: bool, octal: bool) -> Result<i128, String> {
    if memory {
        if let Some(n) = memtoull(value) {
            // Redis keeps the bits of an unsigned long long in a long long.
            return Ok(n as i64 as i128);
        }
    }
    if percent && value.len() > 1 && value.ends_with('%') {
        if let Some(n) = string2ll(&value[..value.len() - 1]) {
            if n >= 0 {
                return Ok(-(n as i128));
            }
        }
    }
    if octal {
        if let Ok(n) = i64::from_str_radix(value, 8) {
            return Ok(n as i128);
        }
    }
    if !memory && !percent && !octal {
        if let Some(n) = string2ll(value) {
            return Ok(n as i128);
        }
    }
    Err(if memory && percent {
        "argument must be a memory or percent value"
    } else if memory {
        "argument must be a memory value"
    } else if octal {
        "argument couldn't be parsed as an octal number"
    } else {
        "argument couldn't be parsed into an integer"
    }
    .into())
}

/// `numericBoundaryCheck`: unsigned types compare as unsigned (a negative
/// number is huge), percentages only against their lower bound.
fn check_bounds(
    n: i128,
    min: i128,
    max: i128,
    unsigned: bool,
    percent: bool,
    octal: bool,
) -> Result<(), String> {
    if unsigned {
        let u = n as i64 as u64 as i128;
        if u > max || u < min {
            return Err(if octal {
                format!("argument must be between {min:o} and {max:o} inclusive")
            } else {
                format!("argument must be between {min} and {max} inclusive")
            });
        }
    } else if percent && n < 0 {
        if n < min {
            return Err(format!(
                "percentage argument must be less or equal to {}",
                -min
            ));
        }
    } else if n > max || n < min {
        return Err(format!(
            "argument must be between {min} and {max} inclusive"
        ));
    }
    Ok(())
}

/// Redis' `string2ll`: a canonical signed 64-bit decimal.
fn string2ll(s: &str) -> Option<i64> {
    resplite_core::util::number::parse_i64(s.as_bytes())
}

/// Redis' `memtoull`: digits then an optional `b`, `k`, `kb`, `m`, `mb`,
/// `g`, `gb` (case-insensitive; `k` is 1000, `kb` 1024).
pub fn memtoull(word: &str) -> Option<u64> {
    let lower = word.to_ascii_lowercase();
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let mul: u64 = match &lower[digits.len()..] {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(mul)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INT: Kind = Kind::Num {
        min: 0,
        max: 100,
        unsigned: false,
        memory: false,
        percent: false,
        octal: false,
    };
    const MEM_PCT: Kind = Kind::Num {
        min: -100,
        max: i64::MAX as i128,
        unsigned: false,
        memory: true,
        percent: true,
        octal: false,
    };

    #[test]
    fn values_read_and_print_as_redis_does() {
        assert_eq!(parse(Kind::Bool, "YES"), Ok("yes".into()));
        assert_eq!(
            parse(Kind::Bool, "1"),
            Err("argument must be 'yes' or 'no'".into())
        );
        assert_eq!(parse(INT, "7"), Ok("7".into()));
        assert_eq!(
            parse(INT, "101"),
            Err("argument must be between 0 and 100 inclusive".into())
        );
        assert_eq!(
            parse(INT, "1k"),
            Err("argument couldn't be parsed into an integer".into())
        );
        assert_eq!(parse(MEM_PCT, "1kb"), Ok("1024".into()));
        assert_eq!(parse(MEM_PCT, "10%"), Ok("10%".into()));
        assert_eq!(
            parse(MEM_PCT, "101%"),
            Err("percentage argument must be less or equal to 100".into())
        );
        assert_eq!(
            parse(MEM_PCT, "x"),
            Err("argument must be a memory or percent value".into())
        );
        let octal = Kind::Num {
            min: 0,
            max: 0o777,
            unsigned: true,
            memory: false,
            percent: false,
            octal: true,
        };
        assert_eq!(parse(octal, "700"), Ok("700".into()));
        assert_eq!(
            parse(octal, "1000"),
            Err("argument must be between 0 and 777 inclusive".into())
        );
        let policy = Kind::Enum {
            values: &["volatile-lru", "noeviction"],
            multi: false,
        };
        assert_eq!(parse(policy, "NoEviction"), Ok("noeviction".into()));
        assert_eq!(
            parse(policy, "lru"),
            Err("argument(s) must be one of the following: volatile-lru, noeviction".into())
        );
        let flags = Kind::Enum {
            values: &["default", "save", "nosave", "now", "force"],
            multi: true,
        };
        assert_eq!(parse(flags, "now nosave"), Ok("nosave now".into()));
    }
}
