//! C0904 redundant-track-claims: a track's own `claims` rule that is the
//! program's (not a split), so deciding within the track and then between
//! tracks by one rule gives what deciding once does.

use charter_diagnostics::{Code, Diagnostic};
use charter_ir::ClaimPolicy;

use super::Context;

fn word(rule: &ClaimPolicy) -> Option<&'static str> {
    match rule {
        ClaimPolicy::First => Some("first"),
        ClaimPolicy::Last => Some("last"),
        ClaimPolicy::ExclusiveFirst => Some("exclusive_first"),
        ClaimPolicy::Split { .. } => None,
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(program_word) = word(&cx.program.claims) else {
        // Under a split each listed track's claimant is the one its own rule
        // picks: any track rule matters there.
        return;
    };
    for track in &cx.program.tracks {
        let Some((rule, span)) = &track.claims else {
            continue;
        };
        if word(rule) != Some(program_word) {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::RedundantTrackClaims,
                format!(
                    "track `{}` decides its contested customers by `claims {program_word}`, as the program does: the track's rule changes nothing",
                    track.name.name
                ),
                *span,
            )
            .with_help("deciding within the track and then between tracks by one rule is deciding once; give the track a rule other than the program's, or drop it"),
        );
    }
}
