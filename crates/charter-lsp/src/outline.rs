//! Document symbols (a hierarchical outline of items and their clauses) and
//! workspace symbols (every definition of every open document).

use crate::analysis::Analysis;
use crate::describe;
use crate::syntax_index::after_docs;
use charter_check::SymbolKind as CheckKind;
use charter_diagnostics::Span;
use charter_syntax::ast::*;
use tower_lsp_server::ls_types::{DocumentSymbol, Location, OneOf, SymbolKind, WorkspaceSymbol};

pub fn document_symbols(a: &Analysis) -> Vec<DocumentSymbol> {
    let Some(ast) = a.ast() else {
        return Vec::new();
    };
    let o = Outliner { a };
    ast.items.iter().filter_map(|item| o.item(item)).collect()
}

struct Outliner<'a> {
    a: &'a Analysis,
}

impl Outliner<'_> {
    #[expect(
        deprecated,
        reason = "DocumentSymbol::deprecated must be given to build one"
    )]
    fn symbol(
        &self,
        name: String,
        detail: Option<String>,
        kind: SymbolKind,
        span: Span,
        selection: Span,
        children: Vec<DocumentSymbol>,
    ) -> Option<DocumentSymbol> {
        let range = self.a.range(self.trim(span))?;
        let mut selection_range = self.a.range(selection)?;
        if selection_range.start < range.start || selection_range.end > range.end {
            selection_range = range;
        }
        Some(DocumentSymbol {
            name: if name.is_empty() { "?".into() } else { name },
            detail,
            kind,
            tags: None,
            deprecated: None,
            range,
            selection_range,
            children: (!children.is_empty()).then_some(children),
        })
    }

    /// A clause named by its own text (first line, whitespace collapsed), selected after its docs.
    fn clause(
        &self,
        span: Span,
        docs: &[Doc],
        kind: SymbolKind,
        children: Vec<DocumentSymbol>,
    ) -> Option<DocumentSymbol> {
        let body = self.trim(after_docs(self.a.text(), span, docs));
        self.symbol(self.text(body), None, kind, span, body, children)
    }

    /// A span without the whitespace at its ends.
    fn trim(&self, span: Span) -> Span {
        let text = self.a.compilation.db.slice(span);
        let start = span.start as usize + (text.len() - text.trim_start().len());
        let end = span.start as usize + text.trim_end().len();
        Span::new(span.file, start, end.max(start))
    }

    fn text(&self, span: Span) -> String {
        let raw = self.a.compilation.db.slice(span);
        let first = raw.lines().next().unwrap_or("");
        let mut s = first.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(stripped) = s.strip_suffix('{') {
            s = stripped.trim_end().to_string();
        }
        if s.chars().count() > 80 {
            s = s.chars().take(79).collect::<String>() + "…";
        }
        s
    }

    fn item(&self, item: &Item) -> Option<DocumentSymbol> {
        let span = item.span;
        match &item.kind {
            ItemKind::Import(path) => self.symbol(
                path.value.clone(),
                Some("import".into()),
                SymbolKind::FILE,
                span,
                path.span,
                Vec::new(),
            ),
            ItemKind::Program(p) => {
                let children = p
                    .settings
                    .iter()
                    .filter_map(|s| self.clause(s.span, &s.docs, SymbolKind::PROPERTY, Vec::new()))
                    .collect();
                self.symbol(
                    p.name.value.clone(),
                    Some("program".into()),
                    SymbolKind::NAMESPACE,
                    span,
                    p.name.span,
                    children,
                )
            }
            ItemKind::TiersDecl(names) => self.list("tiers", names, " < ", SymbolKind::ENUM, span),
            ItemKind::TracksDecl(names) => self.list("tracks", names, ", ", SymbolKind::ENUM, span),
            ItemKind::ModulesDecl(d) => {
                self.list("modules", &d.names, ", ", SymbolKind::ENUM, span)
            }
            ItemKind::Tier(b) => self.member_block("tier", SymbolKind::CLASS, b, span),
            ItemKind::Track(b) => self.member_block("track", SymbolKind::INTERFACE, b, span),
            ItemKind::Module(b) => self.member_block("module", SymbolKind::MODULE, b, span),
            ItemKind::Benefit(b) => self.benefit(b, span),
            ItemKind::ChooseOne(c) => {
                let (name, selection) = match &c.name {
                    Some(n) => (n.name.clone(), n.span),
                    None => ("choose one".to_string(), span),
                };
                let list: Vec<&str> = c.benefits.iter().map(|b| b.name.as_str()).collect();
                self.symbol(
                    name,
                    Some(format!("one of {}", list.join(", "))),
                    SymbolKind::ENUM,
                    span,
                    selection,
                    Vec::new(),
                )
            }
            ItemKind::Commission(c) => self.commission(c, span),
            ItemKind::Bonus(b) => self.symbol(
                b.name.name.clone(),
                Some("bonus".into()),
                SymbolKind::FUNCTION,
                span,
                b.name.span,
                Vec::new(),
            ),
            ItemKind::Attribution(x) => self.attribution(x, span),
            ItemKind::Payout(_) | ItemKind::Require(_) => {
                self.clause(item.span, &item.docs, SymbolKind::PROPERTY, Vec::new())
            }
            ItemKind::Region(r) => {
                let countries =
                    describe::region_countries(&self.a.compilation.program, &r.name.name);
                self.symbol(
                    r.name.name.clone(),
                    Some(countries.join(", ")),
                    SymbolKind::ARRAY,
                    span,
                    r.name.span,
                    Vec::new(),
                )
            }
            ItemKind::Partner(p) => {
                let children = p
                    .clauses
                    .iter()
                    .filter_map(|c| self.clause(c.span, &c.docs, SymbolKind::PROPERTY, Vec::new()))
                    .collect();
                self.symbol(
                    p.id.name.clone(),
                    p.display_name.as_ref().map(|s| s.value.clone()),
                    SymbolKind::OBJECT,
                    span,
                    p.id.span,
                    children,
                )
            }
            ItemKind::Obligation(o) => self.symbol(
                o.name.name.clone(),
                Some("obligation".into()),
                SymbolKind::EVENT,
                span,
                o.name.span,
                Vec::new(),
            ),
            ItemKind::Contract(c) => {
                let children = c
                    .clauses
                    .iter()
                    .filter_map(|x| self.clause(x.span, &x.docs, SymbolKind::PROPERTY, Vec::new()))
                    .collect();
                let body = self.trim(after_docs(self.a.text(), span, &item.docs));
                self.symbol(
                    "contract".into(),
                    None,
                    SymbolKind::OBJECT,
                    span,
                    body,
                    children,
                )
            }
        }
    }

    fn list(
        &self,
        keyword: &str,
        names: &[Ident],
        separator: &str,
        kind: SymbolKind,
        span: Span,
    ) -> Option<DocumentSymbol> {
        let children = names
            .iter()
            .filter_map(|n| {
                self.symbol(
                    n.name.clone(),
                    None,
                    SymbolKind::ENUM_MEMBER,
                    n.span,
                    n.span,
                    Vec::new(),
                )
            })
            .collect();
        let list: Vec<&str> = names.iter().map(|n| n.name.as_str()).collect();
        let selection = names.first().map_or(span, |n| n.span);
        self.symbol(
            keyword.to_string(),
            Some(list.join(separator)),
            kind,
            span,
            selection,
            children,
        )
    }

    fn member_block(
        &self,
        keyword: &str,
        kind: SymbolKind,
        b: &MemberBlock,
        span: Span,
    ) -> Option<DocumentSymbol> {
        let children = b
            .clauses
            .iter()
            .filter_map(|c| match &c.kind {
                MemberClauseKind::Commission(x) => self.commission(x, c.span),
                MemberClauseKind::Bonus(x) => self.symbol(
                    x.name.name.clone(),
                    Some("bonus".into()),
                    SymbolKind::FUNCTION,
                    c.span,
                    x.name.span,
                    Vec::new(),
                ),
                MemberClauseKind::Attribution(x) => self.attribution(x, c.span),
                MemberClauseKind::Obligation(x) => self.symbol(
                    x.name.name.clone(),
                    Some("obligation".into()),
                    SymbolKind::EVENT,
                    c.span,
                    x.name.span,
                    Vec::new(),
                ),
                _ => self.clause(c.span, &c.docs, SymbolKind::PROPERTY, Vec::new()),
            })
            .collect();
        let detail = if keyword == "tier" {
            self.a
                .compilation
                .program
                .tiers
                .iter()
                .find(|t| t.name.name == b.name.name)
                .map(|t| {
                    format!(
                        "tier, rank {} of {}",
                        t.rank + 1,
                        self.a.compilation.program.tiers.len()
                    )
                })
        } else {
            Some(keyword.to_string())
        };
        self.symbol(
            b.name.name.clone(),
            detail,
            kind,
            span,
            b.name.span,
            children,
        )
    }

    fn benefit(&self, b: &Benefit, span: Span) -> Option<DocumentSymbol> {
        let children = b
            .clauses
            .iter()
            .filter_map(|c| match &c.kind {
                BenefitClauseKind::Commission(x) => self.commission(x, c.span),
                _ => self.clause(c.span, &c.docs, SymbolKind::PROPERTY, Vec::new()),
            })
            .collect();
        self.symbol(
            b.name.name.clone(),
            Some(b.category.name.clone()),
            SymbolKind::PROPERTY,
            span,
            b.name.span,
            children,
        )
    }

    fn commission(&self, c: &Commission, span: Span) -> Option<DocumentSymbol> {
        let children = c
            .clauses
            .iter()
            .filter_map(|clause| match &clause.kind {
                CommissionClauseKind::Rate(Rate {
                    kind: RateKind::ByMetric { brackets, .. },
                    ..
                }) => {
                    let rows = brackets
                        .iter()
                        .filter_map(|b| {
                            self.clause(b.span, &[], SymbolKind::ENUM_MEMBER, Vec::new())
                        })
                        .collect();
                    self.clause(clause.span, &clause.docs, SymbolKind::PROPERTY, rows)
                }
                _ => self.clause(clause.span, &clause.docs, SymbolKind::PROPERTY, Vec::new()),
            })
            .collect();
        let detail = self
            .a
            .compilation
            .program
            .commissions
            .iter()
            .find(|x| x.name.span == c.name.span)
            .and_then(|x| describe::rate_range(&x.rate))
            .map(describe::percent_range);
        self.symbol(
            c.name.name.clone(),
            detail.or_else(|| Some("commission".into())),
            SymbolKind::FUNCTION,
            span,
            c.name.span,
            children,
        )
    }

    fn attribution(&self, x: &Attribution, span: Span) -> Option<DocumentSymbol> {
        let children = x
            .clauses
            .iter()
            .filter(|c| !c.inline)
            .filter_map(|c| self.clause(c.span, &c.docs, SymbolKind::PROPERTY, Vec::new()))
            .collect();
        self.symbol(
            format!("attribute customer by {}", x.method.name),
            None,
            SymbolKind::EVENT,
            span,
            x.method.span,
            children,
        )
    }
}

pub fn symbol_kind(kind: CheckKind) -> SymbolKind {
    match kind {
        CheckKind::Tier => SymbolKind::CLASS,
        CheckKind::Track => SymbolKind::INTERFACE,
        CheckKind::Module => SymbolKind::MODULE,
        CheckKind::Benefit => SymbolKind::PROPERTY,
        CheckKind::ChooseGroup => SymbolKind::ENUM,
        CheckKind::Commission | CheckKind::Bonus => SymbolKind::FUNCTION,
        CheckKind::Region => SymbolKind::ARRAY,
        CheckKind::Country => SymbolKind::ENUM_MEMBER,
        CheckKind::Partner => SymbolKind::OBJECT,
        CheckKind::Product => SymbolKind::STRUCT,
        CheckKind::Agreement | CheckKind::Qualification | CheckKind::Entity => SymbolKind::CONSTANT,
        CheckKind::Obligation => SymbolKind::EVENT,
    }
}

/// The definitions of open documents whose names match `query` (a case-insensitive subsequence).
pub fn workspace_symbols<'a>(
    analyses: impl IntoIterator<Item = &'a Analysis>,
    query: &str,
) -> Vec<WorkspaceSymbol> {
    let query = query.to_lowercase();
    let mut out = Vec::new();
    for a in analyses {
        for s in &a.compilation.symbols.symbols {
            let Some(span) = s.span else { continue };
            if span.file != a.root() || !is_subsequence(&query, &s.name.to_lowercase()) {
                continue;
            }
            let Some(location) = a.location(span) else {
                continue;
            };
            out.push(WorkspaceSymbol {
                name: s.name.clone(),
                kind: symbol_kind(s.kind),
                tags: None,
                container_name: Some(s.kind.describe().to_string()),
                location: OneOf::Left(Location { ..location }),
                data: None,
            });
        }
    }
    out.sort_by(|x, y| {
        (x.name.as_str(), location_key(&x.location))
            .cmp(&(y.name.as_str(), location_key(&y.location)))
    });
    out
}

fn location_key(
    l: &OneOf<Location, tower_lsp_server::ls_types::WorkspaceLocation>,
) -> (String, u32, u32) {
    match l {
        OneOf::Left(l) => (
            l.uri.as_str().to_string(),
            l.range.start.line,
            l.range.start.character,
        ),
        OneOf::Right(w) => (w.uri.as_str().to_string(), 0, 0),
    }
}

fn is_subsequence(needle: &str, haystack: &str) -> bool {
    let mut chars = haystack.chars();
    needle.chars().all(|n| chars.any(|h| h == n))
}
