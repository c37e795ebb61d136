# goodtrace: thin wrapper over Meson + Ninja and the scripts in scripts/.
# `make help` lists the targets.

BENCH_ENTRIES ?= 10000000
BENCH_SIZE ?= 256
BENCH_BATCH ?= 1024
BENCH_HTTP_SECONDS ?= 20
BENCH_CHECK_BATCHES ?= 100000
BENCH_CHECK_SERIALS ?= 100
BENCH_CHECK_SECONDS ?= 20
BENCH_CHECK_EVENTS ?= 100

.PHONY: all build run test bench fmt clean help deps

all: build

help:
	@echo 'make build   install missing Debian packages, configure build/ once, compile'
	@echo 'make run     build, then create demo/ (once) and serve it on http://127.0.0.1:8080 (scripts/demo)'
	@echo 'make test    the whole test run: unit tests plain and with ASan/UBSan, crash test,'
	@echo '             fuzz smoke, CLI tests (scripts/test); ends with "N passed, N failed"'
	@echo 'make bench   build, then benchmark log appends (bench/log-bench), then volunteer'
	@echo '             matching: 1,000,000 volunteers, 100,000 opportunities, 20,000 queries'
	@echo '             (bench/match-bench) and candidates through the API (bench/match-http-bench),'
	@echo '             then the HTTP service: durable writes and proof reads'
	@echo '             (bench/http-bench)'
	@echo '             (BENCH_ENTRIES=$(BENCH_ENTRIES) BENCH_SIZE=$(BENCH_SIZE) BENCH_BATCH=$(BENCH_BATCH)'
	@echo '             BENCH_HTTP_SECONDS=$(BENCH_HTTP_SECONDS) per HTTP run), then the public check over'
	@echo '             BENCH_CHECK_BATCHES=$(BENCH_CHECK_BATCHES) batches of BENCH_CHECK_SERIALS=$(BENCH_CHECK_SERIALS) serials'
	@echo '             and EPCIS capture, BENCH_CHECK_EVENTS=$(BENCH_CHECK_EVENTS) events per document'
	@echo '             (bench/check-bench, BENCH_CHECK_SECONDS=$(BENCH_CHECK_SECONDS) per run; the set-up takes minutes),'
	@echo '             then the One-yuan donations: 5.8 million through the batch route and 300,000'
	@echo '             single ones into one campaign (bench/give-bench; GT_BENCH_BATCH_TOTAL,'
	@echo '             GT_BENCH_SINGLES, GT_BENCH_CONNS in the environment for shorter runs),'
	@echo '             then green action reports: 2,000,000 actions in reports of 256 for'
	@echo '             1,000,000 users (bench/green-bench; GT_BENCH_GREEN_ACTIONS, GT_BENCH_GREEN_USERS)'
	@echo 'make fmt     clang-format the C sources in place'
	@echo 'make clean   remove build/, build-asan/ and build-fuzz/'

deps:
	@scripts/deps

# Meson is set up once; afterwards ninja re-runs it by itself when meson.build changes.
# A directory left half-configured (no build.ninja) is set up again with --reconfigure.
build: deps
	@if [ ! -f build/build.ninja ]; then \
		if [ -f build/meson-private/coredata.dat ]; then meson setup --reconfigure build; \
		else meson setup build; fi; \
	fi
	ninja -C build

run: build
	scripts/demo

test: deps
	scripts/test

bench: build
	bench/log-bench build/goodtrace --entries $(BENCH_ENTRIES) --size $(BENCH_SIZE) --batch $(BENCH_BATCH)
	bench/match-bench build/goodtrace
	bench/match-http-bench build/goodtrace build/gt-httpload
	bench/http-bench build/goodtrace build/gt-httpload --duration $(BENCH_HTTP_SECONDS)
	bench/check-bench build/goodtrace build/gt-httpload --batches $(BENCH_CHECK_BATCHES) \
		--serials $(BENCH_CHECK_SERIALS) --duration $(BENCH_CHECK_SECONDS) \
		--capture-events $(BENCH_CHECK_EVENTS)
	bench/give-bench build/goodtrace build/gt-httpload
	bench/green-bench build/goodtrace build/gt-httpload

fmt: deps
	find src tests bench -name '*.[ch]' -print0 | xargs -0 -r clang-format -i

clean:
	rm -rf build build-asan build-fuzz
