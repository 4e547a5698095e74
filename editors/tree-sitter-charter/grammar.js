/**
 * @file Tree-sitter grammar for Charter policies (`*.charter`).
 *
 * This grammar follows `grammar/charter.pest`, the reference grammar of the
 * language, rule for rule and with the same rule names, so that the two can be
 * compared (the differential test in `bindings/rust/tests.rs` parses every test
 * policy with both and compares the top-level items). When the pest grammar
 * changes, change this file the same way and regenerate `src/parser.c`
 * (README.md says how).
 *
 * Differences that cannot be avoided, all on text that neither accepts as a
 * policy anyway:
 * - pest refuses the words of `keyword_only` as names everywhere; here a
 *   keyword is a keyword only where the grammar expects it (tree-sitter's
 *   keyword extraction), so `region of = [DE]` is an error in pest only;
 * - a keyword that pest matches without a word boundary (`commissionx: ...`)
 *   is one word here.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const commaSep1 = (rule) => seq(rule, repeat(seq(',', rule)));

// A word of a closed set as a named leaf (`base_kind` holding `payments`):
// the word stays a keyword for the lexer, and the node has no anonymous
// child, so a highlight query never captures one word twice.
const oneOf = (name, ...words) => choice(...words.map((w) => alias(w, name)));

// The event kinds of `event_kind`, each also with a final `s` as in the pest
// grammar (`"order" ~ "s"?`).
const EVENT_KINDS = [
  'vendor_contact', 'referral', 'registration', 'attachment', 'order', 'invoice',
  'payment', 'refund', 'activities', 'activity', 'notice', 'invitation',
];

module.exports = grammar({
  name: 'charter',

  extras: $ => [/[ \t\r\n\uFEFF]/, $.comment],

  word: $ => $.ident,

  conflicts: $ => [
    // `eligible tier A, B, track C`, `attribute customer by x of A, exclusive`,
    // `region R = [A, B,]`: after a name and a comma, the next word tells
    // whether the list goes on.
    [$.name_list],
    // `of payments for products A` then `for lifetime`: the word after `for`
    // tells a product filter from a window.
    [$.base],
    // `monthly statement, ...` then `, after collection` or `, hold 30 days`.
    [$.payout_statement],
    [$.payout_period_statement],
    // `minimum 50 EUR` then `per path`: `per` could start another quantity's unit.
    [$.payout_minimum],
  ],

  rules: {
    source_file: $ => repeat($._item),

    // Doc comments before an item are its siblings here (`item = doc* ~ (...)`).
    _item: $ => seq(optional($._docs), choice(
      $.import,
      $.program,
      $.tiers_decl,
      $.tier,
      $.tracks_decl,
      $.track,
      $.modules_decl,
      $.module,
      $.benefit,
      $.choose_one,
      $.commission,
      $.bonus,
      $.attribution,
      $.payout,
      $.region,
      $.partner,
      $.obligation,
      $.contract,
      $.requirement,
    )),

    // ------------------------------------------------------------ lexical

    comment: _ => token(choice('//', seq('//', /[^/\r\n][^\r\n]*/))),
    doc_comment: _ => token(seq('///', /[^\r\n]*/)),
    _docs: $ => repeat1($.doc_comment),

    ident: _ => /[\p{XID_Start}_]\p{XID_Continue}*/,

    string: _ => token(seq('"', repeat(choice(/[^"\\\r\n]/, /\\(.|\r|\n)/)), '"')),

    number: _ => /[0-9]+(_[0-9]+)*(\.[0-9]+)?/,
    date: _ => token(prec(2, /[0-9]{4}-[0-9]{2}-[0-9]{2}/)),
    currency: _ => token(prec(1, /[A-Z][A-Z][A-Z]/)),
    _percent_sign: $ => oneOf($.percent_sign, '%'),

    _unit_business: $ => oneOf($.unit_business, 'business'),
    _unit_word: $ => oneOf($.unit_word, 'days', 'day', 'weeks', 'week', 'months', 'month', 'years', 'year'),
    duration_unit: $ => seq(optional($._unit_business), $._unit_word),

    quantity: $ => choice(
      $.date,
      seq($.number, optional(choice($._percent_sign, $.currency, $.duration_unit))),
    ),

    _comparator: $ => oneOf($.comparator, '>=', '<=', '=', '>', '<'),

    name_list: $ => commaSep1($.ident),

    // ------------------------------------------------------------ program

    import: $ => seq('import', $.string),

    program: $ => seq('program', $.string, '{', repeat($.program_setting), '}'),
    program_setting: $ => seq(optional($._docs), choice(
      $.currency_setting,
      $.products_setting,
      $.agreements_setting,
      $.entities_setting,
      $.qualifications_setting,
      $.rounding_setting,
      $.holidays_setting,
      $.claims_setting,
      $.tax_setting,
      $.partner_currency_setting,
      $.in_force,
    )),
    currency_setting: $ => seq('currency', $.currency),
    products_setting: $ => seq('products', $.ident, repeat(seq('<', $.ident))),
    agreements_setting: $ => seq('agreements', $.name_list),
    qualifications_setting: $ => seq('qualifications', $.name_list),
    entities_setting: $ => seq('entities', commaSep1($.entity_def)),
    entity_def: $ => seq($.ident, optional(seq('(', commaSep1($.entity_restriction), ')'))),
    entity_restriction: $ => choice($.no_contract, $.netted_only),
    no_contract: _ => seq('no', 'contract'),
    netted_only: _ => seq('netted', 'only'),
    rounding_setting: $ => seq('rounding', $._rounding_mode, optional(seq('to', $.number))),
    _rounding_mode: $ => oneOf($.rounding_mode, 'half_even', 'half_up', 'half_down', 'down', 'up'),
    holidays_setting: $ => seq('holidays', commaSep1($.quantity)),
    claims_setting: $ => seq('claims', choice($.claims_split, $._claims_order)),
    _claims_order: $ => oneOf($.claims_order, 'first', 'last', 'exclusive_first'),
    claims_split: $ => seq('split', '{', commaSep1($.share), optional(','), '}'),
    share: $ => seq($.ident, $.quantity),
    tax_setting: _ => seq('tax', 'on', 'top', 'of', 'commission'),
    partner_currency_setting: _ => seq('paid', 'in', 'partner', 'currency', 'at', 'rate', 'of', 'event', 'date'),

    // ------------------------------------------------------------ tiers, tracks, modules

    tiers_decl: $ => seq('tiers', $.ident, repeat(seq('<', $.ident))),
    tier: $ => seq('tier', $.ident, '{', repeat($.member_clause), '}'),
    tracks_decl: $ => seq('tracks', $.name_list),
    track: $ => seq('track', $.ident, '{', repeat($.member_clause), '}'),
    modules_decl: $ => seq('modules', $.name_list, optional(seq('{', $.several, '}'))),
    several: _ => seq(choice('several', 'one'), 'per', 'partner'),
    module: $ => seq('module', $.ident, '{', repeat($.member_clause), '}'),

    member_clause: $ => seq(optional($._docs), choice(
      $.invite_only,
      $.requirement,
      $.grant,
      $.eligible,
      $.attribution,
      $.commission,
      $.bonus,
      $.payout,
      $.obligation,
      $.track_claims,
    )),

    invite_only: _ => seq('invite', 'only'),
    track_claims: $ => seq('claims', $._claims_order),
    grant: $ => seq('grant', $.name_list),

    requirement: $ => seq('require', $.requirement_body, optional($.scope_suffix),
      optional($.in_force)),
    scope_suffix: $ => seq('for', $.name_list),
    requirement_body: $ => choice(
      $._req_contract,
      $.req_agreement,
      $.req_staff,
      $.req_count,
      $.req_revenue,
      $.req_points,
      $.req_mrr,
      $.req_any_of,
      $.req_text,
    ),
    _req_contract: $ => oneOf($.req_contract, 'contract'),
    req_agreement: $ => seq('agreement', $.ident),
    req_staff: $ => seq('staff', $.ident, $._comparator, $.number),
    req_count: $ => seq('count', $.counted, optional($.count_period), $._comparator, $.number),
    req_revenue: $ => seq('revenue', optional($.from_new_customers), optional($.count_period),
      choice($.set_individually, seq($._comparator, $.quantity))),
    set_individually: _ => seq('set', 'individually'),
    req_text: $ => $.string,
    // Composite tier metrics (LANGUAGE.md §7).
    from_new_customers: _ => seq('from', 'new', 'customers'),
    req_points: $ => seq('points', $.points_term, repeat(seq('+', $.points_term)),
      optional($.count_period), $._comparator, $.number),
    points_term: $ => seq($.number, 'per', choice($.new_customer, $.points_revenue, $.counted)),
    points_revenue: $ => seq($.quantity, 'of', 'revenue'),
    req_any_of: $ => seq('any', 'of', '{', $.requirement_body,
      repeat(seq('or', $.requirement_body)), '}', 'each', $.quantity, 'from', 'joined',
      optional($.until_met_again)),
    until_met_again: _ => seq('until', 'met', 'again'),
    req_mrr: $ => seq(choice($.mrr_managed, seq($.mrr_sold, optional($.count_period))),
      $._comparator, $.quantity),
    mrr_managed: _ => seq('managed', 'mrr'),
    mrr_sold: _ => seq('sold', 'mrr'),

    counted: $ => seq($._event_kind, optional($.ident),
      optional(seq('within', $.quantity, 'after', $._event_kind))),
    _event_kind: $ => oneOf($.event_kind, ...EVENT_KINDS.flatMap(k => [k, k + 's'])),
    count_period: $ => choice($.per_contract_year, $.per_period, $.in_last),
    per_contract_year: _ => seq('per', 'contract', 'year'),
    per_period: $ => seq('per', $._period_word),
    _period_word: $ => oneOf($.period_word, 'year', 'quarter', 'month'),
    in_last: $ => seq('in', 'last', $.quantity),

    eligible: $ => seq('eligible', commaSep1($.eligibility), optional($.with_contract)),
    eligibility: $ => choice($.eligible_entity, $.eligible_tier, $.eligible_track, $.eligible_module),
    eligible_entity: $ => seq('entity', $.name_list),
    eligible_tier: $ => seq('tier', $.name_list),
    eligible_track: $ => seq('track', $.name_list),
    eligible_module: $ => seq('module', $.name_list),
    with_contract: _ => seq('with', 'contract'),

    // ------------------------------------------------------------ benefits

    benefit: $ => seq('benefit', $.ident, '(', $.ident, ')',
      optional($.benefit_for), optional($.benefit_block)),
    benefit_block: $ => seq('{', repeat($.benefit_clause), '}'),
    benefit_for: $ => seq('for', commaSep1($.benefit_target)),
    benefit_target: $ => seq($.ident, optional($.string)),
    benefit_clause: $ => seq(optional($._docs), choice($.commission, $.discount, $.bonus)),
    discount: $ => seq('discount', $.quantity, 'on', $.ident),

    choose_one: $ => seq('choose', 'one', 'of', $.name_list,
      optional(seq('as', $.ident)), optional($.choose_default)),
    choose_default: $ => seq('default', $.ident),

    // ------------------------------------------------------------ commissions

    commission: $ => seq('commission', $.ident,
      optional(seq(':', $.commission_head)), optional($.commission_block)),
    commission_block: $ => seq('{', repeat($.commission_clause), '}'),
    commission_head: $ => seq($.quantity, $.base, optional(seq(optional(','), $.window))),
    commission_clause: $ => seq(optional($._docs), choice(
      $.rate_clause,
      $.base,
      $.window,
      $.bounds,
      $.uplift,
      $.eligible,
      $.settle,
      $.clawback,
      $.payout,
      $.in_force,
      $.active_only,
      $.cap,
      $.cut_back,
    )),
    cap: $ => seq('at', 'most', $.quantity, $.per_period),
    active_only: $ => seq('paid', 'only', 'if', 'active', 'for', $.quantity),
    cut_back: $ => seq('cut', 'back', 'to', $.quantity, 'unless', 'tier', $.ident, 'within', $.quantity, 'from', 'joined'),
    in_force: $ => seq('in', 'force', 'from', $.quantity, optional(seq('to', $.quantity))),

    base: $ => seq(choice(seq('of', $._base_kind), seq('per', $.per_event)),
      repeat($.base_filter)),
    per_event: $ => choice($.new_customer, $.trial, $.qualified_lead),
    new_customer: _ => seq('new', 'customer'),
    trial: _ => 'trial',
    qualified_lead: _ => seq('qualified', 'lead'),
    _base_kind: $ => oneOf($.base_kind, 'payments', 'invoices'),
    base_filter: $ => choice($.first_subscription, $.on_invoices, $.collected_filter, $.product_filter, $.path_filter),
    first_subscription: _ => seq('on', 'first', 'subscription'),
    path_filter: $ => seq('by', $._attribution_method),
    on_invoices: $ => seq('on', optional($._invoice_kind), 'invoices'),
    _invoice_kind: $ => oneOf($.invoice_kind, 'new', 'renewal'),
    collected_filter: $ => seq('where', 'collected_by', $._collector),
    _collector: $ => oneOf($.collector, 'vendor', 'partner'),
    product_filter: $ => seq('for', 'products', $.name_list),

    window: $ => choice($.window_within, $.window_lifetime, $.window_while),
    window_within: $ => seq('within', $.quantity, $._window_rel, $._anchor, optional($.per_subscription)),
    // One token: `per` may also start the next clause (`per new customer`).
    per_subscription: _ => token(seq('per', /[ \t]+/, 'subscription')),
    _window_rel: $ => oneOf($.window_rel, 'from', 'after'),
    _anchor: $ => oneOf($.anchor, 'first_invoice', 'first_payment', 'first_order', 'referral',
      'registration', 'attachment', 'attribution', 'contract_start'),
    window_lifetime: _ => seq('for', 'lifetime'),
    window_while: $ => seq('while', choice($.contract_active, $.customer_pays)),
    contract_active: _ => seq('contract', 'active'),
    customer_pays: _ => seq('customer', 'pays'),

    rate_clause: $ => seq('rate', choice($.rate_by_tier, $.rate_by_metric, $.quantity)),
    rate_by_tier: $ => seq('by', 'tier', '{', commaSep1($.tier_rate), optional(','), '}'),
    tier_rate: $ => seq($.ident, ':', $.quantity),
    rate_by_metric: $ => seq('by', $.metric, optional(seq(',', $.bracket_mode)),
      '{', repeat($.bracket), '}'),
    metric: $ => seq($._metric_kind, 'over', 'trailing', $.quantity),
    _metric_kind: $ => oneOf($.metric_kind, 'sales', 'orders', 'customers'),
    bracket_mode: $ => choice($.whole_amount, $._marginal, $._retroactive),
    whole_amount: _ => seq('whole', 'amount'),
    _marginal: $ => oneOf($.marginal, 'marginal'),
    _retroactive: $ => oneOf($.retroactive, 'retroactive'),
    bracket: $ => seq($.bracket_range, ':', $.quantity),
    bracket_range: $ => choice($.bracket_below, $.bracket_between, $.bracket_from),
    bracket_below: $ => seq('below', $.quantity),
    bracket_between: $ => seq($.quantity, 'to', $.quantity),
    bracket_from: $ => seq('from', $.quantity),

    bounds: $ => seq('bounds', $.quantity, 'to', $.quantity),
    uplift: $ => seq('uplift', $.quantity, 'when', $.condition),
    condition: $ => choice($.cond_staff, $.cond_metric, $.cond_elected),
    cond_staff: $ => seq('staff', $.ident, $._comparator, $.number),
    cond_metric: $ => seq($.metric, $._comparator, $.quantity),
    cond_elected: $ => seq('elected', $.ident),
    settle: $ => seq('settle', $._settle_mode),
    _settle_mode: $ => oneOf($.settle_mode, 'netted', 'transfer'),
    // Greedy, as pest's `?` is: `clawback on refund within 30 days` keeps its window.
    clawback: $ => prec.right(seq('clawback', 'on', 'refund', optional(seq('within', $.quantity)))),

    bonus: $ => seq('bonus', $.ident, ':', $.quantity, optional($.bonus_frequency),
      'when', $.condition, optional($.in_force)),
    bonus_frequency: $ => choice($.once_per_year, $._once),
    once_per_year: _ => seq('once', 'per', 'year'),
    _once: $ => oneOf($.once, 'once'),

    // ------------------------------------------------------------ attribution

    attribution: $ => seq('attribute', 'customer', 'by', $._attribution_method,
      optional(seq('of', $.name_list)), repeat(seq(',', $.attribution_flag)),
      optional($.attribution_block)),
    attribution_block: $ => seq('{', repeat($.attribution_clause), '}'),
    _attribution_method: $ => oneOf($.attribution_method, 'referral', 'registration', 'partner_sale', 'attachment'),
    // `of Starter, exclusive`: `exclusive` is reserved in pest (never a name),
    // so the flag, not one more product, wins the `name_list` conflict.
    attribution_flag: $ => prec.dynamic(1, choice($._exclusive, $.before_installation)),
    _exclusive: $ => oneOf($.exclusive, 'exclusive'),
    before_installation: _ => seq('before', 'installation'),
    attribution_clause: $ => seq(optional($._docs), choice(
      $.no_prior_contact,
      $.closes_within,
      $.approval,
      $.existing_on_request,
      $.new_customers_only,
      $.no_self_referral,
      $.new_users_only,
      $._exclusive,
      $.before_installation,
    )),
    no_prior_contact: $ => seq('no', 'vendor_contact', 'within', $.quantity, 'before', $._event_kind),
    closes_within: $ => seq($._event_kind, 'within', $.quantity, 'after', $._event_kind),
    approval: $ => seq('approval', 'required', optional(seq(',', 'decided', 'within', $.quantity))),
    existing_on_request: _ => seq('existing', 'customers', 'on', 'request'),
    new_customers_only: _ => seq('new', 'customers', 'only'),
    no_self_referral: _ => seq('no', 'self_referral'),
    new_users_only: _ => seq('new', 'users', 'only'),

    // ------------------------------------------------------------ payout timing

    payout: $ => seq('payout', $.payout_timing, optional(seq(',', $.hold)),
      optional(seq(',', $.payout_minimum, optional(seq(',', $.leaving_balance)))),
      optional(seq(',', $.withheld_until))),
    payout_timing: $ => choice($.payout_within, $.payout_statement, $.payout_period_statement,
      $.payout_netted),
    payout_within: $ => seq('within', $.quantity, 'after', optional($._full), $._payout_anchor),
    _full: $ => oneOf($.full, 'full'),
    _payout_anchor: $ => oneOf($.payout_anchor, 'payment', 'invoice', 'collection'),
    payout_statement: $ => seq('monthly', 'statement', ',', 'paid', 'in', 'week', $.number,
      'of', 'next', 'month', optional(seq(',', 'after', 'collection'))),
    payout_period_statement: $ => seq('statement', $.statement_period, ',', 'paid', 'within',
      $.quantity, optional(seq(',', 'after', 'collection'))),
    statement_period: $ => choice($.twice_per_month, $.per_period),
    twice_per_month: _ => seq('twice', 'per', 'month'),
    payout_netted: _ => seq('netted', 'at', 'source'),
    hold: $ => seq('hold', $.quantity),
    payout_minimum: $ => seq('minimum', $.quantity, optional($.per_path)),
    per_path: _ => seq('per', 'path'),
    leaving_balance: $ => seq('balance', $._leaving_effect, 'on', 'leaving'),
    _leaving_effect: $ => oneOf($.leaving_effect, 'paid', 'forfeited'),
    withheld_until: $ => seq('withheld', 'until', $.ident,
      optional(seq(',', 'forfeited', 'after', $.quantity))),

    // ------------------------------------------------------------ regions and roster

    region: $ => seq('region', $.ident, '=', '[', optional($.name_list),
      optional(','), ']'),

    partner: $ => seq('partner', $.ident, optional($.string),
      '{', repeat($.partner_clause), '}'),
    partner_clause: $ => seq(optional($._docs), choice(
      $.partner_region,
      $.partner_tier,
      $.partner_track,
      $.partner_modules,
      $.partner_entity,
      $.partner_elect,
      $.partner_contract,
      $.partner_staff,
      $.partner_revenue_target,
      $.partner_joined,
    )),
    partner_region: $ => seq('region', $.ident, optional($._exclusive)),
    partner_tier: $ => seq('tier', $.ident),
    partner_track: $ => seq('track', $.ident),
    partner_modules: $ => seq('modules', $.name_list),
    partner_entity: $ => seq('entity', $.ident),
    partner_elect: $ => seq('elect', $.name_list),
    partner_contract: $ => seq('contract', $._contract_state),
    _contract_state: $ => oneOf($.contract_state, 'signed', 'none'),
    partner_staff: $ => seq('staff', commaSep1($.staff_count)),
    staff_count: $ => seq($.ident, $.number),
    partner_revenue_target: $ => seq('revenue', 'target', $.quantity),
    partner_joined: $ => seq('joined', $.quantity),

    // ------------------------------------------------------------ obligations and contract

    obligation: $ => seq('obligation', $.ident,
      optional(seq('within', $.quantity, optional(seq('after', $.ident)))),
      optional($.obligation_party), optional($.scope_suffix)),
    obligation_party: $ => seq('by', $._party),
    _party: $ => oneOf($.party, 'vendor', 'partner'),

    contract: $ => seq('contract', '{', repeat($.contract_clause), '}'),
    contract_clause: $ => seq(optional($._docs), choice(
      $.contract_term,
      $.contract_notice,
      $.contract_termination,
      $.force_majeure,
      $.non_compete,
    )),
    contract_term: $ => seq('term', $.quantity, optional(seq(',', $.renewal_mode))),
    renewal_mode: $ => choice($.renews_after_review, $.renews_automatically),
    renews_after_review: _ => seq('renews', 'after', 'review'),
    renews_automatically: _ => seq('renews', 'automatically'),
    contract_notice: $ => seq('notice', $.quantity, optional($.in_writing)),
    in_writing: _ => seq('in', 'writing'),
    contract_termination: $ => seq('on', 'termination', commaSep1($.termination_effect)),
    termination_effect: $ => choice($.keep_earned, $.waive_renewals, $.stop_all),
    keep_earned: _ => seq('keep', 'earned'),
    waive_renewals: _ => seq('waive', 'renewals'),
    stop_all: _ => seq('stop', 'commissions'),
    force_majeure: _ => seq('force', 'majeure', 'suspends', 'obligations'),
    non_compete: $ => seq('non', 'compete', $.string),
  },
});
