//! GEO commands against redis-server: the same points and queries on both,
//! replies equal frame for frame (scores, distances, coordinates' digits,
//! order), then the errors and edge cases one by one, RESP3, TTL and restart.

use redis::Value;
use resplite_tests::diff::{assert_same_replies, Check, Cmd, Pair, Rng};
use resplite_tests::{q, RawClient, RedisServer, Resplite};

fn coord(rng: &mut Rng, span: f64) -> String {
    let unit = rng.next_u64() as f64 / u64::MAX as f64;
    format!("{:.6}", (unit * 2.0 - 1.0) * span)
}

/// Points clustered around a few places (the antimeridian and a pole's
/// edge among them), so that searches find some and miss some.
fn points(rng: &mut Rng, n: usize) -> Cmd {
    const CENTERS: &[(f64, f64)] = &[(13.4, 38.1), (179.9, -16.5), (-0.1, 51.5), (0.0, 84.9)];
    let mut cmd: Cmd = vec![b"GEOADD".to_vec(), b"g".to_vec()];
    for i in 0..n {
        let (lon, lat) = rng.pick(CENTERS);
        let lon: f64 = lon + coord(rng, 2.0).parse::<f64>().unwrap();
        let lat: f64 = (lat + coord(rng, 1.0).parse::<f64>().unwrap()).clamp(-85.0, 85.0);
        let lon = if lon > 180.0 { lon - 360.0 } else { lon };
        cmd.push(format!("{lon:.6}").into_bytes());
        cmd.push(format!("{lat:.6}").into_bytes());
        cmd.push(format!("m{}", i % (n - 7)).into_bytes());
    }
    cmd
}

fn query(rng: &mut Rng) -> Cmd {
    const CENTERS: &[(&str, &str)] = &[
        ("13.4", "38.1"),
        ("179.95", "-16.5"),
        ("-179.99", "-16.4"),
        ("-0.1", "51.5"),
        ("0", "84.5"),
    ];
    const RADII: &[&str] = &["1", "50", "150", "300", "1000", "0", "20000"];
    const UNITS: &[&str] = &["km", "m", "mi", "ft", "KM"];
    let (lon, lat) = rng.pick(CENTERS);
    let r = rng.pick(RADII);
    let u = rng.pick(UNITS);
    let mut cmd: Vec<String> = match rng.below(5) {
        0 => vec![
            "GEORADIUS".into(),
            "g".into(),
            lon.into(),
            lat.into(),
            r.into(),
            u.into(),
        ],
        1 => vec![
            "GEORADIUSBYMEMBER_RO".into(),
            "g".into(),
            format!("m{}", rng.below(40)),
            r.into(),
            u.into(),
        ],
        2 => vec![
            "GEOSEARCHSTORE".into(),
            "dst".into(),
            "g".into(),
            "FROMLONLAT".into(),
            lon.into(),
            lat.into(),
            "BYBOX".into(),
            r.into(),
            rng.pick(RADII).into(),
            u.into(),
        ],
        _ => {
            let mut cmd = vec!["GEOSEARCH".into(), "g".into()];
            if rng.chance(50) {
                cmd.extend(["FROMMEMBER".into(), format!("m{}", rng.below(40))]);
            } else {
                cmd.extend(["FROMLONLAT".into(), lon.into(), lat.into()]);
            }
            if rng.chance(50) {
                cmd.extend(["BYRADIUS".into(), r.into(), u.into()]);
            } else {
                cmd.extend(["BYBOX".into(), r.into(), rng.pick(RADII).into(), u.into()]);
            }
            cmd
        }
    };
    let storing = cmd[0] == "GEOSEARCHSTORE";
    for _ in 0..rng.below(4) {
        match rng.below(7) {
            0 if !storing => cmd.push("WITHDIST".into()),
            1 if !storing => cmd.push("WITHCOORD".into()),
            2 if !storing => cmd.push("WITHHASH".into()),
            3 => cmd.push(rng.pick(&["ASC", "DESC"]).into()),
            4 => cmd.extend(["COUNT".into(), (1 + rng.below(10)).to_string()]),
            5 if storing => cmd.push("STOREDIST".into()),
            _ => {}
        }
    }
    if storing && rng.chance(30) {
        cmd.extend(["COUNT".into(), "3".into(), "ANY".into()]);
    }
    cmd.into_iter().map(String::into_bytes).collect()
}

#[tokio::test]
async fn random_geo_queries_match_redis() {
    let redis = RedisServer::start_with(&["--databases", "1"]);
    let ours = Resplite::start();
    let mut pair = Pair::connect(&redis, &ours).await;
    let mut failures = Vec::new();
    for seed in [1u64, 7, 42] {
        pair.one(&[b"FLUSHALL"], Check::Exact).await.unwrap();
        let mut rng = Rng::new(seed);
        let batch = vec![(points(&mut rng, 300), Check::Exact)];
        pair.run(&batch).await.unwrap();
        for _ in 0..300 {
            let mut batch = vec![(query(&mut rng), Check::Exact)];
            if batch[0].0[0] == b"GEOSEARCHSTORE" {
                batch.push((
                    ["ZRANGE", "dst", "0", "-1", "WITHSCORES"]
                        .map(|s| s.as_bytes().to_vec())
                        .to_vec(),
                    Check::Exact,
                ));
            }
            let m = format!("m{}", rng.below(40)).into_bytes();
            batch.push((
                vec![
                    b"GEOPOS".to_vec(),
                    b"g".to_vec(),
                    m.clone(),
                    b"nope".to_vec(),
                ],
                Check::Exact,
            ));
            batch.push((
                vec![b"GEOHASH".to_vec(), b"g".to_vec(), m.clone()],
                Check::Exact,
            ));
            batch.push((
                vec![
                    b"GEODIST".to_vec(),
                    b"g".to_vec(),
                    m,
                    b"m3".to_vec(),
                    b"mi".to_vec(),
                ],
                Check::Exact,
            ));
            if let Err(e) = pair.run(&batch).await {
                failures.push(format!("seed {seed}: {e}"));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Errors and their order, missing keys, wrong types, options.
#[tokio::test]
async fn geo_edge_cases_match_redis() {
    let redis = RedisServer::start_with(&["--databases", "1"]);
    let ours = Resplite::start();
    let mut a = RawClient::connect(ours.addr).await;
    let mut b = RawClient::connect(redis.addr).await;
    // One command per line, arguments split on spaces (none has one).
    let script = "\
        GEOADD s 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
        GEOADD s CH 13.361389 38.115556 Palermo 2 2 new
        GEOADD s NX XX 1 1 x
        GEOADD s CH CH CH
        GEOADD s 1 1
        GEOADD s 200 1 x
        GEOADD s 1 86 x
        GEOADD s x 1 x
        GEOADD s GT 1 1 x
        GEOADD s XX 3 3 never
        RPUSH l x
        GEOADD l 1 1 x
        GEOADD l 181 1 x
        GEOPOS l x
        GEOPOS nokey a b
        GEOPOS s
        GEOHASH nokey a
        GEOHASH s Palermo nope new
        GEODIST s Palermo Catania yd
        GEODIST nokey a b yd
        GEODIST s Palermo Catania km x
        GEODIST s Palermo nope
        GEODIST nokey a b
        GEODIST l a b
        GEODIST s Palermo Palermo
        GEOSEARCH l FROMLONLAT x 1 BYRADIUS 1 km
        GEOSEARCH s FROMLONLAT x 1 BYRADIUS 1 km
        GEOSEARCH s FROMLONLAT 15 37 BYRADIUS -1 km
        GEOSEARCH s FROMLONLAT 15 37 BYRADIUS x km
        GEOSEARCH s FROMLONLAT 15 37 BYRADIUS 1 yd
        GEOSEARCH s FROMLONLAT 15 37 BYBOX x 1 km
        GEOSEARCH s FROMLONLAT 15 37 BYBOX 1 x km
        GEOSEARCH s FROMLONLAT 15 37 BYBOX -1 1 km
        GEOSEARCH s FROMMEMBER nope BYBOX 1 1 km
        GEOSEARCH nokey FROMMEMBER nope BYBOX 1 1 km
        geoSearch s BYRADIUS 200 km ASC
        GEOSEARCH s FROMLONLAT 15 37 ASC DESC
        GEOSEARCH s FROMMEMBER Palermo FROMLONLAT 15 37 BYRADIUS 200 km
        GEOSEARCH s FROMLONLAT 15 37 BYRADIUS 200 km BYBOX 1 1 km
        GEOSEARCH s FROMLONLAT 15 37 BYRADIUS 200 km ANY
        GEOSEARCH s FROMLONLAT 15 37 BYRADIUS 200 km COUNT 0
        GEOSEARCH s FROMLONLAT 15 37 BYRADIUS 200 km COUNT x
        GEOSEARCH s FROMLONLAT 15 37 BYRADIUS 200 km STORE d
        GEOSEARCH s FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST
        GEOSEARCH s FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1 ANY WITHDIST
        GEOSEARCH s FROMMEMBER Palermo BYBOX 400 400 km DESC WITHCOORD WITHHASH WITHDIST
        GEOSEARCHSTORE d s FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST
        GEOSEARCHSTORE d s FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST
        ZRANGE d 0 -1 WITHSCORES
        GEOSEARCHSTORE d s FROMLONLAT -15 -37 BYRADIUS 1 km
        EXISTS d
        SET d string
        GEOSEARCHSTORE d nokey FROMLONLAT 15 37 BYRADIUS 1 km
        EXISTS d
        GEOSEARCHSTORE s s FROMLONLAT 15 37 BYRADIUS 100 km
        ZRANGE s 0 -1 WITHSCORES
        GEOADD s 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
        GEORADIUS l 15 37 200 km
        GEORADIUS s 15 37 200 km WITHDIST ASC
        GEORADIUS s 15 37 200 km STORE d2 WITHDIST
        GEORADIUS s 15 37 200 km STOREDIST d2
        ZRANGE d2 0 -1 WITHSCORES
        GEORADIUS_RO s 15 37 200 km STORE d2
        GEORADIUS s 15 37 200 km FROMLONLAT 1 1
        GEORADIUSBYMEMBER s nope 200 km
        GEORADIUSBYMEMBER nokey nope x yd
        GEORADIUSBYMEMBER nokey nope x yd STORE d2
        EXISTS d2
        GEORADIUSBYMEMBER s Palermo 200 km WITHCOORD COUNT 1
        GEORADIUSBYMEMBER_RO s Palermo x km
        GEORADIUS s 15 37 200 km COUNT 1 ANY DESC
    ";
    assert_same_replies(&mut a, &mut b, script).await;
}

/// Coordinates are RESP3 doubles with Redis' digits; a geo set keeps its
/// TTL through GEOADD, is binary safe, and survives a restart.
#[tokio::test]
async fn geo_resp3_ttl_binary_and_restart() {
    let redis = RedisServer::start_with(&["--databases", "1"]);
    let mut ours = Resplite::start();
    let key: &[u8] = b"g\x00\xff";
    let member: &[u8] = b"m\x00\x01";
    let mut got = Vec::new();
    for url in [redis.url(), ours.url()] {
        let mut c = resplite_tests::connect(&url).await;
        let _: Value = q(&mut c, &[b"HELLO", b"3"]).await.unwrap();
        let _: i64 = q(
            &mut c,
            &[b"GEOADD", key, b"13.361389", b"38.115556", member],
        )
        .await
        .unwrap();
        let _: bool = q(&mut c, &[b"EXPIRE", key, b"1000"]).await.unwrap();
        let _: i64 = q(&mut c, &[b"GEOADD", key, b"2", b"2", b"other"])
            .await
            .unwrap();
        let pos: Value = q(&mut c, &[b"GEOPOS", key, member, b"nope"]).await.unwrap();
        let near: Value = q(
            &mut c,
            &[
                b"GEOSEARCH",
                key,
                b"FROMMEMBER",
                member,
                b"BYRADIUS",
                b"1",
                b"km",
                b"WITHCOORD",
            ],
        )
        .await
        .unwrap();
        let ttl: i64 = q(&mut c, &[b"TTL", key]).await.unwrap();
        assert!(ttl > 990, "ttl {ttl}");
        got.push((pos, near));
    }
    assert_eq!(got[0], got[1]);
    assert!(
        matches!(&got[1].0, Value::Array(items) if matches!(&items[0], Value::Array(c) if matches!(c[0], Value::Double(_)))),
        "{:?}",
        got[1].0
    );
    ours.restart();
    let mut c = ours.client().await;
    let dist: String = q(&mut c, &[b"GEODIST", key, member, b"other", b"km"])
        .await
        .unwrap();
    assert_eq!(dist, "4180.7273");
}
