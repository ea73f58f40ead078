# cinder — GNU make + pkg-config.
#   make          build build/cinder
#   make run      install dependencies, build, serve on 127.0.0.1:3002 (data in ./data)
#   make test     install test dependencies, build, run every test (unit tests under ASan+UBSan
#                 and under TSan, a server smoke test under TSan)
#   make tsan     build build/tsan/cinder and the unit tests under ThreadSanitizer
#   make bench    run the benchmarks in bench/
#   make format   apply .clang-format

CC      ?= cc
NPROC   := $(shell nproc 2>/dev/null || echo 2)
PKGS    := libcurl libmicrohttpd jansson libpsl libpcre2-8 zlib libdeflate sqlite3 libxml-2.0 libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wstrict-prototypes
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Isrc $(PKG_CFLAGS) -MMD -MP
LIBS    := $(PKG_LIBS) -lmodest -lm -lpthread
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
TSAN_FLAGS := -O1 -g -fsanitize=thread -fno-omit-frame-pointer

SRC      := $(shell find src -name '*.c' ! -path src/main.c | sort)
OBJ      := $(SRC:%.c=build/obj/%.o)
SAN_OBJ  := $(SRC:%.c=build/asan/obj/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/*_test.c))
# linked into every unit test: the framework, the contract suite's store fixture, the job model
# over a running crawler
TEST_LIB_SRC := tests/unit/test.c tests/unit/test_store.c tests/unit/test_engine.c
TEST_LIB := $(TEST_LIB_SRC) tests/unit/test.h tests/unit/test_store.h tests/unit/test_engine.h
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/asan/tests/%)
TSAN_OBJ := $(SRC:%.c=build/tsan/obj/%.o)
TSAN_UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tsan/tests/%)
SITE_SRC := $(sort $(wildcard tests/site/*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/asan/replay/%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_OBJ := $(SRC:%.c=build/fuzz/obj/%.o)
FUZZ_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
FUZZ_SECONDS ?= 60

.PHONY: all run test unit tsan deps test-deps bench format clean fuzz
all: build/cinder

build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

build/asan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c $< -o $@

build/tsan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TSAN_FLAGS) -c $< -o $@

build/libcinder.a: $(OBJ)
	@rm -f $@
	ar rcs $@ $^

build/asan/libcinder.a: $(SAN_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/tsan/libcinder.a: $(TSAN_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/cinder: build/obj/src/main.o build/libcinder.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

build/asan/cinder: build/asan/obj/src/main.o build/asan/libcinder.a
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LIBS)

build/tsan/cinder: build/tsan/obj/src/main.o build/tsan/libcinder.a
	$(CC) $(ALL_CFLAGS) $(TSAN_FLAGS) -o $@ $^ $(LIBS)

build/asan/tests/%: tests/unit/%.c $(TEST_LIB) build/asan/libcinder.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests/unit -o $@ $< $(TEST_LIB_SRC) build/asan/libcinder.a $(LIBS)

build/tsan/tests/%: tests/unit/%.c $(TEST_LIB) build/tsan/libcinder.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TSAN_FLAGS) -Itests/unit -o $@ $< $(TEST_LIB_SRC) build/tsan/libcinder.a $(LIBS)

build/asan/replay/%: tests/fuzz/%.c tests/fuzz/replay.c build/asan/libcinder.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $< tests/fuzz/replay.c build/asan/libcinder.a $(LIBS)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(filter-out -MMD -MP,$(ALL_CFLAGS)) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/libcinder.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/fuzz/%: tests/fuzz/%.c build/fuzz/libcinder.a
	clang $(filter-out -MMD -MP,$(ALL_CFLAGS)) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< build/fuzz/libcinder.a $(LIBS)

# Fuzz every target for FUZZ_SECONDS each; new inputs go to build/fuzz/corpus/, crashes to build/fuzz/.
fuzz: $(FUZZ_BIN)
	@bash tests/fuzz/run.sh $(FUZZ_SECONDS)

build/fixture-site: $(SITE_SRC) build/libcinder.a
	$(CC) $(ALL_CFLAGS) -Itests/site -o $@ $(SITE_SRC) build/libcinder.a $(LIBS)

# bench/mkjob.c: writes a large finished crawl into a store for bench/status.sh
build/bench-mkjob: bench/mkjob.c build/libcinder.a
	$(CC) $(ALL_CFLAGS) -o $@ $< build/libcinder.a $(LIBS)

deps:
	@bash scripts/install-deps.sh

test-deps:
	@bash scripts/install-deps.sh --test
	@cd tests/e2e && ([ -d node_modules ] && npm ls --silent >/dev/null 2>&1 || npm ci --no-audit --no-fund --loglevel=error)

run: deps
	@$(MAKE) --no-print-directory -j$(NPROC) build/cinder
	./build/cinder serve --host 127.0.0.1 --port 3002 --data ./data

unit: $(UNIT_BIN) $(REPLAY_BIN)

tsan: build/tsan/cinder $(TSAN_UNIT_BIN)

test: test-deps
	@$(MAKE) --no-print-directory -j$(NPROC) build/cinder build/asan/cinder build/fixture-site unit tsan
	@bash tests/run.sh

bench: deps
	@$(MAKE) --no-print-directory build/cinder build/bench-mkjob
	@bash bench/run.sh

format:
	clang-format -i $$(find src tests/unit tests/site -name '*.[ch]')

clean:
	rm -rf build

-include $(OBJ:.o=.d) $(SAN_OBJ:.o=.d) $(TSAN_OBJ:.o=.d)
