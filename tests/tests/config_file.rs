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
        ("config = \"x.toml\"", "unknown setting 'config'"),
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
