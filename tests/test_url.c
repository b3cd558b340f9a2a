/* tests/test_url.c - ws:// and wss:// URL parsing: accepted forms and clear refusals. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "harness.h"

static void good(const char *url, int secure, const char *host, int port, const char *path, int is_ip,
                 int is_v6) {
    axws_url u;
    char st[512];
    AXT_CASE(url);
    if (!CHECK_EQ(axws_parse_url(url, &u, st, sizeof st), AXWS_OK)) return;
    CHECK_EQ(u.secure, secure);
    CHECK(strcmp(u.host, host) == 0);
    CHECK_EQ(u.port, port);
    CHECK(strcmp(u.path, path) == 0);
    CHECK_EQ(u.host_is_ip, is_ip);
    CHECK_EQ(u.host_is_ipv6, is_v6);
}

static void bad(const char *url, int err) {
    axws_url u;
    char st[512];
    AXT_CASE(url);
    CHECK_EQ(axws_parse_url(url, &u, st, sizeof st), err);
}

int main(void) {
    char big[600];
    good("ws://example.com", 0, "example.com", 80, "/", 0, 0);
    good("wss://example.com", 1, "example.com", 443, "/", 0, 0);
    good("WS://Example.COM:8080/a/b?c=d&e", 0, "Example.COM", 8080, "/a/b?c=d&e", 0, 0);
    good("wss://cluster9.axiom.trade/", 1, "cluster9.axiom.trade", 443, "/", 0, 0);
    good("ws://127.0.0.1:9001/path", 0, "127.0.0.1", 9001, "/path", 1, 0);
    good("ws://[::1]:9001/", 0, "::1", 9001, "/", 1, 1);
    good("wss://[2001:db8::7]/x", 1, "2001:db8::7", 443, "/x", 1, 1);
    good("ws://host?only=query", 0, "host", 80, "/?only=query", 0, 0);
    good("ws://h:65535", 0, "h", 65535, "/", 0, 0);
    good("ws://a-b_c~d.e", 0, "a-b_c~d.e", 80, "/", 0, 0);

    bad("", AXWS_EURL);
    bad("http://example.com/", AXWS_EURL);
    bad("ws:/example.com", AXWS_EURL);
    bad("ws://", AXWS_EURL);
    bad("ws:///path", AXWS_EURL);
    bad("ws://:80/", AXWS_EURL);
    bad("ws://host:/", AXWS_EURL);
    bad("ws://host:0/", AXWS_EURL);
    bad("ws://host:65536/", AXWS_EURL);
    bad("ws://host:12a/", AXWS_EURL);
    bad("ws://host/pa th", AXWS_EURL);
    bad("ws://host/path#frag", AXWS_EURL);
    bad("ws://user:pw@host/", AXWS_EURL);
    bad("ws://[::1/", AXWS_EURL);
    bad("ws://[::1]x/", AXWS_EURL);
    bad("ws://[not-an-ip]/", AXWS_EURL);
    bad("ws://[]/", AXWS_EURL);
    bad("ws://ho\rst/", AXWS_EURL);
    bad("ws://h\xc3\xa9/", AXWS_EURL);
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    memcpy(big, "ws://h/", 7);
    {
        axws_url u;
        char st[64];
        AXT_CASE("storage too small");
        CHECK_EQ(axws_parse_url(big, &u, st, sizeof st), AXWS_ENOBUFS);
    }
    return axt_report();
}
