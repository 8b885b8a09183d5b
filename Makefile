# mlplane — see README.md. Targets come in pairs: build/test, update/verify.
SHELL := /usr/bin/env bash
GO ?= go
OUT := _output
BIN := $(OUT)/bin
# Packages whose tests run in `make test`.
PKGS ?= ./...
GOTEST_FLAGS ?= -count=1 -timeout=30m
# Scenarios of `make bench`: training (TFJobs, next to a client-go ceiling),
# trainjob (TrainJobs, next to theirs), notebook (Notebooks, then an idle
# window) and console (the web console's list of BENCH_NOTEBOOKS Notebooks in
# Debian's chromium, next to the plain list).
BENCH_SCENARIOS ?= training trainjob notebook console
# Numbers of TFJobs of the training scenario, and of TrainJobs of the trainjob
# scenario; one fresh control plane per size and scenario.
BENCH_SIZES ?= 100 500 1000
# Number of Notebooks of the notebook and console scenarios, each on a control
# plane of its own.
BENCH_NOTEBOOKS ?= 500
# Extra mlplane-controller flags for `make bench` (e.g. --kube-api-qps=100);
# the ceiling follows the controller's QPS, burst and workers.
BENCH_CONTROLLER_FLAGS ?=
# More flags of the benchmark program (see its -help).
BENCH_FLAGS ?=

.PHONY: all build tools run run-detached down test unit e2e bench verify update verify-gofmt verify-vet \
	verify-codegen update-codegen clean

all: build

## build: compile mlplane-apiserver and mlplane-controller into _output/bin
build:
	$(GO) build -o $(BIN)/mlplane-apiserver ./cmd/apiserver
	$(GO) build -o $(BIN)/mlplane-controller ./cmd/controller

## tools: build kube-apiserver, kube-controller-manager, kube-scheduler, kwok and etcd (skips what is up to date)
tools:
	hack/build-tools.sh

## run: start the local control plane with mlplane in the foreground (Ctrl-C stops it)
run:
	hack/local-up.sh

## run-detached: start the local control plane in the background; stop it with `make down`
run-detached:
	hack/local-up.sh --detach

down:
	hack/local-down.sh

## test: verify, then every test: unit, storage on embedded etcd, in-process
## server, and end to end on a real local control plane (test/e2e)
test: verify build tools unit

unit:
	$(GO) test $(GOTEST_FLAGS) $(PKGS)

## e2e: only the end-to-end tests
e2e: build tools
	$(GO) test $(GOTEST_FLAGS) -v ./test/e2e/...

## bench: benchmarks on their own local control planes (_output/bench, port
## offset 500), never part of `make test`; results in _output/bench/results.md,
## method and published numbers in docs/benchmarks.md
bench: build tools
	$(GO) build -o $(BIN)/mlplane-bench ./test/bench
	$(BIN)/mlplane-bench -root . -scenarios "$(BENCH_SCENARIOS)" -sizes "$(BENCH_SIZES)" \
		-notebooks "$(BENCH_NOTEBOOKS)" -controller-flags "$(BENCH_CONTROLLER_FLAGS)" $(BENCH_FLAGS)

## verify: gofmt, go vet and generated code are clean
verify: verify-gofmt verify-vet verify-codegen

verify-gofmt:
	@out=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go')); \
	if [[ -n "$$out" ]]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

verify-vet:
	$(GO) vet ./...

verify-codegen:
	hack/verify-codegen.sh

## update: regenerate code and gofmt
update: update-codegen
	gofmt -w $$(git ls-files --cached --others --exclude-standard '*.go')

update-codegen:
	hack/update-codegen.sh

clean:
	rm -rf $(OUT)
