//! FUNCTION DUMP / RESTORE payloads in Redis' format (an RDB fragment of
//! `RDB_OPCODE_FUNCTION2` entries with the DUMP footer), so libraries move
//! between resplite and Redis 7.0+.

use resplite_core::rdb;

/// RDB_OPCODE_FUNCTION2: a library's code follows.
const FUNCTION2: u8 = 245;
/// RDB_OPCODE_FUNCTION: Redis 7.0's release candidates' format.
const FUNCTION_PRE_GA: u8 = 246;

pub fn dump_functions(codes: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for code in codes {
        out.push(FUNCTION2);
        rdb::put_string(&mut out, code);
    }
    rdb::seal(out)
}

/// The libraries' codes, or Redis' error message (without `ERR`).
pub fn restore_functions(payload: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let body = rdb::unseal(payload).map_err(|e| e.to_string())?;
    let mut reader = rdb::Reader::new(body);
    let mut codes = Vec::new();
    while !reader.is_empty() {
        match reader.byte() {
            Ok(FUNCTION2) => {}
            Ok(FUNCTION_PRE_GA) => return Err("Pre-GA function format not supported".into()),
            Ok(_) => return Err("given type is not a function".into()),
            Err(_) => return Err("can not read data type".into()),
        }
        let code = reader
            .string()
            .map_err(|_| "failed loading the given functions payload")?;
        codes.push(code);
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let payload = dump_functions(&[b"#!lua name=a\n", b"#!lua name=b\n"]);
        assert_eq!(
            restore_functions(&payload).unwrap(),
            vec![b"#!lua name=a\n".to_vec(), b"#!lua name=b\n".to_vec()]
        );
        assert!(restore_functions(b"garbage").is_err());
    }
}
