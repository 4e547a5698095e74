//! Inlay hints: a bracket table's effective rate range, a tier's rank, and the
//! countries a partner's region resolves to.

use crate::analysis::Analysis;
use crate::describe;
use charter_diagnostics::Span;
use charter_ir::countries::country_name;
use charter_ir::RateSpec;
use tower_lsp_server::ls_types::{InlayHint, InlayHintLabel, Position, Range};

pub fn inlay_hints(a: &Analysis, range: Range) -> Vec<InlayHint> {
    let program = &a.compilation.program;
    let root = a.root();
    let mut hints = Vec::new();
    let mut push = |offset: u32, label: String, left: bool| {
        if let Some(position) = a.position(root, offset as usize) {
            if within(position, range) {
                hints.push(InlayHint {
                    position,
                    label: InlayHintLabel::String(label),
                    kind: None,
                    text_edits: None,
                    tooltip: None,
                    padding_left: Some(left),
                    padding_right: Some(!left),
                    data: None,
                });
            }
        }
    };
    for c in &program.commissions {
        if let RateSpec::Brackets { table } = &c.rate {
            if table.table_span.file == root {
                if let Some(r) = describe::rate_range(&c.rate) {
                    push(table.table_span.start, describe::percent_range(r), false);
                }
            }
        }
    }
    let count = program.tiers.len();
    for t in &program.tiers {
        if in_file(t.name.span, root) && t.block_span.is_some() {
            push(
                t.name.span.end,
                format!("rank {} of {count}", t.rank + 1),
                true,
            );
        }
    }
    for p in &program.partners {
        for assignment in &p.regions {
            let r = &assignment.region;
            if !in_file(r.span, root) {
                continue;
            }
            let label = if program.regions.iter().any(|x| x.name.name == r.name) {
                let countries = describe::region_countries(program, &r.name);
                format!("= {}", countries.join(", "))
            } else if let Some(name) = country_name(&r.name) {
                name.to_string()
            } else {
                continue;
            };
            push(r.span.end, label, true);
        }
    }
    hints.sort_by_key(|h| (h.position.line, h.position.character));
    hints
}

fn in_file(span: Span, file: charter_diagnostics::FileId) -> bool {
    span.file == file
}

fn within(p: Position, r: Range) -> bool {
    r.start <= p && p <= r.end
}
