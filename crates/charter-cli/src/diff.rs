//! Unified diffs (`fmt --diff`, `check --fix --dry-run`), colored where color is on.

/// The unified diff turning `old` into `new`, both named `path`; empty when
/// they are the same.
pub fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let text = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .missing_newline_hint(true)
        .header(path, path)
        .to_string();
    if !crate::color::stdout() {
        return text;
    }
    let red = anstyle::AnsiColor::Red.on_default();
    let green = anstyle::AnsiColor::Green.on_default();
    let cyan = anstyle::AnsiColor::Cyan.on_default();
    let bold = anstyle::Style::new().bold();
    text.split_inclusive('\n')
        .map(|line| {
            let style = if line.starts_with("---") || line.starts_with("+++") {
                bold
            } else if line.starts_with("@@") {
                cyan
            } else if line.starts_with('-') {
                red
            } else if line.starts_with('+') {
                green
            } else {
                return line.to_string();
            };
            let body = line.trim_end_matches('\n');
            let end = &line[body.len()..];
            format!("{style}{body}{style:#}{end}")
        })
        .collect()
}
