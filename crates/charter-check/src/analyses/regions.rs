//! Regions: C0501 overlapping-exclusive-regions and C0503 region-cycle.
//!
//! Each region expands to a [`CountrySet`] (regions may list regions); a region
//! that contains itself, directly or through others, is a cycle. Then every
//! roster partner's *exclusive* assignments are checked against each other
//! with a per-country index (country → first exclusive holder): linear in the
//! number of assignments times the countries each covers, never all pairs.
//! [`exclusive_overlaps`] is that core, public for benchmarks.
//!
//! Unknown codes (C0502) are reported by name resolution, not here.

use super::Context;
use charter_diagnostics::{Code, Diagnostic, Span, TextEdit};
use charter_ir::countries::COUNTRIES;
use charter_ir::{NameRef, RegionAssignment};
use std::collections::BTreeMap;

/// A set of ISO 3166-1 countries, as a bitset over [`COUNTRIES`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CountrySet([u64; 4]);

impl CountrySet {
    /// The set of one country, `None` if the code is not assigned.
    pub fn of(code: &str) -> Option<CountrySet> {
        let mut set = CountrySet::default();
        set.insert(code).then_some(set)
    }

    /// Adds a country by code; false if the code is not assigned.
    pub fn insert(&mut self, code: &str) -> bool {
        match COUNTRIES.binary_search_by(|(c, _)| (*c).cmp(code)) {
            Ok(i) if i < 256 => {
                self.0[i / 64] |= 1 << (i % 64);
                true
            }
            _ => false,
        }
    }

    pub fn union_with(&mut self, other: &CountrySet) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a |= b;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    pub fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Indices into [`COUNTRIES`], ascending.
    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, bits)| {
            let mut rest = *bits;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(w * 64 + bit)
            })
        })
    }

    /// The country codes, in alphabetical order.
    pub fn codes(&self) -> Vec<&'static str> {
        self.indices()
            .filter_map(|i| COUNTRIES.get(i).map(|c| c.0))
            .collect()
    }

    fn insert_index(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
}

/// One exclusive assignment: who holds which countries.
#[derive(Clone, Copy, Debug)]
pub struct ExclusiveAssignment {
    /// Identifies the partner; two assignments of one holder never conflict.
    pub holder: usize,
    pub countries: CountrySet,
}

/// Two exclusive assignments of different holders sharing countries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overlap {
    /// The index of the assignment that first held the shared countries.
    pub first: usize,
    /// The index of the later assignment.
    pub second: usize,
    pub shared: CountrySet,
}

/// Every later assignment that shares countries with the first exclusive
/// holder of those countries, grouped by pair, in order of `second` then `first`.
///
/// Runs in time linear in the total number of (assignment, country) pairs.
pub fn exclusive_overlaps(assignments: &[ExclusiveAssignment]) -> Vec<Overlap> {
    let mut first_holder: Vec<Option<usize>> = vec![None; 256];
    let mut out = Vec::new();
    let mut shared: Vec<(usize, CountrySet)> = Vec::new();
    for (j, a) in assignments.iter().enumerate() {
        shared.clear();
        for c in a.countries.indices() {
            match first_holder[c] {
                None => first_holder[c] = Some(j),
                Some(i) if assignments[i].holder != a.holder => {
                    match shared.iter_mut().find(|(k, _)| *k == i) {
                        Some((_, set)) => set.insert_index(c),
                        None => {
                            let mut set = CountrySet::default();
                            set.insert_index(c);
                            shared.push((i, set));
                        }
                    }
                }
                Some(_) => {}
            }
        }
        shared.sort_by_key(|(i, _)| *i);
        out.extend(shared.iter().map(|(i, set)| Overlap {
            first: *i,
            second: j,
            shared: *set,
        }));
    }
    out
}

/// The countries of every region of a program.
struct RegionSets<'a> {
    /// Region name -> index into `sets` (the first definition of a name wins;
    /// name resolution reports the others).
    index: BTreeMap<&'a str, usize>,
    sets: Vec<CountrySet>,
}

impl RegionSets<'_> {
    /// The countries an assignment covers: a region's expansion or one country.
    fn of(&self, a: &RegionAssignment) -> Option<CountrySet> {
        match self.index.get(a.region.name.as_str()) {
            Some(&i) => self.sets.get(i).copied(),
            None => CountrySet::of(&a.region.name),
        }
    }
}

/// Expands every region, reporting the cycles found on the way (a region in a
/// cycle keeps the countries it reached).
fn expand_regions<'a>(cx: &Context<'a>, out: &mut Vec<Diagnostic>) -> RegionSets<'a> {
    let regions = &cx.program.regions;
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, r) in regions.iter().enumerate() {
        index.entry(&r.name.name).or_insert(i);
    }
    #[derive(Clone, Copy, PartialEq)]
    enum Visit {
        New,
        Open,
        Done,
    }
    let mut state = vec![Visit::New; regions.len()];
    // Where an open region sits on the stack, to cut a cycle out of it at once.
    let mut depth = vec![0usize; regions.len()];
    let mut sets = vec![CountrySet::default(); regions.len()];
    for root in 0..regions.len() {
        if state[root] != Visit::New {
            continue;
        }
        // Depth-first, without recursion: (region, next member to follow).
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = Visit::Open;
        depth[root] = 0;
        while let Some(&mut (r, ref mut next)) = stack.last_mut() {
            let Some(member) = regions[r].members.get(*next) else {
                state[r] = Visit::Done;
                stack.pop();
                if let Some(&(parent, _)) = stack.last() {
                    let child = sets[r];
                    sets[parent].union_with(&child);
                }
                continue;
            };
            *next += 1;
            match index.get(member.name.as_str()) {
                Some(&k) => match state[k] {
                    Visit::New => {
                        state[k] = Visit::Open;
                        depth[k] = stack.len();
                        stack.push((k, 0));
                    }
                    Visit::Open => out.push(cycle(cx, &stack[depth[k]..], member)),
                    Visit::Done => {
                        let child = sets[k];
                        sets[r].union_with(&child);
                    }
                },
                None => {
                    sets[r].insert(&member.name);
                }
            }
        }
    }
    RegionSets { index, sets }
}

/// How many regions a cycle's message names (and labels) before "N more".
const LISTED_REGIONS: usize = 8;

/// The cycle closed by `closing`, a member of the last region of `path` that
/// names its first: `path` is the part of the depth-first stack from the
/// first region of the cycle on. The message names at most
/// [`LISTED_REGIONS`] of its regions, so that reporting every cycle stays
/// linear however long the cycles are.
fn cycle(cx: &Context<'_>, path: &[(usize, usize)], closing: &NameRef) -> Diagnostic {
    let regions = &cx.program.regions;
    let name = |r: usize| format!("`{}`", regions[r].name.name);
    let start = path.first().map_or(0, |(r, _)| *r);
    let mut names: Vec<String> = Vec::new();
    if path.len() <= LISTED_REGIONS {
        names.extend(path.iter().map(|(r, _)| name(*r)));
    } else {
        let head = LISTED_REGIONS - 2;
        names.extend(path[..head].iter().map(|(r, _)| name(*r)));
        names.push(format!("… ({} more)", path.len() - head - 1));
        names.extend(path.last().map(|(r, _)| name(*r)));
    }
    names.push(name(start));
    let mut d = Diagnostic::new(
        Code::RegionCycle,
        format!(
            "region `{}` contains itself: {}",
            regions[start].name.name,
            names.join(" → ")
        ),
        closing.span,
    )
    .with_primary_label("closes the cycle")
    .with_help("a region lists countries and smaller regions: remove one of the references");
    // The other references of the cycle: the member each open region was following.
    let followed = &path[..path.len().saturating_sub(1)];
    for (r, next) in followed.iter().take(LISTED_REGIONS - 1) {
        if let Some(m) = next.checked_sub(1).and_then(|i| regions[*r].members.get(i)) {
            d = d.with_label(
                m.span,
                format!("`{}` includes `{}`", regions[*r].name.name, m.name),
            );
        }
    }
    d
}

/// How many codes a message lists before "and N more".
const LISTED_CODES: usize = 8;

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let sets = expand_regions(cx, out);
    let mut assignments = Vec::new();
    let mut sources: Vec<(usize, &RegionAssignment)> = Vec::new();
    for (p, partner) in cx.program.partners.iter().enumerate() {
        for a in partner.regions.iter().filter(|a| a.exclusive) {
            if let Some(countries) = sets.of(a) {
                assignments.push(ExclusiveAssignment {
                    holder: p,
                    countries,
                });
                sources.push((p, a));
            }
        }
    }
    for overlap in exclusive_overlaps(&assignments) {
        let (Some(&(p1, first)), Some(&(p2, second))) =
            (sources.get(overlap.first), sources.get(overlap.second))
        else {
            continue;
        };
        let (a, b) = (
            &cx.program.partners[p1].id.name,
            &cx.program.partners[p2].id.name,
        );
        out.push(overlap_diagnostic(cx, a, first, b, second, &overlap.shared));
    }
}

fn overlap_diagnostic(
    cx: &Context<'_>,
    a: &str,
    first: &RegionAssignment,
    b: &str,
    second: &RegionAssignment,
    shared: &CountrySet,
) -> Diagnostic {
    let codes = shared.codes();
    let mut listed: Vec<String> = codes
        .iter()
        .take(LISTED_CODES)
        .map(|c| format!("`{c}`"))
        .collect();
    if codes.len() > LISTED_CODES {
        listed.push(format!("{} more", codes.len() - LISTED_CODES));
    }
    let listed = match listed.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => listed.concat(),
    };
    let what = if codes.len() == 1 {
        "country"
    } else {
        "countries"
    };
    let mut d = Diagnostic::new(
        Code::OverlappingRegions,
        format!("partners `{a}` and `{b}` both hold the {what} {listed} exclusively"),
        second.span,
    )
    .with_primary_label(format!("`{b}` holds `{}` exclusively", second.region.name))
    .with_label(
        first.span,
        format!("`{a}` already holds `{}` exclusively", first.region.name),
    )
    .with_help("an exclusive country belongs to one partner: make one assignment non-exclusive, or take the shared countries out of one region");
    let keyword = Span {
        file: second.span.file,
        start: second.region.span.end,
        end: cx.trim(second.span).end.max(second.region.span.end),
    };
    if cx.text(keyword).is_some_and(|t| t.trim() == "exclusive") {
        let remove_keyword = TextEdit {
            span: keyword,
            replacement: String::new(),
        };
        d = d.with_fix(
            format!("make `{b}`'s assignment non-exclusive"),
            vec![remove_keyword],
        );
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(codes: &[&str]) -> CountrySet {
        let mut s = CountrySet::default();
        for c in codes {
            assert!(s.insert(c), "{c}");
        }
        s
    }

    #[test]
    fn country_sets_hold_iso_codes_only() {
        let s = set(&["DE", "AT", "ZW", "AD"]);
        assert_eq!(s.codes(), ["AD", "AT", "DE", "ZW"]);
        assert_eq!(s.len(), 4);
        assert!(CountrySet::of("UK").is_none());
    }

    #[test]
    fn overlaps_name_the_shared_countries_and_skip_one_holder() {
        let list = [
            ExclusiveAssignment {
                holder: 0,
                countries: set(&["DE", "AT", "CH"]),
            },
            ExclusiveAssignment {
                holder: 0,
                countries: set(&["DE"]),
            },
            ExclusiveAssignment {
                holder: 1,
                countries: set(&["DE", "CH", "PL"]),
            },
            ExclusiveAssignment {
                holder: 2,
                countries: set(&["PL"]),
            },
        ];
        let found = exclusive_overlaps(&list);
        assert_eq!(
            found,
            [
                Overlap {
                    first: 0,
                    second: 2,
                    shared: set(&["CH", "DE"])
                },
                Overlap {
                    first: 2,
                    second: 3,
                    shared: set(&["PL"])
                },
            ]
        );
    }

    /// 100,000 exclusive assignments, each of one country: the first 249 take
    /// every country once; each later one re-claims country `i % 249`, under the
    /// first holder's name when `i` is even (no conflict) or its own when odd.
    #[test]
    fn hundred_thousand_assignments() {
        let n = 100_000;
        let k = COUNTRIES.len();
        let list: Vec<ExclusiveAssignment> = (0..n)
            .map(|i| ExclusiveAssignment {
                holder: if i >= k && i % 2 == 0 { i % k } else { i },
                countries: set(&[COUNTRIES[i % k].0]),
            })
            .collect();
        let expected: Vec<Overlap> = (k..n)
            .filter(|i| i % 2 == 1)
            .map(|i| Overlap {
                first: i % k,
                second: i,
                shared: set(&[COUNTRIES[i % k].0]),
            })
            .collect();
        assert_eq!(exclusive_overlaps(&list), expected);
    }
}
