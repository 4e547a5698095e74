//! The findings a simulation reports: scenario contradictions (errors), claims
//! and eligibility decisions (warnings), and assumptions (infos).

use charter_diagnostics::{Code, Severity, SourceDb, Span};
use charter_ir::units::minor_units;
use charter_ir::Program;
use charter_scenario::{EventKind, Scenario};
use chrono::NaiveDate;
use serde::Serialize;

macro_rules! finding_codes {
    ($( $variant:ident = $code:ident; )*) => {
        /// A simulation finding code: one of the S-codes of the one registry
        /// ([`charter_diagnostics::Code`]), which holds its id, name, severity
        /// and explanation (`charter explain S0105`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum FindingCode { $( $variant ),* }

        impl FindingCode {
            pub const ALL: &'static [FindingCode] = &[ $( FindingCode::$variant ),* ];

            /// The registry's code.
            pub fn code(self) -> Code {
                match self { $( FindingCode::$variant => Code::$code ),* }
            }
        }
    };
}

impl FindingCode {
    pub fn id(self) -> &'static str {
        self.code().id()
    }

    pub fn name(self) -> &'static str {
        self.code().name()
    }

    pub fn severity(self) -> Severity {
        self.code().info().severity
    }

    pub fn summary(self) -> &'static str {
        self.code().info().summary
    }
}

finding_codes! {
    UnknownTrack = SimUnknownTrack;
    UnknownTier = SimUnknownTier;
    UnknownModule = SimUnknownModule;
    UnknownBenefit = SimUnknownBenefit;
    DualFinancialBenefit = SimDualElectedBenefits;
    UnknownPartner = SimUnknownPartner;
    UnknownInvoice = SimUnknownInvoice;
    CurrencyMismatch = SimCurrencyMismatch;
    EntityNotAdmitted = SimEntityNotAdmitted;
    Overpayment = SimOverpayment;
    RefundExceedsPayments = SimRefundExceedsPayments;
    ContestedCustomer = SimContestedCustomer;
    AttributionRejected = SimAttributionRejected;
    Unattributed = SimUnattributed;
    LateDecision = SimLateDecision;
    NotEligible = SimNotEligible;
    RequirementNotMet = SimRequirementNotMet;
    ContractEnded = SimContractEnded;
    CutBackWithoutJoined = SimCutBackWithoutJoined;
    PendingFullPayment = SimPendingFullPayment;
    CapReached = SimCapReached;
    UnknownQualification = SimUnknownQualification;
    AmountTooPrecise = SimAmountTooPrecise;
    ModulesOnePerPartner = SimModulesOnePerPartner;
    TrackAssumed = SimTrackAssumed;
    AssumedMet = SimAssumedMet;
    InviteOnly = SimInviteOnly;
    ObligationBreached = SimObligationBreached;
    TaxRateUnused = SimTaxRateUnused;
    ExchangeRateMissing = SimExchangeRateMissing;
    PartnerCurrencyUnused = SimPartnerCurrencyUnused;
}

impl FindingCode {
    /// Looks a code up by id (`S0105`) or name (`dual-elected-benefits`).
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
    /// The policy rule involved (a commission, bonus, choose-one group...):
    /// its primary span, for editors; not in the JSON report.
    #[serde(skip)]
    pub rule_span: Option<Span>,
    /// Where that rule is written (`policy.charter:12:1`), named by
    /// [`Finding::locate`] from the policy's sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_location: Option<String>,
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
            rule_span: None,
            rule_location: None,
        }
    }

    /// The registry's code (`charter explain` explains it).
    pub fn diagnostic_code(&self) -> Code {
        self.code.code()
    }

    /// The policy rule involved, by its span.
    pub fn rule(mut self, span: Span) -> Finding {
        self.rule_span = Some(span);
        self
    }

    /// Names where the rule involved is written (`file:line:col`), if any.
    pub fn locate(&mut self, db: &SourceDb) {
        if let (Some(span), None) = (self.rule_span, &self.rule_location) {
            let (line, col) = db
                .get(span.file)
                .map_or((0, 0), |f| f.line_col(span.start as usize));
            self.rule_location = Some(format!("{}:{line}:{col}", db.path(span.file)));
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

/// Where scenario event `index` is written (`file:line`, a row, a JSON
/// path), with its `id` when it has one: how every finding names its event.
pub(crate) fn event_location(scenario: &Scenario, index: u32) -> String {
    let event = &scenario.events[index as usize];
    match &event.id {
        Some(id) => format!("{} ({})", scenario.event_location(event), id),
        None => scenario.event_location(event),
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
            EventKind::VendorContact { .. }
            | EventKind::Signup { .. }
            | EventKind::Trial { .. }
            | EventKind::Lead { .. }
            | EventKind::DirectRequest { .. }
            | EventKind::Referral { .. }
            | EventKind::Registration { .. }
            | EventKind::Attachment { .. }
            | EventKind::Order { .. }
            | EventKind::Invoice { .. }
            | EventKind::Activity { .. }
            | EventKind::Notice { .. }
            | EventKind::Invitation { .. }
            | EventKind::Staff { .. }
            | EventKind::ExchangeRate { .. } => continue,
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
