//! Folding ranges: every block that spans lines (items, nested commissions,
//! bracket tables), runs of `///` doc comments and runs of `//` comments.

use crate::analysis::Analysis;
use crate::syntax_index::after_docs;
use charter_diagnostics::Span;
use charter_syntax::ast::*;
use tower_lsp_server::ls_types::{FoldingRange, FoldingRangeKind};

pub fn folding_ranges(a: &Analysis) -> Vec<FoldingRange> {
    let Some(ast) = a.ast() else {
        return Vec::new();
    };
    let text = a.text();
    let mut f = Folder { a, out: Vec::new() };
    for item in &ast.items {
        f.docs(&item.docs);
        f.block(after_docs(text, item.span, &item.docs));
        match &item.kind {
            ItemKind::Tier(b) | ItemKind::Track(b) | ItemKind::Module(b) => {
                for c in &b.clauses {
                    f.docs(&c.docs);
                    f.block(after_docs(text, c.span, &c.docs));
                    match &c.kind {
                        MemberClauseKind::Commission(x) => f.commission(x),
                        MemberClauseKind::Attribution(x) => {
                            x.clauses.iter().for_each(|c| f.docs(&c.docs))
                        }
                        _ => {}
                    }
                }
            }
            ItemKind::Benefit(b) => {
                for c in &b.clauses {
                    f.docs(&c.docs);
                    f.block(after_docs(text, c.span, &c.docs));
                    if let BenefitClauseKind::Commission(x) = &c.kind {
                        f.commission(x);
                    }
                }
            }
            ItemKind::Commission(x) => f.commission(x),
            ItemKind::Program(p) => p.settings.iter().for_each(|s| f.docs(&s.docs)),
            ItemKind::Partner(p) => p.clauses.iter().for_each(|c| f.docs(&c.docs)),
            ItemKind::Contract(c) => c.clauses.iter().for_each(|c| f.docs(&c.docs)),
            ItemKind::Attribution(x) => x.clauses.iter().for_each(|c| f.docs(&c.docs)),
            _ => {}
        }
    }
    f.comments(&ast.comments);
    f.out.sort_by_key(|r| (r.start_line, r.end_line));
    f.out.dedup_by_key(|r| (r.start_line, r.end_line));
    f.out
}

struct Folder<'a> {
    a: &'a Analysis,
    out: Vec<FoldingRange>,
}

impl Folder<'_> {
    fn commission(&mut self, c: &Commission) {
        for clause in &c.clauses {
            self.docs(&clause.docs);
            self.block(after_docs(self.a.text(), clause.span, &clause.docs));
        }
    }

    /// A block from its first line to the line before its closing brace.
    fn block(&mut self, span: Span) {
        let text = self.a.compilation.db.slice(span);
        let start = span.start as usize + (text.len() - text.trim_start().len());
        let (Some(first), Some(last)) = (
            self.a.position(span.file, start),
            self.a
                .position(span.file, span.start as usize + text.trim_end().len()),
        ) else {
            return;
        };
        let closes_own_line = text.trim_end().ends_with(['}', ']'])
            && text
                .trim_end()
                .lines()
                .last()
                .is_some_and(|l| l.trim().len() == 1);
        let end_line = if closes_own_line {
            last.line.saturating_sub(1)
        } else {
            last.line
        };
        if end_line > first.line {
            self.out.push(FoldingRange {
                start_line: first.line,
                end_line,
                kind: Some(FoldingRangeKind::Region),
                ..FoldingRange::default()
            });
        }
    }

    fn run(&mut self, spans: impl Iterator<Item = Span>) {
        let mut current: Option<(u32, u32)> = None;
        for span in spans {
            let Some(line) = self
                .a
                .position(span.file, span.start as usize)
                .map(|p| p.line)
            else {
                continue;
            };
            current = match current {
                Some((start, end)) if line == end + 1 => Some((start, line)),
                Some((start, end)) => {
                    self.push_comment(start, end);
                    Some((line, line))
                }
                None => Some((line, line)),
            };
        }
        if let Some((start, end)) = current {
            self.push_comment(start, end);
        }
    }

    fn push_comment(&mut self, start: u32, end: u32) {
        if end > start {
            self.out.push(FoldingRange {
                start_line: start,
                end_line: end,
                kind: Some(FoldingRangeKind::Comment),
                ..FoldingRange::default()
            });
        }
    }

    fn docs(&mut self, docs: &[Doc]) {
        self.run(docs.iter().map(|d| d.span));
    }

    fn comments(&mut self, comments: &[Comment]) {
        self.run(comments.iter().map(|c| c.span));
    }
}
