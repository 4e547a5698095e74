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

use charter_scenario::EventKind;
use chrono::NaiveDate;

use crate::facts::Facts;
use crate::world::{Invoice, World};

/// The day the partner's contract ends, if it gave notice among `events[..=now]`.
pub fn end(world: &World, now: usize, facts: &Facts) -> Option<NaiveDate> {
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
