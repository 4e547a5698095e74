//! Quick fixes: every [`charter_diagnostics::Fix`] the compiler attached to a
//! diagnostic, plus the alternatives only an editor offers: drop either of two
//! benefits of one choose-one group (C0401), and each of the three bracket
//! modes for a table without one (C0603).

use crate::analysis::Analysis;
use crate::convert::{to_lsp, workspace_edit};
use charter_diagnostics::{Code, Diagnostic, Span, TextEdit};
use charter_ir::RateSpec;
use charter_syntax::ast::{Ident, ItemKind, MemberClauseKind, PartnerClauseKind};
use tower_lsp_server::ls_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range};

pub fn code_actions(a: &Analysis, range: Range) -> Vec<CodeActionOrCommand> {
    let (Some(start), Some(end)) = (a.offset(range.start), a.offset(range.end)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in &a.compilation.diagnostics {
        let span = d.primary.span;
        if span.file != a.root() || (span.end as usize) < start || (span.start as usize) > end {
            continue;
        }
        let mut fixes: Vec<(String, Vec<TextEdit>)> = d
            .fixes
            .iter()
            .map(|f| (f.title.clone(), f.edits.clone()))
            .collect();
        for (title, edits) in extra_fixes(a, d) {
            if !fixes.iter().any(|(_, e)| *e == edits) {
                fixes.push((title, edits));
            }
        }
        let Some(diagnostic) = to_lsp(a, d) else {
            continue;
        };
        // With a single fix it is the one to apply; with a choice, none is preferred.
        let preferred = fixes.len() == 1;
        for (title, edits) in fixes {
            let Some(edit) = workspace_edit(a, &edits) else {
                continue;
            };
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(edit),
                is_preferred: Some(preferred),
                ..CodeAction::default()
            }));
        }
    }
    out
}

fn extra_fixes(a: &Analysis, d: &Diagnostic) -> Vec<(String, Vec<TextEdit>)> {
    match d.code {
        Code::DualFinancialBenefit => std::iter::once(d.primary.span)
            .chain(d.secondary.iter().map(|l| l.span))
            .filter_map(|span| {
                let (name, edit) = remove_listed_name(a, span)?;
                Some((format!("drop `{name}`"), vec![edit]))
            })
            .collect(),
        Code::BracketMode => {
            let Some(metric_end) = bracket_table_metric_end(a, d.primary.span) else {
                return Vec::new();
            };
            ["whole amount", "marginal", "retroactive"]
                .into_iter()
                .map(|mode| {
                    (
                        format!("add bracket mode `{mode}`"),
                        vec![TextEdit {
                            span: metric_end,
                            replacement: format!(", {mode}"),
                        }],
                    )
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Where to insert a bracket mode: right after the metric of the table `span` points into.
fn bracket_table_metric_end(a: &Analysis, span: Span) -> Option<Span> {
    a.compilation
        .program
        .commissions
        .iter()
        .find_map(|c| match &c.rate {
            RateSpec::Brackets { table }
                if table.mode.is_none()
                    && table.table_span.file == span.file
                    && (table.table_span.contains(span.start as usize)
                        || span.contains(table.table_span.start as usize)) =>
            {
                let m = table.metric.span;
                Some(Span::new(m.file, m.end as usize, m.end as usize))
            }
            _ => None,
        })
}

/// An edit removing the name at `span` from a `grant` or `elect` list of two
/// or more names, with its comma.
fn remove_listed_name(a: &Analysis, span: Span) -> Option<(String, TextEdit)> {
    if span.file != a.root() {
        return None;
    }
    let ast = a.ast()?;
    let lists = ast.items.iter().flat_map(|item| -> Vec<&[Ident]> {
        match &item.kind {
            ItemKind::Tier(b) | ItemKind::Track(b) | ItemKind::Module(b) => b
                .clauses
                .iter()
                .filter_map(|c| match &c.kind {
                    MemberClauseKind::Grant(names) => Some(names.as_slice()),
                    _ => None,
                })
                .collect(),
            ItemKind::Partner(p) => p
                .clauses
                .iter()
                .filter_map(|c| match &c.kind {
                    PartnerClauseKind::Elect(names) => Some(names.as_slice()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    });
    for names in lists {
        let Some(i) = names.iter().position(|n| n.span == span) else {
            continue;
        };
        if names.len() < 2 {
            return None;
        }
        let removed = if i + 1 < names.len() {
            Span::new(
                span.file,
                span.start as usize,
                names[i + 1].span.start as usize,
            )
        } else {
            Span::new(span.file, names[i - 1].span.end as usize, span.end as usize)
        };
        return Some((
            names[i].name.clone(),
            TextEdit {
                span: removed,
                replacement: String::new(),
            },
        ));
    }
    None
}
