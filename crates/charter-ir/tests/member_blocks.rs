//! Blocks of tiers, tracks and modules fill the entries their lists name:
//! each block the first entry of its name not yet filled, in list order; a
//! block no entry waits for defines a new one.
#![allow(clippy::unwrap_used)]

use charter_diagnostics::FileId;

fn lower(text: &str) -> charter_ir::Program {
    let parse = charter_syntax::parse(FileId(0), text);
    assert!(parse.diagnostics.is_empty(), "{:?}", parse.diagnostics);
    charter_ir::lower(&[&parse.ast]).program
}

#[test]
fn blocks_fill_their_list_entries_in_order() {
    let program = lower(
        r#"program "P" { currency EUR }
tier Gold { require staff sales >= 3 }
tiers Bronze < Gold < Gold
tier Gold { require staff sales >= 4 }
tier Gold { require staff sales >= 5 }
tier Platinum { require staff sales >= 9 }
tracks Resell, Refer
track Refer { require staff sales >= 1 }
track Refer { require staff sales >= 2 }
modules Cloud, Cloud
module Cloud { require staff sales >= 1 }
"#,
    );
    let tiers: Vec<(&str, usize, usize, bool)> = program
        .tiers
        .iter()
        .map(|t| {
            (
                t.name.name.as_str(),
                t.rank,
                t.requirements.len(),
                t.block_span.is_some(),
            )
        })
        .collect();
    // The first `Gold` block fills the first `Gold` of the list, the second
    // the second; the third finds none waiting and is a tier of its own.
    assert_eq!(
        tiers,
        [
            ("Bronze", 0, 0, false),
            ("Gold", 1, 1, true),
            ("Gold", 2, 1, true),
            ("Gold", 3, 1, true),
            ("Platinum", 4, 1, true),
        ]
    );
    let staff = |t: &charter_ir::Tier| format!("{:?}", t.requirements[0].kind);
    assert!(staff(&program.tiers[1]).contains('3'));
    assert!(staff(&program.tiers[2]).contains('4'));
    assert!(staff(&program.tiers[3]).contains('5'));
    let tracks: Vec<(&str, usize)> = program
        .tracks
        .iter()
        .map(|t| (t.name.name.as_str(), t.requirements.len()))
        .collect();
    assert_eq!(tracks, [("Resell", 0), ("Refer", 1), ("Refer", 1)]);
    let modules: Vec<bool> = program
        .modules
        .iter()
        .map(|m| m.block_span.is_some())
        .collect();
    assert_eq!(modules, [true, false]);
}
