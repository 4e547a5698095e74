-- Charter policies: `*.charter` files get the `charter` filetype.
vim.filetype.add({ extension = { charter = "charter" } })
