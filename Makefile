# axiomws - build, test, demo, bench, fuzz.  `make test` and `make demo` need nothing else.
CC      ?= cc
CXX     ?= c++
CLANG   ?= clang
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -pedantic -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
STD     := -std=c99 -D_POSIX_C_SOURCE=200809L
LIBS    := -lbearssl
ASAN    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
B       := build
FUZZ_TIME ?= 60

TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(B)/tests/%)
ASAN_BIN := $(TEST_SRC:tests/%.c=$(B)/asan/tests/%)
# lwip_*.c need the lwIP stack: tests/lwip/lwip.mk builds them
EX_SRC   := $(filter-out examples/lwip_%.c,$(wildcard examples/*.c))
EX_BIN   := $(EX_SRC:examples/%.c=$(B)/%)
EX_ASAN  := $(EX_SRC:examples/%.c=$(B)/asan/%)
# an example that needs a library besides BearSSL names it here (EX_LIBS_<name>)
EX_LIBS_libuv_loop := -luv
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_REPLAY := $(FUZZ_SRC:fuzz/%.c=$(B)/fuzz/replay_%)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=$(B)/fuzz/%)
BENCH_SRC := $(wildcard tests/bench/bench_*.c)
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(B)/bench/%)
# the benchmarks whose lanes tests/bench/instr.sh counts under callgrind; bench_tls is timed
# only (its client's reads follow the kernel's timing: see its top comment)
INSTR_BIN := $(patsubst %,$(B)/bench/instr/%,bench_axiom_msg bench_frame bench_inflate bench_json bench_tls_sansio)

.PHONY: all deps deps-bench deps-cross test test-build demo bench bench-instr fuzz fuzz-replay examples clean soak cross embedded mutants
all: examples $(TEST_BIN)

deps:
	@tests/deps.sh
deps-bench:
	@tests/deps.sh bench
deps-cross:
	@tests/deps.sh cross

examples: $(EX_BIN)

$(B)/%: examples/%.c axiomws.h examples/axiom_example.h
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) -I. $< -o $@ $(LIBS) $(EX_LIBS_$*)

$(B)/asan/%: examples/%.c axiomws.h examples/axiom_example.h
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) -O1 -g $(ASAN) -I. $< -o $@ $(LIBS) $(EX_LIBS_$*)

# the same examples without BearSSL (AXWS_NO_TLS): ws:// only, nothing else linked; built
# for size (-Os) as a small target would be, so that the conformance run against this echo
# covers the paths a size build takes instead of the fast ones (AXWS__SMALL)
$(B)/notls/%: examples/%.c axiomws.h examples/axiom_example.h
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) -Os -g -DAXWS_NO_TLS -I. $< -o $@ $(EX_LIBS_$*)

$(B)/tests/%: tests/%.c axiomws.h tests/harness.h
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) -I. -Itests $< -o $@ $(LIBS) -lm $(TEST_LIBS_$*)

$(B)/asan/tests/%: tests/%.c axiomws.h tests/harness.h
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) -O1 -g $(ASAN) -I. -Itests $< -o $@ $(LIBS) -lm $(TEST_LIBS_$*)

# the Axiom client's tests share their stand-in and set-up
$(B)/tests/test_axiom $(B)/asan/tests/test_axiom $(B)/tests/test_axiom_shared $(B)/asan/tests/test_axiom_shared: \
    tests/axiom_client.h tests/standin.h

# fuzz targets: libFuzzer with clang, or a plain main that replays the committed corpus
$(B)/fuzz/replay_%: fuzz/%.c fuzz/replay_main.c fuzz/fuzz_util.h axiomws.h
	@mkdir -p $(dir $@)
	$(CC) $(STD) -Wall -Wextra -O1 -g $(ASAN) -I. fuzz/replay_main.c $< -o $@ $(LIBS) -lm $(FUZZ_LIBS_$*)

$(B)/fuzz/%: fuzz/%.c fuzz/fuzz_util.h axiomws.h
	@mkdir -p $(dir $@)
	$(CLANG) $(STD) -O1 -g -fsanitize=fuzzer,address,undefined -I. $< -o $@ $(LIBS) -lm $(FUZZ_LIBS_$*)

# fuzz_client_shared is fuzz_client built with AXWS_AXIOM_SHARED_RX
$(B)/fuzz/replay_fuzz_client_shared $(B)/fuzz/fuzz_client_shared: fuzz/fuzz_client.c

fuzz-replay: $(FUZZ_REPLAY)
	@for t in $(FUZZ_REPLAY); do n=$${t##*/replay_}; $$t fuzz/corpus/$$n || exit 1; done

fuzz: deps $(FUZZ_BIN)
	@for t in $(FUZZ_BIN); do n=$${t##*/}; mkdir -p fuzz/out/$$n; \
	  d=""; [ -f fuzz/$$n.dict ] && d="-dict=fuzz/$$n.dict"; \
	  $$t -max_total_time=$(FUZZ_TIME) -artifact_prefix=fuzz/ $$d fuzz/out/$$n fuzz/corpus/$$n || exit 1; done

# the builds run in parallel (one job per core), the runners one after another
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) test-build
	@tests/run.sh

test-build: all $(ASAN_BIN) $(EX_ASAN) $(FUZZ_REPLAY) $(B)/notls/echo

$(B)/bench/%: tests/bench/%.c axiomws.h tests/bench/instr.h
	@mkdir -p $(dir $@)
	$(CC) $(STD) -O2 -march=native -g -I. $< $(filter %.o,$^) -o $@ $(LIBS) -lm $(BENCH_LIBS_$*)

# the same programs for callgrind, without -march=native: valgrind 3.19 stops (SIGILL) at
# the AVX-512 instructions it brings on this machine
$(INSTR_BIN): $(B)/bench/instr/%: tests/bench/%.c axiomws.h tests/bench/instr.h
	@mkdir -p $(dir $@)
	$(CC) $(STD) -O2 -g -I. $< $(filter %.o,$^) -o $@ $(LIBS) -lm $(BENCH_LIBS_$*)

# the timed runs, then the instruction counts (make bench-instr)
bench: deps-bench $(BENCH_BIN) $(INSTR_BIN)
	@for b in $(BENCH_BIN); do $$b || exit 1; done
	@tests/bench/instr.sh $(INSTR_BIN)

bench-instr: deps-bench $(INSTR_BIN)
	@tests/bench/instr.sh $(INSTR_BIN)

# 10,000 reconnect cycles against the stand-in under ASan+UBSan (make test runs 200)
# every C test built for 32-bit ARM and big-endian s390x and run under qemu-user
cross: deps-cross
	@STD='$(STD)' WARN='$(WARN)' tests/cross.sh

soak: deps $(B)/asan/tests/test_soak
	SOAK_CYCLES=$${SOAK_CYCLES:-10000} $(B)/asan/tests/test_soak

demo: deps examples
	@tests/demo.sh

clean:
	rm -rf $(B) fuzz/out

# permessage-deflate: zlib is the reference in the inflate's test, fuzz target and
# benchmark only; the library never links it (Debian zlib1g-dev)
TEST_LIBS_test_inflate := -lz
FUZZ_LIBS_fuzz_inflate := -lz
BENCH_LIBS_bench_inflate := -lz
# >>tls: the TLS benchmark talks to an OpenSSL server (Debian libssl-dev)
BENCH_LIBS_bench_tls := -lssl -lcrypto
# ---- JSON benchmark (issue 4): the libraries tests/bench/bench_json.c compares against.
# simdjson is C++, reached through a small shim compiled with $(CXX).
BENCH_LIBS_bench_json := -lyajl -lcjson -lsimdjson -lstdc++
$(B)/bench/bench_json: $(B)/bench/simdjson_shim.o
$(B)/bench/simdjson_shim.o: tests/bench/simdjson_shim.cpp
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O2 -march=native -c $< -o $@
$(B)/bench/instr/bench_json: $(B)/bench/instr/simdjson_shim.o
$(B)/bench/instr/simdjson_shim.o: tests/bench/simdjson_shim.cpp
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O2 -c $< -o $@
# tests/test_json_swar.c includes tests/test_json.c; test_tls_entropy.c includes test_tls.c
$(B)/tests/test_json_swar $(B)/asan/tests/test_json_swar: tests/test_json.c
$(B)/tests/test_tls_entropy $(B)/asan/tests/test_tls_entropy: tests/test_tls.c
$(B)/tests/test_interop $(B)/asan/tests/test_interop $(B)/tests/test_interop_deflate $(B)/asan/tests/test_interop_deflate: tests/peer_proc.h
include tests/lwip/lwip.mk
include tests/embedded/embedded.mk
include tests/mutants/mutants.mk
include fuzz/campaign.mk
include packaging/install.mk
include tests/mutants/fuzz_mutants.mk
include tests/bench/e2e/e2e.mk
