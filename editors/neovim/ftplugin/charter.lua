-- Buffer settings for Charter policies.
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = true

vim.bo.commentstring = "// %s"
vim.bo.comments = ":///,://"
vim.bo.expandtab = true
vim.bo.shiftwidth = 2
vim.bo.softtabstop = 2
-- Continue `///` and `//` comments on <Enter> and `o`.
vim.bo.formatoptions = vim.bo.formatoptions:gsub("[t]", "") .. "croql"
-- Names may contain Unicode letters and `_` (Neovim already counts letters above 255).
vim.bo.iskeyword = "@,48-57,_,192-255"

vim.b.undo_ftplugin = "setlocal commentstring< comments< expandtab< shiftwidth< softtabstop< formatoptions< iskeyword<"
