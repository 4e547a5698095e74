//! §4 **Assumptions.**
//!
//! > Text requirements (`require "…"`) are assumed met, and so is `set
//! > individually` for a partner without a revenue target; the result says so
//! > (S0401). With `--assume unmet` every one of them counts as not met
//! > instead.
//!
//! The reference adds one case LANGUAGE.md states with it (a decision of the
//! reference, written there too): a `staff` requirement of a partner with no
//! staff data at all — no staff in the roster or the scenario, no `staff`
//! event so far — is assumed met, like the other requirements no scenario
//! measures. Staff data that lacks the qualification counts as zero.

use charter_ir::RequirementKind;

/// Whether a requirement of this kind is assumed met for want of data.
/// `has_staff_data`, `has_revenue_target` and `has_joined` say what the
/// partner's data holds.
pub fn assumed_met(
    kind: &RequirementKind,
    has_staff_data: bool,
    has_revenue_target: bool,
    has_joined: bool,
) -> bool {
    match kind {
        RequirementKind::Text { .. } => true,
        RequirementKind::Staff { .. } => !has_staff_data,
        RequirementKind::Revenue {
            threshold: charter_ir::RevenueThreshold::SetIndividually,
            ..
        } => !has_revenue_target,
        // §7 Composite tier metrics: no `joined` date, no period to miss.
        RequirementKind::AnyOf(_) => !has_joined,
        RequirementKind::Contract
        | RequirementKind::Agreement { .. }
        | RequirementKind::Count { .. }
        | RequirementKind::Points(_)
        | RequirementKind::Mrr(_)
        | RequirementKind::Revenue { .. } => false,
    }
}
