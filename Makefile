# swift-traefik — `make run` (demo) and `make test` (everything) are all a new user needs.
SWIFT ?= swift
DEBIAN_PACKAGES := curl openssl nginx apache2-utils wrk nghttp2-client chromium etcd-server zookeeper
# Release builds turn off NIO's dynamic exclusivity checks too (measured in ../shared/notes/data-path-performance.md).
RELEASE_FLAGS := -c release -Xswiftc -enforce-exclusivity=unchecked

.PHONY: build release run test deps bench microbench soak clean

build:
	$(SWIFT) build

release:
	$(SWIFT) build $(RELEASE_FLAGS) --product traefik

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

bench: release
	$(SWIFT) build $(RELEASE_FLAGS) --product demo-backends
	@scripts/bench.sh "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/traefik"
	@scripts/bench-tls.sh "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/traefik"
	@scripts/bench-reload.sh "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/traefik"

# ns and heap allocations per operation of the per-request pure logic (Benchmarks/, a package of its own).
microbench:
	cd Benchmarks && $(SWIFT) build $(RELEASE_FLAGS) --product CoreBenchmarks && .build/release/CoreBenchmarks

# 10 minutes (SOAK_SECONDS) of mixed load with a reload every second; RSS and descriptors must stay flat.
soak: release
	$(SWIFT) build $(RELEASE_FLAGS) --product demo-backends
	@scripts/soak.sh "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/traefik"

clean:
	rm -rf .build
