//! Lowers syntax trees to the typed IR, checking every literal's unit on the way.
//!
//! Names are not resolved here (the checker does that); this pass reports wrong
//! units, currency mismatches, business days where calendar time is needed,
//! rates outside 0–100%, invalid dates and numbers too large to hold exactly.

use crate::model::*;
use crate::units::{Duration, DurationUnit, Money, Percent};
use charter_diagnostics::{Code, Diagnostic, Span};
use charter_syntax::ast::{self, QuantityKind, UnitSuffix};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{HashMap, VecDeque};

mod metrics;

/// The IR of a policy and the unit errors found while lowering it.
#[derive(Debug)]
pub struct Lowered {
    pub program: Program,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lowers the syntax trees of a policy (its root file first, then its imports).
pub fn lower(files: &[&ast::SourceFileAst]) -> Lowered {
    let mut lowerer = Lowerer {
        program: Program {
            // Modules are several per partner unless `modules ... { one per partner }` says otherwise.
            modules_several: true,
            ..Program::default()
        },
        diagnostics: Vec::new(),
        awaiting: Awaiting::default(),
    };
    lowerer.lower_program_block(files);
    // The orders (`tiers A < B`, `tracks ...`, `modules ...`) first, so a block
    // may come before the list that names it.
    let is_list = |item: &&ast::Item| {
        matches!(
            item.kind,
            ast::ItemKind::TiersDecl(_)
                | ast::ItemKind::TracksDecl(_)
                | ast::ItemKind::ModulesDecl(_)
        )
    };
    for file in files {
        for item in file.items.iter().filter(is_list) {
            lowerer.item(item);
        }
    }
    for file in files {
        for item in file.items.iter().filter(|i| !is_list(i)) {
            lowerer.item(item);
        }
    }
    lowerer.check_program_in_force();
    Lowered {
        program: lowerer.program,
        diagnostics: lowerer.diagnostics,
    }
}

fn docs_text(docs: &[ast::Doc]) -> Option<String> {
    if docs.is_empty() {
        None
    } else {
        Some(
            docs.iter()
                .map(|d| d.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        )
    }
}

fn named(ident: &ast::Ident, docs: &[ast::Doc]) -> Named {
    Named {
        name: ident.name.clone(),
        span: ident.span,
        docs: docs_text(docs),
    }
}

fn name_ref(ident: &ast::Ident) -> NameRef {
    NameRef {
        name: ident.name.clone(),
        span: ident.span,
    }
}

fn refs(idents: &[ast::Ident]) -> Vec<NameRef> {
    idents.iter().map(name_ref).collect()
}

/// Where a duration is used decides which units fit.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DurationUse {
    /// Commission windows, lookbacks, clawbacks, trailing metrics: calendar time of any length.
    Calendar,
    /// Payout delays, holds, notice periods: days or weeks, calendar or business.
    Days,
    /// Deadlines of obligations and decisions: anything.
    Deadline,
    /// Contract terms: months or years.
    Term,
}

struct Lowerer {
    program: Program,
    diagnostics: Vec<Diagnostic>,
    /// Tiers, tracks and modules named in a list whose block has not come
    /// yet, by name, in list order: a block finds its entry at once (a search
    /// per block was quadratic in the length of the list).
    awaiting: Awaiting,
}

#[derive(Default)]
struct Awaiting {
    tiers: HashMap<String, VecDeque<usize>>,
    tracks: HashMap<String, VecDeque<usize>>,
    modules: HashMap<String, VecDeque<usize>>,
}

/// Records that `list[index]` waits for its block.
fn await_block(awaiting: &mut HashMap<String, VecDeque<usize>>, name: &str, index: usize) {
    awaiting
        .entry(name.to_string())
        .or_default()
        .push_back(index);
}

/// The first entry named `name` still waiting for its block, taken.
fn take_awaiting(awaiting: &mut HashMap<String, VecDeque<usize>>, name: &str) -> Option<usize> {
    awaiting.get_mut(name)?.pop_front()
}

impl Lowerer {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn lower_program_block(&mut self, files: &[&ast::SourceFileAst]) {
        let blocks: Vec<(&ast::Item, &ast::ProgramBlock)> = files
            .iter()
            .flat_map(|f| f.items.iter())
            .filter_map(|i| match &i.kind {
                ast::ItemKind::Program(p) => Some((i, p)),
                _ => None,
            })
            .collect();
        let Some((item, block)) = blocks.first() else {
            let span = files
                .first()
                .map(|f| Span::new(f.file, 0, 0))
                .unwrap_or_default();
            self.report(
                Diagnostic::new(
                    Code::MissingProgram,
                    "the policy has no `program` block",
                    span,
                )
                .with_help("start the policy with `program \"Name\" { currency EUR }`"),
            );
            self.program.currency = "EUR".into();
            return;
        };
        for (other, _) in blocks.iter().skip(1) {
            self.report(
                Diagnostic::new(
                    Code::MissingProgram,
                    "a policy has one `program` block",
                    other.span,
                )
                .with_label(item.span, "the first `program` block is here")
                .with_help("merge the two blocks"),
            );
        }
        let p = &mut self.program;
        p.name = block.name.value.clone();
        p.name_span = block.name.span;
        p.docs = docs_text(&item.docs);
        // The currency first: amounts elsewhere are checked against it.
        let mut currency = None;
        for s in &block.settings {
            if let ast::ProgramSettingKind::Currency(c) = &s.kind {
                currency = Some(c.clone());
            }
        }
        match currency {
            Some(c) => {
                self.program.currency = c.name.clone();
                self.program.currency_span = c.span;
            }
            None => {
                self.program.currency = "EUR".into();
                self.program.currency_span = block.name.span;
                self.report(
                    Diagnostic::new(
                        Code::MissingProgram,
                        "the program does not say its currency",
                        block.name.span,
                    )
                    .with_help(
                        "add `currency EUR` (or the program's ISO 4217 code) to the program block",
                    ),
                );
            }
        }
        for s in &block.settings {
            self.program_setting(s);
        }
    }

    fn program_setting(&mut self, setting: &ast::ProgramSetting) {
        match &setting.kind {
            ast::ProgramSettingKind::Currency(_) => {}
            ast::ProgramSettingKind::Products(list) => {
                self.program.products = list.iter().map(|i| named(i, &[])).collect();
                if let (Some(first), Some(docs)) =
                    (self.program.products.first_mut(), docs_text(&setting.docs))
                {
                    first.docs = Some(docs);
                }
            }
            ast::ProgramSettingKind::Agreements(list) => self
                .program
                .agreements
                .extend(list.iter().map(|i| named(i, &setting.docs))),
            ast::ProgramSettingKind::Qualifications(list) => self
                .program
                .qualifications
                .extend(list.iter().map(|i| named(i, &setting.docs))),
            ast::ProgramSettingKind::Entities(defs) => {
                for def in defs {
                    self.program.entities.push(EntityType {
                        name: named(&def.name, &setting.docs),
                        no_contract: def.no_contract,
                        netted_only: def.netted_only,
                    });
                }
            }
            ast::ProgramSettingKind::Rounding { mode, to } => {
                self.program.rounding.mode = match mode.name.as_str() {
                    "half_up" => RoundingMode::HalfUp,
                    "half_down" => RoundingMode::HalfDown,
                    "down" => RoundingMode::Down,
                    "up" => RoundingMode::Up,
                    _ => RoundingMode::HalfEven,
                };
                if let Some(to) = to {
                    // `to 0.01` means two decimals.
                    match crate::units::exact_decimal(&to.digits) {
                        Ok(step)
                            if step > Decimal::ZERO
                                && step <= Decimal::ONE
                                && is_power_of_ten(step) =>
                        {
                            self.program.rounding.scale = Some(step.normalize().scale());
                        }
                        _ => self.report(
                            Diagnostic::new(
                                Code::InvalidValue,
                                format!("cannot round to `{}`", to.digits),
                                to.span,
                            )
                            .with_help("round to a power of ten such as `1`, `0.1` or `0.01`"),
                        ),
                    }
                }
            }
            ast::ProgramSettingKind::Holidays(days) => {
                for q in days {
                    if let Some(d) = self.date(q) {
                        self.program.holidays.push(d);
                    }
                }
                self.program.holidays.sort();
                self.program.holidays.dedup();
            }
            ast::ProgramSettingKind::InForce(f) => {
                if let Some((from, to)) = self.in_force(f, "program") {
                    self.program.in_force = Some(ProgramInForce {
                        from,
                        to,
                        span: f.span,
                    });
                }
            }
            ast::ProgramSettingKind::Claims(rule) => {
                self.program.claims_span = Some(setting.span);
                self.program.claims = match rule {
                    ast::ClaimsRule::Order(word) => claim_order(&word.name),
                    ast::ClaimsRule::Split(shares) => ClaimPolicy::Split {
                        shares: shares
                            .iter()
                            .filter_map(|s| {
                                self.percent(&s.share).map(|share| TrackShare {
                                    track: name_ref(&s.track),
                                    share,
                                    span: s.span,
                                })
                            })
                            .collect(),
                    },
                }
            }
            ast::ProgramSettingKind::TaxOnTop => self.program.tax_on_top = Some(setting.span),
            ast::ProgramSettingKind::PaidInPartnerCurrency => {
                self.program.partner_currency = Some(setting.span)
            }
        }
    }

    fn item(&mut self, item: &ast::Item) {
        match &item.kind {
            ast::ItemKind::Import(_) | ast::ItemKind::Program(_) => {}
            ast::ItemKind::TiersDecl(names) => {
                self.program.tiers_span = Some(item.span);
                for ident in names {
                    let rank = self.program.tiers.len();
                    await_block(&mut self.awaiting.tiers, &ident.name, rank);
                    self.program.tiers.push(Tier {
                        name: named(ident, &item.docs),
                        rank,
                        invite_only: None,
                        requirements: Vec::new(),
                        grants: Vec::new(),
                        block_span: None,
                    });
                }
            }
            ast::ItemKind::Tier(block) => self.tier_block(item, block),
            ast::ItemKind::TracksDecl(names) => {
                for ident in names {
                    let index = self.program.tracks.len();
                    await_block(&mut self.awaiting.tracks, &ident.name, index);
                    self.program.tracks.push(group(named(ident, &item.docs)));
                }
            }
            ast::ItemKind::Track(block) => {
                let scope = Scope::Track(block.name.name.clone());
                let g = self.member_group(item, block, scope);
                merge_group(&mut self.program.tracks, &mut self.awaiting.tracks, g);
            }
            ast::ItemKind::ModulesDecl(decl) => {
                self.program.modules_several = decl.several.unwrap_or(true);
                // From the first module's name (an item's span holds its docs).
                self.program.modules_span = Some(decl.names.first().map_or(item.span, |n| Span {
                    start: n.span.start,
                    ..item.span
                }));
                for ident in &decl.names {
                    let index = self.program.modules.len();
                    await_block(&mut self.awaiting.modules, &ident.name, index);
                    self.program.modules.push(group(named(ident, &item.docs)));
                }
            }
            ast::ItemKind::Module(block) => {
                let scope = Scope::Module(block.name.name.clone());
                let g = self.member_group(item, block, scope);
                merge_group(&mut self.program.modules, &mut self.awaiting.modules, g);
            }
            ast::ItemKind::Benefit(b) => self.benefit(item, b),
            ast::ItemKind::ChooseOne(c) => {
                let index = self.program.choose_groups.len() + 1;
                let name = match &c.name {
                    Some(n) => named(n, &item.docs),
                    None => Named {
                        name: format!("choose_one_{index}"),
                        span: item.span,
                        docs: docs_text(&item.docs),
                    },
                };
                self.program.choose_groups.push(ChooseOneGroup {
                    name,
                    benefits: refs(&c.benefits),
                    default: c.default.as_ref().map(name_ref),
                    span: item.span,
                });
            }
            ast::ItemKind::Commission(c) => {
                self.commission(c, &item.docs, item.span, Scope::Program)
            }
            ast::ItemKind::Bonus(b) => self.bonus(b, &item.docs, item.span, Scope::Program),
            ast::ItemKind::Attribution(a) => {
                self.attribution(a, &item.docs, item.span, Scope::Program)
            }
            ast::ItemKind::Payout(p) => {
                if let Some(p) = self.payout(p, item.span, Scope::Program) {
                    self.program.payouts.push(p);
                }
            }
            ast::ItemKind::Region(r) => self.program.regions.push(RegionDef {
                name: named(&r.name, &item.docs),
                members: refs(&r.members),
                span: item.span,
            }),
            ast::ItemKind::Partner(p) => self.partner(item, p),
            ast::ItemKind::Obligation(o) => {
                self.obligation(o, &item.docs, item.span, Scope::Program)
            }
            ast::ItemKind::Contract(c) => self.contract(item, c),
            ast::ItemKind::Require(r) => {
                if let Some(req) = self.requirement(r, &item.docs, item.span) {
                    self.program.requirements.push(req);
                }
            }
        }
    }

    fn tier_block(&mut self, item: &ast::Item, block: &ast::MemberBlock) {
        let scope = Scope::Tier(block.name.name.clone());
        let g = self.member_group(item, block, scope);
        let invite_only = block
            .clauses
            .iter()
            .find(|c| matches!(c.kind, ast::MemberClauseKind::InviteOnly))
            .map(|c| c.span);
        let waiting = take_awaiting(&mut self.awaiting.tiers, &block.name.name);
        if let Some(tier) = waiting.and_then(|i| self.program.tiers.get_mut(i)) {
            tier.invite_only = invite_only;
            tier.requirements = g.requirements;
            tier.grants = g.grants;
            tier.block_span = Some(item.span);
            if g.name.docs.is_some() {
                tier.name.docs = g.name.docs;
            }
            tier.name.span = block.name.span;
        } else {
            // A tier block for a tier not in `tiers`: the checker reports it.
            let rank = self.program.tiers.len();
            self.program.tiers.push(Tier {
                name: g.name,
                rank,
                invite_only,
                requirements: g.requirements,
                grants: g.grants,
                block_span: Some(item.span),
            });
        }
    }

    fn member_group(
        &mut self,
        item: &ast::Item,
        block: &ast::MemberBlock,
        scope: Scope,
    ) -> MemberGroup {
        let mut g = group(named(&block.name, &item.docs));
        g.block_span = Some(item.span);
        for clause in &block.clauses {
            match &clause.kind {
                ast::MemberClauseKind::InviteOnly => {
                    if !matches!(scope, Scope::Tier(_)) {
                        self.report(
                            Diagnostic::new(
                                Code::Syntax,
                                "only a tier can be invite only",
                                clause.span,
                            )
                            .with_help("move `invite only` into a `tier` block"),
                        );
                    }
                }
                ast::MemberClauseKind::Require(r) => {
                    if let Some(req) = self.requirement(r, &clause.docs, clause.span) {
                        g.requirements.push(req);
                    }
                }
                ast::MemberClauseKind::Claims(order) => {
                    if !matches!(scope, Scope::Track(_)) {
                        self.report(
                            Diagnostic::new(
                                Code::Syntax,
                                "only a track can have its own `claims` rule",
                                clause.span,
                            )
                            .with_help("move `claims` into a `track` block, or into `program` for every partner"),
                        );
                    } else if let Some((_, first)) = g.claims {
                        self.report(
                            Diagnostic::new(
                                Code::Syntax,
                                "a track has one `claims` rule",
                                clause.span,
                            )
                            .with_label(first, "the first `claims` rule of this track")
                            .with_help("keep one `claims` rule per track"),
                        );
                    } else {
                        g.claims = Some((claim_order(&order.name), clause.span));
                    }
                }
                ast::MemberClauseKind::Grant(names) => g.grants.extend(refs(names)),
                ast::MemberClauseKind::Eligible(e) => {
                    g.eligibility = Some(eligibility(e, clause.span))
                }
                ast::MemberClauseKind::Attribution(a) => {
                    self.attribution(a, &clause.docs, clause.span, scope.clone())
                }
                ast::MemberClauseKind::Commission(c) => {
                    self.commission(c, &clause.docs, clause.span, scope.clone())
                }
                ast::MemberClauseKind::Bonus(b) => {
                    self.bonus(b, &clause.docs, clause.span, scope.clone())
                }
                ast::MemberClauseKind::Payout(p) => {
                    if let Some(p) = self.payout(p, clause.span, scope.clone()) {
                        self.program.payouts.push(p);
                    }
                }
                ast::MemberClauseKind::Obligation(o) => {
                    self.obligation(o, &clause.docs, clause.span, scope.clone())
                }
            }
        }
        g
    }

    fn requirement(
        &mut self,
        r: &ast::Requirement,
        docs: &[ast::Doc],
        span: Span,
    ) -> Option<Requirement> {
        let kind = self.requirement_kind(&r.body)?;
        let in_force = r
            .in_force
            .as_ref()
            .and_then(|f| self.in_force(f, "requirement"));
        Some(Requirement {
            kind,
            scope: refs(&r.scope),
            docs: docs_text(docs),
            in_force,
            span,
        })
    }

    /// What `count` (or a points source) counts: `activity certification`,
    /// `orders within 6 months after referral`.
    #[expect(
        clippy::type_complexity,
        reason = "the three parts of a counted event, as the IR holds them"
    )]
    fn counted(
        &mut self,
        counted: &ast::Counted,
    ) -> Option<(EventKind, Option<NameRef>, Option<(Duration, EventKind)>)> {
        let event = EventKind::parse(&counted.event.name)?;
        let within_after = match &counted.within {
            Some((q, after)) => {
                let d = self.duration(q, DurationUse::Calendar)?;
                Some((d, EventKind::parse(&after.name)?))
            }
            None => None,
        };
        if event != EventKind::Activity {
            if let Some(kind) = &counted.kind {
                self.report(
                    Diagnostic::new(
                        Code::Syntax,
                        format!(
                            "only activities have kinds; `{}` has none",
                            counted.event.name
                        ),
                        kind.span,
                    )
                    .with_help("write `count activity lead_generation ...`"),
                );
            }
        }
        Some((event, counted.kind.as_ref().map(name_ref), within_after))
    }

    /// What a `require` (or an alternative of `any of`) asks.
    fn requirement_kind(&mut self, body: &ast::RequirementBody) -> Option<RequirementKind> {
        let kind = match body {
            ast::RequirementBody::Contract(_) => RequirementKind::Contract,
            ast::RequirementBody::Agreement(a) => RequirementKind::Agreement {
                agreement: name_ref(a),
            },
            ast::RequirementBody::Staff {
                qualification,
                comparator,
                count,
            } => RequirementKind::Staff {
                qualification: name_ref(qualification),
                comparator: *comparator,
                count: self.count(count)?,
            },
            ast::RequirementBody::Count {
                counted,
                period,
                comparator,
                count,
            } => {
                let (event, activity, within_after) = self.counted(counted)?;
                RequirementKind::Count {
                    event,
                    activity,
                    within_after,
                    period: match period {
                        Some(p) => Some(self.count_period(p)?),
                        None => None,
                    },
                    comparator: *comparator,
                    count: self.count(count)?,
                }
            }
            ast::RequirementBody::Revenue {
                new_customers,
                period,
                threshold,
            } => RequirementKind::Revenue {
                new_customers: new_customers.is_some(),
                period: match period {
                    Some(p) => Some(self.count_period(p)?),
                    None => None,
                },
                threshold: match threshold {
                    ast::RevenueThreshold::SetIndividually(_) => RevenueThreshold::SetIndividually,
                    ast::RevenueThreshold::Amount { comparator, amount } => {
                        RevenueThreshold::Amount {
                            comparator: *comparator,
                            amount: self.money(amount)?,
                        }
                    }
                },
            },
            ast::RequirementBody::Points {
                terms,
                period,
                comparator,
                threshold,
            } => self.points(terms, period.as_ref(), *comparator, threshold)?,
            ast::RequirementBody::Mrr {
                measure,
                period,
                comparator,
                amount,
            } => self.mrr(*measure, period.as_ref(), *comparator, amount)?,
            ast::RequirementBody::AnyOf {
                alternatives,
                every,
                until_met_again,
            } => self.any_of(alternatives, every, until_met_again.is_some())?,
            ast::RequirementBody::Text(t) => RequirementKind::Text {
                text: t.value.clone(),
            },
        };
        Some(kind)
    }

    /// The dates of `in force from D1 [to D2]` on a `what`; a `to` before its
    /// `from` is an error.
    fn in_force(&mut self, f: &ast::InForce, what: &str) -> Option<(NaiveDate, Option<NaiveDate>)> {
        let to = f.to.as_ref().and_then(|q| self.date(q));
        let from = self.date(&f.from)?;
        if to.is_some_and(|to| to < from) {
            self.report(Diagnostic::new(
                Code::InvalidValue,
                format!("the {what} is in force from {from} to an earlier date"),
                f.span,
            ));
            return None;
        }
        Some((from, to))
    }

    /// A program `in force from D1 [to D2]` bounds every commission's and
    /// bonus's own dates (a rule earns only while both are in force); a rule
    /// whose own dates lie wholly outside the program's is an error.
    fn check_program_in_force(&mut self) {
        let Some(p) = self.program.in_force else {
            return;
        };
        let outside = |own: Option<(NaiveDate, Option<NaiveDate>)>| {
            own.is_some_and(|(from, to)| {
                to.is_some_and(|to| to < p.from) || p.to.is_some_and(|end| from > end)
            })
        };
        let mut spans: Vec<Span> = Vec::new();
        spans.extend(
            self.program
                .commissions
                .iter()
                .filter(|c| outside(c.in_force))
                .map(|c| c.span),
        );
        spans.extend(
            self.program
                .bonuses
                .iter()
                .filter(|b| outside(b.in_force))
                .map(|b| b.span),
        );
        for span in spans {
            self.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    "the rule is in force only on dates the program is not in force on".to_owned(),
                    span,
                )
                .with_label(p.span, "the program's dates"),
            );
        }
    }

    fn count_period(&mut self, p: &ast::CountPeriod) -> Option<CountPeriod> {
        Some(match p {
            ast::CountPeriod::Per(word) => match word.name.as_str() {
                "quarter" => CountPeriod::PerQuarter,
                "month" => CountPeriod::PerMonth,
                _ => CountPeriod::PerYear,
            },
            ast::CountPeriod::PerContractYear(_) => CountPeriod::PerContractYear,
            ast::CountPeriod::InLast(q) => {
                CountPeriod::Trailing(self.duration(q, DurationUse::Calendar)?)
            }
        })
    }

    fn benefit(&mut self, item: &ast::Item, b: &ast::Benefit) {
        let category = BenefitCategory::ALL
            .iter()
            .find(|(n, _)| *n == b.category.name)
            .map(|(_, c)| *c);
        let category = match category {
            Some(c) => c,
            None => {
                let names: Vec<&str> = BenefitCategory::ALL.iter().map(|(n, _)| *n).collect();
                let mut d = Diagnostic::new(
                    Code::UnknownName,
                    format!("unknown benefit category `{}`", b.category.name),
                    b.category.span,
                )
                .with_primary_label("not a category");
                d = match charter_diagnostics::did_you_mean(&b.category.name, names.iter().copied())
                {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")).with_fix(
                        format!("replace with `{s}`"),
                        vec![charter_diagnostics::TextEdit {
                            span: b.category.span,
                            replacement: s.to_string(),
                        }],
                    ),
                    None => d.with_help(format!("the categories are {}", names.join(", "))),
                };
                self.report(d);
                BenefitCategory::Support
            }
        };
        let scope = Scope::Benefit(b.name.name.clone());
        let mut discounts = Vec::new();
        for clause in &b.clauses {
            match &clause.kind {
                ast::BenefitClauseKind::Commission(c) => {
                    self.commission(c, &clause.docs, clause.span, scope.clone())
                }
                ast::BenefitClauseKind::Bonus(x) => {
                    self.bonus(x, &clause.docs, clause.span, scope.clone())
                }
                ast::BenefitClauseKind::Discount { rate, on } => {
                    if let Some(rate) = self.percent(rate) {
                        discounts.push(Discount {
                            rate,
                            on: name_ref(on),
                            span: clause.span,
                        });
                    }
                }
            }
        }
        self.program.benefits.push(Benefit {
            name: named(&b.name, &item.docs),
            category,
            category_span: b.category.span,
            available_to: b
                .targets
                .iter()
                .map(|t| BenefitTarget {
                    target: name_ref(&t.name),
                    note: t.note.as_ref().map(|n| n.value.clone()),
                })
                .collect(),
            discounts,
            span: item.span,
        });
    }

    fn commission(&mut self, c: &ast::Commission, docs: &[ast::Doc], span: Span, scope: Scope) {
        let mut rate: Option<(RateSpec, Span)> = None;
        let mut base: Option<BaseSpec> = None;
        let mut window: Option<(WindowSpec, Span)> = None;
        let mut per_subscription = None;
        // `per new customer`: the rate is a fixed amount, not a percentage.
        let per = c.head.as_ref().is_some_and(|h| h.base.per)
            || c.clauses
                .iter()
                .any(|cl| matches!(&cl.kind, ast::CommissionClauseKind::Base(b) if b.per));
        if let Some(head) = &c.head {
            if per {
                if let Some(amount) = self.money(&head.rate) {
                    rate = Some((RateSpec::Fixed { amount }, head.rate.span));
                }
            } else if let Some(r) = self.percent(&head.rate) {
                rate = Some((RateSpec::Flat { rate: r }, head.rate.span));
            }
            base = Some(base_spec(&head.base));
            if let Some(w) = &head.window {
                window = self.window(w).map(|x| (x, w.span));
                per_subscription = per_subscription_of(w);
            }
        }
        let mut bounds = None;
        let mut uplifts = Vec::new();
        let mut elig = None;
        let mut settlement = Settlement::Transfer;
        let mut settlement_span = None;
        let mut clawback = None;
        let mut payout = None;
        let mut in_force = None;
        let mut active_for = None;
        let mut caps = Vec::new();
        let mut cut_back = None;
        for clause in &c.clauses {
            match &clause.kind {
                ast::CommissionClauseKind::Rate(r) if per => {
                    if let Some(spec) = self.fixed_rate(r) {
                        rate = Some((spec, r.span));
                    }
                }
                ast::CommissionClauseKind::Rate(r) => {
                    if let Some(spec) = self.rate(r) {
                        rate = Some((spec, r.span));
                    }
                }
                ast::CommissionClauseKind::Base(b) => base = Some(base_spec(b)),
                ast::CommissionClauseKind::ActiveFor(q) => {
                    active_for = self
                        .duration(q, DurationUse::Calendar)
                        .map(|d| (d, clause.span));
                }
                ast::CommissionClauseKind::Cap { limit, period } => {
                    if let Some(cap) = self.cap(limit, period, clause.span) {
                        caps.push(cap);
                    }
                }
                ast::CommissionClauseKind::CutBack { rate, tier, within } => {
                    let rate_value = self.percent(rate);
                    let within = self.duration(within, DurationUse::Calendar);
                    if let (Some(r), Some(within)) = (rate_value, within) {
                        cut_back = Some(CutBack {
                            rate: r,
                            rate_span: rate.span,
                            tier: name_ref(tier),
                            within,
                            span: clause.span,
                        });
                    }
                }
                ast::CommissionClauseKind::Window(w) => {
                    window = self.window(w).map(|x| (x, w.span));
                    per_subscription = per_subscription_of(w);
                }
                ast::CommissionClauseKind::Bounds { low, high } => {
                    if let (Some(l), Some(h)) = (self.percent(low), self.percent(high)) {
                        if l > h {
                            self.report(
                                Diagnostic::new(
                                    Code::InvalidValue,
                                    format!("the lower bound {l} is above the upper bound {h}"),
                                    clause.span,
                                )
                                .with_help("write the lower bound first: `bounds 20% to 30%`"),
                            );
                        }
                        bounds = Some((l, h, clause.span));
                    }
                }
                ast::CommissionClauseKind::Uplift { amount, condition } => {
                    if let (Some(a), Some(cond)) = (self.percent(amount), self.condition(condition))
                    {
                        uplifts.push(Uplift {
                            amount: a,
                            condition: cond,
                            span: clause.span,
                        });
                    }
                }
                ast::CommissionClauseKind::Eligible(e) => elig = Some(eligibility(e, clause.span)),
                ast::CommissionClauseKind::Settle(mode) => {
                    settlement = if mode.name == "netted" {
                        Settlement::Netted
                    } else {
                        Settlement::Transfer
                    };
                    settlement_span = Some(clause.span);
                }
                ast::CommissionClauseKind::Clawback { within } => {
                    let within = match within {
                        Some(q) => self.duration(q, DurationUse::Calendar),
                        None => None,
                    };
                    clawback = Some(Clawback {
                        within,
                        span: clause.span,
                    });
                }
                ast::CommissionClauseKind::Payout(p) => {
                    payout = self.payout(p, clause.span, scope.clone())
                }
                ast::CommissionClauseKind::InForce { from, to } => {
                    let to = to.as_ref().and_then(|q| self.date(q));
                    if let Some(from) = self.date(from) {
                        if to.is_some_and(|to| to < from) {
                            self.report(Diagnostic::new(
                                Code::InvalidValue,
                                format!("the rule is in force from {from} to an earlier date"),
                                clause.span,
                            ));
                        } else {
                            in_force = Some((from, to));
                        }
                    }
                }
            }
        }
        let Some((rate, rate_span)) = rate else {
            if c.head.is_none()
                && !c
                    .clauses
                    .iter()
                    .any(|cl| matches!(cl.kind, ast::CommissionClauseKind::Rate(_)))
            {
                self.report(
                    Diagnostic::new(
                        Code::Syntax,
                        format!("commission `{}` has no rate", c.name.name),
                        c.name.span,
                    )
                    .with_help(
                        "write `commission name: 5% of payments` or add `rate 5%` to its block",
                    ),
                );
            }
            return;
        };
        let Some(base) = base else {
            self.report(
                Diagnostic::new(
                    Code::Syntax,
                    format!(
                        "commission `{}` does not say what it is a percentage of",
                        c.name.name
                    ),
                    c.name.span,
                )
                .with_help("add `of payments` (or `of invoices`) to the commission"),
            );
            return;
        };
        if per {
            self.fixed_amount_extras(c, bounds.is_some(), !uplifts.is_empty());
        }
        if matches!(base.kind, BaseKind::Trial | BaseKind::QualifiedLead) {
            self.event_bounty_extras(&base, clawback.as_ref(), payout.as_ref());
        }
        // A netted payout needs no separate settlement clause.
        if let Some(PayoutSchedule {
            timing: PayoutTiming::NettedAtSource,
            span,
            ..
        }) = &payout
        {
            settlement = Settlement::Netted;
            settlement_span.get_or_insert(*span);
        }
        let (window, window_span) = match window {
            Some((w, s)) => (w, Some(s)),
            None => (WindowSpec::Unbounded, None),
        };
        self.program.commissions.push(CommissionRule {
            name: named(&c.name, docs),
            scope,
            rate,
            rate_span,
            base,
            window,
            window_span,
            per_subscription,
            active_for,
            caps,
            cut_back,
            bounds,
            uplifts,
            eligibility: elig,
            settlement,
            settlement_span,
            clawback,
            payout,
            in_force,
            span,
        });
    }

    /// A commission `per trial` or `per qualified lead` pays for an event of
    /// the customer, not for an invoice: invoice filters, a clawback on refund
    /// and a payout after full payment have nothing to act on (C0306).
    fn event_bounty_extras(
        &mut self,
        base: &BaseSpec,
        clawback: Option<&Clawback>,
        payout: Option<&PayoutSchedule>,
    ) {
        let event = match base.kind {
            BaseKind::Trial => "trial",
            _ => "qualified lead",
        };
        let filter = if base.invoices != InvoiceFilter::Any {
            Some("`on … invoices`")
        } else if base.collected_by.is_some() {
            Some("`where collected_by`")
        } else if !base.products.is_empty() {
            Some("`for products`")
        } else {
            None
        };
        if let Some(filter) = filter {
            self.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    format!("a commission per {event} pays for an event, not an invoice: {filter} does not apply"),
                    base.span,
                )
                .with_help("keep `by METHOD` if needed and remove the invoice filter"),
            );
        }
        if let Some(c) = clawback {
            self.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    format!(
                        "a commission per {event} has no invoice, so no refund can take it back"
                    ),
                    c.span,
                )
                .with_help("remove the `clawback` clause"),
            );
        }
        if let Some(p) =
            payout.filter(|p| matches!(p.timing, PayoutTiming::Within { full: true, .. }))
        {
            self.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    format!("a commission per {event} has no invoice to be paid in full"),
                    p.span,
                )
                .with_help(
                    "time it `within D after payment` (counted from the event) or by a statement",
                ),
            );
        }
    }

    /// The rate of a commission `per new customer`: one amount of money.
    fn fixed_rate(&mut self, r: &ast::Rate) -> Option<RateSpec> {
        match &r.kind {
            ast::RateKind::Flat(q) => Some(RateSpec::Fixed {
                amount: self.money(q)?,
            }),
            ast::RateKind::ByTier(_) | ast::RateKind::ByMetric { .. } => {
                self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        "a commission per new customer pays one fixed amount, not a rate table",
                        r.span,
                    )
                    .with_help("write `rate 200 USD`, or one commission per tier scoped to it"),
                );
                None
            }
        }
    }

    /// Bounds and uplifts are percentages: they mean nothing on a fixed amount.
    fn fixed_amount_extras(&mut self, c: &ast::Commission, bounds: bool, uplifts: bool) {
        for clause in &c.clauses {
            let what = match clause.kind {
                ast::CommissionClauseKind::Bounds { .. } if bounds => "bounds",
                ast::CommissionClauseKind::Uplift { .. } if uplifts => "an uplift",
                ast::CommissionClauseKind::CutBack { .. } => "a cut-back rate",
                _ => continue,
            };
            self.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    format!("a commission per new customer pays a fixed amount: {what} has no meaning on it"),
                    clause.span,
                )
                .with_help("remove the clause, or pay a percentage `of payments`"),
            );
        }
    }

    fn rate(&mut self, r: &ast::Rate) -> Option<RateSpec> {
        Some(match &r.kind {
            ast::RateKind::Flat(q) => RateSpec::Flat {
                rate: self.percent(q)?,
            },
            ast::RateKind::ByTier(rates) => RateSpec::ByTier {
                rates: rates
                    .iter()
                    .filter_map(|tr| {
                        self.percent(&tr.rate).map(|rate| TierRate {
                            tier: name_ref(&tr.tier),
                            rate,
                            span: tr.span,
                        })
                    })
                    .collect(),
            },
            ast::RateKind::ByMetric {
                metric,
                mode,
                brackets,
                table_span,
            } => {
                let metric = self.metric(metric)?;
                let mut rows = Vec::new();
                for b in brackets {
                    let rate = self.percent(&b.rate);
                    let (low, high) = match &b.range {
                        ast::BracketRange::Below(q) => (None, self.metric_value(&metric, q)),
                        ast::BracketRange::From(q) => (self.metric_value(&metric, q), None),
                        ast::BracketRange::Between(a, z) => {
                            (self.metric_value(&metric, a), self.metric_value(&metric, z))
                        }
                    };
                    if let Some(rate) = rate {
                        rows.push(Bracket {
                            low,
                            high,
                            rate,
                            span: b.span,
                        });
                    }
                }
                RateSpec::Brackets {
                    table: BracketTable {
                        metric,
                        mode: mode.map(|(m, _)| match m {
                            ast::BracketModeKw::WholeAmount => BracketMode::WholeAmount,
                            ast::BracketModeKw::Marginal => BracketMode::Marginal,
                            ast::BracketModeKw::Retroactive => BracketMode::Retroactive,
                        }),
                        brackets: rows,
                        table_span: *table_span,
                    },
                }
            }
        })
    }

    fn metric(&mut self, m: &ast::Metric) -> Option<Metric> {
        let kind = match m.kind.name.as_str() {
            "orders" => MetricKind::Orders,
            "customers" => MetricKind::Customers,
            _ => MetricKind::Sales,
        };
        Some(Metric {
            kind,
            trailing: self.duration(&m.trailing, DurationUse::Calendar)?,
            span: m.span,
        })
    }

    /// A threshold of a metric: money for sales, a plain count for orders and customers.
    fn metric_value(&mut self, metric: &Metric, q: &ast::Quantity) -> Option<Decimal> {
        match metric.kind {
            MetricKind::Sales => self.money(q).map(|m| m.amount),
            MetricKind::Orders | MetricKind::Customers => match &q.kind {
                QuantityKind::Number {
                    digits,
                    unit: UnitSuffix::None,
                } => self.decimal(digits, q.span),
                _ => {
                    self.wrong_unit(q, "a plain count like `10`");
                    None
                }
            },
        }
    }

    fn condition(&mut self, c: &ast::Condition) -> Option<Condition> {
        Some(match &c.kind {
            ast::ConditionKind::Staff {
                qualification,
                comparator,
                count,
            } => Condition::Staff {
                qualification: name_ref(qualification),
                comparator: *comparator,
                count: self.count(count)?,
            },
            ast::ConditionKind::Metric {
                metric,
                comparator,
                threshold,
            } => {
                let metric = self.metric(metric)?;
                let threshold = self.metric_value(&metric, threshold)?;
                Condition::Metric {
                    metric,
                    comparator: *comparator,
                    threshold,
                }
            }
            ast::ConditionKind::Elected(b) => Condition::Elected {
                benefit: name_ref(b),
            },
        })
    }

    fn window(&mut self, w: &ast::Window) -> Option<WindowSpec> {
        Some(match &w.kind {
            ast::WindowKind::Within { length, anchor, .. } => WindowSpec::Within {
                length: self.duration(length, DurationUse::Calendar)?,
                anchor: Anchor::parse(&anchor.name)?,
            },
            ast::WindowKind::Lifetime => WindowSpec::Lifetime,
            ast::WindowKind::WhileContractActive => WindowSpec::WhileContractActive,
            ast::WindowKind::WhileCustomerPays => WindowSpec::WhileCustomerPays,
        })
    }

    fn bonus(&mut self, b: &ast::Bonus, docs: &[ast::Doc], span: Span, scope: Scope) {
        let (Some(amount), Some(condition)) = (self.money(&b.amount), self.condition(&b.condition))
        else {
            return;
        };
        let in_force = b.in_force.as_ref().and_then(|f| self.in_force(f, "bonus"));
        self.program.bonuses.push(BonusRule {
            name: named(&b.name, docs),
            scope,
            amount,
            frequency: match b.frequency {
                Some(ast::BonusFrequency::OncePerYear) => BonusFrequency::OncePerYear,
                _ => BonusFrequency::Once,
            },
            condition,
            in_force,
            span,
        });
    }

    fn attribution(&mut self, a: &ast::Attribution, docs: &[ast::Doc], span: Span, scope: Scope) {
        let method = match a.method.name.as_str() {
            "referral" => AttributionMethod::Referral,
            "registration" => AttributionMethod::Registration,
            "attachment" => AttributionMethod::Attachment,
            _ => AttributionMethod::PartnerSale,
        };
        let mut rule = AttributionRule {
            method,
            scope,
            products: refs(&a.products),
            no_prior_contact: None,
            closes_within: None,
            approval_required: false,
            decided_within: None,
            exclusive: false,
            before_installation: false,
            existing_on_request: false,
            new_customers_only: false,
            no_self_referral: false,
            new_users_only: false,
            docs: docs_text(docs),
            span,
        };
        for clause in &a.clauses {
            match &clause.kind {
                ast::AttributionClauseKind::NoPriorContact { within, .. } => {
                    rule.no_prior_contact = self.duration(within, DurationUse::Calendar);
                }
                ast::AttributionClauseKind::ClosesWithin { event, within, .. } => {
                    if let (Some(e), Some(d)) = (
                        EventKind::parse(&event.name),
                        self.duration(within, DurationUse::Calendar),
                    ) {
                        rule.closes_within = Some((e, d));
                    }
                }
                ast::AttributionClauseKind::Approval { decided_within } => {
                    rule.approval_required = true;
                    if let Some(q) = decided_within {
                        rule.decided_within = self.duration(q, DurationUse::Deadline);
                    }
                }
                ast::AttributionClauseKind::ExistingOnRequest => rule.existing_on_request = true,
                ast::AttributionClauseKind::NewCustomersOnly => rule.new_customers_only = true,
                ast::AttributionClauseKind::NoSelfReferral => rule.no_self_referral = true,
                ast::AttributionClauseKind::NewUsersOnly => rule.new_users_only = true,
                ast::AttributionClauseKind::Exclusive => rule.exclusive = true,
                ast::AttributionClauseKind::BeforeInstallation => rule.before_installation = true,
            }
        }
        self.program.attributions.push(rule);
    }

    fn payout(&mut self, p: &ast::Payout, span: Span, scope: Scope) -> Option<PayoutSchedule> {
        let timing = match &p.timing {
            ast::PayoutTiming::Within {
                delay,
                full,
                anchor,
            } => PayoutTiming::Within {
                delay: self.duration(delay, DurationUse::Days)?,
                full: *full,
                anchor: match anchor.name.as_str() {
                    "invoice" => PayoutAnchor::Invoice,
                    "collection" => PayoutAnchor::Collection,
                    _ => PayoutAnchor::Payment,
                },
            },
            ast::PayoutTiming::MonthlyStatement {
                week,
                after_collection,
            } => {
                let w = self.count(week)?;
                if !(1..=5).contains(&w) {
                    self.report(
                        Diagnostic::new(
                            Code::InvalidValue,
                            format!("a month has no week {w}"),
                            week.span,
                        )
                        .with_help("a statement is paid in week 1 to 5 of the next month"),
                    );
                    return None;
                }
                PayoutTiming::MonthlyStatement {
                    week: w,
                    after_collection: *after_collection,
                }
            }
            ast::PayoutTiming::PeriodStatement {
                period,
                delay,
                after_collection,
            } => PayoutTiming::Statement {
                period: StatementPeriod::parse(&period.name)?,
                delay: self.duration(delay, DurationUse::Days)?,
                after_collection: *after_collection,
            },
            ast::PayoutTiming::NettedAtSource => PayoutTiming::NettedAtSource,
        };
        let hold = match &p.hold {
            Some(q) => Some(self.duration(q, DurationUse::Days)?),
            None => None,
        };
        let minimum = match &p.minimum {
            Some(m) => Some(PayoutMinimum {
                amount: self.money(&m.amount)?,
                per_path: m.per_path,
                on_leaving: match m.on_leaving.as_ref().map(|w| w.name.as_str()) {
                    Some("forfeited") => LeavingBalance::Forfeited,
                    _ => LeavingBalance::Paid,
                },
                span: m.amount.span,
            }),
            None => None,
        };
        let withheld = match &p.withheld {
            Some(w) => Some(Withheld {
                until: named(&w.until, &[]),
                forfeited_after: match &w.forfeited_after {
                    Some(q) => Some(self.duration(q, DurationUse::Deadline)?),
                    None => None,
                },
                span: w.until.span,
            }),
            None => None,
        };
        Some(PayoutSchedule {
            timing,
            hold,
            minimum,
            withheld,
            scope,
            span,
        })
    }

    fn partner(&mut self, item: &ast::Item, p: &ast::Partner) {
        let mut partner = RosterPartner {
            id: named(&p.id, &item.docs),
            display_name: p.display_name.as_ref().map(|s| s.value.clone()),
            regions: Vec::new(),
            tier: None,
            track: None,
            modules: Vec::new(),
            entity: None,
            elected: Vec::new(),
            contract: None,
            staff: Vec::new(),
            revenue_target: None,
            joined: None,
            span: item.span,
        };
        // Clauses a partner says once: a second `track` would put it in two
        // mutually exclusive tracks (and only one would count).
        let mut said: Vec<(&str, Span)> = Vec::new();
        for clause in &p.clauses {
            let once = match &clause.kind {
                ast::PartnerClauseKind::Tier(_) => Some("tier"),
                ast::PartnerClauseKind::Track(_) => Some("track"),
                ast::PartnerClauseKind::Entity(_) => Some("entity"),
                ast::PartnerClauseKind::Contract(_) => Some("contract"),
                ast::PartnerClauseKind::RevenueTarget(_) => Some("revenue target"),
                ast::PartnerClauseKind::Joined(_) => Some("joined"),
                ast::PartnerClauseKind::Region { .. }
                | ast::PartnerClauseKind::Modules(_)
                | ast::PartnerClauseKind::Elect(_)
                | ast::PartnerClauseKind::Staff(_) => None,
            };
            if let Some(word) = once {
                match said.iter().find(|(w, _)| *w == word) {
                    Some((_, first)) => self.report(
                        Diagnostic::new(
                            Code::DuplicateDefinition,
                            format!(
                                "partner `{}` says `{word}` twice: a partner has one {word}",
                                p.id.name
                            ),
                            clause.span,
                        )
                        .with_primary_label("said again")
                        .with_label(*first, "first said here")
                        .with_help(format!("keep one `{word}` line")),
                    ),
                    None => said.push((word, clause.span)),
                }
            }
        }
        for clause in &p.clauses {
            match &clause.kind {
                ast::PartnerClauseKind::Region { region, exclusive } => {
                    partner.regions.push(RegionAssignment {
                        region: name_ref(region),
                        exclusive: exclusive.is_some(),
                        span: clause.span,
                    })
                }
                ast::PartnerClauseKind::Tier(t) => partner.tier = Some(name_ref(t)),
                ast::PartnerClauseKind::Track(t) => partner.track = Some(name_ref(t)),
                ast::PartnerClauseKind::Modules(m) => partner.modules.extend(refs(m)),
                ast::PartnerClauseKind::Entity(e) => partner.entity = Some(name_ref(e)),
                ast::PartnerClauseKind::Elect(b) => partner.elected.extend(refs(b)),
                ast::PartnerClauseKind::Contract(signed) => partner.contract = Some(*signed),
                ast::PartnerClauseKind::Staff(counts) => {
                    for (q, n) in counts {
                        if let Some(n) = self.count(n) {
                            partner.staff.push((name_ref(q), n));
                        }
                    }
                }
                ast::PartnerClauseKind::RevenueTarget(q) => partner.revenue_target = self.money(q),
                ast::PartnerClauseKind::Joined(q) => partner.joined = self.date(q),
            }
        }
        self.program.partners.push(partner);
    }

    fn obligation(&mut self, o: &ast::Obligation, docs: &[ast::Doc], span: Span, owner: Scope) {
        let within = match &o.within {
            Some(q) => self.duration(q, DurationUse::Deadline),
            None => None,
        };
        self.program.obligations.push(Obligation {
            name: named(&o.name, docs),
            within,
            after: o.after.as_ref().map(|a| a.name.clone()),
            party: match o.party.as_ref().map(|p| p.name.as_str()) {
                Some("vendor") => Party::Vendor,
                _ => Party::Partner,
            },
            scope: refs(&o.scope),
            owner,
            span,
        });
    }

    fn contract(&mut self, item: &ast::Item, c: &ast::ContractBlock) {
        if let Some(previous) = &self.program.contract {
            let previous = previous.span;
            self.report(
                Diagnostic::new(
                    Code::DuplicateDefinition,
                    "the policy has two `contract` blocks",
                    item.span,
                )
                .with_label(previous, "the first one is here")
                .with_help("merge them into one"),
            );
            return;
        }
        let mut terms = ContractTerms {
            span: item.span,
            ..ContractTerms::default()
        };
        for clause in &c.clauses {
            match &clause.kind {
                ast::ContractClauseKind::Term { length, renewal } => {
                    terms.term = self.duration(length, DurationUse::Term);
                    terms.renewal = renewal.map(|r| match r {
                        ast::RenewalMode::AfterReview => RenewalMode::AfterReview,
                        ast::RenewalMode::Automatically => RenewalMode::Automatically,
                    });
                }
                ast::ContractClauseKind::Notice { period, in_writing } => {
                    terms.notice = self.duration(period, DurationUse::Days);
                    terms.notice_in_writing = *in_writing;
                }
                ast::ContractClauseKind::OnTermination(effects) => {
                    for (effect, _) in effects {
                        match effect {
                            ast::TerminationEffect::KeepEarned => terms.keep_earned = true,
                            ast::TerminationEffect::WaiveRenewals => terms.waive_renewals = true,
                            ast::TerminationEffect::StopCommissions => {
                                terms.stop_commissions = true
                            }
                        }
                    }
                }
                ast::ContractClauseKind::ForceMajeure => terms.force_majeure = true,
                ast::ContractClauseKind::NonCompete(s) => terms.non_compete = Some(s.value.clone()),
            }
        }
        self.program.contract = Some(terms);
    }

    // ------------------------------------------------------------ literals

    fn describe(q: &ast::Quantity) -> String {
        match &q.kind {
            QuantityKind::Date(d) => format!("the date `{d}`"),
            QuantityKind::Number { digits, unit } => match unit {
                UnitSuffix::None => format!("the plain number `{digits}`"),
                UnitSuffix::Percent => format!("the percentage `{digits}%`"),
                UnitSuffix::Currency(c) => format!("the amount of money `{digits} {c}`"),
                UnitSuffix::Duration { unit, business } => format!(
                    "the duration `{digits} {}{}`",
                    if *business { "business " } else { "" },
                    unit.word(digits != "1")
                ),
            },
        }
    }

    fn wrong_unit(&mut self, q: &ast::Quantity, expected: &str) {
        let found = Self::describe(q);
        self.report(
            Diagnostic::new(
                Code::WrongUnit,
                format!("expected {expected}, found {found}"),
                q.span,
            )
            .with_primary_label(format!("this is {found}"))
            .with_help(format!("write {expected}")),
        );
    }

    fn decimal(&mut self, digits: &str, span: Span) -> Option<Decimal> {
        match crate::units::exact_decimal(digits) {
            Ok(d) if d.abs() > Decimal::from(crate::units::MAX_NUMBER) => {
                self.report(
                    Diagnostic::new(
                        Code::Limit,
                        format!(
                            "the number `{digits}` is larger than Charter accepts ({})",
                            crate::units::MAX_NUMBER
                        ),
                        span,
                    )
                    .with_help("amounts and thresholds are at most 100000000000000000 (10^17)"),
                );
                None
            }
            Ok(d) => Some(d),
            Err(crate::units::Inexact::TooLarge) => {
                self.report(
                    Diagnostic::new(
                        Code::Limit,
                        format!("the number `{digits}` does not fit an exact 28-digit decimal"),
                        span,
                    )
                    .with_help(
                        "amounts and rates are exact decimals of at most 28 significant digits",
                    ),
                );
                None
            }
            Err(crate::units::Inexact::TooPrecise) => {
                self.report(
                    Diagnostic::new(
                        Code::Limit,
                        format!(
                            "the number `{digits}` has more digits than an exact decimal holds"
                        ),
                        span,
                    )
                    .with_primary_label("Charter would have to round it")
                    .with_help(
                        "numbers are exact decimals of at most 28 significant digits and 28 decimal places; Charter never rounds a number you write",
                    ),
                );
                None
            }
        }
    }

    /// `at most 50 per month` (a count) or `at most 5000 USD per quarter`
    /// (money in the program's currency).
    fn cap(
        &mut self,
        limit: &ast::Quantity,
        period: &ast::Ident,
        span: Span,
    ) -> Option<CommissionCap> {
        let period = match period.name.as_str() {
            "month" => CapPeriod::Month,
            "quarter" => CapPeriod::Quarter,
            _ => CapPeriod::Year,
        };
        let limit = match &limit.kind {
            QuantityKind::Number {
                digits,
                unit: UnitSuffix::None,
            } => CapLimit::Count {
                count: self.count(&ast::Count {
                    digits: digits.clone(),
                    span: limit.span,
                })?,
            },
            QuantityKind::Number {
                unit: UnitSuffix::Currency(_),
                ..
            } => CapLimit::Money {
                amount: self.money(limit)?,
            },
            QuantityKind::Number { .. } | QuantityKind::Date(_) => {
                let expected = format!(
                    "a count like `50` or an amount of money like `5000 {}`",
                    self.program.currency
                );
                self.wrong_unit(limit, &expected);
                return None;
            }
        };
        Some(CommissionCap {
            limit,
            period,
            span,
        })
    }

    fn count(&mut self, c: &ast::Count) -> Option<u32> {
        if c.digits.contains('.') {
            self.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    format!("`{}` is not a whole number", c.digits),
                    c.span,
                )
                .with_help("counts are whole numbers like `10`"),
            );
            return None;
        }
        match c.digits.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.report(Diagnostic::new(
                    Code::Limit,
                    format!(
                        "the count `{}` is larger than Charter accepts (4294967295)",
                        c.digits
                    ),
                    c.span,
                ));
                None
            }
        }
    }

    fn percent(&mut self, q: &ast::Quantity) -> Option<Percent> {
        match &q.kind {
            QuantityKind::Number {
                digits,
                unit: UnitSuffix::Percent,
            } => {
                let value = self.decimal(digits, q.span)?;
                if value > Decimal::ONE_HUNDRED {
                    self.report(
                        Diagnostic::new(
                            Code::RateOutOfRange,
                            format!("{digits}% is more than the whole amount"),
                            q.span,
                        )
                        .with_primary_label("above 100%")
                        .with_help("rates lie between 0% and 100%"),
                    );
                    return None;
                }
                Some(Percent(value))
            }
            _ => {
                self.wrong_unit(q, "a percentage like `20%`");
                None
            }
        }
    }

    fn money(&mut self, q: &ast::Quantity) -> Option<Money> {
        match &q.kind {
            QuantityKind::Number {
                digits,
                unit: UnitSuffix::Currency(currency),
            } => {
                let amount = self.decimal(digits, q.span)?;
                if *currency != self.program.currency {
                    let program_currency = self.program.currency.clone();
                    self.report(
                        Diagnostic::new(
                            Code::CurrencyMismatch,
                            format!("this amount is in {currency} but the program pays in {program_currency}"),
                            q.span,
                        )
                        .with_label(self.program.currency_span, format!("the program's currency is {program_currency}"))
                        .with_help(format!("write the amount in {program_currency}"))
                        .with_fix(
                            format!("use {program_currency}"),
                            vec![charter_diagnostics::TextEdit {
                                span: q.span,
                                replacement: format!("{digits} {program_currency}"),
                            }],
                        ),
                    );
                    return None;
                }
                Some(Money {
                    amount,
                    currency: currency.clone(),
                })
            }
            _ => {
                let expected = format!("an amount of money like `1000 {}`", self.program.currency);
                self.wrong_unit(q, &expected);
                None
            }
        }
    }

    fn date(&mut self, q: &ast::Quantity) -> Option<NaiveDate> {
        match &q.kind {
            QuantityKind::Date(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(d) if d < crate::units::FIRST_DATE => {
                    self.report(
                        Diagnostic::new(
                            Code::InvalidValue,
                            format!("`{text}` is before the first date Charter knows"),
                            q.span,
                        )
                        .with_help("dates run from 0001-01-01 to 9999-12-31"),
                    );
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    self.report(
                        Diagnostic::new(
                            Code::InvalidValue,
                            format!("`{text}` is not a date in the calendar"),
                            q.span,
                        )
                        .with_help(
                            "dates are written YYYY-MM-DD and must exist, like `2026-02-28`",
                        ),
                    );
                    None
                }
            },
            _ => {
                self.wrong_unit(q, "a date like `2026-01-01`");
                None
            }
        }
    }

    fn duration(&mut self, q: &ast::Quantity, usage: DurationUse) -> Option<Duration> {
        let QuantityKind::Number {
            digits,
            unit: UnitSuffix::Duration { unit, business },
        } = &q.kind
        else {
            let expected = match usage {
                DurationUse::Term => "a duration like `1 year`",
                DurationUse::Days => "a number of days like `30 days`",
                _ => "a duration like `12 months` or `30 days`",
            };
            self.wrong_unit(q, expected);
            return None;
        };
        let too_long = |lowerer: &mut Self| {
            lowerer.report(
                Diagnostic::new(
                    Code::Limit,
                    format!(
                        "`{digits} {}{}` is longer than Charter accepts (100 years)",
                        if *business { "business " } else { "" },
                        unit.word(digits != "1")
                    ),
                    q.span,
                )
                .with_help("durations are at most 100 years; a commission without an end is `for lifetime`"),
            );
        };
        let amount = match digits.parse::<u32>() {
            Ok(n) => n,
            Err(_) if digits.bytes().all(|b| b.is_ascii_digit() || b == b'_') => {
                too_long(self);
                return None;
            }
            Err(_) => {
                self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        format!("`{digits}` is not a whole number of {}", unit.word(true)),
                        q.span,
                    )
                    .with_help("durations are whole numbers of days, weeks, months or years"),
                );
                return None;
            }
        };
        let unit = match (unit, business) {
            (ast::DurationUnitKw::Day, true) => DurationUnit::BusinessDays,
            (ast::DurationUnitKw::Day, false) => DurationUnit::Days,
            (ast::DurationUnitKw::Week, _) => DurationUnit::Weeks,
            (ast::DurationUnitKw::Month, _) => DurationUnit::Months,
            (ast::DurationUnitKw::Year, _) => DurationUnit::Years,
        };
        if *business && unit != DurationUnit::BusinessDays {
            self.report(
                Diagnostic::new(Code::BusinessDays, "only days can be business days", q.span)
                    .with_help("write `N business days`, or drop `business`"),
            );
            return None;
        }
        let d = Duration { amount, unit };
        if !d.within_limit() {
            too_long(self);
            return None;
        }
        match usage {
            DurationUse::Calendar if unit == DurationUnit::BusinessDays => {
                self.report(
                    Diagnostic::new(
                        Code::BusinessDays,
                        "business days cannot measure this window: it is calendar time",
                        q.span,
                    )
                    .with_primary_label("business days")
                    .with_help("write calendar time, like `30 days` or `1 month`")
                    .with_fix(
                        "use calendar days",
                        vec![charter_diagnostics::TextEdit {
                            span: q.span,
                            replacement: format!("{amount} days"),
                        }],
                    ),
                );
                None
            }
            DurationUse::Term if unit == DurationUnit::BusinessDays => {
                self.report(
                    Diagnostic::new(
                        Code::BusinessDays,
                        "a contract term is calendar time",
                        q.span,
                    )
                    .with_help("write the term in months or years, like `1 year`"),
                );
                None
            }
            DurationUse::Term if matches!(unit, DurationUnit::Days | DurationUnit::Weeks) => {
                self.report(
                    Diagnostic::new(
                        Code::DurationUnit,
                        format!(
                            "a contract term is counted in months or years, not {}",
                            unit_plural(unit)
                        ),
                        q.span,
                    )
                    .with_help("write the term like `1 year` or `6 months`"),
                );
                None
            }
            DurationUse::Days if matches!(unit, DurationUnit::Months | DurationUnit::Years) => {
                self.report(
                    Diagnostic::new(
                        Code::DurationUnit,
                        format!("this period is counted in days, not {}", unit_plural(unit)),
                        q.span,
                    )
                    .with_primary_label("a month has no fixed number of days")
                    .with_help("write it in days, like `30 days`"),
                );
                None
            }
            _ if amount == 0 && usage != DurationUse::Days => {
                self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        "a zero-length period covers nothing",
                        q.span,
                    )
                    .with_help("write a positive duration"),
                );
                None
            }
            _ => Some(d),
        }
    }
}

fn unit_plural(unit: DurationUnit) -> &'static str {
    match unit {
        DurationUnit::Days => "days",
        DurationUnit::BusinessDays => "business days",
        DurationUnit::Weeks => "weeks",
        DurationUnit::Months => "months",
        DurationUnit::Years => "years",
    }
}

fn is_power_of_ten(step: Decimal) -> bool {
    let n = step.normalize();
    n.mantissa() == 1
}

/// A `track X { ... }` or `module X { ... }` block fills in a group named in a
/// `tracks`/`modules` list; otherwise it defines a new one.
fn merge_group(
    groups: &mut Vec<MemberGroup>,
    awaiting: &mut HashMap<String, VecDeque<usize>>,
    g: MemberGroup,
) {
    let waiting = take_awaiting(awaiting, &g.name.name);
    if let Some(existing) = waiting.and_then(|i| groups.get_mut(i)) {
        existing.requirements = g.requirements;
        existing.grants = g.grants;
        existing.eligibility = g.eligibility;
        existing.claims = g.claims;
        existing.block_span = g.block_span;
        existing.name.span = g.name.span;
        if g.name.docs.is_some() {
            existing.name.docs = g.name.docs;
        }
    } else {
        groups.push(g);
    }
}

/// `first`, `last` or `exclusive_first` (the grammar admits no other word).
fn claim_order(word: &str) -> ClaimPolicy {
    match word {
        "last" => ClaimPolicy::Last,
        "exclusive_first" => ClaimPolicy::ExclusiveFirst,
        _ => ClaimPolicy::First,
    }
}

fn group(name: Named) -> MemberGroup {
    MemberGroup {
        name,
        requirements: Vec::new(),
        grants: Vec::new(),
        eligibility: None,
        block_span: None,
        claims: None,
    }
}

fn eligibility(e: &ast::Eligible, span: Span) -> Eligibility {
    let mut out = Eligibility {
        with_contract: e.with_contract,
        span,
        ..Eligibility::default()
    };
    for term in &e.terms {
        let list = match term.kind {
            ast::EligibilityKind::Entity => &mut out.entities,
            ast::EligibilityKind::Tier => &mut out.tiers,
            ast::EligibilityKind::Track => &mut out.tracks,
            ast::EligibilityKind::Module => &mut out.modules,
        };
        list.extend(refs(&term.names));
    }
    out
}

fn base_spec(b: &ast::Base) -> BaseSpec {
    let mut spec = BaseSpec {
        kind: if b.per {
            match b.kind.name.as_str() {
                "trial" => BaseKind::Trial,
                "qualified lead" => BaseKind::QualifiedLead,
                _ => BaseKind::NewCustomer,
            }
        } else if b.kind.name == "invoices" {
            BaseKind::Invoices
        } else {
            BaseKind::Payments
        },
        invoices: InvoiceFilter::Any,
        collected_by: None,
        products: Vec::new(),
        path: None,
        first_subscription: None,
        span: b.span,
    };
    for f in &b.filters {
        match f {
            ast::BaseFilter::OnInvoices { kind, .. } => {
                spec.invoices = match kind.as_ref().map(|k| k.name.as_str()) {
                    Some("new") => InvoiceFilter::New,
                    Some("renewal") => InvoiceFilter::Renewal,
                    _ => InvoiceFilter::Any,
                }
            }
            ast::BaseFilter::CollectedBy { collector, .. } => {
                spec.collected_by = Some(if collector.name == "partner" {
                    Collector::Partner
                } else {
                    Collector::Vendor
                })
            }
            ast::BaseFilter::Products { names, .. } => spec.products.extend(refs(names)),
            ast::BaseFilter::Path { method, span } => {
                spec.path = AttributionMethod::parse(&method.name).map(|m| (m, *span))
            }
            ast::BaseFilter::FirstSubscription { span } => spec.first_subscription = Some(*span),
        }
    }
    spec
}

/// Where a window says `per subscription`, if it does.
fn per_subscription_of(w: &ast::Window) -> Option<Span> {
    match &w.kind {
        ast::WindowKind::Within {
            per_subscription, ..
        } => *per_subscription,
        ast::WindowKind::Lifetime
        | ast::WindowKind::WhileContractActive
        | ast::WindowKind::WhileCustomerPays => None,
    }
}

/// Unit checks for one literal outside a policy file, such as a what-if
/// override given on the command line: the same rules as in a policy.
pub struct LiteralChecker {
    lowerer: Lowerer,
}

impl LiteralChecker {
    /// Checks literals for a program paying in `currency`.
    pub fn new(currency: &str) -> LiteralChecker {
        let program = Program {
            currency: currency.to_string(),
            ..Program::default()
        };
        LiteralChecker {
            lowerer: Lowerer {
                program,
                diagnostics: Vec::new(),
                awaiting: Awaiting::default(),
            },
        }
    }

    fn finish<T>(&mut self, value: Option<T>) -> Result<T, Vec<Diagnostic>> {
        let diagnostics = std::mem::take(&mut self.lowerer.diagnostics);
        match value {
            Some(v) if diagnostics.is_empty() => Ok(v),
            _ => Err(diagnostics),
        }
    }

    pub fn percent(&mut self, q: &ast::Quantity) -> Result<Percent, Vec<Diagnostic>> {
        let v = self.lowerer.percent(q);
        self.finish(v)
    }

    pub fn money(&mut self, q: &ast::Quantity) -> Result<Money, Vec<Diagnostic>> {
        let v = self.lowerer.money(q);
        self.finish(v)
    }

    /// A calendar duration (commission windows, trailing metrics, lookbacks).
    pub fn calendar_duration(&mut self, q: &ast::Quantity) -> Result<Duration, Vec<Diagnostic>> {
        let v = self.lowerer.duration(q, DurationUse::Calendar);
        self.finish(v)
    }

    /// A number of days (payout delays, holds, notice periods).
    pub fn days(&mut self, q: &ast::Quantity) -> Result<Duration, Vec<Diagnostic>> {
        let v = self.lowerer.duration(q, DurationUse::Days);
        self.finish(v)
    }

    /// A plain or money threshold of a metric.
    pub fn metric_value(
        &mut self,
        metric: &Metric,
        q: &ast::Quantity,
    ) -> Result<Decimal, Vec<Diagnostic>> {
        let v = self.lowerer.metric_value(metric, q);
        self.finish(v)
    }
}
