; Text objects for Helix: `maf`/`mif` select a top-level item or a block's
; inside (`]f`/`[f` move between items), `mac` a comment.
[
  (program)
  (tiers_decl)
  (tier)
  (tracks_decl)
  (track)
  (modules_decl)
  (module)
  (benefit)
  (choose_one)
  (commission)
  (bonus)
  (attribution)
  (payout)
  (region)
  (partner)
  (obligation)
  (contract)
  (requirement)
  (import)
] @function.around

[
  (comment)
  (doc_comment)
] @comment.around
