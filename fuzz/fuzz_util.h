/* fuzz/fuzz_util.h - what the frame and handshake fuzz targets both do: start a
   connection, take the upgrade request it has queued, acknowledge it, and compute the
   Sec-WebSocket-Accept a correct server would answer; check what every event must
   satisfy. Include after axiomws.h. */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H
#include <stdio.h>
#include <string.h>

/* Returns NULL on success, or what was wrong with the request. */
static const char *fz_take_request(axws_conn *c, char accept[32]) {
    char key[64];
    size_t n;
    const uint8_t *p = axws_output(c, &n);
    const char *k, *e;
    if (!p || n == 0) return "no request";
    k = strstr((const char *)p, "Sec-WebSocket-Key: ");
    if (!k || (size_t)(k - (const char *)p) > n) return "no key";
    k += 19;
    e = strstr(k, "\r\n");
    if (!e || (size_t)(e - k) >= sizeof key) return "bad key";
    memcpy(key, k, (size_t)(e - k));
    key[e - k] = 0;
    axws_output_ack(c, n);
    axws__accept_value(key, accept); /* the library's own: sha1 + base64 */
    return NULL;
}

/* What every event must satisfy: it is for our connection `mine`, none comes after the
   CLOSE (`closed` counts them so far), and data is never NULL with a length. NULL when
   all hold, or what broke. FUZZ_DEBUG prints each event. */
static const char *fz_event_check(const axws_conn *c, const axws_conn *mine, int closed,
                                  const axws_event *ev) {
#ifdef FUZZ_DEBUG
    fprintf(stderr, "event %d op %d len %zu off %llu fin %d code %d err %d\n", (int)ev->type,
            ev->opcode, ev->len, (unsigned long long)ev->offset, ev->fin, ev->close_code,
            ev->error);
#endif
    if (c != mine) return "callback for another connection";
    if (closed) return "event after CLOSE";
    if (ev->len && !ev->data) return "NULL data with len > 0";
    return NULL;
}

/* axws_init with cfg, axws_start on url_text, then fz_take_request. `store` holds the parsed
   URL's strings. Returns NULL on success, or the step that failed. */
static const char *fz_start(axws_conn *c, const axws_config *cfg, const char *url_text,
                            char *store, size_t store_size, int64_t now, char accept[32]) {
    axws_url url;
    if (axws_init(c, cfg) != 0) return "init";
    if (axws_parse_url(url_text, &url, store, store_size) != 0) return "parse_url";
    if (axws_start(c, &url, now) != 0) return "start";
    return fz_take_request(c, accept);
}
#endif
