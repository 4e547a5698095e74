//! The root file's syntax tree flattened into a list of spans with what they
//! are: names, words of the fixed vocabulary, literals, strings, doc comments.
//! Hover, semantic tokens and navigation look things up here by offset instead
//! of walking the tree each time.

use charter_check::SymbolKind;
use charter_diagnostics::Span;
use charter_syntax::ast::*;

/// What a span of the root file is.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// A name that is defined or used; the symbol table knows which.
    Name,
    /// A name in a `tiers`, `tracks` or `modules` list.
    DeclaredName(SymbolKind, String),
    /// A word of the fixed vocabulary that the tree keeps as an identifier.
    Word(WordKind),
    /// A number with its unit, or a date.
    Quantity(QuantityKind),
    /// A bare count (`>= 10`, `week 2`).
    Count,
    String,
    Doc,
    /// `import "roster.charter"`: the string of the path.
    Import(String),
    BracketMode(BracketModeKw),
    /// A commission window, around its length and anchor.
    Window(WindowKind),
}

/// The vocabulary words the tree keeps as identifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WordKind {
    Anchor,
    PayoutAnchor,
    BaseKind,
    InvoiceKind,
    Collector,
    MetricKind,
    EventKind,
    AttributionMethod,
    SettleMode,
    Category,
    RoundingMode,
    ClaimsOrder,
    Party,
    ActivityKind,
    /// The event after which an obligation falls due (free text).
    ObligationEvent,
    /// What a discount applies to (free text).
    DiscountTarget,
    Currency,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

/// The flattened root file, sorted by start offset.
#[derive(Debug, Default)]
pub struct SyntaxIndex {
    pub nodes: Vec<Node>,
}

impl SyntaxIndex {
    /// The index of a file's tree; `text` is the file's text.
    pub fn new(file: Option<&SourceFileAst>, text: &str) -> SyntaxIndex {
        let mut w = Walker {
            nodes: Vec::new(),
            text,
        };
        if let Some(file) = file {
            for item in &file.items {
                w.item(item);
            }
        }
        let mut nodes = w.nodes;
        nodes.sort_by_key(|n| (n.span.start, std::cmp::Reverse(n.span.end)));
        SyntaxIndex { nodes }
    }

    /// Every node containing `offset` (ends included), smallest first.
    pub fn at(&self, offset: usize) -> Vec<&Node> {
        let end = self
            .nodes
            .partition_point(|n| (n.span.start as usize) <= offset);
        let mut found: Vec<&Node> = self.nodes[..end]
            .iter()
            .filter(|n| n.span.contains(offset))
            .collect();
        found.sort_by_key(|n| n.span.len());
        found
    }

    /// The name in a declaration list at `offset`.
    pub fn declared_name_at(&self, offset: usize) -> Option<(SymbolKind, Ident)> {
        self.at(offset).into_iter().find_map(|n| match &n.kind {
            NodeKind::DeclaredName(kind, name) => Some((
                *kind,
                Ident {
                    name: name.clone(),
                    span: n.span,
                },
            )),
            _ => None,
        })
    }

    /// The names of declaration lists that declare `name` as a `kind`.
    pub fn declared_names(&self, kind: SymbolKind, name: &str) -> Vec<Ident> {
        self.nodes
            .iter()
            .filter_map(|n| match &n.kind {
                NodeKind::DeclaredName(k, n_name) if *k == kind && n_name == name => Some(Ident {
                    name: n_name.clone(),
                    span: n.span,
                }),
                _ => None,
            })
            .collect()
    }
}

/// The whole line of a `///` doc comment, whatever span the tree gives it
/// (to the line break, `\r` alone included, as the lexer reads it).
pub fn doc_span(text: &str, doc: &Doc) -> Span {
    let start = (doc.span.start as usize).min(text.len());
    let rest = text.get(start..).unwrap_or("");
    let line = charter_syntax::lexer::tokens(rest)
        .next()
        .filter(|t| t.is_comment())
        .map_or("", |t| t.text(rest));
    Span::new(doc.span.file, start, start + line.trim_end().len())
}

/// A span without the doc comments it starts with.
pub fn after_docs(text: &str, span: Span, docs: &[Doc]) -> Span {
    match docs.last() {
        Some(d) => Span {
            start: doc_span(text, d).end.clamp(span.start, span.end),
            ..span
        },
        None => span,
    }
}

struct Walker<'t> {
    nodes: Vec<Node>,
    text: &'t str,
}

impl Walker<'_> {
    fn push(&mut self, span: Span, kind: NodeKind) {
        self.nodes.push(Node { span, kind });
    }

    fn name(&mut self, ident: &Ident) {
        self.push(ident.span, NodeKind::Name);
    }

    fn names(&mut self, idents: &[Ident]) {
        for i in idents {
            self.name(i);
        }
    }

    fn word(&mut self, ident: &Ident, kind: WordKind) {
        self.push(ident.span, NodeKind::Word(kind));
    }

    fn quantity(&mut self, q: &Quantity) {
        self.push(q.span, NodeKind::Quantity(q.kind.clone()));
    }

    fn count(&mut self, c: &Count) {
        self.push(c.span, NodeKind::Count);
    }

    fn string(&mut self, s: &StringLit) {
        self.push(s.span, NodeKind::String);
    }

    fn docs(&mut self, docs: &[Doc]) {
        for d in docs {
            self.push(doc_span(self.text, d), NodeKind::Doc);
        }
    }

    fn item(&mut self, item: &Item) {
        self.docs(&item.docs);
        match &item.kind {
            ItemKind::Import(path) => self.push(path.span, NodeKind::Import(path.value.clone())),
            ItemKind::Program(p) => {
                self.string(&p.name);
                for s in &p.settings {
                    self.program_setting(s);
                }
            }
            ItemKind::TiersDecl(names) => self.declared(names, SymbolKind::Tier),
            ItemKind::TracksDecl(names) => self.declared(names, SymbolKind::Track),
            ItemKind::ModulesDecl(decl) => self.declared(&decl.names, SymbolKind::Module),
            ItemKind::Tier(b) | ItemKind::Track(b) | ItemKind::Module(b) => self.member_block(b),
            ItemKind::Benefit(b) => self.benefit(b),
            ItemKind::ChooseOne(c) => {
                self.names(&c.benefits);
                if let Some(n) = &c.name {
                    self.name(n);
                }
                if let Some(d) = &c.default {
                    self.name(d);
                }
            }
            ItemKind::Commission(c) => self.commission(c),
            ItemKind::Bonus(b) => self.bonus(b),
            ItemKind::Attribution(a) => self.attribution(a),
            ItemKind::Payout(p) => self.payout(p),
            ItemKind::Region(r) => {
                self.name(&r.name);
                self.names(&r.members);
            }
            ItemKind::Partner(p) => self.partner(p),
            ItemKind::Obligation(o) => self.obligation(o),
            ItemKind::Contract(c) => self.contract(c),
            ItemKind::Require(r) => self.requirement(r),
        }
    }

    fn declared(&mut self, names: &[Ident], kind: SymbolKind) {
        for n in names {
            self.push(n.span, NodeKind::DeclaredName(kind, n.name.clone()));
        }
    }

    fn program_setting(&mut self, s: &ProgramSetting) {
        self.docs(&s.docs);
        match &s.kind {
            ProgramSettingKind::Currency(c) => self.word(c, WordKind::Currency),
            ProgramSettingKind::Products(names)
            | ProgramSettingKind::Agreements(names)
            | ProgramSettingKind::Qualifications(names) => self.names(names),
            ProgramSettingKind::Entities(defs) => {
                for d in defs {
                    self.name(&d.name);
                }
            }
            ProgramSettingKind::Rounding { mode, to } => {
                self.word(mode, WordKind::RoundingMode);
                if let Some(c) = to {
                    self.count(c);
                }
            }
            ProgramSettingKind::Holidays(days) => days.iter().for_each(|q| self.quantity(q)),
            ProgramSettingKind::Claims(ClaimsRule::Order(o)) => self.word(o, WordKind::ClaimsOrder),
            ProgramSettingKind::Claims(ClaimsRule::Split(shares)) => {
                for s in shares {
                    self.name(&s.track);
                    self.quantity(&s.share);
                }
            }
            ProgramSettingKind::InForce(f) => self.in_force(f),
            ProgramSettingKind::TaxOnTop | ProgramSettingKind::PaidInPartnerCurrency => {}
        }
    }

    fn member_block(&mut self, b: &MemberBlock) {
        self.name(&b.name);
        for c in &b.clauses {
            self.docs(&c.docs);
            match &c.kind {
                MemberClauseKind::InviteOnly => {}
                MemberClauseKind::Claims(order) => self.word(order, WordKind::ClaimsOrder),
                MemberClauseKind::Require(r) => self.requirement(r),
                MemberClauseKind::Grant(names) => self.names(names),
                MemberClauseKind::Eligible(e) => self.eligible(e),
                MemberClauseKind::Attribution(a) => self.attribution(a),
                MemberClauseKind::Commission(x) => self.commission(x),
                MemberClauseKind::Bonus(x) => self.bonus(x),
                MemberClauseKind::Payout(x) => self.payout(x),
                MemberClauseKind::Obligation(x) => self.obligation(x),
            }
        }
    }

    fn requirement(&mut self, r: &Requirement) {
        self.requirement_body(&r.body);
        self.names(&r.scope);
        if let Some(f) = &r.in_force {
            self.in_force(f);
        }
    }

    fn requirement_body(&mut self, body: &RequirementBody) {
        match body {
            RequirementBody::Contract(_) => {}
            RequirementBody::Agreement(a) => self.name(a),
            RequirementBody::Staff {
                qualification,
                count,
                ..
            } => {
                self.name(qualification);
                self.count(count);
            }
            RequirementBody::Count {
                counted,
                period,
                count,
                ..
            } => {
                self.counted(counted);
                if let Some(p) = period {
                    self.count_period(p);
                }
                self.count(count);
            }
            RequirementBody::Revenue {
                period, threshold, ..
            } => {
                if let Some(p) = period {
                    self.count_period(p);
                }
                if let RevenueThreshold::Amount { amount, .. } = threshold {
                    self.quantity(amount);
                }
            }
            RequirementBody::Mrr { period, amount, .. } => {
                if let Some(p) = period {
                    self.count_period(p);
                }
                self.quantity(amount);
            }
            RequirementBody::Points {
                terms,
                period,
                threshold,
                ..
            } => {
                for t in terms {
                    self.count(&t.weight);
                    match &t.source {
                        PointsSource::NewCustomer(_) => {}
                        PointsSource::Revenue(q) => self.quantity(q),
                        PointsSource::Counted(c) => self.counted(c),
                    }
                }
                if let Some(p) = period {
                    self.count_period(p);
                }
                self.count(threshold);
            }
            RequirementBody::AnyOf {
                alternatives,
                every,
                ..
            } => {
                for (alternative, _) in alternatives {
                    self.requirement_body(alternative);
                }
                self.quantity(every);
            }
            RequirementBody::Text(s) => self.string(s),
        }
    }

    fn in_force(&mut self, f: &InForce) {
        self.quantity(&f.from);
        if let Some(to) = &f.to {
            self.quantity(to);
        }
    }

    fn counted(&mut self, c: &Counted) {
        self.word(&c.event, WordKind::EventKind);
        if let Some(k) = &c.kind {
            self.word(k, WordKind::ActivityKind);
        }
        if let Some((q, after)) = &c.within {
            self.quantity(q);
            self.word(after, WordKind::EventKind);
        }
    }

    fn count_period(&mut self, p: &CountPeriod) {
        if let CountPeriod::InLast(q) = p {
            self.quantity(q);
        }
    }

    fn eligible(&mut self, e: &Eligible) {
        for t in &e.terms {
            self.names(&t.names);
        }
    }

    fn benefit(&mut self, b: &Benefit) {
        self.name(&b.name);
        self.word(&b.category, WordKind::Category);
        for t in &b.targets {
            self.name(&t.name);
            if let Some(s) = &t.note {
                self.string(s);
            }
        }
        for c in &b.clauses {
            self.docs(&c.docs);
            match &c.kind {
                BenefitClauseKind::Commission(x) => self.commission(x),
                BenefitClauseKind::Discount { rate, on } => {
                    self.quantity(rate);
                    self.word(on, WordKind::DiscountTarget);
                }
                BenefitClauseKind::Bonus(x) => self.bonus(x),
            }
        }
    }

    fn commission(&mut self, c: &Commission) {
        self.name(&c.name);
        if let Some(head) = &c.head {
            self.quantity(&head.rate);
            self.base(&head.base);
            if let Some(w) = &head.window {
                self.window(w);
            }
        }
        for clause in &c.clauses {
            self.docs(&clause.docs);
            match &clause.kind {
                CommissionClauseKind::Rate(r) => self.rate(r),
                CommissionClauseKind::Base(b) => self.base(b),
                CommissionClauseKind::Window(w) => self.window(w),
                CommissionClauseKind::Bounds { low, high } => {
                    self.quantity(low);
                    self.quantity(high);
                }
                CommissionClauseKind::Uplift { amount, condition } => {
                    self.quantity(amount);
                    self.condition(condition);
                }
                CommissionClauseKind::Eligible(e) => self.eligible(e),
                CommissionClauseKind::Settle(m) => self.word(m, WordKind::SettleMode),
                CommissionClauseKind::Clawback { within } => {
                    if let Some(q) = within {
                        self.quantity(q);
                    }
                }
                CommissionClauseKind::Payout(p) => self.payout(p),
                CommissionClauseKind::InForce { from, to } => {
                    self.quantity(from);
                    if let Some(q) = to {
                        self.quantity(q);
                    }
                }
                CommissionClauseKind::ActiveFor(q) => self.quantity(q),
                CommissionClauseKind::Cap { limit, .. } => self.quantity(limit),
                CommissionClauseKind::CutBack { rate, tier, within } => {
                    self.quantity(rate);
                    self.name(tier);
                    self.quantity(within);
                }
            }
        }
    }

    fn base(&mut self, b: &Base) {
        self.word(&b.kind, WordKind::BaseKind);
        for f in &b.filters {
            match f {
                BaseFilter::OnInvoices { kind, .. } => {
                    if let Some(k) = kind {
                        self.word(k, WordKind::InvoiceKind);
                    }
                }
                BaseFilter::CollectedBy { collector, .. } => {
                    self.word(collector, WordKind::Collector)
                }
                BaseFilter::Products { names, .. } => self.names(names),
                BaseFilter::Path { method, .. } => self.word(method, WordKind::AttributionMethod),
                BaseFilter::FirstSubscription { .. } => {}
            }
        }
    }

    fn window(&mut self, w: &Window) {
        self.push(w.span, NodeKind::Window(w.kind.clone()));
        if let WindowKind::Within { length, anchor, .. } = &w.kind {
            self.quantity(length);
            self.word(anchor, WordKind::Anchor);
        }
    }

    fn rate(&mut self, r: &Rate) {
        match &r.kind {
            RateKind::Flat(q) => self.quantity(q),
            RateKind::ByTier(rates) => {
                for tr in rates {
                    self.name(&tr.tier);
                    self.quantity(&tr.rate);
                }
            }
            RateKind::ByMetric {
                metric,
                mode,
                brackets,
                ..
            } => {
                self.metric(metric);
                if let Some((kw, span)) = mode {
                    self.push(*span, NodeKind::BracketMode(*kw));
                }
                for b in brackets {
                    match &b.range {
                        BracketRange::Below(q) | BracketRange::From(q) => self.quantity(q),
                        BracketRange::Between(a, z) => {
                            self.quantity(a);
                            self.quantity(z);
                        }
                    }
                    self.quantity(&b.rate);
                }
            }
        }
    }

    fn metric(&mut self, m: &Metric) {
        self.word(&m.kind, WordKind::MetricKind);
        self.quantity(&m.trailing);
    }

    fn condition(&mut self, c: &Condition) {
        match &c.kind {
            ConditionKind::Staff {
                qualification,
                count,
                ..
            } => {
                self.name(qualification);
                self.count(count);
            }
            ConditionKind::Metric {
                metric, threshold, ..
            } => {
                self.metric(metric);
                self.quantity(threshold);
            }
            ConditionKind::Elected(b) => self.name(b),
        }
    }

    fn bonus(&mut self, b: &Bonus) {
        self.name(&b.name);
        self.quantity(&b.amount);
        self.condition(&b.condition);
        if let Some(f) = &b.in_force {
            self.in_force(f);
        }
    }

    fn attribution(&mut self, a: &Attribution) {
        self.word(&a.method, WordKind::AttributionMethod);
        self.names(&a.products);
        for c in &a.clauses {
            self.docs(&c.docs);
            match &c.kind {
                AttributionClauseKind::NoPriorContact { within, before } => {
                    self.quantity(within);
                    self.word(before, WordKind::EventKind);
                }
                AttributionClauseKind::ClosesWithin {
                    event,
                    within,
                    after,
                } => {
                    self.word(event, WordKind::EventKind);
                    self.quantity(within);
                    self.word(after, WordKind::EventKind);
                }
                AttributionClauseKind::Approval { decided_within } => {
                    if let Some(q) = decided_within {
                        self.quantity(q);
                    }
                }
                AttributionClauseKind::ExistingOnRequest
                | AttributionClauseKind::NewCustomersOnly
                | AttributionClauseKind::NoSelfReferral
                | AttributionClauseKind::NewUsersOnly
                | AttributionClauseKind::Exclusive
                | AttributionClauseKind::BeforeInstallation => {}
            }
        }
    }

    fn payout(&mut self, p: &Payout) {
        match &p.timing {
            PayoutTiming::Within { delay, anchor, .. } => {
                self.quantity(delay);
                self.word(anchor, WordKind::PayoutAnchor);
            }
            PayoutTiming::MonthlyStatement { week, .. } => self.count(week),
            PayoutTiming::PeriodStatement { delay, .. } => self.quantity(delay),
            PayoutTiming::NettedAtSource => {}
        }
        if let Some(h) = &p.hold {
            self.quantity(h);
        }
        if let Some(m) = &p.minimum {
            self.quantity(&m.amount);
        }
        if let Some(after) = p.withheld.as_ref().and_then(|w| w.forfeited_after.as_ref()) {
            self.quantity(after);
        }
    }

    fn partner(&mut self, p: &Partner) {
        self.name(&p.id);
        if let Some(s) = &p.display_name {
            self.string(s);
        }
        for c in &p.clauses {
            self.docs(&c.docs);
            match &c.kind {
                PartnerClauseKind::Region { region, .. } => self.name(region),
                PartnerClauseKind::Tier(n)
                | PartnerClauseKind::Track(n)
                | PartnerClauseKind::Entity(n) => self.name(n),
                PartnerClauseKind::Modules(names) | PartnerClauseKind::Elect(names) => {
                    self.names(names)
                }
                PartnerClauseKind::Contract(_) => {}
                PartnerClauseKind::Staff(counts) => {
                    for (q, n) in counts {
                        self.name(q);
                        self.count(n);
                    }
                }
                PartnerClauseKind::RevenueTarget(q) | PartnerClauseKind::Joined(q) => {
                    self.quantity(q)
                }
            }
        }
    }

    fn obligation(&mut self, o: &Obligation) {
        self.name(&o.name);
        if let Some(q) = &o.within {
            self.quantity(q);
        }
        if let Some(a) = &o.after {
            self.word(a, WordKind::ObligationEvent);
        }
        if let Some(p) = &o.party {
            self.word(p, WordKind::Party);
        }
        self.names(&o.scope);
    }

    fn contract(&mut self, c: &ContractBlock) {
        for clause in &c.clauses {
            self.docs(&clause.docs);
            match &clause.kind {
                ContractClauseKind::Term { length, .. } => self.quantity(length),
                ContractClauseKind::Notice { period, .. } => self.quantity(period),
                ContractClauseKind::NonCompete(s) => self.string(s),
                ContractClauseKind::OnTermination(_) | ContractClauseKind::ForceMajeure => {}
            }
        }
    }
}
