//! Builds the composite tier metrics of a `require` (LANGUAGE.md §7
//! "Composite tier metrics"): `points …` (a weighted sum of sources),
//! `managed mrr` and `sold mrr` (recurring-revenue snapshots), and
//! `any of { … } each D from joined [until met again]`.

use super::{BuildError, Builder, R};
use crate::ast::*;
use crate::grammar::Rule;
use pest::iterators::Pair;

impl Builder {
    /// `points 3 per new customer + 1 per activity certification per year >= 100`.
    pub(super) fn points(&self, pair: Pair<Rule>) -> R<RequirementBody> {
        let span = self.span(&pair);
        let mut terms = Vec::new();
        let mut period = None;
        let mut comparator = Comparator::Ge;
        let mut threshold = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::points_term => terms.push(self.points_term(p)?),
                Rule::count_period => period = Some(self.count_period(p)?),
                Rule::comparator => comparator = Self::comparator(&p),
                Rule::number => threshold = Some(self.count(p)),
                _ => return self.error(&p, "points requirement"),
            }
        }
        let threshold = threshold.ok_or_else(|| BuildError {
            span,
            message: "internal: points without threshold".into(),
        })?;
        Ok(RequirementBody::Points {
            terms,
            period,
            comparator,
            threshold,
        })
    }

    /// `managed mrr >= 10000 USD`, `sold mrr per year >= 2000 USD`.
    pub(super) fn mrr(&self, pair: Pair<Rule>) -> R<RequirementBody> {
        let span = self.span(&pair);
        let mut measure = None;
        let mut period = None;
        let mut comparator = Comparator::Ge;
        let mut amount = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::mrr_managed => measure = Some(MrrMeasure::Managed(self.span(&p))),
                Rule::mrr_sold => measure = Some(MrrMeasure::Sold(self.span(&p))),
                Rule::count_period => period = Some(self.count_period(p)?),
                Rule::comparator => comparator = Self::comparator(&p),
                Rule::quantity => amount = Some(self.quantity(p)?),
                _ => return self.error(&p, "mrr requirement"),
            }
        }
        match (measure, amount) {
            (Some(measure), Some(amount)) => Ok(RequirementBody::Mrr {
                measure,
                period,
                comparator,
                amount,
            }),
            _ => Err(BuildError {
                span,
                message: "internal: incomplete mrr requirement".into(),
            }),
        }
    }

    fn points_term(&self, pair: Pair<Rule>) -> R<PointsTerm> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let weight = self.count(self.next(&mut inner, span, "weight")?);
        let s = self.next(&mut inner, span, "points source")?;
        let source = match s.as_rule() {
            Rule::new_customer => PointsSource::NewCustomer(self.span(&s)),
            Rule::points_revenue => {
                let sspan = self.span(&s);
                PointsSource::Revenue(self.quantity(self.next(
                    &mut s.into_inner(),
                    sspan,
                    "amount",
                )?)?)
            }
            Rule::counted => PointsSource::Counted(self.counted(s)?),
            _ => return self.error(&s, "points source"),
        };
        Ok(PointsTerm {
            weight,
            source,
            span,
        })
    }

    /// `any of { … } each 12 months from joined [until met again]`.
    pub(super) fn any_of(&self, pair: Pair<Rule>) -> R<RequirementBody> {
        let span = self.span(&pair);
        let mut alternatives = Vec::new();
        let mut every = None;
        let mut until_met_again = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::requirement_body => {
                    let aspan = self.span(&p);
                    let b = self.next(&mut p.into_inner(), aspan, "alternative")?;
                    alternatives.push((self.requirement_body(b)?, aspan));
                }
                Rule::quantity => every = Some(self.quantity(p)?),
                Rule::until_met_again => until_met_again = Some(self.span(&p)),
                _ => return self.error(&p, "any of"),
            }
        }
        let every = every.ok_or_else(|| BuildError {
            span,
            message: "internal: any of without a period".into(),
        })?;
        Ok(RequirementBody::AnyOf {
            alternatives,
            every,
            until_met_again,
        })
    }
}
