//! Words that can follow a list after a comma are reserved (issue 15):
//! `while` (a commission window after a product list) and `exclusive` (an
//! attribution flag after a product list) are never read as one more name.
#![allow(clippy::unwrap_used, clippy::panic)]

use charter_diagnostics::FileId;
use charter_syntax::ast::{BaseFilter, ItemKind};
use charter_syntax::vocabulary::KEYWORD_ONLY;

fn parse(text: &str) -> charter_syntax::Parse {
    charter_syntax::parse(FileId(0), text)
}

#[test]
fn while_after_a_product_list_is_the_window() {
    let parse =
        parse("commission c: 5% of payments for products Starter, Pro, while customer pays\n");
    assert!(parse.diagnostics.is_empty(), "{:?}", parse.diagnostics);
    let ItemKind::Commission(c) = &parse.ast.items[0].kind else {
        panic!("not a commission")
    };
    let head = c.head.as_ref().unwrap();
    let products: Vec<&str> = head
        .base
        .filters
        .iter()
        .flat_map(|f| match f {
            BaseFilter::Products { names, .. } => names.iter().map(|n| n.name.as_str()).collect(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(products, ["Starter", "Pro"]);
    assert!(head.window.is_some());
}

#[test]
fn exclusive_after_a_product_list_is_the_flag() {
    let parse = parse("attribute customer by partner_sale of Starter, exclusive\n");
    assert!(parse.diagnostics.is_empty(), "{:?}", parse.diagnostics);
    let ItemKind::Attribution(a) = &parse.ast.items[0].kind else {
        panic!("not an attribution rule")
    };
    let products: Vec<&str> = a.products.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(products, ["Starter"]);
    assert_eq!(a.clauses.len(), 1, "the flag is a clause, not a product");
}

#[test]
fn every_reserved_word_is_refused_as_a_name() {
    for word in KEYWORD_ONLY {
        let parse = parse(&format!("region {word} = [DE]\n"));
        assert!(
            !parse.diagnostics.is_empty(),
            "`{word}` was accepted as a region name"
        );
    }
    assert!(KEYWORD_ONLY.contains(&"while") && KEYWORD_ONLY.contains(&"exclusive"));
}
