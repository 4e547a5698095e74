//! One color choice for the whole run: `--color auto|always|never`.
//!
//! `auto` colors a terminal unless `NO_COLOR` is set, and colors anything when
//! `CLICOLOR_FORCE` is set (anstream's rules); `always` and `never` win over
//! both. Everything that prints in color asks here ([`stdout`], [`stderr`],
//! [`human_style`]) or prints through `anstream`, which strips the styles
//! where color is off.

use charter_diagnostics::render::HumanStyle;

/// Sets the choice for the whole process.
pub fn init(choice: clap::ColorChoice) {
    let choice = match choice {
        clap::ColorChoice::Auto => anstream::ColorChoice::Auto,
        clap::ColorChoice::Always => anstream::ColorChoice::Always,
        clap::ColorChoice::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

/// Whether what goes to standard output is colored.
pub fn stdout() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// Whether what goes to standard error is colored.
pub fn stderr() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
}

/// The human renderer's style for diagnostics printed to standard output
/// (`to_stderr` for standard error).
pub fn human_style(to_stderr: bool) -> HumanStyle {
    HumanStyle {
        color: if to_stderr { stderr() } else { stdout() },
        ..HumanStyle::default()
    }
}

const ERROR: anstyle::Style = anstyle::AnsiColor::Red.on_default().bold();

/// Prints `error: MESSAGE` to standard error, `error` in red where color is on.
pub fn error(message: impl std::fmt::Display) {
    anstream::eprintln!("{ERROR}error{ERROR:#}: {message}");
}
