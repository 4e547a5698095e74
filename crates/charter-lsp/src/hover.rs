//! Hover: a name's doc comment and resolved meaning (a commission's rate, a
//! tier's rank, a region's countries), or what a literal or vocabulary word means.

use crate::analysis::Analysis;
use crate::describe;
use crate::syntax_index::{NodeKind, WordKind};
use charter_check::{Symbol, SymbolId, SymbolKind};
use charter_ir::countries::country_name;
use charter_ir::*;
use charter_syntax::ast::{self, BracketModeKw};
use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

pub fn hover(a: &Analysis, position: Position) -> Option<Hover> {
    let offset = a.offset(position)?;
    if let Some((id, span)) = a.symbol_at(offset) {
        return Some(markdown(symbol(a, id)?, a.range(span)));
    }
    let nodes = a.index.at(offset);
    let node = nodes.first()?;
    let program = &a.compilation.program;
    let text = match &node.kind {
        NodeKind::Quantity(q) => describe::quantity(q, program),
        NodeKind::Word(kind) => {
            let word = a.compilation.db.slice(node.span);
            let window = nodes.iter().find_map(|n| match &n.kind {
                NodeKind::Window(w) => Some(w),
                _ => None,
            });
            word_meaning(a, *kind, word, window)?
        }
        NodeKind::BracketMode(kw) => {
            let mode = match kw {
                BracketModeKw::WholeAmount => BracketMode::WholeAmount,
                BracketModeKw::Marginal => BracketMode::Marginal,
                BracketModeKw::Retroactive => BracketMode::Retroactive,
            };
            format!(
                "bracket mode **{}**: {}",
                mode.as_str(),
                describe::bracket_mode(mode)
            )
        }
        NodeKind::Import(path) => format!(
            "imports `{path}`, read relative to this file; its definitions join this policy"
        ),
        NodeKind::Window(_)
        | NodeKind::Name
        | NodeKind::DeclaredName(..)
        | NodeKind::Count
        | NodeKind::String
        | NodeKind::Doc => return None,
    };
    Some(markdown(text, a.range(node.span)))
}

fn markdown(value: String, range: Option<tower_lsp_server::ls_types::Range>) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range,
    }
}

fn word_meaning(
    a: &Analysis,
    kind: WordKind,
    word: &str,
    window: Option<&ast::WindowKind>,
) -> Option<String> {
    Some(match kind {
        WordKind::Anchor => {
            let anchor = Anchor::parse(word)?;
            let mut s = format!("window anchor **{word}**: {}", describe::anchor(anchor));
            if let Some(ast::WindowKind::Within { length, from, .. }) = window {
                let length = a.compilation.db.slice(length.span);
                let rel = if *from { "from" } else { "after" };
                s.push_str(&format!(
                    "\n\nthe commission covers invoices issued within {length} {rel} {}",
                    describe::anchor(anchor)
                ));
            }
            s
        }
        WordKind::Category => {
            let category = BenefitCategory::ALL
                .iter()
                .find(|(n, _)| *n == word)
                .map(|(_, c)| *c)?;
            let note = if category == BenefitCategory::Financial {
                ": money to the partner (commissions, discounts, bonuses); a partner may be limited to one by `choose one of`"
            } else {
                ""
            };
            format!("benefit category **{word}**{note}")
        }
        WordKind::EventKind => {
            let event = EventKind::parse(word)?;
            format!("event **{}** of a customer or partner", event.as_str())
        }
        WordKind::Currency => {
            format!("**{word}**: the program's currency; every amount in the policy is in {word}")
        }
        WordKind::ActivityKind => format!("activity kind **{word}**, counted by name"),
        WordKind::ObligationEvent => {
            format!("**{word}**: the event the obligation's deadline runs from")
        }
        WordKind::DiscountTarget => format!("the discount applies to **{word}**"),
        WordKind::PayoutAnchor
        | WordKind::BaseKind
        | WordKind::InvoiceKind
        | WordKind::Collector
        | WordKind::MetricKind
        | WordKind::AttributionMethod
        | WordKind::SettleMode
        | WordKind::RoundingMode
        | WordKind::ClaimsOrder
        | WordKind::Party => format!("**{word}**: {}", describe::vocabulary(word)?),
    })
}

/// The hover text of a symbol: what it is, its doc comment, its meaning.
pub fn symbol(a: &Analysis, id: SymbolId) -> Option<String> {
    let s = a.compilation.symbols.get(id)?;
    let mut out = format!("{} `{}`", s.kind.describe(), s.name);
    if s.span.is_none() {
        out.push_str(" (built in)");
    }
    let details = details(&a.compilation.program, s);
    if let Some(docs) = &s.docs {
        if s.kind != SymbolKind::Country {
            out.push_str("\n\n");
            out.push_str(docs);
        }
    }
    if !details.is_empty() {
        out.push_str("\n\n");
        out.push_str(&details.join("\n"));
    }
    Some(out)
}

fn bullet(lines: &mut Vec<String>, text: impl Into<String>) {
    lines.push(format!("- {}", text.into()));
}

fn details(p: &Program, s: &Symbol) -> Vec<String> {
    let mut out = Vec::new();
    let name = s.name.as_str();
    match s.kind {
        SymbolKind::Tier => {
            if let Some(t) = p.tiers.iter().find(|t| t.name.name == name) {
                let order: Vec<String> = p
                    .tiers
                    .iter()
                    .map(|x| {
                        if x.name.name == name {
                            format!("**{}**", x.name.name)
                        } else {
                            x.name.name.clone()
                        }
                    })
                    .collect();
                bullet(
                    &mut out,
                    format!(
                        "rank {} of {}: {}",
                        t.rank + 1,
                        p.tiers.len(),
                        order.join(" < ")
                    ),
                );
                if t.invite_only.is_some() {
                    bullet(&mut out, "by invitation only");
                }
                requirements(&mut out, &t.requirements);
                if t.rank > 0 && !t.requirements.is_empty() {
                    bullet(&mut out, "the requirements of lower tiers carry up");
                }
                grants(&mut out, &t.grants);
            }
            available_benefits(&mut out, p, name);
        }
        SymbolKind::Track | SymbolKind::Module => {
            let groups = if s.kind == SymbolKind::Track {
                &p.tracks
            } else {
                &p.modules
            };
            if let Some(g) = groups.iter().find(|g| g.name.name == name) {
                requirements(&mut out, &g.requirements);
                grants(&mut out, &g.grants);
                if let Some(e) = &g.eligibility {
                    bullet(&mut out, format!("eligible: {}", eligibility(e)));
                }
            }
            if s.kind == SymbolKind::Module && p.modules_several {
                bullet(&mut out, "a partner may combine several modules");
            }
            available_benefits(&mut out, p, name);
        }
        SymbolKind::Benefit => {
            if let Some(b) = p.benefits.iter().find(|b| b.name.name == name) {
                bullet(&mut out, format!("category: {}", b.category.as_str()));
                if b.available_to.is_empty() {
                    bullet(&mut out, "available to every partner");
                } else {
                    let targets: Vec<String> = b
                        .available_to
                        .iter()
                        .map(|t| match &t.note {
                            Some(n) => format!("`{}` ({n})", t.target.name),
                            None => format!("`{}`", t.target.name),
                        })
                        .collect();
                    bullet(&mut out, format!("available to {}", targets.join(", ")));
                }
                for d in &b.discounts {
                    bullet(
                        &mut out,
                        format!("customer discount {} on `{}`", d.rate, d.on.name),
                    );
                }
            }
            for c in p
                .commissions
                .iter()
                .filter(|c| c.scope == Scope::Benefit(name.to_string()))
            {
                bullet(&mut out, format!("commission `{}`", c.name.name));
            }
            for g in p
                .choose_groups
                .iter()
                .filter(|g| g.benefits.iter().any(|b| b.name == name))
            {
                bullet(
                    &mut out,
                    format!("partners choose one of {}", describe::names(&g.benefits)),
                );
            }
        }
        SymbolKind::ChooseGroup => {
            if let Some(g) = p.choose_groups.iter().find(|g| g.name.name == name) {
                bullet(
                    &mut out,
                    format!(
                        "a partner receives at most one of {}",
                        describe::names(&g.benefits)
                    ),
                );
            }
        }
        SymbolKind::Commission => {
            if let Some(c) = p.commissions.iter().find(|c| c.name.name == name) {
                commission(&mut out, p, c);
            }
        }
        SymbolKind::Bonus => {
            if let Some(b) = p.bonuses.iter().find(|b| b.name.name == name) {
                bullet(&mut out, format!("applies to {}", b.scope.describe()));
                let freq = match b.frequency {
                    BonusFrequency::Once => "once",
                    BonusFrequency::OncePerYear => "once per year",
                };
                bullet(
                    &mut out,
                    format!(
                        "**{}** {freq} when {}",
                        b.amount,
                        describe::condition(&b.condition, &p.currency)
                    ),
                );
            }
        }
        SymbolKind::Region => {
            if let Some(r) = p.regions.iter().find(|r| r.name.name == name) {
                let countries = describe::region_countries(p, name);
                bullet(
                    &mut out,
                    format!("countries: {}", describe::country_list(&countries)),
                );
                if r.members.iter().any(|m| country_name(&m.name).is_none()) {
                    bullet(
                        &mut out,
                        format!("written as {}", describe::names(&r.members)),
                    );
                }
            }
            partners_in(&mut out, p, name);
        }
        SymbolKind::Country => {
            if let Some(n) = country_name(name) {
                bullet(&mut out, format!("{n} (ISO 3166-1 alpha-2 `{name}`)"));
            }
            let regions: Vec<String> = p
                .regions
                .iter()
                .filter(|r| describe::region_countries(p, &r.name.name).contains(&name))
                .map(|r| format!("`{}`", r.name.name))
                .collect();
            if !regions.is_empty() {
                bullet(&mut out, format!("in regions {}", regions.join(", ")));
            }
        }
        SymbolKind::Partner => {
            if let Some(x) = p.partners.iter().find(|x| x.id.name == name) {
                partner(&mut out, p, x);
            }
        }
        SymbolKind::Product => {
            if let Some(i) = p.products.iter().position(|x| x.name == name) {
                let order: Vec<&str> = p.products.iter().map(|x| x.name.as_str()).collect();
                bullet(
                    &mut out,
                    format!("plan {} of {}: {}", i + 1, order.len(), order.join(" < ")),
                );
            }
        }
        SymbolKind::Entity => {
            if let Some(e) = p.entities.iter().find(|e| e.name.name == name) {
                if e.no_contract.is_some() {
                    bullet(&mut out, "the program signs no contract with it");
                }
                if e.netted_only.is_some() {
                    bullet(&mut out, "it can only be paid by netting at source");
                }
            }
        }
        SymbolKind::Obligation => {
            if let Some(o) = p.obligations.iter().find(|o| o.name.name == name) {
                let party = match o.party {
                    Party::Vendor => "the vendor",
                    Party::Partner => "the partner",
                };
                let mut s = format!("owed by {party}");
                if let Some(w) = o.within {
                    s.push_str(&format!(" within {w}"));
                    if let Some(after) = &o.after {
                        s.push_str(&format!(" after `{after}`"));
                    }
                }
                bullet(&mut out, s);
                bullet(&mut out, format!("applies to {}", o.owner.describe()));
                if !o.scope.is_empty() {
                    bullet(&mut out, format!("only for {}", describe::names(&o.scope)));
                }
            }
        }
        SymbolKind::Agreement | SymbolKind::Qualification => {}
    }
    out
}

fn requirements(out: &mut Vec<String>, reqs: &[Requirement]) {
    if reqs.is_empty() {
        return;
    }
    bullet(out, "requires:");
    for r in reqs {
        out.push(format!("  - {}", describe::requirement(r)));
    }
}

fn grants(out: &mut Vec<String>, grants: &[NameRef]) {
    if !grants.is_empty() {
        bullet(out, format!("grants {}", describe::names(grants)));
    }
}

fn available_benefits(out: &mut Vec<String>, p: &Program, member: &str) {
    let list: Vec<String> = p
        .benefits
        .iter()
        .filter(|b| b.available_to.iter().any(|t| t.target.name == member))
        .map(|b| format!("`{}`", b.name.name))
        .collect();
    if !list.is_empty() {
        bullet(out, format!("benefits: {}", list.join(", ")));
    }
}

fn eligibility(e: &Eligibility) -> String {
    let mut parts = Vec::new();
    for (what, list) in [
        ("entity", &e.entities),
        ("tier", &e.tiers),
        ("track", &e.tracks),
        ("module", &e.modules),
    ] {
        if !list.is_empty() {
            parts.push(format!("{what} {}", describe::names(list)));
        }
    }
    let mut s = parts.join(", ");
    if e.with_contract.is_some() {
        s.push_str(" with a signed contract");
    }
    s
}

fn commission(out: &mut Vec<String>, p: &Program, c: &CommissionRule) {
    bullet(out, format!("applies to {}", c.scope.describe()));
    for line in describe::rate_lines(&c.rate, &p.currency) {
        if line.starts_with("  ") {
            out.push(line);
        } else {
            bullet(out, line);
        }
    }
    if let Some((low, high, _)) = c.bounds {
        bullet(out, format!("bounds {low} to {high}"));
    }
    for u in &c.uplifts {
        bullet(
            out,
            format!(
                "uplift +{} when {}",
                u.amount,
                describe::condition(&u.condition, &p.currency)
            ),
        );
    }
    bullet(out, format!("of {}", describe::base(&c.base)));
    let per = if c.per_subscription.is_some() {
        ", per subscription"
    } else {
        ""
    };
    bullet(out, format!("window: {}{per}", describe::window(&c.window)));
    if let Some(e) = &c.eligibility {
        bullet(out, format!("eligible: {}", eligibility(e)));
    }
    bullet(
        out,
        format!("settled {}", describe::settlement(c.settlement)),
    );
    if let Some(cb) = &c.clawback {
        match cb.within {
            Some(d) => bullet(out, format!("clawed back on a refund within {d}")),
            None => bullet(out, "clawed back on any refund"),
        }
    }
    let schedule = c.payout.as_ref().or_else(|| {
        p.payouts
            .iter()
            .find(|s| s.scope == c.scope)
            .or_else(|| p.payouts.iter().find(|s| s.scope == Scope::Program))
    });
    if let Some(s) = schedule {
        bullet(out, format!("payout: {}", describe::payout(s)));
    }
    for cap in &c.caps {
        bullet(
            out,
            format!("{cap} (calendar {}s, per partner)", cap.period.as_str()),
        );
    }
    if let Some((d, _)) = &c.active_for {
        bullet(
            out,
            format!("held until the partner has been active {d} since joining; forfeited if it leaves before"),
        );
    }
    if let Some(cut) = &c.cut_back {
        bullet(
            out,
            format!(
                "cut back to {} unless the partner stands in tier `{}` (or higher) within {} of joining; what it paid above {} before is taken back on the deadline",
                cut.rate, cut.tier.name, cut.within, cut.rate
            ),
        );
    }
}

fn partners_in(out: &mut Vec<String>, p: &Program, region: &str) {
    let list: Vec<String> = p
        .partners
        .iter()
        .filter_map(|x| {
            let a = x.regions.iter().find(|r| r.region.name == region)?;
            Some(if a.exclusive {
                format!("`{}` (exclusive)", x.id.name)
            } else {
                format!("`{}`", x.id.name)
            })
        })
        .collect();
    if !list.is_empty() {
        bullet(out, format!("partners: {}", list.join(", ")));
    }
}

fn partner(out: &mut Vec<String>, p: &Program, x: &RosterPartner) {
    if let Some(n) = &x.display_name {
        bullet(out, format!("\"{n}\""));
    }
    if let Some(t) = &x.tier {
        bullet(out, format!("tier `{}`", t.name));
    }
    if let Some(t) = &x.track {
        bullet(out, format!("track `{}`", t.name));
    }
    if !x.modules.is_empty() {
        bullet(out, format!("modules {}", describe::names(&x.modules)));
    }
    for r in &x.regions {
        let countries = describe::region_countries(p, &r.region.name);
        let exclusive = if r.exclusive { ", exclusive" } else { "" };
        bullet(
            out,
            format!(
                "region `{}`{exclusive}: {}",
                r.region.name,
                describe::country_list(&countries)
            ),
        );
    }
    if let Some(e) = &x.entity {
        bullet(out, format!("entity `{}`", e.name));
    }
    if !x.elected.is_empty() {
        bullet(out, format!("elected {}", describe::names(&x.elected)));
    }
}
