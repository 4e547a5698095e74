//! Who a rule applies to: scopes, benefits received, a commission's
//! eligibility (entity, contract, tiers, tracks, modules) and the
//! requirements of the program and of a rule's track or module.

use crate::payouts::PartnerRun;
use crate::plan::{BenefitId, Member, RuleId, ScopeId, Target};
use charter_ir::Settlement;
use chrono::NaiveDate;

impl PartnerRun<'_, '_> {
    pub(crate) fn is_member(&self, m: Member) -> bool {
        self.stat.is_member(m, self.seq)
    }

    pub(crate) fn in_scope(&self, scope: ScopeId, date: NaiveDate) -> bool {
        match scope {
            ScopeId::Program => true,
            ScopeId::Track(t) => self.stat.in_track(t, self.seq),
            ScopeId::Module(m) => self.stat.holds_module(m),
            ScopeId::Tier(t) => self.standing_at(date) == Some(t),
            ScopeId::Benefit(b) => self.receives_benefit(b, date),
            ScopeId::Unknown => false,
        }
    }

    pub(crate) fn receives_benefit(&self, b: BenefitId, date: NaiveDate) -> bool {
        let benefit = &self.plan.benefits[b.0 as usize];
        if benefit.in_group && !self.stat.elected.contains(&b) && !benefit.granted {
            return false;
        }
        if benefit.available_to.is_empty() {
            return true;
        }
        benefit.available_to.iter().any(|t| match t {
            Target::Tier(tier) => self.standing_at(date) == Some(*tier),
            Target::Member(track, module) => self.is_member(*track) || self.is_member(*module),
        })
    }

    /// Why commission rule `r` is closed to the partner, if it is.
    pub(crate) fn ineligible(&self, r: RuleId, date: NaiveDate) -> Option<String> {
        let rule = &self.plan.program.commissions[r.0 as usize];
        let rp = &self.plan.rules[r.0 as usize];
        let entity = self.stat.entity;
        let entity_def = self.plan.entity(entity);
        if rp.settlement == Settlement::Transfer && entity_def.is_some_and(|(_, netted)| netted) {
            return Some(format!(
                "the program pays `{}` partners only by netting at source, and `{}` is paid by transfer",
                entity.as_str(),
                rule.name.name
            ));
        }
        let (Some(e), Some(ids)) = (&rule.eligibility, &rp.eligibility) else {
            return None;
        };
        if !ids.entities.is_empty() && !ids.entities.contains(&entity) {
            return Some(format!(
                "`{}` is open to {} only, and the partner is a `{}`",
                rule.name.name,
                e.entities
                    .iter()
                    .map(|x| format!("`{}`", x.name))
                    .collect::<Vec<_>>()
                    .join(", "),
                entity.as_str()
            ));
        }
        if e.with_contract.is_some() {
            let no_contract = entity_def.is_some_and(|(no_contract, _)| no_contract);
            if !self.stat.contract || no_contract {
                return Some(format!(
                    "`{}` requires a signed partner contract",
                    rule.name.name
                ));
            }
        }
        if !ids.tiers.is_empty() {
            let standing = self.standing_at(date);
            if !ids.tiers.iter().any(|t| t.is_some() && *t == standing) {
                return Some(format!(
                    "`{}` is open to tiers {} only",
                    rule.name.name,
                    e.tiers
                        .iter()
                        .map(|x| format!("`{}`", x.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        if !ids.tracks.is_empty() && !ids.tracks.iter().any(|m| self.is_member(*m)) {
            return Some(format!("`{}` is open to other tracks only", rule.name.name));
        }
        if !ids.modules.is_empty() && !ids.modules.iter().any(|m| self.is_member(*m)) {
            return Some(format!(
                "`{}` is open to other modules only",
                rule.name.name
            ));
        }
        None
    }

    /// The first requirement of `list` (the program's, and a rule's track's
    /// or module's) the partner fails, and why. The contract's end does not
    /// touch them: `require contract` asks for a signed contract, which a
    /// partner that gave notice still has (LANGUAGE.md §4, Tier standing).
    pub(crate) fn unmet_requirements(&self, list: &[usize], date: NaiveDate) -> Option<String> {
        list.iter().find_map(|&r| self.requirement_fails(r, date))
    }
}
