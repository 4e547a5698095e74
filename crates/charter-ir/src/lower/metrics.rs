//! Lowers the composite tier metrics of a `require` (LANGUAGE.md §7
//! "Composite tier metrics"): `points` sums (weights exact, C0703 for a zero
//! weight, C0705 for a source weighted twice) and `any of` groups (C0704 for
//! an alternative its periods cannot measure).

use super::{DurationUse, Lowerer};
use crate::model::*;
use charter_diagnostics::{Code, Diagnostic, Span};
use charter_syntax::ast;

impl Lowerer {
    pub(super) fn points(
        &mut self,
        terms: &[ast::PointsTerm],
        period: Option<&ast::CountPeriod>,
        comparator: Comparator,
        threshold: &ast::Count,
    ) -> Option<RequirementKind> {
        let mut out: Vec<PointsTerm> = Vec::with_capacity(terms.len());
        for term in terms {
            let weight = self.decimal(&term.weight.digits, term.weight.span)?;
            let source = match &term.source {
                ast::PointsSource::NewCustomer(_) => PointsSource::NewCustomer,
                ast::PointsSource::Revenue(q) => {
                    let per = self.money(q)?;
                    if per.amount.is_zero() {
                        self.report(
                            Diagnostic::new(
                                Code::InvalidValue,
                                "points per 0 of revenue would be infinite".to_string(),
                                q.span,
                            )
                            .with_help("write the amount one point is worth, like `per 100 USD of revenue`"),
                        );
                        return None;
                    }
                    PointsSource::Revenue { per }
                }
                ast::PointsSource::Counted(c) => {
                    let (event, activity, within_after) = self.counted(c)?;
                    PointsSource::Count {
                        event,
                        activity,
                        within_after,
                    }
                }
            };
            if weight.is_zero() {
                self.report(
                    Diagnostic::new(
                        Code::ZeroPointsWeight,
                        format!(
                            "`{}` is weighted 0: it adds nothing to the points",
                            source.text()
                        ),
                        term.weight.span,
                    )
                    .with_primary_label("weight 0")
                    .with_help("give the source its weight, or remove it"),
                );
            }
            if let Some(first) = out.iter().find(|t| same_source(&t.source, &source)) {
                self.report(
                    Diagnostic::new(
                        Code::RepeatedPointsSource,
                        format!("`{}` is weighted twice in one points sum", source.text()),
                        term.span,
                    )
                    .with_label(first.span, "first weighted here")
                    .with_help("add the weights into one"),
                );
            }
            out.push(PointsTerm {
                weight,
                source,
                span: term.span,
            });
        }
        let threshold = self.decimal(&threshold.digits, threshold.span)?;
        Some(RequirementKind::Points(Points {
            terms: out,
            period: match period {
                Some(p) => Some(self.count_period(p)?),
                None => None,
            },
            comparator,
            threshold,
        }))
    }

    /// `managed mrr >= AMOUNT`, `sold mrr [PERIOD] >= AMOUNT`: the threshold
    /// is money in the program's currency. `managed` is a snapshot of the
    /// day and takes no period (the grammar gives it none).
    pub(super) fn mrr(
        &mut self,
        measure: ast::MrrMeasure,
        period: Option<&ast::CountPeriod>,
        comparator: ast::Comparator,
        amount: &ast::Quantity,
    ) -> Option<RequirementKind> {
        let amount = self.money(amount);
        let period = match period {
            Some(p) => Some(self.count_period(p)?),
            None => None,
        };
        Some(RequirementKind::Mrr(Mrr {
            measure: match measure {
                ast::MrrMeasure::Managed(_) => MrrMeasure::Managed,
                ast::MrrMeasure::Sold(_) => MrrMeasure::Sold,
            },
            period,
            comparator,
            amount: amount?,
        }))
    }

    pub(super) fn any_of(
        &mut self,
        alternatives: &[(ast::RequirementBody, Span)],
        every: &ast::Quantity,
        until_met_again: bool,
    ) -> Option<RequirementKind> {
        let every = self.duration(every, DurationUse::Calendar);
        let mut out = Vec::with_capacity(alternatives.len());
        for (body, span) in alternatives {
            let why = match body {
                ast::RequirementBody::Count {
                    period: Some(p), ..
                }
                | ast::RequirementBody::Revenue {
                    period: Some(p), ..
                }
                | ast::RequirementBody::Points {
                    period: Some(p), ..
                }
                | ast::RequirementBody::Mrr {
                    period: Some(p), ..
                } => Some((
                    "has a period of its own; the group's `each` period measures it",
                    period_span(p),
                )),
                ast::RequirementBody::Count { period: None, .. }
                | ast::RequirementBody::Revenue { period: None, .. }
                | ast::RequirementBody::Points { period: None, .. }
                | ast::RequirementBody::Mrr {
                    measure: ast::MrrMeasure::Sold(_),
                    period: None,
                    ..
                } => None,
                ast::RequirementBody::Contract(_)
                | ast::RequirementBody::Agreement(_)
                | ast::RequirementBody::Staff { .. }
                | ast::RequirementBody::Text(_)
                | ast::RequirementBody::Mrr {
                    measure: ast::MrrMeasure::Managed(_),
                    ..
                }
                | ast::RequirementBody::AnyOf { .. } => Some((
                    "is not measured over a period; alternatives are `count`, `revenue`, `points` or `sold mrr`",
                    *span,
                )),
            };
            if let Some((why, at)) = why {
                self.report(
                    Diagnostic::new(
                        Code::AnyOfAlternative,
                        format!("this alternative of `any of` {why}"),
                        at,
                    )
                    .with_help("write the alternative without a period, like `count activity webinar >= 1`"),
                );
                continue;
            }
            if let Some(kind) = self.requirement_kind(body) {
                out.push((kind, *span));
            }
        }
        Some(RequirementKind::AnyOf(AnyOf {
            alternatives: out,
            every: every?,
            lapse: if until_met_again {
                Lapse::UntilMetAgain
            } else {
                Lapse::ForGood
            },
        }))
    }
}

fn period_span(p: &ast::CountPeriod) -> Span {
    match p {
        ast::CountPeriod::Per(word) => word.span,
        ast::CountPeriod::PerContractYear(span) => *span,
        ast::CountPeriod::InLast(q) => q.span,
    }
}

/// Whether two points sources measure the same thing.
fn same_source(a: &PointsSource, b: &PointsSource) -> bool {
    match (a, b) {
        (PointsSource::NewCustomer, PointsSource::NewCustomer) => true,
        (PointsSource::Revenue { .. }, PointsSource::Revenue { .. }) => true,
        (
            PointsSource::Count {
                event: e1,
                activity: a1,
                within_after: w1,
            },
            PointsSource::Count {
                event: e2,
                activity: a2,
                within_after: w2,
            },
        ) => e1 == e2 && a1.as_ref().map(|a| &a.name) == a2.as_ref().map(|a| &a.name) && w1 == w2,
        (PointsSource::NewCustomer, _)
        | (PointsSource::Revenue { .. }, _)
        | (PointsSource::Count { .. }, _) => false,
    }
}
