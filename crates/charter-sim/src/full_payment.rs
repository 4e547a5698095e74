//! `payout … after full payment` (LANGUAGE.md §4, "Full payment"): when an
//! invoice is paid in full, and what its completing payment earns on.
//!
//! Phase (a) follows each invoice ([`Settling`]) and tells every sale where it
//! stands ([`FullPay`]); phase (b) picks the base its rule's collector filter
//! accepts ([`Received::accepted`]).

use crate::money::Exact;
use charter_ir::Collector;
use charter_scenario::CollectedBy;
use rust_decimal::Decimal;

/// Where a sale stands against its invoice's full payment, decided when it
/// is credited.
#[derive(Clone, Debug)]
pub(crate) enum FullPay {
    /// Not paid in full yet, this payment included.
    Waiting,
    /// This payment pays the invoice in full: what was received on it.
    Completes(Box<Received>),
    /// Paid in full by an earlier payment.
    Paid,
}

impl FullPay {
    /// The stage alone, a byte (a sale's facts keep what was received
    /// beside it: see [`FullPay::of`]).
    pub fn stage(&self) -> Stage {
        match self {
            FullPay::Waiting => Stage::Waiting,
            FullPay::Completes(_) => Stage::Completes,
            FullPay::Paid => Stage::Paid,
        }
    }

    /// What was received, for the payment that pays the invoice in full.
    pub fn received(self) -> Option<Box<Received>> {
        match self {
            FullPay::Completes(received) => Some(received),
            FullPay::Waiting | FullPay::Paid => None,
        }
    }

    /// From its stage and what was received.
    pub fn of(stage: Stage, received: Option<&Received>) -> FullPay {
        match (stage, received) {
            (Stage::Waiting, _) => FullPay::Waiting,
            (Stage::Completes, Some(received)) => FullPay::Completes(Box::new(received.clone())),
            (Stage::Completes, None) | (Stage::Paid, _) => FullPay::Paid,
        }
    }
}

/// [`FullPay`] without what was received, in a byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    Waiting,
    Completes,
    Paid,
}

/// What was received on an invoice when it was paid in full: all payments
/// less refunds, and the vendor's part of it (each refund before took the
/// same share of each collector's part).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Received {
    pub net: Decimal,
    pub vendor: Exact,
}

impl Received {
    /// The part of it the filter `where collected_by …` accepts.
    pub fn accepted(&self, filter: Option<Collector>) -> Exact {
        match filter {
            None => Exact::from_decimal(self.net),
            Some(Collector::Vendor) => self.vendor.clone(),
            Some(Collector::Partner) => Exact::from_decimal(self.net).sub(&self.vendor),
        }
    }
}

impl Received {
    /// [`Received::accepted`] as a decimal for the payout's base, written
    /// with at least as many places as the payments, and whether it is an
    /// approximation (a fraction that is no decimal, to 12 places: the money
    /// is computed from the exact value).
    pub fn shown(&self, filter: Option<Collector>) -> (Decimal, bool) {
        match filter {
            None => (self.net, false),
            Some(_) => {
                let (mut shown, approximate) = self.accepted(filter).shown();
                if shown.scale() < self.net.scale() {
                    shown.rescale(self.net.scale());
                }
                (shown, approximate)
            }
        }
    }
}

/// An invoice on its way to its full payment (phase (a)): paid in full
/// once, for good, at the first payment after which its payments less its
/// refunds reach its amount, whoever collected them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Settling {
    full: bool,
    /// The vendor's part of what is paid less refunded, while not paid in
    /// full (none while zero).
    vendor: Option<Box<Exact>>,
}

impl Settling {
    /// Whether an earlier payment paid the invoice in full.
    pub fn is_full(&self) -> bool {
        self.full
    }

    /// Where a sale that pays nothing stands (an invoice issued).
    pub fn status(&self) -> FullPay {
        if self.full {
            FullPay::Paid
        } else {
            FullPay::Waiting
        }
    }

    /// A payment of `amount` collected by `by`, after which `net` is paid
    /// less refunded on an invoice of `invoice_amount`.
    pub fn paid(
        &mut self,
        amount: Decimal,
        by: CollectedBy,
        net: Decimal,
        invoice_amount: Decimal,
    ) -> FullPay {
        if self.full {
            return FullPay::Paid;
        }
        match by {
            CollectedBy::Vendor => {
                let vendor = self.vendor.take().map_or_else(Exact::zero, |v| *v);
                self.vendor = Some(Box::new(vendor.add(&Exact::from_decimal(amount))));
            }
            CollectedBy::Partner => {}
        }
        if net < invoice_amount {
            return FullPay::Waiting;
        }
        self.full = true;
        let vendor = self.vendor.take().map_or_else(Exact::zero, |v| *v);
        FullPay::Completes(Box::new(Received { net, vendor }))
    }

    /// A refund of `refunded` (at most `paid_before`, what was paid less
    /// refunded before it): before the full payment it takes
    /// refunded / paid_before of each collector's part.
    pub fn refunded(&mut self, refunded: Decimal, paid_before: Decimal) {
        if self.full || paid_before <= Decimal::ZERO || refunded.is_zero() {
            return;
        }
        if let Some(vendor) = self.vendor.as_mut() {
            let kept = Exact::from_decimal(paid_before - refunded)
                .div(&Exact::from_decimal(paid_before))
                .unwrap_or_else(Exact::zero);
            **vendor = vendor.mul(&kept);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn a_refund_before_the_full_payment_takes_its_share_of_each_part() {
        let mut s = Settling::default();
        // 1,000.00 invoice: vendor 300, partner 300, refund 200, vendor 600.
        assert!(matches!(
            s.paid(d("300"), CollectedBy::Vendor, d("300"), d("1000")),
            FullPay::Waiting
        ));
        assert!(matches!(
            s.paid(d("300"), CollectedBy::Partner, d("600"), d("1000")),
            FullPay::Waiting
        ));
        s.refunded(d("200"), d("600"));
        assert!(matches!(
            s.paid(d("500"), CollectedBy::Vendor, d("900"), d("1000")),
            FullPay::Waiting
        ));
        let FullPay::Completes(r) = s.paid(d("100"), CollectedBy::Partner, d("1000"), d("1000"))
        else {
            panic!("not completed");
        };
        assert_eq!(r.accepted(None), Exact::from_decimal(d("1000")));
        assert_eq!(
            r.accepted(Some(Collector::Vendor)),
            Exact::from_decimal(d("700"))
        );
        assert_eq!(
            r.accepted(Some(Collector::Partner)),
            Exact::from_decimal(d("300"))
        );
        assert!(s.is_full());
        assert!(matches!(
            s.paid(d("1"), CollectedBy::Vendor, d("1001"), d("1000")),
            FullPay::Paid
        ));
    }
}
