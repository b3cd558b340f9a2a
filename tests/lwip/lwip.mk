# tests/lwip/lwip.mk - the lwIP port (AXWS_PORT_LWIP) on the host; included by the Makefile.
# examples/lwip_echo.c is examples/echo.c on lwIP; tests/lwip/host_board.c is its board
# support package on Linux (Debian's liblwip-dev, found with pkg-config); tests/lwip/
# board_check.c checks that board alone; tests/test_lwip.sh runs them all (make test does).
# Everything is built in $(B)/lwip/.
LWIP_B      := $(B)/lwip
LWIP_CFLAGS  = $(shell pkg-config --cflags lwip)
LWIP_LIBS    = $(shell pkg-config --libs lwip) -lpthread

$(LWIP_B)/host_board.o: tests/lwip/host_board.c tests/lwip/host_board.h
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(LWIP_CFLAGS) -c $< -o $@

$(LWIP_B)/asan/host_board.o: tests/lwip/host_board.c tests/lwip/host_board.h
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) -O1 -g $(ASAN) $(LWIP_CFLAGS) -c $< -o $@

# the example alone in an object of its own: tests/test_lwip.sh reads its symbols (lwIP's
# socket calls, never the host's; the board, linked in beside it, uses the host's)
$(LWIP_B)/lwip_echo.o: examples/lwip_echo.c examples/echo.c axiomws.h
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(LWIP_CFLAGS) -I. -c $< -o $@

$(LWIP_B)/lwip_echo: $(LWIP_B)/lwip_echo.o $(LWIP_B)/host_board.o
	$(CC) $(CFLAGS) $^ -o $@ $(LIBS) $(LWIP_LIBS)

$(LWIP_B)/asan/lwip_echo: examples/lwip_echo.c examples/echo.c axiomws.h $(LWIP_B)/asan/host_board.o
	$(CC) $(STD) $(WARN) -O1 -g $(ASAN) $(LWIP_CFLAGS) -I. $< $(LWIP_B)/asan/host_board.o -o $@ $(LIBS) $(LWIP_LIBS)

$(LWIP_B)/board_check: tests/lwip/board_check.c $(LWIP_B)/host_board.o
	$(CC) $(STD) $(WARN) $(CFLAGS) $(LWIP_CFLAGS) -Itests/lwip $< $(LWIP_B)/host_board.o -o $@ $(LWIP_LIBS)

# The Makefile leaves examples/lwip_*.c out of its example rules; make test builds them here.
# Without lwIP installed a plain `make` never needs it; `make test` installs it first
# (tests/deps.sh: liblwip-dev).
test-build: $(LWIP_B)/lwip_echo $(LWIP_B)/asan/lwip_echo $(LWIP_B)/board_check
