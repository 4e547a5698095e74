; Indentation for Zed: inside braces and brackets, one level more.
(_ "{" "}" @end) @indent
(_ "[" "]" @end) @indent
