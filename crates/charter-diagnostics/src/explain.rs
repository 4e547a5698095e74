//! The long explanation of a code, as `charter explain` prints it and as
//! SARIF rules carry it (`help.text`, and `help.markdown` for code scanning).

use crate::codes::Code;
use crate::text::escape_control;

/// Where every code is documented: LANGUAGE.md §5 in the repository.
/// Editors show it next to a code, SARIF rules carry it as `helpUri`.
pub const DIAGNOSTICS_URL: &str =
    "https://github.com/charter-lang/charter/blob/main/LANGUAGE.md#5-diagnostics";

/// Where the project lives (SARIF `informationUri`).
pub const PROJECT_URL: &str = "https://github.com/charter-lang/charter";

/// The long explanation of `code` in plain text, as `charter explain CODE` prints it.
pub fn explanation(code: Code) -> String {
    let info = code.info();
    if code.is_simulation() {
        // A scenario reports it, not a policy: no policy example to show.
        return format!(
            "{} ({}) — {}\ndefault severity: {}\n\n{}\n\n{}\n",
            info.id,
            info.name,
            info.summary,
            info.severity.as_str(),
            info.explanation,
            SIMULATION_NOTE,
        );
    }
    // Examples are shown escaped: C0104's holds the control characters it is about.
    let indent = |s: &str| {
        s.lines()
            .map(|l| format!("    {}\n", escape_control(l)))
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

const SIMULATION_NOTE: &str =
    "A simulation finding: `charter simulate` and `charter test` report it on a scenario, \
with the policy rule and the scenario event involved where there is one (LANGUAGE.md §4 and §5).";

/// The same explanation in Markdown: the examples in fenced `charter` blocks.
pub fn explanation_markdown(code: Code) -> String {
    let info = code.info();
    let mut out = format!(
        "**{}** (`{}`): {}\n\nDefault severity: {}.\n\n{}\n",
        info.id,
        info.name,
        info.summary,
        info.severity.as_str(),
        info.explanation
    );
    if code.is_simulation() {
        out.push_str(&format!("\n{SIMULATION_NOTE}\n"));
    } else {
        let block = |s: &str| {
            let body: String = s
                .lines()
                .map(|l| format!("{}\n", escape_control(l)))
                .collect();
            format!("```charter\n{body}```\n")
        };
        out.push_str(&format!(
            "\nFor example, this is reported:\n\n{}\nand this is fine:\n\n{}",
            block(info.bad),
            block(info.good)
        ));
    }
    out.push_str(&format!(
        "\nSee [LANGUAGE.md §5]({DIAGNOSTICS_URL}) and `charter explain {}`.\n",
        info.id
    ));
    out
}
