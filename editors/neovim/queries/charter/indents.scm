; Indentation (nvim-treesitter's captures): a block's lines are indented one
; level, and its closing `}` or `]` goes back.
[
  (program)
  (tier)
  (track)
  (module)
  (modules_decl)
  (partner)
  (contract)
  (benefit_block)
  (commission_block)
  (attribution_block)
  (rate_by_metric)
  (rate_by_tier)
  (claims_split)
  (region)
] @indent.begin

[
  "}"
  "]"
] @indent.branch @indent.end

(comment) @indent.auto
