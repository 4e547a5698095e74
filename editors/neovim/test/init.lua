-- The user's init.lua of the end-to-end test (run.sh starts Neovim with it):
-- this folder's plugin on 'runtimepath' and the setup call, as README.md says,
-- then the checks of e2e.lua once Neovim has started.
local here = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
local neovim_dir = vim.fn.fnamemodify(here, ":h")
vim.opt.runtimepath:prepend(neovim_dir)
local parser_dir = os.getenv("CHARTER_PARSER_DIR")
if parser_dir then
  vim.opt.runtimepath:append(parser_dir)
end
-- CHARTER_LSP_API=start: the Neovim 0.10 way (`vim.lsp.start`), on this Neovim.
local api = os.getenv("CHARTER_LSP_API")
require("charter").setup({
  cmd = { assert(os.getenv("CHARTER_BIN"), "CHARTER_BIN is not set"), "lsp" },
  lsp_api = api ~= "" and api or nil,
})

vim.api.nvim_create_autocmd("VimEnter", {
  once = true,
  callback = function()
    -- Scheduled: outside the autocommand, so that opening a file runs the
    -- filetype, ftplugin and LSP autocommands as it does for a user.
    vim.schedule(function()
      local ok, err = pcall(dofile, here .. "/e2e.lua")
      if not ok then
        io.stdout:write("FAIL the test itself: " .. tostring(err) .. "\n0 passed, 1 failed\n")
        os.exit(1)
      end
    end)
  end,
})
