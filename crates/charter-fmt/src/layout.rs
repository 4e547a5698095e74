//! The canonical layout of every syntax node: which nodes get a line of their
//! own, which blocks open, and the text of each line.
//!
//! Each line is anchored to the source range it prints (from the node's first
//! token to its last), so the [`Printer`] can put the comments back around it.

use charter_diagnostics::Span;
use charter_syntax::ast::*;

use crate::printer::{Blank, Printer};

mod metrics;

/// Where a top-level item's formatted text begins and ends, in the source and
/// in the output; used to format a range of items.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ItemBoundary {
    /// Source offset just past the item's last line (its code and any trailing
    /// comment), or `None` when more code follows on that line.
    pub src: Option<usize>,
    /// Output offset just past the item's last line.
    pub out: usize,
}

/// Prints a whole file; also returns the boundary after every item.
pub(crate) fn file(p: &mut Printer, ast: &SourceFileAst) -> Vec<ItemBoundary> {
    let mut boundaries = Vec::with_capacity(ast.items.len());
    let mut previous: Option<&Item> = None;
    for item in &ast.items {
        if let Some(prev) = previous {
            p.blank = if same_group(prev, item) {
                Blank::Natural
            } else {
                Blank::Force
            };
        }
        self::item(p, item);
        boundaries.push(ItemBoundary {
            src: line_end_after(p, p.last_end()),
            out: p.out_len(),
        });
        previous = Some(item);
    }
    boundaries
}

/// The offset just past the newline ending the line that `pos` is on, if only
/// whitespace follows `pos` on that line.
fn line_end_after(p: &Printer, pos: usize) -> Option<usize> {
    let rest = p.src.text.get(pos..)?;
    match rest.find('\n') {
        Some(nl) if rest[..nl].trim().is_empty() => Some(pos + nl + 1),
        Some(_) => None,
        None if rest.trim().is_empty() => Some(p.src.text.len()),
        None => None,
    }
}

/// Consecutive one-line items with the same keyword (several `benefit`s,
/// `region`s, `require`s) form a group: no blank line is added between them.
fn same_group(a: &Item, b: &Item) -> bool {
    a.kind.keyword() == b.kind.keyword() && is_one_line(&a.kind) && is_one_line(&b.kind)
}

fn is_one_line(kind: &ItemKind) -> bool {
    match kind {
        ItemKind::Program(p) => p.settings.is_empty(),
        ItemKind::Tier(b) | ItemKind::Track(b) | ItemKind::Module(b) => b.clauses.is_empty(),
        ItemKind::Benefit(b) => b.clauses.is_empty(),
        ItemKind::Commission(c) => c.clauses.is_empty(),
        ItemKind::Attribution(a) => a.clauses.iter().all(|c| c.inline),
        ItemKind::Partner(p) => p.clauses.is_empty(),
        ItemKind::Contract(c) => c.clauses.is_empty(),
        ItemKind::Import(_)
        | ItemKind::TiersDecl(_)
        | ItemKind::TracksDecl(_)
        | ItemKind::ModulesDecl(_)
        | ItemKind::ChooseOne(_)
        | ItemKind::Bonus(_)
        | ItemKind::Payout(_)
        | ItemKind::Region(_)
        | ItemKind::Obligation(_)
        | ItemKind::Require(_) => true,
    }
}

/// The source range of a node's own text: after its doc comments, up to its
/// last token.
fn body(p: &Printer, span: Span, docs: &[Doc]) -> (usize, usize) {
    let start = match docs.last() {
        Some(doc) => p.src.skip_forward(doc.span.end as usize),
        None => span.start as usize,
    };
    let end = p.src.trim_end(span.end as usize).max(start);
    (start, end)
}

fn docs(p: &mut Printer, docs: &[Doc]) {
    for doc in docs {
        let (start, end) = (doc.span.start as usize, doc.span.end as usize);
        p.doc_line(start, end, &doc.text);
    }
}

/// A block node `header { ... }` spanning `start..end` in the source. A block
/// with nothing inside (no clauses, no comments) stays on one line.
fn block(
    p: &mut Printer,
    (start, end): (usize, usize),
    header: &str,
    has_clauses: bool,
    clauses: impl FnOnce(&mut Printer),
) {
    let open = p
        .src
        .open_brace(start, end)
        .filter(|&open| p.src.closes_block(end) && open < end - 1);
    match open {
        Some(open) if !has_clauses && !p.has_comment_between(open, end - 1) => {
            p.line(start, end, &format!("{header} {{}}"));
        }
        Some(open) => {
            p.open(start, open, header);
            clauses(p);
            p.close(end - 1);
        }
        // Clauses without a visible block cannot come from a parse; print
        // them in one anyway (the safety net compares the trees).
        None if has_clauses => {
            p.open(start, start, header);
            clauses(p);
            p.close(end);
        }
        None => p.line(start, end, header),
    }
}

fn item(p: &mut Printer, item: &Item) {
    docs(p, &item.docs);
    let range = body(p, item.span, &item.docs);
    match &item.kind {
        ItemKind::Import(path) => p.line(range.0, range.1, &format!("import {}", string(path))),
        ItemKind::Program(program) => {
            let header = format!("program {}", string(&program.name));
            block(p, range, &header, !program.settings.is_empty(), |p| {
                for setting in &program.settings {
                    docs(p, &setting.docs);
                    let (start, end) = body(p, setting.span, &setting.docs);
                    let text = program_setting(p, &setting.kind);
                    p.line(start, end, &text);
                }
            });
        }
        ItemKind::TiersDecl(names) => {
            p.line(range.0, range.1, &format!("tiers {}", chain(names)));
        }
        ItemKind::Tier(b) => member_block(p, range, "tier", b),
        ItemKind::TracksDecl(names) => {
            p.line(range.0, range.1, &format!("tracks {}", list(names)));
        }
        ItemKind::Track(b) => member_block(p, range, "track", b),
        ItemKind::ModulesDecl(decl) => {
            let mut text = format!("modules {}", list(&decl.names));
            match decl.several {
                Some(true) => text.push_str(" { several per partner }"),
                Some(false) => text.push_str(" { one per partner }"),
                None => {}
            }
            p.line(range.0, range.1, &text);
        }
        ItemKind::Module(b) => member_block(p, range, "module", b),
        ItemKind::Benefit(b) => benefit(p, range, b),
        ItemKind::ChooseOne(choose) => {
            let mut text = format!("choose one of {}", list(&choose.benefits));
            if let Some(name) = &choose.name {
                text.push_str(" as ");
                text.push_str(&name.name);
            }
            if let Some(default) = &choose.default {
                text.push_str(" default ");
                text.push_str(&default.name);
            }
            p.line(range.0, range.1, &text);
        }
        ItemKind::Commission(c) => commission(p, range, c),
        ItemKind::Bonus(b) => {
            let text = bonus(p, b);
            p.line(range.0, range.1, &text);
        }
        ItemKind::Attribution(a) => attribution(p, range, a),
        ItemKind::Payout(payout) => {
            let text = self::payout(p, payout);
            p.line(range.0, range.1, &text);
        }
        ItemKind::Region(region) => {
            let text = format!("region {} = [{}]", region.name.name, list(&region.members));
            p.line(range.0, range.1, &text);
        }
        ItemKind::Partner(partner) => {
            let mut header = format!("partner {}", partner.id.name);
            if let Some(name) = &partner.display_name {
                header.push(' ');
                header.push_str(&string(name));
            }
            block(p, range, &header, !partner.clauses.is_empty(), |p| {
                for clause in &partner.clauses {
                    docs(p, &clause.docs);
                    let (start, end) = body(p, clause.span, &clause.docs);
                    let text = partner_clause(p, &clause.kind);
                    p.line(start, end, &text);
                }
            });
        }
        ItemKind::Obligation(o) => {
            let text = obligation(p, o);
            p.line(range.0, range.1, &text);
        }
        ItemKind::Contract(contract) => {
            block(p, range, "contract", !contract.clauses.is_empty(), |p| {
                for clause in &contract.clauses {
                    docs(p, &clause.docs);
                    let (start, end) = body(p, clause.span, &clause.docs);
                    let text = contract_clause(p, &clause.kind);
                    p.line(start, end, &text);
                }
            });
        }
        ItemKind::Require(r) => {
            let text = requirement(p, r);
            p.line(range.0, range.1, &text);
        }
    }
}

// ---------------------------------------------------------------- blocks

fn member_block(p: &mut Printer, range: (usize, usize), keyword: &str, b: &MemberBlock) {
    let header = format!("{keyword} {}", b.name.name);
    block(p, range, &header, !b.clauses.is_empty(), |p| {
        for clause in &b.clauses {
            docs(p, &clause.docs);
            let range = body(p, clause.span, &clause.docs);
            match &clause.kind {
                MemberClauseKind::Attribution(a) => attribution(p, range, a),
                MemberClauseKind::Commission(c) => commission(p, range, c),
                other => {
                    let text = member_clause(p, other);
                    p.line(range.0, range.1, &text);
                }
            }
        }
    });
}

fn member_clause(p: &Printer, kind: &MemberClauseKind) -> String {
    match kind {
        MemberClauseKind::InviteOnly => "invite only".to_string(),
        MemberClauseKind::Claims(order) => format!("claims {}", order.name),
        MemberClauseKind::Require(r) => requirement(p, r),
        MemberClauseKind::Grant(names) => format!("grant {}", list(names)),
        MemberClauseKind::Eligible(e) => eligible(e),
        MemberClauseKind::Bonus(b) => bonus(p, b),
        MemberClauseKind::Payout(payout) => self::payout(p, payout),
        MemberClauseKind::Obligation(o) => obligation(p, o),
        // Printed as blocks by the caller; kept total for safety.
        MemberClauseKind::Attribution(a) => attribution_header(p, a),
        MemberClauseKind::Commission(c) => commission_header(p, c),
    }
}

fn benefit(p: &mut Printer, range: (usize, usize), b: &Benefit) {
    let mut header = format!("benefit {} ({})", b.name.name, b.category.name);
    if !b.targets.is_empty() {
        let targets: Vec<String> = b
            .targets
            .iter()
            .map(|t| match &t.note {
                Some(note) => format!("{} {}", t.name.name, string(note)),
                None => t.name.name.clone(),
            })
            .collect();
        header.push_str(" for ");
        header.push_str(&targets.join(", "));
    }
    block(p, range, &header, !b.clauses.is_empty(), |p| {
        for clause in &b.clauses {
            docs(p, &clause.docs);
            let range = body(p, clause.span, &clause.docs);
            match &clause.kind {
                BenefitClauseKind::Commission(c) => commission(p, range, c),
                BenefitClauseKind::Discount { rate, on } => {
                    let text = format!("discount {} on {}", p.src.quantity(rate), on.name);
                    p.line(range.0, range.1, &text);
                }
                BenefitClauseKind::Bonus(b) => {
                    let text = bonus(p, b);
                    p.line(range.0, range.1, &text);
                }
            }
        }
    });
}

fn commission_header(p: &Printer, c: &Commission) -> String {
    let mut header = format!("commission {}", c.name.name);
    if let Some(head) = &c.head {
        header.push_str(": ");
        header.push_str(&p.src.quantity(&head.rate));
        header.push(' ');
        header.push_str(&base(&head.base));
        if let Some(w) = &head.window {
            // After a product list a comma would make the parser read the
            // window's first word (`while`, not reserved) as one more product.
            let after_list = matches!(head.base.filters.last(), Some(BaseFilter::Products { .. }));
            header.push_str(if after_list { " " } else { ", " });
            header.push_str(&window(p, w));
        }
    }
    header
}

fn commission(p: &mut Printer, range: (usize, usize), c: &Commission) {
    let header = commission_header(p, c);
    block(p, range, &header, !c.clauses.is_empty(), |p| {
        for clause in &c.clauses {
            docs(p, &clause.docs);
            let range = body(p, clause.span, &clause.docs);
            match &clause.kind {
                CommissionClauseKind::Rate(Rate {
                    kind:
                        RateKind::ByMetric {
                            metric,
                            mode,
                            brackets,
                            ..
                        },
                    ..
                }) => {
                    let mut header = format!("rate by {}", self::metric(p, metric));
                    if let Some((mode, _)) = mode {
                        header.push_str(", ");
                        header.push_str(mode.text());
                    }
                    block(p, range, &header, !brackets.is_empty(), |p| {
                        for b in brackets {
                            let start = b.span.start as usize;
                            let end = p.src.trim_end(b.span.end as usize).max(start);
                            let text = bracket(p, b);
                            p.line(start, end, &text);
                        }
                    });
                }
                other => {
                    let text = commission_clause(p, other);
                    p.line(range.0, range.1, &text);
                }
            }
        }
    });
}

fn commission_clause(p: &Printer, kind: &CommissionClauseKind) -> String {
    match kind {
        CommissionClauseKind::Rate(rate) => match &rate.kind {
            RateKind::Flat(q) => format!("rate {}", p.src.quantity(q)),
            RateKind::ByTier(rates) => {
                let rates: Vec<String> = rates
                    .iter()
                    .map(|r| format!("{}: {}", r.tier.name, p.src.quantity(&r.rate)))
                    .collect();
                format!("rate by tier {{ {} }}", rates.join(", "))
            }
            // Printed as a block by the caller; kept total for safety.
            RateKind::ByMetric {
                metric,
                mode,
                brackets,
                ..
            } => {
                let mut text = format!("rate by {}", self::metric(p, metric));
                if let Some((mode, _)) = mode {
                    text.push_str(", ");
                    text.push_str(mode.text());
                }
                let brackets: Vec<String> = brackets.iter().map(|b| bracket(p, b)).collect();
                format!("{text} {{ {} }}", brackets.join(" "))
            }
        },
        CommissionClauseKind::Base(b) => base(b),
        CommissionClauseKind::Window(w) => window(p, w),
        CommissionClauseKind::Bounds { low, high } => {
            format!("bounds {} to {}", p.src.quantity(low), p.src.quantity(high))
        }
        CommissionClauseKind::Uplift { amount, condition } => format!(
            "uplift {} when {}",
            p.src.quantity(amount),
            self::condition(p, condition)
        ),
        CommissionClauseKind::Eligible(e) => eligible(e),
        CommissionClauseKind::Settle(mode) => format!("settle {}", mode.name),
        CommissionClauseKind::Clawback { within } => match within {
            Some(q) => format!("clawback on refund within {}", p.src.quantity(q)),
            None => "clawback on refund".to_string(),
        },
        CommissionClauseKind::Payout(payout) => self::payout(p, payout),
        CommissionClauseKind::InForce { from, to } => match to {
            Some(to) => format!(
                "in force from {} to {}",
                p.src.quantity(from),
                p.src.quantity(to)
            ),
            None => format!("in force from {}", p.src.quantity(from)),
        },
        CommissionClauseKind::ActiveFor(q) => {
            format!("paid only if active for {}", p.src.quantity(q))
        }
        CommissionClauseKind::Cap { limit, period } => {
            format!("at most {} per {}", p.src.quantity(limit), period.name)
        }
        CommissionClauseKind::CutBack { rate, tier, within } => format!(
            "cut back to {} unless tier {} within {} from joined",
            p.src.quantity(rate),
            tier.name,
            p.src.quantity(within)
        ),
    }
}

fn attribution_header(p: &Printer, a: &Attribution) -> String {
    let mut header = format!("attribute customer by {}", a.method.name);
    if !a.products.is_empty() {
        header.push_str(" of ");
        header.push_str(&list(&a.products));
    }
    for flag in a.clauses.iter().filter(|c| c.inline) {
        header.push_str(", ");
        header.push_str(&attribution_clause(&flag.kind, |q| p.src.quantity(q)));
    }
    header
}

fn attribution(p: &mut Printer, range: (usize, usize), a: &Attribution) {
    let header = attribution_header(p, a);
    let has_clauses = a.clauses.iter().any(|c| !c.inline);
    block(p, range, &header, has_clauses, |p| {
        for clause in a.clauses.iter().filter(|c| !c.inline) {
            docs(p, &clause.docs);
            let (start, end) = body(p, clause.span, &clause.docs);
            let text = attribution_clause(&clause.kind, |q| p.src.quantity(q));
            p.line(start, end, &text);
        }
    });
}

fn attribution_clause(
    kind: &AttributionClauseKind,
    quantity: impl Fn(&Quantity) -> String,
) -> String {
    match kind {
        AttributionClauseKind::NoPriorContact { within, before } => format!(
            "no vendor_contact within {} before {}",
            quantity(within),
            before.name
        ),
        AttributionClauseKind::ClosesWithin {
            event,
            within,
            after,
        } => format!(
            "{} within {} after {}",
            event.name,
            quantity(within),
            after.name
        ),
        AttributionClauseKind::Approval { decided_within } => match decided_within {
            Some(q) => format!("approval required, decided within {}", quantity(q)),
            None => "approval required".to_string(),
        },
        AttributionClauseKind::ExistingOnRequest => "existing customers on request".to_string(),
        AttributionClauseKind::NewCustomersOnly => "new customers only".to_string(),
        AttributionClauseKind::NoSelfReferral => "no self_referral".to_string(),
        AttributionClauseKind::NewUsersOnly => "new users only".to_string(),
        AttributionClauseKind::Exclusive => "exclusive".to_string(),
        AttributionClauseKind::BeforeInstallation => "before installation".to_string(),
    }
}

// ---------------------------------------------------------------- one-line nodes

fn program_setting(p: &Printer, kind: &ProgramSettingKind) -> String {
    match kind {
        ProgramSettingKind::Currency(code) => format!("currency {}", code.name),
        ProgramSettingKind::Products(names) => format!("products {}", chain(names)),
        ProgramSettingKind::Agreements(names) => format!("agreements {}", list(names)),
        ProgramSettingKind::Qualifications(names) => format!("qualifications {}", list(names)),
        ProgramSettingKind::Entities(defs) => {
            let defs: Vec<String> = defs.iter().map(entity_def).collect();
            format!("entities {}", defs.join(", "))
        }
        ProgramSettingKind::Rounding { mode, to } => match to {
            Some(count) => format!("rounding {} to {}", mode.name, self::count(p, count)),
            None => format!("rounding {}", mode.name),
        },
        ProgramSettingKind::Holidays(days) => {
            let days: Vec<String> = days.iter().map(|q| p.src.quantity(q)).collect();
            format!("holidays {}", days.join(", "))
        }
        ProgramSettingKind::Claims(ClaimsRule::Order(order)) => format!("claims {}", order.name),
        ProgramSettingKind::Claims(ClaimsRule::Split(shares)) => {
            let shares: Vec<String> = shares
                .iter()
                .map(|s| format!("{} {}", s.track.name, p.src.quantity(&s.share)))
                .collect();
            format!("claims split {{ {} }}", shares.join(", "))
        }
        ProgramSettingKind::InForce(f) => in_force(p, f),
        ProgramSettingKind::TaxOnTop => "tax on top of commission".to_string(),
        ProgramSettingKind::PaidInPartnerCurrency => {
            "paid in partner currency at rate of event date".to_string()
        }
    }
}

fn entity_def(def: &EntityDef) -> String {
    let mut restrictions: Vec<(u32, &str)> = Vec::new();
    if let Some(span) = def.no_contract {
        restrictions.push((span.start, "no contract"));
    }
    if let Some(span) = def.netted_only {
        restrictions.push((span.start, "netted only"));
    }
    restrictions.sort();
    if restrictions.is_empty() {
        def.name.name.clone()
    } else {
        let words: Vec<&str> = restrictions.iter().map(|(_, w)| *w).collect();
        format!("{} ({})", def.name.name, words.join(", "))
    }
}

fn requirement(p: &Printer, r: &Requirement) -> String {
    let body = requirement_body(p, &r.body);
    let in_force = r
        .in_force
        .as_ref()
        .map(|f| format!(" {}", in_force(p, f)))
        .unwrap_or_default();
    if r.scope.is_empty() {
        format!("require {body}{in_force}")
    } else {
        format!("require {body} for {}{in_force}", list(&r.scope))
    }
}

/// What a `require` (or an alternative of `any of`) asks, on one line.
fn requirement_body(p: &Printer, body: &RequirementBody) -> String {
    match body {
        RequirementBody::Contract(_) => "contract".to_string(),
        RequirementBody::Agreement(name) => format!("agreement {}", name.name),
        RequirementBody::Staff {
            qualification,
            comparator,
            count,
        } => format!(
            "staff {} {} {}",
            qualification.name,
            comparator.as_str(),
            self::count(p, count)
        ),
        RequirementBody::Count {
            counted,
            period,
            comparator,
            count,
        } => {
            let mut text = format!("count {}", self::counted(p, counted));
            if let Some(period) = period {
                text.push(' ');
                text.push_str(&count_period(p, period));
            }
            format!("{text} {} {}", comparator.as_str(), self::count(p, count))
        }
        RequirementBody::Revenue {
            new_customers,
            period,
            threshold,
        } => {
            let mut text = "revenue".to_string();
            if new_customers.is_some() {
                text.push_str(" from new customers");
            }
            if let Some(period) = period {
                text.push(' ');
                text.push_str(&count_period(p, period));
            }
            match threshold {
                RevenueThreshold::SetIndividually(_) => text.push_str(" set individually"),
                RevenueThreshold::Amount { comparator, amount } => {
                    text.push(' ');
                    text.push_str(comparator.as_str());
                    text.push(' ');
                    text.push_str(&p.src.quantity(amount));
                }
            }
            text
        }
        RequirementBody::Points {
            terms,
            period,
            comparator,
            threshold,
        } => metrics::points(p, terms, period.as_ref(), *comparator, threshold),
        RequirementBody::Mrr {
            measure,
            period,
            comparator,
            amount,
        } => metrics::mrr(p, *measure, period.as_ref(), *comparator, amount),
        RequirementBody::AnyOf {
            alternatives,
            every,
            until_met_again,
        } => metrics::any_of(p, alternatives, every, until_met_again.is_some()),
        RequirementBody::Text(text) => string(text),
    }
}

/// `in force from D1 [to D2]` of a bonus, a requirement or the program.
fn in_force(p: &Printer, f: &InForce) -> String {
    match &f.to {
        Some(to) => format!(
            "in force from {} to {}",
            p.src.quantity(&f.from),
            p.src.quantity(to)
        ),
        None => format!("in force from {}", p.src.quantity(&f.from)),
    }
}

fn counted(p: &Printer, c: &Counted) -> String {
    let mut text = c.event.name.clone();
    if let Some(kind) = &c.kind {
        text.push(' ');
        text.push_str(&kind.name);
    }
    if let Some((within, after)) = &c.within {
        text.push_str(&format!(
            " within {} after {}",
            p.src.quantity(within),
            after.name
        ));
    }
    text
}

fn count_period(p: &Printer, period: &CountPeriod) -> String {
    match period {
        CountPeriod::Per(word) => format!("per {}", word.name),
        CountPeriod::PerContractYear(_) => "per contract year".to_string(),
        CountPeriod::InLast(q) => format!("in last {}", p.src.quantity(q)),
    }
}

fn eligible(e: &Eligible) -> String {
    let terms: Vec<String> = e
        .terms
        .iter()
        .map(|t| format!("{} {}", t.kind.keyword(), list(&t.names)))
        .collect();
    let mut text = format!("eligible {}", terms.join(", "));
    if e.with_contract.is_some() {
        text.push_str(" with contract");
    }
    text
}

fn base(b: &Base) -> String {
    let mut text = format!("{} {}", if b.per { "per" } else { "of" }, b.kind.name);
    for filter in &b.filters {
        match filter {
            BaseFilter::OnInvoices {
                kind: Some(kind), ..
            } => {
                text.push_str(&format!(" on {} invoices", kind.name));
            }
            BaseFilter::OnInvoices { kind: None, .. } => text.push_str(" on invoices"),
            BaseFilter::CollectedBy { collector, .. } => {
                text.push_str(&format!(" where collected_by {}", collector.name));
            }
            BaseFilter::Products { names, .. } => {
                text.push_str(&format!(" for products {}", list(names)));
            }
            BaseFilter::Path { method, .. } => {
                text.push_str(&format!(" by {}", method.name));
            }
            BaseFilter::FirstSubscription { .. } => text.push_str(" on first subscription"),
        }
    }
    text
}

fn window(p: &Printer, w: &Window) -> String {
    match &w.kind {
        WindowKind::Within {
            length,
            from,
            anchor,
            per_subscription,
        } => format!(
            "within {} {} {}{}",
            p.src.quantity(length),
            if *from { "from" } else { "after" },
            anchor.name,
            if per_subscription.is_some() {
                " per subscription"
            } else {
                ""
            }
        ),
        WindowKind::Lifetime => "for lifetime".to_string(),
        WindowKind::WhileContractActive => "while contract active".to_string(),
        WindowKind::WhileCustomerPays => "while customer pays".to_string(),
    }
}

fn metric(p: &Printer, m: &Metric) -> String {
    format!(
        "{} over trailing {}",
        m.kind.name,
        p.src.quantity(&m.trailing)
    )
}

fn bracket(p: &Printer, b: &Bracket) -> String {
    let range = match &b.range {
        BracketRange::Below(q) => format!("below {}", p.src.quantity(q)),
        BracketRange::Between(low, high) => {
            format!("{} to {}", p.src.quantity(low), p.src.quantity(high))
        }
        BracketRange::From(q) => format!("from {}", p.src.quantity(q)),
    };
    format!("{range}: {}", p.src.quantity(&b.rate))
}

fn condition(p: &Printer, c: &Condition) -> String {
    match &c.kind {
        ConditionKind::Staff {
            qualification,
            comparator,
            count,
        } => format!(
            "staff {} {} {}",
            qualification.name,
            comparator.as_str(),
            self::count(p, count)
        ),
        ConditionKind::Metric {
            metric,
            comparator,
            threshold,
        } => format!(
            "{} {} {}",
            self::metric(p, metric),
            comparator.as_str(),
            p.src.quantity(threshold)
        ),
        ConditionKind::Elected(benefit) => format!("elected {}", benefit.name),
    }
}

fn bonus(p: &Printer, b: &Bonus) -> String {
    let frequency = match b.frequency {
        Some(BonusFrequency::Once) => " once",
        Some(BonusFrequency::OncePerYear) => " once per year",
        None => "",
    };
    let in_force = b
        .in_force
        .as_ref()
        .map(|f| format!(" {}", in_force(p, f)))
        .unwrap_or_default();
    format!(
        "bonus {}: {}{frequency} when {}{in_force}",
        b.name.name,
        p.src.quantity(&b.amount),
        condition(p, &b.condition)
    )
}

fn payout(p: &Printer, payout: &Payout) -> String {
    let timing = match &payout.timing {
        PayoutTiming::Within {
            delay,
            full,
            anchor,
        } => format!(
            "within {} after {}{}",
            p.src.quantity(delay),
            if *full { "full " } else { "" },
            anchor.name
        ),
        PayoutTiming::MonthlyStatement {
            week,
            after_collection,
        } => format!(
            "monthly statement, paid in week {} of next month{}",
            count(p, week),
            if *after_collection {
                ", after collection"
            } else {
                ""
            }
        ),
        PayoutTiming::PeriodStatement {
            period,
            delay,
            after_collection,
        } => format!(
            "statement {}, paid within {}{}",
            if period.name == "twice per month" {
                period.name.clone()
            } else {
                format!("per {}", period.name)
            },
            p.src.quantity(delay),
            if *after_collection {
                ", after collection"
            } else {
                ""
            }
        ),
        PayoutTiming::NettedAtSource => "netted at source".to_string(),
    };
    let mut out = format!("payout {timing}");
    if let Some(hold) = &payout.hold {
        out.push_str(&format!(", hold {}", p.src.quantity(hold)));
    }
    if let Some(m) = &payout.minimum {
        out.push_str(&format!(", minimum {}", p.src.quantity(&m.amount)));
        if m.per_path {
            out.push_str(" per path");
        }
        if let Some(effect) = &m.on_leaving {
            out.push_str(&format!(", balance {} on leaving", effect.name));
        }
    }
    if let Some(w) = &payout.withheld {
        out.push_str(&format!(", withheld until {}", w.until.name));
        if let Some(after) = &w.forfeited_after {
            out.push_str(&format!(", forfeited after {}", p.src.quantity(after)));
        }
    }
    out
}

fn partner_clause(p: &Printer, kind: &PartnerClauseKind) -> String {
    match kind {
        PartnerClauseKind::Region { region, exclusive } => match exclusive {
            Some(_) => format!("region {} exclusive", region.name),
            None => format!("region {}", region.name),
        },
        PartnerClauseKind::Tier(name) => format!("tier {}", name.name),
        PartnerClauseKind::Track(name) => format!("track {}", name.name),
        PartnerClauseKind::Modules(names) => format!("modules {}", list(names)),
        PartnerClauseKind::Entity(name) => format!("entity {}", name.name),
        PartnerClauseKind::Elect(names) => format!("elect {}", list(names)),
        PartnerClauseKind::Contract(true) => "contract signed".to_string(),
        PartnerClauseKind::Contract(false) => "contract none".to_string(),
        PartnerClauseKind::Staff(counts) => {
            let counts: Vec<String> = counts
                .iter()
                .map(|(q, n)| format!("{} {}", q.name, count(p, n)))
                .collect();
            format!("staff {}", counts.join(", "))
        }
        PartnerClauseKind::RevenueTarget(q) => format!("revenue target {}", p.src.quantity(q)),
        PartnerClauseKind::Joined(q) => format!("joined {}", p.src.quantity(q)),
    }
}

fn obligation(p: &Printer, o: &Obligation) -> String {
    let mut text = format!("obligation {}", o.name.name);
    if let Some(within) = &o.within {
        text.push_str(" within ");
        text.push_str(&p.src.quantity(within));
        if let Some(after) = &o.after {
            text.push_str(" after ");
            text.push_str(&after.name);
        }
    }
    if let Some(party) = &o.party {
        text.push_str(" by ");
        text.push_str(&party.name);
    }
    if !o.scope.is_empty() {
        text.push_str(" for ");
        text.push_str(&list(&o.scope));
    }
    text
}

fn contract_clause(p: &Printer, kind: &ContractClauseKind) -> String {
    match kind {
        ContractClauseKind::Term { length, renewal } => {
            let renewal = match renewal {
                Some(RenewalMode::AfterReview) => ", renews after review",
                Some(RenewalMode::Automatically) => ", renews automatically",
                None => "",
            };
            format!("term {}{renewal}", p.src.quantity(length))
        }
        ContractClauseKind::Notice { period, in_writing } => format!(
            "notice {}{}",
            p.src.quantity(period),
            if *in_writing { " in writing" } else { "" }
        ),
        ContractClauseKind::OnTermination(effects) => {
            let effects: Vec<&str> = effects
                .iter()
                .map(|(effect, _)| match effect {
                    TerminationEffect::KeepEarned => "keep earned",
                    TerminationEffect::WaiveRenewals => "waive renewals",
                    TerminationEffect::StopCommissions => "stop commissions",
                })
                .collect();
            format!("on termination {}", effects.join(", "))
        }
        ContractClauseKind::ForceMajeure => "force majeure suspends obligations".to_string(),
        ContractClauseKind::NonCompete(category) => format!("non compete {}", string(category)),
    }
}

// ---------------------------------------------------------------- tokens

fn count(p: &Printer, count: &Count) -> String {
    p.src
        .number_at(count.span.start as usize)
        .unwrap_or(&count.digits)
        .to_string()
}

fn string(s: &StringLit) -> String {
    crate::trivia::string_literal(&s.value)
}

/// `A, B, C`
fn list(names: &[Ident]) -> String {
    let names: Vec<&str> = names.iter().map(|n| n.name.as_str()).collect();
    names.join(", ")
}

/// `A < B < C`
fn chain(names: &[Ident]) -> String {
    let names: Vec<&str> = names.iter().map(|n| n.name.as_str()).collect();
    names.join(" < ")
}
