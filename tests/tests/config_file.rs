//! `resplite run --config FILE`: every flag from a TOML file, with command
//! line > environment > file > default; `resplite run --help` documents every
//! flag and the README's configuration table lists them all.

use std::collections::BTreeSet;
use std::process::Command;

use resplite_tests::{binary, q, Resplite};

const FILE: &str = r#"
# resplite settings
port = 1                      # the command line's --port 0 wins
maxclients = 5
requirepass = "-from-file"
protected_mode = false
pragma-template = "safety"
disable-command = ["debug"]
rename-command = { config = "cfg" }
"#;

async fn setting(server: &Resplite, name: &str) -> String {
    let mut c = server.client().await;
    let _: () = q(&mut c, &[b"AUTH", b"-from-file"]).await.unwrap();
    let got: Vec<String> = q(&mut c, &[b"CFG", b"GET", name.as_bytes()]).await.unwrap();
    got[1].clone()
}

#[tokio::test]
async fn settings_come_from_the_file_unless_env_or_flags_say_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("resplite.toml");
    std::fs::write(&path, FILE).unwrap();
    let file = path.to_str().unwrap();

    let server = Resplite::start_with(&["--config", file]);
    assert_ne!(server.addr.port(), 1);
    assert_eq!(setting(&server, "maxclients").await, "5");
    assert_eq!(setting(&server, "protected-mode").await, "no");
    assert_eq!(setting(&server, "pragma-template").await, "safety");
    assert_eq!(setting(&server, "requirepass").await, "-from-file");
    let mut c = server.client().await;
    let _: () = q(&mut c, &[b"AUTH", b"-from-file"]).await.unwrap();
    let err = q::<()>(&mut c, &[b"DEBUG", b"SLEEP", b"0"])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("unknown command"), "{err}");
    let err = q::<()>(&mut c, &[b"CONFIG", b"GET", b"port"])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("unknown command"), "{err}");

    // The environment beats the file; the command line beats both.
    let env = [("RESPLITE_MAXCLIENTS", "7")];
    let server = Resplite::start_with_env(&["--config", file], &env);
    assert_eq!(setting(&server, "maxclients").await, "7");
    assert_eq!(setting(&server, "pragma-template").await, "safety");
    let server = Resplite::start_with_env(&["--config", file, "--maxclients", "9"], &env);
    assert_eq!(setting(&server, "maxclients").await, "9");

    // The file itself can come from the environment.
    let server = Resplite::start_with_env(&[], &[("RESPLITE_CONFIG", file)]);
    assert_eq!(setting(&server, "maxclients").await, "5");
}

#[test]
fn bad_files_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    for (text, says) in [
        ("nosuch = 1", "unknown setting 'nosuch'"),
        ("maxclients = \"many\"", "invalid value 'many'"),
        ("port = [", "resplite.toml"),
        ("config = \"x.toml\"", "'config' must be a table"),
        (
            "[config]\nmaxmemory-policy = \"sometimes\"",
            "the config file's [config] table: ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following",
        ),
        ("[config]\nnosuch-param = 1", "Unknown option or number of arguments for CONFIG SET - 'nosuch-param'"),
    ] {
        let path = dir.path().join("resplite.toml");
        std::fs::write(&path, text).unwrap();
        let out = Command::new(binary())
            .args(["run", "--db"])
            .arg(dir.path().join("x.db"))
            .arg("--config")
            .arg(&path)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{text}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{text}: {err}");
    }
    let out = Command::new(binary())
        .args(["run", "--config", "/nonexistent/resplite.toml"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the config file"));
}

#[test]
fn help_and_readme_document_every_flag() {
    let out = Command::new(binary())
        .args(["run", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    let flags: BTreeSet<String> = help
        .split_whitespace()
        .filter(|w| w.starts_with("--") && *w != "--help")
        .map(|w| {
            w.trim_end_matches([',', '.'])
                .split('=')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    for flag in [
        "--config",
        "--protected-mode",
        "--rename-command",
        "--disable-command",
    ] {
        assert!(flags.contains(flag), "{flag} in --help:\n{help}");
    }
    // Every flag but --help has an environment variable.
    let envs = help.matches("[env: RESPLITE_").count();
    let args = help
        .lines()
        .filter(|l| l.trim_start().starts_with("--") && !l.contains("--help"))
        .count();
    assert_eq!(envs, args, "{help}");
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let table = readme
        .split("## Configuration")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    for line in help
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("--") && !l.starts_with("--help"))
    {
        let flag = line.split_whitespace().next().unwrap();
        assert!(
            table.contains(&format!("| `{flag}")),
            "{flag} missing from the README's table"
        );
    }
}

/// CONFIG REWRITE writes the parameters that differ from Redis' defaults into
/// the file's `[config]` table, keeping the rest of the file; the next start
/// applies them. Without a config file it answers Redis' error.
#[tokio::test]
async fn config_rewrite_persists_parameters_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("resplite.toml");
    let head = "# my settings\nmaxclients = 50 # kept\n";
    std::fs::write(&path, format!("{head}\n[config]\nstale-param = 1\n")).unwrap();
    let file = path.to_str().unwrap();
    // A [config] table with an unknown name does not start...
    let out = Command::new(binary())
        .args(["run", "--port", "0", "--db"])
        .arg(dir.path().join("x.db"))
        .args(["--config", file])
        .output()
        .unwrap();
    assert!(!out.status.success());
    // ... a valid one does.
    std::fs::write(
        &path,
        format!("{head}\n[config]\nhash-max-listpack-entries = 64\n"),
    )
    .unwrap();
    let mut server = Resplite::start_with(&["--config", file]);
    let mut c = server.client().await;
    let get = |c: &mut redis::aio::MultiplexedConnection, name: &'static str| {
        let mut c = c.clone();
        async move {
            let got: Vec<String> = q(&mut c, &[b"CONFIG", b"GET", name.as_bytes()])
                .await
                .unwrap();
            got[1].clone()
        }
    };
    assert_eq!(get(&mut c, "hash-max-listpack-entries").await, "64");
    for (name, value) in [
        ("notify-keyspace-events", "Ex"),
        ("maxmemory-policy", "allkeys-lru"),
        ("slowlog-log-slower-than", "5"),
        ("hash-max-listpack-entries", "128"),
        ("zset-max-listpack-value", "\"quoted\"\\"),
    ] {
        let set: redis::RedisResult<()> = q(
            &mut c,
            &[b"CONFIG", b"SET", name.as_bytes(), value.as_bytes()],
        )
        .await;
        if name == "zset-max-listpack-value" {
            assert!(set.is_err(), "not a number");
        } else {
            set.unwrap();
        }
    }
    let _: () = q(&mut c, &[b"CONFIG", b"REWRITE"]).await.unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(head), "{text}");
    assert_eq!(text.matches("[config]").count(), 1, "{text}");
    assert!(text.contains("notify-keyspace-events = \"xE\""), "{text}");
    assert!(
        text.contains("hash-max-listpack-entries = \"128\""),
        "{text}"
    );
    assert!(text.contains("maxclients = \"50\""), "{text}");
    assert!(
        !text.contains("\ntimeout = "),
        "a default is not written: {text}"
    );
    let info: String = q(&mut c, &[b"INFO", b"server"]).await.unwrap();
    assert!(info.contains(&format!("config_file:{file}")), "{info}");
    drop(c);
    server.restart();
    let mut c = server.client().await;
    assert_eq!(get(&mut c, "notify-keyspace-events").await, "xE");
    assert_eq!(get(&mut c, "maxmemory-policy").await, "allkeys-lru");
    assert_eq!(get(&mut c, "slowlog-log-slower-than").await, "5");
    assert_eq!(get(&mut c, "hash-max-listpack-entries").await, "128");
    assert_eq!(get(&mut c, "maxclients").await, "50");

    // No config file: Redis' answer.
    let plain = Resplite::start();
    let mut c = plain.client().await;
    let err = q::<()>(&mut c, &[b"CONFIG", b"REWRITE"]).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("The server is running without a config file"),
        "{err}"
    );
}
