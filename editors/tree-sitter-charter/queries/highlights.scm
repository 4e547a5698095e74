; Highlights for Charter policies. Capture names follow nvim-treesitter's
; (https://github.com/nvim-treesitter/nvim-treesitter/blob/master/CONTRIBUTING.md),
; which the tree-sitter CLI and Neovim read as they are; editors/helix and
; editors/zed have copies with their editors' names, made and checked by
; bindings/rust/tests/editor_queries.rs.
; Where two patterns capture one node the last one wins (tree-sitter's
; highlighter since 0.23, Neovim, Zed), so the catch-all `(ident) @variable`
; comes first; Helix lets the first win, and its copy puts it last.

; Any name; the patterns below say which names are which.
(ident) @variable

(comment) @comment
(doc_comment) @comment.documentation

(string) @string
(number) @number
(date) @string.special
(currency) @type.builtin
(percent_sign) @type.builtin
(unit_business) @type.builtin
(unit_word) @type.builtin

(comparator) @operator
"<" @operator
"=" @operator

["{" "}" "(" ")" "[" "]"] @punctuation.bracket
["," ":"] @punctuation.delimiter

; Words of a closed set: what a base, a window, an event or a mode can be.
[
  (anchor)
  (attribution_method)
  (base_kind)
  (claims_order)
  (collector)
  (contract_state)
  (event_kind)
  (exclusive)
  (full)
  (invoice_kind)
  (leaving_effect)
  (marginal)
  (metric_kind)
  (once)
  (party)
  (payout_anchor)
  (period_word)
  (req_contract)
  (retroactive)
  (rounding_mode)
  (settle_mode)
  (window_rel)
] @constant.builtin

; Names where they are defined.
(tiers_decl (ident) @type.definition)
(tier . (ident) @type.definition)
(tracks_decl (name_list (ident) @type.definition))
(track . (ident) @type.definition)
(modules_decl (name_list (ident) @type.definition))
(module . (ident) @type.definition)
(products_setting (ident) @type.definition)
(benefit . (ident) @function)
(benefit . (ident) . (ident) @label)
(commission . (ident) @function)
(bonus . (ident) @function)
(obligation . (ident) @function)
(choose_one "as" . (ident) @type.definition)
(region (ident) @module)
(partner . (ident) @variable)

; Names where they are used.
(partner_tier (ident) @type)
(partner_track (ident) @type)
(partner_modules (name_list (ident) @type))
(eligible_tier (name_list (ident) @type))
(eligible_track (name_list (ident) @type))
(eligible_module (name_list (ident) @type))
(tier_rate (ident) @type)
(partner_region (ident) @module)

[
  "active" "after" "agreement" "agreements" "amount" "approval" "as" "at"
  "again" "any" "attribute" "automatically" "back" "balance" "before" "below" "benefit" "bonus" "bounds" "by"
  "choose" "claims" "clawback" "collected_by" "collection" "commission"
  "commissions" "compete" "contract" "count" "currency" "customer" "customers" "cut"
  "date" "decided" "default" "discount" "each" "earned" "elect" "elected" "eligible" "entities" "entity" "event"
  "existing" "first" "for" "forfeited" "force" "from" "grant" "hold" "holidays" "if" "import" "in"
  "individually" "installation" "invite" "invoices" "joined" "keep" "last"
  "leaving" "lifetime" "majeure" "managed" "met" "minimum" "module" "modules" "month" "monthly" "most" "netted" "new" "next"
  "no" "non" "notice" "obligation" "obligations" "of" "on" "once" "one" "only"
  "mrr" "or" "over" "paid" "partner" "path" "pays" "payout" "per" "points" "products" "program"
  "qualifications" "qualified" "lead"
  "rate" "refund" "region" "renewals" "renews" "request" "require" "required"
  "revenue"
  "review" "rounding" "self_referral" "set" "settle" "several" "sold" "source" "split" "staff"
  "statement" "stop" "subscription" "suspends" "target" "tax" "term" "termination" "tier" "tiers" "to" "top"
  "track" "tracks" "trailing" "twice" "unless" "until" "uplift" "users" "vendor_contact" "waive" "week" "when"
  "where" "while" "whole" "with" "withheld" "within" "writing" "year"
] @keyword
(per_subscription) @keyword

; `per trial`: the event is a one-word node.
(trial) @keyword
