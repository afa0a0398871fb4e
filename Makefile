# savedserve: the two commands a newcomer needs are `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
SAVEDSERVE_TESTDATA ?= $(abspath ../shared/testdata)
export SAVEDSERVE_TESTDATA

.PHONY: deps configure build run test bench clean format

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS)

# Starts the main job on an embedded default (see README).
run: build
	@bash scripts/run-default.sh $(BUILD_DIR)/tools/savedserve

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) --timeout 1200

bench: build
	@bash bench/run.sh $(BUILD_DIR)

format:
	@find src tools tests test_util bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	@rm -rf $(BUILD_DIR)
