-- End-to-end test of Charter in headless Neovim (0.10 or newer): this folder's
-- plugin files, `charter lsp` and the tree-sitter parser, as a user gets them.
-- run.sh starts Neovim with init.lua (the user's config), which runs this file
-- once Neovim has started:
--
--   CHARTER_BIN=target/debug/charter CHARTER_PARSER_DIR=/tmp/x \
--     nvim --headless -u editors/neovim/test/init.lua
--
-- CHARTER_PARSER_DIR holds `parser/charter.so`, compiled from
-- editors/tree-sitter-charter/src/parser.c (run.sh does it). Prints one line
-- per check and ends with `N passed, N failed`; exits 1 when a check failed.

local root = vim.fs.normalize(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h:h:h:h"))
local parser_dir = os.getenv("CHARTER_PARSER_DIR")

local function say(line)
  io.stdout:write(line .. "\n")
end

local passed, failed = 0, 0
local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    say("ok   " .. name)
  else
    failed = failed + 1
    say("FAIL " .. name .. (detail and (": " .. tostring(detail)) or ""))
  end
end

local function wait(ms, cond)
  return vim.wait(ms, cond, 20)
end

-- A project of its own: a copy of a bundled policy beside a `.git` marker.
local project = vim.fn.tempname()
vim.fn.mkdir(project .. "/.git", "p")
local policy = project .. "/optimetriks.charter"
vim.fn.writefile(vim.fn.readfile(root .. "/policies/optimetriks.charter"), policy)

vim.cmd.edit(policy)
local buf = vim.api.nvim_get_current_buf()
check("filetype detection", vim.bo[buf].filetype == "charter", vim.bo[buf].filetype)
check("ftplugin: commentstring", vim.bo[buf].commentstring == "// %s", vim.bo[buf].commentstring)

-- Tree-sitter: the parser loads (ABI), parses the policy without errors, and the
-- highlight query captures a keyword.
if parser_dir then
  local ok, parser = pcall(vim.treesitter.get_parser, buf, "charter")
  check("tree-sitter parser loads", ok, parser)
  if ok then
    local tree = parser:parse()[1]
    check("tree-sitter parses the policy without errors", not tree:root():has_error())
    local query = vim.treesitter.query.get("charter", "highlights")
    check("highlights query loads", query ~= nil)
    local at_program
    for id, node in query:iter_captures(tree:root(), buf, 0, 20) do
      local row, col = node:range()
      if vim.treesitter.get_node_text(node, buf) == "program" and col == 0 then
        at_program = query.captures[id]
      end
      local _ = row
    end
    check("`program` is captured as @keyword", at_program == "keyword", at_program)
    check("tree-sitter highlighting is on", vim.treesitter.highlighter.active[buf] ~= nil)
    -- Folds from queries/charter/folds.scm: the program block folds.
    vim.wo.foldmethod = "expr"
    vim.wo.foldexpr = "v:lua.vim.treesitter.foldexpr()"
    local program_row
    for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
      if l:match("^program ") then
        program_row = i
        break
      end
    end
    check("the program block folds", program_row ~= nil and vim.fn.foldlevel(program_row + 1) > 0,
      program_row and vim.fn.foldlevel(program_row + 1))
  end
end

-- The language server attaches.
local client
wait(10000, function()
  client = vim.lsp.get_clients({ bufnr = buf, name = "charter" })[1]
  return client ~= nil and client.initialized
end)
check("charter lsp attaches", client ~= nil and client.initialized)
if client == nil then
  say(string.format("%d passed, %d failed", passed, failed + 1))
  os.exit(1)
end

-- Diagnostics after an edit: a misspelled track name.
local function line_of(pattern)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if line:find(pattern, 1, true) then
      return i - 1, line
    end
  end
end

local function diagnostics_with(code)
  return vim.tbl_filter(function(d)
    return d.code == code
  end, vim.diagnostic.get(buf))
end

wait(5000, function()
  return #vim.diagnostic.get(buf) > 0 or client.initialized
end)
local clean_before = #diagnostics_with("C0201") == 0
local row, line = line_of('benefit in_depth_training (enablement) for Affiliate')
vim.api.nvim_buf_set_lines(buf, row, row + 1, false, { (line:gsub("Affiliate", "Afiliate")) })
wait(10000, function()
  return #diagnostics_with("C0201") > 0
end)
local unknown = diagnostics_with("C0201")[1]
check("no unknown name before the edit", clean_before)
check("diagnostic after an edit", unknown ~= nil and unknown.lnum == row, vim.inspect(vim.diagnostic.get(buf)))
check(
  "the diagnostic names the unknown name",
  unknown ~= nil and unknown.message:find("Afiliate", 1, true) ~= nil,
  unknown and unknown.message
)
if unknown then
  say("     " .. unknown.code .. ": " .. unknown.message:gsub("\n.*", ""))
end
vim.api.nvim_buf_set_lines(buf, row, row + 1, false, { line })
wait(10000, function()
  return #diagnostics_with("C0201") == 0
end)
check("the diagnostic goes away when fixed", #diagnostics_with("C0201") == 0)

-- Hover and definition on a use of `Affiliate`.
local use_row, use_line = line_of('benefit ticketing_system (support) for Affiliate')
local params = {
  textDocument = vim.lsp.util.make_text_document_params(buf),
  position = { line = use_row, character = use_line:find("Affiliate", 1, true) },
}
local hover = vim.lsp.buf_request_sync(buf, "textDocument/hover", params, 10000)
local hover_text = ""
for _, response in pairs(hover or {}) do
  local contents = response.result and response.result.contents
  if type(contents) == "table" then
    hover_text = contents.value or vim.inspect(contents)
  end
end
check("hover", hover_text:find("Affiliate", 1, true) ~= nil, hover_text)
say("     hover: " .. (hover_text:gsub("\n.*", "")))

local definition = vim.lsp.buf_request_sync(buf, "textDocument/definition", params, 10000)
local target
for _, response in pairs(definition or {}) do
  local result = response.result
  if result then
    target = result[1] or result
  end
end
local track_row = line_of("track Affiliate {")
local target_range = target and (target.range or target.targetSelectionRange)
check(
  "definition goes to `track Affiliate`",
  target_range ~= nil and target_range.start.line == track_row,
  vim.inspect(target)
)

-- Formatting: a badly laid out file comes back in the canonical layout.
local messy = project .. "/messy.charter"
vim.fn.writefile({ "region   DACH=[DE,AT]", "partner acme {", "region DACH", "}" }, messy)
vim.cmd.edit(messy)
local messy_buf = vim.api.nvim_get_current_buf()
wait(10000, function()
  local c = vim.lsp.get_clients({ bufnr = messy_buf, name = "charter" })[1]
  return c ~= nil and c.initialized
end)
vim.lsp.buf.format({ bufnr = messy_buf, async = false, timeout_ms = 10000 })
local formatted = vim.api.nvim_buf_get_lines(messy_buf, 0, -1, false)
check(
  "formatting",
  vim.deep_equal(formatted, { "region DACH = [DE, AT]", "", "partner acme {", "  region DACH", "}" }),
  vim.inspect(formatted)
)

say(string.format("%d passed, %d failed", passed, failed))
vim.lsp.stop_client(vim.lsp.get_clients())
os.exit(failed == 0 and 0 or 1)
