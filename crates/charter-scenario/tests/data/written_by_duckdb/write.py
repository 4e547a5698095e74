"""Writes the events and partners of ../good/full.json as CSV and Parquet
with DuckDB (a writer other than the tests' own), for tests/formats.rs:

    pip install duckdb && python3 write.py

Types are what a warehouse would hold: DATE, DECIMAL(18, 2), BOOLEAN,
INTEGER, VARCHAR, a list of names, staff counts as BIGINT columns."""

import json

import duckdb

with open("../good/full.json") as f:
    doc = json.load(f)
with open("events.ndjson", "w") as f:
    for event in doc["events"]:
        f.write(json.dumps(event) + "\n")
with open("partners.json", "w") as f:
    json.dump(doc["partners"], f)

con = duckdb.connect()
con.execute(
    """create table events as select * from read_json('events.ndjson',
    format = 'newline_delimited', columns = {
      'date': 'DATE', 'type': 'VARCHAR', 'id': 'VARCHAR', 'customer': 'VARCHAR',
      'partner': 'VARCHAR', 'opportunity': 'VARCHAR', 'approved': 'BOOLEAN',
      'decided': 'DATE', 'requested_by_customer': 'BOOLEAN', 'product': 'VARCHAR',
      'invoice': 'VARCHAR', 'amount': 'DECIMAL(18, 2)', 'currency': 'VARCHAR',
      'renewal': 'BOOLEAN', 'collected_by': 'VARCHAR', 'kind': 'VARCHAR',
      'tier': 'VARCHAR', 'qualification': 'VARCHAR', 'count': 'INTEGER'})"""
)
con.execute("copy events to 'events.parquet' (format parquet, compression zstd)")
con.execute("copy events to 'events.csv' (header)")
con.execute(
    """create table partners as select * from read_json('partners.json', columns = {
      'id': 'VARCHAR', 'name': 'VARCHAR', 'track': 'VARCHAR', 'modules': 'VARCHAR[]',
      'tier': 'VARCHAR', 'entity': 'VARCHAR', 'contract': 'BOOLEAN', 'region': 'VARCHAR',
      'joined': 'DATE', 'elected': 'VARCHAR[]',
      'staff': 'STRUCT(sales BIGINT, technical BIGINT, trained BIGINT)',
      'revenue_target': 'DECIMAL(18, 2)'})"""
)
columns = """id, name, track, {modules}, tier, entity, contract, region, joined, {elected},
  staff.sales as "staff.sales", staff.technical as "staff.technical",
  staff.trained as "staff.trained", revenue_target"""
lists = columns.format(modules="modules", elected="elected")
joined = columns.format(
    modules="array_to_string(modules, ';') as modules",
    elected="array_to_string(elected, ';') as elected",
)
con.execute(f"copy (select {lists} from partners) to 'partners.parquet' (format parquet)")
con.execute(f"copy (select {joined} from partners) to 'partners.csv' (header)")
