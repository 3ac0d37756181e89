use resplite_core::prelude::*;

use super::{coord, hash, unit};

/// GEOPOS key [member ...]: each member's position, nil if missing.
pub struct GeoPos {
    key: Bytes,
    members: Vec<Bytes>,
}

/// GEOHASH key [member ...]: each member's 11-character geohash.
pub struct GeoHash {
    key: Bytes,
    members: Vec<Bytes>,
}

/// GEODIST key member1 member2 [M|KM|FT|MI]
pub struct GeoDist {
    key: Bytes,
    a: Bytes,
    b: Bytes,
    unit: f64,
}

/// The members' scores; all `None` for a missing key.
fn scores(ctx: &mut Ctx, key: &[u8], members: &[Bytes]) -> Result<Vec<Option<f64>>, CommandError> {
    let members: Vec<&[u8]> = members.iter().map(|m| &m[..]).collect();
    Ok(ctx.engine.zmscore(key, &members)?)
}

impl Command for GeoPos {
    const SPEC: CommandSpec = CommandSpec::new("geopos", -2, Flags::READONLY, "geo")
        .keys(1, 1, 1)
        .summary("Returns the longitude and latitude of members from a geospatial index.")
        .since("3.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(GeoPos {
            key: args.bytes()?,
            members: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let replies = scores(ctx, &self.key, &self.members)?
            .into_iter()
            .map(|score| match score {
                Some(score) => {
                    let (lon, lat) = hash::decode(score);
                    Reply::Array(vec![coord(lon), coord(lat)])
                }
                None => Reply::NilArray,
            })
            .collect();
        Ok(Reply::Array(replies))
    }
}

impl Command for GeoHash {
    const SPEC: CommandSpec = CommandSpec::new("geohash", -2, Flags::READONLY, "geo")
        .keys(1, 1, 1)
        .summary("Returns members from a geospatial index as geohash strings.")
        .since("3.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(GeoHash {
            key: args.bytes()?,
            members: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let replies = scores(ctx, &self.key, &self.members)?
            .into_iter()
            .map(|score| score.map_or(Reply::Nil, |s| Reply::bulk(hash::geohash_string(s))))
            .collect();
        Ok(Reply::Array(replies))
    }
}

impl Command for GeoDist {
    const SPEC: CommandSpec = CommandSpec::new("geodist", -4, Flags::READONLY, "geo")
        .keys(1, 1, 1)
        .summary("Returns the distance between two members of a geospatial index.")
        .since("3.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let (key, a, b) = (args.bytes()?, args.bytes()?, args.bytes()?);
        let unit = match args.remaining() {
            0 => 1.0,
            1 => unit(&args.bytes()?)?,
            _ => return Err(CommandError::Syntax),
        };
        Ok(GeoDist { key, a, b, unit })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let found = scores(ctx, &self.key, &[self.a, self.b])?;
        let (Some(a), Some(b)) = (found[0], found[1]) else {
            return Ok(Reply::Nil);
        };
        let ((lon1, lat1), (lon2, lat2)) = (hash::decode(a), hash::decode(b));
        let meters = hash::distance(lon1, lat1, lon2, lat2);
        Ok(Reply::bulk(hash::format_distance(meters / self.unit)))
    }
}

register_command!(GeoPos, GeoHash, GeoDist);
