//! The findings a simulation reports: scenario contradictions (errors), claims
//! and eligibility decisions (warnings), and assumptions (infos).

use charter_diagnostics::Severity;
use charter_ir::units::minor_units;
use charter_ir::Program;
use charter_scenario::{EventKind, Scenario};
use chrono::NaiveDate;
use serde::Serialize;

macro_rules! finding_codes {
    ($( $variant:ident = $id:literal, $name:literal, $sev:ident, $summary:literal; )*) => {
        /// A simulation finding code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum FindingCode { $( $variant ),* }

        impl FindingCode {
            pub const ALL: &'static [FindingCode] = &[ $( FindingCode::$variant ),* ];

            pub fn id(self) -> &'static str {
                match self { $( FindingCode::$variant => $id ),* }
            }

            pub fn name(self) -> &'static str {
                match self { $( FindingCode::$variant => $name ),* }
            }

            pub fn severity(self) -> Severity {
                match self { $( FindingCode::$variant => Severity::$sev ),* }
            }

            pub fn summary(self) -> &'static str {
                match self { $( FindingCode::$variant => $summary ),* }
            }
        }
    };
}

finding_codes! {
    UnknownTrack = "S0101", "unknown-track", Error, "a partner's track is not defined by the policy";
    UnknownTier = "S0102", "unknown-tier", Error, "a tier named by the scenario is not defined by the policy";
    UnknownModule = "S0103", "unknown-module", Error, "a partner's module is not defined by the policy";
    UnknownBenefit = "S0104", "unknown-benefit", Error, "a partner elected a benefit the policy does not define";
    DualFinancialBenefit = "S0105", "dual-financial-benefit", Error, "a partner elected two benefits of one choose-one group";
    UnknownPartner = "S0106", "unknown-partner", Error, "an event names a partner the scenario does not declare";
    UnknownInvoice = "S0107", "unknown-invoice", Error, "a payment or refund names an invoice no event issued";
    CurrencyMismatch = "S0108", "currency-mismatch", Error, "an invoice is in another currency than the program's";
    EntityNotAdmitted = "S0109", "entity-not-admitted", Error, "the program does not admit the partner's entity type";
    Overpayment = "S0110", "overpayment", Warning, "payments exceed the invoice amount";
    RefundExceedsPayments = "S0111", "refund-exceeds-payments", Warning, "a refund is larger than what was paid on the invoice";
    ContestedCustomer = "S0201", "contested-customer", Warning, "two partners claim one customer; the policy's claims rule decided";
    AttributionRejected = "S0202", "attribution-rejected", Info, "a claim on a customer did not meet the policy's attribution rule";
    Unattributed = "S0203", "unattributed-customer", Info, "a customer paid but is attributed to no partner";
    LateDecision = "S0204", "late-decision", Info, "the vendor decided on a registration after its own deadline; the decision still counts";
    NotEligible = "S0301", "not-eligible", Warning, "a commission path is closed to this partner (entity type, contract, tier or elected benefit)";
    RequirementNotMet = "S0302", "requirement-not-met", Warning, "the partner does not meet its track's or module's requirements";
    ContractEnded = "S0303", "contract-ended", Info, "income after the end of the partner's contract is not paid";
    PendingFullPayment = "S0304", "pending-full-payment", Info, "the invoice is not paid in full, so its commission is not yet earned";
    UnknownQualification = "S0112", "unknown-qualification", Warning, "a partner's staff qualification is not one the policy counts";
    AmountTooPrecise = "S0113", "amount-too-precise", Warning, "amounts have more decimals than the currency's minor unit; they are used as written";
    TrackAssumed = "S0403", "track-assumed", Info, "a partner without a track is taken to be in the only track its claim fits";
    AssumedMet = "S0401", "requirement-assumed-met", Info, "the scenario carries no data for a requirement, so it is assumed met";
    InviteOnly = "S0402", "invitation-missing", Info, "the partner meets an invite-only tier's requirements but was not invited";
}

impl FindingCode {
    /// Looks a code up by id (`S0105`) or name (`dual-financial-benefit`).
    pub fn lookup(text: &str) -> Option<FindingCode> {
        FindingCode::ALL
            .iter()
            .copied()
            .find(|c| c.id().eq_ignore_ascii_case(text) || c.name().eq_ignore_ascii_case(text))
    }
}

impl Serialize for FindingCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// One finding of a simulation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: FindingCode,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// Where the event is in the scenario (`file:line`) or its id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
}

impl Finding {
    /// A finding; like a diagnostic's, its message quotes scenario text in
    /// backticks and every quoted part is cut to 60 characters
    /// (`charter_diagnostics::text::cut_quotes`).
    pub fn new(code: FindingCode, message: impl Into<String>) -> Finding {
        let message = message.into();
        let message = match charter_diagnostics::text::cut_quotes(&message) {
            std::borrow::Cow::Borrowed(_) => message,
            std::borrow::Cow::Owned(cut) => cut,
        };
        Finding {
            code,
            severity: code.severity(),
            message,
            partner: None,
            customer: None,
            event: None,
        }
    }

    pub fn partner(mut self, p: impl Into<String>) -> Finding {
        self.partner = Some(p.into());
        self
    }

    pub fn customer(mut self, c: impl Into<String>) -> Finding {
        self.customer = Some(c.into());
        self
    }

    pub fn event(mut self, e: impl Into<String>) -> Finding {
        self.event = Some(e.into());
        self
    }
}

/// One finding for every amount (invoice, payment or refund up to `as_of`)
/// written with more decimals than the program's currency has, such as
/// `10.005` USD: the simulator uses such amounts exactly as written and
/// rounds each payout once, so the finding only points at the export.
pub(crate) fn too_precise_amounts(
    program: &Program,
    scenario: &Scenario,
    as_of: NaiveDate,
) -> Option<Finding> {
    let digits = minor_units(&program.currency);
    let mut count = 0usize;
    let mut first = None;
    for event in &scenario.events {
        let amount = match &event.kind {
            EventKind::Invoice {
                amount, currency, ..
            } if currency
                .as_ref()
                .is_none_or(|c| c.as_str() == program.currency) =>
            {
                amount
            }
            EventKind::Payment { amount, .. } | EventKind::Refund { amount, .. } => amount,
            _ => continue,
        };
        // `scale` is cheap; `normalize` only for the rare amount like `10.500`.
        if event.date > as_of || amount.scale() <= digits || amount.normalize().scale() <= digits {
            continue;
        }
        count += 1;
        first.get_or_insert((event, *amount));
    }
    let (event, amount) = first?;
    let others = match count {
        1 => String::new(),
        n => format!(" ({} more like it)", n - 1),
    };
    Some(
        Finding::new(
            FindingCode::AmountTooPrecise,
            format!(
                "the amount {amount} has more decimals than {}'s {digits}{others}; amounts are used as written and each payout is rounded once",
                program.currency
            ),
        )
        .event(scenario.event_location(event)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_id_is_quoted_cut() {
        let id = "p".repeat(10_000_000);
        let f = Finding::new(
            FindingCode::UnknownPartner,
            format!("an event names partner `{id}`, which the scenario does not declare"),
        );
        assert!(f.message.len() < 200, "{} bytes", f.message.len());
        assert!(f
            .message
            .ends_with("…`, which the scenario does not declare"));
    }
}
