//! Builds the typed syntax tree from pest's parse tree.
//!
//! The grammar guarantees the shape of every pair, so a pair of an unexpected
//! rule here is a grammar/builder mismatch; it is reported as a syntax error
//! rather than a panic.

use crate::ast::*;
use crate::grammar::Rule;
use crate::lexer::TokenKind;
use charter_diagnostics::{FileId, Span};
use pest::iterators::{Pair, Pairs};

/// A grammar/builder mismatch (never expected in practice).
#[derive(Debug)]
pub struct BuildError {
    pub span: Span,
    pub message: String,
}

type R<T> = Result<T, BuildError>;

mod metrics;

pub struct Builder {
    pub file: FileId,
    /// Added to every pest offset (pest parses a slice when recovering per item).
    pub offset: usize,
}

impl Builder {
    /// The pair's span without the whitespace and `//` comments pest leaves at
    /// its end when an optional trailing part did not match.
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        let len = trimmed_len(pair.as_str());
        Span::new(
            self.file,
            s.start() + self.offset,
            s.start() + len + self.offset,
        )
    }

    fn error<T>(&self, pair: &Pair<Rule>, what: &str) -> R<T> {
        Err(BuildError {
            span: self.span(pair),
            message: format!(
                "internal: unexpected {:?} while reading {what}",
                pair.as_rule()
            ),
        })
    }

    fn next<'i>(&self, pairs: &mut Pairs<'i, Rule>, parent: Span, what: &str) -> R<Pair<'i, Rule>> {
        pairs.next().ok_or_else(|| BuildError {
            span: parent,
            message: format!("internal: missing {what}"),
        })
    }

    fn docs<'i>(&self, inner: &mut std::iter::Peekable<Pairs<'i, Rule>>) -> Vec<Doc> {
        let mut docs = Vec::new();
        while let Some(p) = inner.peek() {
            if p.as_rule() != Rule::doc {
                break;
            }
            let Some(p) = inner.next() else { break };
            // A doc comment is all comment: its span is taken as pest gives it.
            let raw = p.as_span();
            let span = Span::new(
                self.file,
                raw.start() + self.offset,
                raw.start() + p.as_str().trim_end().len() + self.offset,
            );
            let text = p
                .into_inner()
                .next()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default();
            let text = text
                .strip_prefix(' ')
                .unwrap_or(&text)
                .trim_end()
                .to_string();
            docs.push(Doc { text, span });
        }
        docs
    }

    pub fn item(&self, pair: Pair<Rule>) -> R<Item> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().peekable();
        let docs = self.docs(&mut inner);
        let Some(body) = inner.next() else {
            return Err(BuildError {
                span,
                message: "internal: empty item".into(),
            });
        };
        let kind = match body.as_rule() {
            Rule::import => {
                let s = self.next(&mut body.into_inner(), span, "import path")?;
                ItemKind::Import(self.string(s))
            }
            Rule::program => ItemKind::Program(self.program(body)?),
            Rule::tiers_decl => ItemKind::TiersDecl(self.idents(body.into_inner())),
            Rule::tier => ItemKind::Tier(self.member_block(body)?),
            Rule::tracks_decl => ItemKind::TracksDecl(self.name_list_of(body)),
            Rule::track => ItemKind::Track(self.member_block(body)?),
            Rule::modules_decl => {
                let mut names = Vec::new();
                let mut several = None;
                for p in body.into_inner() {
                    match p.as_rule() {
                        Rule::name_list => names = self.idents(p.into_inner()),
                        Rule::several => {
                            several = Some(p.as_str().trim_start().starts_with("several"))
                        }
                        _ => return self.error(&p, "modules"),
                    }
                }
                ItemKind::ModulesDecl(ModulesDecl { names, several })
            }
            Rule::module => ItemKind::Module(self.member_block(body)?),
            Rule::benefit => ItemKind::Benefit(self.benefit(body)?),
            Rule::choose_one => {
                let mut benefits = Vec::new();
                let mut name = None;
                let mut default = None;
                for p in body.into_inner() {
                    match p.as_rule() {
                        Rule::name_list => benefits = self.idents(p.into_inner()),
                        Rule::ident => name = Some(self.ident(p)),
                        Rule::choose_default => {
                            for q in p.into_inner() {
                                default = Some(self.ident(q));
                            }
                        }
                        _ => return self.error(&p, "choose one"),
                    }
                }
                ItemKind::ChooseOne(ChooseOne {
                    benefits,
                    name,
                    default,
                })
            }
            Rule::commission => ItemKind::Commission(self.commission(body)?),
            Rule::bonus => ItemKind::Bonus(self.bonus(body)?),
            Rule::attribution => ItemKind::Attribution(self.attribution(body)?),
            Rule::payout => ItemKind::Payout(self.payout(body)?),
            Rule::region => {
                let mut inner = body.into_inner();
                let name = self.ident(self.next(&mut inner, span, "region name")?);
                let members = inner
                    .next()
                    .map(|p| self.idents(p.into_inner()))
                    .unwrap_or_default();
                ItemKind::Region(Region { name, members })
            }
            Rule::partner => ItemKind::Partner(self.partner(body)?),
            Rule::obligation => ItemKind::Obligation(self.obligation(body)?),
            Rule::contract => ItemKind::Contract(self.contract(body)?),
            Rule::requirement => ItemKind::Require(self.requirement(body)?),
            _ => return self.error(&body, "an item"),
        };
        Ok(Item { docs, kind, span })
    }

    pub fn ident(&self, pair: Pair<Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    /// A keyword-like atomic rule (`collector`, `anchor`, ...) read as an ident.
    fn word(&self, pair: Pair<Rule>) -> Ident {
        self.ident(pair)
    }

    fn idents(&self, pairs: Pairs<Rule>) -> Vec<Ident> {
        pairs
            .filter(|p| p.as_rule() == Rule::ident)
            .map(|p| self.ident(p))
            .collect()
    }

    fn name_list_of(&self, pair: Pair<Rule>) -> Vec<Ident> {
        pair.into_inner()
            .find(|p| p.as_rule() == Rule::name_list)
            .map(|p| self.idents(p.into_inner()))
            .unwrap_or_default()
    }

    fn string(&self, pair: Pair<Rule>) -> StringLit {
        let span = self.span(&pair);
        let raw = pair
            .into_inner()
            .next()
            .map(|p| p.as_str())
            .unwrap_or_default();
        let mut value = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some(other) => value.push(other),
                    None => {}
                }
            } else {
                value.push(c);
            }
        }
        StringLit { value, span }
    }

    fn count(&self, pair: Pair<Rule>) -> Count {
        Count {
            digits: pair.as_str().replace('_', ""),
            span: self.span(&pair),
        }
    }

    pub fn quantity(&self, pair: Pair<Rule>) -> R<Quantity> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let first = self.next(&mut inner, span, "quantity")?;
        let kind = match first.as_rule() {
            Rule::date => QuantityKind::Date(first.as_str().to_string()),
            Rule::number => {
                let digits = first.as_str().replace('_', "");
                let unit = match inner.next() {
                    None => UnitSuffix::None,
                    Some(u) => match u.as_rule() {
                        Rule::percent_sign => UnitSuffix::Percent,
                        Rule::currency => UnitSuffix::Currency(u.as_str().to_string()),
                        Rule::duration_unit => {
                            let mut business = false;
                            let mut unit = DurationUnitKw::Day;
                            for part in u.into_inner() {
                                match part.as_rule() {
                                    Rule::unit_business => business = true,
                                    _ => {
                                        unit = match part.as_str() {
                                            "week" | "weeks" => DurationUnitKw::Week,
                                            "month" | "months" => DurationUnitKw::Month,
                                            "year" | "years" => DurationUnitKw::Year,
                                            _ => DurationUnitKw::Day,
                                        }
                                    }
                                }
                            }
                            UnitSuffix::Duration { unit, business }
                        }
                        _ => return self.error(&u, "a unit"),
                    },
                };
                QuantityKind::Number { digits, unit }
            }
            _ => return self.error(&first, "a quantity"),
        };
        Ok(Quantity { kind, span })
    }

    fn comparator(pair: &Pair<Rule>) -> Comparator {
        match pair.as_str() {
            ">=" => Comparator::Ge,
            "<=" => Comparator::Le,
            ">" => Comparator::Gt,
            "<" => Comparator::Lt,
            _ => Comparator::Eq,
        }
    }

    fn program(&self, pair: Pair<Rule>) -> R<ProgramBlock> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.string(self.next(&mut inner, span, "program name")?);
        let mut settings = Vec::new();
        for setting in inner {
            let span = self.span(&setting);
            let mut parts = setting.into_inner().peekable();
            let docs = self.docs(&mut parts);
            let body = self.next_peek(&mut parts, span, "setting")?;
            let kind = match body.as_rule() {
                Rule::currency_setting => {
                    let c = self.next(&mut body.into_inner(), span, "currency")?;
                    ProgramSettingKind::Currency(self.word(c))
                }
                Rule::products_setting => {
                    ProgramSettingKind::Products(self.idents(body.into_inner()))
                }
                Rule::agreements_setting => ProgramSettingKind::Agreements(self.name_list_of(body)),
                Rule::qualifications_setting => {
                    ProgramSettingKind::Qualifications(self.name_list_of(body))
                }
                Rule::entities_setting => {
                    let mut defs = Vec::new();
                    for def in body.into_inner() {
                        let dspan = self.span(&def);
                        let mut parts = def.into_inner();
                        let name = self.ident(self.next(&mut parts, dspan, "entity name")?);
                        let mut no_contract = None;
                        let mut netted_only = None;
                        for r in parts {
                            if let Some(x) = r.into_inner().next() {
                                match x.as_rule() {
                                    Rule::no_contract => no_contract = Some(self.span(&x)),
                                    _ => netted_only = Some(self.span(&x)),
                                }
                            }
                        }
                        defs.push(EntityDef {
                            name,
                            no_contract,
                            netted_only,
                            span: dspan,
                        });
                    }
                    ProgramSettingKind::Entities(defs)
                }
                Rule::rounding_setting => {
                    let mut parts = body.into_inner();
                    let mode = self.word(self.next(&mut parts, span, "rounding mode")?);
                    let to = parts.next().map(|p| self.count(p));
                    ProgramSettingKind::Rounding { mode, to }
                }
                Rule::holidays_setting => {
                    let mut days = Vec::new();
                    for q in body.into_inner() {
                        days.push(self.quantity(q)?);
                    }
                    ProgramSettingKind::Holidays(days)
                }
                Rule::in_force => ProgramSettingKind::InForce(self.in_force(body)?),
                Rule::tax_setting => ProgramSettingKind::TaxOnTop,
                Rule::partner_currency_setting => ProgramSettingKind::PaidInPartnerCurrency,
                Rule::claims_setting => {
                    let rule = self.next(&mut body.into_inner(), span, "claims rule")?;
                    match rule.as_rule() {
                        Rule::claims_order => {
                            ProgramSettingKind::Claims(ClaimsRule::Order(self.word(rule)))
                        }
                        _ => {
                            let mut shares = Vec::new();
                            for share in rule.into_inner() {
                                let sspan = self.span(&share);
                                let mut parts = share.into_inner();
                                let track = self.ident(self.next(&mut parts, sspan, "track")?);
                                let q = self.quantity(self.next(&mut parts, sspan, "share")?)?;
                                shares.push(Share {
                                    track,
                                    share: q,
                                    span: sspan,
                                });
                            }
                            ProgramSettingKind::Claims(ClaimsRule::Split(shares))
                        }
                    }
                }
                _ => return self.error(&body, "program setting"),
            };
            settings.push(ProgramSetting { docs, kind, span });
        }
        Ok(ProgramBlock { name, settings })
    }

    fn next_peek<'i>(
        &self,
        parts: &mut std::iter::Peekable<Pairs<'i, Rule>>,
        span: Span,
        what: &str,
    ) -> R<Pair<'i, Rule>> {
        parts.next().ok_or_else(|| BuildError {
            span,
            message: format!("internal: missing {what}"),
        })
    }

    fn member_block(&self, pair: Pair<Rule>) -> R<MemberBlock> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.ident(self.next(&mut inner, span, "name")?);
        let mut clauses = Vec::new();
        for clause in inner {
            let span = self.span(&clause);
            let mut parts = clause.into_inner().peekable();
            let docs = self.docs(&mut parts);
            let body = self.next_peek(&mut parts, span, "clause")?;
            let kind = match body.as_rule() {
                Rule::invite_only => MemberClauseKind::InviteOnly,
                Rule::requirement => MemberClauseKind::Require(self.requirement(body)?),
                Rule::grant => MemberClauseKind::Grant(self.name_list_of(body)),
                Rule::eligible => MemberClauseKind::Eligible(self.eligible(body)?),
                Rule::attribution => MemberClauseKind::Attribution(self.attribution(body)?),
                Rule::commission => MemberClauseKind::Commission(self.commission(body)?),
                Rule::bonus => MemberClauseKind::Bonus(self.bonus(body)?),
                Rule::payout => MemberClauseKind::Payout(self.payout(body)?),
                Rule::obligation => MemberClauseKind::Obligation(self.obligation(body)?),
                Rule::track_claims => {
                    let order = self.next(&mut body.into_inner(), span, "claims rule")?;
                    MemberClauseKind::Claims(self.word(order))
                }
                _ => return self.error(&body, "a clause"),
            };
            clauses.push(MemberClause { docs, kind, span });
        }
        Ok(MemberBlock { name, clauses })
    }

    fn requirement(&self, pair: Pair<Rule>) -> R<Requirement> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let body_pair = self.next(&mut inner, span, "requirement")?;
        let mut scope = Vec::new();
        let mut in_force = None;
        for p in inner {
            match p.as_rule() {
                Rule::in_force => in_force = Some(self.in_force(p)?),
                _ => scope = self.name_list_of(p),
            }
        }
        let b = self.next(&mut body_pair.into_inner(), span, "requirement body")?;
        Ok(Requirement {
            body: self.requirement_body(b)?,
            scope,
            in_force,
        })
    }

    /// What a `require` (or an alternative of `any of`) asks.
    fn requirement_body(&self, b: Pair<Rule>) -> R<RequirementBody> {
        let bspan = self.span(&b);
        let body = match b.as_rule() {
            Rule::req_contract => RequirementBody::Contract(bspan),
            Rule::req_agreement => RequirementBody::Agreement(self.ident(self.next(
                &mut b.into_inner(),
                bspan,
                "agreement",
            )?)),
            Rule::req_staff => {
                let mut p = b.into_inner();
                let qualification = self.ident(self.next(&mut p, bspan, "qualification")?);
                let comparator = Self::comparator(&self.next(&mut p, bspan, "comparator")?);
                let count = self.count(self.next(&mut p, bspan, "count")?);
                RequirementBody::Staff {
                    qualification,
                    comparator,
                    count,
                }
            }
            Rule::req_count => {
                let mut counted = None;
                let mut period = None;
                let mut comparator = Comparator::Ge;
                let mut count = None;
                for p in b.into_inner() {
                    match p.as_rule() {
                        Rule::counted => counted = Some(self.counted(p)?),
                        Rule::count_period => period = Some(self.count_period(p)?),
                        Rule::comparator => comparator = Self::comparator(&p),
                        Rule::number => count = Some(self.count(p)),
                        _ => return self.error(&p, "count requirement"),
                    }
                }
                match (counted, count) {
                    (Some(counted), Some(count)) => RequirementBody::Count {
                        counted,
                        period,
                        comparator,
                        count,
                    },
                    _ => {
                        return Err(BuildError {
                            span: bspan,
                            message: "internal: incomplete count".into(),
                        })
                    }
                }
            }
            Rule::req_revenue => {
                let mut new_customers = None;
                let mut period = None;
                let mut comparator = Comparator::Ge;
                let mut threshold = None;
                for p in b.into_inner() {
                    match p.as_rule() {
                        Rule::from_new_customers => new_customers = Some(self.span(&p)),
                        Rule::count_period => period = Some(self.count_period(p)?),
                        Rule::set_individually => {
                            threshold = Some(RevenueThreshold::SetIndividually(self.span(&p)))
                        }
                        Rule::comparator => comparator = Self::comparator(&p),
                        Rule::quantity => {
                            threshold = Some(RevenueThreshold::Amount {
                                comparator,
                                amount: self.quantity(p)?,
                            })
                        }
                        _ => return self.error(&p, "revenue requirement"),
                    }
                }
                let threshold = threshold.ok_or_else(|| BuildError {
                    span: bspan,
                    message: "internal: revenue without threshold".into(),
                })?;
                RequirementBody::Revenue {
                    new_customers,
                    period,
                    threshold,
                }
            }
            Rule::req_points => self.points(b)?,
            Rule::req_mrr => self.mrr(b)?,
            Rule::req_any_of => self.any_of(b)?,
            Rule::req_text => {
                RequirementBody::Text(self.string(self.next(&mut b.into_inner(), bspan, "text")?))
            }
            _ => return self.error(&b, "requirement"),
        };
        Ok(body)
    }

    /// `in force from D1 [to D2]` on a bonus, a requirement or the program.
    fn in_force(&self, pair: Pair<Rule>) -> R<InForce> {
        let span = self.span(&pair);
        let mut b = pair.into_inner();
        let from = self.quantity(self.next(&mut b, span, "first date")?)?;
        let to = match b.next() {
            Some(q) => Some(self.quantity(q)?),
            None => None,
        };
        Ok(InForce { from, to, span })
    }

    fn counted(&self, pair: Pair<Rule>) -> R<Counted> {
        let span = self.span(&pair);
        let mut event = None;
        let mut kind = None;
        let mut within_q = None;
        let mut events_seen = 0;
        let mut after = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::event_kind => {
                    events_seen += 1;
                    if events_seen == 1 {
                        event = Some(self.word(p));
                    } else {
                        after = Some(self.word(p));
                    }
                }
                Rule::ident => kind = Some(self.ident(p)),
                Rule::quantity => within_q = Some(self.quantity(p)?),
                _ => return self.error(&p, "counted events"),
            }
        }
        let event = event.ok_or_else(|| BuildError {
            span,
            message: "internal: missing event".into(),
        })?;
        let within = match (within_q, after) {
            (Some(q), Some(a)) => Some((q, a)),
            _ => None,
        };
        Ok(Counted {
            event,
            kind,
            within,
            span,
        })
    }

    fn count_period(&self, pair: Pair<Rule>) -> R<CountPeriod> {
        let span = self.span(&pair);
        let p = self.next(&mut pair.into_inner(), span, "period")?;
        match p.as_rule() {
            Rule::per_contract_year => Ok(CountPeriod::PerContractYear(self.span(&p))),
            Rule::per_period => Ok(CountPeriod::Per(self.word(self.next(
                &mut p.into_inner(),
                span,
                "period word",
            )?))),
            _ => Ok(CountPeriod::InLast(self.quantity(self.next(
                &mut p.into_inner(),
                span,
                "duration",
            )?)?)),
        }
    }

    fn eligible(&self, pair: Pair<Rule>) -> R<Eligible> {
        let mut terms = Vec::new();
        let mut with_contract = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::eligibility => {
                    let span = self.span(&p);
                    let t = self.next(&mut p.into_inner(), span, "eligibility")?;
                    let kind = match t.as_rule() {
                        Rule::eligible_entity => EligibilityKind::Entity,
                        Rule::eligible_tier => EligibilityKind::Tier,
                        Rule::eligible_track => EligibilityKind::Track,
                        _ => EligibilityKind::Module,
                    };
                    terms.push(EligibilityTerm {
                        kind,
                        names: self.name_list_of(t),
                        span,
                    });
                }
                Rule::with_contract => with_contract = Some(self.span(&p)),
                _ => return self.error(&p, "eligibility"),
            }
        }
        Ok(Eligible {
            terms,
            with_contract,
        })
    }

    fn benefit(&self, pair: Pair<Rule>) -> R<Benefit> {
        let span = self.span(&pair);
        let mut has_block = false;
        let mut inner = pair.into_inner();
        let name = self.ident(self.next(&mut inner, span, "benefit name")?);
        let category = self.ident(self.next(&mut inner, span, "benefit category")?);
        let mut targets = Vec::new();
        let mut clauses = Vec::new();
        for p in flatten_block(inner, Rule::benefit_block, &mut has_block) {
            match p.as_rule() {
                Rule::benefit_for => {
                    for t in p.into_inner() {
                        let tspan = self.span(&t);
                        let mut parts = t.into_inner();
                        let name = self.ident(self.next(&mut parts, tspan, "target")?);
                        let note = parts.next().map(|s| self.string(s));
                        targets.push(BenefitTarget {
                            name,
                            note,
                            span: tspan,
                        });
                    }
                }
                Rule::benefit_clause => {
                    let cspan = self.span(&p);
                    let mut parts = p.into_inner().peekable();
                    let docs = self.docs(&mut parts);
                    let body = self.next_peek(&mut parts, cspan, "benefit clause")?;
                    let kind = match body.as_rule() {
                        Rule::commission => BenefitClauseKind::Commission(self.commission(body)?),
                        Rule::bonus => BenefitClauseKind::Bonus(self.bonus(body)?),
                        _ => {
                            let mut d = body.into_inner();
                            let rate = self.quantity(self.next(&mut d, cspan, "discount")?)?;
                            let on = self.ident(self.next(&mut d, cspan, "discounted thing")?);
                            BenefitClauseKind::Discount { rate, on }
                        }
                    };
                    clauses.push(BenefitClause {
                        docs,
                        kind,
                        span: cspan,
                    });
                }
                _ => return self.error(&p, "benefit"),
            }
        }
        Ok(Benefit {
            name,
            category,
            targets,
            clauses,
            has_block,
        })
    }

    fn commission(&self, pair: Pair<Rule>) -> R<Commission> {
        let span = self.span(&pair);
        let mut has_block = false;
        let mut inner = pair.into_inner();
        let name = self.ident(self.next(&mut inner, span, "commission name")?);
        let mut head = None;
        let mut clauses = Vec::new();
        for p in flatten_block(inner, Rule::commission_block, &mut has_block) {
            match p.as_rule() {
                Rule::commission_head => {
                    let hspan = self.span(&p);
                    let mut parts = p.into_inner();
                    let rate = self.quantity(self.next(&mut parts, hspan, "rate")?)?;
                    let base = self.base(self.next(&mut parts, hspan, "base")?)?;
                    let window = match parts.next() {
                        Some(w) => Some(self.window(w)?),
                        None => None,
                    };
                    head = Some(CommissionHead { rate, base, window });
                }
                Rule::commission_clause => {
                    let cspan = self.span(&p);
                    let mut parts = p.into_inner().peekable();
                    let docs = self.docs(&mut parts);
                    let body = self.next_peek(&mut parts, cspan, "commission clause")?;
                    let kind = match body.as_rule() {
                        Rule::rate_clause => CommissionClauseKind::Rate(self.rate(body)?),
                        Rule::base => CommissionClauseKind::Base(self.base(body)?),
                        Rule::window => CommissionClauseKind::Window(self.window(body)?),
                        Rule::bounds => {
                            let mut b = body.into_inner();
                            let low = self.quantity(self.next(&mut b, cspan, "low bound")?)?;
                            let high = self.quantity(self.next(&mut b, cspan, "high bound")?)?;
                            CommissionClauseKind::Bounds { low, high }
                        }
                        Rule::uplift => {
                            let mut b = body.into_inner();
                            let amount = self.quantity(self.next(&mut b, cspan, "uplift")?)?;
                            let condition =
                                self.condition(self.next(&mut b, cspan, "condition")?)?;
                            CommissionClauseKind::Uplift { amount, condition }
                        }
                        Rule::eligible => CommissionClauseKind::Eligible(self.eligible(body)?),
                        Rule::settle => CommissionClauseKind::Settle(self.word(self.next(
                            &mut body.into_inner(),
                            cspan,
                            "settlement",
                        )?)),
                        Rule::clawback => {
                            let within = match body.into_inner().next() {
                                Some(q) => Some(self.quantity(q)?),
                                None => None,
                            };
                            CommissionClauseKind::Clawback { within }
                        }
                        Rule::payout => CommissionClauseKind::Payout(self.payout(body)?),
                        Rule::active_only => CommissionClauseKind::ActiveFor(self.quantity(
                            self.next(&mut body.into_inner(), cspan, "active period")?,
                        )?),
                        Rule::cap => {
                            let mut b = body.into_inner();
                            let limit = self.quantity(self.next(&mut b, cspan, "cap")?)?;
                            let per = self.next(&mut b, cspan, "cap period")?;
                            let period = self.word(self.next(
                                &mut per.into_inner(),
                                cspan,
                                "period word",
                            )?);
                            CommissionClauseKind::Cap { limit, period }
                        }
                        Rule::cut_back => {
                            let mut b = body.into_inner();
                            let rate =
                                self.quantity(self.next(&mut b, cspan, "cut-back rate")?)?;
                            let tier = self.ident(self.next(&mut b, cspan, "tier")?);
                            let within = self.quantity(self.next(&mut b, cspan, "deadline")?)?;
                            CommissionClauseKind::CutBack { rate, tier, within }
                        }
                        Rule::in_force => {
                            let mut b = body.into_inner();
                            let from = self.quantity(self.next(&mut b, cspan, "first date")?)?;
                            let to = match b.next() {
                                Some(q) => Some(self.quantity(q)?),
                                None => None,
                            };
                            CommissionClauseKind::InForce { from, to }
                        }
                        _ => return self.error(&body, "commission clause"),
                    };
                    clauses.push(CommissionClause {
                        docs,
                        kind,
                        span: cspan,
                    });
                }
                _ => return self.error(&p, "commission"),
            }
        }
        Ok(Commission {
            name,
            head,
            clauses,
            has_block,
        })
    }

    fn base(&self, pair: Pair<Rule>) -> R<Base> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let first = self.next(&mut inner, span, "base")?;
        let per = first.as_rule() == Rule::per_event;
        let kind = if per {
            // The event (`new customer`, `trial`, `qualified lead`), as one word.
            let event = self.next(&mut first.clone().into_inner(), span, "event")?;
            let name = match event.as_rule() {
                Rule::trial => "trial",
                Rule::qualified_lead => "qualified lead",
                _ => "new customer",
            };
            Ident {
                name: name.to_string(),
                span: self.span(&first),
            }
        } else {
            self.word(first)
        };
        let mut filters = Vec::new();
        for f in inner {
            let fspan = self.span(&f);
            let x = self.next(&mut f.into_inner(), fspan, "filter")?;
            let xspan = self.span(&x);
            filters.push(match x.as_rule() {
                Rule::on_invoices => BaseFilter::OnInvoices {
                    kind: x.into_inner().next().map(|k| self.word(k)),
                    span: xspan,
                },
                Rule::collected_filter => BaseFilter::CollectedBy {
                    collector: self.word(self.next(&mut x.into_inner(), xspan, "collector")?),
                    span: xspan,
                },
                Rule::first_subscription => BaseFilter::FirstSubscription { span: xspan },
                Rule::path_filter => BaseFilter::Path {
                    method: self.word(self.next(&mut x.into_inner(), xspan, "attribution path")?),
                    span: xspan,
                },
                _ => BaseFilter::Products {
                    names: self.name_list_of(x),
                    span: xspan,
                },
            });
        }
        Ok(Base {
            kind,
            per,
            filters,
            span,
        })
    }

    fn window(&self, pair: Pair<Rule>) -> R<Window> {
        let span = self.span(&pair);
        let w = self.next(&mut pair.into_inner(), span, "window")?;
        let kind = match w.as_rule() {
            Rule::window_within => {
                let mut p = w.into_inner();
                let length = self.quantity(self.next(&mut p, span, "window length")?)?;
                let from = self.next(&mut p, span, "from or after")?.as_str() == "from";
                let anchor = self.word(self.next(&mut p, span, "anchor")?);
                let per_subscription = p.next().map(|per| self.span(&per));
                WindowKind::Within {
                    length,
                    from,
                    anchor,
                    per_subscription,
                }
            }
            Rule::window_lifetime => WindowKind::Lifetime,
            _ => {
                if w.as_str().contains("contract") {
                    WindowKind::WhileContractActive
                } else {
                    WindowKind::WhileCustomerPays
                }
            }
        };
        Ok(Window { kind, span })
    }

    fn rate(&self, pair: Pair<Rule>) -> R<Rate> {
        let span = self.span(&pair);
        let r = self.next(&mut pair.into_inner(), span, "rate")?;
        let kind = match r.as_rule() {
            Rule::quantity => RateKind::Flat(self.quantity(r)?),
            Rule::rate_by_tier => {
                let mut rates = Vec::new();
                for tr in r.into_inner() {
                    let tspan = self.span(&tr);
                    let mut p = tr.into_inner();
                    let tier = self.ident(self.next(&mut p, tspan, "tier")?);
                    let rate = self.quantity(self.next(&mut p, tspan, "rate")?)?;
                    rates.push(TierRate {
                        tier,
                        rate,
                        span: tspan,
                    });
                }
                RateKind::ByTier(rates)
            }
            _ => {
                let text = r.as_str();
                let table_start = text.find('{').unwrap_or(0);
                let rspan = self.span(&r);
                let table_span = Span {
                    file: rspan.file,
                    start: rspan.start + u32::try_from(table_start).unwrap_or(0),
                    end: rspan.end,
                };
                let mut metric = None;
                let mut mode = None;
                let mut brackets = Vec::new();
                for p in r.into_inner() {
                    match p.as_rule() {
                        Rule::metric => metric = Some(self.metric(p)?),
                        Rule::bracket_mode => {
                            let mspan = self.span(&p);
                            let m = match p.into_inner().next().map(|x| x.as_rule()) {
                                Some(Rule::marginal) => BracketModeKw::Marginal,
                                Some(Rule::retroactive) => BracketModeKw::Retroactive,
                                _ => BracketModeKw::WholeAmount,
                            };
                            mode = Some((m, mspan));
                        }
                        Rule::bracket => brackets.push(self.bracket(p)?),
                        _ => return self.error(&p, "bracket table"),
                    }
                }
                let metric = metric.ok_or_else(|| BuildError {
                    span,
                    message: "internal: missing metric".into(),
                })?;
                RateKind::ByMetric {
                    metric,
                    mode,
                    brackets,
                    table_span,
                }
            }
        };
        Ok(Rate { kind, span })
    }

    fn metric(&self, pair: Pair<Rule>) -> R<Metric> {
        let span = self.span(&pair);
        let mut p = pair.into_inner();
        let kind = self.word(self.next(&mut p, span, "metric")?);
        let trailing = self.quantity(self.next(&mut p, span, "trailing window")?)?;
        Ok(Metric {
            kind,
            trailing,
            span,
        })
    }

    fn bracket(&self, pair: Pair<Rule>) -> R<Bracket> {
        let span = self.span(&pair);
        let mut p = pair.into_inner();
        let range_pair = self.next(&mut p, span, "bracket range")?;
        let rate = self.quantity(self.next(&mut p, span, "bracket rate")?)?;
        let r = self.next(&mut range_pair.into_inner(), span, "range")?;
        let range = match r.as_rule() {
            Rule::bracket_below => BracketRange::Below(self.quantity(self.next(
                &mut r.into_inner(),
                span,
                "limit",
            )?)?),
            Rule::bracket_from => BracketRange::From(self.quantity(self.next(
                &mut r.into_inner(),
                span,
                "limit",
            )?)?),
            _ => {
                let mut q = r.into_inner();
                let low = self.quantity(self.next(&mut q, span, "low")?)?;
                let high = self.quantity(self.next(&mut q, span, "high")?)?;
                BracketRange::Between(low, high)
            }
        };
        Ok(Bracket { range, rate, span })
    }

    fn condition(&self, pair: Pair<Rule>) -> R<Condition> {
        let span = self.span(&pair);
        let c = self.next(&mut pair.into_inner(), span, "condition")?;
        let kind = match c.as_rule() {
            Rule::cond_staff => {
                let mut p = c.into_inner();
                let qualification = self.ident(self.next(&mut p, span, "qualification")?);
                let comparator = Self::comparator(&self.next(&mut p, span, "comparator")?);
                let count = self.count(self.next(&mut p, span, "count")?);
                ConditionKind::Staff {
                    qualification,
                    comparator,
                    count,
                }
            }
            Rule::cond_metric => {
                let mut p = c.into_inner();
                let metric = self.metric(self.next(&mut p, span, "metric")?)?;
                let comparator = Self::comparator(&self.next(&mut p, span, "comparator")?);
                let threshold = self.quantity(self.next(&mut p, span, "threshold")?)?;
                ConditionKind::Metric {
                    metric,
                    comparator,
                    threshold,
                }
            }
            _ => ConditionKind::Elected(self.ident(self.next(
                &mut c.into_inner(),
                span,
                "benefit",
            )?)),
        };
        Ok(Condition { kind, span })
    }

    fn bonus(&self, pair: Pair<Rule>) -> R<Bonus> {
        let span = self.span(&pair);
        let mut name = None;
        let mut amount = None;
        let mut frequency = None;
        let mut condition = None;
        let mut in_force = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(p)),
                Rule::quantity => amount = Some(self.quantity(p)?),
                Rule::bonus_frequency => {
                    frequency = Some(match p.into_inner().next().map(|x| x.as_rule()) {
                        Some(Rule::once_per_year) => BonusFrequency::OncePerYear,
                        _ => BonusFrequency::Once,
                    })
                }
                Rule::condition => condition = Some(self.condition(p)?),
                Rule::in_force => in_force = Some(self.in_force(p)?),
                _ => return self.error(&p, "bonus"),
            }
        }
        match (name, amount, condition) {
            (Some(name), Some(amount), Some(condition)) => Ok(Bonus {
                name,
                amount,
                frequency,
                condition,
                in_force,
            }),
            _ => Err(BuildError {
                span,
                message: "internal: incomplete bonus".into(),
            }),
        }
    }

    fn attribution(&self, pair: Pair<Rule>) -> R<Attribution> {
        let span = self.span(&pair);
        let mut has_block = false;
        let mut inner = pair.into_inner();
        let method = self.word(self.next(&mut inner, span, "attribution method")?);
        let mut products = Vec::new();
        let mut clauses = Vec::new();
        for p in flatten_block(inner, Rule::attribution_block, &mut has_block) {
            match p.as_rule() {
                Rule::name_list => products = self.idents(p.into_inner()),
                Rule::attribution_flag => {
                    let fspan = self.span(&p);
                    let kind = match p.into_inner().next().map(|x| x.as_rule()) {
                        Some(Rule::exclusive) => AttributionClauseKind::Exclusive,
                        _ => AttributionClauseKind::BeforeInstallation,
                    };
                    clauses.push(AttributionClause {
                        docs: Vec::new(),
                        kind,
                        inline: true,
                        span: fspan,
                    });
                }
                Rule::attribution_clause => {
                    let cspan = self.span(&p);
                    let mut parts = p.into_inner().peekable();
                    let docs = self.docs(&mut parts);
                    let body = self.next_peek(&mut parts, cspan, "attribution clause")?;
                    let kind = match body.as_rule() {
                        Rule::no_prior_contact => {
                            let mut b = body.into_inner();
                            let within = self.quantity(self.next(&mut b, cspan, "lookback")?)?;
                            let before = self.word(self.next(&mut b, cspan, "event")?);
                            AttributionClauseKind::NoPriorContact { within, before }
                        }
                        Rule::closes_within => {
                            let mut b = body.into_inner();
                            let event = self.word(self.next(&mut b, cspan, "event")?);
                            let within = self.quantity(self.next(&mut b, cspan, "window")?)?;
                            let after = self.word(self.next(&mut b, cspan, "event")?);
                            AttributionClauseKind::ClosesWithin {
                                event,
                                within,
                                after,
                            }
                        }
                        Rule::approval => {
                            let decided_within = match body.into_inner().next() {
                                Some(q) => Some(self.quantity(q)?),
                                None => None,
                            };
                            AttributionClauseKind::Approval { decided_within }
                        }
                        Rule::existing_on_request => AttributionClauseKind::ExistingOnRequest,
                        Rule::new_customers_only => AttributionClauseKind::NewCustomersOnly,
                        Rule::no_self_referral => AttributionClauseKind::NoSelfReferral,
                        Rule::new_users_only => AttributionClauseKind::NewUsersOnly,
                        Rule::exclusive => AttributionClauseKind::Exclusive,
                        _ => AttributionClauseKind::BeforeInstallation,
                    };
                    clauses.push(AttributionClause {
                        docs,
                        kind,
                        inline: false,
                        span: cspan,
                    });
                }
                _ => return self.error(&p, "attribution"),
            }
        }
        Ok(Attribution {
            method,
            products,
            clauses,
            has_block,
        })
    }

    fn payout(&self, pair: Pair<Rule>) -> R<Payout> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let timing_pair = self.next(&mut inner, span, "payout timing")?;
        let (mut hold, mut minimum, mut withheld) = (None, None, None);
        for option in inner {
            match option.as_rule() {
                Rule::hold => {
                    hold =
                        Some(self.quantity(self.next(&mut option.into_inner(), span, "hold")?)?)
                }
                Rule::payout_minimum => {
                    let mut parts = option.into_inner();
                    let amount = self.quantity(self.next(&mut parts, span, "minimum")?)?;
                    minimum = Some(PayoutMinimum {
                        amount,
                        per_path: parts.next().is_some(),
                        on_leaving: None,
                    });
                }
                Rule::leaving_balance => {
                    let effect = self.next(&mut option.into_inner(), span, "leaving effect")?;
                    if let Some(m) = &mut minimum {
                        m.on_leaving = Some(self.word(effect));
                    }
                }
                _ => {
                    let mut parts = option.into_inner();
                    let until = self.ident(self.next(&mut parts, span, "paperwork")?);
                    let forfeited_after = match parts.next() {
                        Some(q) => Some(self.quantity(q)?),
                        None => None,
                    };
                    withheld = Some(Withheld {
                        until,
                        forfeited_after,
                    });
                }
            }
        }
        let t = self.next(&mut timing_pair.into_inner(), span, "timing")?;
        let timing = match t.as_rule() {
            Rule::payout_within => {
                let mut delay = None;
                let mut full = false;
                let mut anchor = None;
                for p in t.into_inner() {
                    match p.as_rule() {
                        Rule::quantity => delay = Some(self.quantity(p)?),
                        Rule::full => full = true,
                        _ => anchor = Some(self.word(p)),
                    }
                }
                match (delay, anchor) {
                    (Some(delay), Some(anchor)) => PayoutTiming::Within {
                        delay,
                        full,
                        anchor,
                    },
                    _ => {
                        return Err(BuildError {
                            span,
                            message: "internal: incomplete payout".into(),
                        })
                    }
                }
            }
            Rule::payout_statement => {
                let after_collection = t.as_str().contains("collection");
                let week = self.count(self.next(&mut t.into_inner(), span, "week")?);
                PayoutTiming::MonthlyStatement {
                    week,
                    after_collection,
                }
            }
            Rule::payout_period_statement => {
                let after_collection = t.as_str().contains("collection");
                let mut parts = t.into_inner();
                let period = self.next(&mut parts, span, "statement period")?;
                let pspan = self.span(&period);
                let inner = self.next(&mut period.into_inner(), pspan, "statement period")?;
                // `twice per month` as one word; else the period word of `per …`.
                let period = if inner.as_rule() == Rule::twice_per_month {
                    Ident {
                        name: "twice per month".to_string(),
                        span: pspan,
                    }
                } else {
                    self.word(self.next(&mut inner.into_inner(), pspan, "period")?)
                };
                let delay = self.quantity(self.next(&mut parts, span, "delay")?)?;
                PayoutTiming::PeriodStatement {
                    period,
                    delay,
                    after_collection,
                }
            }
            _ => PayoutTiming::NettedAtSource,
        };
        Ok(Payout {
            timing,
            hold,
            minimum,
            withheld,
        })
    }

    fn partner(&self, pair: Pair<Rule>) -> R<Partner> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().peekable();
        let id = self.ident(self.next_peek(&mut inner, span, "partner id")?);
        let display_name = match inner.peek() {
            Some(p) if p.as_rule() == Rule::string => inner.next().map(|p| self.string(p)),
            _ => None,
        };
        let mut clauses = Vec::new();
        for clause in inner {
            let cspan = self.span(&clause);
            let mut parts = clause.into_inner().peekable();
            let docs = self.docs(&mut parts);
            let body = self.next_peek(&mut parts, cspan, "partner clause")?;
            let kind =
                match body.as_rule() {
                    Rule::partner_region => {
                        let mut p = body.into_inner();
                        let region = self.ident(self.next(&mut p, cspan, "region")?);
                        let exclusive = p.next().map(|x| self.span(&x));
                        PartnerClauseKind::Region { region, exclusive }
                    }
                    Rule::partner_tier => PartnerClauseKind::Tier(self.ident(self.next(
                        &mut body.into_inner(),
                        cspan,
                        "tier",
                    )?)),
                    Rule::partner_track => PartnerClauseKind::Track(self.ident(self.next(
                        &mut body.into_inner(),
                        cspan,
                        "track",
                    )?)),
                    Rule::partner_modules => PartnerClauseKind::Modules(self.name_list_of(body)),
                    Rule::partner_entity => PartnerClauseKind::Entity(self.ident(self.next(
                        &mut body.into_inner(),
                        cspan,
                        "entity",
                    )?)),
                    Rule::partner_elect => PartnerClauseKind::Elect(self.name_list_of(body)),
                    Rule::partner_contract => {
                        PartnerClauseKind::Contract(body.as_str().contains("signed"))
                    }
                    Rule::partner_staff => {
                        let mut counts = Vec::new();
                        for sc in body.into_inner() {
                            let mut p = sc.into_inner();
                            let q = self.ident(self.next(&mut p, cspan, "qualification")?);
                            let n = self.count(self.next(&mut p, cspan, "count")?);
                            counts.push((q, n));
                        }
                        PartnerClauseKind::Staff(counts)
                    }
                    Rule::partner_revenue_target => PartnerClauseKind::RevenueTarget(
                        self.quantity(self.next(&mut body.into_inner(), cspan, "target")?)?,
                    ),
                    Rule::partner_joined => PartnerClauseKind::Joined(
                        self.quantity(self.next(&mut body.into_inner(), cspan, "date")?)?,
                    ),
                    _ => return self.error(&body, "partner clause"),
                };
            clauses.push(PartnerClause {
                docs,
                kind,
                span: cspan,
            });
        }
        Ok(Partner {
            id,
            display_name,
            clauses,
        })
    }

    fn obligation(&self, pair: Pair<Rule>) -> R<Obligation> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.ident(self.next(&mut inner, span, "obligation name")?);
        let mut within = None;
        let mut after = None;
        let mut party = None;
        let mut scope = Vec::new();
        for p in inner {
            match p.as_rule() {
                Rule::quantity => within = Some(self.quantity(p)?),
                Rule::ident => after = Some(self.ident(p)),
                Rule::obligation_party => {
                    party = p.into_inner().next().map(|x| self.word(x));
                }
                Rule::scope_suffix => scope = self.name_list_of(p),
                _ => return self.error(&p, "obligation"),
            }
        }
        Ok(Obligation {
            name,
            within,
            after,
            party,
            scope,
        })
    }

    fn contract(&self, pair: Pair<Rule>) -> R<ContractBlock> {
        let mut clauses = Vec::new();
        for clause in pair.into_inner() {
            let cspan = self.span(&clause);
            let mut parts = clause.into_inner().peekable();
            let docs = self.docs(&mut parts);
            let body = self.next_peek(&mut parts, cspan, "contract clause")?;
            let kind = match body.as_rule() {
                Rule::contract_term => {
                    let mut p = body.into_inner();
                    let length = self.quantity(self.next(&mut p, cspan, "term")?)?;
                    let renewal = p.next().and_then(|r| r.into_inner().next()).map(|r| {
                        if r.as_rule() == Rule::renews_automatically {
                            RenewalMode::Automatically
                        } else {
                            RenewalMode::AfterReview
                        }
                    });
                    ContractClauseKind::Term { length, renewal }
                }
                Rule::contract_notice => {
                    let mut p = body.into_inner();
                    let period = self.quantity(self.next(&mut p, cspan, "notice")?)?;
                    ContractClauseKind::Notice {
                        period,
                        in_writing: p.next().is_some(),
                    }
                }
                Rule::contract_termination => {
                    let mut effects = Vec::new();
                    for e in body.into_inner() {
                        let espan = self.span(&e);
                        let effect = match e.into_inner().next().map(|x| x.as_rule()) {
                            Some(Rule::keep_earned) => TerminationEffect::KeepEarned,
                            Some(Rule::waive_renewals) => TerminationEffect::WaiveRenewals,
                            _ => TerminationEffect::StopCommissions,
                        };
                        effects.push((effect, espan));
                    }
                    ContractClauseKind::OnTermination(effects)
                }
                Rule::force_majeure => ContractClauseKind::ForceMajeure,
                Rule::non_compete => ContractClauseKind::NonCompete(self.string(self.next(
                    &mut body.into_inner(),
                    cspan,
                    "category",
                )?)),
                _ => return self.error(&body, "contract clause"),
            };
            clauses.push(ContractClause {
                docs,
                kind,
                span: cspan,
            });
        }
        Ok(ContractBlock { clauses })
    }
}

/// The children of an item, with the clauses of its `{ ... }` block (the rule
/// `block`) spliced in; sets `has_block` when the block is written.
fn flatten_block<'i>(
    pairs: Pairs<'i, Rule>,
    block: Rule,
    has_block: &mut bool,
) -> Vec<Pair<'i, Rule>> {
    let mut out = Vec::new();
    for p in pairs {
        if p.as_rule() == block {
            *has_block = true;
            out.extend(p.into_inner());
        } else {
            out.push(p);
        }
    }
    out
}

/// The length of `text` without trailing whitespace and trailing `//` comments.
fn trimmed_len(text: &str) -> usize {
    crate::lexer::tokens(text)
        .filter(|t| {
            !matches!(
                t.kind,
                TokenKind::Space | TokenKind::LineBreak | TokenKind::Comment
            )
        })
        .last()
        .map_or(0, |t| t.end)
}
