//! The Charter extension for Zed: starts the language server as `charter lsp`.
//!
//! The binary is the one named in Zed's settings (`lsp.charter.binary.path`,
//! with `arguments` replacing `["lsp"]`), else `charter` on the worktree's
//! `PATH` (`cargo install --path crates/charter-cli` puts it there).

use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

struct CharterExtension;

impl zed::Extension for CharterExtension {
    fn new() -> Self {
        CharterExtension
    }

    fn language_server_command(
        &mut self,
        language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(language_server_id.as_ref(), worktree)
            .ok()
            .and_then(|settings| settings.binary);
        let configured = binary.as_ref().and_then(|b| b.path.clone());
        let args = binary
            .and_then(|b| b.arguments)
            .unwrap_or_else(|| vec!["lsp".to_string()]);
        let command = match configured {
            Some(path) => path,
            None => worktree.which("charter").ok_or_else(|| {
                "`charter` is not on PATH: install it with `cargo install --path crates/charter-cli` \
                 from a Charter checkout, or set `lsp.charter.binary.path` in Zed's settings"
                    .to_string()
            })?,
        };
        Ok(zed::Command {
            command,
            args,
            env: worktree.shell_env(),
        })
    }
}

zed::register_extension!(CharterExtension);
