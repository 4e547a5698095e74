" Vim syntax file
" Language:    Charter (partner-program policies, *.charter)
" Maintainer:  the Charter project (editors/neovim)
" Keeps to what TextMate-less editors need: keywords, names after their keyword,
" quantities with units, dates, strings, comments. The language server's semantic
" tokens refine it in Neovim when the server runs.

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match

" BEGIN vocabulary
" GENERATED from crates/charter-syntax/src/vocabulary.rs by its test editor_vocabulary.rs (CHARTER_UPDATE_VOCABULARY=1 rewrites it): do not edit.
" Items (a new item starts at the start of a line).
syn keyword charterItem import program tiers tier tracks track modules module benefit choose
syn keyword charterItem commission bonus attribute payout region partner obligation contract
syn keyword charterItem require
" Clause keywords and connectives.
syn keyword charterKeyword active after again agreement agreements amount any approval as at
syn keyword charterKeyword automatically back balance before below bounds by claims clawback
syn keyword charterKeyword collected_by commissions compete count currency customer
syn keyword charterKeyword customers cut date decided default discount down each earned
syn keyword charterKeyword elect elected eligible entities entity event exclusive existing
syn keyword charterKeyword first for force forfeited from full grant hold holidays if in
syn keyword charterKeyword individually installation invite invoices joined keep last lead
syn keyword charterKeyword leaving lifetime majeure managed marginal met minimum monthly
syn keyword charterKeyword most mrr next no non obligations of on once one only or orders
syn keyword charterKeyword over paid path payments pays per points products qualifications
syn keyword charterKeyword qualified rate renewals renews request required retroactive
syn keyword charterKeyword revenue review rounding sales self_referral set settle several
syn keyword charterKeyword sold source split staff statement stop subscription suspends
syn keyword charterKeyword target tax term termination to top trailing trial twice unless
syn keyword charterKeyword until up uplift users waive when where while whole with withheld
syn keyword charterKeyword within writing
" Enumerated values: event kinds (also with a final `s`) and the values of closed sets.
syn keyword charterConstant vendor_contact vendor_contacts referral referrals registration
syn keyword charterConstant registrations attachment attachments order orders invoice
syn keyword charterConstant invoices payment payments refund refunds activities activitiess
syn keyword charterConstant activity activitys notice notices invitation invitations
syn keyword charterConstant first_invoice first_payment first_order contract_start
syn keyword charterConstant attribution partner_sale vendor new renewal netted transfer
syn keyword charterConstant collection signed none quarter half_even half_up half_down
syn keyword charterConstant exclusive_first
" Duration units.
syn keyword charterUnit business day days week weeks month months year years
" END vocabulary

" Names after the keyword that declares or refers to them.
syn match charterTypeName "\%(\<\%(tier\|track\|module\|region\|partner\|entity\)\s\+\)\@<=\k\+"
syn match charterFuncName "\%(\<\%(commission\|bonus\|benefit\|obligation\)\s\+\)\@<=\k\+"

" Benefit categories: `benefit name (marketing)`.
syn match charterCategory "\%(\<benefit\s\+\k\+\s*(\s*\)\@<=\%(marketing\|sales\|enablement\|support\|financial\)\>"

" Quantities: `20%`, `1200 EUR`, `30 days`, `5 business days`, dates.
syn match charterNumber "\<\d\+\%(_\d\+\)*\%(\.\d\+\)\="
syn match charterDate "\<\d\{4}-\d\d-\d\d\>"
syn match charterUnit "%"
syn match charterUnit "\%(\d\s*\)\@<=[A-Z]\{3}\>"

syn match charterOperator ">=\|<=\|=\|>\|<"

" `region DACH = [DE, AT, CH]`: ISO 3166-1 codes.
syn region charterRegionList matchgroup=charterDelimiter start="\%(\<region\s\+\k\+\s*=\s*\)\@<=\[" end="\]" contains=charterCountry,charterComment,charterTypeName
syn match charterCountry "\<[A-Z]\{2}\>" contained

syn match charterEscape "\\." contained
syn region charterString start=+"+ skip=+\\.+ end=+"+ oneline contains=charterEscape

syn match charterComment "//.*$" contains=charterTodo,@Spell
syn match charterDocComment "///.*$" contains=charterTodo,@Spell
syn keyword charterTodo TODO FIXME XXX NOTE contained

hi def link charterItem       Structure
hi def link charterKeyword    Keyword
hi def link charterConstant   Constant
hi def link charterTypeName   Type
hi def link charterFuncName   Function
hi def link charterCategory   Constant
hi def link charterNumber     Number
hi def link charterDate       Number
hi def link charterUnit       Special
hi def link charterOperator   Operator
hi def link charterCountry    Constant
hi def link charterDelimiter  Delimiter
hi def link charterString     String
hi def link charterEscape     SpecialChar
hi def link charterComment    Comment
hi def link charterDocComment SpecialComment
hi def link charterTodo       Todo

let b:current_syntax = "charter"

let &cpo = s:cpo_save
unlet s:cpo_save
