" Charter policies: `*.charter` files get the `charter` filetype.
" Vimscript, so that it works in every Neovim (0.7 too) and in Vim.
autocmd BufRead,BufNewFile *.charter setfiletype charter
