# mlplane — see README.md. Targets come in pairs: build/test, update/verify.
SHELL := /usr/bin/env bash
GO ?= go
OUT := _output
BIN := $(OUT)/bin
# Packages whose tests run in `make test`.
PKGS ?= ./...
GOTEST_FLAGS ?= -count=1 -timeout=30m

.PHONY: all build test unit verify update verify-gofmt verify-vet verify-codegen update-codegen clean

all: build

## build: compile mlplane-apiserver into _output/bin
build:
	$(GO) build -o $(BIN)/ ./cmd/...

## test: verify, then every test (unit, storage on embedded etcd, in-process server)
test: verify unit

unit:
	$(GO) test $(GOTEST_FLAGS) $(PKGS)

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
