/* tests/packaging/consumer.c - the smallest program a user of axiomws writes: the
   implementation compiled into this one file, a URL parsed, the version printed.
   tests/test_packaging.sh builds it through pkg-config, CMake (find_package against an
   installed tree, add_subdirectory of the source tree) and meson (a subproject), runs it
   and compares its line with the one it expects. The header is included with <> so only
   the include path the build system gave can supply it, never this directory. At -O0
   every public function is emitted, and the TLS ones call BearSSL: the link fails unless
   the build system also passed BearSSL's library. */
#define AXIOMWS_IMPLEMENTATION
#include <axiomws.h>

#include <stdio.h>

int main(void) {
    axws_url u;
    char storage[128];
    int rc = axws_parse_url("wss://example.com:8443/stream?x=1", &u, storage, sizeof storage);
    if (rc != 0) {
        fprintf(stderr, "axws_parse_url: %s\n", axws_strerror(rc));
        return 1;
    }
    printf("axiomws %s: %s host=%s port=%d path=%s\n", AXWS_VERSION_STRING,
           u.secure ? "wss" : "ws", u.host, u.port, u.path);
    return 0;
}
