//! Geospatial commands. A geo set is a sorted set whose scores are Redis'
//! 52-bit geohashes ([`hash`]), so sets move between resplite and Redis
//! unchanged and every ZSET command works on them.

mod geoadd;
mod hash;
mod lookup;
mod search;

use resplite_core::prelude::*;
use resplite_core::util::number::parse_f64;

/// A float argument, with Redis' message for it when it is not one.
fn float(arg: &[u8], error: &'static str) -> Result<f64, CommandError> {
    parse_f64(arg).ok_or(CommandError::Other(error.into()))
}

const NOT_FLOAT: &str = "ERR value is not a valid float";

/// A longitude and latitude argument pair: both parsed, then checked
/// against the limits (Redis' order of errors).
fn lon_lat(lon: &[u8], lat: &[u8]) -> Result<(f64, f64), CommandError> {
    let (lon, lat) = (float(lon, NOT_FLOAT)?, float(lat, NOT_FLOAT)?);
    hash::validate(lon, lat).map_err(CommandError::other)?;
    Ok((lon, lat))
}

/// A distance unit: meters per unit.
fn unit(arg: &[u8]) -> Result<f64, CommandError> {
    hash::unit_factor(arg).ok_or(CommandError::Other(hash::UNIT_ERROR.into()))
}

/// A coordinate in a reply: a bulk string in RESP2, a double in RESP3,
/// with Redis' digits either way.
fn coord(v: f64) -> Reply {
    Reply::DoubleText(hash::format_coord(v).into())
}

/// An option keyword as Redis compares it: case-insensitively, up to a NUL.
fn keyword(arg: &[u8]) -> String {
    let end = arg.iter().position(|&b| b == 0).unwrap_or(arg.len());
    String::from_utf8_lossy(&arg[..end]).to_ascii_uppercase()
}
