//! `charter explain CODE`.

use charter_diagnostics::Code;
use std::process::ExitCode;

pub fn run(code: Option<&str>) -> ExitCode {
    let Some(text) = code else {
        // Both families: the checker's C-codes, then the simulator's S-codes.
        for c in Code::ALL {
            let info = c.info();
            println!(
                "{}  {:<32} {:<8} {}",
                info.id,
                info.name,
                info.severity.as_str(),
                info.summary
            );
        }
        return ExitCode::SUCCESS;
    };
    match Code::lookup(text) {
        Some(c) => {
            print!("{}", explanation(c));
            ExitCode::SUCCESS
        }
        None => {
            eprintln!(
                "error: unknown diagnostic code `{}`; `charter explain` lists them all",
                charter_diagnostics::text::shorten(text)
            );
            ExitCode::from(crate::EXIT_USAGE)
        }
    }
}

/// The long explanation of a code, as printed.
pub fn explanation(code: Code) -> String {
    let info = code.info();
    if code.is_simulation() {
        // A scenario reports it, not a policy: no policy example to show.
        return format!(
            "{} ({}) — {}\ndefault severity: {}\n\n{}\n\nA simulation finding: `charter simulate` and `charter test` report it on a scenario, \
with the policy rule and the scenario event involved where there is one (LANGUAGE.md §4 and §5).\n",
            info.id,
            info.name,
            info.summary,
            info.severity.as_str(),
            info.explanation,
        );
    }
    // Examples are shown escaped: C0104's holds the control characters it is about.
    let indent = |s: &str| {
        s.lines()
            .map(|l| format!("    {}\n", charter_diagnostics::text::escape_control(l)))
            .collect::<String>()
    };
    format!(
        "{} ({}) — {}\ndefault severity: {}\n\n{}\n\nFor example, this is reported:\n\n{}\nand this is fine:\n\n{}",
        info.id,
        info.name,
        info.summary,
        info.severity.as_str(),
        info.explanation,
        indent(info.bad),
        indent(info.good)
    )
}
