# hwledger — `make help` lists the targets.
SHELL := /bin/bash
GO ?= go
BIN := bin/hwledger
DATA ?= ./data
ADDR ?= 127.0.0.1:8080

.PHONY: help run build test deps lint openapi-lint prism bench testdata screenshots

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

build: ## build bin/hwledger
	$(GO) build -o $(BIN) ./cmd/hwledger

run: build ## build, then serve a demo district from ./data and say where to sign in (data/demo-people.json)
	$(BIN) serve --data $(DATA) --addr $(ADDR) --demo

# Debian packages the tests need: Chromium for the browser tests; a CJK font
# so the screenshots show Chinese text rather than boxes, which is also the
# font serve embeds in the printable manifests (serve --pdf-font); poppler's
# pdftotext and pdftoppm, with which the tests read those PDFs back.
APT_DEPS := chromium fonts-wqy-microhei poppler-utils

deps: ## install what the tests need and is missing (Chromium, a Chinese font, poppler-utils)
	@missing=""; for p in $(APT_DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages for the tests:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	$(GO) mod download

test: deps lint ## install what is missing, then run every test (with the race detector)
	$(GO) test -race -count=1 -timeout 20m ./...

# Linters, pinned, run with `go run PKG@VERSION`: the Go module proxy serves
# them and the build cache keeps them, so nothing is installed by hand.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
DEADCODE := golang.org/x/tools/cmd/deadcode@v0.52.0

lint: ## gofmt, go vet, staticcheck and deadcode: any finding fails
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@echo "$(GO) run $(DEADCODE) -test ./..."; \
	  out=$$($(GO) run $(DEADCODE) -test ./...) || exit 1; \
	  if [ -n "$$out" ]; then echo "deadcode: unreachable functions:"; echo "$$out"; exit 1; fi

# Redocly CLI, pinned. Not part of `make test`: it needs Node.js and the npm
# registry (npx fetches it on first use, then checks the registry each run),
# which the Go toolchain does not promise; the Go tests check the document's
# structure, routes, roles and enumerations, and every HTTP exchange of the
# tests against it.
REDOCLY := @redocly/cli@2.77.0

openapi-lint: ## lint api/openapi.yaml with Redocly's recommended rules (needs Node.js and npm)
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npx --yes $(REDOCLY) lint --config api/redocly.yaml api/openapi.yaml

# The Go benchmarks behind the README's Performance table, one
# 'package:pattern:benchtime' per entry; `make bench BENCHES=web:Pages:10x`
# runs some of them. The domain ones build a store of
# HWLEDGER_BENCH_BATCHES (default 1,000,000) batches first.
BENCHES ?= 'ledger:Queries|Sweep|Assessment|Classes|DeclarationYear:20x' \
	'ledger:TraceConsolidated:200x' 'internal/manifestpdf:PDF50:200x' \
	'ledger:Register$$:80000x' 'api:HTTPRegister$$:10000x' 'api:HTTPRegisterFixedLoad:10000x' \
	'api:Tiles:20000x' 'api:LedgerBookExport:1x' 'witness:Cosign:3000x' 'witness:LedgerWithWitnesses:1x' \
	'mirror:Mirror:1x' 'web:Pages:10x' 'web:Dashboard:5x'

bench: ## run the benchmarks (hwledger bench, then the Go benchmarks of BENCHES); write bench.json
	$(GO) run ./cmd/hwledger bench --out bench.json
	@set -e; for b in $(BENCHES); do IFS=: read -r pkg pat n <<<"$$b"; \
	  echo "go test ./$$pkg -run '^$$' -bench '$$pat' -benchtime $$n"; \
	  $(GO) test ./$$pkg -count=1 -timeout 60m -run '^$$' -bench "$$pat" -benchtime "$$n"; done

prism: ## check a demo district's live answers against api/openapi.yaml with Stoplight Prism (needs Node.js and npm)
	scripts/prism-check.sh

screenshots: deps ## regenerate the screenshots in testdata/screenshots (shown in the README)
	UPDATE_SCREENSHOTS=1 $(GO) test -count=1 -run 'TestBrowser(Story|VerifyPage|LabelSizes|RoadPages|TraceLedgerParty)' ./web/

testdata: ## regenerate the tampered ledgers under testdata/
	$(GO) run ./ledger/internal/mktestdata -out testdata/ledgers
