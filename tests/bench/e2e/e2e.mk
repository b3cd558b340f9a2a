# tests/bench/e2e/e2e.mk - `make bench-e2e`: axiomws next to libwebsockets and Node's ws,
# end to end on loopback, in one run (tests/bench/e2e/README.md). Included by the Makefile.
# `make bench-e2e-quick` is the smoke run (300 messages per client, every count checked).
# Not part of `make test`: it needs the benchmark packages (deps-bench: libwebsockets-dev,
# libcjson-dev, libssl-dev) and takes about 100 s (the smoke run about 5 s).
E2E_DIR := tests/bench/e2e
E2E_OUT := $(B)/bench/e2e
E2E_BINS := $(E2E_OUT)/bench_e2e $(E2E_OUT)/client_axiomws $(E2E_OUT)/client_lws
# -O2 -march=native as the other benchmarks are built; the house warnings, as the tests
E2E_CFLAGS := $(STD) $(WARN) -O2 -march=native -g
# for the table's labels; Debian's says "4.1.6-": the dash goes
E2E_LWS_VERSION = $(patsubst %-,%,$(shell pkg-config --modversion libwebsockets 2>/dev/null))

.PHONY: bench-e2e bench-e2e-quick
bench-e2e: deps-bench $(E2E_BINS)
	@$(E2E_OUT)/bench_e2e

bench-e2e-quick: deps-bench $(E2E_BINS)
	@E2E_QUICK=1 $(E2E_OUT)/bench_e2e

# `make bench` runs it too (before the other benchmarks: a prerequisite)
bench: bench-e2e

# explicit rules: the Makefile's $(B)/bench/% pattern would otherwise take these names
# the driver and the server: OpenSSL only, it does not link the library under test
$(E2E_OUT)/bench_e2e: $(E2E_DIR)/bench_e2e.c
	@mkdir -p $(dir $@)
	$(CC) $(E2E_CFLAGS) -DE2E_LWS_VERSION='"$(E2E_LWS_VERSION)"' $< -o $@ -lssl -lcrypto

$(E2E_OUT)/client_axiomws: $(E2E_DIR)/client_axiomws.c $(E2E_DIR)/e2e_client.h axiomws.h
	@mkdir -p $(dir $@)
	$(CC) $(E2E_CFLAGS) -I. $< -o $@ $(LIBS)

$(E2E_OUT)/client_lws: $(E2E_DIR)/client_lws.c $(E2E_DIR)/e2e_client.h
	@mkdir -p $(dir $@)
	$(CC) $(E2E_CFLAGS) $< -o $@ -lwebsockets -lcjson
