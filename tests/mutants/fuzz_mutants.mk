# tests/mutants/fuzz_mutants.mk - `make fuzz-mutants`: does fuzz/fuzz_client.c find the bugs
# it was written for? Included by the Makefile, not part of `make test`. Each
# tests/mutants/fuzz/NNN-name.mut puts one fixed defect back into axiomws.h (run.py's
# format; `make mutants` does not look there); tests/mutants/fuzz/fuzz_mutants.py builds the
# libFuzzer target against each mutated copy (build/fuzz-mutants/NNN-name/, first on the
# include path), fuzzes it from the seed corpus for at most FUZZ_MUTANT_TIME seconds and
# reports FOUND (with the time it took and the invariant) or MISSED; it fails when one is
# missed. The runs go one after another under nice, one core each.
# One mutant or a few: make fuzz-mutants FUZZ_MUTANTS="205 208"
FUZZ_MUTANT_TIME ?= 300
FUZZ_MUTANTS ?=

.PHONY: fuzz-mutants
fuzz-mutants:
	@CLANG='$(CLANG)' STD='$(STD)' FUZZ_MUTANT_TIME='$(FUZZ_MUTANT_TIME)' nice -n 10 /usr/bin/python3 tests/mutants/fuzz/fuzz_mutants.py $(FUZZ_MUTANTS)
