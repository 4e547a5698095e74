//! The canonical formatter for `.charter` policies.
//!
//! [`format`] parses a policy, prints its syntax tree in the canonical layout
//! (the layout of the policies in `policies/`) and puts every `//` comment back.
//! It never rewrites a file that does not parse ([`FormatError::Syntax`]), and
//! it refuses to return output that would change the policy: the output is
//! parsed again and must hold the same syntax tree (spans aside) and the same
//! comments in the same order, or the result is [`FormatError::Unstable`].
//!
//! The layout:
//! - two-space indentation, one clause per line inside blocks, `}` on its own
//!   line; a block with nothing inside is printed `{}` on the header's line;
//! - inline constructs stay on one line: `rate by tier { Silver: 10%, Gold: 15% }`,
//!   `modules A, B { several per partner }`, `region DACH = [DE, AT, CH]`;
//! - lists as `A, B, C`, orders as `A < B < C`, quantities as `20%`,
//!   `1200 EUR`, `30 days` (the number as written), strings re-escaped,
//!   doc comments as `/// text` on their own lines before what they document;
//! - one blank line between top-level items, except that consecutive one-line
//!   items with the same keyword (several `benefit`s, `region`s, `require`s)
//!   that the author wrote together stay together; elsewhere at most one blank
//!   line is kept wherever the source had one or more.
//!
//! Module map: `layout` decides the lines and their text, `printer` places
//! comments and blank lines around them, `trivia` reads the source text the
//! tree does not keep (real node ends, braces, numbers as written), `verify`
//! is the safety net, `range` formats the items a byte range touches.

mod layout;
mod printer;
mod range;
mod trivia;
mod verify;

use charter_diagnostics::{Diagnostic, FileId, Severity};
use charter_syntax::ast::SourceFileAst;

pub use range::format_range;

/// Why a file was not formatted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// The text does not parse; the formatter never rewrites such a file.
    Syntax(Vec<Diagnostic>),
    /// The formatted text would not hold the same policy and comments (a bug
    /// in the formatter); the reason says what differed. Nothing is rewritten.
    Unstable(String),
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Syntax(diagnostics) => {
                let n = diagnostics.len();
                let s = if n == 1 { "" } else { "s" };
                write!(f, "the file has {n} syntax error{s}; it was not formatted")
            }
            FormatError::Unstable(reason) => write!(
                f,
                "formatting would change the policy ({reason}); the file was left as it is"
            ),
        }
    }
}

impl std::error::Error for FormatError {}

/// Formats a policy file. Diagnostics in a [`FormatError::Syntax`] refer to
/// `FileId(0)`; use [`format_file`] to choose the file id.
pub fn format(text: &str) -> Result<String, FormatError> {
    format_file(FileId::default(), text)
}

/// Formats a policy file whose diagnostics, if any, should refer to `file`.
pub fn format_file(file: FileId, text: &str) -> Result<String, FormatError> {
    let ast = parse(file, text)?;
    let formatted = format_ast(&ast, text);
    verify::same_policy(&ast, &formatted)?;
    Ok(formatted)
}

/// Prints an already parsed file (`text` is the source it was parsed from).
///
/// This does not check the output: the tree must come from a parse without
/// errors, and callers that write the result should prefer [`format`], which
/// verifies it.
pub fn format_ast(ast: &SourceFileAst, text: &str) -> String {
    layout_file(ast, text).0
}

/// Parses `text`, failing on any syntax error.
fn parse(file: FileId, text: &str) -> Result<SourceFileAst, FormatError> {
    let parse = charter_syntax::parse(file, text);
    let errors: Vec<Diagnostic> = parse
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        Ok(parse.ast)
    } else {
        Err(FormatError::Syntax(errors))
    }
}

/// The formatted text and the boundary after each top-level item.
fn layout_file(ast: &SourceFileAst, text: &str) -> (String, Vec<layout::ItemBoundary>) {
    let mut printer = printer::Printer::new(trivia::Trivia::new(text, &ast.comments));
    let boundaries = layout::file(&mut printer, ast);
    (printer.finish(), boundaries)
}
