//! What a run exercised: for each payout, the policy parts that produced it
//! (rule, bracket rows, the tier a rate was read from, the attribution
//! method, the commission window and the payout schedule), read from its
//! typed explanation. `charter test --coverage` adds these up over a
//! scenario suite. A run without explanations (`no_explanations`) yields
//! only the rule of each payout.

use crate::explain::{DueWhy, RateWhy, Why, WindowWhy};
use crate::payouts::RuleRef;
use crate::run::Simulation;
use charter_ir::{AttributionMethod, PayoutSchedule, RateSpec};
use rust_decimal::Decimal;

/// What kind of payout a [`Fired`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FiredKind {
    Commission,
    /// A retroactive bracket re-rated an earlier payment.
    TopUp,
    Clawback,
    Bonus,
    /// An amount forfeited (a balance on leaving, or missing paperwork).
    Forfeiture,
    /// A commission cut back on its deadline (a tier not reached in time).
    CutBack,
}

/// Which window admitted a commission's invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FiredWindow {
    /// The rule's `within … from …` window.
    Within,
    WhileCustomerPays,
    WhileContractActive,
}

impl FiredWindow {
    pub fn as_str(self) -> &'static str {
        match self {
            FiredWindow::Within => "within",
            FiredWindow::WhileCustomerPays => "while_customer_pays",
            FiredWindow::WhileContractActive => "while_contract_active",
        }
    }
}

/// The policy parts one payout exercised.
#[derive(Clone, Debug)]
pub struct Fired<'a> {
    /// Index of the payout in the run's order (`P1` is 0).
    pub payout: usize,
    pub kind: FiredKind,
    /// The commission rule or bonus, by name.
    pub rule: &'a str,
    /// Indexes into the rule's bracket table of the rows its rate came from
    /// (several for a marginal rate that crosses rows).
    pub bracket_rows: Vec<usize>,
    /// The tier a by-tier rate was read from.
    pub rate_tier: Option<&'a str>,
    pub method: Option<AttributionMethod>,
    pub window: Option<FiredWindow>,
    /// The payout schedule its due date came from.
    pub schedule: Option<&'a PayoutSchedule>,
}

impl<'a> Simulation<'a> {
    /// For each payout, in order, the policy parts it exercised.
    pub fn fired(&self) -> impl Iterator<Item = Fired<'a>> + '_ {
        let program = self.plan.program;
        self.outcome.payouts.iter().enumerate().map(move |(n, p)| {
            let rule = match p.rule {
                RuleRef::Commission(r) => program.commissions[r.0 as usize].name.name.as_str(),
                RuleRef::Bonus(b) => program.bonuses[b.0 as usize].name.name.as_str(),
            };
            let mut fired = Fired {
                payout: n,
                kind: match p.rule {
                    RuleRef::Commission(_) => FiredKind::Commission,
                    RuleRef::Bonus(_) => FiredKind::Bonus,
                },
                rule,
                bracket_rows: Vec::new(),
                rate_tier: None,
                method: None,
                window: None,
                schedule: None,
            };
            let Some(why) = &p.why else {
                return fired;
            };
            // (A boxed explanation derefs to the same.)
            let mut why: &Why = why;
            while let Why::Balanced { inner, .. } | Why::HeldUntilActive { inner, .. } = why {
                why = inner;
            }
            let due = match why {
                Why::Commission(c) => {
                    let spec = &program.commissions[c.rule.0 as usize].rate;
                    fired.method = Some(c.method);
                    fired.window = match c.window {
                        WindowWhy::None => None,
                        WindowWhy::Within { .. } => Some(FiredWindow::Within),
                        WindowWhy::WhileCustomerPays => Some(FiredWindow::WhileCustomerPays),
                        WindowWhy::WhileContractActive => Some(FiredWindow::WhileContractActive),
                    };
                    match c.rate {
                        RateWhy::Flat | RateWhy::Fixed => {}
                        RateWhy::Tier { tier, .. } => {
                            fired.rate_tier = program
                                .tiers
                                .get(tier.0 as usize)
                                .map(|t| t.name.name.as_str());
                        }
                        RateWhy::Whole { before, .. } => {
                            fired.bracket_rows = rows(spec, before, before);
                        }
                        RateWhy::Retroactive { after, .. } => {
                            fired.bracket_rows = rows(spec, after, after);
                        }
                        RateWhy::Marginal { before, after, .. } => {
                            fired.bracket_rows = rows(spec, before, after);
                        }
                    }
                    c.due
                }
                Why::TopUp { due, .. } => {
                    fired.kind = FiredKind::TopUp;
                    *due
                }
                Why::Clawback { due, .. } => {
                    fired.kind = FiredKind::Clawback;
                    *due
                }
                Why::CutBack(cut) => {
                    fired.kind = FiredKind::CutBack;
                    cut.due
                }
                Why::Bonus { due, .. } => *due,
                Why::Balanced { .. } | Why::HeldUntilActive { .. } => return fired,
                Why::Forfeited { .. } | Why::ForfeitedInactive { .. } => {
                    fired.kind = FiredKind::Forfeiture;
                    return fired;
                }
            };
            fired.schedule = match due {
                DueWhy::Within { schedule, .. } | DueWhy::Statement { schedule, .. } => {
                    self.plan.schedules.get(schedule as usize).copied()
                }
                // Netted at source: due on the payment itself, under the
                // rule's schedule (`payout netted at source`) if it has one.
                DueWhy::Netted => match p.rule {
                    RuleRef::Commission(r) => self
                        .plan
                        .rules
                        .get(r.0 as usize)
                        .and_then(|rule| rule.schedule)
                        .and_then(|s| self.plan.schedules.get(s).copied()),
                    RuleRef::Bonus(_) => None,
                },
                DueWhy::Unscheduled => None,
            };
            fired
        })
    }
}

/// The bracket rows a metric from `low` to `high` touches: the row holding
/// `low` when they are equal, else every row overlapping `[low, high)`.
fn rows(spec: &RateSpec, low: Decimal, high: Decimal) -> Vec<usize> {
    let RateSpec::Brackets { table } = spec else {
        return Vec::new();
    };
    table
        .brackets
        .iter()
        .enumerate()
        .filter(|(_, b)| {
            let (from, to) = (
                b.low.unwrap_or(Decimal::MIN),
                b.high.unwrap_or(Decimal::MAX),
            );
            if low == high {
                low >= from && low < to
            } else {
                from.max(low) < to.min(high)
            }
        })
        .map(|(i, _)| i)
        .collect()
}
