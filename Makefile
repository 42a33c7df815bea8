# Monalisa Visites: build, run and test on a fresh Debian 12 machine (root, Rust via rustup,
# Node 20 + npm). `make run` and `make test` install what is missing first.
#
# The build drives cargo + wasm-bindgen directly (no cargo-leptos: it costs 20-40 minutes to
# install on 2 cores). The phone bundle is always built as it ships: `wasm-release` profile,
# then wasm-opt (binaryen 116: the official npm build, from tools/js; it writes the same bytes as
# the native one, in about 40 s instead of a 10-minute compile; Debian's binaryen 108 breaks the
# module).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)
# A fresh build gains nothing from incremental-compilation data (gigabytes in target/debug);
# `CARGO_INCREMENTAL=1 make ...` keeps it while editing.
export CARGO_INCREMENTAL ?= 0

WASM_TARGET := wasm32-unknown-unknown
# wasm-bindgen-cli must be exactly the version in Cargo.lock.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3 }' Cargo.lock)
SITE := target/site
# Minifies the JavaScript phones download, and optimises the WASM (installed by `make tools`,
# from tools/js).
TERSER := node tools/js/node_modules/terser/bin/terser
WASM_OPT := node tools/js/node_modules/binaryen/bin/wasm-opt
STAGE := target/wasm-stage
WASM_IN := target/$(WASM_TARGET)/wasm-release/monalisa_app.wasm
# Size budget of the phone bundle (WASM + JS, gzip -9), in bytes.
SIZE_BUDGET := 307200

.PHONY: bench-sync bench-import bench-coverage bench-phone bench-planner run test build build-release site tools tools-test server-debug server-release layout rust-tests browser-tests size clean

## make run: install what is missing, build in release mode, start on ./data/monalisa.db with the demo territory.
run: tools build-release
	@echo "Starting Monalisa Visites (demo territory on first start). Stop with Ctrl-C."
	@echo "Demo logins (login / password):"
	@echo "  admin        / monalisa-admin          administrator"
	@echo "  coordination / monalisa-coordination   CTG coordinator"
	@echo "  ambassadeur  / monalisa-ambassadeur    ambassador of the first scope"
	@echo "  benevole     / monalisa-benevole       volunteer of that scope"
	./target/release/monalisa serve --demo --site-root $(SITE)

## make test: install what is missing, run every test (Rust, then the browser tests on the shipped bundle).
test: tools tools-test layout rust-tests server-debug site size browser-tests
	@echo "All tests passed."

build: server-debug site
build-release: server-release site

# ---- tools -------------------------------------------------------------------------------

tools:
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@if [ ! -f tools/js/node_modules/.package-lock.json ] || [ tools/js/package-lock.json -nt tools/js/node_modules/.package-lock.json ]; then \
	  (cd tools/js && npm ci --no-audit --no-fund); fi
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (a few minutes)"; \
	  cargo install wasm-bindgen-cli --version =$(WASM_BINDGEN_VERSION) --force; fi

tools-test:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! [ -x /usr/sbin/nginx ]; then \
	  echo "Installing Debian's chromium, chromium-driver and nginx"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver nginx-light >/dev/null; fi
	@if [ ! -f tests/node_modules/.package-lock.json ] || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then \
	  (cd tests && npm ci --no-audit --no-fund); fi

# ---- builds ------------------------------------------------------------------------------

# Every native test binary comes from one cargo invocation, so features are unified once and no
# dependency is compiled twice with two feature sets (`cargo test --workspace` would also unify
# the phone's `hydrate`, which is for wasm32: see the idb test below). The debug server is built
# by the same invocation (`cargo build` alone would resolve the dev-dependencies' features
# differently and compile and link the app and the server a second time): one debug
# `target/debug/monalisa` serves the Rust tests and the browser tests.
RUST_TESTS := cargo test -p monalisa-core -p monalisa-planner -p monalisa-import -p monalisa-store-sql -p monalisa-store-stories -p monalisa-app \
  -p monalisa-server --features monalisa-core/ssr,monalisa-app/ssr,monalisa-app/test-hooks

server-debug:
	$(RUST_TESTS) --no-run

server-release:
	cargo build -p monalisa-server --bin monalisa --release

# The site: public/ plus the bundle, named after its content so it can be cached forever.
site:
	cargo rustc -p monalisa-app --lib --crate-type cdylib --target $(WASM_TARGET) --features hydrate --profile wasm-release
	rm -rf $(STAGE) && mkdir -p $(STAGE)
	wasm-bindgen --target web --no-typescript --out-dir $(STAGE) --out-name monalisa $(WASM_IN)
	$(WASM_OPT) -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int --enable-reference-types \
	  --enable-sign-ext --enable-mutable-globals --enable-multivalue \
	  $(STAGE)/monalisa_bg.wasm -o $(STAGE)/monalisa_bg.wasm
	$(TERSER) $(STAGE)/monalisa.js --module --compress --mangle -o $(STAGE)/monalisa.js
	rm -rf $(SITE) && mkdir -p $(SITE)/pkg && cp -r public/. $(SITE)/
	$(TERSER) public/vault.js --compress --mangle -o $(SITE)/vault.js
	hash=$$(cat $(STAGE)/monalisa.js $(STAGE)/monalisa_bg.wasm | sha256sum | cut -c1-10); \
	cp $(STAGE)/monalisa.js $(SITE)/pkg/monalisa-$$hash.js; \
	cp $(STAGE)/monalisa_bg.wasm $(SITE)/pkg/monalisa-$${hash}_bg.wasm; \
	if [ -d $(STAGE)/snippets ]; then cp -r $(STAGE)/snippets $(SITE)/pkg/; fi; \
	echo "site built in $(SITE) (bundle monalisa-$$hash)"

## make size: WASM + JS sizes of the shipped bundle (with vault.js, which it calls), raw and
## gzip, checked against the budget.
size:
	@wasm=$$(ls $(SITE)/pkg/monalisa-*_bg.wasm); js=$${wasm%_bg.wasm}.js; vault=$(SITE)/vault.js; \
	wr=$$(stat -c %s $$wasm); jr=$$(stat -c %s $$js); vr=$$(stat -c %s $$vault); \
	wg=$$(gzip -9c $$wasm | wc -c); jg=$$(gzip -9c $$js | wc -c); vg=$$(gzip -9c $$vault | wc -c); \
	total=$$((wg + jg + vg)); \
	printf '%-6s %10s %10s\n' file raw gzip-9 wasm $$wr $$wg js $$jr $$jg vault $$vr $$vg; \
	printf 'total gzip: %d bytes (budget %d)\n' $$total $(SIZE_BUDGET); \
	if [ $$total -gt $(SIZE_BUDGET) ]; then echo "size budget exceeded" >&2; exit 1; fi

# ---- tests -------------------------------------------------------------------------------

# No import cycle between the modules of a crate (see README, "Architecture").
layout:
	python3 tools/module_cycles.py

# Tests run one at a time: each server test starts its own server and Tokio runtime, and several
# runtimes rendering Leptos pages in one process can stall (never seen with one runtime, as in
# production: see `pages_render_under_concurrent_load`).
#
# Every backend: the storage stories run on SQLite and on PostgreSQL, and the server's HTTP
# integration tests run twice, once on each (the second time the same binary, run directly:
# asking cargo for it alone would resolve features anew and build it again). PostgreSQL is a
# throwaway cluster from Debian's packages (tools/postgres.sh installs them if missing), stopped
# whatever the tests give.
rust-tests:
	@pg=$$(mktemp -d /tmp/monalisa-pg.XXXXXX); \
	url=$$(tools/postgres.sh start $$pg) || { rm -rf $$pg; echo "PostgreSQL did not start" >&2; exit 1; }; \
	export MONALISA_TEST_POSTGRES=$$url MONALISA_TEST_POSTGRES_CA=$$pg/ca.crt; \
	log=$$(mktemp); { $(RUST_TESTS) -- --test-threads=1; echo $$? > $$log.status; } 2>&1 | tee $$log; \
	status=$$(cat $$log.status); \
	bin=$$(sed -n 's|.*Running tests/integration/main.rs (\(target/debug/deps/http-[0-9a-f]*\)).*|\1|p' $$log | head -n 1); \
	rm -f $$log $$log.status; \
	if [ "$$status" = 0 ]; then \
	  if [ -z "$$bin" ]; then echo "the server's HTTP tests did not run" >&2; status=1; \
	  else echo "Server HTTP tests on PostgreSQL ($$bin)"; \
	    (cd server && MONALISA_TEST_BACKEND=postgres $(CURDIR)/$$bin --test-threads=1); status=$$?; fi; \
	fi; \
	tools/postgres.sh stop $$pg; exit $$status
	CHROMEDRIVER=/usr/bin/chromedriver cargo test -p monalisa-app --target $(WASM_TARGET) --features hydrate --test idb

# The browser tests, with a throwaway PostgreSQL cluster for the replicas' test (two servers
# behind nginx on one database).
browser-tests:
	@pg=$$(mktemp -d /tmp/monalisa-pg.XXXXXX); \
	url=$$(tools/postgres.sh start $$pg) || { rm -rf $$pg; echo "PostgreSQL did not start" >&2; exit 1; }; \
	(cd tests && MONALISA_TEST_POSTGRES=$$url MONALISA_BIN=$(CURDIR)/target/debug/monalisa MONALISA_SITE=$(CURDIR)/$(SITE) npm test); \
	status=$$?; tools/postgres.sh stop $$pg; exit $$status

clean:
	rm -rf $(SITE) $(STAGE)

## make bench-sync: first-sync bytes and push throughput (figures, see README "Benchmarks").
## Both print SQLite's figures, then PostgreSQL's on a throwaway cluster (tools/postgres.sh).
BENCH_ON_POSTGRES = pg=$$(mktemp -d /tmp/monalisa-pg.XXXXXX); \
	url=$$(tools/postgres.sh start $$pg) || { rm -rf $$pg; exit 1; }; \
	MONALISA_BENCH_POSTGRES=$$url cargo bench -p monalisa-server --bench $(1); status=$$?; \
	tools/postgres.sh stop $$pg; exit $$status

bench-sync:
	@$(call BENCH_ON_POSTGRES,sync)

## make bench-phone: Lighthouse on the shipped bundle (mobile preset), unlock, cold start and
## report-save times with the CPU slowed 4×, the taps to a report, bytes added by encryption.
bench-phone: tools tools-test server-debug site
	@if [ ! -f tests/bench/node_modules/.package-lock.json ] || [ tests/bench/package-lock.json -nt tests/bench/node_modules/.package-lock.json ]; then \
	  (cd tests/bench && npm ci --no-audit --no-fund); fi
	cd tests && MONALISA_BIN=$(CURDIR)/target/debug/monalisa MONALISA_SITE=$(CURDIR)/$(SITE) node bench/phone.mjs

## make bench-import: a 5,000-row file's dry run, its apply and its re-check (figures).
bench-import:
	cargo bench -p monalisa-server --bench import

## make bench-coverage: the coordinators' coverage view on a department-sized history (figures).
bench-coverage:
	@$(call BENCH_ON_POSTGRES,coverage)

## make bench-planner: the planner against the anchor solvers on ../shared/bench (figures, see README).
bench-planner:
	@command -v /usr/bin/time >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null)
	@python3 -c 'import venv, ensurepip' 2>/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null)
	cargo build --release -p monalisa-server --bin monalisa
	python3 tools/bench_planner.py
