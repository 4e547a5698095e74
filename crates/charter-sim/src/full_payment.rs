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
    Completes(Received),
    /// Paid in full by an earlier payment.
    Paid,
}

impl FullPay {
    /// In a byte and, only where it cannot be told from the invoice's
    /// amount, what was received behind a pointer: a sale's facts keep
    /// these two in the credit, and the usual completing payment — the
    /// invoice paid exactly its amount, all collected by the vendor —
    /// allocates nothing.
    pub fn pack(self, invoice_amount: Decimal) -> (Stage, Option<Box<Received>>) {
        match self {
            FullPay::Waiting => (Stage::Waiting, None),
            FullPay::Paid => (Stage::Paid, None),
            FullPay::Completes(r) if r.is_whole(invoice_amount) => (Stage::CompletesWhole, None),
            FullPay::Completes(r) => (Stage::Completes, Some(Box::new(r))),
        }
    }

    /// What [`FullPay::pack`] packed.
    pub fn unpack(stage: Stage, received: Option<&Received>, invoice_amount: Decimal) -> FullPay {
        match (stage, received) {
            (Stage::Waiting, _) => FullPay::Waiting,
            (Stage::CompletesWhole, _) | (Stage::Completes, None) => {
                FullPay::Completes(Received::whole(invoice_amount))
            }
            (Stage::Completes, Some(received)) => FullPay::Completes(received.clone()),
            (Stage::Paid, _) => FullPay::Paid,
        }
    }
}

/// [`FullPay`] in a byte (see [`FullPay::pack`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    Waiting,
    /// Paid in full by this payment, what was received beside it.
    Completes,
    /// Paid in full by this payment, exactly the invoice's amount received,
    /// all of it collected by the vendor.
    CompletesWhole,
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
    /// `amount` received, all of it by the vendor.
    fn whole(amount: Decimal) -> Received {
        Received {
            net: amount,
            vendor: Exact::from_decimal(amount),
        }
    }

    /// Whether it is [`Received::whole`]`(amount)`, to the digit (`100.0`
    /// received on an invoice of `100.00` is not: the base shows it).
    fn is_whole(&self, amount: Decimal) -> bool {
        self.net == amount
            && self.net.scale() == amount.scale()
            && self.vendor == Exact::from_decimal(amount)
    }

    /// The part of it the filter `where collected_by …` accepts.
    pub fn accepted(&self, filter: Option<Collector>) -> Exact {
        match filter {
            None => Exact::from_decimal(self.net),
            Some(Collector::Vendor) => self.vendor.clone(),
            Some(Collector::Partner) => Exact::from_decimal(self.net).sub(&self.vendor),
        }
    }

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
    /// full.
    vendor: VendorPart,
}

/// The vendor's part: the sum of its payments until a refund comes before
/// the full payment (then an exact fraction of it).
#[derive(Clone, Debug)]
enum VendorPart {
    Paid(Decimal),
    Kept(Exact),
}

impl Default for VendorPart {
    fn default() -> Self {
        VendorPart::Paid(Decimal::ZERO)
    }
}

impl VendorPart {
    fn exact(&self) -> Exact {
        match self {
            VendorPart::Paid(paid) => Exact::from_decimal(*paid),
            VendorPart::Kept(kept) => kept.clone(),
        }
    }
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
        match (by, &mut self.vendor) {
            (CollectedBy::Vendor, VendorPart::Paid(paid)) => *paid += amount,
            (CollectedBy::Vendor, VendorPart::Kept(kept)) => {
                *kept = kept.add(&Exact::from_decimal(amount));
            }
            (CollectedBy::Partner, _) => {}
        }
        if net < invoice_amount {
            return FullPay::Waiting;
        }
        self.full = true;
        let vendor = self.vendor.exact();
        self.vendor = VendorPart::default();
        FullPay::Completes(Received { net, vendor })
    }

    /// A refund of `refunded` (at most `paid_before`, what was paid less
    /// refunded before it): before the full payment it takes
    /// refunded / paid_before of each collector's part.
    pub fn refunded(&mut self, refunded: Decimal, paid_before: Decimal) {
        if self.full || paid_before <= Decimal::ZERO || refunded.is_zero() {
            return;
        }
        let vendor = self.vendor.exact();
        if vendor.is_zero() {
            return;
        }
        let kept = Exact::from_decimal(paid_before - refunded)
            .div(&Exact::from_decimal(paid_before))
            .unwrap_or_else(Exact::zero);
        self.vendor = VendorPart::Kept(vendor.mul(&kept));
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
    fn only_a_completing_payment_that_differs_from_its_invoice_keeps_what_was_received() {
        let whole = |received: Received| FullPay::Completes(received).pack(d("100.00"));
        // The invoice's amount, all by the vendor: nothing behind a pointer.
        let (stage, boxed) = whole(Received {
            net: d("100.00"),
            vendor: Exact::from_decimal(d("100.00")),
        });
        assert_eq!((stage, boxed.is_none()), (Stage::CompletesWhole, true));
        // Overpaid, partly by the partner, or written with other places:
        // kept, and unpacked as it was.
        for (net, vendor) in [("120.00", "120.00"), ("100.00", "40"), ("100.0", "100.0")] {
            let r = Received {
                net: d(net),
                vendor: Exact::from_decimal(d(vendor)),
            };
            let (stage, boxed) = whole(r.clone());
            assert_eq!(stage, Stage::Completes);
            let FullPay::Completes(back) = FullPay::unpack(stage, boxed.as_deref(), d("100.00"))
            else {
                panic!("not completed");
            };
            assert_eq!(
                (back.net.to_string(), back.vendor),
                (r.net.to_string(), r.vendor)
            );
        }
        let FullPay::Completes(back) = FullPay::unpack(Stage::CompletesWhole, None, d("100.00"))
        else {
            panic!("not completed");
        };
        assert_eq!(back.net.to_string(), "100.00");
        assert_eq!(back.accepted(Some(Collector::Partner)), Exact::zero());
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
