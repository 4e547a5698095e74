; Blocks that fold.
[
  (program)
  (tier)
  (track)
  (module)
  (partner)
  (contract)
  (benefit_block)
  (commission_block)
  (attribution_block)
  (rate_by_metric)
  (rate_by_tier)
  (claims_split)
] @fold
