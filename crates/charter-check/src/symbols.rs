//! Name resolution: every definition becomes a [`Symbol`], every [`NameRef`] a
//! [`Reference`] to one, or an unknown-name diagnostic with a "did you mean".

use crate::suggest::NameIndex;
use charter_diagnostics::{did_you_mean, Code, Diagnostic, Span, TextEdit};
use charter_ir::countries::country_name;
use charter_ir::*;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SymbolKind {
    Tier,
    Track,
    Module,
    Benefit,
    ChooseGroup,
    Commission,
    Bonus,
    Region,
    Country,
    Partner,
    Product,
    Agreement,
    Qualification,
    Entity,
    Obligation,
}

impl SymbolKind {
    pub fn describe(self) -> &'static str {
        match self {
            SymbolKind::Tier => "tier",
            SymbolKind::Track => "track",
            SymbolKind::Module => "module",
            SymbolKind::Benefit => "benefit",
            SymbolKind::ChooseGroup => "choose-one group",
            SymbolKind::Commission => "commission",
            SymbolKind::Bonus => "bonus",
            SymbolKind::Region => "region",
            SymbolKind::Country => "country",
            SymbolKind::Partner => "partner",
            SymbolKind::Product => "product",
            SymbolKind::Agreement => "agreement",
            SymbolKind::Qualification => "staff qualification",
            SymbolKind::Entity => "entity type",
            SymbolKind::Obligation => "obligation",
        }
    }
}

/// Which kinds of definition a name may refer to at one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Namespace {
    /// Tiers, tracks and modules share one namespace (`for X` may name any).
    Member,
    Tier,
    Track,
    Module,
    Benefit,
    /// Regions or ISO country codes.
    RegionOrCountry,
    Product,
    Agreement,
    Qualification,
    Entity,
}

impl Namespace {
    fn accepts(self, kind: SymbolKind) -> bool {
        match self {
            Namespace::Member => matches!(
                kind,
                SymbolKind::Tier | SymbolKind::Track | SymbolKind::Module
            ),
            Namespace::Tier => kind == SymbolKind::Tier,
            Namespace::Track => kind == SymbolKind::Track,
            Namespace::Module => kind == SymbolKind::Module,
            Namespace::Benefit => kind == SymbolKind::Benefit,
            Namespace::RegionOrCountry => matches!(kind, SymbolKind::Region | SymbolKind::Country),
            Namespace::Product => kind == SymbolKind::Product,
            Namespace::Agreement => kind == SymbolKind::Agreement,
            Namespace::Qualification => kind == SymbolKind::Qualification,
            Namespace::Entity => kind == SymbolKind::Entity,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Namespace::Member => "tier, track or module",
            Namespace::Tier => "tier",
            Namespace::Track => "track",
            Namespace::Module => "module",
            Namespace::Benefit => "benefit",
            Namespace::RegionOrCountry => "region or ISO 3166-1 country code",
            Namespace::Product => "product",
            Namespace::Agreement => "agreement",
            Namespace::Qualification => "staff qualification",
            Namespace::Entity => "entity type",
        }
    }
}

/// A named definition.
#[derive(Clone, Debug, Serialize)]
pub struct Symbol {
    pub kind: SymbolKind,
    pub name: String,
    /// Where the name is defined (`None` for built-ins: countries, default entity types).
    pub span: Option<Span>,
    /// The whole definition (item or clause), for outlines and folding.
    pub full_span: Option<Span>,
    pub docs: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SymbolId(pub u32);

/// A resolved use of a name.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Reference {
    pub span: Span,
    pub symbol: SymbolId,
}

/// Every definition and every resolved reference of a policy.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SymbolTable {
    pub symbols: Vec<Symbol>,
    pub references: Vec<Reference>,
    #[serde(skip)]
    by_name: HashMap<String, Vec<SymbolId>>,
}

/// The staff qualifications and entity types a program has when it declares none.
pub const DEFAULT_QUALIFICATIONS: &[&str] = &["sales", "technical", "trained"];
pub const ENTITY_TYPES: &[&str] = &["company", "sole_proprietor", "self_employed", "individual"];

impl SymbolTable {
    pub fn get(&self, id: SymbolId) -> Option<&Symbol> {
        self.symbols.get(id.0 as usize)
    }

    /// The symbol of a kind with a name.
    pub fn lookup(&self, kind: SymbolKind, name: &str) -> Option<SymbolId> {
        self.by_name
            .get(name)?
            .iter()
            .copied()
            .find(|id| self.get(*id).is_some_and(|s| s.kind == kind))
    }

    fn find(&self, ns: Namespace, name: &str) -> Option<SymbolId> {
        if ns == Namespace::RegionOrCountry && country_name(name).is_some() {
            if let Some(id) = self.lookup(SymbolKind::Region, name) {
                return Some(id);
            }
        }
        self.by_name
            .get(name)?
            .iter()
            .copied()
            .find(|id| self.get(*id).is_some_and(|s| ns.accepts(s.kind)))
    }

    fn add(&mut self, symbol: Symbol) -> SymbolId {
        let id = SymbolId(u32::try_from(self.symbols.len()).unwrap_or(u32::MAX));
        self.by_name
            .entry(symbol.name.clone())
            .or_default()
            .push(id);
        self.symbols.push(symbol);
        id
    }

    /// The symbol defined or referenced at a byte offset of a file.
    pub fn at(&self, file: charter_diagnostics::FileId, offset: usize) -> Option<(SymbolId, Span)> {
        for (i, s) in self.symbols.iter().enumerate() {
            if let Some(span) = s.span {
                if span.file == file && span.contains(offset) {
                    return Some((SymbolId(u32::try_from(i).unwrap_or(u32::MAX)), span));
                }
            }
        }
        self.references
            .iter()
            .find(|r| r.span.file == file && r.span.contains(offset))
            .map(|r| (r.symbol, r.span))
    }

    /// Every use of a symbol.
    pub fn references_to(&self, id: SymbolId) -> impl Iterator<Item = &Reference> {
        self.references.iter().filter(move |r| r.symbol == id)
    }
}

/// Builds the symbol table and reports unknown names, duplicates and unused definitions.
pub fn resolve(program: &Program) -> (SymbolTable, Vec<Diagnostic>) {
    let mut r = Resolver {
        table: SymbolTable::default(),
        diagnostics: Vec::new(),
        suggestions: HashMap::new(),
    };
    r.define_all(program);
    r.resolve_all(program);
    r.report_unused(program);
    (r.table, r.diagnostics)
}

/// Tier blocks naming a tier the `tiers` list does not declare. Without any
/// `tiers` list, tier blocks rank in the order they are written and need none.
pub fn undeclared_tiers(files: &[&charter_syntax::ast::SourceFileAst]) -> Vec<Diagnostic> {
    use charter_syntax::ast::ItemKind;
    let items = || files.iter().flat_map(|f| f.items.iter());
    let Some(decl) = items().find(|i| matches!(i.kind, ItemKind::TiersDecl(_))) else {
        return Vec::new();
    };
    let declared: Vec<&str> = items()
        .filter_map(|i| match &i.kind {
            ItemKind::TiersDecl(names) => Some(names.iter().map(|n| n.name.as_str())),
            _ => None,
        })
        .flatten()
        .collect();
    let is_declared: std::collections::HashSet<&str> = declared.iter().copied().collect();
    let mut suggestions: Option<NameIndex> = None;
    let mut out = Vec::new();
    for item in items() {
        let ItemKind::Tier(block) = &item.kind else {
            continue;
        };
        let name = &block.name;
        if is_declared.contains(name.name.as_str()) {
            continue;
        }
        let mut d = Diagnostic::new(
            Code::UnknownName,
            format!("tier `{}` is not in the `tiers` list", name.name),
            name.span,
        )
        .with_primary_label("not declared")
        .with_label(decl.span, "the tiers, lowest first");
        let index = suggestions.get_or_insert_with(|| NameIndex::new(declared.iter().copied()));
        d = match index.closest(&name.name) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")).with_fix(
                format!("replace with `{s}`"),
                vec![TextEdit {
                    span: name.span,
                    replacement: s.to_string(),
                }],
            ),
            None => d.with_help("add the tier to the `tiers` list, where it ranks"),
        };
        out.push(d);
    }
    out
}

struct Resolver {
    table: SymbolTable,
    diagnostics: Vec<Diagnostic>,
    /// Per namespace, its names indexed for "did you mean" and the answers
    /// given so far; built at the first unknown name of the namespace, once
    /// every definition is known.
    suggestions: HashMap<Namespace, Suggestions>,
}

/// The names of one namespace, indexed, and the suggestion for each unknown
/// name already met (an unknown name is often repeated).
struct Suggestions {
    index: NameIndex,
    answers: HashMap<String, Option<String>>,
}

impl Resolver {
    fn define(
        &mut self,
        kind: SymbolKind,
        named: &Named,
        full_span: Option<Span>,
        namespace: Namespace,
    ) {
        if let Some(existing) = self.table.find(namespace, &named.name) {
            let previous = self
                .table
                .get(existing)
                .and_then(|s| s.span.map(|sp| (sp, s.kind)));
            if let Some((prev_span, prev_kind)) = previous {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateDefinition,
                        format!("`{}` is defined twice", named.name),
                        named.span,
                    )
                    .with_primary_label(format!("this {} reuses the name", kind.describe()))
                    .with_label(
                        prev_span,
                        format!("first defined here as a {}", prev_kind.describe()),
                    )
                    .with_help("give each definition its own name"),
                );
                return;
            }
        }
        self.table.add(Symbol {
            kind,
            name: named.name.clone(),
            span: Some(named.span),
            full_span,
            docs: named.docs.clone(),
        });
    }

    fn define_all(&mut self, p: &Program) {
        for c in charter_ir::countries::COUNTRIES {
            self.table.add(Symbol {
                kind: SymbolKind::Country,
                name: c.0.to_string(),
                span: None,
                full_span: None,
                docs: Some(c.1.to_string()),
            });
        }
        for t in &p.tiers {
            self.define(SymbolKind::Tier, &t.name, t.block_span, Namespace::Member);
        }
        for t in &p.tracks {
            self.define(SymbolKind::Track, &t.name, t.block_span, Namespace::Member);
        }
        for m in &p.modules {
            self.define(SymbolKind::Module, &m.name, m.block_span, Namespace::Member);
        }
        for b in &p.benefits {
            self.define(
                SymbolKind::Benefit,
                &b.name,
                Some(b.span),
                Namespace::Benefit,
            );
        }
        for g in &p.choose_groups {
            if g.name.span != g.span {
                self.define_unique(SymbolKind::ChooseGroup, &g.name, Some(g.span));
            }
        }
        for c in &p.commissions {
            self.define_rule(SymbolKind::Commission, &c.name, c.span);
        }
        for b in &p.bonuses {
            self.define_rule(SymbolKind::Bonus, &b.name, b.span);
        }
        for r in &p.regions {
            if country_name(&r.name.name).is_some() {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateDefinition,
                        format!(
                            "`{}` is an ISO country code; a region needs another name",
                            r.name.name
                        ),
                        r.name.span,
                    )
                    .with_help("name regions with words, like `DACH` or `NORDICS`"),
                );
            }
            self.define(
                SymbolKind::Region,
                &r.name,
                Some(r.span),
                Namespace::RegionOrCountry,
            );
        }
        for partner in &p.partners {
            self.define_unique(SymbolKind::Partner, &partner.id, Some(partner.span));
        }
        for product in &p.products {
            self.define(SymbolKind::Product, product, None, Namespace::Product);
        }
        for a in &p.agreements {
            self.define(SymbolKind::Agreement, a, None, Namespace::Agreement);
        }
        if p.qualifications.is_empty() {
            for q in DEFAULT_QUALIFICATIONS {
                self.builtin(SymbolKind::Qualification, q);
            }
        } else {
            for q in &p.qualifications {
                self.define(SymbolKind::Qualification, q, None, Namespace::Qualification);
            }
        }
        if p.entities.is_empty() {
            for e in ENTITY_TYPES {
                self.builtin(SymbolKind::Entity, e);
            }
        } else {
            for e in &p.entities {
                if !ENTITY_TYPES.contains(&e.name.name.as_str()) {
                    let mut d = Diagnostic::new(
                        Code::UnknownName,
                        format!("unknown entity type `{}`", e.name.name),
                        e.name.span,
                    );
                    d = match did_you_mean(&e.name.name, ENTITY_TYPES.iter().copied()) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")).with_fix(
                            format!("replace with `{s}`"),
                            vec![TextEdit {
                                span: e.name.span,
                                replacement: s.to_string(),
                            }],
                        ),
                        None => {
                            d.with_help(format!("the entity types are {}", ENTITY_TYPES.join(", ")))
                        }
                    };
                    self.diagnostics.push(d);
                }
                self.define(SymbolKind::Entity, &e.name, None, Namespace::Entity);
            }
        }
        for o in &p.obligations {
            self.define_unique(SymbolKind::Obligation, &o.name, Some(o.span));
        }
    }

    fn builtin(&mut self, kind: SymbolKind, name: &str) {
        self.table.add(Symbol {
            kind,
            name: name.to_string(),
            span: None,
            full_span: None,
            docs: None,
        });
    }

    /// Defines a name that must be unique among symbols of its kind only.
    fn define_unique(&mut self, kind: SymbolKind, named: &Named, full_span: Option<Span>) {
        if let Some(existing) = self.table.lookup(kind, &named.name) {
            if let Some(prev) = self.table.get(existing).and_then(|s| s.span) {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateDefinition,
                        format!("{} `{}` is defined twice", kind.describe(), named.name),
                        named.span,
                    )
                    .with_label(prev, "first defined here")
                    .with_help("give each definition its own name"),
                );
                return;
            }
        }
        self.table.add(Symbol {
            kind,
            name: named.name.clone(),
            span: Some(named.span),
            full_span,
            docs: named.docs.clone(),
        });
    }

    /// Commissions and bonuses share one namespace: a payout names its rule.
    fn define_rule(&mut self, kind: SymbolKind, named: &Named, full_span: Span) {
        let existing = self
            .table
            .lookup(SymbolKind::Commission, &named.name)
            .or_else(|| self.table.lookup(SymbolKind::Bonus, &named.name));
        if let Some(prev) = existing
            .and_then(|id| self.table.get(id))
            .and_then(|s| s.span)
        {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateDefinition,
                    format!("the rule name `{}` is used twice", named.name),
                    named.span,
                )
                .with_label(prev, "first used here")
                .with_help(
                    "payouts are reported by rule name: give each commission and bonus its own",
                ),
            );
            return;
        }
        self.table.add(Symbol {
            kind,
            name: named.name.clone(),
            span: Some(named.span),
            full_span: Some(full_span),
            docs: named.docs.clone(),
        });
    }

    fn use_name(&mut self, ns: Namespace, name: &NameRef) -> Option<SymbolId> {
        if let Some(id) = self.table.find(ns, &name.name) {
            self.table.references.push(Reference {
                span: name.span,
                symbol: id,
            });
            return Some(id);
        }
        let table = &self.table;
        let suggestions = self.suggestions.entry(ns).or_insert_with(|| Suggestions {
            index: NameIndex::new(
                table
                    .symbols
                    .iter()
                    .filter(|s| ns.accepts(s.kind) && s.kind != SymbolKind::Country)
                    .map(|s| s.name.as_str()),
            ),
            answers: HashMap::new(),
        });
        let suggestion = match suggestions.answers.get(&name.name) {
            Some(answer) => answer.clone(),
            None => {
                let answer = suggestions.index.closest(&name.name).map(str::to_string);
                suggestions
                    .answers
                    .insert(name.name.clone(), answer.clone());
                answer
            }
        };
        let index = &suggestions.index;
        let mut d = Diagnostic::new(
            Code::UnknownName,
            format!("unknown {} `{}`", ns.describe(), name.name),
            name.span,
        )
        .with_primary_label("not defined");
        let other_kind = self
            .table
            .by_name
            .get(&name.name)
            .and_then(|ids| ids.first())
            .and_then(|id| self.table.get(*id));
        if let Some(s) = suggestion {
            d = d.with_help(format!("did you mean `{s}`?")).with_fix(
                format!("replace with `{s}`"),
                vec![TextEdit {
                    span: name.span,
                    replacement: s.to_string(),
                }],
            );
        } else if let Some(other) = other_kind {
            d = d.with_help(format!(
                "`{}` is a {}, but a {} is expected here",
                name.name,
                other.kind.describe(),
                ns.describe()
            ));
        } else if ns == Namespace::RegionOrCountry {
            d = Diagnostic::new(
                Code::UnknownCountry,
                format!("`{}` is neither a region nor an ISO 3166-1 country code", name.name),
                name.span,
            )
            .with_primary_label("unknown code")
            .with_help(match name.name.as_str() {
                "UK" => "the ISO code of the United Kingdom is `GB`".to_string(),
                "EL" => "the ISO code of Greece is `GR`".to_string(),
                _ => "use two-letter ISO 3166-1 codes like `DE`, or define the region with `region NAME = [...]`".to_string(),
            });
        } else if index.is_empty() {
            d = d.with_help(format!("no {} is defined in this policy", ns.describe()));
        } else {
            let list: Vec<&str> = index.names().take(12).collect();
            d = d.with_help(format!("defined: {}", list.join(", ")));
        }
        self.diagnostics.push(d);
        None
    }

    fn use_all(&mut self, ns: Namespace, names: &[NameRef]) {
        for n in names {
            self.use_name(ns, n);
        }
    }

    fn eligibility(&mut self, e: &Eligibility) {
        self.use_all(Namespace::Entity, &e.entities);
        self.use_all(Namespace::Tier, &e.tiers);
        self.use_all(Namespace::Track, &e.tracks);
        self.use_all(Namespace::Module, &e.modules);
    }

    fn requirement(&mut self, r: &Requirement) {
        self.use_all(Namespace::Member, &r.scope);
        match &r.kind {
            RequirementKind::Agreement { agreement } => {
                self.use_name(Namespace::Agreement, agreement);
            }
            RequirementKind::Staff { qualification, .. } => {
                self.use_name(Namespace::Qualification, qualification);
            }
            _ => {}
        }
    }

    fn condition(&mut self, c: &Condition) {
        match c {
            Condition::Staff { qualification, .. } => {
                self.use_name(Namespace::Qualification, qualification);
            }
            Condition::Elected { benefit } => {
                self.use_name(Namespace::Benefit, benefit);
            }
            Condition::Metric { .. } => {}
        }
    }

    fn resolve_all(&mut self, p: &Program) {
        if let ClaimPolicy::Split { shares } = &p.claims {
            for s in shares {
                self.use_name(Namespace::Track, &s.track);
            }
        }
        p.requirements.iter().for_each(|r| self.requirement(r));
        for t in &p.tiers {
            t.requirements.iter().for_each(|r| self.requirement(r));
            self.use_all(Namespace::Benefit, &t.grants);
        }
        for g in p.tracks.iter().chain(&p.modules) {
            g.requirements.iter().for_each(|r| self.requirement(r));
            self.use_all(Namespace::Benefit, &g.grants);
            if let Some(e) = &g.eligibility {
                self.eligibility(e);
            }
        }
        for b in &p.benefits {
            for t in &b.available_to {
                self.use_name(Namespace::Member, &t.target);
            }
        }
        for g in &p.choose_groups {
            self.use_all(Namespace::Benefit, &g.benefits);
        }
        for c in &p.commissions {
            self.use_all(Namespace::Product, &c.base.products);
            if let RateSpec::ByTier { rates } = &c.rate {
                for r in rates {
                    self.use_name(Namespace::Tier, &r.tier);
                }
            }
            if let Some(cut) = &c.cut_back {
                self.use_name(Namespace::Tier, &cut.tier);
            }
            for u in &c.uplifts {
                self.condition(&u.condition);
            }
            if let Some(e) = &c.eligibility {
                self.eligibility(e);
            }
        }
        for b in &p.bonuses {
            self.condition(&b.condition);
        }
        for a in &p.attributions {
            self.use_all(Namespace::Product, &a.products);
        }
        for r in &p.regions {
            self.use_all(Namespace::RegionOrCountry, &r.members);
        }
        for partner in &p.partners {
            for a in &partner.regions {
                self.use_name(Namespace::RegionOrCountry, &a.region);
            }
            if let Some(t) = &partner.tier {
                self.use_name(Namespace::Tier, t);
            }
            if let Some(t) = &partner.track {
                self.use_name(Namespace::Track, t);
            }
            self.use_all(Namespace::Module, &partner.modules);
            if let Some(e) = &partner.entity {
                self.use_name(Namespace::Entity, e);
            }
            self.use_all(Namespace::Benefit, &partner.elected);
            for (q, _) in &partner.staff {
                self.use_name(Namespace::Qualification, q);
            }
        }
        for o in &p.obligations {
            self.use_all(Namespace::Member, &o.scope);
        }
    }

    fn report_unused(&mut self, p: &Program) {
        let mut used = vec![false; self.table.symbols.len()];
        for r in &self.table.references {
            if let Some(u) = used.get_mut(r.symbol.0 as usize) {
                *u = true;
            }
        }
        for (i, s) in self.table.symbols.iter().enumerate() {
            let Some(span) = s.span else { continue };
            if used[i] {
                continue;
            }
            let what = match s.kind {
                SymbolKind::Region => "no partner or region uses region",
                SymbolKind::Agreement => "no tier, track or module requires agreement",
                SymbolKind::Qualification => {
                    "no requirement or condition counts staff qualification"
                }
                _ => continue,
            };
            // Regions are used by rosters that may live in another file; a policy
            // without any partner is a program template, not a roster.
            if s.kind == SymbolKind::Region && p.partners.is_empty() {
                continue;
            }
            self.diagnostics.push(
                Diagnostic::new(Code::Unused, format!("{what} `{}`", s.name), span)
                    .with_primary_label("never used")
                    .with_help("remove it, or refer to it where it was meant to apply"),
            );
        }
    }
}
