// tests/bench/simdjson_shim.cpp - a C entry point into simdjson (C++) for bench_json.c.
// Parses (fully validates, DOM) one document; the buffer must have SIMDJSON_PADDING
// readable bytes after len. Returns 0 on success, else simdjson's error code.
#include <simdjson.h>
#include <cstddef>

extern "C" int bench_simdjson_parse(const char *buf, size_t len, size_t *elements);
extern "C" size_t bench_simdjson_padding(void);

static simdjson::dom::parser parser;

extern "C" size_t bench_simdjson_padding(void) { return simdjson::SIMDJSON_PADDING; }

extern "C" int bench_simdjson_parse(const char *buf, size_t len, size_t *elements) {
    simdjson::dom::element doc;
    auto err = parser.parse(buf, len, false).get(doc);
    if (err) return (int)err;
    // touch the root so the work is not elided; the tape is already complete here
    *elements += doc.is_object() ? 1 : 2;
    return 0;
}
