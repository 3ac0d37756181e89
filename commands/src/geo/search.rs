//! GEOSEARCH, GEOSEARCHSTORE and the older GEORADIUS family: one parser and
//! one search, as in Redis' `georadiusGeneric`. Arguments are read only once
//! the source key's type is known (WRONGTYPE comes first in Redis), so
//! parsing happens in `apply`.

use resplite_core::engine::{ScoreBound, ScoreRange, ZAddFlags, ZRange, ZRangeBy};
use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

use super::hash::{self, Order, Search, Shape};
use super::{coord, float, keyword, lon_lat, unit};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// GEORADIUS[_RO] key lon lat radius unit
    Radius,
    /// GEORADIUSBYMEMBER[_RO] key member radius unit
    ByMember,
    /// GEOSEARCH key FROM… BY…
    Search,
    /// GEOSEARCHSTORE dst key FROM… BY…
    SearchStore,
}

pub struct GeoSearch {
    form: Form,
    /// The _RO forms: no STORE.
    read_only: bool,
    name: String,
    args: Vec<Bytes>,
}

/// What the options asked for.
struct Query {
    search: Option<Search>,
    store: Option<Bytes>,
    store_dist: bool,
    with_dist: bool,
    with_hash: bool,
    with_coord: bool,
    any: bool,
    count: usize,
    order: Option<Order>,
}

const RADIUS_ERROR: &str = "ERR need numeric radius";

/// `radius unit`: the radius, checked, and meters per unit.
fn radius(args: &[Bytes]) -> Result<(Shape, f64), CommandError> {
    let radius = float(&args[0], RADIUS_ERROR)?;
    if radius < 0.0 {
        return Err(CommandError::other("ERR radius cannot be negative"));
    }
    Ok((Shape::Radius { radius }, unit(&args[1])?))
}

/// A member's position; Redis' error when it is not in the set.
fn member_position(ctx: &mut Ctx, key: &[u8], member: &[u8]) -> Result<(f64, f64), CommandError> {
    match ctx.engine.zscore(key, member)? {
        Some(score) => Ok(hash::decode(score)),
        None => Err(CommandError::other(
            "ERR could not decode requested zset member",
        )),
    }
}

impl GeoSearch {
    fn new(form: Form, read_only: bool, args: &mut Args) -> GeoSearch {
        GeoSearch {
            form,
            read_only,
            name: String::from_utf8_lossy(args.name()).into_owned(),
            args: args.rest(),
        }
    }

    /// Reads the arguments after the key as `georadiusGeneric` does; the
    /// first error wins.
    fn query(&self, ctx: &mut Ctx, key: &[u8], exists: bool) -> Result<Query, CommandError> {
        let a = &self.args;
        let mut q = Query {
            search: None,
            store: None,
            store_dist: false,
            with_dist: false,
            with_hash: false,
            with_coord: false,
            any: false,
            count: 0,
            order: None,
        };
        let (mut center, mut shape) = (None, None);
        let mut i = match self.form {
            Form::Radius => {
                center = Some(lon_lat(&a[1], &a[2])?);
                shape = Some(radius(&a[3..5])?);
                5
            }
            Form::ByMember if !exists => 4,
            Form::ByMember => {
                center = Some(member_position(ctx, key, &a[1])?);
                shape = Some(radius(&a[2..4])?);
                4
            }
            Form::Search => 1,
            Form::SearchStore => {
                q.store = Some(a[0].clone());
                2
            }
        };
        let geosearch = matches!(self.form, Form::Search | Form::SearchStore);
        let (mut from_member, mut from_lonlat, mut by_radius, mut by_box) =
            (false, false, false, false);
        while i < a.len() {
            let left = a.len() - i - 1;
            match keyword(&a[i]).as_str() {
                "WITHDIST" => q.with_dist = true,
                "WITHHASH" => q.with_hash = true,
                "WITHCOORD" => q.with_coord = true,
                "ANY" => q.any = true,
                "ASC" => q.order = Some(Order::Asc),
                "DESC" => q.order = Some(Order::Desc),
                "COUNT" if left >= 1 => {
                    let n = parse_i64(&a[i + 1]).ok_or(CommandError::NotInteger)?;
                    if n <= 0 {
                        return Err(CommandError::other("ERR COUNT must be > 0"));
                    }
                    q.count = usize::try_from(n).unwrap_or(usize::MAX);
                    i += 1;
                }
                kw @ ("STORE" | "STOREDIST") if left >= 1 && !self.read_only && !geosearch => {
                    q.store = Some(a[i + 1].clone());
                    q.store_dist = kw == "STOREDIST";
                    i += 1;
                }
                "STOREDIST" if self.form == Form::SearchStore => q.store_dist = true,
                "FROMMEMBER" if left >= 1 && geosearch && !from_lonlat => {
                    // A missing key answers empty after parsing; no lookup.
                    if exists {
                        center = Some(member_position(ctx, key, &a[i + 1])?);
                    }
                    from_member = true;
                    i += 1;
                }
                "FROMLONLAT" if left >= 2 && geosearch && !from_member => {
                    center = Some(lon_lat(&a[i + 1], &a[i + 2])?);
                    from_lonlat = true;
                    i += 2;
                }
                "BYRADIUS" if left >= 2 && geosearch && !by_box => {
                    shape = Some(radius(&a[i + 1..i + 3])?);
                    by_radius = true;
                    i += 2;
                }
                "BYBOX" if left >= 3 && geosearch && !by_radius => {
                    let width = float(&a[i + 1], "ERR need numeric width")?;
                    let height = float(&a[i + 2], "ERR need numeric height")?;
                    if width < 0.0 || height < 0.0 {
                        return Err(CommandError::other(
                            "ERR height or width cannot be negative",
                        ));
                    }
                    shape = Some((Shape::Box { width, height }, unit(&a[i + 3])?));
                    by_box = true;
                    i += 3;
                }
                _ => return Err(CommandError::Syntax),
            }
            i += 1;
        }
        if q.store.is_some() && (q.with_dist || q.with_hash || q.with_coord) {
            let what = if self.form == Form::SearchStore {
                "GEOSEARCHSTORE"
            } else {
                "STORE option in GEORADIUS"
            };
            return Err(CommandError::other(format!(
                "ERR {what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
            )));
        }
        if geosearch && !(from_member || from_lonlat) {
            return Err(CommandError::other(format!(
                "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {}",
                self.name
            )));
        }
        if geosearch && !(by_radius || by_box) {
            return Err(CommandError::other(format!(
                "ERR exactly one of BYRADIUS and BYBOX can be specified for {}",
                self.name
            )));
        }
        if q.any && q.count == 0 {
            return Err(CommandError::other(
                "ERR the ANY argument requires COUNT argument",
            ));
        }
        if let (Some((lon, lat)), Some((shape, unit))) = (center, shape) {
            q.search = Some(Search {
                lon,
                lat,
                shape,
                unit,
            });
        }
        Ok(q)
    }

    fn run(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let key = if self.form == Form::SearchStore {
            self.args[1].clone()
        } else {
            self.args[0].clone()
        };
        let exists = ctx.engine.zcard(&key)? > 0;
        let q = self.query(ctx, &key, exists)?;
        let Some(search) = q.search.filter(|_| exists) else {
            return match &q.store {
                Some(dst) => {
                    if ctx.engine.delete(dst)? {
                        ctx.notify(Class::GENERIC, "del", dst);
                    }
                    Ok(Reply::Int(0))
                }
                None => Ok(Reply::Array(Vec::new())),
            };
        };
        let limit = if q.any { q.count } else { 0 };
        let mut found = Vec::new();
        'ranges: for (min, max) in search.score_ranges() {
            if limit > 0 && found.len() >= limit {
                break;
            }
            let range = ZRange::new(ZRangeBy::Score(ScoreRange {
                min: ScoreBound {
                    value: min,
                    exclusive: false,
                },
                max: ScoreBound {
                    value: max,
                    exclusive: true,
                },
            }));
            for (member, score) in ctx.engine.zrange(&key, &range)? {
                if let Some(hit) = search.matches(score) {
                    found.push((member, score, hit));
                    if limit > 0 && found.len() >= limit {
                        break 'ranges;
                    }
                }
            }
        }
        // COUNT without ANY wants the nearest: it implies ASC.
        let order = q.order.or((q.count > 0 && !q.any).then_some(Order::Asc));
        let returned = if q.count == 0 {
            found.len()
        } else {
            q.count.min(found.len())
        };
        if let Some(order) = order {
            hash::sort_results(&mut found, order, returned, |f| f.2.dist);
        }
        found.truncate(returned);
        match q.store {
            Some(dst) => store(ctx, &self.form, &dst, &search, q.store_dist, found),
            None => Ok(Reply::Array(
                found
                    .into_iter()
                    .map(|(member, score, hit)| {
                        if !(q.with_dist || q.with_hash || q.with_coord) {
                            return Reply::bulk(member);
                        }
                        let mut item = vec![Reply::bulk(member)];
                        if q.with_dist {
                            let dist = hash::format_distance(search.in_unit(hit.dist));
                            item.push(Reply::bulk(dist));
                        }
                        if q.with_hash {
                            item.push(Reply::Int(hash::hash_integer(score)));
                        }
                        if q.with_coord {
                            item.push(Reply::Array(vec![coord(hit.lon), coord(hit.lat)]));
                        }
                        Reply::Array(item)
                    })
                    .collect(),
            )),
        }
    }
}

/// STORE/STOREDIST/GEOSEARCHSTORE: the results replace `dst` as a sorted
/// set (deleted when empty); the reply is their number.
fn store(
    ctx: &mut Ctx,
    form: &Form,
    dst: &[u8],
    search: &Search,
    dist: bool,
    found: Vec<(Vec<u8>, f64, hash::Hit)>,
) -> Result<Reply, CommandError> {
    let existed = ctx.engine.delete(dst)?;
    if found.is_empty() {
        if existed {
            ctx.notify(Class::GENERIC, "del", dst);
        }
        return Ok(Reply::Int(0));
    }
    let items: Vec<(f64, &[u8])> = found
        .iter()
        .map(|(member, score, hit)| {
            let score = if dist {
                search.in_unit(hit.dist)
            } else {
                *score
            };
            (score, &member[..])
        })
        .collect();
    ctx.engine.zadd(dst, &items, ZAddFlags::default())?;
    let event = if *form == Form::SearchStore {
        "geosearchstore"
    } else {
        "georadiusstore"
    };
    ctx.notify(Class::ZSET, event, dst);
    Ok(Reply::Int(found.len() as i64))
}

/// GEORADIUS[BYMEMBER]'s keys as Redis' key specs find them: the source,
/// then the key after the first `STORE` and after the first `STOREDIST`
/// at or past `from` (where the options start).
fn radius_keys(argv: &[Bytes], from: usize) -> Vec<usize> {
    let mut keys = vec![1];
    for keyword in [&b"store"[..], b"storedist"] {
        let found = (from..argv.len()).find(|&i| argv[i].eq_ignore_ascii_case(keyword));
        keys.extend(found.map(|i| i + 1).filter(|&i| i < argv.len()));
    }
    keys
}

fn georadius_keys(argv: &[Bytes]) -> Vec<usize> {
    radius_keys(argv, 6)
}

fn georadiusbymember_keys(argv: &[Bytes]) -> Vec<usize> {
    radius_keys(argv, 5)
}

/// Declares one command of the family.
macro_rules! geo_command {
    ($ty:ident, $name:literal, $arity:literal, $flags:expr, $keys:expr, $form:expr, $ro:literal,
     $summary:literal, $since:literal) => {
        pub struct $ty(GeoSearch);

        impl Command for $ty {
            const SPEC: CommandSpec = {
                let spec = CommandSpec::new($name, $arity, $flags, "geo")
                    .keys($keys.0, $keys.1, 1)
                    .summary($summary)
                    .since($since);
                // Only the forms with STORE have keys an option names.
                match ($form, $ro) {
                    (Form::Radius, false) => spec.key_finder(georadius_keys),
                    (Form::ByMember, false) => spec.key_finder(georadiusbymember_keys),
                    _ => spec,
                }
            };

            fn parse(args: &mut Args) -> Result<Self, CommandError> {
                Ok($ty(GeoSearch::new($form, $ro, args)))
            }

            fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
                self.0.run(ctx)
            }
        }
    };
}

const WRITE: Flags = Flags::WRITE.union(Flags::DENYOOM);

geo_command!(
    GeoSearchCmd,
    "geosearch",
    -7,
    Flags::READONLY,
    (1, 1),
    Form::Search,
    false,
    "Queries a geospatial index for members inside an area of a box or a circle.",
    "6.2.0"
);
geo_command!(GeoSearchStore, "geosearchstore", -8, WRITE, (1, 2), Form::SearchStore, false,
    "Queries a geospatial index for members inside an area of a box or a circle, optionally stores the result.", "6.2.0");
geo_command!(GeoRadius, "georadius", -6, WRITE, (1, 1), Form::Radius, false,
    "Queries a geospatial index for members within a distance from a coordinate, optionally stores the result.", "3.2.0");
geo_command!(
    GeoRadiusRo,
    "georadius_ro",
    -6,
    Flags::READONLY,
    (1, 1),
    Form::Radius,
    true,
    "Returns members from a geospatial index that are within a distance from a coordinate.",
    "3.2.10"
);
geo_command!(GeoRadiusByMember, "georadiusbymember", -5, WRITE, (1, 1), Form::ByMember, false,
    "Queries a geospatial index for members within a distance from a member, optionally stores the result.", "3.2.0");
geo_command!(
    GeoRadiusByMemberRo,
    "georadiusbymember_ro",
    -5,
    Flags::READONLY,
    (1, 1),
    Form::ByMember,
    true,
    "Returns members from a geospatial index that are within a distance from a member.",
    "3.2.10"
);

register_command!(
    GeoSearchCmd,
    GeoSearchStore,
    GeoRadius,
    GeoRadiusRo,
    GeoRadiusByMember,
    GeoRadiusByMemberRo
);
