//! One test per feature, driving the server through its service interface on
//! the real policies of `policies/`, with insta snapshots of the responses.
//! Run `cargo insta review` (or `INSTA_UPDATE=always cargo test`) to update.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod support;

use serde_json::{json, Value};
use support::{at, at_text, compact, find, policy, uri, TestServer};

const POLICIES: &[&str] = &[
    "cimpactpro.charter",
    "future-processing.charter",
    "leadsender.charter",
    "optimetriks.charter",
    "simpro.charter",
];

/// The markdown of a hover response (or `null`).
fn hover_text(v: &Value) -> String {
    v["contents"]["value"]
        .as_str()
        .map_or_else(|| "null".to_string(), str::to_string)
}

#[tokio::test]
async fn diagnostics_are_published_on_open() {
    let mut s = TestServer::new().await;
    let mut all = serde_json::Map::new();
    for name in POLICIES {
        let published = s.open_and_check(&uri(name), &policy(name)).await;
        assert_eq!(published["version"], 1);
        all.insert(name.to_string(), published["diagnostics"].clone());
    }
    insta::assert_json_snapshot!(compact(&all));
}

#[tokio::test]
async fn diagnostics_carry_code_link_related_information_and_utf16_ranges() {
    let mut s = TestServer::new().await;
    let text = policy("leadsender.charter")
        + "\n/// Партнёр из Казани.\npartner kazan \"ООО «Ромашка»\" { region RU exclusive tier Золото }\n\
           region ВОЛГА = [RU, KZ]\nregion ВОЛГА = [RU]\n";
    let published = s.open_and_check(&uri("leadsender.charter"), &text).await;
    let diagnostics = published["diagnostics"].as_array().unwrap();
    // `tier Золото`: the range counts UTF-16 units after `«Ромашка»`.
    let (line, col) = find(&text, "Золото", 0, 0);
    let unknown_tier = diagnostics
        .iter()
        .find(|d| d["range"]["start"] == json!({ "line": line, "character": col }))
        .unwrap_or_else(|| panic!("no diagnostic at {line}:{col}: {published}"));
    assert_eq!(unknown_tier["range"]["end"]["character"], col + 6);
    insta::assert_json_snapshot!(compact(&diagnostics));
}

#[tokio::test]
async fn diagnostics_follow_edits_and_drop_stale_versions() {
    let mut s = TestServer::new().await;
    let u = uri("simpro.charter");
    let text = policy("simpro.charter");
    let clean = s.open_and_check(&u, &text).await;
    assert_eq!(clean["diagnostics"], json!([]));
    // Three quick edits: only the newest version is checked and published.
    let (line, col) = find(&text, "for Select, Premier", 0, 4);
    let edit = |len: u32, replacement: &str| json!([{ "range": { "start": { "line": line, "character": col }, "end": { "line": line, "character": col + len } }, "text": replacement }]);
    s.change(&u, 2, edit(6, "Selec")).await;
    s.change(&u, 3, edit(5, "Select")).await;
    s.change(&u, 4, edit(6, "Selcet")).await;
    let published = s.diagnostics(&u).await;
    assert_eq!(published["version"], 4);
    let codes: Vec<&Value> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["code"])
        .collect();
    assert_eq!(codes, [&json!("C0201")]);
    let later = s
        .notifications_within(std::time::Duration::from_millis(200))
        .await;
    assert!(later.is_empty(), "stale diagnostics published: {later:?}");
    // Undo: the diagnostic goes away.
    s.change(&u, 5, edit(6, "Select")).await;
    let published = s.diagnostics(&u).await;
    assert_eq!(published["version"], 5);
    assert_eq!(published["diagnostics"], json!([]));
}

#[tokio::test]
async fn hover_explains_names_and_literals() {
    let mut s = TestServer::new().await;
    let mut out = String::new();
    let cases: &[(&str, &str, usize, usize)] = &[
        ("cimpactpro.charter", "commission sale", 0, 11),
        ("cimpactpro.charter", "renewal:", 0, 1),
        ("cimpactpro.charter", "whole amount", 0, 1),
        ("cimpactpro.charter", "region DACH exclusive", 0, 8),
        ("cimpactpro.charter", "DE, AT", 0, 0),
        ("cimpactpro.charter", "high_performer", 0, 1),
        ("cimpactpro.charter", "within 10 business days after", 0, 8),
        ("cimpactpro.charter", "staff trained", 0, 7),
        ("simpro.charter", "tier Select", 0, 5),
        ("simpro.charter", "tiers Registered < Select", 0, 20),
        ("simpro.charter", "benefit referral_fee", 0, 9),
        ("simpro.charter", "first_invoice", 0, 3),
        ("simpro.charter", "5 business days", 0, 0),
        ("simpro.charter", "(financial)", 0, 3),
        ("simpro.charter", "financial_benefit", 0, 2),
        ("future-processing.charter", "Silver: 10%", 0, 9),
        ("future-processing.charter", "Gold:", 0, 1),
        ("leadsender.charter", "commission netted", 0, 12),
        ("leadsender.charter", "individual (no", 0, 2),
        ("optimetriks.charter", "track Affiliate", 0, 7),
        ("optimetriks.charter", "of Starter", 0, 4),
    ];
    for name in POLICIES {
        s.open_and_check(&uri(name), &policy(name)).await;
    }
    for (name, needle, n, offset) in cases {
        let text = policy(name);
        let hover = s
            .result(
                "textDocument/hover",
                at_text(&uri(name), &text, needle, *n, *offset),
            )
            .await;
        out.push_str(&format!(
            "## {name}: `{needle}`\n{}\n\n",
            hover_text(&hover)
        ));
    }
    insta::assert_snapshot!(out);
}

#[tokio::test]
async fn definition_jumps_to_the_defining_name() {
    let mut s = TestServer::new().await;
    let mut out = Vec::new();
    for (name, needle, offset) in [
        ("simpro.charter", "for Select, Premier", 4),
        (
            "simpro.charter",
            "referral_fee, subscription_discount as",
            0,
        ),
        ("simpro.charter", "agreement partner_program", 10),
        ("cimpactpro.charter", "region BENELUX exclusive", 7),
        ("optimetriks.charter", "of Starter", 3),
        ("cimpactpro.charter", "DE, AT", 0),
    ] {
        let text = policy(name);
        let u = uri(name);
        s.open_and_check(&u, &text).await;
        let def = s
            .result(
                "textDocument/definition",
                at_text(&u, &text, needle, 0, offset),
            )
            .await;
        out.push(json!({ "at": format!("{name}: {needle}"), "definition": def }));
    }
    insta::assert_json_snapshot!(compact(&out));
}

#[tokio::test]
async fn references_and_highlights_include_declaration_lists() {
    let mut s = TestServer::new().await;
    let u = uri("simpro.charter");
    let text = policy("simpro.charter");
    s.open_and_check(&u, &text).await;
    let position = at_text(&u, &text, "tier Premier", 0, 6);
    let mut with_declaration = position.clone();
    with_declaration["context"] = json!({ "includeDeclaration": true });
    let mut without = position.clone();
    without["context"] = json!({ "includeDeclaration": false });
    let refs = s.result("textDocument/references", with_declaration).await;
    let uses = s.result("textDocument/references", without).await;
    let highlights = s.result("textDocument/documentHighlight", position).await;
    assert_eq!(
        refs.as_array().unwrap().len(),
        uses.as_array().unwrap().len() + 2,
        "the block name and the `tiers` list are declarations"
    );
    insta::assert_json_snapshot!(compact(
        &json!({ "references": refs, "highlights": highlights })
    ));
}

#[tokio::test]
async fn rename_edits_every_occurrence_and_validates_the_name() {
    let mut s = TestServer::new().await;
    let u = uri("simpro.charter");
    let text = policy("simpro.charter");
    s.open_and_check(&u, &text).await;
    let select = at_text(&u, &text, "tier Select", 0, 5);
    let prepare = s.result("textDocument/prepareRename", select.clone()).await;
    let rename = |name: &str| {
        let mut p = select.clone();
        p["newName"] = json!(name);
        p
    };
    let edit = s.result("textDocument/rename", rename("Wybrany")).await;
    let mut errors = serde_json::Map::new();
    for bad in ["two words", "tier", "Premier", "9lives", "ServiceProviders"] {
        let response = s.request("textDocument/rename", rename(bad)).await;
        errors.insert(bad.to_string(), response["error"].clone());
    }
    // A built-in name cannot be renamed.
    let cimpactpro = policy("cimpactpro.charter");
    s.open_and_check(&uri("cimpactpro.charter"), &cimpactpro)
        .await;
    let country = at_text(&uri("cimpactpro.charter"), &cimpactpro, "DE, AT", 0, 0);
    let builtin = s.request("textDocument/prepareRename", country).await;
    let region = {
        let mut p = at_text(
            &uri("cimpactpro.charter"),
            &cimpactpro,
            "region DACH =",
            0,
            8,
        );
        p["newName"] = json!("PL");
        s.request("textDocument/rename", p).await
    };
    insta::assert_json_snapshot!(compact(&json!({
        "prepare": prepare,
        "edit": edit,
        "invalid names": errors,
        "country code": builtin["error"],
        "region named like a country": region["error"],
    })));
}

/// Completion labels at the cursor `|` of `text`, opened as `name`.
async fn complete(
    s: &mut TestServer,
    name: &str,
    text: &str,
    trigger: Option<&str>,
) -> Vec<String> {
    let cursor = text.find('|').unwrap();
    let text = text.replacen('|', "", 1);
    let u = format!("file:///policies/completion/{name}");
    s.open(&u, &text).await;
    let (line, col) = {
        let before = &text[..cursor];
        let line = before.matches('\n').count() as u32;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[start..].encode_utf16().count() as u32)
    };
    let mut params = at(&u, line, col);
    if let Some(t) = trigger {
        params["context"] = json!({ "triggerKind": 2, "triggerCharacter": t });
    }
    let result = s.result("textDocument/completion", params).await;
    let labels = result
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["label"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    s.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": u } }),
    )
    .await;
    labels
}

#[tokio::test]
async fn completion_offers_what_the_context_expects() {
    let mut s = TestServer::new().await;
    let simpro = policy("simpro.charter");
    let cimpactpro = policy("cimpactpro.charter");
    let cases: Vec<(&str, String, Option<&str>)> = vec![
        ("top level", format!("{simpro}\n|"), None),
        ("in a tier block", simpro.replacen("  invite only", "  |\n  invite only", 1), None),
        ("in a commission block", cimpactpro.replacen("  bounds 20% to 30%\n  /// Partners", "  |\n  bounds 20% to 30%\n  /// Partners", 1), None),
        ("in a partner block", cimpactpro.replacen("  region DACH exclusive", "  |\n  region DACH exclusive", 1), None),
        ("in the program block", simpro.replacen("  claims first", "  claims first\n  |", 1), None),
        ("in a contract block", cimpactpro.replacen("  force majeure", "  |\n  force majeure", 1), None),
        ("after `for` in a benefit", format!("{simpro}\nbenefit extra (sales) for |"), Some(" ")),
        ("continuing a `for` list", format!("{simpro}\nbenefit extra (sales) for Registered, Sel|"), None),
        ("a benefit category", format!("{simpro}\nbenefit extra (|"), Some("(")),
        ("after `grant`", simpro.replacen("  invite only", "  grant |\n  invite only", 1), Some(" ")),
        ("after `elect` in a partner", format!("{simpro}\npartner acme {{\n  elect |\n}}"), Some(" ")),
        ("after `tier` in a partner", format!("{simpro}\npartner acme {{\n  tier |\n}}"), Some(" ")),
        ("after `modules` in a partner", format!("{simpro}\npartner acme {{\n  modules Technology, |\n}}"), Some(" ")),
        ("after `region` in a partner", format!("{cimpactpro}\npartner acme {{\n  region NO|\n}}"), None),
        ("after `entity`", format!("{cimpactpro}\npartner acme {{\n  entity |\n}}"), Some(" ")),
        ("after `staff` in a requirement", simpro.replacen("  invite only", "  require staff |\n  invite only", 1), Some(" ")),
        ("units after a number", format!("{simpro}\nobligation x within 5|"), None),
        ("units after a number and a space", format!("{cimpactpro}\nbonus b: 500 |"), Some(" ")),
        ("business days", format!("{simpro}\nobligation x within 5 business |"), Some(" ")),
        ("a window anchor", format!("{simpro}\ncommission c: 5% of payments, within 12 months from |"), Some(" ")),
        ("a payout anchor", format!("{simpro}\npayout within 30 days after |"), Some(" ")),
        ("an attribution method", format!("{simpro}\nattribute customer by |"), Some(" ")),
        ("tiers in a by-tier rate", format!("{simpro}\ncommission c {{\n  rate by tier {{ Registered: 5%, |"), Some(" ")),
        ("brackets", format!("{cimpactpro}\ncommission c {{\n  rate by sales over trailing 12 months, marginal {{\n    |\n  }}\n}}"), None),
        ("nothing after a space at a clause start", format!("{simpro}\ntier Select {{\n  |\n}}"), Some(" ")),
        ("nothing in a comment", format!("{simpro}\n// tier |"), None),
        ("nothing in a string", format!("{simpro}\nbenefit x (sales) for Select \"tier |"), None),
    ];
    let mut out = String::new();
    for (what, text, trigger) in cases {
        let labels = complete(&mut s, "c.charter", &text, trigger).await;
        let shown: Vec<String> = labels.iter().take(24).cloned().collect();
        let more = labels.len().saturating_sub(shown.len());
        out.push_str(&format!("{what}: {}", shown.join(" | ")));
        if more > 0 {
            out.push_str(&format!(" … (+{more})"));
        }
        out.push('\n');
    }
    insta::assert_snapshot!(out);
}

#[tokio::test]
async fn region_lists_complete_iso_country_codes_with_names() {
    let mut s = TestServer::new().await;
    let text = format!("{}\nregion BALTICS = [LT, |]", policy("cimpactpro.charter"));
    let cursor = text.find('|').unwrap();
    let text = text.replacen('|', "", 1);
    let u = uri("regions.charter");
    s.open(&u, &text).await;
    let (line, col) = find(&text, "LT, ", 0, 4);
    assert_eq!(text[..cursor].lines().count() as u32, line + 1);
    let result = s.result("textDocument/completion", at(&u, line, col)).await;
    let items = result.as_array().unwrap();
    let pick = |label: &str| {
        items
            .iter()
            .find(|i| i["label"] == label)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert!(items.len() > 249, "every ISO code and the regions");
    insta::assert_json_snapshot!(compact(&json!([
        pick("DACH"),
        pick("LV"),
        pick("EE"),
        pick("PL")
    ])));
}

#[tokio::test]
async fn document_symbols_outline_items_and_clauses() {
    let mut s = TestServer::new().await;
    let u = uri("cimpactpro.charter");
    s.open_and_check(&u, &policy("cimpactpro.charter")).await;
    let symbols = s
        .result(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": u } }),
        )
        .await;
    insta::assert_json_snapshot!(compact(&symbols));
}

#[tokio::test]
async fn workspace_symbols_search_every_open_document() {
    let mut s = TestServer::new().await;
    for name in POLICIES {
        s.open_and_check(&uri(name), &policy(name)).await;
    }
    let found = s
        .result("workspace/symbol", json!({ "query": "refer" }))
        .await;
    insta::assert_json_snapshot!(compact(&found));
}

#[tokio::test]
async fn folding_ranges_cover_blocks_and_comment_runs() {
    let mut s = TestServer::new().await;
    let u = uri("cimpactpro.charter");
    s.open_and_check(&u, &policy("cimpactpro.charter")).await;
    let ranges = s
        .result(
            "textDocument/foldingRange",
            json!({ "textDocument": { "uri": u } }),
        )
        .await;
    let lines: Vec<String> = ranges
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}..{} {}",
                r["startLine"],
                r["endLine"],
                r["kind"].as_str().unwrap_or("")
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}

#[tokio::test]
async fn semantic_tokens_classify_names_numbers_strings_and_comments() {
    let mut s = TestServer::new().await;
    let legend: Vec<&str> = vec![
        "namespace",
        "class",
        "interface",
        "struct",
        "enum",
        "enumMember",
        "type",
        "parameter",
        "variable",
        "property",
        "function",
        "event",
        "keyword",
        "string",
        "number",
        "comment",
        "operator",
    ];
    let u = uri("leadsender.charter");
    let text = policy("leadsender.charter");
    s.open_and_check(&u, &text).await;
    let tokens = s
        .result(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": u } }),
        )
        .await;
    let data: Vec<u32> = tokens["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect();
    // Decode into `line:col type[+modifiers] text`.
    let lines: Vec<&str> = text.lines().collect();
    let (mut line, mut col) = (0u32, 0u32);
    let mut out = Vec::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            col = t[1];
        } else {
            col += t[1];
        }
        let utf16: Vec<u16> = lines[line as usize].encode_utf16().collect();
        let slice = String::from_utf16_lossy(&utf16[col as usize..(col + t[2]) as usize]);
        let mut mods = Vec::new();
        for (bit, name) in ["declaration", "documentation", "defaultLibrary"]
            .iter()
            .enumerate()
        {
            if t[4] & (1 << bit) != 0 {
                mods.push(*name);
            }
        }
        let mods = if mods.is_empty() {
            String::new()
        } else {
            format!("+{}", mods.join("+"))
        };
        out.push(format!(
            "{}:{} {}{mods} {slice}",
            line + 1,
            col,
            legend[t[3] as usize]
        ));
    }
    insta::assert_snapshot!(out.join("\n"));
}

#[tokio::test]
async fn code_actions_offer_the_compilers_fixes_and_more() {
    let mut s = TestServer::new().await;
    let mut out = Vec::new();
    let cimpactpro = policy("cimpactpro.charter");
    let simpro = policy("simpro.charter");
    let cases = [
        ("did you mean", simpro.replacen("for Select, Premier\n", "for Selcet, Premier\n", 1), "Selcet"),
        ("currency", cimpactpro.replacen("1000 EUR once", "1000 USD once", 1), "1000 USD"),
        ("business days", simpro.replacen("within 12 months from first_invoice", "within 20 business days from first_invoice", 1), "20 business days"),
        ("bracket mode", cimpactpro.replacen(", whole amount {", " {", 1), "below 50000"),
        (
            "dual financial benefit",
            format!("{simpro}\npartner acme {{\n  tier Select\n  elect referral_fee, subscription_discount\n}}\n"),
            "subscription_discount\n}",
        ),
    ];
    for (what, text, needle) in cases {
        let u = format!(
            "file:///policies/actions/{}.charter",
            what.replace(' ', "-")
        );
        let published = s.open_and_check(&u, &text).await;
        let (line, col) = find(&text, needle, 0, 0);
        let actions = s
            .result(
                "textDocument/codeAction",
                json!({
                    "textDocument": { "uri": u },
                    "range": { "start": { "line": line, "character": col }, "end": { "line": line, "character": col } },
                    "context": { "diagnostics": published["diagnostics"] },
                }),
            )
            .await;
        let summary: Vec<Value> = actions
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                json!({
                    "title": a["title"],
                    "kind": a["kind"],
                    "preferred": a["isPreferred"],
                    "diagnostic": a["diagnostics"][0]["code"],
                    "edits": a["edit"]["changes"][&u],
                })
            })
            .collect();
        out.push(json!({ "case": what, "actions": summary }));
    }
    insta::assert_json_snapshot!(compact(&out));
}

#[tokio::test]
async fn inlay_hints_show_rate_ranges_tier_ranks_and_region_countries() {
    let mut s = TestServer::new().await;
    let mut out = serde_json::Map::new();
    for name in ["cimpactpro.charter", "simpro.charter"] {
        let u = uri(name);
        s.open_and_check(&u, &policy(name)).await;
        let hints = s
            .result(
                "textDocument/inlayHint",
                json!({ "textDocument": { "uri": u }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 10000, "character": 0 } } }),
            )
            .await;
        out.insert(name.to_string(), hints);
    }
    insta::assert_json_snapshot!(compact(&out));
}

#[tokio::test]
async fn code_lens_simulates_scenarios_next_to_the_policy() {
    let dir = std::env::temp_dir().join(format!("charter-lsp-lens-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy_path = dir.join("simpro.charter");
    std::fs::write(&policy_path, policy("simpro.charter")).unwrap();
    let mut s = TestServer::new().await;
    let u = format!("file://{}", policy_path.display());
    s.open_and_check(&u, &policy("simpro.charter")).await;
    let params = json!({ "textDocument": { "uri": u } });
    let none = s.result("textDocument/codeLens", params.clone()).await;
    std::fs::write(dir.join("simpro-q1.json"), "{}").unwrap();
    std::fs::write(dir.join("other.json"), "{}").unwrap();
    let lenses = s.result("textDocument/codeLens", params).await;
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(none, json!([]));
    let shown = serde_json::to_string_pretty(&lenses)
        .unwrap()
        .replace(&dir.display().to_string(), "[dir]");
    insta::assert_snapshot!(shown);
}

#[tokio::test]
async fn a_broken_item_does_not_stop_hover_and_completion_elsewhere() {
    let mut s = TestServer::new().await;
    let u = uri("simpro.charter");
    let text = policy("simpro.charter").replacen(
        "tier Premier {",
        "tier Premier {\n  require count orders per >= \n}\ntier Broken {",
        1,
    );
    let published = s.open_and_check(&u, &text).await;
    assert!(published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "C0101"));
    let hover = s
        .result(
            "textDocument/hover",
            at_text(&u, &text, "benefit referral_fee", 0, 9),
        )
        .await;
    assert!(hover_text(&hover).contains("financial"), "{hover}");
    let labels = complete(
        &mut s,
        "broken.charter",
        &format!("{text}\nbenefit extra (sales) for |"),
        Some(" "),
    )
    .await;
    assert!(labels.contains(&"Select".to_string()), "{labels:?}");
}

#[tokio::test]
async fn requests_for_closed_documents_and_far_positions_are_empty() {
    let mut s = TestServer::new().await;
    let closed = uri("never-opened.charter");
    for method in [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/completion",
    ] {
        let response = s.request(method, at(&closed, 0, 0)).await;
        assert_eq!(response["result"], Value::Null, "{method}: {response}");
    }
    let u = uri("simpro.charter");
    s.open_and_check(&u, &policy("simpro.charter")).await;
    for method in [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/references",
        "textDocument/prepareRename",
    ] {
        let mut params = at(&u, 100_000, 5);
        params["context"] = json!({ "includeDeclaration": true });
        let response = s.request(method, params).await;
        assert_eq!(response["result"], Value::Null, "{method}: {response}");
    }
    let unknown = s.request("charter/unknown", json!({})).await;
    assert_eq!(unknown["error"]["code"], -32601);
}

#[tokio::test]
async fn imports_resolve_against_open_buffers_first() {
    let mut s = TestServer::new().await;
    let roster = "partner acme \"Acme\" {\n  region DACH exclusive\n  tier Gold\n}\n";
    let main = "program \"P\" { currency EUR }\ntiers Silver < Gold\nregion DACH = [DE, AT, CH]\nimport \"roster-only-in-editor.charter\"\n";
    s.open("file:///policies/roster-only-in-editor.charter", roster)
        .await;
    let u = "file:///policies/main.charter";
    let published = s.open_and_check(u, main).await;
    assert_eq!(
        published["diagnostics"],
        json!([]),
        "the import is read from the open buffer"
    );
    // Go to definition on the import opens the roster.
    let def = s
        .result(
            "textDocument/definition",
            at_text(u, main, "roster-only", 0, 2),
        )
        .await;
    assert_eq!(def["uri"], "file:///policies/roster-only-in-editor.charter");
    // References to `Gold` include the roster's use.
    let mut params = at_text(u, main, "Gold", 0, 0);
    params["context"] = json!({ "includeDeclaration": true });
    let refs = s.result("textDocument/references", params).await;
    let uris: Vec<&str> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert!(
        uris.contains(&"file:///policies/roster-only-in-editor.charter"),
        "{uris:?}"
    );
    // Editing the roster re-checks the policy that imports it.
    s.change(
        "file:///policies/roster-only-in-editor.charter",
        2,
        json!([{ "text": roster.replace("tier Gold", "tier Platinum") }]),
    )
    .await;
    let published = s.diagnostics(u).await;
    let messages: Vec<&str> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        messages.is_empty(),
        "diagnostics of the roster belong to the roster: {messages:?}"
    );
}

/// The text after applying LSP text edits (ranges in UTF-16).
fn apply(text: &str, edits: &Value) -> String {
    let mut edits: Vec<&Value> = edits
        .as_array()
        .map(|e| e.iter().collect())
        .unwrap_or_default();
    let offset = |p: &Value| {
        let (line, col) = (
            p["line"].as_u64().unwrap() as usize,
            p["character"].as_u64().unwrap() as usize,
        );
        let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let rest = &text[line_start..];
        let mut units = 0;
        for (i, c) in rest.char_indices() {
            if units >= col || c == '\n' {
                return line_start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    edits.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    let mut out = text.to_string();
    for e in edits {
        let (start, end) = (offset(&e["range"]["start"]), offset(&e["range"]["end"]));
        out.replace_range(start..end, e["newText"].as_str().unwrap());
    }
    out
}

#[tokio::test]
async fn formatting_restores_the_canonical_layout_and_skips_broken_text() {
    let mut s = TestServer::new().await;
    let canonical = policy("leadsender.charter");
    let messy = canonical
        .replace("\n  settle netted", "\n        settle    netted")
        .replace(
            "benefit free_widgets (enablement)",
            "benefit   free_widgets(enablement)",
        );
    assert_ne!(messy, canonical);
    let u = uri("leadsender.charter");
    s.open_and_check(&u, &messy).await;
    let options = json!({ "tabSize": 2, "insertSpaces": true });
    let edits = s
        .result(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": u }, "options": options }),
        )
        .await;
    assert_eq!(apply(&messy, &edits), canonical);
    insta::assert_json_snapshot!(compact(&edits));
    // Range formatting touches only the items in the range.
    let (line, _) = find(&messy, "benefit   free_widgets", 0, 0);
    let range_edits = s
        .result(
            "textDocument/rangeFormatting",
            json!({ "textDocument": { "uri": u }, "options": options, "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 5 } } }),
        )
        .await;
    let partly = apply(&messy, &range_edits);
    assert!(
        partly.contains("benefit free_widgets (enablement)"),
        "{partly}"
    );
    assert!(partly.contains("        settle    netted"), "{partly}");
    // A document with a syntax error is not formatted.
    let broken = format!("{messy}\ncommission oops: five of payments\n");
    s.change(&u, 2, json!([{ "text": broken }])).await;
    let none = s
        .result(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": u }, "options": options }),
        )
        .await;
    assert_eq!(none, Value::Null);
}

#[tokio::test]
async fn the_simulate_command_runs_a_scenario_against_the_open_policy() {
    let dir = std::env::temp_dir().join(format!("charter-lsp-simulate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = dir.join("future-processing-rates.json");
    let source = format!(
        "{}/../../tests/scenarios/future-processing/03-rate-by-tier.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::copy(&source, &scenario).unwrap();
    let mut s = TestServer::new().await;
    let u = format!("file://{}", dir.join("future-processing.charter").display());
    s.open_and_check(&u, &policy("future-processing.charter"))
        .await;
    let lenses = s
        .result(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": u } }),
        )
        .await;
    let command = &lenses[0]["command"];
    assert_eq!(command["command"], "charter.simulate");
    let summary = s
        .result(
            "workspace/executeCommand",
            json!({ "command": command["command"], "arguments": command["arguments"] }),
        )
        .await;
    let message = s.next_notification().await;
    let bad = s
        .request(
            "workspace/executeCommand",
            json!({ "command": "charter.simulate", "arguments": [dir.join("missing.json").display().to_string(), u] }),
        )
        .await;
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(message["method"], "window/showMessage");
    assert!(
        bad["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("missing.json")),
        "{bad}"
    );
    // The totals and standings are the scenario's hand-derived expectations;
    // findings are the simulator's to word, so only their presence is checked.
    assert!(summary["findings"].is_array());
    assert!(message["params"]["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("future-processing-rates.json: ")));
    insta::assert_json_snapshot!(json!({
        "payouts": summary["payouts"],
        "totals": summary["totals"],
        "standings": summary["standings"],
        "as_of": summary["as_of"],
    }));
}
