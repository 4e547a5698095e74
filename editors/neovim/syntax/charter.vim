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

" Items (a new item starts at the start of a line).
syn keyword charterItem import program tiers tier tracks track modules module benefit
syn keyword charterItem choose commission bonus attribute payout region partner obligation
syn keyword charterItem contract

" Clause keywords and connectives.
syn keyword charterKeyword currency products agreements entities qualifications rounding
syn keyword charterKeyword holidays claims split require invite only grant eligible entity
syn keyword charterKeyword agreement staff count revenue set individually last several one
syn keyword charterKeyword discount rate bounds uplift settle clawback collected_by lifetime
syn keyword charterKeyword while active customer customers pays trailing whole amount
syn keyword charterKeyword marginal retroactive elected once first exclusive installation no
syn keyword charterKeyword approval required decided existing request full monthly statement
syn keyword charterKeyword paid next source hold elect target joined term renews review
syn keyword charterKeyword automatically writing termination keep earned waive renewals stop
syn keyword charterKeyword commissions force majeure suspends obligations non compete up down
syn keyword charterKeyword of for within when where with to below from after before per in
syn keyword charterKeyword over by on as at

" Enumerated values.
syn keyword charterConstant vendor_contact vendor_contacts referral referrals registration
syn keyword charterConstant registrations attachment attachments order orders invoice invoices
syn keyword charterConstant payment payments refund refunds activity activities notice notices
syn keyword charterConstant invitation invitations first_invoice first_payment first_order
syn keyword charterConstant contract_start attribution partner_sale vendor new renewal netted
syn keyword charterConstant transfer collection signed none quarter half_even half_up half_down
syn keyword charterConstant exclusive_first sales

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
syn keyword charterUnit business day days week weeks month months year years

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
