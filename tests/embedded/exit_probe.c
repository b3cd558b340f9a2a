/* tests/embedded/exit_probe.c - a canary for the test programs' verdicts (make embedded):
   it returns 3, and embedded.mk checks that QEMU exits with 3. If semihosting ever stopped
   carrying the exit status (an older QEMU, a newlib without SYS_EXIT_EXTENDED), a failing
   test program would look like a passing one; this program fails the run instead. */
#include <stdio.h>

int main(void) {
    printf("exit status check: this program returns 3\n");
    return 3;
}
