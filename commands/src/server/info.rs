//! INFO [section ...]: Redis' sections and field names, so that redis-cli,
//! exporters and dashboards read resplite unchanged, plus a `sqlite` section.
//!
//! Format as Redis: `# Section` headers, `key:value` lines, CRLF line ends, a
//! blank line between sections. Fields resplite has no counterpart for (AOF,
//! forks, defrag, ...) are present with the value an idle Redis shows, so
//! parsers that expect them keep working.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use resplite_core::prelude::*;
use resplite_core::server::{ServerState, Stats};

use super::process;
use super::subcommand::human_bytes;

/// Sections in output order: (name, header, in `default`).
const SECTIONS: &[(&str, &str, bool)] = &[
    ("server", "Server", true),
    ("clients", "Clients", true),
    ("memory", "Memory", true),
    ("persistence", "Persistence", true),
    ("stats", "Stats", true),
    ("replication", "Replication", true),
    ("cpu", "CPU", true),
    ("modules", "Modules", true),
    ("commandstats", "Commandstats", false),
    ("errorstats", "Errorstats", true),
    ("latencystats", "Latencystats", false),
    ("cluster", "Cluster", true),
    ("keyspace", "Keyspace", true),
    ("sqlite", "SQLite", true),
];

/// INFO [section [section ...]]
pub struct Info {
    /// Lower-cased section names; empty means `default`.
    sections: Vec<String>,
}

impl Command for Info {
    const SPEC: CommandSpec =
        CommandSpec::new("info", -1, Flags::LOADING.union(Flags::STALE), "server")
            .summary("Returns information and statistics about the server.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Info {
            sections: args
                .rest()
                .iter()
                .map(|s| String::from_utf8_lossy(s).to_ascii_lowercase())
                .collect(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::bulk(render(ctx, &self.sections)?))
    }
}

/// Which sections the arguments select, in output order.
fn selected(args: &[String]) -> Vec<(&'static str, &'static str)> {
    let all = args.iter().any(|a| a == "all" || a == "everything");
    let default = args.is_empty() || args.iter().any(|a| a == "default");
    SECTIONS
        .iter()
        .filter(|(name, _, in_default)| {
            all || (default && *in_default) || args.iter().any(|a| a == name)
        })
        .map(|(name, title, _)| (*name, *title))
        .collect()
}

/// The whole INFO text for the selected sections.
pub(crate) fn render(ctx: &mut Ctx, args: &[String]) -> Result<String, CommandError> {
    let mut out = String::new();
    for (i, (name, title)) in selected(args).into_iter().enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        out.push_str("# ");
        out.push_str(title);
        out.push_str("\r\n");
        let mut lines = Lines(&mut out);
        match name {
            "server" => server(ctx, &mut lines),
            "clients" => clients(ctx, &mut lines),
            "memory" => memory(ctx, &mut lines),
            "persistence" => persistence(ctx, &mut lines),
            "stats" => stats(ctx, &mut lines),
            "replication" => replication(ctx, &mut lines),
            "cpu" => cpu(&mut lines),
            "commandstats" => commandstats(ctx, &mut lines),
            "errorstats" => errorstats(ctx, &mut lines),
            "cluster" => lines.add("cluster_enabled", 0),
            "keyspace" => keyspace(ctx, &mut lines)?,
            "sqlite" => sqlite(ctx, &mut lines),
            // modules, latencystats: nothing to report.
            _ => {}
        }
    }
    Ok(out)
}

/// Appends `key:value\r\n` lines.
struct Lines<'a>(&'a mut String);

impl Lines<'_> {
    fn add(&mut self, key: &str, value: impl std::fmt::Display) {
        let _ = write!(self.0, "{key}:{value}\r\n");
    }

    /// Several fields that read 0 in resplite.
    fn zeros(&mut self, keys: &[&str]) {
        for key in keys {
            self.add(key, 0);
        }
    }
}

fn unix_time() -> std::time::Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

fn server(ctx: &Ctx, l: &mut Lines) {
    let state = ctx.server;
    let port = state.config.read().expect("config lock").port;
    let uptime = state.started.elapsed().as_secs();
    let now = unix_time();
    let executable = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    l.add("redis_version", ServerState::REDIS_VERSION);
    l.add("redis_git_sha1", "00000000");
    l.add("redis_git_dirty", 0);
    l.add("redis_build_id", "0");
    l.add("redis_mode", "standalone");
    l.add("os", process::os());
    l.add("arch_bits", usize::BITS);
    l.add("monotonic_clock", "POSIX clock_gettime");
    l.add("multiplexing_api", "epoll");
    l.add("atomicvar_api", "c11-builtin");
    l.add("gcc_version", "0.0.0");
    l.add("process_id", std::process::id());
    l.add("process_supervised", "no");
    l.add("run_id", &state.run_id);
    l.add("tcp_port", port);
    l.add("server_time_usec", now.as_micros());
    l.add("uptime_in_seconds", uptime);
    l.add("uptime_in_days", uptime / 86_400);
    l.add("hz", 10);
    l.add("configured_hz", 10);
    l.add("lru_clock", now.as_secs() & ((1 << 24) - 1));
    l.add("executable", executable);
    let config_file = state
        .config
        .read()
        .expect("config lock")
        .config_file
        .clone();
    l.add(
        "config_file",
        config_file
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
    );
    l.add("io_threads_active", 0);
    l.add("resplite_version", env!("CARGO_PKG_VERSION"));
}

fn clients(ctx: &Ctx, l: &mut Lines) {
    let state = ctx.server;
    let max_clients = state.config.read().expect("config lock").max_clients;
    l.add("connected_clients", state.connected_clients());
    l.add("cluster_connections", 0);
    l.add("maxclients", max_clients);
    l.add("client_recent_max_input_buffer", 0);
    l.add("client_recent_max_output_buffer", 0);
    l.add(
        "blocked_clients",
        state.blocked_clients.load(Ordering::Relaxed),
    );
    l.add("tracking_clients", ctx.coord.tracking.client_count());
    l.add("clients_in_timeout_table", 0);
}

/// resplite's memory is the process' resident set: `used_memory` and
/// `used_memory_rss` are both RSS, the peak is the RSS high-water mark.
fn memory(ctx: &Ctx, l: &mut Lines) {
    let (rss, peak) = process::memory();
    let total = process::total_system_memory();
    l.add("used_memory", rss);
    l.add("used_memory_human", human_bytes(rss));
    l.add("used_memory_rss", rss);
    l.add("used_memory_rss_human", human_bytes(rss));
    l.add("used_memory_peak", peak);
    l.add("used_memory_peak_human", human_bytes(peak));
    let perc = if peak == 0 {
        100.0
    } else {
        rss as f64 * 100.0 / peak as f64
    };
    l.add("used_memory_peak_perc", format!("{perc:.2}%"));
    l.add("used_memory_overhead", 0);
    l.add("used_memory_startup", 0);
    l.add("used_memory_dataset", rss);
    l.add("used_memory_dataset_perc", "100.00%");
    l.add("allocator_allocated", rss);
    l.add("allocator_active", rss);
    l.add("allocator_resident", rss);
    l.add("total_system_memory", total);
    l.add("total_system_memory_human", human_bytes(total));
    let scripts = &ctx.server.script_stats;
    let load = |n: &std::sync::atomic::AtomicU64| n.load(std::sync::atomic::Ordering::Relaxed);
    let (eval, functions) = (load(&scripts.eval_memory), load(&scripts.functions_memory));
    l.add("used_memory_lua", eval);
    l.add("used_memory_vm_eval", eval);
    l.add("used_memory_lua_human", human_bytes(eval));
    l.add("used_memory_scripts_eval", 0);
    l.add("number_of_cached_scripts", load(&scripts.cached_scripts));
    l.add("number_of_functions", load(&scripts.functions));
    l.add("number_of_libraries", load(&scripts.libraries));
    l.add("used_memory_vm_functions", functions);
    l.add("used_memory_vm_total", eval + functions);
    l.add("used_memory_vm_total_human", human_bytes(eval + functions));
    l.add("used_memory_functions", 0);
    l.add("used_memory_scripts", 0);
    l.add("used_memory_scripts_human", "0B");
    l.add("maxmemory", 0);
    l.add("maxmemory_human", "0B");
    l.add("maxmemory_policy", "noeviction");
    l.add("allocator_frag_ratio", "1.00");
    l.add("allocator_frag_bytes", 0);
    l.add("allocator_rss_ratio", "1.00");
    l.add("allocator_rss_bytes", 0);
    l.add("rss_overhead_ratio", "1.00");
    l.add("rss_overhead_bytes", 0);
    l.add("mem_fragmentation_ratio", "1.00");
    l.add("mem_fragmentation_bytes", 0);
    l.zeros(&[
        "mem_not_counted_for_evict",
        "mem_replication_backlog",
        "mem_total_replication_buffers",
        "mem_clients_slaves",
        "mem_clients_normal",
        "mem_cluster_links",
        "mem_aof_buffer",
    ]);
    l.add("mem_allocator", "libc");
    l.zeros(&[
        "active_defrag_running",
        "lazyfree_pending_objects",
        "lazyfreed_objects",
    ]);
}

/// Every acknowledged write is already in SQLite's WAL: no snapshot, no AOF.
/// `rdb_*` report SAVE/BGSAVE (WAL checkpoints).
fn persistence(ctx: &Ctx, l: &mut Lines) {
    let state = ctx.server;
    l.zeros(&[
        "loading",
        "async_loading",
        "current_cow_peak",
        "current_cow_size",
        "current_cow_size_age",
    ]);
    l.add("current_fork_perc", "0.00");
    l.zeros(&["current_save_keys_processed", "current_save_keys_total"]);
    l.add(
        "rdb_changes_since_last_save",
        Stats::get(&state.stats.dirty),
    );
    l.add(
        "rdb_bgsave_in_progress",
        u8::from(state.save.bgsave_running.load(Ordering::Acquire)),
    );
    l.add(
        "rdb_last_save_time",
        state.save.last_save.load(Ordering::Relaxed),
    );
    l.add(
        "rdb_last_bgsave_status",
        if state.save.bgsave_failed.load(Ordering::Acquire) {
            "err"
        } else {
            "ok"
        },
    );
    l.add("rdb_last_bgsave_time_sec", -1);
    l.add("rdb_current_bgsave_time_sec", -1);
    l.add("rdb_saves", state.save.saves.load(Ordering::Relaxed));
    l.zeros(&[
        "rdb_last_cow_size",
        "rdb_last_load_keys_expired",
        "rdb_last_load_keys_loaded",
        "aof_enabled",
        "aof_rewrite_in_progress",
        "aof_rewrite_scheduled",
    ]);
    l.add("aof_last_rewrite_time_sec", -1);
    l.add("aof_current_rewrite_time_sec", -1);
    l.add("aof_last_bgrewrite_status", "ok");
    l.zeros(&["aof_rewrites", "aof_rewrites_consecutive_failures"]);
    l.add("aof_last_write_status", "ok");
    l.zeros(&[
        "aof_last_cow_size",
        "module_fork_in_progress",
        "module_fork_last_cow_size",
    ]);
}

fn stats(ctx: &mut Ctx, l: &mut Lines) {
    let state = ctx.server;
    let s = &state.stats;
    let rates = s.rates();
    let expired = state.expired_keys(ctx.engine.expired_keys());
    l.add(
        "total_connections_received",
        Stats::get(&s.total_connections_received),
    );
    l.add(
        "total_commands_processed",
        Stats::get(&s.total_commands_processed),
    );
    l.add("instantaneous_ops_per_sec", rates.ops_per_sec);
    l.add("total_net_input_bytes", Stats::get(&s.net_input_bytes));
    l.add("total_net_output_bytes", Stats::get(&s.net_output_bytes));
    l.zeros(&["total_net_repl_input_bytes", "total_net_repl_output_bytes"]);
    l.add(
        "instantaneous_input_kbps",
        format!("{:.2}", rates.input_kbps),
    );
    l.add(
        "instantaneous_output_kbps",
        format!("{:.2}", rates.output_kbps),
    );
    l.add("instantaneous_input_repl_kbps", "0.00");
    l.add("instantaneous_output_repl_kbps", "0.00");
    l.add("rejected_connections", Stats::get(&s.rejected_connections));
    l.zeros(&["sync_full", "sync_partial_ok", "sync_partial_err"]);
    l.add("expired_keys", expired);
    l.add("expired_stale_perc", "0.00");
    l.zeros(&[
        "expired_time_cap_reached_count",
        "expire_cycle_cpu_milliseconds",
        "evicted_keys",
        "evicted_clients",
        "total_eviction_exceeded_time",
        "current_eviction_exceeded_time",
    ]);
    l.add("keyspace_hits", Stats::get(&s.keyspace_hits));
    l.add("keyspace_misses", Stats::get(&s.keyspace_misses));
    l.add("pubsub_channels", state.pubsub.numchannels());
    l.add("pubsub_patterns", state.pubsub.numpat());
    l.add("pubsubshard_channels", state.pubsub.numshardchannels());
    l.zeros(&[
        "latest_fork_usec",
        "total_forks",
        "migrate_cached_sockets",
        "slave_expires_tracked_keys",
        "active_defrag_hits",
        "active_defrag_misses",
        "active_defrag_key_hits",
        "active_defrag_key_misses",
        "total_active_defrag_time",
        "current_active_defrag_time",
    ]);
    let tracking = &ctx.coord.tracking;
    l.add("tracking_total_keys", tracking.total_keys());
    l.add("tracking_total_items", tracking.total_items());
    l.add("tracking_total_prefixes", tracking.total_prefixes());
    l.add("unexpected_error_replies", 0);
    l.add("total_error_replies", Stats::get(&s.total_error_replies));
    l.zeros(&[
        "dump_payload_sanitizations",
        "total_reads_processed",
        "total_writes_processed",
        "io_threaded_reads_processed",
        "io_threaded_writes_processed",
        "reply_buffer_shrinks",
        "reply_buffer_expands",
    ]);
}

/// A lone master: no replicas, no backlog.
fn replication(ctx: &Ctx, l: &mut Lines) {
    l.add("role", "master");
    l.add("connected_slaves", 0);
    l.add("master_failover_state", "no-failover");
    l.add("master_replid", &ctx.server.replid);
    l.add("master_replid2", "0".repeat(40));
    l.add("master_repl_offset", 0);
    l.add("second_repl_offset", -1);
    l.add("repl_backlog_active", 0);
    l.add("repl_backlog_size", 1_048_576);
    l.add("repl_backlog_first_byte_offset", 0);
    l.add("repl_backlog_histlen", 0);
}

/// Seconds with six decimals, as Redis prints rusage. INFO runs on the storage
/// thread, resplite's counterpart of Redis' main thread: `*_main_thread` is it.
fn cpu(l: &mut Lines) {
    let all = process::cpu(false);
    let main = process::cpu(true);
    let secs = |d: std::time::Duration| format!("{:.6}", d.as_secs_f64());
    l.add("used_cpu_sys", secs(all.sys));
    l.add("used_cpu_user", secs(all.user));
    l.add("used_cpu_sys_children", secs(all.children_sys));
    l.add("used_cpu_user_children", secs(all.children_user));
    l.add("used_cpu_sys_main_thread", secs(main.sys));
    l.add("used_cpu_user_main_thread", secs(main.user));
}

fn commandstats(ctx: &Ctx, l: &mut Lines) {
    for (name, s) in ctx.server.stats.command_stats() {
        let per_call = if s.calls == 0 {
            0.0
        } else {
            s.usec as f64 / s.calls as f64
        };
        l.add(
            &format!("cmdstat_{name}"),
            format!(
                "calls={},usec={},usec_per_call={per_call:.2},rejected_calls={},failed_calls={}",
                s.calls, s.usec, s.rejected_calls, s.failed_calls
            ),
        );
    }
}

fn errorstats(ctx: &Ctx, l: &mut Lines) {
    for (code, count) in ctx.server.stats.error_stats() {
        l.add(&format!("errorstat_{code}"), format!("count={count}"));
    }
}

/// `dbN:keys=N,expires=M,avg_ttl=0`, one line per database that has keys (as
/// Redis). `keys` counts keys that expired but were not collected yet, as
/// DBSIZE does; the average TTL is not tracked.
fn keyspace(ctx: &mut Ctx, l: &mut Lines) -> Result<(), CommandError> {
    for db in ctx.engine.nonempty_dbs()? {
        let keys = ctx.engine.dbsize_of(db)?;
        if keys > 0 {
            let expires = ctx.engine.expires_count(db)?;
            l.add(
                &format!("db{db}"),
                format!("keys={keys},expires={expires},avg_ttl=0"),
            );
        }
    }
    Ok(())
}

/// The storage: SQLite's version, the file and its WAL, the pragma template.
fn sqlite(ctx: &Ctx, l: &mut Lines) {
    let file = super::sqlite_info::FileInfo::read(ctx.server);
    l.add("sqlite_version", ServerState::sqlite_version());
    l.add("sqlite_db_path", file.path.display());
    l.add("sqlite_pragma_template", file.template);
    l.add("sqlite_db_size_bytes", file.db_bytes);
    l.add("sqlite_wal_size_bytes", file.wal_bytes);
    l.add("sqlite_shm_size_bytes", file.shm_bytes);
    l.add("sqlite_page_size", file.page_size);
    l.add("sqlite_cache_size_kib", file.cache_kib);
    l.add("sqlite_mmap_size", file.mmap_bytes);
}

register_command!(Info);

#[cfg(test)]
mod tests {
    use super::*;

    fn names(args: &[&str]) -> Vec<&'static str> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        selected(&args).into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn section_selection() {
        let default = names(&[]);
        assert_eq!(default, names(&["default"]));
        assert!(!default.contains(&"commandstats"));
        assert!(default.contains(&"keyspace") && default.contains(&"sqlite"));
        assert_eq!(names(&["all"]).len(), SECTIONS.len());
        assert_eq!(names(&["everything"]).len(), SECTIONS.len());
        // Canonical order, whatever the order asked.
        assert_eq!(names(&["keyspace", "server"]), vec!["server", "keyspace"]);
        assert!(names(&["nosuch"]).is_empty());
    }
}
