#!/usr/bin/env bash
# Copies the project's test data into fuzz/corpus/<target>/ as seed corpora
# (fuzz/corpus is gitignored). Safe to run again: files are named by content.
#
#   bash fuzz/seed-corpus.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus
mkdir -p "$out"/{parse,check,format_roundtrip,scenario,scenario_tables,simulate,lsp_message,imports,render}

copy() { # copy TARGET FILE...
  local target=$1; shift
  for f in "$@"; do
    [ -f "$f" ] || continue
    cp "$f" "$out/$target/$(sha1sum "$f" | cut -c1-16)"
  done
}

policies=$(find policies tests/check tests/regressions/policy crates/charter-fmt/tests/data -name '*.charter' -o -name '*.formatted' | sort)
for t in parse check format_roundtrip render; do
  # shellcheck disable=SC2086
  copy "$t" $policies
done

scenarios=$(find tests/scenarios crates/charter-scenario/tests/data -name '*.json' -o -name '*.ndjson' | sort)
# shellcheck disable=SC2086
copy scenario $scenarios
# shellcheck disable=SC2086
copy simulate $(find tests/scenarios -name '*.json' | sort)
# CSV files (the bad ones are one edit away from good ones) for the tables target.
# shellcheck disable=SC2086
copy scenario_tables $(find crates/charter-scenario/tests/data -name '*.csv' | sort)

# Small synthetic NDJSON scenarios, when a `charter` binary is built.
charter=""
for c in target/release/charter target/debug/charter; do
  [ -x "$c" ] && { charter=$c; break; }
done
if [ -n "$charter" ]; then
  tmp=$(mktemp -d)
  for n in 20 200; do
    "$charter" gen-scenario --events "$n" --partners 5 --seed "$n" --out "$tmp/ev$n.ndjson" \
      --partners-out "$tmp/p$n.json" >/dev/null 2>&1 || continue
    "$charter" gen-scenario --events "$n" --partners 5 --seed "$n" --tracks-only --currency USD \
      --out "$tmp/usd$n.ndjson" --partners-out "$tmp/usdp$n.json" >/dev/null 2>&1 || continue
    copy simulate "$tmp/usd$n.ndjson"
    # the same as one JSON document with its partners, against Optimetriks
    { printf '{"policy": "optimetriks", "partners": '; cat "$tmp/usdp$n.json"
      printf ', "events": ['; paste -sd, "$tmp/usd$n.ndjson"; printf ']}\n'; } > "$tmp/doc$n.json"
    copy simulate "$tmp/doc$n.json"
    copy scenario "$tmp/doc$n.json"
    copy scenario "$tmp/ev$n.ndjson"
    copy simulate "$tmp/ev$n.ndjson"
    # events, NUL, partners: the scenario target's split form
    { cat "$tmp/ev$n.ndjson"; printf '\0'; cat "$tmp/p$n.json"; } > "$tmp/split$n"
    copy scenario "$tmp/split$n"
  done
  rm -rf "$tmp"
else
  echo "seed-corpus: no target/*/charter binary; skipping generated NDJSON seeds" >&2
fi

# Long lines for the `render` target, written short: `\x01 n` repeats the four
# characters before it n × 256 times (so `DE, \x01P` is 81,920 characters), and
# a label lands past column 65,536; with escape sequences and bidirectional
# controls in comments and strings.
python3 - "$out/render" <<'PY'
import hashlib, os, sys
out = sys.argv[1]
p = 'program "P" { currency EUR }\n'
seeds = [
    p + 'region R = [DE, \x01P XX]\npartner a { region R }\n',
    p + '// \x1b[2J\x01P\u202e\ncommission c: 5% of payments // \x01H\n',
    p + 'partner a "\x1b]0;t\x07 \u2067 ab \x01D" { }\npartner \u0430cme { }\npartner acme { }\n',
    p + 'commission c: 100.0000\x01D' + '1% of payments\n',
    p + 'tiers A < B < C < D < \x01A',
]
for text in seeds:
    data = text.encode()
    open(os.path.join(out, hashlib.sha1(data).hexdigest()[:16]), "wb").write(data)
PY

# Import graphs for the `imports` target: files split at U+0001 (f0, f1,
# sub/f2, f3, ...), every folder holding a `loop` link to itself.
python3 - "$out/imports" <<'PY'
import hashlib, os, sys
out = sys.argv[1]
p = 'program "P" { currency EUR }\n'
trees = [
    [p + 'import "loop/f0.charter"\ntiers Gold\nbenefit b (marketing) for Gold\n'],
    [p + 'import "f1.charter"\n', 'import "loop/f1.charter"\nimport "loop/loop/f1.charter"\nimport "sub/loop/../f1.charter"\n'],
    [p + 'import "f1.charter"\n', 'import "sub/f2.charter"\n', 'import "../loop/f1.charter"\n'],
    [p + 'import "f1.charter"\nimport "f3.charter"\ntiers Gold\n', 'import "f3.charter"\n', 'import "../f0.charter"\n', 'benefit b (marketing) for Gold\n'],
    ['import "f1.charter"\n', 'import "f0.charter"\n' + p],
]
for files in trees:
    data = "\x01".join(files).encode()
    open(os.path.join(out, hashlib.sha1(data).hexdigest()[:16]), "wb").write(data)
PY

# Whole LSP sessions: initialize, open a policy, ask for hover, completion,
# symbols and formatting, shut down, exit.
python3 - "$out/lsp_message" policies/*.charter tests/check/fail/*.charter <<'PY'
import hashlib, json, os, sys
out = sys.argv[1]
def frame(msg):
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body
for path in sys.argv[2:]:
    text = open(path, encoding="utf-8").read()
    uri = "file:///fuzz/" + os.path.basename(path)
    doc = {"textDocument": {"uri": uri}}
    pos = {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 4}}
    msgs = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "charter", "version": 1, "text": text}}},
        {"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": pos},
        {"jsonrpc": "2.0", "id": 3, "method": "textDocument/completion", "params": pos},
        {"jsonrpc": "2.0", "id": 4, "method": "textDocument/documentSymbol", "params": doc},
        {"jsonrpc": "2.0", "id": 5, "method": "textDocument/formatting", "params": {**doc, "options": {"tabSize": 2, "insertSpaces": True}}},
        {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 3}}, "text": "x"}]}},
        {"jsonrpc": "2.0", "id": 6, "method": "textDocument/definition", "params": pos},
        {"jsonrpc": "2.0", "id": 7, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    data = b"".join(frame(m) for m in msgs)
    name = hashlib.sha1(data).hexdigest()[:16]
    open(os.path.join(out, name), "wb").write(data)
PY

for t in "$out"/*; do
  echo "$(basename "$t"): $(find "$t" -type f | wc -l) seeds"
done
