#!/usr/bin/env python3
"""Optimetriks commissions in one DuckDB SQL query, for comparison with
`charter simulate policies/optimetriks.charter` (duckdb_side_by_side.sh).

    python3 duckdb_optimetriks.py EVENTS.ndjson PARTNERS.json [--totals OUT.json]

Prints the wall time of the query (reading the NDJSON included) and, with
--totals, writes {partner: total} as JSON, every partner of PARTNERS.json
included (0.00 when it earned nothing). Needs DuckDB from PyPI
(`pip install duckdb`; tested with 2.0).

The query follows LANGUAGE.md §4 for `policies/optimetriks.charter`
(`claims first`, no `rounding` setting, no contract terms):

- Replay order: by date; within a day vendor contacts, then claims and
  partner facts (referrals, staff…), then orders, invoices, payments,
  refunds, notices; then the file's order.
- A customer's first purchase is its first order, or its first invoice
  when no order came first (invoices in another currency than USD are
  left out, as Charter leaves them out).
- Referral track: a `Referral` partner's referral claims the customer
  when the first purchase comes on or after the referral day and at most
  3 months after it, and the vendor had no contact with the customer from
  1 year before the referral to the referral day; the claim dates from the
  purchase, its anchor is the referral.
- Affiliate track: an `Affiliate` partner's own order (`partner` set) of
  `Starter` (or of no named product) claims the customer when that order
  is the customer's first purchase (`new customers only`); the claim dates
  from the order.
- `claims first`: the earliest claim wins: by claim date, then anchor, then
  the order the replay made the claims (a purchase decides its waiting
  referrals, in replay order, before its own sale claim).
- Commissions: the owner's track rule — 5% (`referral_share`) or 20%
  (`affiliate_share`) of payments on invoices issued within 12 months from
  the customer's first invoice ([first, first + 12 months)), and not after
  the partner's contract ended (the earliest `notice` date: Optimetriks has
  no notice period; an invoice issued on the end day still earns).
- Affiliate requirements, on each payment's date: a signed contract (which
  also stands for `agreement partner_contract`) and at least one `trained`
  person — the latest `staff` event for `trained` up to that date, else the
  partner's `staff.trained`, else 0; met by assumption when the partner has
  no staff data at all (no `staff` object, no `staff` event so far).
- `payout within 30 days after full payment`: nothing is earned on an
  invoice until a payment that the rule accepts brings payments less
  refunds to the invoice's amount; that payment earns on everything
  received so far, and each later accepted payment on its own amount.
- Money exact, rounded cumulatively per (invoice, rule, partner): the
  payouts on an invoice add up to round_half_even(rate × base, 0.01), so a
  partner's total is the sum of that over its invoices.

What the query does not model (none of it occurs in the billing-export
shape; each is a finding or a rare path in Charter): refunds larger than
what is paid (Charter caps them), a refund after the full payment followed
by a payment the rule refuses, partners without a track (Charter may assume
one, S0403), events naming undeclared partners beyond ignoring them, and
amounts with more than 2 decimals (read as DECIMAL(18,2)).
"""
import json
import sys
import time

import duckdb

QUERY = """
WITH ev AS (
  -- `pos`: the replay order as one number (date, then the same-day rank, then
  -- the file's order)
  SELECT *, ((date - DATE '1970-01-01' + 1000000) * 8 + rank) * 68719476736 + seq AS pos
  FROM (
    SELECT row_number() OVER () AS seq, *,
           CASE type WHEN 'vendor_contact' THEN 0 WHEN 'order' THEN 2 WHEN 'invoice' THEN 3
                     WHEN 'payment' THEN 4 WHEN 'refund' THEN 5 WHEN 'notice' THEN 6
                     ELSE 1 END AS rank
    FROM read_json(?, format = 'newline_delimited', columns = {
      date: 'DATE', type: 'VARCHAR', partner: 'VARCHAR', customer: 'VARCHAR',
      id: 'VARCHAR', invoice: 'VARCHAR', amount: 'DECIMAL(18,2)', currency: 'VARCHAR',
      product: 'VARCHAR', qualification: 'VARCHAR', count: 'UINTEGER'}))
),
partners AS (
  SELECT id, track, coalesce(contract, true) AS contract,
         coalesce(cardinality(staff), 0) > 0 AS staff_listed,
         coalesce(staff['trained'], 0) AS trained
  FROM read_json(?, format = 'auto', columns = {
    id: 'VARCHAR', track: 'VARCHAR', contract: 'BOOLEAN', staff: 'MAP(VARCHAR, UINTEGER)'})
),
firsts AS (
  SELECT customer, min(pos) AS first_pos, min(date) AS first_purchase,
         min(date) FILTER (WHERE type = 'invoice') AS first_invoice
  FROM ev
  WHERE type = 'order' OR (type = 'invoice' AND coalesce(currency, 'USD') = 'USD')
  GROUP BY customer
),
claims AS (
  -- referrals decided by the first purchase
  SELECT r.customer, r.partner, f.first_purchase AS claimed, r.date AS anchor,
         0 AS made, r.pos AS made_pos
  FROM ev r
  JOIN partners p ON p.id = r.partner AND p.track = 'Referral'
  JOIN firsts f ON f.customer = r.customer
  WHERE r.type = 'referral'
    AND f.first_purchase >= r.date
    AND f.first_purchase <= CAST(r.date + INTERVAL 3 MONTH AS DATE)
    AND NOT EXISTS (
      SELECT 1 FROM ev v
      WHERE v.type = 'vendor_contact' AND v.customer = r.customer
        AND v.date >= CAST(r.date - INTERVAL 1 YEAR AS DATE) AND v.date <= r.date)
  UNION ALL
  -- an Affiliate's own Starter sale to a new customer
  SELECT o.customer, o.partner, o.date, o.date, 1, o.pos
  FROM ev o
  JOIN partners p ON p.id = o.partner AND p.track = 'Affiliate'
  JOIN firsts f ON f.customer = o.customer AND f.first_pos = o.pos
  WHERE o.type = 'order' AND coalesce(o.product, 'Starter') = 'Starter'
),
owners AS (
  SELECT customer, arg_min(partner, (claimed, anchor, made, made_pos)) AS partner
  FROM claims GROUP BY customer
),
notices AS (
  SELECT partner, min(date) AS ended FROM ev WHERE type = 'notice' GROUP BY partner
),
invoices AS (
  -- invoices of owned customers that the owner's rule covers
  SELECT i.id, i.amount, o.partner,
         CASE p.track WHEN 'Referral' THEN 0.05 ELSE 0.20 END::DECIMAL(4,2) AS rate
  FROM ev i
  JOIN owners o ON o.customer = i.customer
  JOIN partners p ON p.id = o.partner AND p.track IN ('Referral', 'Affiliate')
  JOIN firsts f ON f.customer = i.customer
  LEFT JOIN notices n ON n.partner = o.partner
  WHERE i.type = 'invoice' AND coalesce(i.currency, 'USD') = 'USD'
    AND i.date >= f.first_invoice
    AND i.date < CAST(f.first_invoice + INTERVAL 12 MONTH AS DATE)
    AND (n.ended IS NULL OR i.date <= n.ended)
),
money AS (
  -- payments and refunds on those invoices, with payments less refunds so far
  SELECT m.invoice, m.type, m.date, m.pos, m.amount, i.amount AS invoice_amount, i.partner,
         sum(CASE m.type WHEN 'payment' THEN m.amount ELSE -m.amount END)
           OVER (PARTITION BY m.invoice ORDER BY m.pos) AS running
  FROM ev m JOIN invoices i ON i.id = m.invoice
  WHERE m.type IN ('payment', 'refund')
),
staff_known AS (
  SELECT partner, min(date) AS since FROM ev WHERE type = 'staff' GROUP BY partner
),
trained AS (
  -- the `trained` head count from each staff event to the next
  SELECT partner, date AS since, lead(date) OVER (PARTITION BY partner ORDER BY date) AS until,
         trained
  FROM (SELECT partner, date, arg_max(count, pos) AS trained FROM ev
        WHERE type = 'staff' AND qualification = 'trained' GROUP BY partner, date)
),
accepted AS (
  -- whether the rule accepts each payment: the Affiliate requirements on its date
  SELECT m.invoice, m.type, m.pos, m.amount, m.running, m.invoice_amount,
         m.type = 'payment' AND (p.track = 'Referral' OR (p.contract AND (
           NOT (p.staff_listed OR coalesce(k.since <= m.date, false))
           OR coalesce(s.trained, p.trained) >= 1))) AS accepted
  FROM money m
  JOIN partners p ON p.id = m.partner
  LEFT JOIN staff_known k ON k.partner = m.partner
  LEFT JOIN trained s ON s.partner = m.partner AND m.date >= s.since
    AND (s.until IS NULL OR m.date < s.until)
),
full_payment AS (
  -- the first payment the rule accepts that completes the invoice
  SELECT invoice, min(pos) AS full_pos, arg_min(running, pos) AS received
  FROM accepted WHERE accepted AND running >= invoice_amount
  GROUP BY invoice
),
per_invoice AS (
  -- what the rule earned on the invoice, rounded once (cumulative rounding)
  SELECT i.partner,
         round_even(i.rate * (f.received + coalesce(a.later, 0)), 2) AS commission
  FROM full_payment f
  JOIN invoices i ON i.id = f.invoice
  LEFT JOIN (
    SELECT a.invoice, sum(CASE a.type WHEN 'payment' THEN a.amount ELSE -a.amount END) AS later
    FROM accepted a JOIN full_payment f ON f.invoice = a.invoice
    WHERE (a.accepted OR a.type = 'refund') AND a.pos > f.full_pos
    GROUP BY a.invoice) a ON a.invoice = f.invoice
)
SELECT p.id AS partner, coalesce(sum(c.commission), 0)::DECIMAL(18,2) AS total
FROM partners p LEFT JOIN per_invoice c ON c.partner = p.id
GROUP BY p.id ORDER BY p.id
"""


def main():
    args = sys.argv[1:]
    out = None
    if "--totals" in args:
        i = args.index("--totals")
        out = args[i + 1]
        del args[i : i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    events, partners = args
    start = time.perf_counter()
    con = duckdb.connect()
    rows = con.execute(QUERY, [events, partners]).fetchall()
    elapsed = time.perf_counter() - start
    total = sum(r[1] for r in rows)
    print(f"duckdb: {len(rows)} partners, total {total:.2f}, {elapsed:.3f} s")
    if out:
        with open(out, "w") as f:
            json.dump({r[0]: f"{r[1]:.2f}" for r in rows}, f, indent=1)


if __name__ == "__main__":
    main()
