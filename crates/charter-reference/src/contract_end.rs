//! §4 **Contract end.**
//!
//! > A `notice` event ends the contract on the notice date plus the notice
//! > period. Invoices issued later earn nothing. Later payments on earlier
//! > invoices still earn — unless `stop commissions`, or the invoice is a
//! > renewal and `waive renewals`. The contract runs through its end date: an
//! > invoice issued on that day still earns, and a payment made on it is not a
//! > later one. Without a `notice` period it ends on the notice date.
//!
//! (The last two sentences are the reference's decision, written into
//! LANGUAGE.md by issue 16.) The first notice counts.
//!
//! > Under `renews after review` the vendor's performance review decides each
//! > renewal: the partner's terms run one after another from its `joined`
//! > date; an `activity` of kind `review_failed` that is the last review
//! > (`review` or `review_failed`) of its term ends the contract on the
//! > term's last day, like a notice. A term without a review renews.
//!
//! (Issue 11.) Read plainly: the contract ends on the earlier of the notice's
//! end and the last day of the first term whose last review, among the
//! events so far, declined the renewal.

use charter_ir::RenewalMode;
use charter_scenario::EventKind;
use chrono::NaiveDate;

use crate::facts::Facts;
use crate::world::{Invoice, World};

/// The day the partner's contract ends, if it gave notice or a review
/// declined its renewal among `events[..=now]`.
pub fn end(world: &World, now: usize, facts: &Facts) -> Option<NaiveDate> {
    let by_notice = notice_end(world, now, facts);
    let by_review = declined_term_end(world, now, facts);
    match (by_notice, by_review) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn notice_end(world: &World, now: usize, facts: &Facts) -> Option<NaiveDate> {
    let notice = world.upto(now).iter().find_map(|e| match &e.kind {
        EventKind::Notice { partner } if *partner == facts.id => Some(e.date),
        _ => None,
    })?;
    let period = world.program.contract.as_ref().and_then(|c| c.notice);
    Some(match period {
        Some(d) => d.after(notice, world.holidays()),
        None => notice,
    })
}

/// The last day of the first term whose last review declined the renewal.
fn declined_term_end(world: &World, now: usize, facts: &Facts) -> Option<NaiveDate> {
    let terms = world.program.contract.as_ref()?;
    if terms.renewal != Some(RenewalMode::AfterReview) {
        return None;
    }
    let term = terms.term?;
    let joined = facts.joined?;
    // Every review of the partner so far, with whether it declined.
    let reviews: Vec<(NaiveDate, bool)> = world
        .upto(now)
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Activity { partner, kind } if *partner == facts.id => {
                match world.scenario.names.symbol(*kind) {
                    "review" => Some((e.date, false)),
                    "review_failed" => Some((e.date, true)),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect();
    // Term by term from `joined`, up to the last review.
    let last = reviews.iter().map(|r| r.0).max()?;
    let mut start = joined;
    while start <= last {
        let next = term.after(start, world.holidays());
        if next <= start {
            return None;
        }
        let decided = reviews
            .iter()
            .rev()
            .find(|(date, _)| *date >= start && *date < next);
        if decided.is_some_and(|(_, declined)| *declined) {
            return next.pred_opt();
        }
        start = next;
    }
    None
}

/// Whether the contract still runs on `day`.
pub fn runs_on(world: &World, now: usize, facts: &Facts, day: NaiveDate) -> bool {
    end(world, now, facts).is_none_or(|end| day <= end)
}

/// Whether the contract's end stops a commission on `invoice` earned on `earned`.
pub fn stops(
    world: &World,
    now: usize,
    facts: &Facts,
    invoice: &Invoice,
    earned: NaiveDate,
) -> bool {
    let Some(end) = end(world, now, facts) else {
        return false;
    };
    if invoice.date > end {
        return true;
    }
    if earned > end {
        let terms = world.program.contract.as_ref();
        let stop = terms.is_some_and(|t| t.stop_commissions);
        let waive = terms.is_some_and(|t| t.waive_renewals) && invoice.renewal;
        return stop || waive;
    }
    false
}
