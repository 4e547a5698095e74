#!/usr/bin/env node
// Generates syntaxes/charter.tmLanguage.json, the TextMate grammar of Charter.
//
// The grammar is written here, in JavaScript, so that the identifier, keyword and
// quantity regexes are defined once and composed, instead of being copied by hand into
// dozens of JSON strings. Edit this file, then run `npm run grammar`.
// `node scripts/build-grammar.mjs --check` (part of `npm test`) fails when the committed
// JSON is not what this file generates.
//
// The source of truth for the language is grammar/charter.pest at the repository root;
// scripts/check-grammar.mjs checks that every literal keyword of it is highlighted. The
// word lists come from Charter's one vocabulary table (crates/charter-syntax/src/
// vocabulary.rs), through editors/vocabulary.json, which a test of that crate generates.
//
// Regexes are Oniguruma (what VS Code, vscode-textmate and GitHub use): `\p{L}` and
// friends match Unicode letters, so Cyrillic and Polish names highlight like ASCII ones.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const OUT = join(here, '..', 'syntaxes', 'charter.tmLanguage.json');
/** Charter's vocabulary: keywords by kind (editors/vocabulary.json). */
const VOCABULARY = JSON.parse(readFileSync(join(here, '..', '..', 'vocabulary.json'), 'utf8'));

// ------------------------------------------------------------------ lexical pieces

/** One identifier character: the pest grammar's XID_CONTINUE, approximately. */
const IDC = '[\\p{L}\\p{M}\\p{N}\\p{Pc}]';
/** Start of a word: no identifier character before. */
const B = `(?<!${IDC})`;
/** End of a word: no identifier character after (pest's `!kw_char`). */
const E = `(?!${IDC})`;

/** Words that can never be names (pest's `keyword_only`). */
export const KEYWORD_ONLY = VOCABULARY.keyword_only;

/** An identifier, as pest's `ident`: XID_START or `_`, then XID_CONTINUE*. */
const IDENT = `(?!(?:${KEYWORD_ONLY.join('|')})${E})[\\p{L}\\p{Nl}_]${IDC}*`;
/** Any word, keyword or name. */
const WORD = `[\\p{L}_]${IDC}*`;
/** pest's `name_list`. */
const LIST = `${IDENT}(?:\\s*,\\s*${IDENT})*`;
const STRING = '"(?:[^"\\\\]|\\\\.)*"';
const NUMBER = '\\d+(?:_\\d+)*(?:\\.\\d+)?';
const CURRENCY = `[A-Z]{3}${E}`;
const UNIT_WORD = '(?:days|day|weeks|week|months|month|years|year)';
const DURATION = `${NUMBER}\\s*(?:business\\s+)?${UNIT_WORD}${E}`;

const words = (list) => `${B}(?:${list.join('|')})${E}`;

// ------------------------------------------------------------------ vocabulary

/** Keywords that start a top-level item (and, for some, a clause in a block). */
const ITEM_KEYWORDS = VOCABULARY.item_keywords.filter(
  // `partner` and `contract` are item keywords only where an item starts (see below):
  // elsewhere they are a party (`collected_by partner`) and a clause word (`require contract`);
  // `require` is also a clause of a block.
  (w) => !['partner', 'contract', 'require'].includes(w),
);

const BENEFIT_CATEGORIES = ['marketing', 'sales', 'enablement', 'support', 'financial'];

/** Enumerated values of the language, each with a scope suffix. First match wins. */
const VALUES = [
  ['event', [`(?:${VOCABULARY.event_kinds.join('|')})s?`]],
  ...Object.entries(VOCABULARY.values),
];

/** Every other word of the vocabulary: clause keywords and connectives. */
const CLAUSE_KEYWORDS = [...VOCABULARY.clause_keywords, 'contract', 'require'];

// ------------------------------------------------------------------ helpers

const kw = (name = 'keyword.other.charter') => ({ name });
const item = { name: 'storage.type.item.charter' };
const listOf = (scope) => ({
  patterns: [
    { include: '#comma' },
    { match: IDENT, name: scope },
  ],
});

// ------------------------------------------------------------------ rules

const repository = {
  comments: {
    patterns: [
      {
        // `///` doc comments attach to the item or clause below them.
        name: 'comment.line.documentation.charter',
        match: '(///)(.*)$',
        captures: { 1: { name: 'punctuation.definition.comment.charter' } },
      },
      {
        name: 'comment.line.double-slash.charter',
        match: '(//)(?!/).*$',
        captures: { 1: { name: 'punctuation.definition.comment.charter' } },
      },
    ],
  },

  strings: {
    patterns: [
      {
        name: 'string.quoted.double.charter',
        begin: '"',
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.charter' } },
        // Strings never span lines in Charter: an unterminated one ends at the line end.
        end: '"|$',
        endCaptures: { 0: { name: 'punctuation.definition.string.end.charter' } },
        patterns: [{ name: 'constant.character.escape.charter', match: '\\\\.' }],
      },
    ],
  },

  quantities: {
    patterns: [
      {
        name: 'constant.numeric.date.charter',
        match: `${B}\\d{4}-\\d{2}-\\d{2}${E}`,
      },
      {
        match: `${B}(${NUMBER})\\s*(%)`,
        captures: {
          1: { name: 'constant.numeric.percent.charter' },
          2: { name: 'keyword.other.unit.percent.charter' },
        },
      },
      {
        match: `${B}(${NUMBER})\\s*(${CURRENCY})`,
        captures: {
          1: { name: 'constant.numeric.money.charter' },
          2: { name: 'keyword.other.unit.currency.charter' },
        },
      },
      {
        match: `${B}(${NUMBER})\\s*(?:(business)\\s+)?(${UNIT_WORD})${E}`,
        captures: {
          1: { name: 'constant.numeric.duration.charter' },
          2: { name: 'keyword.other.unit.business.charter' },
          3: { name: 'keyword.other.unit.duration.charter' },
        },
      },
      {
        name: 'constant.numeric.charter',
        match: `${B}${NUMBER}`,
      },
    ],
  },

  comma: { name: 'punctuation.separator.comma.charter', match: ',' },

  punctuation: {
    patterns: [
      { name: 'punctuation.section.block.begin.charter', match: '\\{' },
      { name: 'punctuation.section.block.end.charter', match: '\\}' },
      { name: 'punctuation.section.brackets.begin.charter', match: '\\[' },
      { name: 'punctuation.section.brackets.end.charter', match: '\\]' },
      { name: 'punctuation.section.parens.begin.charter', match: '\\(' },
      { name: 'punctuation.section.parens.end.charter', match: '\\)' },
      { include: '#comma' },
      { name: 'punctuation.separator.key-value.charter', match: ':' },
    ],
  },

  comparators: {
    name: 'keyword.operator.comparison.charter',
    match: '>=|<=|=|>|<',
  },

  // `region DACH = [DE, AT, CH]`: ISO 3166-1 codes, or names of other regions.
  'region-item': {
    begin: `${B}(region)\\s+(${IDENT})\\s*(=)\\s*(\\[)`,
    beginCaptures: {
      1: item,
      2: { name: 'entity.name.type.region.charter' },
      3: { name: 'keyword.operator.assignment.charter' },
      4: { name: 'punctuation.section.brackets.begin.charter' },
    },
    // An unclosed list stops at the next item, so one typo does not color the whole file.
    end: `(\\])|(?=^\\s*(?:///?|${ITEM_KEYWORDS.join('|')}|partner|contract)${E})`,
    endCaptures: { 1: { name: 'punctuation.section.brackets.end.charter' } },
    patterns: [
      { include: '#comments' },
      { name: 'constant.language.country-code.charter', match: `${B}[A-Z]{2}${E}` },
      { include: '#comma' },
      { name: 'entity.name.type.region.charter', match: IDENT },
    ],
  },

  // `rate by tier { Silver: 10%, Gold: 15% }`
  'rate-by-tier': {
    begin: `${B}(rate)\\s+(by)\\s+(tier)\\s*(\\{)`,
    beginCaptures: {
      1: kw(), 2: kw(), 3: kw(),
      4: { name: 'punctuation.section.block.begin.charter' },
    },
    // An unclosed table stops at the first line that is not `Tier: rate`.
    end: `(\\})|(?=^\\s*(?!${WORD}\\s*:)[\\p{L}_])`,
    endCaptures: { 1: { name: 'punctuation.section.block.end.charter' } },
    patterns: [
      {
        match: `${B}(${IDENT})\\s*(:)`,
        captures: {
          1: { name: 'entity.name.type.tier.charter' },
          2: { name: 'punctuation.separator.key-value.charter' },
        },
      },
      { include: '$self' },
    ],
  },

  // `claims split { Referral 30%, Affiliate 70% }`: shares per track.
  'claims-split': {
    begin: `${B}(split)\\s*(\\{)`,
    beginCaptures: { 1: kw(), 2: { name: 'punctuation.section.block.begin.charter' } },
    // An unclosed list stops at the first line that is not `Track share`.
    end: `(\\})|(?=^\\s*(?!${WORD}\\s+\\d)[\\p{L}_])`,
    endCaptures: { 1: { name: 'punctuation.section.block.end.charter' } },
    patterns: [
      { include: '#comments' },
      { include: '#quantities' },
      { include: '#comma' },
      { name: 'entity.name.type.track.charter', match: IDENT },
    ],
  },

  declarations: {
    patterns: [
      { include: '#region-item' },
      {
        // partner clause `region DACH exclusive` (and a region item still being typed)
        match: `${B}(region)\\s+(${IDENT})`,
        captures: { 1: item, 2: { name: 'entity.name.type.region.charter' } },
      },
      {
        match: `${B}(partner)\\s+(${IDENT})`,
        captures: { 1: item, 2: { name: 'entity.name.type.partner.charter' } },
      },
      {
        match: `${B}(commission)\\s+(${IDENT})`,
        captures: { 1: item, 2: { name: 'entity.name.function.commission.charter' } },
      },
      {
        match: `${B}(bonus)\\s+(${IDENT})`,
        captures: { 1: item, 2: { name: 'entity.name.function.bonus.charter' } },
      },
      {
        // `obligation resolve_issues within 5 business days after issue_report`
        match:
          `${B}(obligation)\\s+(${IDENT})` +
          `(?:\\s+(within)\\s+(${DURATION})(?:\\s+(after)\\s+(${IDENT}))?)?`,
        captures: {
          1: item,
          2: { name: 'entity.name.function.obligation.charter' },
          3: kw(),
          4: { patterns: [{ include: '#quantities' }] },
          5: kw(),
          6: { name: 'variable.other.event-label.charter' },
        },
      },
      {
        // `benefit brand_assets (marketing)`
        match:
          `${B}(benefit)\\s+(${IDENT})(?:\\s*(\\()\\s*` +
          `(?:(${BENEFIT_CATEGORIES.join('|')})${E}|(${IDENT}))?\\s*(\\)))?`,
        captures: {
          1: item,
          2: { name: 'entity.name.function.benefit.charter' },
          3: { name: 'punctuation.section.parens.begin.charter' },
          4: { name: 'constant.language.benefit-category.charter' },
          5: { name: 'variable.other.benefit-category.charter' },
          6: { name: 'punctuation.section.parens.end.charter' },
        },
      },
      {
        // `choose one of referral_fee, subscription_discount as financial_benefit`
        match: `${B}(choose)\\s+(one)\\s+(of)\\s+(${LIST})(?:\\s+(as)\\s+(${IDENT}))?`,
        captures: {
          1: item, 2: kw(), 3: kw(),
          4: listOf('entity.name.function.benefit.charter'),
          5: kw(),
          6: { name: 'entity.name.function.choice.charter' },
        },
      },
      ...[
        ['tiers', 'tier'],
        ['products', 'product'],
      ].map(([keyword, kind]) => ({
        // `tiers Registered < Select < Premier`, `products Starter < Pro`
        match: `${B}(${keyword})\\s+(${IDENT}(?:\\s*<\\s*${IDENT})*)`,
        captures: {
          1: keyword === 'tiers' ? item : kw(),
          2: {
            patterns: [
              { name: 'keyword.operator.order.charter', match: '<' },
              { name: `entity.name.type.${kind}.charter`, match: IDENT },
            ],
          },
        },
      })),
      ...[
        ['tier', 'tier', item],
        ['track', 'track', item],
        ['module', 'module', item],
        ['tracks', 'track', item],
        ['modules', 'module', item],
        ['entity', 'entity', kw()],
        ['agreements', 'agreement', kw()],
        ['qualifications', 'qualification', kw()],
      ].map(([keyword, kind, keywordScope]) => ({
        // `tier Gold {`, `eligible tier Silver, Gold`, `modules A, B`, `agreements a, b`
        match: `${B}(${keyword})\\s+(${LIST})`,
        captures: { 1: keywordScope, 2: listOf(`entity.name.type.${kind}.charter`) },
      })),
      {
        // `entities company, individual (no contract, netted only)`
        match:
          `${B}(entities)\\s+(${IDENT}(?:\\s*\\([^)]*\\))?` +
          `(?:\\s*,\\s*${IDENT}(?:\\s*\\([^)]*\\))?)*)`,
        captures: {
          1: kw(),
          2: {
            patterns: [
              {
                begin: '\\(',
                beginCaptures: { 0: { name: 'punctuation.section.parens.begin.charter' } },
                end: '\\)',
                endCaptures: { 0: { name: 'punctuation.section.parens.end.charter' } },
                patterns: [{ include: '#comma' }, { include: '#keywords' }],
              },
              { include: '#comma' },
              { name: 'entity.name.type.entity.charter', match: IDENT },
            ],
          },
        },
      },
      {
        // `grant a, b` and the partner's `elect a, b`: benefit names
        match: `${B}(grant|elect)\\s+(${LIST})`,
        captures: { 1: kw(), 2: listOf('entity.name.function.benefit.charter') },
      },
      {
        match: `${B}(elected)\\s+(${IDENT})`,
        captures: { 1: kw(), 2: { name: 'entity.name.function.benefit.charter' } },
      },
      {
        match: `${B}(agreement)\\s+(${IDENT})`,
        captures: { 1: kw(), 2: { name: 'entity.name.type.agreement.charter' } },
      },
      {
        // `require staff sales >= 1`, partner `staff sales 2, technical 1`
        match:
          `${B}(staff)\\s+(${IDENT}(?:\\s+${NUMBER}(?:\\s*,\\s*${IDENT}\\s+${NUMBER})*)?)`,
        captures: {
          1: kw(),
          2: {
            patterns: [
              { include: '#quantities' },
              { include: '#comma' },
              { name: 'entity.name.type.qualification.charter', match: IDENT },
            ],
          },
        },
      },
      {
        // `require count activity lead_generation per year >= 1`
        match: `${B}(count)\\s+(${VALUES[0][1][0]})${E}(?:\\s+(${IDENT}))?`,
        captures: {
          1: kw(),
          2: { name: 'constant.language.event.charter' },
          3: { name: 'variable.other.event-label.charter' },
        },
      },
      {
        // `attribute customer by partner_sale of Starter`
        match:
          `${B}(by)\\s+(referral|registration|partner_sale|attachment)${E}` +
          `(?:\\s+(of)\\s+(${LIST}))?`,
        captures: {
          1: kw(),
          2: { name: 'constant.language.attribution-method.charter' },
          3: kw(),
          4: listOf('entity.name.type.product.charter'),
        },
      },
      {
        // `discount 15% on subscriptions`
        match: `${B}(discount)\\s+(${NUMBER}\\s*(?:%|${CURRENCY})?)\\s*(on)\\s+(${IDENT})`,
        captures: {
          1: kw(),
          2: { patterns: [{ include: '#quantities' }] },
          3: kw(),
          4: { name: 'entity.name.type.product.charter' },
        },
      },
      {
        // `of payments for products Pro, Enterprise`
        match: `${B}(for)\\s+(products)\\s+(${LIST})`,
        captures: { 1: kw(), 2: kw(), 3: listOf('entity.name.type.product.charter') },
      },
      {
        match: `${B}(for)\\s+(lifetime)${E}`,
        captures: { 1: kw(), 2: kw() },
      },
      {
        // Membership lists: `for Registered, Select "with a note"` after a benefit,
        // `require ... for ServiceProviders`, `obligation ... for Technology`.
        match: `${B}(for)\\s+(${IDENT}(?:\\s*${STRING})?(?:\\s*,\\s*${IDENT}(?:\\s*${STRING})?)*)`,
        captures: {
          1: kw(),
          2: {
            patterns: [
              { include: '#strings' },
              { include: '#comma' },
              { name: 'entity.name.type.membership.charter', match: IDENT },
            ],
          },
        },
      },
      {
        // `currency EUR`
        match: `${B}(currency)\\s+(${CURRENCY})`,
        captures: { 1: kw(), 2: { name: 'keyword.other.unit.currency.charter' } },
      },
      {
        match: `${B}(rounding)\\s+(half_even|half_up|half_down|down|up)${E}`,
        captures: { 1: kw(), 2: { name: 'constant.language.rounding.charter' } },
      },
      {
        match: `${B}(claims)\\s+(first|last|exclusive_first)${E}`,
        captures: { 1: kw(), 2: { name: 'constant.language.claims-order.charter' } },
      },
      {
        // `rate by sales over trailing 12 months`
        match: `${B}(sales|orders|customers)\\s+(over)\\s+(trailing)${E}`,
        captures: {
          1: { name: 'constant.language.metric.charter' },
          2: kw(),
          3: kw(),
        },
      },
      {
        // `per contract year`: a year from the partner's `joined` to each anniversary
        match: `${B}(per)\\s+(contract)\\s+(year)${E}`,
        captures: {
          1: kw(),
          2: { name: 'constant.language.period.charter' },
          3: { name: 'constant.language.period.charter' },
        },
      },
      {
        match: `${B}(per)\\s+(year|quarter|month)${E}`,
        captures: { 1: kw(), 2: { name: 'constant.language.period.charter' } },
      },
      {
        // the contract clause `notice 30 days`, not the event kind `notice`
        match: `${B}(notice)(?=\\s*\\d)`,
        captures: { 1: kw() },
      },
      {
        // `contract {` starts the contract item; `require contract` is a clause word.
        match: `${B}(contract)(?=\\s*\\{)`,
        captures: { 1: item },
      },
      {
        // `partner` at the start of a line is an item still being typed
        match: `^\\s*(partner)${E}`,
        captures: { 1: item },
      },
    ],
  },

  keywords: {
    patterns: [
      { name: 'storage.type.item.charter', match: words(ITEM_KEYWORDS) },
      ...VALUES.map(([kind, list]) => ({
        name: `constant.language.${kind}.charter`,
        match: words(list),
      })),
      {
        // unit words without a number: `week 2 of next month`, `5 business days`
        name: 'keyword.other.unit.duration.charter',
        match: words(['business', UNIT_WORD]),
      },
      { name: 'keyword.other.charter', match: words(CLAUSE_KEYWORDS) },
    ],
  },

  identifiers: {
    name: 'variable.other.charter',
    match: IDENT,
  },
};

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Charter',
  scopeName: 'source.charter',
  fileTypes: ['charter'],
  comment: 'GENERATED by scripts/build-grammar.mjs from the Charter grammar (grammar/charter.pest). Do not edit by hand.',
  patterns: [
    { include: '#comments' },
    { include: '#strings' },
    { include: '#rate-by-tier' },
    { include: '#claims-split' },
    { include: '#declarations' },
    { include: '#quantities' },
    { include: '#keywords' },
    { include: '#comparators' },
    { include: '#punctuation' },
    { include: '#identifiers' },
  ],
  repository,
};

const json = JSON.stringify(grammar, null, 2) + '\n';

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (!isMain) {
  // imported (by scripts/check-grammar.mjs): write nothing
} else if (process.argv.includes('--check')) {
  const current = readFileSync(OUT, 'utf8');
  if (current !== json) {
    console.error(
      'syntaxes/charter.tmLanguage.json is out of date: run `npm run grammar` and commit it.',
    );
    process.exit(1);
  }
  console.log('syntaxes/charter.tmLanguage.json is up to date.');
} else {
  writeFileSync(OUT, json);
  console.log(`wrote ${OUT}`);
}
