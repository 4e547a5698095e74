-- Charter language server for Neovim 0.11+ (`:help lsp-config`).
--
-- With editors/neovim on 'runtimepath', enable it from init.lua:
--   vim.lsp.enable("charter")
-- Override fields with vim.lsp.config("charter", { ... }), e.g. a debug build:
--   vim.lsp.config("charter", { cmd = { "/path/to/charter/target/debug/charter", "lsp" } })
--
-- The `charter` binary comes from `cargo install --path crates/charter-cli`.
return {
  cmd = { "charter", "lsp" },
  filetypes = { "charter" },
  -- The project root: the nearest folder with a `.git`, else one with a `policies` folder.
  root_markers = { ".git", "policies" },
}
