#!/usr/bin/env bash
# prism-check.sh: checks the live answers of a demo district against
# api/openapi.yaml with an outside validator, Stoplight Prism, run as a
# validating proxy (`npx @stoplight/prism-cli proxy`; needs Node.js and the
# npm registry). Every request and answer of the walk below goes through
# the proxy; Prism names each violation in an `sl-violations` header, and
# the script fails when any answer carries one.
#
# The walk, as each demo role: the lists (batches in every status,
# manifests, alerts, corrections, filings), one of each item and its trace
# and track, the catalogue, the assessment, the management classes, plans,
# 台账 and declarations, the ledger's checkpoint, proofs and events; then a
# generator registers a batch and files a manifest, a request with a bad
# body is refused, and a carrier picks it up.
#
# Usage: scripts/prism-check.sh   (from the repository's root; `make prism`)
set -euo pipefail
cd "$(dirname "$0")/.."

PRISM=@stoplight/prism-cli@5.14.2
APP=127.0.0.1:18480
PROXY=127.0.0.1:18481
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/hwledger" ./cmd/hwledger
"$work/hwledger" serve --data "$work/data" --addr "$APP" --demo >"$work/serve.log" 2>&1 &
for _ in $(seq 600); do curl -fs "http://$APP/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "http://$APP/healthz" >/dev/null || { echo "the server did not start:"; cat "$work/serve.log"; exit 1; }
npx --yes "$PRISM" proxy api/openapi.yaml "http://$APP" --host 127.0.0.1 --port "${PROXY#*:}" >"$work/prism.log" 2>&1 &
for _ in $(seq 240); do curl -s -o /dev/null "http://$PROXY/healthz" 2>/dev/null && break; sleep 0.5; done

tokens="$work/data/demo-tokens.json"
admin=$(cat "$work/data/admin.token")
tok() { jq -r --arg r "$1" '[.[] | select(.role == $r)][0].token' "$tokens"; }
party() { jq -r --arg r "$1" '[.[] | select(.role == $r)][0].party_id' "$tokens"; }
gen=$(tok generator) car=$(tok transporter) rcv=$(tok receiver) insp=$(tok inspector)
genp=$(party generator)

requests=0 violations=0
# call METHOD PATH TOKEN [BODY]: one exchange through the proxy; prints
# the answer's body on stdout, and any violation on stderr. With BAD=1 the
# request is meant to break the document: its own violations are expected,
# and only the answer's count.
call() {
  local method=$1 path=$2 token=$3 body=${4:-}
  local args=(-s -X "$method" -D "$work/headers" -o "$work/body" -H "Authorization: Bearer $token")
  [ -n "$body" ] && args+=(-H "Content-Type: application/json" -H "Idempotency-Key: $(uuidgen 2>/dev/null || cat /proc/sys/kernel/random/uuid)" --data "$body")
  curl "${args[@]}" "http://$PROXY$path" || true
  requests=$((requests + 1))
  local v
  v=$(grep -i '^sl-violations:' "$work/headers" | cut -d' ' -f2- || true)
  if [ "${BAD:-}" = 1 ]; then
    v=$(echo "${v:-[]}" | jq -c '[.[] | select(.location[0] != "request")] | select(length > 0)' 2>/dev/null || echo "$v")
  fi
  if [ -n "$v" ]; then
    violations=$((violations + 1))
    echo "VIOLATION $method $path: $(echo "$v" | head -c 2000)" >&2
  fi
  cat "$work/body"
}
first() { jq -r "$1 // empty" 2>/dev/null | head -n1; }

for who in "$gen" "$car" "$rcv" "$insp"; do
  for path in /api/v1/session /api/v1/wastes /api/v1/wastes/counts /api/v1/manifests /api/v1/alerts \
    /api/v1/corrections /api/v1/webhooks "/api/v1/assessment?group_by=party" /api/v1/ledger/checkpoint; do
    call GET "$path" "$who" >/dev/null
  done
  for status in stored in_transit received disposed; do
    call GET "/api/v1/wastes?status=$status&limit=5" "$who" >/dev/null
  done
  w=$(call GET "/api/v1/wastes?limit=1" "$who" | first '.items[0].id')
  if [ -n "$w" ]; then
    call GET "/api/v1/wastes/$w" "$who" >/dev/null
    call GET "/api/v1/wastes/$w/trace" "$who" >/dev/null
  fi
  for status in submitted in_transit delivered received closed cancelled; do
    m=$(call GET "/api/v1/manifests?status=$status&limit=2" "$who" | first '.items[0].id')
    if [ -n "$m" ]; then
      call GET "/api/v1/manifests/$m" "$who" >/dev/null
      call GET "/api/v1/manifests/$m/trace" "$who" >/dev/null
      call GET "/api/v1/manifests/$m/track" "$who" >/dev/null
      call GET "/api/v1/manifests/$m/corrections" "$who" >/dev/null
    fi
  done
done

for path in "/api/v1/catalog/codes?q=%E6%B6%B2%E5%8E%8B%E6%B2%B9" /api/v1/catalog/exemptions /api/v1/catalog/editions \
  /api/v1/catalog/methods /api/v1/parties /api/v1/management-classes /api/v1/filings "/api/v1/assessment?group_by=street" \
  /api/v1/security-log "/api/v1/ledger/events?from=0&limit=50" "/api/v1/ledger/proof/inclusion?index=5&size=100" \
  "/api/v1/ledger/proof/consistency?from=10&to=100" /api/v1/ledger/key /api/v1/tlog/checkpoint; do
  call GET "$path" "$insp" >/dev/null
done
for path in /api/v1/parties/$genp /api/v1/parties/$genp/management-class /api/v1/parties/$genp/plans \
  "/api/v1/parties/$genp/ledger-book?year=2026" /api/v1/parties/$genp/declarations \
  "/api/v1/parties/$genp/declarations/draft?period=2026" /api/v1/parties/$genp/people /api/v1/parties/$genp/tokens; do
  call GET "$path" "$gen" >/dev/null
  call GET "$path" "$insp" >/dev/null
done
call GET /api/v1/parties "$admin" >/dev/null

# Writes: a batch, a refused body, a manifest and its pickup.
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
later=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)
# A code the generator's plan lists: that of one of its batches.
code=$(call GET "/api/v1/wastes?limit=1" "$gen" | first '.items[0].code')
hw="HW${code: -2}"
b=$(call POST /api/v1/wastes "$gen" "{\"code\":\"$code\",\"form\":\"solid\",\"quantity_kg\":12.5,\"container\":{\"type\":\"铁桶\",\"count\":1},\"generated_at\":\"$now\"}")
wid=$(echo "$b" | first '.id') label=$(echo "$b" | first '.label')
bad=$(BAD=1 call POST /api/v1/wastes "$gen" '{"code":"900-249-08","form":"gas","quantity_kg":-1}')
if [ "$(echo "$bad" | jq -r '.error.code // .code // empty' 2>/dev/null)" = "" ]; then
  echo "a bad batch was not refused with an error code: $bad" >&2
  violations=$((violations + 1))
fi
# A carrier whose permit covers the category (an empty scope covers every
# code), and a receiver licensed for it.
read -r carp car < <(jq -r '[.[] | select(.role == "transporter")][] | "\(.party_id) \(.token)"' "$tokens" | while read -r p t; do
  scope=$(call GET "/api/v1/parties/$p" "$insp" | jq -r '.transport_scope // [] | join(" ")')
  case " $scope " in "  " | *" $hw "*) echo "$p $t"; break ;; esac
done)
rcvp=$(jq -r '[.[] | select(.role == "receiver")][] | .party_id' "$tokens" | while read -r p; do
  codes=$(call GET "/api/v1/parties/$p" "$insp" | jq -r '.license.codes // [] | join(" ")')
  case " $codes " in *" $hw "*) echo "$p"; break ;; esac
done)
m=$(call POST /api/v1/manifests "$gen" "{\"waste_ids\":[\"$wid\"],\"carriers\":[\"$carp\"],\"receiver\":\"$rcvp\",\"planned_pickup_at\":\"$later\"}" | first '.id')
if [ -n "$m" ]; then
  call POST "/api/v1/manifests/$m/pickup" "$car" "{\"labels\":[\"$label\"],\"vehicle_plate\":\"豫A12345\",\"driver\":\"李师傅\",\"location\":{\"lat\":34.75,\"lon\":113.68}}" >/dev/null
  st=$(call GET "/api/v1/manifests/$m" "$car" | first '.status')
  if [ "$st" != in_transit ]; then
    echo "the pickup did not take: the manifest is $st: $(cat "$work/body")" >&2
    violations=$((violations + 1))
  fi
else
  echo "the manifest was not filed: $(cat "$work/body")" >&2
  violations=$((violations + 1))
fi

echo "prism-check: $requests exchanges through Prism's validating proxy, $violations with violations"
[ "$violations" -eq 0 ]
