//! `charter doc`: the partner guide generated from a policy
//! (`charter_report::guide`), HTML or Markdown by the output's extension.

use crate::report::{usage_error, write_out};
use crate::simulate::load_policy;
use charter_report::guide::GuideFormat;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct DocArgs {
    /// The policy file.
    policy: PathBuf,
    /// Where to write the guide: `guide.html` (a page) or `guide.md` (Markdown).
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: &DocArgs) -> ExitCode {
    let extension = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let format = match extension.as_deref() {
        Some("html" | "htm") => GuideFormat::Html,
        Some("md" | "markdown") => GuideFormat::Markdown,
        _ => {
            return usage_error(format!(
                "`--out {}`: name a `.html` or `.md` file; the extension chooses the format",
                args.out.display()
            ))
        }
    };
    if let Err(e) = charter_fs::WriteTarget::resolve(&args.out) {
        return usage_error(format!("cannot write `{}`: {e}", args.out.display()));
    }
    let (program, _db) = match load_policy(&args.policy) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let text = match charter_report::guide::render(&program, format) {
        Ok(text) => text,
        Err(e) => return usage_error(e),
    };
    match write_out(&args.out, text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}
