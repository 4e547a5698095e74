#!/usr/bin/env python3
"""Optimetriks commissions in one DuckDB SQL query, for comparison with
`charter simulate policies/optimetriks.charter` (see compare.sh).

    python3 duckdb_optimetriks.py EVENTS.ndjson PARTNERS.json [--totals OUT.json]

Prints the wall time of the whole run (reading the NDJSON included) and, with
--totals, writes {partner: total} as JSON. Needs `pip install duckdb`.

The query encodes the policy's main rules, not all of Charter's semantics:
- Referral track: a referral attributes the customer when the customer's
  first order or first invoice (whichever comes first) falls within 3 months
  after it, and the vendor had no contact with the customer in the year
  before it;
- Affiliate track: the partner's own order of `Starter` attributes the
  customer; its commission needs a contract and at least one trained person
  (the staff count on the date the invoice was paid in full);
- `claims first`: the earliest claim (then the earliest event) wins;
- 5% (Referral) or 20% (Affiliate) of the payments, less refunds, on
  invoices issued within 12 months from the customer's first invoice and
  before the partner's notice, once the invoice has been paid in full
  (payments less refunds reached its amount); rounded half-up to the cent
  per invoice.
"""
import json
import sys
import time

import duckdb

QUERY = """
WITH ev AS (
  SELECT row_number() OVER () AS seq, *
  FROM read_json(?, format = 'newline_delimited', columns = {
    date: 'DATE', type: 'VARCHAR', partner: 'VARCHAR', customer: 'VARCHAR',
    id: 'VARCHAR', invoice: 'VARCHAR', amount: 'DECIMAL(20,2)',
    product: 'VARCHAR', qualification: 'VARCHAR', count: 'INTEGER'})
),
partners AS (
  SELECT id, track, coalesce(contract, true) AS contract,
         coalesce(staff.trained, 0) AS trained
  FROM read_json(?, format = 'array')
),
firsts AS (
  SELECT customer,
         min(date) FILTER (WHERE type = 'invoice') AS first_invoice,
         min(date) AS closed
  FROM ev WHERE type IN ('order', 'invoice') GROUP BY customer
),
claims AS (
  SELECT r.customer, r.partner, f.closed AS claimed, r.seq, 0.05::DECIMAL(3,2) AS rate
  FROM ev r
  JOIN partners p ON p.id = r.partner AND p.track = 'Referral'
  JOIN firsts f ON f.customer = r.customer
  WHERE r.type = 'referral'
    AND f.closed >= r.date AND f.closed <= r.date + INTERVAL 3 MONTH
    AND NOT EXISTS (
      SELECT 1 FROM ev v
      WHERE v.type = 'vendor_contact' AND v.customer = r.customer
        AND v.date >= r.date - INTERVAL 1 YEAR AND v.date <= r.date)
  UNION ALL
  SELECT o.customer, o.partner, o.date, o.seq, 0.20::DECIMAL(3,2)
  FROM ev o JOIN partners p ON p.id = o.partner AND p.track = 'Affiliate'
  WHERE o.type = 'order' AND o.product = 'Starter'
),
owners AS (
  SELECT customer, arg_min(partner, (claimed, seq)) AS partner,
         arg_min(rate, (claimed, seq)) AS rate
  FROM claims GROUP BY customer
),
notices AS (
  SELECT partner, min(date) AS ended FROM ev WHERE type = 'notice' GROUP BY partner
),
invoices AS (
  SELECT i.id, i.customer, i.date, i.amount, o.partner, o.rate
  FROM ev i
  JOIN owners o ON o.customer = i.customer
  JOIN firsts f ON f.customer = i.customer
  LEFT JOIN notices n ON n.partner = o.partner
  WHERE i.type = 'invoice'
    AND i.date >= f.first_invoice AND i.date < f.first_invoice + INTERVAL 12 MONTH
    AND (n.ended IS NULL OR i.date < n.ended)
),
money AS (
  SELECT invoice, date, amount,
         sum(amount) OVER (PARTITION BY invoice ORDER BY date, seq) AS running
  FROM (SELECT invoice, date, seq,
               CASE type WHEN 'payment' THEN amount ELSE -amount END AS amount
        FROM ev WHERE type IN ('payment', 'refund'))
),
staff AS (
  SELECT partner, date, count AS trained FROM ev
  WHERE type = 'staff' AND qualification = 'trained'
),
paid AS (
  SELECT i.id, any_value(i.partner) AS partner, any_value(i.rate) AS rate,
         sum(m.amount) AS kept,
         min(m.date) FILTER (WHERE m.running >= i.amount) AS paid_in_full
  FROM invoices i JOIN money m ON m.invoice = i.id
  GROUP BY i.id
),
per_invoice AS (
  SELECT i.partner, i.id, round(i.kept * i.rate, 2) AS commission
  FROM paid i
  JOIN partners p ON p.id = i.partner
  ASOF LEFT JOIN staff s ON s.partner = i.partner AND i.paid_in_full >= s.date
  WHERE i.paid_in_full IS NOT NULL
    AND (i.rate = 0.05 OR (p.contract AND coalesce(s.trained, p.trained) >= 1))
)
SELECT p.id AS partner, coalesce(sum(c.commission), 0) AS total
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
