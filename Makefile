# swift-traefik — `make run` (demo) and `make test` (everything) are all a new user needs.
SWIFT ?= swift
DEBIAN_PACKAGES := curl openssl nginx apache2-utils wrk nghttp2-client chromium etcd-server zookeeper
# Release builds turn off NIO's dynamic exclusivity checks too (measured in ../shared/notes/data-path-performance.md).
# This package's release builds all link the Swift runtime in: toggling --static-swift-stdlib recompiles every module.
OPTIMIZED_FLAGS := -c release -Xswiftc -enforce-exclusivity=unchecked
RELEASE_FLAGS := $(OPTIMIZED_FLAGS) --static-swift-stdlib
# `make release`: one stripped binary without the Swift runtime as a dependency.
DIST := dist
# Installation (`make install PREFIX=/usr/local`; DESTDIR for staging; TRAEFIK_BINARY to install another build).
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
TRAEFIK_BINARY ?= $(DIST)/traefik

.PHONY: build release release-check install uninstall run test deps bench bench-micro soak clean

build:
	$(SWIFT) build

# The version (VERSION=…, else the source's default), the git commit and the build date (SOURCE_DATE_EPOCH when set)
# are stamped in through Package.swift; `traefik version` prints them.
release: export TRAEFIK_BUILD_VERSION := $(VERSION)
release: export TRAEFIK_BUILD_COMMIT := $(shell git describe --always --dirty --abbrev=12 --exclude='*' 2>/dev/null)
release: export TRAEFIK_BUILD_DATE := $(shell date -u -d "@$${SOURCE_DATE_EPOCH:-$$(date +%s)}" +%Y-%m-%dT%H:%M:%SZ)
release:
	$(SWIFT) build $(RELEASE_FLAGS) --product traefik
	@mkdir -p $(DIST)
	strip -o $(DIST)/traefik "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/traefik"
	@ls -l $(DIST)/traefik

# The checks on the static binary (empty environment, no Swift libraries in ldd, serves a request). Not part of
# `make test`: a clean static release build takes many minutes on 2 cores (README, Operations).
release-check: release
	$(SWIFT) build --build-tests
	TRAEFIK_RELEASE_BINARY=$(CURDIR)/$(DIST)/traefik $(SWIFT) test --skip-build --filter StaticBinaryTests

install:
	@test -x $(TRAEFIK_BINARY) || { echo "$(TRAEFIK_BINARY) is missing: run make release first" >&2; exit 1; }
	install -D -m 755 $(TRAEFIK_BINARY) $(DESTDIR)$(BINDIR)/traefik
	install -d -m 755 $(DESTDIR)$(SYSCONFDIR)/traefik
	@# The sample configuration never replaces one that is there.
	test -e $(DESTDIR)$(SYSCONFDIR)/traefik/traefik.toml || \
		install -m 644 packaging/traefik.toml $(DESTDIR)$(SYSCONFDIR)/traefik/traefik.toml
	install -d -m 755 $(DESTDIR)$(UNITDIR)
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' packaging/traefik.service \
		> $(DESTDIR)$(UNITDIR)/traefik.service
	chmod 644 $(DESTDIR)$(UNITDIR)/traefik.service

# Removes what install added; a traefik.toml that differs from the sample (edited, or there before) stays.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/traefik $(DESTDIR)$(UNITDIR)/traefik.service
	if cmp -s packaging/traefik.toml $(DESTDIR)$(SYSCONFDIR)/traefik/traefik.toml; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/traefik/traefik.toml; fi
	rmdir $(DESTDIR)$(SYSCONFDIR)/traefik 2>/dev/null || true

# Builds, starts two whoami backends (127.0.0.1:8081, :8082) and the proxy on demo/traefik.toml (:8000).
run:
	$(SWIFT) build --product traefik
	$(SWIFT) build --product demo-backends
	@scripts/run-demo.sh "$$($(SWIFT) build --show-bin-path)"

# Installs what the tests need (idempotent), then runs every test, one at a time: the integration tests start
# proxies, backends, TLS clients and load loops, and on 2 cores running them all at once starves their timers.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel

deps:
	@scripts/install-deps.sh $(DEBIAN_PACKAGES)

# Every benchmark against the release binary, with nginx, HAProxy and Caddy beside it (scripts/bench-all.sh);
# the report lands in bench/results/.
bench: release
	$(SWIFT) build $(RELEASE_FLAGS) --product demo-backends
	@scripts/bench-all.sh "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/traefik"

# ns and heap allocations per operation of the per-request work (Benchmarks/, a package of its own).
bench-micro:
	cd Benchmarks && $(SWIFT) build $(OPTIMIZED_FLAGS) --product CoreBenchmarks && .build/release/CoreBenchmarks

# 10 minutes (SOAK_SECONDS) of mixed load with a reload every second; RSS and descriptors must stay flat. Then
# 500 slowloris connections: a normal client's p99 stays within 10× its quiet value (scripts/slowloris.sh).
soak: release
	@scripts/install-deps.sh curl wrk apache2-utils slowhttptest
	$(SWIFT) build $(RELEASE_FLAGS) --product demo-backends
	$(SWIFT) build $(RELEASE_FLAGS) --product loadgen
	@scripts/soak.sh "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/traefik"
	@scripts/slowloris.sh "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/traefik"

clean:
	rm -rf .build $(DIST)

# libFuzzer targets (Fuzz/, a package of its own): the HTTP/1.1 head and chunked-body scanners, route rules,
# breaker expressions, the four configuration formats, Go templates and bolt files. `make fuzz` runs each for
# FUZZ_SECONDS from the committed corpus (integration/fixtures/fuzz/<target>; new inputs go to Fuzz/.build/corpus),
# writes crashing inputs to Fuzz/artifacts/<target>/ and fails if any target crashed.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := FuzzRequestHead FuzzRule FuzzBreakerExpression FuzzConfig FuzzGoTemplate FuzzBoltDB
# `--sanitize fuzzer` keeps libFuzzer's `main` (SwiftPM would rename it otherwise); swiftc keeps only its last
# -sanitize option, and `--sanitize` twice comes out in either order, so both sanitizers go in one -Xswiftc.
FUZZ_BUILD_FLAGS := -c release --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address \
	-Xswiftc -parse-as-library -Xswiftc -enable-testing
# Long enough inputs to reach the head limits (16 KiB of headers); regex-valued rules stay short to stay fast.
# Swift's own backtracer is off: under AddressSanitizer it reports itself instead of the crash.
FUZZ_OPTIONS_FuzzRequestHead := -max_len=20000
FUZZ_OPTIONS_FuzzRule := -max_len=512
FUZZ_OPTIONS_FuzzBreakerExpression := -max_len=4096
FUZZ_OPTIONS_FuzzConfig := -max_len=8192 -rss_limit_mb=4096
FUZZ_OPTIONS_FuzzGoTemplate := -max_len=4096
FUZZ_OPTIONS_FuzzBoltDB := -max_len=16384

.PHONY: fuzz fuzz-build

fuzz-build:
	cd Fuzz && $(SWIFT) build $(FUZZ_BUILD_FLAGS)

fuzz: fuzz-build
	@bin="$$(cd Fuzz && $(SWIFT) build $(FUZZ_BUILD_FLAGS) --show-bin-path)"; failed=""; \
	run() { \
		mkdir -p Fuzz/.build/corpus/$$1 Fuzz/artifacts/$$1; echo "== $$1 ($(FUZZ_SECONDS) s)"; \
		env SWIFT_BACKTRACE=enable=no "$$bin/$$1" -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 $$2 \
			-artifact_prefix=Fuzz/artifacts/$$1/ Fuzz/.build/corpus/$$1 integration/fixtures/fuzz/$$1 \
			|| failed="$$failed $$1"; \
	}; \
	$(foreach target,$(FUZZ_TARGETS),run $(target) "$(FUZZ_OPTIONS_$(target))";) \
	if [ -n "$$failed" ]; then echo "fuzz: crashes in$$failed (inputs in Fuzz/artifacts/)"; exit 1; fi
