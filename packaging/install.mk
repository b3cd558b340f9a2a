# packaging/install.mk - `make install` and `make uninstall`; included by the Makefile.
#
#   make install [PREFIX=/usr/local] [DESTDIR=] [BINDIR=$(PREFIX)/bin]
#
# installs, under $(DESTDIR)$(PREFIX):
#   include/axiomws.h                        the library (a program compiles it in itself)
#   lib/pkgconfig/axiomws.pc                 `pkg-config --cflags --libs axiomws`
#   lib/cmake/axiomws/*.cmake                find_package(axiomws CONFIG) -> axiomws::axiomws
#   bin/axiomws-{echo,stream,ta-gen,json-check,decode}   five examples as command-line tools
# The tools are prefixed so none can shadow a system command (`echo` above all). include/
# and lib/ are fixed below PREFIX because the CMake package finds the header from its own
# place (packaging/axiomws-config.cmake); only the tools may go elsewhere (BINDIR). DESTDIR
# stages the tree for a package without changing the paths written into the files.
# `make uninstall` with the same variables removes exactly these files.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
INSTALL ?= install

# example -> installed name (CMakeLists.txt installs the same five under the same names)
PKG_TOOLS := echo:axiomws-echo axiom_stream:axiomws-stream ta_gen:axiomws-ta-gen \
             json_check:axiomws-json-check axiom_decode:axiomws-decode
PKG_TOOL_BIN := $(foreach t,$(PKG_TOOLS),$(B)/$(firstword $(subst :, ,$(t))))

# the version is written once, in the header; `=` so only install reads the file ('.' for
# the '#', which make versions before and after 4.3 escape differently)
PKG_VERSION = $(shell sed -n 's/^.define AXWS_VERSION_STRING "\([0-9.]*\)"$$/\1/p' axiomws.h)

PKG_INC   := $(DESTDIR)$(PREFIX)/include
PKG_PCDIR := $(DESTDIR)$(PREFIX)/lib/pkgconfig
PKG_CMDIR := $(DESTDIR)$(PREFIX)/lib/cmake/axiomws
PKG_BIN   := $(DESTDIR)$(BINDIR)
PKG_CMAKE_FILES := axiomws-config.cmake axiomws-bearssl.cmake

.PHONY: install uninstall

install: $(PKG_TOOL_BIN)
	@v='$(PKG_VERSION)'; [ -n "$$v" ] || { echo "install: no AXWS_VERSION_STRING in axiomws.h" >&2; exit 1; }
	$(INSTALL) -d '$(PKG_INC)' '$(PKG_PCDIR)' '$(PKG_CMDIR)' '$(PKG_BIN)'
	$(INSTALL) -m 644 axiomws.h '$(PKG_INC)/axiomws.h'
	sed -e 's|@AXWS_PREFIX@|$(PREFIX)|g' -e 's|@AXWS_VERSION@|$(PKG_VERSION)|g' \
	    packaging/axiomws.pc.in >'$(PKG_PCDIR)/axiomws.pc'
	chmod 644 '$(PKG_PCDIR)/axiomws.pc'
	sed -e 's|@AXWS_VERSION@|$(PKG_VERSION)|g' packaging/axiomws-config-version.cmake.in \
	    >'$(PKG_CMDIR)/axiomws-config-version.cmake'
	chmod 644 '$(PKG_CMDIR)/axiomws-config-version.cmake'
	$(INSTALL) -m 644 $(addprefix packaging/,$(PKG_CMAKE_FILES)) '$(PKG_CMDIR)/'
	$(foreach t,$(PKG_TOOLS),$(INSTALL) -m 755 $(B)/$(firstword $(subst :, ,$(t))) \
	    '$(PKG_BIN)/$(lastword $(subst :, ,$(t)))' &&) true

# shared directories (bin, include, lib/pkgconfig) stay; the package's own cmake one goes
uninstall:
	rm -f '$(PKG_INC)/axiomws.h' '$(PKG_PCDIR)/axiomws.pc' \
	    $(foreach f,$(PKG_CMAKE_FILES) axiomws-config-version.cmake,'$(PKG_CMDIR)/$(f)') \
	    $(foreach t,$(PKG_TOOLS),'$(PKG_BIN)/$(lastword $(subst :, ,$(t)))')
	rmdir '$(PKG_CMDIR)' 2>/dev/null || true

# `make examples` (and `make`, `make all`, `make install`) compile in parallel, one job per
# core (JOBS, from the Makefile), unless the command line says otherwise: a -j given there
# wins (GNU make 4.3 applies the command line's -j after this one; 4.4 shows it in MAKEFLAGS
# already, hence the filter). Only for goals that are nothing but compiles: with `make demo`
# or `make fuzz`, a parallel make would start compiling while `deps` is still installing
# the compiler's packages, and `clean all` would race.
PKG_PARALLEL_GOALS := examples all install
ifeq ($(filter-out $(PKG_PARALLEL_GOALS),$(or $(MAKECMDGOALS),all)),)
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(or $(JOBS),2)
endif
endif
