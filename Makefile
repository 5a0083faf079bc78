# sluice — top-level commands. CMake + Ninja do the work; this file names the jobs.
#   make run     install what is missing, build, run sluice on the bundled example
#   make test    install what is missing, build, run every test (CTest)
#   make build   release build; the binary is build/sluice
#   make bench   the benchmark (not part of the tests); N=1000000 by default
#   make bench-serve  the collector benchmark (wrk, nginx); DURATION=30s per phase by default
# SAN=address,undefined builds into build-san/ with those sanitizers.

JOBS   ?= 2
SAN    ?=
N      ?= 1000000
DURATION ?= 30s
ifeq ($(SAN),)
BUILD_DIR ?= build
BUILD_TYPE ?= Release
else
BUILD_DIR ?= build-san
BUILD_TYPE ?= RelWithDebInfo
endif

.PHONY: all deps configure build test run bench bench-serve clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DSLUICE_SANITIZE="$(SAN)" >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@cd $(BUILD_DIR) && ctest -j $(JOBS) --output-on-failure $(if $(LABEL),-L $(LABEL),)

run: build
	@scripts/run-example.sh $(BUILD_DIR)/sluice

bench: build
	@$(BUILD_DIR)/sluice_bench --events $(N) --sluice $(BUILD_DIR)/sluice

bench-serve: build
	@DURATION=$(DURATION) SLUICE=$(BUILD_DIR)/sluice bench/serve/run.sh

clean:
	rm -rf build build-san
