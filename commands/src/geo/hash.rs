//! Redis 7.0.15's geo math, ported so every result is bit-for-bit Redis':
//! `geohash.c`, `geohash_helper.c` and the pure parts of `geo.c`.
//!
//! A geo set is a sorted set whose scores are 52-bit interleaved geohashes
//! (26 bits of latitude on the even bits, 26 of longitude on the odd ones)
//! over longitude -180..180 and latitude -85.05112878..85.05112878.
//!
//! * [`encode`] gives the score GEOADD stores, [`decode`] the position
//!   GEOPOS reports, [`distance`] the haversine GEODIST and the searches use.
//! * [`Search::score_ranges`] gives the `[min, max)` score ranges Redis scans
//!   for a radius or box search, in Redis' order; [`Search::matches`] is the
//!   per-member filter applied to every member found in those ranges.
//! * [`sort_results`] reproduces Redis' ASC/DESC ordering including the order
//!   of ties (glibc's merge sort, or Redis' partial `pqsort` under COUNT).
//! * [`validate`], [`unit_factor`], [`format_distance`], [`format_coord`],
//!   [`geohash_string`] and [`hash_integer`] give Redis' exact reply and error
//!   texts.
//!
//! The arithmetic keeps Redis' operation order on purpose: reordering a
//! product or folding a unit conversion changes the last bits of a double, and
//! with them which members sit on the edge of a search.

use std::f64::consts::PI;

/// Smallest longitude GEOADD accepts (`GEO_LONG_MIN`).
pub const LONG_MIN: f64 = -180.0;
/// Largest longitude GEOADD accepts (`GEO_LONG_MAX`).
pub const LONG_MAX: f64 = 180.0;
/// Smallest latitude GEOADD accepts (`GEO_LAT_MIN`, EPSG:900913's limit).
pub const LAT_MIN: f64 = -85.05112878;
/// Largest latitude GEOADD accepts (`GEO_LAT_MAX`).
pub const LAT_MAX: f64 = 85.05112878;
/// Bits per coordinate in a stored score (`GEO_STEP_MAX`, 2 × 26 = 52).
pub const STEP_MAX: u8 = 26;
/// Earth's quadratic mean radius Redis uses for every distance.
pub const EARTH_RADIUS_IN_METERS: f64 = 6372797.560856;
/// The error for an unknown distance unit (`extractUnitOrReply`).
pub const UNIT_ERROR: &str = "ERR unsupported unit provided. please use M, KM, FT, MI";

const MERCATOR_MAX: f64 = 20037726.37;
/// `D_R`: `M_PI / 180.0`, folded by the compiler exactly as C does.
const D_R: f64 = PI / 180.0;
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
const GEOALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";

#[derive(Clone, Copy, Debug, PartialEq)]
struct Range {
    min: f64,
    max: f64,
}

const WGS84_LONG: Range = Range {
    min: LONG_MIN,
    max: LONG_MAX,
};
const WGS84_LAT: Range = Range {
    min: LAT_MIN,
    max: LAT_MAX,
};

/// `GeoHashBits`: a geohash of `step` bits per coordinate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bits {
    bits: u64,
    step: u8,
}

/// `GeoHashArea` without the hash: the cell's bounds.
#[derive(Clone, Copy, Debug)]
struct Area {
    longitude: Range,
    latitude: Range,
}

/// `GeoHashNeighbors`; `None` is Redis' `GZERO`ed (excluded) neighbor.
#[derive(Clone, Copy, Debug)]
struct Neighbors {
    north: Option<Bits>,
    east: Option<Bits>,
    west: Option<Bits>,
    south: Option<Bits>,
    north_east: Option<Bits>,
    south_east: Option<Bits>,
    north_west: Option<Bits>,
    south_west: Option<Bits>,
}

/// Checks a longitude/latitude pair as `extractLongLatOrReply` does, giving
/// its exact error text (both numbers printed with C's `%f`).
///
/// NaN never reaches this in Redis (its float parser rejects it); it is
/// refused here rather than encoded.
pub fn validate(lon: f64, lat: f64) -> Result<(), String> {
    if !within_limits(lon, lat) {
        return Err(format!(
            "ERR invalid longitude,latitude pair {},{}",
            c_percent_f(lon),
            c_percent_f(lat)
        ));
    }
    Ok(())
}

/// The score GEOADD stores for a position (`geohashEncodeWGS84` at step 26,
/// then `geohashAlign52Bits`); GEOADD's score is this value as `f64`.
///
/// `None` when the pair is outside the limits (see [`validate`]) or NaN.
/// At exactly longitude 180 or latitude `LAT_MAX` Redis' hash spills past
/// 52 bits (up to 2^54); that is kept, as it is what Redis stores.
pub fn encode(lon: f64, lat: f64) -> Option<u64> {
    encode_bits(WGS84_LONG, WGS84_LAT, lon, lat, STEP_MAX).map(align52)
}

/// The position GEOPOS reports for a score (`decodeGeohash`). Never fails in
/// Redis: any score, even one no GEOADD produced, decodes (clamped to the
/// limits); the score goes through C's `(uint64_t)` conversion as compiled
/// for x86-64, so negative and huge scores decode as Redis decodes them.
pub fn decode(score: f64) -> (f64, f64) {
    let hash = Bits {
        bits: c_f64_to_u64(score),
        step: STEP_MAX,
    };
    decode_area(WGS84_LONG, WGS84_LAT, hash).map_or((0.0, 0.0), area_center)
}

/// Great-circle distance in meters (`geohashGetDistance`), as GEODIST and the
/// searches compute it (center first, as Redis passes it).
pub fn distance(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let lon1r = deg_rad(lon1);
    let lon2r = deg_rad(lon2);
    let v = ((lon2r - lon1r) / 2.0).sin();
    // Redis' shortcut when the longitudes are (practically) the same.
    if v == 0.0 {
        return lat_distance(lat1, lat2);
    }
    let lat1r = deg_rad(lat1);
    let lat2r = deg_rad(lat2);
    let u = ((lat2r - lat1r) / 2.0).sin();
    let a = u * u + lat1r.cos() * lat2r.cos() * v * v;
    2.0 * EARTH_RADIUS_IN_METERS * a.sqrt().asin()
}

/// GEOHASH's 11-character string for a score: decoded, re-encoded over the
/// standard -90..90 latitude range, the 11th character always `'0'`.
pub fn geohash_string(score: f64) -> String {
    let (lon, lat) = decode(score);
    let standard_long = Range {
        min: -180.0,
        max: 180.0,
    };
    let standard_lat = Range {
        min: -90.0,
        max: 90.0,
    };
    // A decoded position is always within the limits, so this encodes.
    let bits = encode_bits(standard_long, standard_lat, lon, lat, STEP_MAX).map_or(0, |h| h.bits);
    (0..11u32)
        .map(|i| {
            let idx = if i == 10 {
                0
            } else {
                (bits >> (52 - (i + 1) * 5)) & 0x1f
            };
            char::from(GEOALPHABET[idx as usize])
        })
        .collect()
}

/// Meters per unit for a unit argument (`extractUnitOrReply`): `m`, `km`,
/// `ft`, `mi`, any case. `None` means reply [`UNIT_ERROR`]. Like Redis'
/// `strcasecmp`, only the bytes before a NUL count.
pub fn unit_factor(unit: &[u8]) -> Option<f64> {
    let unit = c_str(unit);
    if unit.eq_ignore_ascii_case(b"m") {
        Some(1.0)
    } else if unit.eq_ignore_ascii_case(b"km") {
        Some(1000.0)
    } else if unit.eq_ignore_ascii_case(b"ft") {
        Some(0.3048)
    } else if unit.eq_ignore_ascii_case(b"mi") {
        Some(1609.34)
    } else {
        None
    }
}

/// A distance as GEODIST and WITHDIST reply it (`addReplyDoubleDistance`,
/// Redis' `fixedpoint_d2string` with 4 digits: `llrint(d * 10000)` printed
/// as a fixed-point number). Pass the distance already in the reply's unit.
pub fn format_distance(d: f64) -> String {
    if d == 0.0 {
        return "0.0000".to_owned();
    }
    let scaled = llrint(d * 10000.0);
    let sign = if scaled < 0 { "-" } else { "" };
    let value = scaled.unsigned_abs();
    format!("{sign}{}.{:04}", value / 10000, value % 10000)
}

/// A coordinate as GEOPOS and WITHCOORD reply it (`addReplyHumanLongDouble`:
/// `%.17Lf` with trailing zeros, then a trailing dot, removed; `-0` becomes
/// `0`). RESP2 sends it as a bulk string, RESP3 as a double (`,<text>`).
pub fn format_coord(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    if v.is_nan() {
        return c_percent_f(v);
    }
    let mut s = format!("{v:.17}");
    let trimmed = s.trim_end_matches('0').trim_end_matches('.').len();
    s.truncate(trimmed);
    if s == "-0" {
        s = "0".to_owned();
    }
    s
}

/// WITHHASH's integer for a member's score (`addReplyLongLong(score)`: C's
/// `(long long)` conversion on x86-64).
pub fn hash_integer(score: f64) -> i64 {
    cvttsd2si(score)
}

/// A search's shape, in the units the client gave (Redis keeps the unit
/// factor apart and the results depend on where it is applied).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    /// BYRADIUS / GEORADIUS: the radius.
    Radius { radius: f64 },
    /// BYBOX: the full width (east-west) and height (north-south).
    Box { width: f64, height: f64 },
}

/// A radius or box search (Redis' `GeoShape`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Search {
    /// Center longitude: FROMLONLAT's (validated) or FROMMEMBER's decoded one.
    pub lon: f64,
    /// Center latitude.
    pub lat: f64,
    /// The shape, in `unit`s.
    pub shape: Shape,
    /// Meters per unit, from [`unit_factor`].
    pub unit: f64,
}

/// A member inside the search shape (what `geoWithinShape` yields).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    /// The member's decoded longitude (WITHCOORD).
    pub lon: f64,
    /// The member's decoded latitude (WITHCOORD).
    pub lat: f64,
    /// Distance from the center in meters: sort on this, reply and STOREDIST
    /// `dist / unit` (see [`Search::in_unit`]).
    pub dist: f64,
}

impl Search {
    /// The score ranges, each `min` inclusive and `max` exclusive, that Redis
    /// scans for this search, in its order: center cell, N, S, E, W, NE, NW,
    /// SE, SW, minus excluded neighbors and minus a neighbor equal to the
    /// previously scanned one (not compared with the center, as in Redis).
    /// Within a range Redis visits members by score, then member bytes.
    ///
    /// Empty only for a center Redis would never search from (outside the
    /// limits or NaN).
    pub fn score_ranges(&self) -> Vec<(f64, f64)> {
        let Some(cells) = self.cells() else {
            return Vec::new();
        };
        let mut ranges = Vec::with_capacity(cells.len());
        // Redis' `last_processed`, where index 0 (the center) means "none".
        let mut last: Option<Bits> = None;
        for (i, cell) in cells.iter().enumerate() {
            let Some(cell) = *cell else { continue };
            if last == Some(cell) {
                continue;
            }
            let next = Bits {
                bits: cell.bits.wrapping_add(1),
                step: cell.step,
            };
            ranges.push((align52(cell) as f64, align52(next) as f64));
            last = (i != 0).then_some(cell);
        }
        ranges
    }

    /// Whether a member with this score is inside the shape, and where
    /// (`geoWithinShape`). A NaN distance counts as inside, as in Redis.
    pub fn matches(&self, score: f64) -> Option<Hit> {
        let (lon, lat) = decode(score);
        let dist = match self.shape {
            Shape::Radius { radius } => {
                let dist = distance(self.lon, self.lat, lon, lat);
                if dist > radius * self.unit {
                    return None;
                }
                dist
            }
            Shape::Box { width, height } => in_rectangle(
                width * self.unit,
                height * self.unit,
                self.lon,
                self.lat,
                lon,
                lat,
            )?,
        };
        Some(Hit { lon, lat, dist })
    }

    /// Converts meters to this search's unit, as Redis does before replying
    /// WITHDIST or storing STOREDIST scores.
    pub fn in_unit(&self, meters: f64) -> f64 {
        meters / self.unit
    }

    /// `geohashCalculateAreasByShapeWGS84`, flattened into the order
    /// `membersOfAllNeighbors` scans the cells.
    fn cells(&self) -> Option<[Option<Bits>; 9]> {
        let [min_lon, min_lat, max_lon, max_lat] = self.bounding_box();
        // For a box, the distance from the center to a corner.
        let mut radius_meters = match self.shape {
            Shape::Radius { radius } => radius,
            Shape::Box { width, height } => {
                ((width / 2.0) * (width / 2.0) + (height / 2.0) * (height / 2.0)).sqrt()
            }
        };
        radius_meters *= self.unit;

        let mut steps = estimate_steps(radius_meters, self.lat);
        let mut hash = encode_bits(WGS84_LONG, WGS84_LAT, self.lon, self.lat, steps)?;
        let mut neighbors = neighbors_of(hash);
        let mut area = decode_area(WGS84_LONG, WGS84_LAT, hash)?;

        // The estimated step can leave part of the shape outside the 3x3
        // cells when the center is near its cell's edge: go one step coarser.
        let cell = |b: Option<Bits>| b.and_then(|b| decode_area(WGS84_LONG, WGS84_LAT, b));
        let (north, south, east, west) = (
            cell(neighbors.north)?,
            cell(neighbors.south)?,
            cell(neighbors.east)?,
            cell(neighbors.west)?,
        );
        let decrease_step = north.latitude.max < max_lat
            || south.latitude.min > min_lat
            || east.longitude.max < max_lon
            || west.longitude.min > min_lon;
        if steps > 1 && decrease_step {
            steps -= 1;
            hash = encode_bits(WGS84_LONG, WGS84_LAT, self.lon, self.lat, steps)?;
            neighbors = neighbors_of(hash);
            area = decode_area(WGS84_LONG, WGS84_LAT, hash)?;
        }

        // Drop the neighbors the shape cannot reach.
        if steps >= 2 {
            let n = &mut neighbors;
            if area.latitude.min < min_lat {
                n.south = None;
                n.south_west = None;
                n.south_east = None;
            }
            if area.latitude.max > max_lat {
                n.north = None;
                n.north_east = None;
                n.north_west = None;
            }
            if area.longitude.min < min_lon {
                n.west = None;
                n.south_west = None;
                n.north_west = None;
            }
            if area.longitude.max > max_lon {
                n.east = None;
                n.south_east = None;
                n.north_east = None;
            }
        }
        let n = neighbors;
        Some([
            Some(hash),
            n.north,
            n.south,
            n.east,
            n.west,
            n.north_east,
            n.north_west,
            n.south_east,
            n.south_west,
        ])
    }

    /// `geohashBoundingBox`: `[min_lon, min_lat, max_lon, max_lat]`, the
    /// longitudes taken on the shape's edge nearer the pole.
    fn bounding_box(&self) -> [f64; 4] {
        let (height, width) = match self.shape {
            Shape::Radius { radius } => (self.unit * radius, self.unit * radius),
            Shape::Box { width, height } => (self.unit * (height / 2.0), self.unit * (width / 2.0)),
        };
        let lat_delta = rad_deg(height / EARTH_RADIUS_IN_METERS);
        let long_delta_top =
            rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(self.lat + lat_delta).cos());
        let long_delta_bottom =
            rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(self.lat - lat_delta).cos());
        let long_delta = if self.lat < 0.0 {
            long_delta_bottom
        } else {
            long_delta_top
        };
        [
            self.lon - long_delta,
            self.lat - lat_delta,
            self.lon + long_delta,
            self.lat + lat_delta,
        ]
    }
}

/// ASC or DESC, by distance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Asc,
    Desc,
}

/// Sorts search results as `georadiusGeneric` does, ties included: when all
/// `items` are returned (`returned >= items.len()`), glibc 2.36's `qsort`
/// (a stable top-down merge sort); otherwise Redis' `pqsort`, which only
/// guarantees that the first `returned` items are the right ones in order.
/// `dist` gives each item's distance in meters. Call it only when ASC/DESC
/// applies (given, or COUNT without ANY); results are then truncated to
/// `returned` by the caller.
pub fn sort_results<T>(
    items: &mut Vec<T>,
    order: Order,
    returned: usize,
    dist: impl Fn(&T) -> f64,
) {
    // `sort_gp_asc` / `sort_gp_desc`, NaN comparing as "less" both ways.
    let cmp = |a: &T, b: &T| -> i32 {
        let (da, db) = (dist(a), dist(b));
        let asc = if da > db {
            1
        } else if da == db {
            0
        } else {
            -1
        };
        match order {
            Order::Asc => asc,
            Order::Desc => -asc,
        }
    };
    if returned == 0 || returned >= items.len() {
        merge_sort(items, &cmp);
    } else {
        pqsort(items, &cmp, 0, returned - 1);
    }
}

/// glibc's `msort_with_tmp`, sorting indices as its indirect mode does, then
/// moving the items into that order.
fn merge_sort<T>(items: &mut Vec<T>, cmp: &impl Fn(&T, &T) -> i32) {
    fn sort<T>(idx: &mut [usize], tmp: &mut [usize], items: &[T], cmp: &impl Fn(&T, &T) -> i32) {
        let n = idx.len();
        if n <= 1 {
            return;
        }
        let n1 = n / 2;
        let (b1, b2) = idx.split_at_mut(n1);
        sort(b1, tmp, items, cmp);
        sort(b2, tmp, items, cmp);
        let (mut i, mut j, mut k) = (0, 0, 0);
        while i < b1.len() && j < b2.len() {
            if cmp(&items[b1[i]], &items[b2[j]]) <= 0 {
                tmp[k] = b1[i];
                i += 1;
            } else {
                tmp[k] = b2[j];
                j += 1;
            }
            k += 1;
        }
        let rest = b1.len() - i;
        tmp[k..k + rest].copy_from_slice(&b1[i..]);
        // What is left of b2 is already in place.
        idx[..k + rest].copy_from_slice(&tmp[..k + rest]);
    }

    let mut idx: Vec<usize> = (0..items.len()).collect();
    let mut tmp = vec![0; items.len()];
    sort(&mut idx, &mut tmp, items, cmp);
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    *items = idx
        .iter()
        .filter_map(|&i| slots.get_mut(i).and_then(Option::take))
        .collect();
}

/// Redis' `pqsort` (NetBSD's qsort that skips partitions outside
/// `lrange..=rrange`), with element indices for pointers; an explicit stack
/// replaces its recursion (the partitions are disjoint, so the order they are
/// done in is moot).
fn pqsort<T>(v: &mut [T], cmp: &impl Fn(&T, &T) -> i32, lrange: usize, rrange: usize) {
    let med3 = |v: &[T], a: usize, b: usize, c: usize| -> usize {
        if cmp(&v[a], &v[b]) < 0 {
            if cmp(&v[b], &v[c]) < 0 {
                b
            } else if cmp(&v[a], &v[c]) < 0 {
                c
            } else {
                a
            }
        } else if cmp(&v[b], &v[c]) > 0 {
            b
        } else if cmp(&v[a], &v[c]) < 0 {
            a
        } else {
            c
        }
    };
    // Redis recurses into a partition only if it overlaps the wanted range.
    let wanted = |start: usize, len: usize| {
        let end = start + len - 1;
        !((lrange < start && rrange < start) || (lrange > end && rrange > end))
    };
    let vecswap = |v: &mut [T], a: usize, b: usize, n: usize| {
        for i in 0..n {
            v.swap(a + i, b + i);
        }
    };

    let mut stack = vec![(0usize, v.len())];
    while let Some((a, n)) = stack.pop() {
        if n < 7 {
            for pm in a + 1..a + n {
                let mut pl = pm;
                while pl > a && cmp(&v[pl - 1], &v[pl]) > 0 {
                    v.swap(pl, pl - 1);
                    pl -= 1;
                }
            }
            continue;
        }
        let mut pm = a + n / 2;
        if n > 7 {
            let mut pl = a;
            let mut pn = a + n - 1;
            if n > 40 {
                let d = n / 8;
                pl = med3(v, pl, pl + d, pl + 2 * d);
                pm = med3(v, pm - d, pm, pm + d);
                pn = med3(v, pn - 2 * d, pn - d, pn);
            }
            pm = med3(v, pl, pm, pn);
        }
        v.swap(a, pm);
        let (mut pa, mut pb) = (a + 1, a + 1);
        let (mut pc, mut pd) = (a + n - 1, a + n - 1);
        loop {
            while pb <= pc {
                let r = cmp(&v[pb], &v[a]);
                if r > 0 {
                    break;
                }
                if r == 0 {
                    v.swap(pa, pb);
                    pa += 1;
                }
                pb += 1;
            }
            while pb <= pc {
                let r = cmp(&v[pc], &v[a]);
                if r < 0 {
                    break;
                }
                if r == 0 {
                    v.swap(pc, pd);
                    pd -= 1;
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            v.swap(pb, pc);
            pb += 1;
            pc -= 1;
        }
        let pn = a + n;
        let r = (pa - a).min(pb - pa);
        vecswap(v, a, pb - r, r);
        let r = (pd - pc).min(pn - pd - 1);
        vecswap(v, pb, pn - r, r);
        let r = pb - pa;
        if r > 1 && wanted(a, r) {
            stack.push((a, r));
        }
        let r = pd - pc;
        if r > 1 && wanted(pn - r, r) {
            stack.push((pn - r, r));
        }
    }
}

fn deg_rad(ang: f64) -> f64 {
    ang * D_R
}

fn rad_deg(ang: f64) -> f64 {
    ang / D_R
}

/// `geohashGetLatDistance`: distance along a meridian.
fn lat_distance(lat1: f64, lat2: f64) -> f64 {
    EARTH_RADIUS_IN_METERS * (deg_rad(lat2) - deg_rad(lat1)).abs()
}

/// `geohashGetDistanceIfInRectangle`: the distance from the center if the
/// point is within half the height north-south and half the width east-west
/// (measured along the point's parallel).
fn in_rectangle(width_m: f64, height_m: f64, x1: f64, y1: f64, x2: f64, y2: f64) -> Option<f64> {
    if lat_distance(y2, y1) > height_m / 2.0 {
        return None;
    }
    if distance(x2, y2, x1, y2) > width_m / 2.0 {
        return None;
    }
    Some(distance(x1, y1, x2, y2))
}

/// `geohashEstimateStepsByRadius`.
fn estimate_steps(range_meters: f64, lat: f64) -> u8 {
    if range_meters == 0.0 {
        return 26;
    }
    let mut range_meters = range_meters;
    let mut step: i32 = 1;
    // The cap only stops a negative radius (never passed by Redis) from
    // looping forever: past 30 the result is clamped to 26 regardless.
    while range_meters < MERCATOR_MAX && step < 32 {
        range_meters *= 2.0;
        step += 1;
    }
    step -= 2;
    // Cells get narrower towards the poles.
    if !(-66.0..=66.0).contains(&lat) {
        step -= 1;
        if !(-80.0..=80.0).contains(&lat) {
            step -= 1;
        }
    }
    step.clamp(1, 26) as u8
}

/// The GEO_LONG/GEO_LAT limits, inclusive; false for NaN.
fn within_limits(lon: f64, lat: f64) -> bool {
    (LONG_MIN..=LONG_MAX).contains(&lon) && (LAT_MIN..=LAT_MAX).contains(&lat)
}

/// `geohashEncode`.
fn encode_bits(long_range: Range, lat_range: Range, lon: f64, lat: f64, step: u8) -> Option<Bits> {
    if step > 32 || step == 0 || range_is_zero(lat_range) || range_is_zero(long_range) {
        return None;
    }
    // Also refuses NaN, which C would convert to an integer (undefined).
    if !within_limits(lon, lat) {
        return None;
    }
    if lat < lat_range.min || lat > lat_range.max || lon < long_range.min || lon > long_range.max {
        return None;
    }
    let scale = (1u64 << step) as f64;
    let mut lat_offset = (lat - lat_range.min) / (lat_range.max - lat_range.min);
    let mut long_offset = (lon - long_range.min) / (long_range.max - long_range.min);
    lat_offset *= scale;
    long_offset *= scale;
    Some(Bits {
        bits: interleave64(lat_offset as u32, long_offset as u32),
        step,
    })
}

/// `geohashDecode`: the cell's bounds. `None` for the all-zero hash.
fn decode_area(long_range: Range, lat_range: Range, hash: Bits) -> Option<Area> {
    if (hash.bits == 0 && hash.step == 0)
        || hash.step > 32
        || range_is_zero(lat_range)
        || range_is_zero(long_range)
    {
        return None;
    }
    let hash_sep = deinterleave64(hash.bits);
    let lat_scale = lat_range.max - lat_range.min;
    let long_scale = long_range.max - long_range.min;
    let ilato = hash_sep as u32;
    let ilono = (hash_sep >> 32) as u32;
    let cells = (1u64 << hash.step) as f64;
    // `ilato + 1` is 32-bit unsigned arithmetic in C.
    let edge = |i: u32, min: f64, scale: f64| min + (f64::from(i) * 1.0 / cells) * scale;
    Some(Area {
        latitude: Range {
            min: edge(ilato, lat_range.min, lat_scale),
            max: edge(ilato.wrapping_add(1), lat_range.min, lat_scale),
        },
        longitude: Range {
            min: edge(ilono, long_range.min, long_scale),
            max: edge(ilono.wrapping_add(1), long_range.min, long_scale),
        },
    })
}

/// `geohashDecodeAreaToLongLat`: the cell's center, clamped to the limits.
fn area_center(area: Area) -> (f64, f64) {
    let lon = ((area.longitude.min + area.longitude.max) / 2.0).clamp(LONG_MIN, LONG_MAX);
    let lat = ((area.latitude.min + area.latitude.max) / 2.0).clamp(LAT_MIN, LAT_MAX);
    (lon, lat)
}

fn range_is_zero(r: Range) -> bool {
    r.max == 0.0 && r.min == 0.0
}

/// `geohashAlign52Bits`.
fn align52(hash: Bits) -> u64 {
    hash.bits << (52 - u32::from(hash.step.min(26)) * 2)
}

/// `geohashNeighbors` (all eight, before any exclusion).
fn neighbors_of(hash: Bits) -> Neighbors {
    let moved = |dx: i8, dy: i8| Some(move_y(move_x(hash, dx), dy));
    Neighbors {
        east: moved(1, 0),
        west: moved(-1, 0),
        south: moved(0, -1),
        north: moved(0, 1),
        north_west: moved(-1, 1),
        north_east: moved(1, 1),
        south_east: moved(1, -1),
        south_west: moved(-1, -1),
    }
}

/// `geohash_move_x`: one cell east (`d > 0`) or west, wrapping around.
fn move_x(hash: Bits, d: i8) -> Bits {
    if d == 0 || hash.step == 0 || hash.step > 32 {
        return hash;
    }
    let shift = 64 - u32::from(hash.step) * 2;
    let mut x = hash.bits & 0xaaaa_aaaa_aaaa_aaaa;
    let y = hash.bits & 0x5555_5555_5555_5555;
    let zz = 0x5555_5555_5555_5555u64 >> shift;
    if d > 0 {
        x = x.wrapping_add(zz.wrapping_add(1));
    } else {
        x |= zz;
        x = x.wrapping_sub(zz.wrapping_add(1));
    }
    x &= 0xaaaa_aaaa_aaaa_aaaau64 >> shift;
    Bits {
        bits: x | y,
        step: hash.step,
    }
}

/// `geohash_move_y`: one cell north (`d > 0`) or south, wrapping around.
fn move_y(hash: Bits, d: i8) -> Bits {
    if d == 0 || hash.step == 0 || hash.step > 32 {
        return hash;
    }
    let shift = 64 - u32::from(hash.step) * 2;
    let x = hash.bits & 0xaaaa_aaaa_aaaa_aaaa;
    let mut y = hash.bits & 0x5555_5555_5555_5555;
    let zz = 0xaaaa_aaaa_aaaa_aaaau64 >> shift;
    if d > 0 {
        y = y.wrapping_add(zz.wrapping_add(1));
    } else {
        y |= zz;
        y = y.wrapping_sub(zz.wrapping_add(1));
    }
    y &= 0x5555_5555_5555_5555u64 >> shift;
    Bits {
        bits: x | y,
        step: hash.step,
    }
}

/// Interleaves `xlo` into the even bits and `ylo` into the odd ones.
fn interleave64(xlo: u32, ylo: u32) -> u64 {
    const B: [u64; 5] = [
        0x5555_5555_5555_5555,
        0x3333_3333_3333_3333,
        0x0F0F_0F0F_0F0F_0F0F,
        0x00FF_00FF_00FF_00FF,
        0x0000_FFFF_0000_FFFF,
    ];
    const S: [u32; 5] = [1, 2, 4, 8, 16];
    let mut x = u64::from(xlo);
    let mut y = u64::from(ylo);
    for (&b, &s) in B.iter().zip(&S).rev() {
        x = (x | (x << s)) & b;
        y = (y | (y << s)) & b;
    }
    x | (y << 1)
}

/// Reverses [`interleave64`]: even bits in the low half, odd in the high.
fn deinterleave64(interleaved: u64) -> u64 {
    const B: [u64; 6] = [
        0x5555_5555_5555_5555,
        0x3333_3333_3333_3333,
        0x0F0F_0F0F_0F0F_0F0F,
        0x00FF_00FF_00FF_00FF,
        0x0000_FFFF_0000_FFFF,
        0x0000_0000_FFFF_FFFF,
    ];
    const S: [u32; 6] = [0, 1, 2, 4, 8, 16];
    let mut x = interleaved;
    let mut y = interleaved >> 1;
    for (&b, &s) in B.iter().zip(&S) {
        x = (x | (x >> s)) & b;
        y = (y | (y >> s)) & b;
    }
    x | (y << 32)
}

/// x86-64's `cvttsd2si`: truncation, or `i64::MIN` when out of range or NaN.
fn cvttsd2si(x: f64) -> i64 {
    if (-TWO_POW_63..TWO_POW_63).contains(&x) {
        x as i64
    } else {
        i64::MIN
    }
}

/// C's `(uint64_t)` conversion of a double as gcc emits it on x86-64.
fn c_f64_to_u64(x: f64) -> u64 {
    if x >= TWO_POW_63 {
        (cvttsd2si(x - TWO_POW_63) as u64) ^ (1 << 63)
    } else {
        cvttsd2si(x) as u64
    }
}

/// glibc's `llrint` on x86-64 (`cvtsd2si`: ties to even, else `i64::MIN`).
fn llrint(x: f64) -> i64 {
    cvttsd2si(x.round_ties_even())
}

/// C's `printf("%f")`.
fn c_percent_f(x: f64) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan" } else { "nan" }.to_owned();
    }
    // Rust prints infinities as C does ("inf", "-inf") and rounds ties to even.
    format!("{x:.6}")
}

/// The bytes C's string functions see: up to the first NUL.
fn c_str(bytes: &[u8]) -> &[u8] {
    bytes.split(|&b| b == 0).next().unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    //! Golden values come from a real redis-server 7.0.15 (see the constants
    //! at the end); the helpers below play the command layer's part.

    use super::*;

    /// splitmix64, the generator gen.py used for the random points.
    struct SplitMix(u64);

    impl SplitMix {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
    }

    /// The 200 random points: polar caps, both sides of the antimeridian,
    /// then anywhere (microdegrees / 1e6, as gen.py computes them).
    fn random_points() -> Vec<(String, f64, f64)> {
        let mut rng = SplitMix(0x5EED);
        (0..200)
            .map(|i| {
                let r = rng.next();
                let hi = r >> 32;
                let (lon, lat): (i64, i64) = if i < 60 {
                    let lat = 80_000_000 + (r % 5_051_129) as i64;
                    let lon = (hi % 360_000_001) as i64 - 180_000_000;
                    (lon, if hi & 1 == 1 { -lat } else { lat })
                } else if i < 130 {
                    let lon = 179_000_000 + (r % 1_000_001) as i64;
                    let lat = (hi % 120_000_001) as i64 - 60_000_000;
                    (if hi & 1 == 1 { -lon } else { lon }, lat)
                } else {
                    let lon = (r % 360_000_001) as i64 - 180_000_000;
                    let lat = (hi % 170_102_257) as i64 - 85_051_128;
                    (lon, lat)
                };
                (format!("p{i}"), lon as f64 / 1e6, lat as f64 / 1e6)
            })
            .collect()
    }

    fn num(s: &str) -> f64 {
        s.parse().unwrap()
    }

    /// A sorted set as Redis orders it: by score, then member bytes.
    fn zset(mut entries: Vec<(f64, String)>) -> Vec<(f64, String)> {
        entries.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        entries
    }

    fn geoadd(points: &[(String, f64, f64)]) -> Vec<(f64, String)> {
        zset(
            points
                .iter()
                .map(|(m, lon, lat)| (encode(*lon, *lat).unwrap() as f64, m.clone()))
                .collect(),
        )
    }

    fn key(name: &str) -> Vec<(f64, String)> {
        match name {
            "pts" => geoadd(&random_points()),
            "ext" => geoadd(
                &EXTREMES
                    .lines()
                    .enumerate()
                    .map(|(i, l)| {
                        let f: Vec<&str> = l.split(' ').collect();
                        (format!("e{i}"), num(f[0]), num(f[1]))
                    })
                    .collect::<Vec<_>>(),
            ),
            "ties" => {
                let pos = [
                    (10.0, 80.0),
                    (10.5, 80.2),
                    (9.5, 79.9),
                    (10.0, 80.0),
                    (11.0, 80.4),
                ];
                geoadd(
                    &(0..60)
                        .map(|i| (format!("t{i:02}"), pos[i % 5].0, pos[i % 5].1))
                        .collect::<Vec<_>>(),
                )
            }
            "weird" => vec![(12345678.9, "m".to_owned())],
            _ => unreachable!(),
        }
    }

    struct Found {
        member: String,
        score: f64,
        hit: Hit,
    }

    /// GEOSEARCH as georadiusGeneric runs it, over an in-memory sorted set.
    fn run_search(entries: &[(f64, String)], args: &str) -> (Search, Vec<Found>, bool, [bool; 3]) {
        let t: Vec<&str> = args.split(' ').collect();
        let (mut center, mut shape, mut unit) = (None, None, 1.0);
        let (mut order, mut count, mut any, mut with) = (None, 0usize, false, [false; 3]);
        let mut i = 0;
        while i < t.len() {
            match t[i].to_ascii_uppercase().as_str() {
                "FROMLONLAT" => {
                    let (lon, lat) = (num(t[i + 1]), num(t[i + 2]));
                    validate(lon, lat).unwrap();
                    center = Some((lon, lat));
                    i += 2;
                }
                "FROMMEMBER" => {
                    let score = entries.iter().find(|e| e.1 == t[i + 1]).unwrap().0;
                    center = Some(decode(score));
                    i += 1;
                }
                "BYRADIUS" => {
                    shape = Some(Shape::Radius {
                        radius: num(t[i + 1]),
                    });
                    unit = unit_factor(t[i + 2].as_bytes()).unwrap();
                    i += 2;
                }
                "BYBOX" => {
                    shape = Some(Shape::Box {
                        width: num(t[i + 1]),
                        height: num(t[i + 2]),
                    });
                    unit = unit_factor(t[i + 3].as_bytes()).unwrap();
                    i += 3;
                }
                "ASC" => order = Some(Order::Asc),
                "DESC" => order = Some(Order::Desc),
                "ANY" => any = true,
                "COUNT" => {
                    count = t[i + 1].parse().unwrap();
                    i += 1;
                }
                "WITHDIST" => with[0] = true,
                "WITHHASH" => with[1] = true,
                "WITHCOORD" => with[2] = true,
                "STOREDIST" => {}
                other => panic!("unexpected {other}"),
            }
            i += 1;
        }
        let (lon, lat) = center.unwrap();
        let search = Search {
            lon,
            lat,
            shape: shape.unwrap(),
            unit,
        };
        if count != 0 && order.is_none() && !any {
            order = Some(Order::Asc);
        }
        let limit = if any { count } else { 0 };
        let mut found = Vec::new();
        'ranges: for (min, max) in search.score_ranges() {
            if limit != 0 && found.len() >= limit {
                break;
            }
            for (score, member) in entries.iter().filter(|e| e.0 >= min && e.0 < max) {
                if let Some(hit) = search.matches(*score) {
                    found.push(Found {
                        member: member.clone(),
                        score: *score,
                        hit,
                    });
                }
                if limit != 0 && found.len() >= limit {
                    break 'ranges;
                }
            }
        }
        let returned = if count == 0 {
            found.len()
        } else {
            count.min(found.len())
        };
        if let Some(order) = order {
            sort_results(&mut found, order, returned, |f| f.hit.dist);
        }
        found.truncate(returned);
        (search, found, any, with)
    }

    /// The RESP2 reply flattened as gen.py does.
    fn geosearch(entries: &[(f64, String)], args: &str) -> String {
        let (search, found, _, with) = run_search(entries, args);
        found
            .iter()
            .map(|f| {
                let mut parts = vec![f.member.clone()];
                if with[0] {
                    parts.push(format_distance(search.in_unit(f.hit.dist)));
                }
                if with[1] {
                    parts.push(hash_integer(f.score).to_string());
                }
                if with[2] {
                    parts.push(format_coord(f.hit.lon));
                    parts.push(format_coord(f.hit.lat));
                }
                parts.join(" ")
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[test]
    fn random_points_encode_decode_and_geohash_like_redis() {
        let points = random_points();
        let golden: Vec<&str> = POINTS.lines().collect();
        assert_eq!(points.len(), golden.len());
        for ((name, lon, lat), line) in points.iter().zip(golden) {
            let f: Vec<&str> = line.split(' ').collect();
            let score = encode(*lon, *lat).unwrap();
            assert_eq!(score.to_string(), f[0], "score of {name}");
            assert_eq!(geohash_string(score as f64), f[1], "geohash of {name}");
            let (dlon, dlat) = decode(score as f64);
            assert_eq!(
                (format_coord(dlon), format_coord(dlat)),
                (f[2].into(), f[3].into())
            );
        }
    }

    #[test]
    fn extremes_encode_decode_and_geohash_like_redis() {
        for line in EXTREMES.lines() {
            let f: Vec<&str> = line.split(' ').collect();
            let score = encode(num(f[0]), num(f[1])).unwrap();
            // ZSCORE prints %.17g; these all print as integers.
            assert_eq!((score as f64).to_string(), f[2], "{line}");
            assert_eq!(geohash_string(score as f64), f[3], "{line}");
            let (lon, lat) = decode(score as f64);
            assert_eq!(
                (format_coord(lon), format_coord(lat)),
                (f[4].into(), f[5].into())
            );
        }
    }

    #[test]
    fn scores_no_geoadd_produces_decode_like_redis() {
        for line in WEIRD_SCORES.lines() {
            let f: Vec<&str> = line.split(' ').collect();
            let score = num(f[0]);
            assert_eq!(geohash_string(score), f[1], "{line}");
            let (lon, lat) = decode(score);
            assert_eq!(
                (format_coord(lon), format_coord(lat)),
                (f[2].into(), f[3].into())
            );
        }
    }

    #[test]
    fn geodist_in_every_unit_like_redis() {
        let pts = key("pts");
        let ant = [
            ("a", 0.0, 10.0),
            ("b", -180.0, -10.0),
            ("c", 0.0, 0.0),
            ("d", 180.0, 0.0),
            ("e", 45.0, 45.0),
            ("f", -135.0, -45.0),
            ("g", 0.0, LAT_MAX),
            ("h", 180.0, -LAT_MAX),
        ];
        let anti: Vec<(f64, String)> = ant
            .iter()
            .map(|(m, lon, lat)| (encode(*lon, *lat).unwrap() as f64, m.to_string()))
            .collect();
        for (golden, set, units) in [
            (DISTANCES, &pts, ["m", "km", "ft", "mi"]),
            (ANTI_DISTANCES, &anti, ["m", "KM", "Ft", "mI"]),
        ] {
            for line in golden.lines() {
                let f: Vec<&str> = line.split(' ').collect();
                let score = |m: &str| set.iter().find(|e| e.1 == m).unwrap().0;
                let (lon1, lat1) = decode(score(f[0]));
                let (lon2, lat2) = decode(score(f[1]));
                let meters = distance(lon1, lat1, lon2, lat2);
                for (unit, want) in units.iter().zip(&f[2..]) {
                    let factor = unit_factor(unit.as_bytes()).unwrap();
                    assert_eq!(&format_distance(meters / factor), want, "{line} in {unit}");
                }
            }
        }
    }

    #[test]
    fn invalid_pairs_give_redis_error_text() {
        for (lon, lat, msg) in ERRORS {
            assert_eq!(validate(num(lon), num(lat)), Err(msg.to_string()));
        }
        assert_eq!(validate(LONG_MIN, LAT_MAX), Ok(()));
        assert_eq!(validate(-0.0, -0.0), Ok(()));
        let nan = validate(f64::NAN, 0.0).unwrap_err();
        assert_eq!(nan, "ERR invalid longitude,latitude pair nan,0.000000");
        assert_eq!(encode(f64::NAN, 0.0), None);
        assert_eq!(encode(0.0, 85.06), None);
    }

    #[test]
    fn searches_find_order_and_format_like_redis() {
        for (name, args, want) in SEARCHES {
            assert_eq!(
                &geosearch(&key(name), args),
                want,
                "GEOSEARCH {name} {args}"
            );
        }
    }

    #[test]
    fn storedist_stores_redis_scores() {
        let pts = key("pts");
        for (args, count, want) in STORES {
            let (search, found, _, _) = run_search(&pts, args);
            assert_eq!(found.len() as i64, *count, "{args}");
            let stored = zset(
                found
                    .iter()
                    .map(|f| (search.in_unit(f.hit.dist), f.member.clone()))
                    .collect(),
            );
            let want: Vec<&str> = want.split(' ').collect();
            for (got, pair) in stored.iter().zip(want.chunks(2)) {
                assert_eq!((got.0, got.1.as_str()), (num(pair[1]), pair[0]), "{args}");
            }
        }
    }

    #[test]
    fn units() {
        assert_eq!(unit_factor(b"M"), Some(1.0));
        assert_eq!(unit_factor(b"kM"), Some(1000.0));
        assert_eq!(unit_factor(b"FT"), Some(0.3048));
        assert_eq!(unit_factor(b"Mi"), Some(1609.34));
        // strcasecmp stops at a NUL.
        assert_eq!(unit_factor(b"km\0junk"), Some(1000.0));
        assert_eq!(unit_factor(b"kms"), None);
        assert_eq!(unit_factor(b""), None);
    }

    #[test]
    fn distance_and_coordinate_formats() {
        // Cases from Redis' own fixedpoint_d2string tests.
        assert_eq!(format_distance(0.0), "0.0000");
        assert_eq!(format_distance(-0.0), "0.0000");
        assert_eq!(format_distance(0.0001), "0.0001");
        assert_eq!(format_distance(6.064_295_159_839_17e-5), "0.0001");
        assert_eq!(format_distance(0.01), "0.0100");
        assert_eq!(format_distance(-0.01), "-0.0100");
        assert_eq!(format_distance(1234567.891234), "1234567.8912");
        // llrint ties to even; out of range (or NaN) is LLONG_MIN.
        assert_eq!(format_distance(0.00025), "0.0002");
        assert_eq!(format_distance(0.00035), "0.0004");
        assert_eq!(format_distance(1.00045), "1.0004");
        assert_eq!(format_distance(f64::NAN), "-922337203685477.5808");
        assert_eq!(format_distance(f64::INFINITY), "-922337203685477.5808");
        assert_eq!(format_coord(-0.0), "0");
        assert_eq!(format_coord(-1e-20), "0");
        assert_eq!(format_coord(180.0), "180");
        assert_eq!(format_coord(1.5), "1.5");
        assert_eq!(format_coord(f64::NEG_INFINITY), "-inf");
        // %.17f of 1 + 2^-18 ends in an exact tie at the 18th digit: to even.
        assert_eq!(format_coord(1.0 + 2f64.powi(-18)), "1.00000381469726562");
        assert_eq!(
            format_coord(1.0 + 3.0 * 2f64.powi(-18)),
            "1.00001144409179688"
        );
        assert_eq!(c_percent_f(-1e-7), "-0.000000");
        assert_eq!(c_percent_f(0.0000005), "0.000000");
        assert_eq!(hash_integer(1.9), 1);
        assert_eq!(hash_integer(f64::NAN), i64::MIN);
    }

    #[test]
    fn bit_helpers_round_trip() {
        let mut rng = SplitMix(7);
        for _ in 0..1000 {
            let r = rng.next();
            let (x, y) = (r as u32, (r >> 32) as u32);
            assert_eq!(
                deinterleave64(interleave64(x, y)),
                u64::from(x) | (u64::from(y) << 32)
            );
        }
        assert_eq!(c_f64_to_u64(-1.0), u64::MAX);
        assert_eq!(c_f64_to_u64(f64::INFINITY), 0);
        assert_eq!(c_f64_to_u64(f64::NEG_INFINITY), 1 << 63);
        assert_eq!(c_f64_to_u64(1e19), 10_000_000_000_000_000_000);
    }

    #[test]
    fn hostile_inputs_neither_panic_nor_hang() {
        let values = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1.0,
            0.0,
            -0.0,
            f64::MIN_POSITIVE / 4.0,
            1e308,
            f64::MAX,
            -f64::MAX,
            LAT_MAX,
            LONG_MAX,
        ];
        for &a in &values {
            for &b in &values {
                for shape in [
                    Shape::Radius { radius: a },
                    Shape::Box {
                        width: a,
                        height: b,
                    },
                ] {
                    for unit in [1.0, 0.3048, b] {
                        let search = Search {
                            lon: a.clamp(LONG_MIN, LONG_MAX),
                            lat: b,
                            shape,
                            unit,
                        };
                        let ranges = search.score_ranges();
                        assert!(ranges.len() <= 9);
                        let _ = search.matches(a);
                        let _ = search.matches(b);
                    }
                }
                let _ = (decode(a), geohash_string(a), distance(a, b, b, a));
                let _ = (format_distance(a), format_coord(a), validate(a, b));
            }
        }
        assert_eq!(estimate_steps(-1.0, 0.0), 26);
        assert_eq!(estimate_steps(f64::MIN_POSITIVE / 4.0, 0.0), 26);
        assert_eq!(estimate_steps(f64::INFINITY, 0.0), 1);
        let mut nan_dists = vec![f64::NAN, 1.0, f64::NAN, 0.5, 2.0, f64::NAN, 0.1, 3.0];
        for returned in 0..=nan_dists.len() {
            for order in [Order::Asc, Order::Desc] {
                sort_results(&mut nan_dists, order, returned, |d| *d);
                assert_eq!(nan_dists.len(), 8);
            }
        }
    }

    #[test]
    fn sorting_matches_a_plain_sort_without_ties() {
        let mut rng = SplitMix(99);
        for n in [0, 1, 5, 7, 8, 41, 100, 500] {
            let items: Vec<f64> = (0..n).map(|_| (rng.next() % 1_000_000) as f64).collect();
            let mut want = items.clone();
            want.sort_by(f64::total_cmp);
            for returned in [1, 3, n / 2, n] {
                let mut got = items.clone();
                sort_results(&mut got, Order::Asc, returned, |d| *d);
                let k = returned.min(n);
                assert_eq!(got[..k], want[..k], "n={n} returned={returned}");
                let mut got = items.clone();
                sort_results(&mut got, Order::Desc, returned, |d| *d);
                let rev: Vec<f64> = want.iter().rev().copied().collect();
                assert_eq!(got[..k], rev[..k], "n={n} returned={returned}");
            }
        }
    }

    // Generated by gen.py against redis-server 7.0.15 (Debian, x86-64).
    /// Per random point: ZSCORE, GEOHASH, GEOPOS lon, GEOPOS lat.
    const POINTS: &str = "\
742023645576596 59qekb5rjn0 -13.14595431089401245 -82.39622508425156866
4499304140651842 zy2ky05ks00 169.36987727880477905 80.99198702725664134
2106914913201557 fy3f1uw7j40 -53.70335787534713745 80.53305801831020005
2064609349389081 fnfj0cedn60 -87.14946359395980835 83.85625488868471678
3764282692961033 uqy937rxf70 20.45595556497573853 83.20768057731770284
714223469229979 53d430nk720 -30.88482409715652466 -81.16625924584582208
4467868390572445 zqwhzh981q0 154.99723345041275024 82.42221611501943812
4361082012053565 yymnj5x6bg0 131.01096779108047485 81.23065383689882424
1677042354559910 cwbmj721z90 -111.91739469766616821 83.86581839161890173
2966911266042665 p3jmt03ufu0 153.85506302118301392 -83.40598955666089864
142027847584043 113tgemhub0 -132.72973805665969849 -81.9393390605595755
3930281222405813 vwq4z1ufr90 76.25196486711502075 80.64965519163979479
3797966766241553 uymf3yn26p0 41.92151337862014771 80.58480181605693815
1545769601741477 bz4cvnb7gt0 -142.16258972883224487 84.72036667911496011
35496067409678 090sh8nq4m0 -156.59043341875076294 -83.67081468866749105
599124285005167 495q7wpnhf0 -62.76605397462844849 -83.24236316694094739
741664216289303 58yu5jm98j0 -12.86841541528701782 -85.04900088158672133
2861297667132530 nck4uxe8k80 129.57776159048080444 -82.44410596695149707
2107184906026114 fy9d6ffzjj0 -54.01577621698379517 81.97434355977003406
2816393024379107 n1cbv6b1md0 92.69189447164535522 -80.00907792553050513
1543952384923847 by3kgjs1tp0 -144.35463577508926392 81.02172184117684139
742444795730080 59tfw8b9md0 -14.12749260663986206 -81.11870027273315031
2405318907471580 j3wfwt6k7r0 66.03106409311294556 -81.09343924165918338
2853318489055847 n9s2zbnf4e0 118.82652372121810913 -81.43030114901415573
4317504511496122 ynrucyqjxz0 100.98392218351364136 81.02653020721609778
12180452576270 03s2zbf9hk0 -162.42923766374588013 -81.42634951872675231
2965811198106933 p39kpcz4ue0 148.35819751024246216 -80.84927208710121249
2817115626059106 n0vqv0rgb80 97.61321157217025757 -84.59270798264600444
36741267641773 099getuwcu0 -154.87899631261825562 -80.91449553197332989
2824113091957328 n2fn27jtdh0 104.08112794160842896 -84.66517059114920585
4361987234244939 yyv4cy6vhq0 130.86212128400802612 83.48737184892380014
3753091888605458 uncuvmb3h50 2.69217342138290405 83.83548791822624935
563369068892987 411jh4zd4z0 -88.40754300355911255 -83.48060160870721802
9598503554551 035bsxu0v90 -163.27307134866714478 -84.24439927453545351
1679695768177839 cwxwy639mg0 -101.67615205049514771 82.76161527825492215
2438530279456033 jcf0ud2fu90 81.76147967576980591 -80.01157209115129376
4361414606628269 yyrbppfzcf0 134.95990902185440063 80.20016801901189751
2817991076227357 n1prxn0qh30 100.50345808267593384 -83.02264339796479931
3929508349888606 vx4ey4cjk20 71.28086060285568237 85.05019220053162599
3789004856628566 uwk5frd4250 28.22663158178329468 80.85703340329111199
2289822037680080 h9n4ppvxzn0 31.25297337770462036 -83.97949810089409084
1511510088191238 bqrjjks8kh0 -158.6691775918006897 81.05994290153850557
2298508434289665 hcmbdyqr050 41.96537286043167114 -82.84530923621514376
4351808944694443 yx52gd1m9y0 117.22592085599899292 84.51880058308201171
3892757643443827 vn942r6yyx0 46.42129987478256226 81.99903427858315297
4491452190499322 zwe6q19k9f0 162.33578413724899292 81.96703342394650349
1510501305601081 bqfvpq89hf0 -164.56331580877304077 83.88354876612848443
2072111967738852 fq667mbdrt0 -75.4421040415763855 80.58376004566045481
4352863601443115 ywrt1my52u0 123.11008661985397339 81.06732147483334927
179908809408373 19r5c2q3qt0 -102.59245365858078003 -82.30795341987759173
1536178319466699 bwc04e56cr0 -155.97936183214187622 82.98574039260599022
3895214053341994 vnr8f3nkqu0 55.65463274717330933 80.29433037536017537
740993391565517 59ewwftxx30 -17.27362722158432007 -80.40489491233054764
4325257172695088 yqfwg03qse0 104.89937335252761841 84.15778278307851679
748739790149474 5c78u0n8dd0 -6.14330202341079712 -82.83681538561017987
3797815820788412 uykkygpc7f0 40.0339999794960022 81.00792028446423387
3893937070896068 vndqtfvrg10 48.42408925294876099 82.72152359367765939
4494217925062142 zxj7nfmrtb0 165.18690794706344604 84.91599392347157504
149762428403528 1315314ryr0 -122.2964438796043396 -83.79684609415213004
705552676541479 517r93m98t0 -40.36717325448989868 -81.64323800416789823
353241050477607 2j012xbq290 -179.97765451669692993 -16.61162082939679152
1131708310867145 818tcg7ttk0 -179.21493619680404663 9.46706566559706886
4147256138904502 xfxebmmv5t0 179.31591600179672241 14.75140417888488997
370567355122809 2n8q5u8h8f0 -179.4836077094078064 -7.35730825166941571
4427351641980883 zcx366x7r00 179.0544542670249939 53.67151782381218084
1149276450850162 8586hb5pbw0 -179.43554788827896118 20.04042939159632652
1215061280995744 8n27hjdzjs0 -179.46864098310470581 35.71503351321738506
1125921861752506 80051qfpgc0 -179.94215279817581177 0.56576116900966866
3302928465110951 rgpzy6kzg80 179.92977708578109741 -26.74900491182626894
93491437333308 2003zuq7qg0 -179.29898589849472046 -44.66846201572543862
4415606168958649 zcre70zmeb0 179.4388309121131897 52.60760410327588943
4199800346316875 xurk6f0h860 179.06618088483810425 24.66509151483922579
1149298053588118 858kvenf3p0 -179.39741760492324829 20.53936897404292239
4199005244801874 xupt3pc86p0 179.34297412633895874 23.46550684424931177
4220659369205177 xyxus9rptf0 179.85605388879776001 37.36168216300686851
3305864466308468 rgrbvpsxsd0 179.87453967332839966 -26.54441489345022376
4133050031628127 xcreybq0wq0 179.60202187299728394 7.69192439607722633
4409861523231947 xzzbq26x1m0 179.92659062147140503 43.6402980024204652
1429438621263945 b481c1zuk30 -179.94522660970687866 59.38047029099129759
3302904205834611 rgpw9uxkue0 179.38393682241439819 -26.9568672552190165
1214217806935996 8n061hgz7u0 -179.5991787314414978 34.12892160887640358
4147050463417202 xfx853y96t0 179.44873899221420288 14.07235744974030212
92374369134416 0p83k0h7400 -179.46673125028610229 -47.5922578035805941
1408579121622642 b00t69xzq90 -179.17608171701431274 45.93234242324314209
93468437914531 0pbr8p5q590 -179.64381605386734009 -45.04839897446223063
92758192475661 0pbtye6xw20 -179.00752633810043335 -45.37636654526909297
3377383562045409 rzxr4sq7590 179.06391173601150513 -1.55816026675638142
3373214599083458 ryzgrrqz9h0 179.97636169195175171 -6.41882520770300147
3091495459938386 pzpkyrvb8p0 179.22787517309188843 -49.74733856655839759
1215335900547656 8n876qm9qk0 -179.54173654317855835 37.16836151490524998
3305831794022601 rgr3w72nj30 179.22019869089126587 -26.43618483466761049
3077155345771325 pvxe9d6gqz0 179.36686187982559204 -58.43430704191209912
3359705444989605 rvxkfq6kz90 179.04760390520095825 -13.19238337429491992
3372114035911665 ryrugd2czd0 179.80360060930252075 -8.99611700891305333
4151479704690768 xgxby0ck2p0 179.91382867097854614 19.82422781558934588
4146157652986428 xfpsjtcewb0 179.54092651605606079 11.98531367212148524
3359756497921943 rvxybm12510 179.66127723455429077 -12.84850282404972432
3077203044630579 pvz25es8bs0 179.10533040761947632 -57.63686855685710952
3355669097342363 rvp7tk3y130 179.17849034070968628 -16.23538202883147363
351926325929152 2h2k5fhy1p0 -179.47707384824752808 -20.37856879841562119
4147286586760481 xfxydvf1h90 179.77222949266433716 15.23684130171569251
4411151707496884 zbrf1c369t0 179.72712546586990356 46.76513519902859173
1127027830573159 8083mpr0ud0 -179.41889673471450806 3.07219230548924571
4151374515377222 xgrm488tb10 179.05587047338485718 19.16389746748532019
88358248402875 0nbwud90xv0 -179.09740716218948364 -50.83087863303145326
74888288333218 0jb9973ftd0 -179.23929601907730103 -57.37428411835539066
4134087979200441 xcxz9py3ry0 179.70130115747451782 9.7986781654310704
3095111408918468 pzztt1bsxn0 179.51759129762649536 -45.42903044679668767
3358716715664617 rvre56yp9v0 179.44801479578018188 -14.92498188387641989
4414507343273899 zbzeueftxu0 179.49840277433395386 49.89949787775351808
3302657451769259 rgpcjhr7mv0 179.87837523221969604 -27.92528282135605622
4150581072165005 xgpv48zzm30 179.76917177438735962 17.75927920231648471
300517937177195 250nmrhvdz0 -179.7626379132270813 -26.98692904816877558
4146980842283997 xfrs4fpu5m0 179.42850977182388306 13.37107868130716071
3289730982069656 rfrbgf199m0 179.81534868478775024 -32.20064009107277059
4409838675844053 xzxwuz5pz00 179.51003819704055786 43.41381052794888262
93837612782645 202dbqct8d0 -179.28380459547042847 -43.07231515031462976
1144948442709152 84b224mfvs0 -179.64030236005783081 15.52555364592787868
281559948450854 2087m3swsx0 -179.41134363412857056 -41.60681288289846691
1130350845355703 8108b7ebew0 -179.28058058023452759 5.77618214384884965
1429453151792827 b485782bru0 -179.84482079744338989 59.63523004527414173
3376228249454407 rzpe6jnn600 179.39309924840927124 -5.02516707682715236
4216259898730821 xvxvs25rs40 179.83984261751174927 31.90559854812571672
4216343804108817 xvzg1ukb010 179.73186761140823364 32.89444903624934824
1219436315466584 8p0qdpqxw20 -179.55134958028793335 40.55869300990601545
76175168034945 0n2mrq8evj0 -179.3289300799369812 -53.88451804699491277
71838124341676 0j83cmkcjz0 -179.58673328161239624 -58.7258329266111474
3358885711641985 rvrmurpgm10 179.14294034242630005 -14.41899070716454645
369726139610807 2n2kkej7790 -179.44331556558609009 -9.07963607111327775
3301526327938606 rfrx7bzhqb0 179.47158068418502808 -31.06448174805300155
2892658657810041 njyzuz0h4c0 99.70104843378067017 -56.25479663640059158
3280180724988543 rdhvkbykyc0 164.39730852842330933 -32.82220694848702891
3231013937632767 qyq6382jcc0 132.60506361722946167 -9.4458728619838368
2857150258208426 n9yn4wkxzz0 121.05388373136520386 -79.06586002243844291
2917174945552356 q216p1usee0 103.32176238298416138 -44.63803522292873538
200143701409690 1eu6hdybr20 -106.31609469652175903 -68.53953818643535101
530028590118196 3skcwk2f2w0 -105.54460018873214722 -20.80631313293870477
4174530965874194 xng3xw336n0 139.90171283483505249 38.26700091532448056
4059463258613719 wubff3c3550 124.90541785955429077 27.21195398853141256
2641024824474758 kt5ukfbkvj0 27.98274368047714233 -16.11197912918905928
14252962407697 065rubcc000 -163.96854132413864136 -77.38340083210982812
566581266644305 41sw7wj6un0 -83.51068228483200073 -80.43039927663582489
256396342079316 1v30xks7q40 -99.51904982328414917 -60.35556738210436123
4047474920639319 ws3867kdn40 114.71469730138778687 23.96840312642564186
385697256907945 2rqc6vym1c0 -159.12830203771591187 -3.96657120128315199
2361315828432713 htqbpwtuq20 32.3299446702003479 -60.43231113464566562
677096739802132 4wqntuvwhj0 -58.80208700895309448 -53.67402212831760977
3007474310058091 pfs973q02u0 175.22922724485397339 -75.71083972790842154
3263715730487658 r6b0c297sf0 146.30686014890670776 -29.39605223934132283
2958875844357076 p1s1yftmzn0 140.92914372682571411 -81.24012862459244388
2718908446586453 mbfhd5myd10 81.65837556123733521 -39.97125617290225819
2867469212204465 nfxmny42v80 134.24527198076248169 -75.02550182084635821
3200695079879047 qrs6w0819h0 107.49028533697128296 -2.37001624576569014
2256604273931512 h40zwhkmcy0 1.32427364587783813 -77.40727030126731734
2617991054926433 km8wmfev6w0 12.21107035875320435 -12.94919715682562611
1707054288260284 d1fyt1msjf0 -85.90528339147567749 10.99389297674228061
720787118252391 56qt0juq0t0 -24.60350900888442993 -76.43219602264468904
131752903222215 28qh96zz7n0 -148.99678856134414673 -42.78634790911800678
3746027206857692 ukxxzqpsg70 22.12592035531997681 71.70859612838931696
3998354235973550 we1zdfrsry0 115.09242743253707886 18.20648259117981382
1735398442401020 dbknzgjgjg0 -50.27627795934677124 2.60978565911219818
24567048209335 0hhmysr9g90 -173.72733503580093384 -66.46560145193149083
1948353458172688 eub1dv27610 -11.12871855497360229 27.01182507939579835
447578701211247 35u7c1zv4c0 -128.9687231183052063 -23.23659110690709539
3912962763254199 vswjqz2ym90 76.23540490865707397 71.2762563444043451
3309363226354327 rj4deb57500 138.68501991033554077 -16.43503187566796697
1063669865692184 7jvqw3buu20 -37.34131425619125366 -11.5032426589902812
2880088803363896 ngt9z9essu0 131.81897789239883423 -69.99584702020661098
1551058126362326 9pxtt7hw510 -124.21609550714492798 43.17181309470332451
3164568561842917 qgm8v7rcpd0 131.72605544328689575 -26.56887748735900345
132320411261524 0ybt7efjy10 -145.39005964994430542 -51.0868018243264288
2986947743173948 p7ftqwkwsz0 150.05765587091445923 -67.94790892063406318
2943581228514104 q81brpx3wz0 115.27880340814590454 -44.91455809308565961
4244661595646146 y4cg3cfyjh0 92.54184097051620483 61.05070705588958901
3845707684875318 vb57jpjxh90 83.54779332876205444 45.56700292366298299
3433800529000286 sdkpr33v670 28.44611138105392456 13.93844813089243218
1345547226191478 9jqpy4jjfe0 -126.29184633493423462 30.90554712719897168
3616005528726628 tmgey0ebus0 61.44089251756668091 33.00582721871186465
1942575632907822 esyrdyfqyz0 -13.58670026063919067 28.0753890084121096
1040459618305632 7dsfwqms6x0 -15.5379912257194519 -30.46294679196100219
1625831610188654 chrueb946z0 -123.93526822328567505 69.70043794269143689
3412930833634898 s80bw6xhfn0 23.83905261754989624 0.10247497439033992
2297625635666701 hc7wqfcqy30 38.9704933762550354 -81.85384291585506844
3612344269618224 tp3e4kp7u80 47.21840411424636841 41.33121518596470167
4376734436156794 z2dxqp9f0v0 150.03174036741256714 49.12848386078462681
175169509979398 1ks4hnpz8p0 -117.93856769800186157 -64.301651699617139
3651484872796089 ty0jubxg5f0 78.9695468544960022 34.76401880783921428
2388935772891534 hzet6hmrv60 38.7672087550163269 -46.86496012244683129
383824447210537 2r8r0b858u0 -168.3654436469078064 -1.57866109149311029
4083996082854386 x0kygg6njt0 141.84747308492660522 2.61168669998169634
4046036903084823 wrqxd5e1d00 110.48272937536239624 42.11909523752782292
917526505033941 6htsc4vw150 -82.21408098936080933 -18.83638614648713627
2697864528254522 m5ghtq5x4y0 49.45439547300338745 -23.08103780407962446
2827261728566507 n3t5ge0fjz0 108.43634337186813354 -80.88645644650870281
1711489911855317 d543cnr9jp0 -86.7814752459526062 17.21716317964170884
2381553693136423 hxs2p3st4t0 28.80146116018295288 -47.80337219422078476
4080119728126480 wyyxwtdmw40 133.17961961030960083 39.31828158560262665
221913102997801 1md1ecneug0 -120.76357215642929077 -58.79267098886175802
3978272338808293 w8jrn390vx0 120.15908271074295044 1.23887918536256336
607889192813558 4c6fetjt790 -52.22129255533218384 -82.5009192070169064";
    /// lon lat (as sent), ZSCORE, GEOHASH, GEOPOS lon, GEOPOS lat.
    const EXTREMES: &str = "\
180 85.05112878 13510798882111488 bp05b5048p0 180 85.0511287799999991
-180 -85.05112878 0 00bh0hbj200 -179.99999731779098511 -85.05112751263942528
180 -85.05112878 9007199254740992 00bh0hbj200 180 -85.05112751263942528
-180 85.05112878 4503599627370496 bp05b5048p0 -179.99999731779098511 85.0511287799999991
0 0 3377699720527872 s0000000000 0.00000268220901489 0.00000126736058093
-0 -0 3377699720527872 s0000000000 0.00000268220901489 0.00000126736058093
179.999999 0 4128299658422954 xbpbpbpbpb0 179.99999731779098511 0.00000126736058093
-180 0 1125899906842624 80000000000 -179.99999731779098511 0.00000126736058093
180 0 10133099161583616 80000000000 180 0.00000126736058093
13.361389 38.115556 3479099956230698 sqc8b49rny0 13.36138933897018433 38.11555639549629859
15.087269 37.502669 3479447370796909 sqdtr74hyu0 15.08726745843887329 37.50266842333162032
-122.4194 37.7749 1367859919124626 9q8yyk8ytp0 -122.41940170526504517 37.77490001056577995
0.0000001 -0.0000001 2627099782632789 kpbpbpbpbp0 0.00000268220901489 -0.00000126736058093";
    /// ZADD score, then GEOHASH and GEOPOS of that member.
    const WEIRD_SCORES: &str = "\
-1 bp05b5048p0 180 85.0511287799999991
inf 00bh0hbj200 -179.99999731779098511 -85.05112751263942528
-inf 00bh0hbj200 180 -85.05112751263942528
1e19 bp05b5048p0 180 85.0511287799999991
1e20 00bh0hbj200 -179.99999731779098511 -85.05112751263942528
1.5 00bh0hbj210 -179.99999731779098511 -85.05112497791824921
4503599627370496 bp05b5048p0 -179.99999731779098511 85.0511287799999991
18014398509481984 bp05b5048p0 -179.99999731779098511 85.0511287799999991
-0.5 00bh0hbj200 -179.99999731779098511 -85.05112751263942528
9.3e18 bp05b5048p0 180 85.0511287799999991
-9.3e18 00bh0hbj200 180 -85.05112751263942528
0 00bh0hbj200 -179.99999731779098511 -85.05112751263942528
4503599627370495 zzpgzgpfxz0 179.99999731779098511 85.05112751263942528
1e-300 00bh0hbj200 -179.99999731779098511 -85.05112751263942528
12345678.9 00bh0mwq0r0 -179.9804118275642395 -85.04684383388013202";
    /// Members, then GEODIST in m, km, ft, mi.
    const DISTANCES: &str = "\
p0 p3 18796712.5625 18796.7126 61669004.4700 11679.7647
p4 p31 232519.9913 232.5200 762860.8640 144.4816
p8 p59 18706244.4940 18706.2445 61372193.2219 11623.5503
p12 p87 11497215.0108 11497.2150 37720521.6888 7144.0560
p16 p115 15375843.6216 15375.8436 50445681.1733 9554.1300
p20 p143 7566080.0449 7566.0800 24823097.2601 4701.3559
p24 p171 16828405.0824 16828.4051 55211302.7639 10456.7121
p28 p199 1442478.8825 1442.4789 4732542.2653 896.3171
p32 p27 1324740.4598 1324.7405 4346261.3511 823.1576
p36 p55 1538150.2331 1538.1502 5046424.6494 955.7646
p40 p83 15686046.1103 15686.0461 51463405.8738 9746.8814
p44 p111 8655139.8988 8655.1399 28396128.2770 5378.0680
p48 p139 11868650.2739 11868.6503 38939141.3187 7374.8557
p52 p167 3186188.7791 3186.1888 10453375.2595 1979.8108
p56 p195 14559350.2036 14559.3502 47766896.9934 9046.7833
p60 p23 7721490.4315 7721.4904 25332973.8567 4797.9236
p64 p51 4709665.9180 4709.6659 15451659.8359 2926.4580
p68 p79 58892.9440 58.8929 193218.3204 36.5945
p72 p107 7338243.1188 7338.2431 24075600.7835 4559.7842
p76 p135 10170520.2279 10170.5202 33367848.5166 6319.6840
p80 p163 8326720.6822 8326.7207 27318637.4088 5173.9972
p84 p191 9102180.4498 9102.1804 29862796.7514 5655.8468
p88 p19 4524292.2596 4524.2923 14843478.5419 2811.2719
p92 p47 11737703.9704 11737.7040 38509527.4621 7293.4892
p96 p75 1523508.2343 1523.5082 4998386.5955 946.6665
p100 p103 443370.8099 443.3708 1454628.6413 275.4985
p104 p131 2413513.4762 2413.5135 7918351.2999 1499.6915
p108 p159 7956221.3912 7956.2214 26103088.5537 4943.7791
p112 p187 10940740.6641 10940.7407 35894818.4516 6798.2780
p116 p15 5586137.9249 5586.1379 18327224.1631 3471.0738
p120 p43 3142642.7967 3142.6428 10310507.8633 1952.7526
p124 p71 1772457.2352 1772.4572 5815148.4094 1101.3566
p128 p99 1256743.7072 1256.7437 4123174.8926 780.9063
p132 p127 5086374.9097 5086.3749 16687581.7246 3160.5347
p136 p155 4137833.6364 4137.8336 13575569.6733 2571.1370
p140 p183 15760782.7282 15760.7827 51708604.7513 9793.3207
p144 p11 11036600.5651 11036.6006 36209319.4394 6857.8427
p148 p39 13719918.5136 13719.9185 45012856.0158 8525.1833
p152 p67 8075957.5338 8075.9575 26495923.6674 5018.1798
p156 p95 12711471.2932 12711.4713 41704302.1432 7898.5617
p160 p123 13453274.7420 13453.2747 44138040.4920 8359.4981
p164 p151 16747566.2073 16747.5662 54946083.3572 10406.4810
p168 p179 13707854.2222 13707.8542 44973275.0071 8517.6869
p172 p7 14062641.1343 14062.6411 46137274.0625 8738.1418
p176 p35 14412879.8020 14412.8798 47286351.0564 8955.7706
p180 p63 9534884.5068 9534.8845 31282429.4842 5924.7173
p184 p91 12259700.8552 12259.7009 40222115.6665 7617.8439
p188 p119 1462570.7715 1462.5708 4798460.5363 908.8016
p192 p147 8418735.9977 8418.7360 27620524.9267 5231.1730
p196 p175 10254716.1168 10254.7161 33644081.7479 6372.0010";
    /// Members of key `anti`, then GEODIST in m, KM, Ft, mI.
    const ANTI_DISTANCES: &str = "\
a b 20020734.0000 20020.7340 65684822.8346 12440.3383
c d 20020733.6202 20020.7336 65684821.5884 12440.3380
e f 20020734.0000 20020.7340 65684822.8346 12440.3383
g h 20020734.0000 20020.7340 65684822.8346 12440.3383
a a 0.0000 0.0000 0.0000 0.0000
c g 9459922.2241 9459.9222 31036490.2364 5878.1378";
    /// lon, lat as sent, then the error GEOADD replies.
    const ERRORS: &[(&str, &str, &str)] = &[
        ("200", "100", "ERR invalid longitude,latitude pair 200.000000,100.000000"),
        ("-180.0000001", "1e-7", "ERR invalid longitude,latitude pair -180.000000,0.000000"),
        ("inf", "1", "ERR invalid longitude,latitude pair inf,1.000000"),
        ("1e300", "1", "ERR invalid longitude,latitude pair 1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.000000,1.000000"),
        ("0", "85.05112879", "ERR invalid longitude,latitude pair 0.000000,85.051129"),
        ("180.0000000001", "-0.0000001", "ERR invalid longitude,latitude pair 180.000000,-0.000000"),
        ("-inf", "-inf", "ERR invalid longitude,latitude pair -inf,-inf"),
        ("0", "-85.051128781", "ERR invalid longitude,latitude pair 0.000000,-85.051129"),
        ("123.4567895", "-90.0000005", "ERR invalid longitude,latitude pair 123.456789,-90.000000"),
    ];
    /// key, GEOSEARCH arguments, the RESP2 reply flattened.
    const SEARCHES: &[(&str, &str, &str)] = &[
        ("pts", "FROMLONLAT 0 84 BYRADIUS 500 km WITHDIST", "p31 36.6209 | p4 266.6416"),
        ("pts", "FROMLONLAT 0 84 BYRADIUS 500 km WITHDIST ASC", "p31 36.6209 | p4 266.6416"),
        ("pts", "FROMLONLAT 0 84 BYRADIUS 1500 km WITHDIST DESC", "p7 1499.6764 | p6 1474.7320 | p48 1467.7691 | p158 1437.6590 | p50 1415.9055 | p46 1335.4146 | p24 1300.7085 | p30 1265.5151 | p57 1222.5860 | p13 1186.9021 | p34 1144.0040 | p8 1117.7326 | p11 1092.4064 | p43 1090.0648 | p47 1089.5599 | p53 1043.6364 | p3 930.1963 | p51 891.5907 | p2 848.2487 | p18 735.0211 | p38 715.2963 | p12 707.2776 | p55 649.6654 | p44 645.7557 | p56 618.3514 | p39 531.7613 | p4 266.6416 | p31 36.6209"),
        ("pts", "FROMLONLAT 170 83 BYRADIUS 300 mi WITHDIST", "p6 137.0277 | p45 99.3396 | p57 136.8562 | p1 138.9101 | p46 207.8834 | p50 282.7043"),
        ("pts", "FROMLONLAT 90 -84.9 BYRADIUS 800 km WITHDIST", "p40 612.5162 | p182 703.5140 | p42 591.9702 | p22 525.1187 | p35 555.4942 | p19 545.2697 | p27 84.6533 | p37 241.4588 | p29 144.4126 | p193 507.9724 | p23 531.3943 | p133 785.9945 | p17 540.7676 | p149 756.8881 | p9 701.3542"),
        ("pts", "FROMLONLAT -179.5 10 BYRADIUS 300 km WITHDIST", "p61 67.0093 | p76 275.0326 | p106 90.3330 | p95 244.3880"),
        ("pts", "FROMLONLAT 179.9 -5 BYRADIUS 1000 km WITHDIST ASC", "p121 56.2348 | p87 158.0368 | p63 270.9082 | p86 393.9171 | p93 444.6006 | p128 459.5141 | p67 619.3074 | p96 873.3533 | p102 901.0243 | p92 915.9961"),
        ("pts", "FROMLONLAT 180 0 BYRADIUS 2000 km WITHDIST", "p76 856.6818 | p106 1090.3720 | p95 1334.0453 | p113 1488.5487 | p81 1566.3925 | p62 1642.4683 | p100 1694.9223 | p111 1975.4604 | p98 1808.0496 | p108 1661.1597 | p127 1606.5416 | p92 1471.0911 | p96 1429.5796 | p93 1000.8413 | p87 713.9470 | p121 562.9819 | p86 202.1722"),
        ("pts", "FROMLONLAT -180 -85.05112878 BYRADIUS 3000 km WITHDIST", "p33 194.3897 | p25 459.6962 | p140 887.1669 | p161 2071.3189 | p14 295.2413 | p28 562.5521 | p126 2928.0820 | p10 660.3024 | p58 610.2012 | p185 2642.4873 | p49 909.8849 | p135 2291.1165 | p32 921.7791 | p141 1251.2237 | p15 1116.0125 | p199 1249.0593 | p59 1394.8749 | p5 1481.9039 | p156 2022.3468 | p52 1601.1317 | p16 1094.1730 | p0 1387.3856 | p21 1527.5028 | p54 1345.3017 | p153 1950.9811 | p40 1175.2967 | p182 1377.9135 | p42 1259.7499 | p22 1313.5303 | p35 1307.4780 | p19 1215.4613 | p27 759.0170 | p37 864.9114 | p29 703.7947 | p193 987.5680 | p23 838.9573 | p133 1043.4074 | p17 647.1262 | p151 1339.4674 | p167 1900.9070 | p149 647.0044 | p26 619.9039 | p9 340.3481 | p171 1993.8703 | p147 1041.7784 | p91 2960.5298"),
        ("pts", "FROMLONLAT 0 0 BYRADIUS 5000 km WITHDIST", "p181 2651.5527 | p175 3494.6483 | p154 1971.6782 | p139 3554.9805 | p178 3442.1915 | p162 3231.5988 | p179 3765.5068 | p166 4318.3380"),
        ("pts", "FROMLONLAT 0 0 BYRADIUS 10000 km WITHDIST", "p181 2651.5527 | p175 3494.6483 | p183 6599.6056 | p177 7381.5061 | p186 9004.5222 | p158 8130.4069 | p31 9325.4708 | p4 9302.7259 | p39 9115.2163 | p55 9245.8924 | p12 9232.7472 | p174 9508.4975 | p44 9397.9516 | p56 9473.9453 | p51 9403.3111 | p164 9523.1516 | p38 9833.8768 | p11 9764.2417 | p153 8610.1045 | p40 9438.1879 | p182 9306.8702 | p42 9419.3480 | p145 7269.4540 | p195 5999.9041 | p187 6427.2388 | p22 9609.2807 | p35 9851.9593 | p154 1971.6782 | p139 3554.9805 | p192 5925.2452 | p150 9300.3671 | p155 9563.2991 | p194 9668.4396 | p160 5597.5346 | p178 3442.1915 | p162 3231.5988 | p3 9976.4486 | p47 9748.2207 | p2 9388.8906 | p18 9486.9965 | p32 9990.2591 | p141 9890.6231 | p15 9667.0347 | p199 9500.3025 | p146 8022.8113 | p59 9303.2365 | p5 9168.0328 | p156 8640.5439 | p52 8991.6978 | p16 9473.5498 | p0 9186.9167 | p21 9052.6405 | p54 9218.2316 | p191 9191.0118 | p179 3765.5068 | p166 4318.3380"),
        ("pts", "FROMLONLAT 45 45 BYRADIUS 20000 km WITHDIST", "p181 5410.8774 | p175 3791.5877 | p183 445.9424 | p177 1942.0956 | p186 3087.1020 | p158 3209.3263 | p31 4516.7554 | p4 4326.9648 | p39 4039.9637 | p55 4009.5227 | p12 3959.7936 | p174 2988.0219 | p44 4115.5863 | p56 4197.2910 | p51 3948.2700 | p164 3365.4608 | p38 4516.7349 | p11 4143.9843 | p198 8750.8104 | p159 7038.2717 | p190 5140.9102 | p143 6590.3964 | p138 7152.4940 | p196 6925.2374 | p189 10341.8883 | p76 12614.8380 | p106 12424.2771 | p95 12209.8678 | p113 12073.0426 | p81 12008.1398 | p62 11936.5187 | p100 11916.5207 | p111 11677.1205 | p103 11504.5634 | p94 11488.4054 | p137 7453.8136 | p73 11110.6253 | p71 10981.7086 | p122 10326.2742 | p123 10226.0770 | p74 9801.9829 | p173 3538.1290 | p24 4507.1499 | p53 4705.8161 | p43 4846.5090 | p48 4877.3102 | p7 5012.0889 | p36 5096.7591 | p30 4994.1422 | p184 7285.3136 | p115 9206.0080 | p77 9201.3019 | p101 8893.8613 | p109 8586.0476 | p70 8326.6142 | p64 8212.4851 | p6 5339.6127 | p45 5460.7704 | p57 5307.1748 | p1 5618.5305 | p153 13942.4309 | p40 14363.3479 | p182 14113.8993 | p42 14220.7574 | p145 11783.0869 | p195 10442.5418 | p187 10236.0220 | p22 14082.6122 | p35 14096.4036 | p154 7241.9713 | p139 7011.7950 | p192 7585.8936 | p150 10134.8213 | p19 14221.9857 | p27 14633.7526 | p37 14546.7253 | p29 14691.5898 | p193 14503.7028 | p23 14688.1495 | p133 14620.5138 | p17 14882.4122 | p151 14781.6844 | p167 14528.2404 | p130 12364.0623 | p134 11506.4053 | p172 12155.4563 | p149 15041.5216 | p26 15170.4978 | p9 15212.9854 | p171 15172.8852 | p147 15898.0771 | p91 16624.3683 | p97 16616.7295 | p88 16587.5334 | p107 16505.1596 | p169 11819.9362 | p152 8088.0421 | p132 10564.8619 | p148 13113.1267 | p131 14732.0162 | p114 15904.2966 | p129 15806.3998 | p110 15630.9857 | p79 15525.8483 | p68 15553.4515 | p90 15476.7557 | p75 15534.8196 | p165 11578.8885 | p98 14696.4095 | p108 14608.8645 | p127 14545.1131 | p92 14436.4529 | p96 14451.4769 | p93 14132.9828 | p87 13919.9161 | p121 13757.6812 | p86 13426.9963 | p67 13299.4129 | p102 13102.7173 | p119 12860.7093 | p61 12519.2543 | p117 11922.0751 | p65 11502.5598 | p72 11456.7917 | p80 10138.1294 | p66 9990.8406 | p89 9847.2102 | p124 9519.5163 | p176 11532.1277 | p83 9016.3178 | p78 7707.1090 | p120 7686.1747 | p46 5604.7776 | p41 5926.3756 | p50 5738.9380 | p20 5992.2332 | p13 5588.2096 | p168 10155.6487 | p180 7231.0037 | p8 5637.7977 | p34 5691.3294 | p155 12083.9892 | p194 11559.6937 | p160 10219.1759 | p178 5433.9370 | p162 5312.0561 | p3 5482.0871 | p47 5593.0540 | p2 5246.0917 | p18 5203.9625 | p33 15571.1883 | p25 15843.6448 | p140 16195.0645 | p161 16716.3710 | p14 15664.0424 | p28 15954.3685 | p126 16680.9657 | p105 16717.7101 | p125 16726.7117 | p104 16721.4198 | p82 16638.3658 | p85 16614.5285 | p84 16556.6507 | p69 16570.8429 | p116 16517.6045 | p157 18873.7142 | p170 18995.1857 | p10 15911.2828 | p58 15686.5161 | p185 17627.2744 | p49 15718.5052 | p135 16934.8814 | p197 18210.1931 | p142 17137.0325 | p118 16451.4310 | p112 15593.8230 | p99 15125.4402 | p60 14788.4846 | p128 14192.0740 | p63 14038.9434 | p188 14189.8401 | p144 14886.9656 | p163 17538.9860 | p136 16212.7579 | p32 15489.6244 | p141 15615.6683 | p15 15202.8705 | p199 15065.7905 | p146 14686.0523 | p59 14874.6235 | p5 14708.5642 | p156 14350.1612 | p52 14456.0164 | p16 14706.6145 | p0 14532.3259 | p21 14457.9506 | p54 14488.4466 | p191 14378.8573 | p179 10384.7385 | p166 10320.6492"),
        ("pts", "FROMLONLAT 10 10 BYRADIUS 0 m WITHDIST", ""),
        ("pts", "FROMMEMBER p5 BYRADIUS 0 m WITHDIST", "p5 0.0000"),
        ("pts", "FROMMEMBER p70 BYRADIUS 700 km WITHDIST WITHHASH WITHCOORD", "p101 650.1658 4411151707496884 179.72712546586990356 46.76513519902859173 | p109 301.2412 4414507343273899 179.49840277433395386 49.89949787775351808 | p70 0.0000 4415606168958649 179.4388309121131897 52.60760410327588943 | p64 121.0818 4427351641980883 179.0544542670249939 53.67151782381218084"),
        ("pts", "FROMMEMBER p3 BYRADIUS 2000 ft WITHDIST", "p3 0.0000"),
        ("pts", "FROMLONLAT 179.8 0 BYBOX 400 400 km WITHDIST", "p86 191.6696 | p67 69.1546"),
        ("pts", "FROMLONLAT -179.8 30 BYBOX 300 6000 km WITHDIST ASC", "p122 214.7182 | p123 324.9876 | p80 459.6343 | p71 603.8517 | p66 636.4141 | p73 731.7672 | p89 797.6683 | p74 819.4293 | p72 1053.0469 | p65 1108.3725 | p94 1132.1800 | p124 1174.6198 | p103 1210.7756 | p111 1362.1907 | p115 1493.2210 | p77 1517.3527 | p117 1610.0218 | p100 1642.6338 | p62 1698.4589 | p83 1772.9244 | p81 1773.2489 | p113 1851.2735 | p101 1865.1703 | p95 2004.8615 | p109 2214.1304 | p106 2247.5148 | p61 2284.6113 | p76 2482.0293 | p70 2515.3294 | p64 2634.5225 | p119 2694.8755 | p102 2995.3496"),
        ("pts", "FROMLONLAT 0 84 BYBOX 2000 500 km WITHDIST", "p31 36.6209 | p4 266.6416 | p44 645.7557 | p56 618.3514 | p38 715.2963 | p3 930.1963 | p18 735.0211"),
        ("pts", "FROMLONLAT 0 -83 BYBOX 3000 100 mi WITHDIST WITHCOORD", "p42 349.6717 41.96537286043167114 -82.84530923621514376 | p37 741.9781 100.50345808267593384 -83.02264339796479931 | p17 909.8762 129.57776159048080444 -82.44410596695149707 | p9 915.0866 153.85506302118301392 -83.40598955666089864 | p14 902.0292 -156.59043341875076294 -83.67081468866749105 | p49 792.1326 -102.59245365858078003 -82.30795341987759173 | p32 651.1105 -88.40754300355911255 -83.48060160870721802 | p15 494.4914 -62.76605397462844849 -83.24236316694094739 | p199 441.1606 -52.22129255533218384 -82.5009192070169064 | p0 122.4571 -13.14595431089401245 -82.39622508425156866 | p54 53.5173 -6.14330202341079712 -82.83681538561017987"),
        ("pts", "FROMLONLAT 100 50 BYBOX inf inf m WITHDIST", "p181 9017800.1048 | p175 7513028.5994 | p183 4123676.9164 | p177 3668921.5694 | p186 2404195.4616 | p158 4412529.6645 | p31 4578458.1692 | p4 4364908.5223 | p39 4224037.9525 | p55 4026886.0203 | p12 3979057.0573 | p174 1321279.6780 | p44 3974886.9286 | p56 3988231.6338 | p51 3741173.0000 | p164 2656860.1026 | p38 3973582.9548 | p11 3518025.3624 | p198 5749973.5589 | p159 3783368.2131 | p190 1190646.1748 | p143 3163650.7212 | p138 3301466.4383 | p196 2850906.8332 | p189 6575738.3706 | p76 8613104.9033 | p106 8442098.0898 | p95 8246759.3339 | p113 8122772.4814 | p81 8065727.9526 | p62 7999724.9910 | p100 7992008.9096 | p111 7783363.1984 | p103 7617351.1676 | p94 7624538.9408 | p137 3392887.4530 | p73 7289642.1524 | p71 7174332.2635 | p122 6665273.6891 | p123 6583110.5931 | p74 6261993.6231 | p173 1313767.9528 | p24 3451148.9289 | p53 3801956.3301 | p43 3870261.8726 | p48 3553174.7586 | p7 3642177.6105 | p36 3601313.3393 | p30 3842277.3077 | p184 3542274.8924 | p115 5817482.8317 | p77 5829158.2797 | p101 5612408.5661 | p109 5404650.3084 | p70 5243608.0195 | p64 5162344.5489 | p6 4015404.9658 | p45 4098430.8235 | p57 4237721.1498 | p1 4184545.5423 | p153 15598631.6105 | p40 15294594.5363 | p182 15079788.7981 | p42 15111717.1407 | p145 13689463.5184 | p195 12831544.9294 | p187 12272181.4978 | p22 14726106.2793 | p35 14507454.4928 | p154 10953745.1330 | p139 10150171.0852 | p192 9529040.6802 | p150 10166671.6404 | p19 14467969.9401 | p27 14970719.2052 | p37 14795642.7183 | p29 14979666.6860 | p193 14567308.6243 | p23 14662194.9247 | p133 14422612.5873 | p17 14827049.7080 | p151 14133083.1629 | p167 13592655.5819 | p130 11818360.1516 | p134 10531151.9559 | p172 10659981.0614 | p149 14803131.5462 | p26 14848849.9279 | p9 15109368.2513 | p171 13760362.4786 | p147 14968765.6482 | p91 14036816.8672 | p97 13969258.6378 | p88 13398920.6083 | p107 13082723.9579 | p169 9074223.6691 | p152 5868904.5928 | p132 7329150.4817 | p148 9941180.3644 | p131 11175414.7502 | p114 12032693.0154 | p129 11916553.7681 | p110 11679591.1464 | p79 11566147.6389 | p68 11583925.3382 | p90 11511569.0145 | p75 11563096.1665 | p165 8304333.1120 | p98 10637846.2182 | p108 10543479.9370 | p127 10479139.7838 | p92 10366954.1631 | p96 10379414.7404 | p93 10057501.0847 | p87 9847598.0832 | p121 9686728.1313 | p86 9365162.6975 | p67 9253165.2626 | p102 9075973.5557 | p119 8855471.3628 | p61 8547535.5190 | p117 8010011.6124 | p65 7653170.6448 | p72 7615236.6113 | p80 6536416.8212 | p66 6427661.1959 | p89 6316456.1753 | p124 6074095.4109 | p176 9931560.2725 | p83 5734701.4673 | p78 4926557.7331 | p120 4919782.2062 | p46 4555564.5665 | p41 4728673.4219 | p50 4689103.5399 | p20 4949638.7823 | p13 4746916.5680 | p168 8804257.8077 | p180 6238775.0916 | p8 5038894.1751 | p34 5204257.9571 | p155 13212235.2221 | p194 12514755.0268 | p160 13515904.2796 | p178 9156482.8623 | p162 9105634.6107 | p3 5127669.1935 | p47 5493594.2764 | p2 5409708.9058 | p18 5263519.3770 | p33 15608382.9646 | p25 15612134.7031 | p140 15534684.0784 | p161 14824903.2646 | p14 15689625.0303 | p28 15741622.6560 | p126 14104576.2353 | p105 14028251.9349 | p125 13778433.6086 | p104 13568036.0342 | p82 13305440.0278 | p85 13161263.4386 | p84 13100066.2361 | p69 13090053.4197 | p116 12966409.2257 | p157 14858150.2766 | p170 15553427.8049 | p10 16060611.2426 | p58 16059250.8724 | p185 17297881.8847 | p49 16349268.5034 | p135 17515685.4632 | p197 17257396.7947 | p142 18340411.4450 | p118 12843542.9884 | p112 11623900.0335 | p99 11083126.6683 | p60 10727384.8211 | p128 10117087.1925 | p63 9966138.6790 | p188 10261726.0680 | p144 11124497.0503 | p163 14862911.1347 | p136 16073575.4018 | p32 16287759.5873 | p141 16633550.9540 | p15 16284015.5005 | p199 16292678.8997 | p146 18514016.1972 | p59 16248404.2729 | p5 16154741.7364 | p156 16253476.4905 | p52 15967063.1477 | p16 15760441.0730 | p0 15843345.3621 | p21 15892564.0565 | p54 15735892.1036 | p191 16548931.4733 | p179 14331057.6987 | p166 14239545.1042"),
        ("pts", "FROMLONLAT 0 84 BYRADIUS 1500 km WITHDIST COUNT 5", "p31 36.6209 | p4 266.6416 | p39 531.7613 | p56 618.3514 | p44 645.7557"),
        ("pts", "FROMLONLAT 0 84 BYRADIUS 1500 km WITHDIST COUNT 5 DESC", "p7 1499.6764 | p6 1474.7320 | p48 1467.7691 | p158 1437.6590 | p50 1415.9055"),
        ("pts", "FROMLONLAT 0 84 BYRADIUS 1500 km WITHDIST COUNT 5 ANY", "p158 1437.6590 | p31 36.6209 | p4 266.6416 | p39 531.7613 | p55 649.6654"),
        ("pts", "FROMLONLAT 0 84 BYRADIUS 1500 km WITHDIST COUNT 5 ANY ASC", "p31 36.6209 | p4 266.6416 | p39 531.7613 | p55 649.6654 | p158 1437.6590"),
        ("pts", "FROMLONLAT 179.9 -5 BYRADIUS 3000 km COUNT 12", "p121 | p87 | p63 | p86 | p93 | p128 | p67 | p96 | p102 | p92 | p127 | p108"),
        ("ties", "FROMLONLAT 10 80 BYRADIUS 100 km WITHDIST", "t02 14.7614 | t07 14.7614 | t12 14.7614 | t17 14.7614 | t22 14.7614 | t27 14.7614 | t32 14.7614 | t37 14.7614 | t42 14.7614 | t47 14.7614 | t52 14.7614 | t57 14.7614 | t00 0.0001 | t03 0.0001 | t05 0.0001 | t08 0.0001 | t10 0.0001 | t13 0.0001 | t15 0.0001 | t18 0.0001 | t20 0.0001 | t23 0.0001 | t25 0.0001 | t28 0.0001 | t30 0.0001 | t33 0.0001 | t35 0.0001 | t38 0.0001 | t40 0.0001 | t43 0.0001 | t45 0.0001 | t48 0.0001 | t50 0.0001 | t53 0.0001 | t55 0.0001 | t58 0.0001 | t01 24.2130 | t06 24.2130 | t11 24.2130 | t16 24.2130 | t21 24.2130 | t26 24.2130 | t31 24.2130 | t36 24.2130 | t41 24.2130 | t46 24.2130 | t51 24.2130 | t56 24.2130 | t04 48.3494 | t09 48.3494 | t14 48.3494 | t19 48.3494 | t24 48.3494 | t29 48.3494 | t34 48.3494 | t39 48.3494 | t44 48.3494 | t49 48.3494 | t54 48.3494 | t59 48.3494"),
        ("ties", "FROMLONLAT 10 80 BYRADIUS 100 km ASC", "t00 | t03 | t05 | t08 | t10 | t13 | t15 | t18 | t20 | t23 | t25 | t28 | t30 | t33 | t35 | t38 | t40 | t43 | t45 | t48 | t50 | t53 | t55 | t58 | t02 | t07 | t12 | t17 | t22 | t27 | t32 | t37 | t42 | t47 | t52 | t57 | t01 | t06 | t11 | t16 | t21 | t26 | t31 | t36 | t41 | t46 | t51 | t56 | t04 | t09 | t14 | t19 | t24 | t29 | t34 | t39 | t44 | t49 | t54 | t59"),
        ("ties", "FROMLONLAT 10 80 BYRADIUS 100 km DESC", "t04 | t09 | t14 | t19 | t24 | t29 | t34 | t39 | t44 | t49 | t54 | t59 | t01 | t06 | t11 | t16 | t21 | t26 | t31 | t36 | t41 | t46 | t51 | t56 | t02 | t07 | t12 | t17 | t22 | t27 | t32 | t37 | t42 | t47 | t52 | t57 | t00 | t03 | t05 | t08 | t10 | t13 | t15 | t18 | t20 | t23 | t25 | t28 | t30 | t33 | t35 | t38 | t40 | t43 | t45 | t48 | t50 | t53 | t55 | t58"),
        ("ties", "FROMLONLAT 10 80 BYRADIUS 100 km COUNT 7", "t28 | t33 | t35 | t38 | t40 | t43 | t45"),
        ("ties", "FROMLONLAT 10 80 BYRADIUS 100 km COUNT 30 DESC", "t04 | t59 | t54 | t49 | t44 | t39 | t34 | t29 | t24 | t19 | t14 | t09 | t01 | t51 | t46 | t41 | t36 | t31 | t26 | t21 | t16 | t11 | t06 | t56 | t02 | t07 | t12 | t17 | t22 | t27"),
        ("ties", "FROMLONLAT 10 80 BYRADIUS 100 km COUNT 45", "t28 | t33 | t35 | t38 | t40 | t43 | t45 | t48 | t50 | t53 | t55 | t58 | t00 | t03 | t05 | t08 | t10 | t13 | t15 | t18 | t20 | t23 | t25 | t30 | t37 | t07 | t12 | t17 | t22 | t27 | t32 | t02 | t42 | t47 | t52 | t57 | t01 | t11 | t16 | t21 | t26 | t31 | t36 | t41 | t46"),
        ("ties", "FROMLONLAT 10.1 80.1 BYRADIUS 100 km COUNT 59 DESC", "t04 | t54 | t49 | t44 | t39 | t34 | t29 | t24 | t19 | t14 | t09 | t59 | t02 | t07 | t12 | t17 | t22 | t27 | t32 | t37 | t42 | t47 | t52 | t57 | t56 | t06 | t11 | t16 | t21 | t26 | t31 | t36 | t41 | t46 | t51 | t01 | t28 | t25 | t23 | t20 | t18 | t15 | t13 | t10 | t08 | t05 | t03 | t30 | t00 | t33 | t35 | t38 | t40 | t43 | t45 | t48 | t50 | t53 | t55"),
        ("ties", "FROMLONLAT 10 80 BYRADIUS 100 km COUNT 3 ANY", "t02 | t07 | t12"),
        ("ext", "FROMLONLAT 0 0 BYRADIUS 1 km WITHDIST WITHHASH WITHCOORD", "e4 0.0003 3377699720527872 0.00000268220901489 0.00000126736058093 | e5 0.0003 3377699720527872 0.00000268220901489 0.00000126736058093 | e12 0.0003 2627099782632789 0.00000268220901489 -0.00000126736058093"),
        ("ext", "FROMLONLAT 180 85.05112878 BYRADIUS 100 km WITHDIST WITHHASH", "e0 0.0000 13510798882111488"),
        ("weird", "FROMLONLAT 0 0 BYRADIUS 30000 km WITHDIST WITHHASH WITHCOORD", "m 10561.2882 12345678 -179.9804118275642395 -85.04684383388013202"),
    ];
    /// GEOSEARCHSTORE dst pts <args>: reply, then ZRANGE dst 0 -1 WITHSCORES.
    const STORES: &[(&str, i64, &str)] = &[
        ("FROMLONLAT 0 84 BYRADIUS 500 km STOREDIST", 2, "p31 36.620904190583218 p4 266.64156025907403"),
        ("FROMLONLAT 179.9 -5 BYBOX 900 700 mi COUNT 9 STOREDIST", 6, "p121 34.942759292716353 p87 98.1997601271989 p63 168.33497892110449 p86 244.76934731963559 p93 276.26271883526044 p128 285.52950869349627"),
    ];
}
