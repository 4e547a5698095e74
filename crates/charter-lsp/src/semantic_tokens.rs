//! Semantic tokens (full document): names by the kind the checker resolved
//! them to, numbers with their units, strings, comments and doc comments from
//! the syntax tree, and the grammar's keywords for the words in between.

use crate::analysis::Analysis;
use crate::keywords::is_keyword;
use crate::syntax_index::NodeKind;
use charter_check::SymbolKind;
use charter_syntax::lexer::{self, TokenKind};
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend,
};

/// Token types, in legend order.
const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::CLASS,
    SemanticTokenType::INTERFACE,
    SemanticTokenType::STRUCT,
    SemanticTokenType::ENUM,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::TYPE,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::EVENT,
    SemanticTokenType::KEYWORD,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::COMMENT,
    SemanticTokenType::OPERATOR,
];

const MODIFIERS: &[SemanticTokenModifier] = &[
    SemanticTokenModifier::DECLARATION,
    SemanticTokenModifier::DOCUMENTATION,
    SemanticTokenModifier::DEFAULT_LIBRARY,
];

const DECLARATION: u32 = 1;
const DOCUMENTATION: u32 = 2;
const DEFAULT_LIBRARY: u32 = 4;

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

fn type_index(t: &SemanticTokenType) -> u32 {
    TYPES
        .iter()
        .position(|x| x == t)
        .and_then(|i| u32::try_from(i).ok())
        .unwrap_or(0)
}

fn name_type(kind: SymbolKind) -> SemanticTokenType {
    match kind {
        SymbolKind::Tier => SemanticTokenType::CLASS,
        SymbolKind::Track => SemanticTokenType::INTERFACE,
        SymbolKind::Module => SemanticTokenType::STRUCT,
        SymbolKind::Benefit => SemanticTokenType::PROPERTY,
        SymbolKind::ChooseGroup => SemanticTokenType::ENUM,
        SymbolKind::Commission | SymbolKind::Bonus => SemanticTokenType::FUNCTION,
        SymbolKind::Region => SemanticTokenType::NAMESPACE,
        SymbolKind::Country => SemanticTokenType::ENUM_MEMBER,
        SymbolKind::Partner => SemanticTokenType::VARIABLE,
        SymbolKind::Product | SymbolKind::Entity => SemanticTokenType::TYPE,
        SymbolKind::Agreement | SymbolKind::Qualification => SemanticTokenType::PARAMETER,
        SymbolKind::Obligation => SemanticTokenType::EVENT,
    }
}

/// One token before delta encoding: a byte range on one line.
struct Raw {
    start: usize,
    end: usize,
    kind: u32,
    modifiers: u32,
}

pub fn semantic_tokens(a: &Analysis) -> SemanticTokens {
    let root = a.root();
    let symbols = &a.compilation.symbols;
    // What each name span of this file resolved to, and whether it is the definition.
    let mut names: HashMap<(u32, u32), (SymbolKind, bool, bool)> = HashMap::new();
    for s in &symbols.symbols {
        if let Some(span) = s.span.filter(|sp| sp.file == root) {
            names.insert((span.start, span.end), (s.kind, true, false));
        }
    }
    for r in symbols.references.iter().filter(|r| r.span.file == root) {
        if let Some(s) = symbols.get(r.symbol) {
            names
                .entry((r.span.start, r.span.end))
                .or_insert((s.kind, false, s.span.is_none()));
        }
    }
    let mut raw: Vec<Raw> = Vec::new();
    let mut push = |start: u32, end: u32, t: SemanticTokenType, modifiers: u32| {
        raw.push(Raw {
            start: start as usize,
            end: end as usize,
            kind: type_index(&t),
            modifiers,
        })
    };
    for node in &a.index.nodes {
        let (s, e) = (node.span.start, node.span.end);
        match &node.kind {
            NodeKind::Name => {
                if let Some((kind, is_def, builtin)) = names.get(&(s, e)) {
                    let mut m = 0;
                    if *is_def {
                        m |= DECLARATION;
                    }
                    if *builtin {
                        m |= DEFAULT_LIBRARY;
                    }
                    push(s, e, name_type(*kind), m);
                }
            }
            NodeKind::DeclaredName(kind, _) => push(s, e, name_type(*kind), DECLARATION),
            NodeKind::Word(_) => push(s, e, SemanticTokenType::ENUM_MEMBER, 0),
            NodeKind::Quantity(_) | NodeKind::Count => push(s, e, SemanticTokenType::NUMBER, 0),
            NodeKind::String | NodeKind::Import(_) => push(s, e, SemanticTokenType::STRING, 0),
            NodeKind::Doc => push(s, e, SemanticTokenType::COMMENT, DOCUMENTATION),
            NodeKind::BracketMode(_) => push(s, e, SemanticTokenType::KEYWORD, 0),
            NodeKind::Window(_) => {}
        }
    }
    if let Some(ast) = a.ast() {
        for c in &ast.comments {
            push(c.span.start, c.span.end, SemanticTokenType::COMMENT, 0);
        }
    }
    raw.sort_by_key(|t| (t.start, t.end));
    let text = a.text();
    let keywords = lexical_tokens(text, &raw);
    raw.extend(keywords);
    raw.sort_by_key(|t| (t.start, t.end));
    encode(a, &raw)
}

/// Keywords and comparison operators in the gaps between the tree's tokens;
/// strings and comments of items too broken to be in the tree are skipped.
/// The text is read by Charter's one lexer (`charter_syntax::lexer`).
fn lexical_tokens(text: &str, taken: &[Raw]) -> Vec<Raw> {
    let keyword = type_index(&SemanticTokenType::KEYWORD);
    let operator = type_index(&SemanticTokenType::OPERATOR);
    let comment = type_index(&SemanticTokenType::COMMENT);
    let string = type_index(&SemanticTokenType::STRING);
    let mut out = Vec::new();
    let mut next_taken = 0;
    let mut tokens = lexer::tokens(text).peekable();
    while let Some(token) = tokens.next() {
        while next_taken < taken.len() && taken[next_taken].end <= token.start {
            next_taken += 1;
        }
        if taken.get(next_taken).is_some_and(|t| t.start < token.end) {
            continue;
        }
        let raw = |end: usize, kind: u32| Raw {
            start: token.start,
            end,
            kind,
            modifiers: 0,
        };
        match token.kind {
            TokenKind::Comment | TokenKind::DocComment => out.push(raw(token.end, comment)),
            TokenKind::String { .. } => out.push(raw(token.end, string)),
            TokenKind::Punct('<' | '>' | '=') => {
                let end = match tokens.peek() {
                    Some(next) if next.kind == TokenKind::Punct('=') && next.start == token.end => {
                        tokens.next().map_or(token.end, |n| n.end)
                    }
                    _ => token.end,
                };
                out.push(raw(end, operator));
            }
            TokenKind::Word if is_keyword(token.text(text)) => out.push(raw(token.end, keyword)),
            _ => {}
        }
    }
    out
}

fn encode(a: &Analysis, raw: &[Raw]) -> SemanticTokens {
    let root = a.root();
    let text = a.text();
    let mut data = Vec::with_capacity(raw.len());
    let (mut line, mut col) = (0, 0);
    let mut last_end = 0;
    for t in raw {
        if t.start < last_end {
            continue; // overlapping tokens are not allowed
        }
        let Some(slice) = text.get(t.start..t.end) else {
            continue;
        };
        if slice.contains('\n') || slice.is_empty() {
            continue;
        }
        let Some(pos) = a.position(root, t.start) else {
            continue;
        };
        let length = u32::try_from(slice.encode_utf16().count()).unwrap_or(u32::MAX);
        let delta_line = pos.line - line;
        let delta_start = if delta_line == 0 {
            pos.character - col
        } else {
            pos.character
        };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: t.kind,
            token_modifiers_bitset: t.modifiers,
        });
        line = pos.line;
        col = pos.character;
        last_end = t.end;
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}
