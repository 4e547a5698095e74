//! `charter.toml`: per-project settings of `charter check`, `charter fmt`
//! and `charter simulate`.
//!
//! ```toml
//! format = "github"               # the default of `check --format`
//! include = ["policies/**"]       # folder walks check only these files…
//! exclude = ["drafts", "*.old.charter"]  # …and never these (folders are not entered)
//!
//! [diagnostics]
//! C0203 = "off"                   # a code…
//! tier-not-monotone = "error"     # …or its name: "error", "warning" or "off"
//! S0203 = "off"                   # S-codes set `charter simulate`'s findings
//! ```
//!
//! A file is governed by the `charter.toml` nearest above its folder; where
//! there is none, by the one nearest above the working directory. The output
//! format comes from the working directory's. Globs are matched against paths
//! relative to the folder of the `charter.toml` that holds them, `/` between
//! folders; a glob without `/` matches in any folder. Flags on the command
//! line win over the file; `charter check --print-config` shows the result.

use crate::check::Format;
use charter_diagnostics::{Code, Diagnostic, Severity, SourceDb};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The name of the settings file.
pub const FILE_NAME: &str = "charter.toml";

/// What `charter.toml` may say.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    format: Option<Format>,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    diagnostics: BTreeMap<String, Level>,
}

/// What `[diagnostics]` sets a code to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Off,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Off => "off",
        }
    }
}

/// The settings of one `charter.toml` (or the defaults, where there is none).
#[derive(Debug)]
pub struct Config {
    /// The file they came from; `None` for the defaults.
    pub file: Option<PathBuf>,
    /// The folder globs are relative to (absolute).
    root: PathBuf,
    pub format: Option<Format>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    include_set: GlobSet,
    exclude_set: GlobSet,
    /// The codes set, each once.
    pub levels: BTreeMap<Code, Level>,
}

impl Config {
    fn defaults(root: PathBuf) -> Config {
        Config {
            file: None,
            root,
            format: None,
            include: Vec::new(),
            exclude: Vec::new(),
            include_set: GlobSet::empty(),
            exclude_set: GlobSet::empty(),
            levels: BTreeMap::new(),
        }
    }

    /// Reads and validates `file`; the message names what is wrong and where.
    fn read(file: &Path) -> Result<Config, String> {
        let shown = file.display();
        let text = charter_fs::read_text(file, charter_fs::ReadLimit(1024 * 1024))
            .map_err(|e| format!("cannot read `{shown}`: {e}"))?
            .0;
        let parsed: ConfigFile = toml::from_str(&text)
            .map_err(|e| format!("invalid `{shown}`: {}", e.to_string().trim_end()))?;
        let mut levels = BTreeMap::new();
        for (key, level) in parsed.diagnostics {
            let Some(code) = Code::lookup(&key) else {
                let names = Code::ALL.iter().flat_map(|c| [c.id(), c.name()]);
                let hint = charter_diagnostics::did_you_mean(&key, names)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(format!(
                    "invalid `{shown}`: unknown diagnostic code `{}` in [diagnostics]{hint} (`charter explain` lists them)",
                    charter_diagnostics::text::shorten(&key)
                ));
            };
            if code == Code::Syntax && level != Level::Error {
                return Err(format!(
                    "invalid `{shown}`: `{}` ({}) is always an error: a policy that does not parse cannot be checked",
                    code.id(),
                    code.name()
                ));
            }
            if let Some(previous) = levels.insert(code, level) {
                if previous != level {
                    return Err(format!(
                        "invalid `{shown}`: [diagnostics] sets `{}` ({}) twice, to \"{}\" and \"{}\"",
                        code.id(),
                        code.name(),
                        previous.as_str(),
                        level.as_str()
                    ));
                }
            }
        }
        let root = file.parent().map_or_else(PathBuf::new, Path::to_path_buf);
        Ok(Config {
            file: Some(file.to_path_buf()),
            root,
            format: parsed.format,
            include_set: glob_set(&parsed.include)
                .map_err(|e| format!("invalid `{shown}`: {e}"))?,
            exclude_set: glob_set(&parsed.exclude)
                .map_err(|e| format!("invalid `{shown}`: {e}"))?,
            include: parsed.include,
            exclude: parsed.exclude,
            levels,
        })
    }

    /// Whether a folder walk takes the file or enters the folder at `path`
    /// (absolute): not excluded, and for a file, included when `include` says anything.
    pub fn admits(&self, path: &Path, is_dir: bool) -> bool {
        let Ok(relative) = path.strip_prefix(&self.root) else {
            return true;
        };
        if self.exclude_set.is_match(relative) {
            return false;
        }
        is_dir || self.include.is_empty() || self.include_set.is_match(relative)
    }

    /// The severity of `code` here; `None` when it is off.
    pub fn severity(&self, code: Code) -> Option<Severity> {
        match self.levels.get(&code) {
            None => Some(code.info().severity),
            Some(Level::Error) => Some(Severity::Error),
            Some(Level::Warning) => Some(Severity::Warning),
            Some(Level::Off) => None,
        }
    }
}

fn glob_set(globs: &[String]) -> Result<GlobSet, String> {
    let mut set = GlobSetBuilder::new();
    for glob in globs {
        // As in .gitignore: a glob without `/` matches a name in any folder.
        let pattern = if glob.contains('/') {
            glob.trim_start_matches('/').to_string()
        } else {
            format!("**/{glob}")
        };
        let built = GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("bad glob `{glob}`: {}", e.kind()))?;
        set.add(built);
    }
    set.build().map_err(|e| e.to_string())
}

/// Every `charter.toml` met, by folder, each read once.
pub struct Configs {
    /// The settings for the working directory: its nearest `charter.toml`.
    pub base: Rc<Config>,
    cwd: PathBuf,
    /// The nearest settings above each folder looked up.
    nearest: HashMap<PathBuf, Option<Rc<Config>>>,
}

impl Configs {
    /// Finds the settings of the working directory.
    pub fn load() -> Result<Configs, String> {
        let cwd = std::env::current_dir().map_err(|e| {
            format!(
                "cannot read the working folder: {}",
                charter_fs::describe_io(&e)
            )
        })?;
        let mut configs = Configs {
            base: Rc::new(Config::defaults(cwd.clone())),
            cwd: cwd.clone(),
            nearest: HashMap::new(),
        };
        if let Some(found) = configs.nearest(&cwd)? {
            configs.base = found;
        }
        Ok(configs)
    }

    /// The settings of a file in folder `dir` (relative to the working folder or absolute).
    pub fn for_dir(&mut self, dir: &Path) -> Result<Rc<Config>, String> {
        let dir = self.absolute(dir);
        Ok(self.nearest(&dir)?.unwrap_or_else(|| Rc::clone(&self.base)))
    }

    /// The settings of the file at `path`.
    pub fn for_file(&mut self, path: &Path) -> Result<Rc<Config>, String> {
        self.for_dir(path.parent().unwrap_or(Path::new("")))
    }

    /// `path` made absolute against the working folder, without following links.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        let joined = self.cwd.join(path);
        // Lexically: `a/../b` is `b`, so globs see the folder walked.
        let mut out = PathBuf::new();
        for part in joined.components() {
            match part {
                std::path::Component::ParentDir => {
                    out.pop();
                }
                std::path::Component::CurDir => {}
                other => out.push(other),
            }
        }
        out
    }

    fn nearest(&mut self, dir: &Path) -> Result<Option<Rc<Config>>, String> {
        if let Some(found) = self.nearest.get(dir) {
            return Ok(found.clone());
        }
        let file = dir.join(FILE_NAME);
        let found = if file.is_file() {
            Some(Rc::new(Config::read(&file)?))
        } else {
            match dir.parent() {
                Some(parent) => self.nearest(parent)?,
                None => None,
            }
        };
        self.nearest.insert(dir.to_path_buf(), found.clone());
        Ok(found)
    }

    /// Sets each diagnostic's severity as its file's settings say, and drops
    /// those turned off. A `charter.toml` that cannot be read is an error.
    pub fn apply(
        &mut self,
        db: &SourceDb,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<(), String> {
        let mut failure = None;
        diagnostics.retain_mut(|d| {
            let path = Path::new(db.path(d.primary.span.file));
            match self.for_file(path) {
                Ok(config) => match config.severity(d.code) {
                    Some(severity) => {
                        d.severity = severity;
                        true
                    }
                    None => false,
                },
                Err(e) => {
                    failure.get_or_insert(e);
                    true
                }
            }
        });
        failure.map_or(Ok(()), Err)
    }

    /// `path` shown relative to the working folder where it is inside it.
    pub fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.cwd)
            .map_or_else(|_| path.display().to_string(), |p| p.display().to_string())
    }
}

/// What `charter check --print-config` prints: the settings in force for
/// `config`, as a `charter.toml` would say them, every code listed.
pub fn describe(configs: &Configs, config: &Config, format: Format) -> String {
    let quote = |list: &[String]| {
        let items: Vec<String> = list.iter().map(|s| toml_string(s)).collect();
        format!("[{}]", items.join(", "))
    };
    let mut out = match &config.file {
        Some(file) => format!("# from {}\n", configs.shown(file)),
        None => format!("# no {FILE_NAME} found: the defaults\n"),
    };
    out.push_str(&format!("format = \"{}\"\n", format.as_str()));
    out.push_str(&format!("include = {}\n", quote(&config.include)));
    out.push_str(&format!("exclude = {}\n", quote(&config.exclude)));
    out.push_str("\n[diagnostics]\n");
    for code in Code::ALL {
        let level = config.severity(*code).map_or("off", Severity::as_str);
        let set = if config.levels.contains_key(code) {
            ", set here"
        } else {
            ""
        };
        out.push_str(&format!(
            "{} = \"{level}\"  # {}{set}\n",
            code.id(),
            code.name()
        ));
    }
    out
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
