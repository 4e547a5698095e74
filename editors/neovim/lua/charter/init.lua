-- Charter for Neovim: the language server (`charter lsp`) and the tree-sitter
-- parser, on Neovim 0.10 and 0.11+.
--
--   require("charter").setup()                      -- defaults
--   require("charter").setup({ cmd = { "/path/to/charter", "lsp" } })
--
-- On 0.11+ this is `vim.lsp.config("charter", ...)` and `vim.lsp.enable("charter")`
-- (the config is `lsp/charter.lua`); on 0.10 a FileType autocommand calls
-- `vim.lsp.start` (`lsp_api = "start"` asks for that on 0.11+ too). Older
-- versions get filetype detection and the Vim syntax file only, and a message
-- saying so.
local M = {}

M.defaults = {
  cmd = { "charter", "lsp" },
  filetypes = { "charter" },
  root_markers = { ".git", "policies" },
}

local function has(version)
  return vim.fn.has("nvim-" .. version) == 1
end

--- The project root of a buffer: the nearest folder holding a root marker, else
--- the buffer's own folder.
local function root_dir(bufnr, markers)
  local found = vim.fs.root(bufnr, markers)
  return found or vim.fs.dirname(vim.api.nvim_buf_get_name(bufnr))
end

--- Register the tree-sitter parser for the `charter` filetype, when a parser
--- named `charter` is installed (by nvim-treesitter, or as `parser/charter.so`
--- on 'runtimepath'), and start highlighting with it.
local function treesitter(bufnr)
  local ok = pcall(vim.treesitter.language.add, "charter")
  if ok then
    pcall(vim.treesitter.start, bufnr, "charter")
  end
end

function M.setup(opts)
  local config = vim.tbl_deep_extend("force", M.defaults, opts or {})
  if not has("0.10") then
    vim.notify("charter.nvim: the language server needs Neovim 0.10 or newer", vim.log.levels.WARN)
    return
  end
  if config.treesitter ~= false then
    vim.api.nvim_create_autocmd("FileType", {
      pattern = config.filetypes,
      group = vim.api.nvim_create_augroup("charter_treesitter", { clear = true }),
      callback = function(args)
        treesitter(args.buf)
      end,
    })
  end
  config.treesitter = nil
  local api = config.lsp_api
  config.lsp_api = nil
  if has("0.11") and api ~= "start" then
    vim.lsp.config("charter", config)
    vim.lsp.enable("charter")
    return
  end
  vim.api.nvim_create_autocmd("FileType", {
    pattern = config.filetypes,
    group = vim.api.nvim_create_augroup("charter_lsp", { clear = true }),
    callback = function(args)
      vim.lsp.start({
        name = "charter",
        cmd = config.cmd,
        root_dir = root_dir(args.buf, config.root_markers),
      }, { bufnr = args.buf })
    end,
  })
end

return M
