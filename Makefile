# hwledger — `make help` lists the targets.
SHELL := /bin/bash
GO ?= go
BIN := bin/hwledger
DATA ?= ./data
ADDR ?= 127.0.0.1:8080

.PHONY: help run build test deps lint bench testdata screenshots

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

build: ## build bin/hwledger
	$(GO) build -o $(BIN) ./cmd/hwledger

run: build ## build, then serve a demo district from ./data and say where to log in
	$(BIN) serve --data $(DATA) --addr $(ADDR) --demo

deps: ## install what the tests need and is missing (Chromium for the browser tests)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }
	$(GO) mod download

test: deps lint ## install what is missing, then run every test (with the race detector)
	$(GO) test -race -count=1 -timeout 20m ./...

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

bench: ## run the benchmarks, print a table and write bench.json
	$(GO) run ./cmd/hwledger bench --out bench.json

testdata: ## regenerate the tampered ledgers under testdata/
	$(GO) run ./ledger/chain/internal/mktestdata -out testdata/ledgers
