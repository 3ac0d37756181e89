//! The README's command compatibility table is generated from the registry; this
//! test fails when they disagree. Regenerate with:
//! `UPDATE_README=1 cargo test -p resplite-tests --test readme`.

use resplite_core::Registry;

const BEGIN: &str = "<!-- commands:begin (generated from the registry) -->";
const END: &str = "<!-- commands:end -->";

fn table() -> String {
    resplite_commands::link();
    resplite_scripting::link();
    let registry = Registry::from_inventory().unwrap();
    let mut out =
        String::from("| command | group | arity | flags | summary |\n|---|---|---|---|---|\n");
    for entry in registry.iter() {
        let spec = entry.spec;
        let flags: Vec<_> = spec.flags.names().collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            spec.name.to_uppercase(),
            spec.group,
            spec.arity,
            flags.join(", "),
            spec.summary
        ));
    }
    out
}

#[test]
fn readme_command_table_matches_registry() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (head, rest) = readme.split_once(BEGIN).expect("begin marker in README");
    let (_, tail) = rest.split_once(END).expect("end marker in README");
    let want = format!("{head}{BEGIN}\n{}{END}{tail}", table());
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(path, &want).unwrap();
        return;
    }
    assert!(
        readme == want,
        "README command table is stale: run UPDATE_README=1 cargo test -p resplite-tests --test readme"
    );
}
