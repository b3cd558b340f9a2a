# tests/mutants/mutants.mk - `make mutants`: mutation testing of the test suite; included by
# the Makefile, not part of `make test`. Each tests/mutants/NNN-name.mut is one small bug in
# axiomws.h (its original text, found exactly once, and the replacement); run.py builds the
# fast test programs the mutant names against the mutated copy (build/mutants/NNN-name/,
# first on the include path, the Makefile's flags), runs them, and reports each mutant
# KILLED or SURVIVED, then "mutants: K killed of N (P %)"; below 95 %, or with a stale or
# broken mutant, it fails. One mutant or a few: make mutants MUTANTS="22 085-client".
MUTANTS ?=

mutants: deps $(B)/ta_gen  # test_tls turns a CA into C with it
	@CC='$(CC)' STD='$(STD)' WARN='$(WARN)' JOBS='$(JOBS)' /usr/bin/python3 tests/mutants/run.py $(MUTANTS)
