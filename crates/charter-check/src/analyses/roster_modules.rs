//! A roster partner holding two modules of a program whose modules are
//! `{ one per partner }`: C0403 roster-partner-two-modules (the simulator's
//! S0114 for a scenario's partner record).

use super::Context;
use charter_diagnostics::{Code, Diagnostic};

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if cx.program.modules_several {
        return;
    }
    let module = |name: &str| cx.program.modules.iter().any(|m| m.name.name == name);
    for partner in &cx.program.partners {
        if cx.has_error_within(partner.span) {
            continue;
        }
        // The first module the partner lists, then the first other one.
        let mut listed = partner.modules.iter().filter(|m| module(&m.name));
        let Some(first) = listed.next() else { continue };
        let Some(second) = listed.find(|m| m.name != first.name) else {
            continue;
        };
        let mut d = Diagnostic::new(
            Code::RosterTwoModules,
            format!(
                "partner `{}` holds modules `{}` and `{}`, but the program allows one module per partner",
                partner.id.name, first.name, second.name
            ),
            second.span,
        )
        .with_primary_label("second module")
        .with_label(first.span, "first module")
        .with_help("list one module, or drop `{ one per partner }` from the `modules` list");
        if let Some(span) = cx.program.modules_span {
            d = d.with_label(span, "one module per partner");
        }
        out.push(d);
    }
}
