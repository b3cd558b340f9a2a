# fuzz/campaign.mk - `make fuzz-campaign` and `make fuzz-coverage`; included by the Makefile.
#
# fuzz-campaign: tests/fuzz_campaign.sh runs every fuzz/fuzz_*.c target with libFuzzer for
#   CAMPAIGN_TIME seconds, and the targets in CAMPAIGN_AFL with AFL++ for as long again,
#   one process at a time under nice; it merges both engines' finds, minimizes them
#   (libFuzzer -merge=1 into a fresh directory) and, with CAMPAIGN_COMMIT=1, puts the result
#   in fuzz/corpus/<target>/. Work files, logs and the programs (built by the rules below and
#   the Makefile's, against a copy of axiomws.h) stay in build/campaign/. A crash (or leak,
#   timeout, hang) is a failure: its input is saved as fuzz/crash-<target>-*.
#   make fuzz-campaign CAMPAIGN_TIME=20                 # a quick check of the machinery
#   make fuzz-campaign CAMPAIGN_COMMIT=1                # 15 minutes per target and engine
# fuzz-coverage: each target built with clang source-based coverage replays its committed
#   corpus; llvm-cov reports the lines of axiomws.h reached per target and for the union
#   (everything in build/coverage/, with uncovered.txt: the lines no target reaches).
# Needs clang, AFL++ (Debian afl++) and llvm (llvm-profdata, llvm-cov).
.PHONY: fuzz-campaign fuzz-coverage

CAMPAIGN_TIME   ?= 900
CAMPAIGN_COMMIT ?= 0
CAMPAIGN_AFL    ?= fuzz_frame fuzz_json
# (not AFL_CC: afl-clang-fast reads that from the environment as the compiler to run)
AFLCC           ?= afl-clang-fast

fuzz-campaign: deps
	@CAMPAIGN_TIME='$(CAMPAIGN_TIME)' CAMPAIGN_COMMIT='$(CAMPAIGN_COMMIT)' \
	  CAMPAIGN_AFL='$(CAMPAIGN_AFL)' tests/fuzz_campaign.sh

fuzz-coverage:
	@tests/fuzz_campaign.sh --coverage

# AFL++ persistent-mode builds of a libFuzzer target (fuzz/afl_main.c): ASan+UBSan like the
# libFuzzer build, so both engines judge an input the same way; and a CmpLog build without
# sanitizers that AFL runs only to learn the operands of comparisons (-c).
$(B)/afl/%: fuzz/%.c fuzz/afl_main.c fuzz/fuzz_util.h axiomws.h
	@mkdir -p $(dir $@)
	AFL_USE_ASAN=1 AFL_USE_UBSAN=1 AFL_QUIET=1 $(AFLCC) $(STD) -Wall -Wextra -O1 -g -I. fuzz/afl_main.c $< -o $@ $(LIBS) -lm $(FUZZ_LIBS_$*)

$(B)/afl-cmplog/%: fuzz/%.c fuzz/afl_main.c fuzz/fuzz_util.h axiomws.h
	@mkdir -p $(dir $@)
	AFL_LLVM_CMPLOG=1 AFL_QUIET=1 $(AFLCC) $(STD) -Wall -Wextra -O1 -g -I. fuzz/afl_main.c $< -o $@ $(LIBS) -lm $(FUZZ_LIBS_$*)

# clang source-based coverage with the plain replay main, no sanitizers. -main-file-name
# gives every program the same name for its source file, and so the same profile name to each
# static function of the header (clang prefixes a static function's name with its file's):
# the targets' profiles then add up function by function, which is how tests/fuzz_campaign.sh
# counts the lines that the union of all targets reaches.
$(B)/cov/%: fuzz/%.c fuzz/replay_main.c fuzz/fuzz_util.h axiomws.h
	@mkdir -p $(dir $@)
	$(CLANG) $(STD) -O1 -g -fprofile-instr-generate -fcoverage-mapping -Xclang -main-file-name -Xclang axws_fuzz.c \
	  -I. fuzz/replay_main.c $< -o $@ $(LIBS) -lm $(FUZZ_LIBS_$*)
