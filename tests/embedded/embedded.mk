# tests/embedded/embedded.mk - `make embedded`: the unit tests of the library's sans-IO
# core, JSON tokenizer and Axiom decoder (tests/test_frame.c, test_json.c, test_axiom_msg.c)
# built for a Cortex-M4 (arm-none-eabi-gcc, newlib, semihosting) and run under QEMU's
# mps2-an386 board, with the entry points' stack depth measured there (stack.c); then the
# size and stack budgets (budget.py against limits.txt). Included by the top Makefile;
# everything lands in build/embedded/.
# Needs gcc-arm-none-eabi, libnewlib-arm-none-eabi and qemu-system-arm (make deps).

EMB_CC      ?= arm-none-eabi-gcc
EMB_READELF ?= arm-none-eabi-readelf
EMB_NM      ?= arm-none-eabi-nm
EMB_OBJDUMP ?= arm-none-eabi-objdump
EMB_QEMU    ?= qemu-system-arm
EMB_PYTHON  ?= /usr/bin/python3
EMB_D       := tests/embedded
EMB_B       := $(B)/embedded
EMB_ARCH    := -mcpu=cortex-m4 -mthumb
comma       := ,
# what an embedded build uses: -Os, one section per function and object (so the linker
# drops what is not called), warnings as errors, asserts off, no BearSSL; and the optional
# features added after the size targets were set switched off, as the targets are defined:
# no statistics, no permessage-deflate (proxies are off on the lwIP port and without
# sockets). What the deflate switch saves is its own size row (sans-io-core+deflate).
EMB_CFLAGS  := -std=c99 $(EMB_ARCH) -Os -ffunction-sections -fdata-sections -Wall -Wextra -Werror \
               -DNDEBUG '-DAXWS_ASSERT(x)=((void)0)' -DAXWS_NO_TLS -DAXWS_NO_STATS -DAXWS_NO_DEFLATE \
               -I$(EMB_B) -Itests -I$(EMB_D)
EMB_LDFLAGS := $(EMB_ARCH) --specs=nano.specs --specs=rdimon.specs -nostartfiles \
               -T $(EMB_D)/mps2-an386.ld -Wl,--gc-sections
# exit status through semihosting (SYS_EXIT_EXTENDED): a failing program makes QEMU fail
EMB_RUN     := timeout 300 $(EMB_QEMU) -M mps2-an386 -nographic -monitor none -serial none \
               -semihosting-config enable=on,target=native -kernel

# every program and the stack analysis see one snapshot of the header (build/embedded/
# axiomws.h, first on the include path): the same text even if axiomws.h changes while
# the build runs, and the text the call graphs' line numbers refer to; taken again when
# this file changes, so that every object is rebuilt with its new flags
EMB_H := $(EMB_B)/axiomws.h
$(EMB_H): axiomws.h $(EMB_D)/embedded.mk | embedded-tools
	@mkdir -p $(dir $@)
	@cp $< $@.tmp && mv $@.tmp $@

# ---- library configurations: one object each, compiled alone (axws_lib.c) with GCC's
# stack usage and call graph next to it (budget.py reads axws_lib.ci)
EMB_LWIP    := -I$(EMB_D)/lwip -isystem /usr/include/lwip
EMB_DEF_core  := -DAXWS_NO_SOCKETS -DAXWS_NO_JSON -DAXWS_NO_AXIOM
EMB_DEF_json  := -DAXWS_NO_SOCKETS -DAXWS_NO_AXIOM
EMB_DEF_axiom := -DAXWS_NO_SOCKETS
EMB_DEF_lwip  := -DAXWS_PORT_LWIP -DAXWS_NO_JSON -DAXWS_NO_AXIOM $(EMB_LWIP)
EMB_DEF_all   := -DAXWS_PORT_LWIP $(EMB_LWIP)
EMB_CONFIGS := core json axiom lwip all
# the core with permessage-deflate compiled in (a size row only: what AXWS_NO_DEFLATE saves
# a program that never calls axws_deflate_enable())
EMB_DEF_core_deflate := $(EMB_DEF_core) -UAXWS_NO_DEFLATE

$(EMB_B)/%/axws_lib.o: $(EMB_D)/axws_lib.c $(EMB_H)
	@mkdir -p $(dir $@)
	$(EMB_CC) $(EMB_CFLAGS) $(EMB_DEF_$*) -fstack-usage -fcallgraph-info=su -c $< -o $@

# ---- the test programs. The host's unit tests, each compiled whole (it includes the
# implementation) with its library configuration and the host's warnings; and stack.c on
# the axiom configuration's object. They link the full newlib, not nano: the tests print
# with %lld and %g (harness.h covers its missing %zu). They read their files (tests/data,
# the JSONTestSuite in ../shared, read in place) from the host through semihosting, from
# the repository root; semihosting cannot list a directory, so dirs.txt lists the suite's
# files for them (AXT_DIR_LIST, tests/harness.h). malloc's heap is the board's PSRAM. One
# loop is shortened: test_json.c's 1.1 million to_double inputs against strtod, to a tenth
# (AXT_DOUBLE_INPUTS): the rest runs as on the host, every split of every input included.
EMB_TEST_CFLAGS  := $(EMB_CFLAGS) $(WARN) -D_POSIX_C_SOURCE=200809L '-DAXT_DIR_LIST="$(EMB_B)/dirs.txt"' \
                    -DAXT_DOUBLE_INPUTS=110000
EMB_TEST_LDFLAGS := $(EMB_ARCH) --specs=rdimon.specs -nostartfiles -T $(EMB_D)/mps2-an386.ld -Wl,--gc-sections
EMB_CFG_frame      := core
EMB_CFG_json       := json
EMB_CFG_axiom_msg  := axiom
EMB_JSON_SUITE     := ../shared/JSONTestSuite/test_parsing

$(EMB_B)/startup.o: $(EMB_D)/startup.c $(EMB_D)/emb.h | embedded-tools
	@mkdir -p $(dir $@)
	$(EMB_CC) $(EMB_CFLAGS) -c $< -o $@

$(EMB_B)/dirs.txt: $(wildcard $(EMB_JSON_SUITE)/*.json) | embedded-tools
	@mkdir -p $(dir $@)
	@test -d $(EMB_JSON_SUITE) || { echo "embedded: $(EMB_JSON_SUITE) not found"; exit 1; }
	@ls -d $(EMB_JSON_SUITE)/* >$@.tmp && mv $@.tmp $@

$(EMB_B)/test_%.elf: tests/test_%.c $(EMB_H) tests/harness.h $(EMB_B)/startup.o $(EMB_B)/dirs.txt
	$(EMB_CC) $(EMB_TEST_CFLAGS) $(EMB_DEF_$(EMB_CFG_$*)) $< $(EMB_B)/startup.o $(EMB_TEST_LDFLAGS) -lm -o $@

$(EMB_B)/stack.o: $(EMB_D)/stack.c $(EMB_H) $(EMB_D)/emb.h tests/harness.h
	$(EMB_CC) $(EMB_TEST_CFLAGS) $(EMB_DEF_axiom) -c $< -o $@
$(EMB_B)/stack.elf: $(EMB_B)/axiom/axws_lib.o $(EMB_B)/stack.o $(EMB_B)/startup.o $(EMB_B)/dirs.txt
	$(EMB_CC) $(EMB_TEST_LDFLAGS) $(filter %.o,$^) -o $@

$(EMB_B)/exit_probe.elf: $(EMB_D)/exit_probe.c $(EMB_B)/startup.o
	$(EMB_CC) $(EMB_CFLAGS) $(EMB_LDFLAGS) $^ -o $@

# a run keeps the program's output and exit status in its log; `embedded` reports them
EMB_TESTS := test_frame test_json test_axiom_msg stack
.SECONDARY: $(EMB_TESTS:%=$(EMB_B)/%.elf)
$(EMB_B)/logs/%.log: $(EMB_B)/%.elf | embedded-tools
	@mkdir -p $(dir $@)
	@echo "qemu mps2-an386: $*"
	@$(EMB_RUN) $< >$@.tmp 2>&1; echo "exit status $$?" >>$@.tmp; mv $@.tmp $@

# ---- the size programs (size_prog.c): NAME, library configuration, entry points used
EMB_SIZES := sans-io-core sans-io-core+deflate json-tokenizer core+json axiom-decoder core+json+axiom-msg core+lwip everything
EMB_SZ_sans-io-core        := core  -DEMB_USE_CORE
EMB_SZ_sans-io-core+deflate := core_deflate -DEMB_USE_CORE
EMB_SZ_json-tokenizer      := json  -DEMB_USE_JSON
EMB_SZ_core+json           := json  -DEMB_USE_CORE -DEMB_USE_JSON
EMB_SZ_axiom-decoder       := axiom -DEMB_USE_AXIOM_MSG
EMB_SZ_core+json+axiom-msg := axiom -DEMB_USE_CORE -DEMB_USE_JSON -DEMB_USE_AXIOM_MSG
EMB_SZ_core+lwip           := lwip  -DEMB_USE_CORE -DEMB_USE_SOCKETS
EMB_SZ_everything          := all   -DEMB_USE_CORE -DEMB_USE_SOCKETS -DEMB_USE_JSON -DEMB_USE_AXIOM_MSG -DEMB_USE_AXIOM_CLIENT
emb_cfg = $(firstword $(EMB_SZ_$(1)))

# rules for size program $(1) on library configuration $(2) with entry points $(3); the
# library object comes first on the link line: the runtime helpers it needs are charged
# to it in the map
define EMB_SIZE_RULES
$(EMB_B)/size/$(1).o: $(EMB_D)/size_prog.c $(EMB_H)
	@mkdir -p $$(dir $$@)
	$$(EMB_CC) $$(EMB_CFLAGS) $$(EMB_DEF_$(2)) $(3) -c $$< -o $$@
$(EMB_B)/size/$(1).elf: $(EMB_B)/$(2)/axws_lib.o $(EMB_B)/size/$(1).o $(EMB_B)/$(2)/stubs.o $(EMB_B)/startup.o
	$$(EMB_CC) $$(EMB_LDFLAGS) -Wl,-Map=$$(@:.elf=.map) $$^ -o $$@
endef
$(foreach s,$(EMB_SIZES),$(eval $(call EMB_SIZE_RULES,$(s),$(call emb_cfg,$(s)),$(wordlist 2,99,$(EMB_SZ_$(s))))))

# per configuration: the lwIP port's calls (lwip_*, sys_now) as stubs, so that only the
# library's bytes count; and an image with every function of the library kept (no
# --gc-sections), where budget.py reads the stack of the runtime helpers it calls
$(EMB_B)/%/stubs.c: $(EMB_B)/%/axws_lib.o
	@$(EMB_NM) -u $< | awk '$$2 ~ /^(lwip_|sys_)/ { print "int " $$2 "(void);\nint " $$2 "(void) { return -1; }" }' >$@
.SECONDARY: $(EMB_CONFIGS:%=$(EMB_B)/%/stubs.c) $(EMB_B)/core_deflate/stubs.c
$(EMB_B)/%/stubs.o: $(EMB_B)/%/stubs.c
	$(EMB_CC) $(EMB_ARCH) -Os -ffunction-sections -c $< -o $@
$(EMB_B)/size/nothing.o: $(EMB_D)/size_prog.c $(EMB_H)
	@mkdir -p $(dir $@)
	$(EMB_CC) $(EMB_CFLAGS) -DAXWS_NO_SOCKETS -c $< -o $@
$(EMB_B)/%/all-kept.elf: $(EMB_B)/%/axws_lib.o $(EMB_B)/size/nothing.o $(EMB_B)/%/stubs.o $(EMB_B)/startup.o
	$(EMB_CC) $(filter-out -Wl$(comma)--gc-sections,$(EMB_LDFLAGS)) $^ -o $@

# RAM of an Axiom client in the README's small configuration, wss:// both ways: TLS on, so
# BearSSL's headers (only them, not the host's libc headers) go on the include path
EMB_RAM_DEFS := -DAXWS_PORT_LWIP $(EMB_LWIP) -DAXWS_AXIOM_MAX_ROOMS=4 -DAXWS_AXIOM_TOKEN_MAX=1023 \
                -DAXWS_AXIOM_ARENA_SIZE=1024 -DAXWS_AXIOM_CAPTURE_MAX=128 -DAXWS_AXIOM_RAW_MAX=256 \
                -DAXWS_AXIOM_LATENCY_WINDOW=32 -DAXWS_AXIOM_CONFLATE_SLOTS=1 -DAXWS_AXIOM_CONFLATE_MAX=64
$(EMB_B)/bearssl-inc/bearssl.h:
	@mkdir -p $(dir $@)
	@ln -sf /usr/include/bearssl.h /usr/include/bearssl/*.h $(dir $@)
# the small configuration: the refresh borrows the stream's record buffer (AXWS_AXIOM_SHARED_RX)
$(EMB_B)/ram_axiom.o: $(EMB_D)/ram_axiom.c $(EMB_H) $(EMB_B)/bearssl-inc/bearssl.h
	$(EMB_CC) $(filter-out -DAXWS_NO_TLS,$(EMB_CFLAGS)) -I$(EMB_B)/bearssl-inc $(EMB_RAM_DEFS) -DAXWS_AXIOM_SHARED_RX -c $< -o $@
# the same with the refresh's own record buffer, so that it can run beside a live stream
$(EMB_B)/ram_axiom_beside.o: $(EMB_D)/ram_axiom.c $(EMB_H) $(EMB_B)/bearssl-inc/bearssl.h
	$(EMB_CC) $(filter-out -DAXWS_NO_TLS,$(EMB_CFLAGS)) -I$(EMB_B)/bearssl-inc $(EMB_RAM_DEFS) -c $< -o $@

EMB_SIZE_ELFS := $(EMB_SIZES:%=$(EMB_B)/size/%.elf) $(EMB_CONFIGS:%=$(EMB_B)/%/all-kept.elf) $(EMB_B)/ram_axiom.o \
                 $(EMB_B)/ram_axiom_beside.o
EMB_BUDGET := $(EMB_PYTHON) -B $(EMB_D)/budget.py $(EMB_D)/limits.txt --readelf $(EMB_READELF) --objdump $(EMB_OBJDUMP) \
              --out $(EMB_B) $(foreach c,$(EMB_CONFIGS),--elf $(c)=$(EMB_B)/$(c)/all-kept.elf) \
              $(foreach s,$(EMB_SIZES),--size $(s)=$(EMB_B)/size/$(s).map:$(EMB_B)/$(call emb_cfg,$(s))/axws_lib.o) \
              $(foreach c,$(EMB_CONFIGS),--stack $(c)=$(EMB_B)/$(c)/axws_lib.o) \
              --ram axiom-small-wss=$(EMB_B)/ram_axiom.o --ram axiom-small-wss-refresh-beside=$(EMB_B)/ram_axiom_beside.o

.PHONY: embedded embedded-tools
embedded-tools:
	@for t in $(EMB_CC) $(EMB_READELF) $(EMB_NM) $(EMB_OBJDUMP) $(EMB_QEMU); do command -v $$t >/dev/null 2>&1 || \
	  { echo "embedded: $$t not found: run make deps (tests/deps.sh installs gcc-arm-none-eabi," \
	         "libnewlib-arm-none-eabi, qemu-system-arm)"; exit 1; }; done

# the programs' results, then the budgets; the last line sums every count (the tools are
# checked first: an order-only prerequisite of the first steps)
embedded: $(EMB_TESTS:%=$(EMB_B)/logs/%.log) $(EMB_B)/logs/exit_probe.log $(EMB_SIZE_ELFS)
	@p=0; f=0; if grep -qx 'exit status 3' $(EMB_B)/logs/exit_probe.log; then p=1; \
	  echo "semihosting: QEMU exits with the program's status (exit_probe returned 3)"; \
	else f=1; echo "FAIL semihosting: exit_probe returned 3 but QEMU said: $$(tail -n 1 $(EMB_B)/logs/exit_probe.log)"; fi; \
	for t in $(EMB_TESTS); do log=$(EMB_B)/logs/$$t.log; \
	  grep -v '^FAIL\|^     \|^  ' $$log | grep -v 'passed, .* failed$$' | grep -v '^exit status' | sed "s/^/$$t: /"; \
	  line=$$(grep -E '^[0-9]+ passed, [0-9]+ failed' $$log | tail -n 1); rc=$$(sed -n 's/^exit status //p' $$log); \
	  echo "$$t: $${line:-no count line} (exit status $$rc)"; \
	  tp=$$(echo "$$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p'); \
	  tf=$$(echo "$$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p'); \
	  p=$$((p + $${tp:-0})); f=$$((f + $${tf:-0})); \
	  if [ "$$rc" != 0 ] && [ "$${tf:-0}" = 0 ]; then f=$$((f + 1)); fi; \
	  if [ "$$rc" != 0 ]; then grep -E '^FAIL|^     ' $$log | head -n 20; echo "    (whole log: $$log)"; fi; \
	done; echo; \
	$(EMB_BUDGET) >$(EMB_B)/budget.txt 2>&1; rc=$$?; cat $(EMB_B)/budget.txt; \
	line=$$(grep -E '^budget: [0-9]+ passed' $(EMB_B)/budget.txt | tail -n 1); \
	bp=$$(echo "$$line" | sed -n 's/^budget: \([0-9]*\) passed, \([0-9]*\) failed/\1/p'); \
	bf=$$(echo "$$line" | sed -n 's/^budget: \([0-9]*\) passed, \([0-9]*\) failed/\2/p'); \
	p=$$((p + $${bp:-0})); f=$$((f + $${bf:-0})); \
	if [ $$rc -ne 0 ] && [ "$${bf:-0}" = 0 ]; then f=$$((f + 1)); fi; \
	echo "embedded: $$p passed, $$f failed"; [ $$f -eq 0 ]
