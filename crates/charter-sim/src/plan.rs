//! The compiled plan: the checked program lowered once, before any event is
//! read, into what the event phases ask — every name the policy uses
//! resolved to a typed id (tracks, modules, tiers, benefits, qualifications,
//! products as the scenario interned them), each rule's scope, eligibility,
//! requirements, payout schedule and settlement looked up once. Nothing
//! downstream compares a name.

use crate::money::Rounding;
use crate::policy_index::PolicyIndex;
use charter_diagnostics::{SourceDb, Span};
use charter_ir::units::{minor_units, Percent};
use charter_ir::{
    AttributionMethod, NameRef, PayoutSchedule, Program, Requirement, Scope, Settlement,
};
use charter_scenario::{Entity, Names, Symbol};

/// Index of a track in `Program::tracks`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct TrackId(pub u16);
/// Index of a module in `Program::modules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ModuleId(pub u16);
/// Index of a tier in `Program::tiers` (its rank).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct TierId(pub u16);
/// Index of a benefit in `Program::benefits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct BenefitId(pub u16);
/// Index of a commission rule in `Program::commissions`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct RuleId(pub u16);
/// Index of a bonus in `Program::bonuses`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct BonusId(pub u16);
/// Index of an attribution rule in `Program::attributions`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct AttrId(pub u16);
/// A qualification staff is counted by (the program's, else `sales`,
/// `technical`, `trained`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct QualId(pub u16);

/// A scope with its name resolved; `Unknown` for a name the program does not
/// define (the checker reports it; nothing is in it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScopeId {
    Program,
    Track(TrackId),
    Module(ModuleId),
    Tier(TierId),
    Benefit(BenefitId),
    Unknown,
}

impl ScopeId {
    /// Whether membership can change during a run (a tier is reached, a
    /// benefit received): such a scope depends on what a partner earned.
    pub fn is_dynamic(self) -> bool {
        matches!(self, ScopeId::Tier(_) | ScopeId::Benefit(_))
    }
}

/// A track or module a requirement's `for` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Member {
    Track(TrackId),
    Module(ModuleId),
    Unknown,
}

/// A commission rule's eligibility with its names resolved.
#[derive(Default)]
pub(crate) struct EligibilityIds {
    pub entities: Vec<Entity>,
    /// `None` for a name the program does not define (nothing matches it).
    pub tiers: Vec<Option<TierId>>,
    pub tracks: Vec<Member>,
    pub modules: Vec<Member>,
}

/// A benefit's audience with its names resolved.
pub(crate) enum Target {
    Tier(TierId),
    Member(Member, Member),
}

pub(crate) struct BenefitPlan {
    /// In a choose-one group.
    pub in_group: bool,
    /// Granted by some tier, track or module.
    pub granted: bool,
    pub available_to: Vec<Target>,
}

pub(crate) struct RulePlan {
    pub scope: ScopeId,
    pub eligibility: Option<EligibilityIds>,
    /// `of Starter`: the products whose invoices count, as the scenario interned them.
    pub products: Option<Vec<Symbol>>,
    /// The program's requirements and the rule's track's or module's.
    pub requirements: Vec<usize>,
    pub schedule: Option<usize>,
    pub settlement: Settlement,
    /// `file:line:col` of the rule's name.
    pub location: String,
    /// A rate by tier: each tier's rate, by `TierId` (`None`: the table
    /// names no rate for it); empty for other rates.
    pub tier_rates: Vec<Option<Percent>>,
    /// `cut back to R unless tier T within D from joined`, its tier resolved.
    pub cut_back: Option<crate::cutback::CutBackPlan>,
}

pub(crate) struct AttrPlan {
    pub scope: ScopeId,
    pub products: Option<Vec<Symbol>>,
}

pub(crate) struct BonusPlan {
    pub scope: ScopeId,
    pub requirements: Vec<usize>,
    pub schedule: Option<usize>,
    pub location: String,
}

/// Every requirement of the program, in one list the plans index into.
pub(crate) struct RequirementPlan<'a> {
    pub req: &'a Requirement,
    /// `for` tracks or modules: the requirement applies only to their partners.
    pub only_for: Vec<Member>,
}

/// The program lowered for one run against one scenario's names.
pub(crate) struct Plan<'a> {
    pub program: &'a Program,
    pub index: PolicyIndex<'a>,
    pub rules: Vec<RulePlan>,
    pub bonuses: Vec<BonusPlan>,
    pub attributions: Vec<AttrPlan>,
    pub benefits: Vec<BenefitPlan>,
    pub requirements: Vec<RequirementPlan<'a>>,
    /// Per tier (by rank), its requirements' indexes.
    pub tier_requirements: Vec<Vec<usize>>,
    /// The payout schedules rules and bonuses are paid on: a rule's own, or one of the program's.
    pub schedules: Vec<&'a PayoutSchedule>,
    /// Qualifications staff is counted by, by name: the program's (or the
    /// three defaults) first, then any other a requirement or condition asks for.
    pub qualifications: Vec<&'a str>,
    pub counted_qualifications: usize,
    /// Per scenario symbol, the qualification it names.
    pub qual_of_symbol: Vec<Option<QualId>>,
    /// Per scenario symbol, the tier it names (invitations).
    pub tier_of_symbol: Vec<Option<TierId>>,
    /// Entity types the program admits (empty: all) and how.
    pub entities: Vec<(Entity, bool, bool)>,
    pub currency: &'a str,
    pub rounding: Rounding,
    /// How payouts are rounded, in words ("rounded half-even to 2 decimals").
    pub rounding_text: String,
    pub holidays: &'a [chrono::NaiveDate],
    /// Whether an attribution rule's scope is a tier or a benefit: then who
    /// may claim a customer depends on what partners earned, and customers
    /// and partners cannot be run apart (see ARCHITECTURE.md, engine phases).
    pub coupled: bool,
    /// Whether any commission waits for the invoice's full payment.
    pub full_payment_rules: bool,
    /// Whether a requirement measures recurring revenue (`managed mrr`,
    /// `sold mrr`): only then does phase (a) tell partners of it.
    pub measures_mrr: bool,
    /// What requirements no scenario measures count as (`--assume`).
    pub assume: crate::Assume,
    /// How many commissions are cut back unless a tier is reached (`cutback.rs`).
    pub cut_backs: usize,
    /// The roster's exclusive regions, as countries.
    pub regions: crate::regions::ExclusiveRegions,
}

impl<'a> Plan<'a> {
    pub fn new(program: &'a Program, names: &Names, sources: Option<&SourceDb>) -> Plan<'a> {
        let index = PolicyIndex::new(program);
        let locate = |span: Span| match sources {
            Some(db) => {
                let (line, col) = db
                    .get(span.file)
                    .map_or((0, 0), |f| f.line_col(span.start as usize));
                format!("{}:{}:{}", db.path(span.file), line, col)
            }
            None => format!("byte {}", span.start),
        };
        let tier_id = |name: &str| {
            program
                .tiers
                .iter()
                .position(|t| t.name.name == name)
                .map(|i| TierId(i as u16))
        };
        let track_id = |name: &str| index.track(name).map(|i| TrackId(i as u16));
        let module_id = |name: &str| index.module(name).map(|i| ModuleId(i as u16));
        let scope = |s: &Scope| match s {
            Scope::Program => ScopeId::Program,
            Scope::Track(n) => track_id(n).map_or(ScopeId::Unknown, ScopeId::Track),
            Scope::Module(n) => module_id(n).map_or(ScopeId::Unknown, ScopeId::Module),
            Scope::Tier(n) => tier_id(n).map_or(ScopeId::Unknown, ScopeId::Tier),
            Scope::Benefit(n) => index
                .benefit(n)
                .map_or(ScopeId::Unknown, |b| ScopeId::Benefit(BenefitId(b as u16))),
        };
        let member = |n: &NameRef| match (track_id(&n.name), module_id(&n.name)) {
            (Some(t), _) => Member::Track(t),
            (None, Some(m)) => Member::Module(m),
            (None, None) => Member::Unknown,
        };
        let products = |list: &[NameRef]| {
            (!list.is_empty()).then(|| {
                list.iter()
                    .filter_map(|p| names.find_symbol(&p.name))
                    .collect::<Vec<_>>()
            })
        };

        // Requirements: the program's, then each tier's, track's and module's.
        let mut requirements: Vec<RequirementPlan> = Vec::new();
        let mut add = |reqs: &'a [Requirement]| -> Vec<usize> {
            reqs.iter()
                .map(|req| {
                    requirements.push(RequirementPlan {
                        req,
                        only_for: req.scope.iter().map(member).collect(),
                    });
                    requirements.len() - 1
                })
                .collect()
        };
        let program_reqs = add(&program.requirements);
        let tier_requirements: Vec<Vec<usize>> =
            program.tiers.iter().map(|t| add(&t.requirements)).collect();
        let track_reqs: Vec<Vec<usize>> = program
            .tracks
            .iter()
            .map(|t| add(&t.requirements))
            .collect();
        let module_reqs: Vec<Vec<usize>> = program
            .modules
            .iter()
            .map(|t| add(&t.requirements))
            .collect();
        let requirements_of = |s: ScopeId| -> Vec<usize> {
            let group: &[usize] = match s {
                ScopeId::Track(t) => &track_reqs[t.0 as usize],
                ScopeId::Module(m) => &module_reqs[m.0 as usize],
                ScopeId::Program | ScopeId::Tier(_) | ScopeId::Benefit(_) | ScopeId::Unknown => &[],
            };
            program_reqs.iter().chain(group).copied().collect()
        };

        let mut schedules: Vec<&PayoutSchedule> = program.payouts.iter().collect();
        let mut schedule_of = |s: Option<&'a PayoutSchedule>| {
            s.map(
                |s| match schedules.iter().position(|x| std::ptr::eq(*x, s)) {
                    Some(i) => i,
                    None => {
                        schedules.push(s);
                        schedules.len() - 1
                    }
                },
            )
        };
        let rules: Vec<RulePlan> = program
            .commissions
            .iter()
            .map(|rule| {
                let s = scope(&rule.scope);
                RulePlan {
                    scope: s,
                    eligibility: rule.eligibility.as_ref().map(|e| EligibilityIds {
                        entities: e
                            .entities
                            .iter()
                            .filter_map(|x| Entity::from_name(&x.name))
                            .collect(),
                        tiers: e.tiers.iter().map(|t| tier_id(&t.name)).collect(),
                        tracks: e
                            .tracks
                            .iter()
                            .map(|t| track_id(&t.name).map_or(Member::Unknown, Member::Track))
                            .collect(),
                        modules: e
                            .modules
                            .iter()
                            .map(|t| module_id(&t.name).map_or(Member::Unknown, Member::Module))
                            .collect(),
                    }),
                    products: products(&rule.base.products),
                    requirements: requirements_of(s),
                    schedule: schedule_of(program.schedule_of(rule)),
                    settlement: program.settlement_of(rule),
                    location: locate(rule.name.span),
                    tier_rates: match &rule.rate {
                        charter_ir::RateSpec::ByTier { rates } => {
                            let mut by_tier = vec![None; program.tiers.len()];
                            for r in rates {
                                if let Some(TierId(t)) = tier_id(&r.tier.name) {
                                    // The first rate a table gives a tier holds.
                                    by_tier[t as usize].get_or_insert(r.rate);
                                }
                            }
                            by_tier
                        }
                        charter_ir::RateSpec::Flat { .. }
                        | charter_ir::RateSpec::Brackets { .. }
                        | charter_ir::RateSpec::Fixed { .. } => Vec::new(),
                    },
                    cut_back: rule.cut_back.as_ref().and_then(|c| {
                        Some(crate::cutback::CutBackPlan {
                            rate: c.rate,
                            tier: tier_id(&c.tier.name)?,
                            within: c.within,
                        })
                    }),
                }
            })
            .collect();
        let bonuses = program
            .bonuses
            .iter()
            .map(|b| {
                let s = scope(&b.scope);
                let schedule = program
                    .payouts
                    .iter()
                    .find(|p| p.scope == b.scope)
                    .or_else(|| program.payouts.iter().find(|p| p.scope == Scope::Program));
                BonusPlan {
                    scope: s,
                    requirements: requirements_of(s),
                    schedule: schedule_of(schedule),
                    location: locate(b.name.span),
                }
            })
            .collect();
        let attributions: Vec<AttrPlan> = program
            .attributions
            .iter()
            .map(|a| AttrPlan {
                scope: scope(&a.scope),
                products: products(&a.products),
            })
            .collect();
        let benefits = program
            .benefits
            .iter()
            .map(|b| BenefitPlan {
                in_group: !index.groups_of(&b.name.name).is_empty(),
                granted: index.is_granted(&b.name.name),
                available_to: b
                    .available_to
                    .iter()
                    .map(|t| match tier_id(&t.target.name) {
                        Some(tier) => Target::Tier(tier),
                        None => Target::Member(
                            track_id(&t.target.name).map_or(Member::Unknown, Member::Track),
                            module_id(&t.target.name).map_or(Member::Unknown, Member::Module),
                        ),
                    })
                    .collect(),
            })
            .collect();
        let mut qualifications: Vec<&str> = if program.qualifications.is_empty() {
            vec!["sales", "technical", "trained"]
        } else {
            program
                .qualifications
                .iter()
                .map(|q| q.name.as_str())
                .collect()
        };
        let counted_qualifications = qualifications.len();
        // Qualifications a requirement or condition asks for that the
        // program does not count still read the scenario's staff.
        let asked = requirements
            .iter()
            .filter_map(|r| match &r.req.kind {
                charter_ir::RequirementKind::Staff { qualification, .. } => {
                    Some(qualification.name.as_str())
                }
                // No `any of` alternative counts staff (C0704).
                charter_ir::RequirementKind::Contract
                | charter_ir::RequirementKind::Agreement { .. }
                | charter_ir::RequirementKind::Count { .. }
                | charter_ir::RequirementKind::Revenue { .. }
                | charter_ir::RequirementKind::Points(_)
                | charter_ir::RequirementKind::Mrr(_)
                | charter_ir::RequirementKind::AnyOf(_)
                | charter_ir::RequirementKind::Text { .. } => None,
            })
            .chain(
                program
                    .commissions
                    .iter()
                    .flat_map(|c| c.uplifts.iter().map(|u| &u.condition))
                    .chain(program.bonuses.iter().map(|b| &b.condition))
                    .filter_map(|c| match c {
                        charter_ir::Condition::Staff { qualification, .. } => {
                            Some(qualification.name.as_str())
                        }
                        charter_ir::Condition::Metric { .. }
                        | charter_ir::Condition::Elected { .. } => None,
                    }),
            );
        for q in asked {
            if !qualifications.contains(&q) {
                qualifications.push(q);
            }
        }
        let symbols = names.symbol_count();
        let qual_of_symbol = (0..symbols)
            .map(|s| {
                let name = names.symbol(Symbol(s as u32));
                qualifications
                    .iter()
                    .position(|q| *q == name)
                    .map(|i| QualId(i as u16))
            })
            .collect();
        let tier_of_symbol = (0..symbols)
            .map(|s| tier_id(names.symbol(Symbol(s as u32))))
            .collect();
        let rounding = Rounding {
            scale: program
                .rounding
                .scale
                .unwrap_or_else(|| minor_units(&program.currency)),
            mode: program.rounding.mode,
        };
        let coupled = attributions.iter().any(|a| a.scope.is_dynamic());
        let measures_mrr = requirements.iter().any(|r| match &r.req.kind {
            charter_ir::RequirementKind::Mrr(_) => true,
            charter_ir::RequirementKind::AnyOf(a) => a
                .alternatives
                .iter()
                .any(|(k, _)| matches!(k, charter_ir::RequirementKind::Mrr(_))),
            charter_ir::RequirementKind::Contract
            | charter_ir::RequirementKind::Agreement { .. }
            | charter_ir::RequirementKind::Staff { .. }
            | charter_ir::RequirementKind::Count { .. }
            | charter_ir::RequirementKind::Revenue { .. }
            | charter_ir::RequirementKind::Points(_)
            | charter_ir::RequirementKind::Text { .. } => false,
        });
        let full_payment_rules = program.commissions.iter().any(|rule| {
            matches!(
                program.schedule_of(rule),
                Some(PayoutSchedule {
                    timing: charter_ir::PayoutTiming::Within { full: true, .. },
                    ..
                })
            )
        });
        let cut_backs = rules
            .iter()
            .filter(|r: &&RulePlan| r.cut_back.is_some())
            .count();
        Plan {
            program,
            cut_backs,
            rules,
            bonuses,
            attributions,
            benefits,
            requirements,
            tier_requirements,
            schedules,
            qualifications,
            counted_qualifications,
            qual_of_symbol,
            tier_of_symbol,
            entities: program
                .entities
                .iter()
                .filter_map(|e| {
                    Some((
                        Entity::from_name(&e.name.name)?,
                        e.no_contract.is_some(),
                        e.netted_only.is_some(),
                    ))
                })
                .collect(),
            currency: &program.currency,
            rounding,
            rounding_text: rounding.describe(),
            holidays: &program.holidays,
            coupled,
            full_payment_rules,
            measures_mrr,
            index,
            assume: crate::Assume::Met,
            regions: crate::regions::ExclusiveRegions::new(program, names),
        }
    }

    pub fn track_id(&self, name: &str) -> Option<TrackId> {
        self.index.track(name).map(|i| TrackId(i as u16))
    }

    pub fn module_id(&self, name: &str) -> Option<ModuleId> {
        self.index.module(name).map(|i| ModuleId(i as u16))
    }

    pub fn benefit_id(&self, name: &str) -> Option<BenefitId> {
        self.index.benefit(name).map(|i| BenefitId(i as u16))
    }

    pub fn tier_id(&self, name: &str) -> Option<TierId> {
        self.program
            .tiers
            .iter()
            .position(|t| t.name.name == name)
            .map(|i| TierId(i as u16))
    }

    pub fn qualification(&self, name: &str) -> Option<QualId> {
        self.qualifications
            .iter()
            .position(|q| *q == name)
            .map(|i| QualId(i as u16))
    }

    /// The qualifications the program counts staff by.
    pub fn counted_qualifications(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.qualifications[..self.counted_qualifications]
            .iter()
            .copied()
    }

    /// Whether the program admits an entity type, and its `(no contract)` and
    /// `(netted only)` marks.
    pub fn entity(&self, kind: Entity) -> Option<(bool, bool)> {
        self.entities
            .iter()
            .find(|(k, ..)| *k == kind)
            .map(|(_, no_contract, netted)| (*no_contract, *netted))
    }

    /// The attribution rules of a method, in policy order.
    pub fn attributions_by(
        &self,
        method: AttributionMethod,
    ) -> impl Iterator<Item = (AttrId, &AttrPlan)> + '_ {
        self.program
            .attributions
            .iter()
            .zip(&self.attributions)
            .enumerate()
            .filter(move |(_, (a, _))| a.method == method)
            .map(|(i, (_, p))| (AttrId(i as u16), p))
    }

    /// The share of a commission an owner gets: 0 for all of it, k for the
    /// k-th share of `claims split`.
    pub fn share(&self, k: u8) -> rust_decimal::Decimal {
        match (&self.program.claims, k) {
            (charter_ir::ClaimPolicy::Split { shares }, k) if k > 0 => shares
                .get(usize::from(k) - 1)
                .map_or(rust_decimal::Decimal::ONE, |s| s.share.fraction()),
            _ => rust_decimal::Decimal::ONE,
        }
    }

    pub fn schedule(&self, r: RuleId) -> Option<&'a PayoutSchedule> {
        self.rules[r.0 as usize].schedule.map(|s| self.schedules[s])
    }
}

#[cfg(test)]
mod tests {
    use charter_scenario::Entity;

    #[test]
    fn the_checker_admits_the_entity_types_a_scenario_names() {
        // The plan resolves a policy's entity names by the scenario's list:
        // one name the checker accepts and the scenario lacks would drop out.
        let scenario: Vec<&str> = Entity::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(charter_check::symbols::ENTITY_TYPES, scenario.as_slice());
        for e in Entity::ALL {
            assert_eq!(Entity::from_name(e.as_str()), Some(e));
        }
        assert_eq!(Entity::from_name("partnership"), None);
    }
}
