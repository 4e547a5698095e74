//! What-if overrides (`--set NAME=VALUE`): change a named rate, window,
//! threshold or bracket of a checked program, type-checked like the policy, and
//! check the changed program again.
//!
//! Names: `RULE` (a commission's flat rate, or a bonus's amount), `RULE.rate`,
//! `RULE.rate.TIER`, `RULE.bracket.N` (the N-th bracket's rate, from 1),
//! `RULE.bracket.N.from` / `.to` (its bounds), `RULE.window`, `RULE.uplift`,
//! `BONUS.amount`, `BONUS.threshold`, `TIER.staff.QUALIFICATION`,
//! `TIER.count` (its first counted requirement), `referral.lookback`,
//! `referral.close`, `payout.delay`, `notice`.

use charter_check::CheckedProgram;
use charter_diagnostics::{Diagnostic, FileId};
use charter_ir::*;
use charter_syntax::ast::Quantity;

/// Why an override could not be applied.
#[derive(Debug)]
pub enum OverrideError {
    /// `NAME=VALUE` is malformed or names nothing.
    Name(String),
    /// The value has the wrong unit or is out of range.
    Value {
        name: String,
        diagnostics: Vec<Diagnostic>,
    },
    /// The changed program fails its checks (e.g. a rate now outside its bounds).
    Check(Vec<Diagnostic>),
}

impl std::fmt::Display for OverrideError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OverrideError::Name(m) => f.write_str(m),
            OverrideError::Value { name, diagnostics } => {
                let msgs: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
                write!(f, "--set {name}: {}", msgs.join("; "))
            }
            OverrideError::Check(diagnostics) => {
                let msgs: Vec<String> = diagnostics
                    .iter()
                    .filter(|d| d.severity == charter_diagnostics::Severity::Error)
                    .map(|d| format!("{}: {}", d.code, d.message))
                    .collect();
                write!(
                    f,
                    "the policy with these overrides fails its checks: {}",
                    msgs.join("; ")
                )
            }
        }
    }
}

/// Splits `NAME=VALUE`.
pub fn parse_assignment(text: &str) -> Result<(String, String), OverrideError> {
    match text.split_once('=') {
        Some((n, v)) if !n.trim().is_empty() && !v.trim().is_empty() => {
            Ok((n.trim().to_string(), v.trim().to_string()))
        }
        _ => Err(OverrideError::Name(format!(
            "--set expects NAME=VALUE, like `referral_share=7%`, got `{text}`"
        ))),
    }
}

/// Applies overrides in order and re-checks the program.
pub fn apply(
    program: &CheckedProgram,
    sets: &[(String, String)],
) -> Result<CheckedProgram, OverrideError> {
    let mut p = program.program().clone();
    for (name, value) in sets {
        apply_one(&mut p, name, value)?;
    }
    CheckedProgram::recheck(p).map_err(OverrideError::Check)
}

fn quantity(name: &str, value: &str) -> Result<Quantity, OverrideError> {
    charter_syntax::parse_quantity(FileId(u32::MAX), value).ok_or_else(|| OverrideError::Value {
        name: name.to_string(),
        diagnostics: vec![Diagnostic::new(
            charter_diagnostics::Code::Syntax,
            format!("`{value}` is not a quantity like `20%`, `1000 EUR` or `30 days`"),
            charter_diagnostics::Span::default(),
        )],
    })
}

fn value_error(name: &str) -> impl Fn(Vec<Diagnostic>) -> OverrideError + '_ {
    move |diagnostics| OverrideError::Value {
        name: name.to_string(),
        diagnostics,
    }
}

fn apply_one(p: &mut Program, name: &str, value: &str) -> Result<(), OverrideError> {
    let q = quantity(name, value)?;
    let mut check = LiteralChecker::new(&p.currency);
    let parts: Vec<&str> = name.split('.').collect();
    let unknown = || {
        OverrideError::Name(format!(
            "--set {name}: nothing in the policy is named so (try a commission name like `RULE`, `RULE.rate`, `RULE.bracket.2`, `RULE.window`, a bonus's `BONUS.amount`, or `payout.delay`)"
        ))
    };
    match parts.as_slice() {
        ["payout", "delay"] => {
            let d = check.days(&q).map_err(value_error(name))?;
            let mut found = false;
            for s in p
                .payouts
                .iter_mut()
                .chain(p.commissions.iter_mut().filter_map(|c| c.payout.as_mut()))
            {
                if let PayoutTiming::Within { delay, .. } = &mut s.timing {
                    *delay = d;
                    found = true;
                }
            }
            found.then_some(()).ok_or_else(unknown)
        }
        ["notice"] => {
            let d = check.days(&q).map_err(value_error(name))?;
            p.contract.get_or_insert_with(ContractTerms::default).notice = Some(d);
            Ok(())
        }
        ["referral", what @ ("lookback" | "close")] => {
            let d = check.calendar_duration(&q).map_err(value_error(name))?;
            let mut found = false;
            for a in p
                .attributions
                .iter_mut()
                .filter(|a| a.method == AttributionMethod::Referral)
            {
                if *what == "lookback" {
                    a.no_prior_contact = Some(d);
                } else if let Some((_, w)) = &mut a.closes_within {
                    *w = d;
                } else {
                    a.closes_within = Some((EventKind::Order, d));
                }
                found = true;
            }
            found.then_some(()).ok_or_else(unknown)
        }
        [rule, rest @ ..] if p.commissions.iter().any(|c| c.name.name == *rule) => {
            let Some(c) = p.commissions.iter_mut().find(|c| c.name.name == *rule) else {
                return Err(unknown());
            };
            match rest {
                [] | ["rate"] => {
                    let rate = check.percent(&q).map_err(value_error(name))?;
                    c.rate = RateSpec::Flat { rate };
                }
                ["rate", tier] => {
                    let rate = check.percent(&q).map_err(value_error(name))?;
                    let RateSpec::ByTier { rates } = &mut c.rate else {
                        return Err(unknown());
                    };
                    let t = rates
                        .iter_mut()
                        .find(|r| r.tier.name == *tier)
                        .ok_or_else(unknown)?;
                    t.rate = rate;
                }
                ["bracket", n, field @ ..] => {
                    let RateSpec::Brackets { table } = &mut c.rate else {
                        return Err(unknown());
                    };
                    let index: usize = n.parse().map_err(|_| unknown())?;
                    let metric = table.metric.clone();
                    let b = table
                        .brackets
                        .get_mut(index.wrapping_sub(1))
                        .ok_or_else(unknown)?;
                    match field {
                        [] | ["rate"] => b.rate = check.percent(&q).map_err(value_error(name))?,
                        ["from"] => {
                            b.low =
                                Some(check.metric_value(&metric, &q).map_err(value_error(name))?)
                        }
                        ["to"] => {
                            b.high =
                                Some(check.metric_value(&metric, &q).map_err(value_error(name))?)
                        }
                        _ => return Err(unknown()),
                    }
                }
                ["window"] => {
                    let d = check.calendar_duration(&q).map_err(value_error(name))?;
                    let WindowSpec::Within { length, .. } = &mut c.window else {
                        return Err(unknown());
                    };
                    *length = d;
                }
                ["uplift"] => {
                    let rate = check.percent(&q).map_err(value_error(name))?;
                    let u = c.uplifts.first_mut().ok_or_else(unknown)?;
                    u.amount = rate;
                }
                _ => return Err(unknown()),
            }
            Ok(())
        }
        [bonus, rest @ ..] if p.bonuses.iter().any(|b| b.name.name == *bonus) => {
            let Some(b) = p.bonuses.iter_mut().find(|b| b.name.name == *bonus) else {
                return Err(unknown());
            };
            match rest {
                [] | ["amount"] => b.amount = check.money(&q).map_err(value_error(name))?,
                ["threshold"] => {
                    let Condition::Metric {
                        metric, threshold, ..
                    } = &mut b.condition
                    else {
                        return Err(unknown());
                    };
                    *threshold = check.metric_value(metric, &q).map_err(value_error(name))?;
                }
                _ => return Err(unknown()),
            }
            Ok(())
        }
        [tier, rest @ ..] if p.tiers.iter().any(|t| t.name.name == *tier) => {
            let Some(t) = p.tiers.iter_mut().find(|t| t.name.name == *tier) else {
                return Err(unknown());
            };
            let n = count_value(name, value)?;
            match rest {
                ["staff", qualification] => {
                    let req = t
                        .requirements
                        .iter_mut()
                        .find_map(|r| match &mut r.kind {
                            RequirementKind::Staff {
                                qualification: q,
                                count,
                                ..
                            } if q.name == *qualification => Some(count),
                            RequirementKind::Staff { .. }
                            | RequirementKind::Contract
                            | RequirementKind::Agreement { .. }
                            | RequirementKind::Count { .. }
                            | RequirementKind::Revenue { .. }
                            | RequirementKind::Points(_)
                            | RequirementKind::Mrr(_)
                            | RequirementKind::AnyOf(_)
                            | RequirementKind::Text { .. } => None,
                        })
                        .ok_or_else(unknown)?;
                    *req = n;
                }
                ["count"] => {
                    let req = t
                        .requirements
                        .iter_mut()
                        .find_map(|r| match &mut r.kind {
                            RequirementKind::Count { count, .. } => Some(count),
                            RequirementKind::Contract
                            | RequirementKind::Agreement { .. }
                            | RequirementKind::Staff { .. }
                            | RequirementKind::Revenue { .. }
                            | RequirementKind::Points(_)
                            | RequirementKind::Mrr(_)
                            | RequirementKind::AnyOf(_)
                            | RequirementKind::Text { .. } => None,
                        })
                        .ok_or_else(unknown)?;
                    *req = n;
                }
                _ => return Err(unknown()),
            }
            Ok(())
        }
        _ => Err(unknown()),
    }
}

fn count_value(name: &str, value: &str) -> Result<u32, OverrideError> {
    value.parse().map_err(|_| OverrideError::Value {
        name: name.to_string(),
        diagnostics: vec![Diagnostic::new(
            charter_diagnostics::Code::InvalidValue,
            format!("`{value}` is not a whole number"),
            charter_diagnostics::Span::default(),
        )],
    })
}
