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
            print!("{}", charter_diagnostics::explain::explanation(c));
            ExitCode::SUCCESS
        }
        None => {
            crate::color::error(format!(
                "unknown diagnostic code `{}`; `charter explain` lists them all",
                charter_diagnostics::text::shorten(text)
            ));
            ExitCode::from(crate::EXIT_USAGE)
        }
    }
}
