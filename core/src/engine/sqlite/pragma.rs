//! Pragma templates: named bundles of SQLite settings (`--pragma-template`).

use rusqlite::Connection;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PragmaTemplate {
    /// WAL, synchronous=NORMAL: an acknowledged write survives a process crash;
    /// a power loss may lose the last transactions, never corrupt the file.
    #[default]
    Default,
    /// As default with a larger cache and memory-mapped reads.
    Performance,
    /// WAL, synchronous=FULL: every commit is fsynced, survives power loss.
    Safety,
    /// WAL only, SQLite's defaults otherwise.
    Minimal,
    /// Touch nothing: the file's and SQLite's own settings apply.
    None,
    /// As default, for running under Litestream (or any tool that owns the
    /// WAL): resplite never checkpoints, neither in the background nor on
    /// SAVE or shutdown, and SQLite's automatic checkpoints are off; the
    /// tool checkpoints when it has copied the WAL.
    Litestream,
}

impl PragmaTemplate {
    pub const NAMES: [&'static str; 6] = [
        "default",
        "performance",
        "safety",
        "minimal",
        "none",
        "litestream",
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "default" => PragmaTemplate::Default,
            "performance" => PragmaTemplate::Performance,
            "safety" => PragmaTemplate::Safety,
            "minimal" => PragmaTemplate::Minimal,
            "none" => PragmaTemplate::None,
            "litestream" => PragmaTemplate::Litestream,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            PragmaTemplate::Default => "default",
            PragmaTemplate::Performance => "performance",
            PragmaTemplate::Safety => "safety",
            PragmaTemplate::Minimal => "minimal",
            PragmaTemplate::None => "none",
            PragmaTemplate::Litestream => "litestream",
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            PragmaTemplate::Default => {
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;
                 PRAGMA temp_store=MEMORY; PRAGMA busy_timeout=5000;"
            }
            PragmaTemplate::Performance => {
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;
                 PRAGMA temp_store=MEMORY; PRAGMA mmap_size=1073741824;
                 PRAGMA busy_timeout=5000;"
            }
            PragmaTemplate::Safety => {
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;
                 PRAGMA busy_timeout=5000;"
            }
            PragmaTemplate::Minimal => "PRAGMA journal_mode=WAL;",
            PragmaTemplate::None => "",
            PragmaTemplate::Litestream => {
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;
                 PRAGMA temp_store=MEMORY; PRAGMA busy_timeout=5000; PRAGMA wal_autocheckpoint=0;"
            }
        }
    }

    /// Whether resplite checkpoints the WAL at all (SAVE, shutdown, the
    /// background thread); `litestream` leaves every checkpoint to the tool.
    pub fn owns_checkpoints(self) -> bool {
        self != PragmaTemplate::Litestream
    }

    /// Whether WAL checkpoints run on a thread of their own (see
    /// `checkpoint.rs`); `minimal` and `none` leave SQLite's own.
    pub fn background_checkpoints(self) -> bool {
        matches!(
            self,
            PragmaTemplate::Default | PragmaTemplate::Performance | PragmaTemplate::Safety
        )
    }

    pub fn apply(self, conn: &Connection) -> rusqlite::Result<()> {
        conn.execute_batch(self.sql())
    }
}

impl std::str::FromStr for PragmaTemplate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::from_name(s).ok_or_else(|| {
            format!(
                "unknown pragma template '{s}' (known: {})",
                Self::NAMES.join(", ")
            )
        })
    }
}
