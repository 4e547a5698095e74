//! `charter completions SHELL` and `charter man`: generated from the clap
//! definition of the commands, so they list every command and flag there is.

use clap::{Args, CommandFactory};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Args)]
pub struct ManArgs {
    /// Write `charter.1` and one page per command (`charter-check.1`, …) into
    /// this folder instead of printing `charter.1`.
    #[arg(long, value_name = "FOLDER")]
    out: Option<PathBuf>,
}

pub fn run_completions(args: &CompletionsArgs) -> ExitCode {
    let mut command = crate::Cli::command();
    clap_complete::generate(args.shell, &mut command, "charter", &mut std::io::stdout());
    ExitCode::SUCCESS
}

pub fn run_man(args: &ManArgs) -> ExitCode {
    let mut command = crate::Cli::command();
    command.build();
    let Some(folder) = &args.out else {
        return match render(&command) {
            Ok(page) => {
                print!("{}", String::from_utf8_lossy(&page));
                ExitCode::SUCCESS
            }
            Err(e) => {
                crate::color::error(format!("cannot write the man page: {e}"));
                ExitCode::from(crate::EXIT_USAGE)
            }
        };
    };
    let mut pages = vec![("charter.1".to_string(), command.clone())];
    for sub in command.get_subcommands() {
        let name = format!("charter-{}", sub.get_name());
        pages.push((format!("{name}.1"), sub.clone().name(name)));
    }
    for (file, page) in pages {
        let path = folder.join(&file);
        let written = render(&page)
            .map_err(|e| e.to_string())
            .and_then(|bytes| charter_fs::write_bytes(&path, &bytes).map_err(|e| e.to_string()));
        if let Err(e) = written {
            crate::color::error(format!("cannot write `{}`: {e}", path.display()));
            return ExitCode::from(crate::EXIT_USAGE);
        }
    }
    ExitCode::SUCCESS
}

fn render(command: &clap::Command) -> std::io::Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    Ok(page)
}
