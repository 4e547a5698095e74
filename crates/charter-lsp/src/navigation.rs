//! Go to definition, find references, document highlights and rename, all
//! from the checker's [`charter_check::SymbolTable`].

use crate::analysis::{self, Analysis};
use crate::keywords::is_keyword;
use crate::syntax_index::NodeKind;
use charter_check::SymbolKind;
use charter_diagnostics::{FileId, TextEdit};
use charter_ir::countries::country_name;
use charter_syntax::ast::ItemKind;
use std::path::Path;
use tower_lsp_server::ls_types::{
    DocumentHighlight, DocumentHighlightKind, GotoDefinitionResponse, Location, Position,
    PrepareRenameResponse, Range, WorkspaceEdit,
};

pub fn definition(a: &Analysis, position: Position) -> Option<GotoDefinitionResponse> {
    let offset = a.offset(position)?;
    if let Some(path) = a.index.at(offset).iter().find_map(|n| match &n.kind {
        NodeKind::Import(path) => Some(path.clone()),
        _ => None,
    }) {
        let base = Path::new(a.path()).parent()?.join(path);
        let target = analysis::normalize(&base);
        let uri = analysis::path_to_uri(&target.display().to_string())?;
        return Some(GotoDefinitionResponse::Scalar(Location {
            uri,
            range: Range::default(),
        }));
    }
    let (id, _) = a.symbol_at(offset)?;
    let span = a.compilation.symbols.get(id)?.span?;
    Some(GotoDefinitionResponse::Scalar(a.location(span)?))
}

pub fn references(
    a: &Analysis,
    position: Position,
    with_declaration: bool,
) -> Option<Vec<Location>> {
    let (id, _) = a.symbol_at(a.offset(position)?)?;
    Some(
        a.occurrences(id, with_declaration)
            .into_iter()
            .filter_map(|(span, _)| a.location(span))
            .collect(),
    )
}

pub fn highlights(a: &Analysis, position: Position) -> Option<Vec<DocumentHighlight>> {
    let (id, _) = a.symbol_at(a.offset(position)?)?;
    Some(
        a.occurrences(id, true)
            .into_iter()
            .filter(|(span, _)| span.file == a.root())
            .filter_map(|(span, is_definition)| {
                Some(DocumentHighlight {
                    range: a.range(span)?,
                    kind: Some(if is_definition {
                        DocumentHighlightKind::WRITE
                    } else {
                        DocumentHighlightKind::READ
                    }),
                })
            })
            .collect(),
    )
}

/// Why a rename cannot be done, shown to the user.
#[derive(Debug, PartialEq, Eq)]
pub struct RenameError(pub String);

pub fn prepare_rename(
    a: &Analysis,
    position: Position,
) -> Result<Option<PrepareRenameResponse>, RenameError> {
    let Some(offset) = a.offset(position) else {
        return Ok(None);
    };
    let Some((id, span)) = a.symbol_at(offset) else {
        return Ok(None);
    };
    let symbol = a
        .compilation
        .symbols
        .get(id)
        .ok_or_else(|| RenameError("no symbol here".into()))?;
    renameable(symbol)?;
    let range = a
        .range(span)
        .ok_or_else(|| RenameError("no symbol here".into()))?;
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
        range,
        placeholder: symbol.name.clone(),
    }))
}

pub fn rename(
    a: &Analysis,
    position: Position,
    new_name: &str,
) -> Result<Option<WorkspaceEdit>, RenameError> {
    let Some(offset) = a.offset(position) else {
        return Ok(None);
    };
    let Some((id, _)) = a.symbol_at(offset) else {
        return Ok(None);
    };
    let symbols = &a.compilation.symbols;
    let symbol = symbols
        .get(id)
        .ok_or_else(|| RenameError("no symbol here".into()))?;
    renameable(symbol)?;
    if new_name == symbol.name {
        return Ok(None);
    }
    validate_name(new_name)?;
    if symbol.kind == SymbolKind::Region && country_name(new_name).is_some() {
        return Err(RenameError(format!(
            "`{new_name}` is an ISO country code; a region needs another name"
        )));
    }
    for kind in clashing_kinds(symbol.kind) {
        if let Some(other) = symbols.lookup(*kind, new_name).and_then(|i| symbols.get(i)) {
            return Err(RenameError(format!(
                "`{new_name}` is already a {}",
                other.kind.describe()
            )));
        }
    }
    let edits: Vec<TextEdit> = a
        .occurrences(id, true)
        .into_iter()
        .map(|(span, _)| TextEdit {
            span,
            replacement: new_name.to_string(),
        })
        .collect();
    Ok(crate::convert::workspace_edit(a, &edits))
}

fn renameable(symbol: &charter_check::Symbol) -> Result<(), RenameError> {
    if symbol.span.is_none() {
        let what = if symbol.kind == SymbolKind::Country {
            "an ISO country code"
        } else {
            "built in"
        };
        return Err(RenameError(format!(
            "`{}` is {what} and cannot be renamed",
            symbol.name
        )));
    }
    Ok(())
}

/// The kinds whose names a symbol of `kind` may not take.
fn clashing_kinds(kind: SymbolKind) -> &'static [SymbolKind] {
    match kind {
        SymbolKind::Tier | SymbolKind::Track | SymbolKind::Module => {
            &[SymbolKind::Tier, SymbolKind::Track, SymbolKind::Module]
        }
        SymbolKind::Commission | SymbolKind::Bonus => &[SymbolKind::Commission, SymbolKind::Bonus],
        SymbolKind::Benefit => &[SymbolKind::Benefit],
        SymbolKind::ChooseGroup => &[SymbolKind::ChooseGroup],
        SymbolKind::Region => &[SymbolKind::Region, SymbolKind::Country],
        SymbolKind::Country => &[SymbolKind::Country],
        SymbolKind::Partner => &[SymbolKind::Partner],
        SymbolKind::Product => &[SymbolKind::Product],
        SymbolKind::Agreement => &[SymbolKind::Agreement],
        SymbolKind::Qualification => &[SymbolKind::Qualification],
        SymbolKind::Entity => &[SymbolKind::Entity],
        SymbolKind::Obligation => &[SymbolKind::Obligation],
    }
}

/// A new name must be one identifier of the grammar and no keyword.
pub fn validate_name(name: &str) -> Result<(), RenameError> {
    if is_keyword(name) {
        return Err(RenameError(format!(
            "`{name}` is a keyword of the language"
        )));
    }
    // The grammar decides what an identifier is: parse the name where one is expected.
    let probe = format!("tiers {name}\n");
    let parse = charter_syntax::parse(FileId(0), &probe);
    let is_ident = parse.diagnostics.is_empty()
        && matches!(
            parse.ast.items.as_slice(),
            [item] if matches!(&item.kind, ItemKind::TiersDecl(names) if names.len() == 1 && names[0].name == name)
        );
    if is_ident {
        Ok(())
    } else {
        Err(RenameError(format!("`{name}` is not a valid name")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_grammar() {
        assert!(validate_name("Gold").is_ok());
        assert!(validate_name("złoty_partner").is_ok());
        assert!(validate_name("Партнёр").is_ok());
        assert!(validate_name("_x1").is_ok());
        assert!(validate_name("1st").is_err());
        assert!(validate_name("two words").is_err());
        assert!(validate_name("").is_err());
        assert!(validate_name("tier").is_err());
        assert!(validate_name("for").is_err());
        assert!(validate_name("a<b").is_err());
        assert!(validate_name("x // c").is_err());
    }
}
