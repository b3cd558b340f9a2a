/* tests/test_json_swar.c - tests/test_json.c again with the portable string scan only
   (AXWS_JSON_NO_SIMD), so the 8-byte SWAR path is tested on x86-64 too. */
#define AXWS_JSON_NO_SIMD
#include "test_json.c"
