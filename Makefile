# Quick start (fresh Debian 12, root or sudo):
#   make demo   install packages, build the release preset, scan examples/
#   make test   install packages, build the dev preset (ASan+UBSan), run every test
SHELL := /bin/bash
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

BUILD_DEPS := build-essential cmake pkg-config libssl-dev zlib1g-dev libarchive-dev \
              liblzma-dev libbz2-dev liblz4-dev libjansson-dev libyaml-dev libsqlite3-dev \
              libzstd-dev libacl1-dev nettle-dev
# node/npm from elsewhere (e.g. NodeSource, whose nodejs bundles npm and conflicts with Debian's
# npm package) are used as they are.
TEST_DEPS  := libcmocka-dev $(if $(shell command -v node),,nodejs) $(if $(shell command -v npm),,npm)
FUZZ_DEPS  := clang-14 libclang-rt-14-dev
# bench/: corpus generator (torch, sklearn, joblib, numpy), GNU time for peak RSS, and what the
# peers picklescan and modelscan import (they run from source, see bench/README.md)
BENCH_DEPS := hyperfine time git python3 python3-numpy python3-torch python3-sklearn \
              python3-joblib python3-click python3-rich python3-tomlkit python3-h5py

# Installs only what is missing, so repeated runs stay offline and fast.
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

.PHONY: all deps test-deps demo release dev test fuzz-build fuzz bench docs format tidy clean

all: release

deps:
	$(call apt_install,$(BUILD_DEPS))

test-deps: deps
	$(call apt_install,$(TEST_DEPS))
	@if [ ! -f tests/node_modules/.custody-stamp ] || [ tests/package.json -nt tests/node_modules/.custody-stamp ]; then \
	  echo "installing the test tools listed in tests/package.json (npm)"; \
	  (cd tests && npm install --no-audit --no-fund --silent) && touch tests/node_modules/.custody-stamp; \
	fi

release: deps
	cmake --preset release >/dev/null
	cmake --build --preset release

dev: test-deps
	cmake --preset dev >/dev/null
	cmake --build --preset dev

# Exit 1 from the scan is the expected result (the malicious example); only 2 fails the target.
demo: release
	@echo "== custody scan --verbose examples/"
	@echo "   malicious-model.pt: torch zip whose data.pkl calls os.system; clean-model.pt: a real state_dict"
	@./build/release/custody scan --no-progress --verbose examples/; rc=$$?; \
	 echo "== custody scan exited $$rc (0 clean, 1 findings at or above --fail-on, 2 error)"; \
	 [ $$rc -le 1 ]

test: dev
	ctest --preset dev

fuzz-build: deps
	$(call apt_install,$(FUZZ_DEPS))
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz

# make fuzz TARGET=pickle SECONDS=600
fuzz: fuzz-build
	mkdir -p fuzz/new/$(TARGET)
	ASAN_OPTIONS=allocator_may_return_null=1 build/fuzz/fuzz/$(TARGET)_fuzz \
	  -max_total_time=$(or $(SECONDS),60) -rss_limit_mb=2048 -timeout=10 \
	  fuzz/new/$(TARGET) fuzz/corpus/$(TARGET)

bench: release
	$(call apt_install,$(BENCH_DEPS))
	bash bench/run.sh

docs: release
	./build/release/custody rules --format md > docs/rules.md

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

tidy: dev
	clang-tidy -p build/dev --quiet $$(git ls-files 'src/*.c')

clean:
	rm -rf build
