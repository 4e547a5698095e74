//! `charter doc`: the partner guide generated from a checked policy — tiers
//! and what each requires, benefits by tier as a matrix, each commission in
//! plain words with its rate table, attribution, payout timing, contract
//! terms and obligations — with the policy's doc comments verbatim. One
//! model ([`Guide`]) renders to HTML and to Markdown, so the two never say
//! different things.

use crate::pages;
use charter_check::CheckedProgram;
use charter_ir::*;
use serde::Serialize;

/// The guide's output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuideFormat {
    Html,
    Markdown,
}

#[derive(Serialize)]
pub struct Guide {
    pub program: String,
    pub docs: Option<String>,
    pub currency: String,
    /// A doc comment every tier shares (that of the `tiers` line), shown once.
    pub tiers_docs: Option<String>,
    pub tiers: Vec<Section>,
    pub modules_docs: Option<String>,
    pub tracks: Vec<Section>,
    pub modules: Vec<Section>,
    pub program_requirements: Vec<Line>,
    /// Column headings of the benefits matrix: tiers, then any track or module a benefit names.
    pub columns: Vec<String>,
    pub benefits: Vec<BenefitRow>,
    pub choices: Vec<Line>,
    pub commissions: Vec<Commission>,
    pub bonuses: Vec<Line>,
    pub attribution: Vec<Line>,
    pub payouts: Vec<Line>,
    pub contract: Vec<String>,
    pub obligations: Vec<Line>,
    pub regions: Vec<Line>,
}

/// A tier, track or module.
#[derive(Serialize)]
pub struct Section {
    pub name: String,
    pub docs: Option<String>,
    pub notes: Vec<String>,
    pub requirements: Vec<Line>,
}

/// A sentence, with the doc comment of what it describes.
#[derive(Serialize)]
pub struct Line {
    pub text: String,
    pub docs: Option<String>,
}

#[derive(Serialize)]
pub struct BenefitRow {
    pub name: String,
    pub category: &'static str,
    pub docs: Option<String>,
    /// Per column: `None` not available, `Some(note)` available (note may be empty).
    pub cells: Vec<Option<String>>,
}

#[derive(Serialize)]
pub struct Commission {
    pub name: String,
    pub docs: Option<String>,
    pub summary: String,
    /// Heading cells and rows of its rate table.
    pub rate_head: Vec<String>,
    pub rate_rows: Vec<Vec<String>>,
    pub details: Vec<String>,
}

fn line(text: String, docs: &Option<String>) -> Line {
    Line {
        text,
        docs: docs.clone(),
    }
}

fn names(refs: &[NameRef]) -> String {
    refs.iter()
        .map(|r| r.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn event_words(kind: EventKind) -> &'static str {
    match kind {
        EventKind::VendorContact => "vendor contacts",
        EventKind::Referral => "referrals",
        EventKind::Registration => "registrations",
        EventKind::Attachment => "attachments",
        EventKind::Order => "orders",
        EventKind::Invoice => "invoices",
        EventKind::Payment => "payments",
        EventKind::Refund => "refunds",
        EventKind::Activity => "activities",
        EventKind::Notice => "notices",
        EventKind::Invitation => "invitations",
    }
}

fn comparator_words(c: Comparator) -> &'static str {
    match c {
        Comparator::Ge => "at least",
        Comparator::Gt => "more than",
        Comparator::Le => "at most",
        Comparator::Lt => "fewer than",
        Comparator::Eq => "exactly",
    }
}

fn period_words(p: &Option<CountPeriod>) -> String {
    match p {
        None => String::new(),
        Some(CountPeriod::Trailing(d)) => format!(" over the trailing {d}"),
        // `per_year`, `per_quarter`, `per_contract_year`…: the policy's own words.
        Some(other) => format!(" {}", pages::serde_word(other).replace('_', " ")),
    }
}

fn requirement(r: &Requirement) -> Line {
    let mut text = requirement_words(&r.kind);
    if !r.scope.is_empty() {
        text.push_str(&format!(" (for {})", names(&r.scope)));
    }
    line(text, &r.docs)
}

fn requirement_words(kind: &RequirementKind) -> String {
    match kind {
        RequirementKind::Contract => "a signed partner contract".to_string(),
        RequirementKind::Agreement { agreement } => {
            format!("the `{}` agreement, accepted", agreement.name)
        }
        RequirementKind::Staff {
            qualification,
            comparator,
            count,
        } => format!(
            "{} {count} staff qualified `{}`",
            comparator_words(*comparator),
            qualification.name
        ),
        RequirementKind::Count {
            event,
            activity,
            within_after,
            period,
            comparator,
            count,
        } => {
            let what = match activity {
                Some(a) => format!("`{}` activities", a.name),
                None => event_words(*event).to_string(),
            };
            let within = within_after
                .map(|(d, after)| format!(" within {d} after the customer's {}", after.as_str()))
                .unwrap_or_default();
            format!(
                "{} {count} {what}{within}{}",
                comparator_words(*comparator),
                period_words(period)
            )
        }
        RequirementKind::Revenue {
            new_customers,
            period,
            threshold,
        } => {
            let from = if *new_customers {
                " from customers first invoiced in the period"
            } else {
                ""
            };
            match threshold {
                RevenueThreshold::SetIndividually => format!(
                    "revenue{from}{} of at least the partner's individual target",
                    period_words(period)
                ),
                RevenueThreshold::Amount { comparator, amount } => format!(
                    "revenue{from}{} of {} {amount}",
                    period_words(period),
                    comparator_words(*comparator)
                ),
            }
        }
        RequirementKind::Points(p) => {
            let terms: Vec<String> = p
                .terms
                .iter()
                .map(|t| format!("{} per {}", t.weight, t.source.text()))
                .collect();
            format!(
                "{} {} points{}, counting {}",
                comparator_words(p.comparator),
                p.threshold,
                period_words(&p.period),
                terms.join(" + ")
            )
        }
        RequirementKind::Mrr(m) => match m.measure {
            MrrMeasure::Managed => format!(
                "monthly recurring revenue, on the day, of the customers you hold of {} {}",
                comparator_words(m.comparator),
                m.amount
            ),
            MrrMeasure::Sold => format!(
                "monthly recurring revenue of the subscriptions you sold{} of {} {}",
                period_words(&m.period),
                comparator_words(m.comparator),
                m.amount
            ),
        },
        RequirementKind::AnyOf(a) => {
            let alternatives: Vec<String> = a
                .alternatives
                .iter()
                .map(|(k, _)| requirement_words(k))
                .collect();
            format!(
                "in each {} from joining, any one of: {}; a period with none ends it {}",
                a.every,
                alternatives.join("; or "),
                match a.lapse {
                    Lapse::ForGood => "for good",
                    Lapse::UntilMetAgain => "until one is met again",
                }
            )
        }
        RequirementKind::Text { text } => text.clone(),
    }
}

fn scope_words(s: &Scope) -> String {
    match s {
        Scope::Program => "every partner".into(),
        Scope::Tier(n) => format!("partners of tier {n}"),
        Scope::Track(n) => format!("partners of track {n}"),
        Scope::Module(n) => format!("partners of module {n}"),
        Scope::Benefit(n) => format!("partners receiving {n}"),
    }
}

fn anchor_words(a: Anchor) -> &'static str {
    match a {
        Anchor::FirstInvoice => "the customer's first invoice",
        Anchor::FirstPayment => "the customer's first payment",
        Anchor::FirstOrder => "the customer's first order",
        Anchor::Referral => "the referral",
        Anchor::Registration => "the registration",
        Anchor::Attachment => "the attachment",
        Anchor::Attribution => "the attribution",
        Anchor::ContractStart => "the start of the partner's contract",
    }
}

fn window_words(w: &WindowSpec) -> String {
    match w {
        WindowSpec::Unbounded => "on every invoice of an attributed customer".into(),
        WindowSpec::Within { length, anchor } => format!(
            "on invoices issued within {length} from {}",
            anchor_words(*anchor)
        ),
        WindowSpec::Lifetime => "for the customer's lifetime".into(),
        WindowSpec::WhileContractActive => "while the partner's contract is active".into(),
        WindowSpec::WhileCustomerPays => "for as long as the customer pays".into(),
    }
}

fn metric_words(m: &Metric) -> String {
    let what = match m.kind {
        MetricKind::Sales => "sales",
        MetricKind::Orders => "orders",
        MetricKind::Customers => "attributed customers",
    };
    format!("{what} over the trailing {}", m.trailing)
}

fn condition_words(c: &Condition) -> String {
    match c {
        Condition::Staff {
            qualification,
            comparator,
            count,
        } => format!(
            "the partner has {} {count} staff qualified `{}`",
            comparator_words(*comparator),
            qualification.name
        ),
        Condition::Metric {
            metric,
            comparator,
            threshold,
        } => format!(
            "{} are {} {}",
            metric_words(metric),
            comparator_words(*comparator),
            threshold.normalize()
        ),
        Condition::Elected { benefit } => format!("the partner elected `{}`", benefit.name),
    }
}

fn timing_words(s: &PayoutSchedule) -> String {
    let mut text = match &s.timing {
        PayoutTiming::Within {
            delay,
            full,
            anchor,
        } => {
            let what = match anchor {
                PayoutAnchor::Payment => "the customer's payment",
                PayoutAnchor::Invoice => "the invoice",
                PayoutAnchor::Collection => "collection",
            };
            if *full {
                format!("paid within {delay} after the invoice is paid in full")
            } else {
                format!("paid within {delay} after {what}")
            }
        }
        PayoutTiming::MonthlyStatement {
            week,
            after_collection,
        } => {
            let after = if *after_collection {
                ", once collected"
            } else {
                ""
            };
            format!(
                "paid on a monthly statement, by the end of week {week} of the next month{after}"
            )
        }
        PayoutTiming::Statement {
            period,
            delay,
            after_collection,
        } => {
            let after = if *after_collection {
                ", once collected"
            } else {
                ""
            };
            format!(
                "paid on a statement {}, within {delay} after the period ends{after}",
                period.as_str()
            )
        }
        PayoutTiming::NettedAtSource => {
            "kept by the partner out of what it collects (netted at source)".into()
        }
    };
    if let Some(hold) = s.hold {
        text.push_str(&format!(", after a hold of {hold}"));
    }
    if let Some(m) = &s.minimum {
        text.push_str(&format!(
            "; a statement below {} {} pays nothing and carries its balance to the next{}; when the partner leaves, a balance below the minimum is {}",
            m.amount.amount.normalize(),
            m.amount.currency,
            if m.per_path { " (one balance per attribution path)" } else { "" },
            m.on_leaving.as_str()
        ));
    }
    if let Some(w) = &s.withheld {
        text.push_str(&format!(
            "; withheld until the partner's `{}` is in",
            w.until.name
        ));
        if let Some(after) = w.forfeited_after {
            text.push_str(&format!(
                ", forfeited if still withheld {after} after its statement"
            ));
        }
    }
    text
}

fn bracket_bound(b: &Bracket, unit: &str) -> String {
    match (b.low, b.high) {
        (None, Some(h)) => format!("below {}{unit}", h.normalize()),
        (Some(l), Some(h)) => format!("{}{unit} to {}{unit}", l.normalize(), h.normalize()),
        (Some(l), None) => format!("from {}{unit}", l.normalize()),
        (None, None) => "any".into(),
    }
}

fn commission(program: &Program, c: &CommissionRule) -> Commission {
    let base = {
        let kind = match c.base.kind {
            BaseKind::Payments => "payments",
            BaseKind::Invoices => "invoiced amounts",
            BaseKind::NewCustomer => "each new customer (its first payment)",
            BaseKind::Trial => "each customer's first trial",
            BaseKind::QualifiedLead => "each customer's first qualification as a lead",
        };
        let filter = match c.base.invoices {
            InvoiceFilter::Any => "",
            InvoiceFilter::New => " on new invoices",
            InvoiceFilter::Renewal => " on renewal invoices",
        };
        let by = match c.base.collected_by {
            Some(Collector::Vendor) => " collected by the vendor",
            Some(Collector::Partner) => " collected by the partner",
            None => "",
        };
        let products = if c.base.products.is_empty() {
            String::new()
        } else {
            format!(" for {}", names(&c.base.products))
        };
        let path = match c.base.path {
            Some((m, _)) => format!(" of customers won by {}", m.as_str()),
            None => String::new(),
        };
        let first = if c.base.first_subscription.is_some() {
            " on the customer's first subscription"
        } else {
            ""
        };
        format!("{kind}{filter}{by}{products}{path}{first}")
    };
    let (rate, rate_head, rate_rows) = match &c.rate {
        RateSpec::Flat { rate } => (rate.to_string(), vec![], vec![]),
        RateSpec::Fixed { amount } => (amount.to_string(), vec![], vec![]),
        RateSpec::ByTier { rates } => (
            "a rate set by the partner's tier".to_string(),
            vec!["tier".to_string(), "rate".to_string()],
            rates
                .iter()
                .map(|r| vec![r.tier.name.clone(), r.rate.to_string()])
                .collect(),
        ),
        RateSpec::Brackets { table } => {
            let unit = match table.metric.kind {
                MetricKind::Sales => format!(" {}", program.currency),
                MetricKind::Orders | MetricKind::Customers => String::new(),
            };
            let mode = table.mode.unwrap_or(BracketMode::WholeAmount).as_str();
            (
                format!("a rate by {} ({mode})", metric_words(&table.metric)),
                vec![metric_words(&table.metric), "rate".to_string()],
                table
                    .brackets
                    .iter()
                    .map(|b| vec![bracket_bound(b, &unit), b.rate.to_string()])
                    .collect(),
            )
        }
    };
    let who = match &c.scope {
        Scope::Program => "Every partner receives".to_string(),
        other => format!("{} receive", capitalize(&scope_words(other))),
    };
    let per = if c.per_subscription.is_some() {
        ", each subscription counted on its own"
    } else {
        ""
    };
    let active = match &c.active_for {
        Some((d, _)) => format!(
            " Paid only once the partner has been active {d} since joining; forfeited if it leaves before."
        ),
        None => String::new(),
    };
    let cut = match &c.cut_back {
        Some(cut) => format!(
            " Unless the partner reaches tier {} within {} of joining, it is cut back to {} from then on, and what it paid above {} before is taken back.",
            cut.tier.name, cut.within, cut.rate, cut.rate
        ),
        None => String::new(),
    };
    let summary = format!(
        "{who} {rate} of {base}, {}{per}.{active}{cut}",
        window_words(&c.window)
    );
    let mut details = Vec::new();
    if let Some((low, high, _)) = c.bounds {
        details.push(format!("The rate stays between {low} and {high}."));
    }
    for cap in &c.caps {
        let what = match &cap.limit {
            CapLimit::Count { count } => format!("At most {count} events are paid"),
            CapLimit::Money { amount } => format!("At most {amount} is paid"),
        };
        details.push(format!(
            "{what} per calendar {}; later ones that {} earn nothing.",
            cap.period.as_str(),
            cap.period.as_str()
        ));
    }
    for u in &c.uplifts {
        details.push(format!(
            "Plus {} when {}.",
            u.amount,
            condition_words(&u.condition)
        ));
    }
    if let Some(e) = &c.eligibility {
        let mut who = Vec::new();
        if !e.entities.is_empty() {
            who.push(format!("entity types {}", names(&e.entities)));
        }
        if !e.tiers.is_empty() {
            who.push(format!("tiers {}", names(&e.tiers)));
        }
        if !e.tracks.is_empty() {
            who.push(format!("tracks {}", names(&e.tracks)));
        }
        if !e.modules.is_empty() {
            who.push(format!("modules {}", names(&e.modules)));
        }
        if e.with_contract.is_some() {
            who.push("partners with a signed contract".into());
        }
        if !who.is_empty() {
            details.push(format!("Only for {}.", who.join("; ")));
        }
    }
    if program.settlement_of(c) == Settlement::Netted {
        details.push("Settled by netting: the partner keeps it out of what it collects.".into());
    }
    if let Some(cb) = &c.clawback {
        details.push(match cb.within {
            Some(d) => format!("Clawed back when the payment is refunded within {d}."),
            None => "Clawed back when the payment is refunded.".into(),
        });
    }
    if let Some(s) = program.schedule_of(c) {
        details.push(format!("{}.", capitalize(&timing_words(s))));
    }
    Commission {
        name: c.name.name.clone(),
        docs: c.name.docs.clone(),
        summary,
        rate_head,
        rate_rows,
        details,
    }
}

/// The doc comment of a line that declares several sections at once
/// (`tiers A < B`, `modules X, Y`): when every section has the same one, it
/// is taken out of them to be shown once.
fn shared_docs(sections: &mut [Section]) -> Option<String> {
    let first = sections.first()?.docs.clone()?;
    if sections.len() < 2 || sections.iter().any(|s| s.docs.as_ref() != Some(&first)) {
        return None;
    }
    for s in sections.iter_mut() {
        s.docs = None;
    }
    Some(first)
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn attribution(a: &AttributionRule) -> Line {
    let method = match a.method {
        AttributionMethod::Referral => "by referral",
        AttributionMethod::Registration => "by deal registration",
        AttributionMethod::PartnerSale => "by the partner's own sale",
        AttributionMethod::Attachment => "by attachment to the partner",
    };
    let mut parts = vec![format!(
        "A customer is attributed {method} ({})",
        scope_words(&a.scope)
    )];
    if !a.products.is_empty() {
        parts.push(format!("its first order is for {}", names(&a.products)));
    }
    if let Some(d) = a.no_prior_contact {
        parts.push(format!(
            "the vendor had no contact with the customer within {d} before"
        ));
    }
    if let Some((event, d)) = a.closes_within {
        parts.push(format!(
            "the customer places its first {} within {d}",
            event.as_str()
        ));
    }
    if a.approval_required {
        parts.push(match a.decided_within {
            Some(d) => format!("the vendor approves it (decided within {d})"),
            None => "the vendor approves it".into(),
        });
    }
    if a.exclusive {
        parts.push("it is exclusive".into());
    }
    if a.before_installation {
        parts.push("it comes before the customer's first invoice".into());
    }
    if a.existing_on_request {
        parts.push("an existing customer only at its own request".into());
    }
    if a.new_customers_only {
        parts.push("new customers only".into());
    }
    if a.no_self_referral {
        parts.push("never one of the partner's own accounts".into());
    }
    if a.new_users_only {
        parts.push("new users only (not signed up before)".into());
    }
    let text = if parts.len() == 1 {
        format!("{}.", parts[0])
    } else {
        format!("{} when {}.", parts[0], parts[1..].join("; "))
    };
    line(text, &a.docs)
}

/// The guide's model, from a checked policy.
pub fn build(checked: &CheckedProgram) -> Guide {
    let p = checked.program();
    let section = |name: &Named, requirements: &[Requirement], grants: &[NameRef]| Section {
        name: name.name.clone(),
        docs: name.docs.clone(),
        notes: if grants.is_empty() {
            vec![]
        } else {
            vec![format!("Grants {}.", names(grants))]
        },
        requirements: requirements.iter().map(requirement).collect(),
    };
    let tiers = p
        .tiers
        .iter()
        .map(|t| {
            let mut s = section(&t.name, &t.requirements, &t.grants);
            if t.invite_only.is_some() {
                s.notes.insert(0, "By invitation only.".into());
            }
            s
        })
        .collect();
    let mut tiers: Vec<Section> = tiers;
    let tiers_docs = shared_docs(&mut tiers);
    let groups = |gs: &[MemberGroup]| {
        gs.iter()
            .map(|g| section(&g.name, &g.requirements, &g.grants))
            .collect::<Vec<_>>()
    };
    // The matrix: tiers, then each track or module a benefit is offered to.
    let mut columns: Vec<String> = p.tiers.iter().map(|t| t.name.name.clone()).collect();
    for b in &p.benefits {
        for t in &b.available_to {
            if !columns.contains(&t.target.name) {
                columns.push(t.target.name.clone());
            }
        }
    }
    // Grants by a tier, track or module count as availability too.
    let granted_by = |benefit: &str| -> Vec<String> {
        let mut out = Vec::new();
        for t in &p.tiers {
            if t.grants.iter().any(|g| g.name == benefit) {
                out.push(t.name.name.clone());
            }
        }
        for g in p.tracks.iter().chain(&p.modules) {
            if g.grants.iter().any(|x| x.name == benefit) {
                out.push(g.name.name.clone());
            }
        }
        out
    };
    for b in &p.benefits {
        for g in granted_by(&b.name.name) {
            if !columns.contains(&g) {
                columns.push(g);
            }
        }
    }
    if columns.is_empty() {
        columns.push("every partner".to_string());
    }
    let benefits = p
        .benefits
        .iter()
        .map(|b| {
            let granted = granted_by(&b.name.name);
            let everyone = b.available_to.is_empty() && granted.is_empty();
            let cells = columns
                .iter()
                .map(|c| {
                    if everyone {
                        return Some(String::new());
                    }
                    if let Some(t) = b.available_to.iter().find(|t| &t.target.name == c) {
                        return Some(t.note.clone().unwrap_or_default());
                    }
                    granted.contains(c).then(String::new)
                })
                .collect();
            BenefitRow {
                name: b.name.name.clone(),
                category: b.category.as_str(),
                docs: b.name.docs.clone(),
                cells,
            }
        })
        .collect();
    let choices = p
        .choose_groups
        .iter()
        .map(|g| {
            line(
                format!("Choose one of {} ({}).", names(&g.benefits), g.name.name),
                &g.name.docs,
            )
        })
        .collect();
    let bonuses = p
        .bonuses
        .iter()
        .map(|b| {
            let how_often = match b.frequency {
                BonusFrequency::Once => "once",
                BonusFrequency::OncePerYear => "once per year",
            };
            line(
                format!(
                    "{}: {} for {}, paid {how_often} when {}.",
                    b.name.name,
                    b.amount,
                    scope_words(&b.scope),
                    condition_words(&b.condition)
                ),
                &b.name.docs,
            )
        })
        .collect();
    let mut attribution_lines: Vec<Line> = p.attributions.iter().map(attribution).collect();
    attribution_lines.push(line(
        match &p.claims {
            ClaimPolicy::First => "When two partners claim one customer, the earliest claim wins.".into(),
            ClaimPolicy::Last => "When two partners claim one customer, the latest claim wins.".into(),
            ClaimPolicy::ExclusiveFirst => "When two partners claim one customer, an exclusive attribution wins; otherwise the earliest claim.".into(),
            ClaimPolicy::Split { shares } => format!(
                "When partners of several tracks claim one customer, the commission is split: {}.",
                shares
                    .iter()
                    .map(|s| format!("{} {}", s.track.name, s.share))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        &None,
    ));
    let payouts = p
        .payouts
        .iter()
        .map(|s| {
            line(
                format!(
                    "{}: {}.",
                    capitalize(&scope_words(&s.scope)),
                    timing_words(s)
                ),
                &None,
            )
        })
        .collect();
    let mut contract = Vec::new();
    if let Some(c) = &p.contract {
        if let Some(term) = c.term {
            contract.push(format!("The contract runs for {term}."));
        }
        match c.renewal {
            Some(RenewalMode::Automatically) => contract.push("It renews automatically.".into()),
            Some(RenewalMode::AfterReview) => contract.push("It renews after a review.".into()),
            None => {}
        }
        if let Some(n) = c.notice {
            let written = if c.notice_in_writing {
                ", in writing"
            } else {
                ""
            };
            contract.push(format!("Either side may end it with {n} notice{written}."));
        }
        if c.keep_earned {
            contract.push("Commissions earned before the end are kept.".into());
        }
        if c.waive_renewals {
            contract.push("Commissions on renewals after the end are waived.".into());
        }
        if c.stop_commissions {
            contract.push("Commissions stop when the contract ends.".into());
        }
        if c.force_majeure {
            contract.push("Force majeure applies.".into());
        }
        if let Some(nc) = &c.non_compete {
            contract.push(format!("Non-compete: {nc}."));
        }
    }
    let obligations = p
        .obligations
        .iter()
        .map(|o| {
            let who = match o.party {
                Party::Vendor => "The vendor",
                Party::Partner => "The partner",
            };
            let mut text = format!("{who}: {}", o.name.name.replace('_', " "));
            if let Some(w) = o.within {
                text.push_str(&format!(" within {w}"));
            }
            if let Some(a) = &o.after {
                text.push_str(&format!(" after {}", a.replace('_', " ")));
            }
            if !o.scope.is_empty() {
                text.push_str(&format!(" (for {})", names(&o.scope)));
            }
            text.push('.');
            line(text, &o.name.docs)
        })
        .collect();
    let regions = p
        .regions
        .iter()
        .map(|r| {
            line(
                format!("{}: {}.", r.name.name, names(&r.members)),
                &r.name.docs,
            )
        })
        .collect();
    let mut modules = groups(&p.modules);
    Guide {
        program: p.name.clone(),
        docs: p.docs.clone(),
        currency: p.currency.clone(),
        tiers_docs,
        tiers,
        tracks: groups(&p.tracks),
        modules_docs: shared_docs(&mut modules),
        modules,
        program_requirements: p.requirements.iter().map(requirement).collect(),
        columns,
        benefits,
        choices,
        commissions: p.commissions.iter().map(|c| commission(p, c)).collect(),
        bonuses,
        attribution: attribution_lines,
        payouts,
        contract,
        obligations,
        regions,
    }
}

/// The guide as a page (`Html`) or a Markdown document.
pub fn render(checked: &CheckedProgram, format: GuideFormat) -> Result<String, String> {
    let guide = build(checked);
    let name = match format {
        GuideFormat::Html => "guide.html",
        GuideFormat::Markdown => "guide.md",
    };
    let text = pages::render(
        name,
        minijinja::context! {
            lang => "en",
            title => format!("{} — partner guide", guide.program),
            g => guide,
            footer => "Generated by charter doc from the policy: it says what the simulation pays.",
            script => pages::SORTABLE_JS,
        },
    )?;
    Ok(squeeze_blank_lines(&text))
}

/// At most one blank line in a row (the templates' blocks leave more).
fn squeeze_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
            out.push('\n');
        } else {
            blank = 0;
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}
