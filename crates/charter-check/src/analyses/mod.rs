//! The conflict analyses that run over a resolved program. Each submodule owns
//! one family of diagnostics; [`run`] calls them all and collects every finding.
//!
//! | module        | codes                                                              |
//! |---------------|--------------------------------------------------------------------|
//! | `benefits`    | C0401 dual financial benefit, C0402 invalid choose-one group       |
//! | `roster_modules` | C0403 a roster partner holding two modules of a `{ one per partner }` program |
//! | [`regions`]   | C0501 overlapping exclusive regions, C0503 region cycle            |
//! | `brackets`    | C0601–C0604 bracket tables and bounds; C0306 empty bracket, C0305 uplifts past 100%, C0702 capped uplift |
//! | `tiers`       | C0701 tier not monotone, C0702 unreachable tiers and rules         |
//! | `eligibility` | C0801 eligibility contradiction, C0702 no eligible entity type     |
//! | `stacking`    | C0901 commission plus discount over 100%, C0902 split over 100%    |
//! | `paths`       | C0903 two commissions paying for the same attribution path         |
//! | `cadence`     | C1003 a statement paid after the next one closes                   |
//! | `balances`    | C1005 minimum or withholding without statements, C1004 minimum no balance reaches |
//! | `active_only` | C1007 `paid only if active` on a netted commission        |
//! | `partner_currency` | C1301 a netted commission paid in the partner's currency |
//! | `caps`        | C0905 a cap of 0, C0906 a count cap on a percentage               |
//! | `cut_back`    | C1008 a cut-back rate not below the commission's, C1009 a cut back on a netted commission |
//! | `subscriptions` | C1006 a window `per subscription` from a date once per customer  |
//! | `timing`      | C1001 payout before collection, C1002 hold shorter than clawback, C0202 two payout schedules |
//! | `track_claims`| C0904 a track's own `claims` rule that is the program's            |
//! | `versions`    | C1201 dated versions of one rule in force on the same day          |
//!
//! `membership` answers which tiers, tracks and modules one partner can hold
//! together; the analyses above share it.
//!
//! Analyses read the IR, and the source text only to place labels and fixes
//! exactly (spans of the syntax tree may end with the whitespace or comment
//! after a construct; labels are trimmed, and a fix is offered only when the
//! text it edits is what the analysis expects). Where lowering already
//! reported an error inside a construct (so the IR holds only part of it),
//! they stay silent about that construct rather than report a consequence of
//! the same mistake.

mod active_only;
mod balances;
mod benefits;
mod brackets;
mod cadence;
mod caps;
mod confusables;
mod cut_back;
mod eligibility;
mod membership;
mod partner_currency;
mod paths;
pub mod regions;
mod roster_modules;
mod stacking;
mod subscriptions;
mod tiers;
mod timing;
mod track_claims;
mod versions;

use crate::symbols::SymbolTable;
use charter_diagnostics::{Diagnostic, Severity, SourceDb, Span, TextEdit};
use charter_ir::{ChooseOneGroup, NameRef, Program};
use membership::Membership;
use std::collections::HashMap;

/// Runs every analysis. `sources` holds the policy's files (an empty database
/// gives the same findings, without fixes); `earlier` are the findings of the
/// phases before (parse, lowering, name resolution): an analysis skips a
/// construct holding an error.
pub fn run(
    program: &Program,
    symbols: &SymbolTable,
    sources: &SourceDb,
    earlier: &[Diagnostic],
) -> Vec<Diagnostic> {
    let cx = Context::new(program, symbols, sources, earlier);
    let mut out = Vec::new();
    benefits::check(&cx, &mut out);
    roster_modules::check(&cx, &mut out);
    regions::check(&cx, &mut out);
    brackets::check(&cx, &mut out);
    let mut unreachable = tiers::check(&cx, &mut out);
    eligibility::check(&cx, &mut unreachable, &mut out);
    tiers::check_rule_scopes(&cx, &unreachable, &mut out);
    stacking::check(&cx, &mut out);
    paths::check(&cx, &mut out);
    timing::check(&cx, &mut out);
    cadence::check(&cx, &mut out);
    balances::check(&cx, &mut out);
    subscriptions::check(&cx, &mut out);
    active_only::check(&cx, &mut out);
    partner_currency::check(&cx, &mut out);
    caps::check(&cx, &mut out);
    cut_back::check(&cx, &mut out);
    track_claims::check(&cx, &mut out);
    versions::check(&cx, &mut out);
    confusables::check(&cx, &mut out);
    for d in &mut out {
        d.primary.span = cx.trim(d.primary.span);
        for label in &mut d.secondary {
            label.span = cx.trim(label.span);
        }
    }
    out
}

/// What every analysis reads. The lookups it answers (choose-one groups of a
/// benefit, errors inside a span, memberships by name) are indexed once here:
/// an analysis asks them per item, so a search per question would make it
/// quadratic in the size of the policy.
pub(crate) struct Context<'a> {
    pub program: &'a Program,
    pub symbols: &'a SymbolTable,
    pub membership: Membership<'a>,
    sources: &'a SourceDb,
    /// The primary spans of earlier errors, sorted by file and start.
    error_spans: Vec<Span>,
    /// Benefit name → the choose-one groups listing it (indices into
    /// `program.choose_groups`, ascending, each once).
    groups: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        program: &'a Program,
        symbols: &'a SymbolTable,
        sources: &'a SourceDb,
        earlier: &[Diagnostic],
    ) -> Context<'a> {
        let mut error_spans: Vec<Span> = earlier
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.primary.span)
            .collect();
        error_spans.sort_unstable_by_key(|s| (s.file, s.start, s.end));
        let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
        for (g, group) in program.choose_groups.iter().enumerate() {
            for b in &group.benefits {
                let of = groups.entry(b.name.as_str()).or_default();
                if of.last() != Some(&g) {
                    of.push(g);
                }
            }
        }
        Context {
            program,
            symbols,
            sources,
            membership: Membership::new(program),
            error_spans,
            groups,
        }
    }

    /// The text a span covers, if the file is known.
    pub(crate) fn text(&self, span: Span) -> Option<&'a str> {
        self.sources.get(span.file)?.text.get(span.range())
    }

    /// A span without the whitespace and `//` comments it may end with.
    pub(crate) fn trim(&self, span: Span) -> Span {
        let Some(text) = self.text(span) else {
            return span;
        };
        let mut kept = text.trim_end();
        // Drop a trailing comment: a `//` on the last line outside a string.
        loop {
            let line_start = kept.rfind('\n').map_or(0, |i| i + 1);
            let line = &kept[line_start..];
            let Some(at) = comment_start(line) else { break };
            kept = kept[..line_start + at].trim_end();
        }
        Span {
            file: span.file,
            start: span.start,
            end: span.start + u32::try_from(kept.len()).unwrap_or(0),
        }
    }

    /// Every payout schedule: the program's and those of its commissions.
    pub(crate) fn payout_schedules(&self) -> impl Iterator<Item = &'a charter_ir::PayoutSchedule> {
        let program = self.program;
        program
            .payouts
            .iter()
            .chain(program.commissions.iter().filter_map(|c| c.payout.as_ref()))
    }

    /// Whether an earlier phase reported an error inside `span`: a binary
    /// search for the errors starting inside it, then the first that also
    /// ends inside it (an error starting inside a construct and ending past
    /// it is rare, so the scan stops almost at once).
    pub(crate) fn has_error_within(&self, span: Span) -> bool {
        let from = self
            .error_spans
            .partition_point(|e| (e.file, e.start) < (span.file, span.start));
        self.error_spans[from..]
            .iter()
            .take_while(|e| e.file == span.file && e.start <= span.end)
            .any(|e| e.end <= span.end)
    }

    /// The indices of the choose-one groups listing a benefit, ascending.
    pub(crate) fn group_indices(&self, benefit: &str) -> &[usize] {
        self.groups.get(benefit).map_or(&[], Vec::as_slice)
    }

    /// Whether a benefit is in some choose-one group.
    pub(crate) fn is_grouped(&self, benefit: &str) -> bool {
        !self.group_indices(benefit).is_empty()
    }

    /// The first choose-one group of `a` that also lists `b`, if any.
    pub(crate) fn shared_group(&self, a: &str, b: &str) -> Option<&'a ChooseOneGroup> {
        self.shared_group_index(a, b)
            .and_then(|g| self.program.choose_groups.get(g))
    }

    /// [`Context::shared_group`], as an index into `program.choose_groups`.
    pub(crate) fn shared_group_index(&self, a: &str, b: &str) -> Option<usize> {
        if a == b {
            return None;
        }
        let of_b = self.group_indices(b);
        self.group_indices(a)
            .iter()
            .copied()
            .find(|g| of_b.binary_search(g).is_ok())
    }
}

/// Where a `//` comment starts in one line, outside double quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
    }
    None
}

/// How a message names a choose-one group: by its `as` name, or as "a choose-one group".
pub(crate) fn group_label(g: &ChooseOneGroup) -> String {
    if g.name.span == g.span {
        "a `choose one of` group".to_string()
    } else {
        format!("the choose-one group `{}`", g.name.name)
    }
}

/// An edit removing `list[index]` and its comma, when the name shares its
/// comma-separated list with another (removing a list's only name would leave
/// its keyword behind). `None` when the source does not read as expected.
pub(crate) fn remove_from_list(
    cx: &Context<'_>,
    list: &[NameRef],
    index: usize,
) -> Option<TextEdit> {
    let this = list.get(index)?;
    // Whether `a` and `b` are neighbours in one list: only a comma between them.
    let adjacent = |a: &NameRef, b: &NameRef| {
        a.span.file == b.span.file
            && a.span.end <= b.span.start
            && cx
                .text(Span {
                    file: a.span.file,
                    start: a.span.end,
                    end: b.span.start,
                })
                .is_some_and(|gap| gap.trim() == ",")
    };
    let span = match list.get(index + 1).filter(|next| adjacent(this, next)) {
        Some(next) => Span {
            file: this.span.file,
            start: this.span.start,
            end: next.span.start,
        },
        None => {
            let previous = index.checked_sub(1).and_then(|i| list.get(i))?;
            if !adjacent(previous, this) {
                return None;
            }
            Span {
                file: this.span.file,
                start: previous.span.end,
                end: this.span.end,
            }
        }
    };
    Some(TextEdit {
        span,
        replacement: String::new(),
    })
}

/// Lists names in backticks: "`a`, `b` and `c`".
pub(crate) fn and_list<S: AsRef<str>>(names: &[S]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{}`", n.as_ref())).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// An empty edit inserting text at a byte offset.
pub(crate) fn insert_at(file: charter_diagnostics::FileId, offset: u32, text: &str) -> TextEdit {
    TextEdit {
        span: Span {
            file,
            start: offset,
            end: offset,
        },
        replacement: text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use charter_diagnostics::FileId;

    fn name(start: u32, end: u32) -> NameRef {
        NameRef {
            name: "x".into(),
            span: Span {
                file: FileId(0),
                start,
                end,
            },
        }
    }

    fn with_source(text: &str, test: impl FnOnce(&Context<'_>)) {
        let program = Program::default();
        let symbols = SymbolTable::default();
        let mut sources = SourceDb::new();
        sources.add("test.charter", text.to_string());
        let cx = Context::new(&program, &symbols, &sources, &[]);
        test(&cx);
    }

    #[test]
    fn removing_a_name_takes_its_comma() {
        with_source("grant a, b", |cx| {
            let list = [name(6, 7), name(9, 10)];
            let first = remove_from_list(cx, &list, 0).map(|e| (e.span.start, e.span.end));
            let second = remove_from_list(cx, &list, 1).map(|e| (e.span.start, e.span.end));
            assert_eq!(first, Some((6, 9)));
            assert_eq!(second, Some((7, 10)));
        });
    }

    #[test]
    fn a_name_alone_in_its_clause_is_not_removed() {
        with_source("grant a\n  grant b", |cx| {
            let list = [name(6, 7), name(16, 17)];
            assert_eq!(remove_from_list(cx, &list, 1), None);
            assert_eq!(remove_from_list(cx, &[name(6, 7)], 0), None);
        });
    }

    #[test]
    fn trimming_drops_trailing_space_and_comments() {
        with_source("payout within 30 days after invoice // \"net\"\n\n", |cx| {
            let whole = Span {
                file: FileId(0),
                start: 0,
                end: 46,
            };
            assert_eq!(cx.trim(whole).end, 35);
        });
        with_source("require \"see http://x\"\n", |cx| {
            let whole = Span {
                file: FileId(0),
                start: 0,
                end: 23,
            };
            assert_eq!(cx.trim(whole).end, 22);
        });
    }

    #[test]
    fn lists_read_naturally() {
        assert_eq!(and_list(&["a"]), "`a`");
        assert_eq!(and_list(&["a", "b", "c"]), "`a`, `b` and `c`");
    }
}
