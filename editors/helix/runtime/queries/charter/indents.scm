; Indentation for Helix: a block's lines are indented one level, its closing
; `}` or `]` goes back.
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
] @indent

[
  "}"
  "]"
] @outdent
