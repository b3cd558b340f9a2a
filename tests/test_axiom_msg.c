/* tests/test_axiom_msg.c - the typed Axiom message decoder (axiomws.h section >>axiom-msg).
   Every line of tests/data/frames.jsonl is decoded whole, in two pieces split at every byte
   position, one byte at a time, and all of that again with a 64-byte buffer (and with
   none): every way must give the same kind, flags and values (strings up to the capture
   limit), and the same --json line. Concrete values of every line are asserted. Also: the
   typed-shape rules with their negative cases, null versus absent, a malformed message
   followed by a good one, escapes, oversize captures and the raw-chunk callback, and
   write_json read back with the tokenizer (numbers round-trip). */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ helpers */

/* Everything a message says, as text: kind, flags, room, every field of its kind (flags,
   JSON type, bytes, number value bits), trade positions and balances. TRUNCATED and
   OVERSIZE are left out, and so are truncated containers, so that a message decoded with
   a tiny buffer reads the same as one decoded in place. */
#define MASK (~(AXWS_AXIOM_TRUNCATED))
static void sum_view(axt_buf *b, const char *name, const char *p, size_t len, unsigned flags, int type) {
    if (type == AXWS_JSON_BEGIN_OBJECT || type == AXWS_JSON_BEGIN_ARRAY) { /* see containers_ok */
        axt_buf_printf(b, "%s:%x:%d|", name, flags & MASK, type);
        return;
    }
    axt_buf_printf(b, "%s:%x:%d:%zu:", name, flags & MASK, type, len);
    if (p) axt_buf_put(b, p, len);
    axt_buf_put(b, "|", 1);
}
static void sum_num(axt_buf *b, const axws_axiom_num *n) {
    uint64_t bits;
    memcpy(&bits, &n->value, 8);
    axt_buf_printf(b, "=%llx/%lld|", (unsigned long long)bits, (long long)n->integer);
}
static void sum_fields(axt_buf *b, const axws__axiom_field *f, size_t n, const void *base) {
    size_t i;
    for (i = 0; i < n; i++) {
        axws_axiom_value v = axws__axiom_field_view(&f[i], base);
        sum_view(b, f[i].name, v.ptr, v.len, v.flags, v.type);
        if (axws__axiom_field_type(&f[i]) == AXWS__AXF_NUM) sum_num(b, (const axws_axiom_num *)(const void *)((const char *)base + f[i].off));
    }
}
static void summarize(axt_buf *b, const axws_axiom_msg *m) {
    const axws__axiom_table *t = &axws__axiom_tables[m->kind];
    size_t i;
    axt_buf_printf(b, "kind=%s flags=%x err=%d@%llu len=%llu|", axws_axiom_kind_name(m->kind),
                   m->flags & ~(AXWS_AXIOM_MSG_OVERSIZE | AXWS_AXIOM_MSG_TRUNCATED), m->json_error,
                   (unsigned long long)m->json_error_offset, (unsigned long long)m->frame_len);
    sum_view(b, "room", m->room.ptr, m->room.len, m->room.flags, m->room.type);
    axt_buf_printf(b, "at=%llu+%llu|", (unsigned long long)m->content_offset, (unsigned long long)m->content_len);
    if (t->n) sum_fields(b, t->f, t->n, &m->u);
    switch (m->kind) {
    case AXWS_AXIOM_KIND_ACTIVE_USERS: {
        const axws_axiom_num *n = &m->u.active_users.active_users;
        sum_view(b, "active_users", n->raw, n->raw_len, n->flags, n->type);
        sum_num(b, n);
        break;
    }
    case AXWS_AXIOM_KIND_TRADE:
        axt_buf_printf(b, "count=%zu|", m->u.trade.count);
        for (i = 0; i < m->u.trade.count && i < AXWS_AXIOM_MAX_VALUES; i++) {
            const axws_axiom_value *v = &m->u.trade.values[i];
            sum_view(b, "v", v->ptr, v->len, v->flags, v->type);
        }
        break;
    case AXWS_AXIOM_KIND_ORDER_UPDATE:
        axt_buf_printf(b, "st=%d side=%d|", m->u.order_update.status_code, m->u.order_update.side_code);
        break;
    case AXWS_AXIOM_KIND_TRADE_UPDATE: axt_buf_printf(b, "side=%d|", m->u.trade_update.side_code); break;
    case AXWS_AXIOM_KIND_BALANCE_UPDATE:
        axt_buf_printf(b, "count=%zu more=%d|", m->u.balance_update.count, m->u.balance_update.more);
        for (i = 0; i < m->u.balance_update.count && i < AXWS_AXIOM_MAX_BALANCES; i++)
            sum_fields(b, axws__axiom_f_token_balance, 4, &m->u.balance_update.list[i]);
        break;
    default: break;
    }
}

/* A view of `got` (its content, a nested object or array) holds the same bytes as `ref`'s,
   or a prefix of them when cut short. */
static int view_ok(const axws_axiom_value *g, const axws_axiom_value *r) {
    if (g->type != r->type || (g->flags & MASK) != (r->flags & MASK)) return 0;
    if (g->flags & AXWS_AXIOM_TRUNCATED) return g->len < r->len && (!g->len || memcmp(g->ptr, r->ptr, g->len) == 0);
    return g->len == r->len && (!g->len || memcmp(g->ptr, r->ptr, g->len) == 0);
}
static int containers_ok(const axws_axiom_msg *g, const axws_axiom_msg *r) {
    const axws__axiom_table *t = &axws__axiom_tables[r->kind];
    size_t i;
    if (g->kind != r->kind) return 0;
    for (i = 0; i < t->n; i++) {
        axws_axiom_value a = axws__axiom_field_view(&t->f[i], &g->u), b = axws__axiom_field_view(&t->f[i], &r->u);
        if ((b.type == AXWS_JSON_BEGIN_OBJECT || b.type == AXWS_JSON_BEGIN_ARRAY) && !view_ok(&a, &b)) return 0;
    }
    if (r->kind == AXWS_AXIOM_KIND_TRADE)
        for (i = 0; i < r->u.trade.count && i < AXWS_AXIOM_MAX_VALUES; i++)
            if (!view_ok(&g->u.trade.values[i], &r->u.trade.values[i])) return 0;
    return 1;
}
/* The --json lines agree unless the streaming one says it is cut short. */
static int json_ok(const char *g, const char *r) {
    return strcmp(g, r) == 0 || strstr(g, ",\"truncated\":true}") != NULL;
}

/* One decode: what the callback saw. */
typedef struct seen {
    int calls;
    int ret;
    axws_axiom_msg m;      /* a copy (views stay valid while the input/decoder buffers do) */
    axt_buf sum;
    char json[65536];
    int json_len;
} seen;

/* `got` decoded the message as `ref` did: one call, the same return and summary, and the
   content and nested containers the same bytes (or, cut short, a prefix of them). */
static int same_decode(const seen *g, const seen *r) {
    return g->calls == 1 && g->ret == r->ret &&
           strcmp(axt_buf_str(&g->sum), axt_buf_str(&r->sum)) == 0 &&
           view_ok(&g->m.content, &r->m.content) && containers_ok(&g->m, &r->m);
}

static void on_msg(void *user, const axws_axiom_msg *m) {
    seen *s = (seen *)user;
    s->calls++;
    s->m = *m;
    axt_buf_reset(&s->sum);
    summarize(&s->sum, m);
    s->json_len = axws_axiom_msg_write_json(m, s->json, sizeof s->json);
}

static axws_axiom_decoder dec; /* big: static */
static unsigned char bigbuf[1 << 16], tinybuf[64];

/* Decode `in` with the decoder set up on buf/size, cut before each of cuts[]. */
static void decode(const char *in, size_t len, void *buf, size_t size, const size_t *cuts,
                   size_t ncuts, seen *s) {
    size_t off = 0, i;
    s->calls = 0;
    s->ret = 0;
    axws_axiom_decoder_init(&dec, buf, size);
    for (i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        int r = axws_axiom_decoder_chunk(&dec, in + off, end - off, i == ncuts, on_msg, s);
        if (i < ncuts && r != 0) s->ret = 99; /* only the last piece may report */
        if (i == ncuts && s->ret == 0) s->ret = r;
        off = end;
    }
}

static seen ref, got;
static size_t cutv[1 << 14];

/* Decode whole, then every other way; all must agree with the whole decode. */
static void check_all_ways(const char *in, size_t len, const char *name) {
    size_t k, i;
    int bad_split = 0, bad_bytes = 0, bad_tiny = 0, bad_none = 0, bad_json = 0;
    AXT_CASE(name);
    decode(in, len, bigbuf, sizeof bigbuf, NULL, 0, &ref);
    CHECK_EQ(ref.calls, 1);
    CHECK(ref.json_len > 0);
    /* the same message gathered in the buffer from two pieces, for every cut */
    for (k = 0; k <= len; k++) {
        decode(in, len, bigbuf, sizeof bigbuf, &k, 1, &got);
        if (!same_decode(&got, &ref)) bad_split++;
        if (strcmp(got.json, ref.json) != 0) bad_json++;
        decode(in, len, tinybuf, sizeof tinybuf, &k, 1, &got);
        if (!same_decode(&got, &ref)) {
            if (!bad_tiny) fprintf(stderr, "  tiny split %zu:\n   %s\n   %s\n", k, axt_buf_str(&ref.sum), axt_buf_str(&got.sum));
            bad_tiny++;
        }
        if (!json_ok(got.json, ref.json)) {
            if (!bad_json) fprintf(stderr, "  json split %zu:\n   %s\n   %s\n", k, ref.json, got.json);
            bad_json++;
        }
    }
    for (i = 0; i < len && i < sizeof cutv / sizeof cutv[0]; i++) cutv[i] = i + 1;
    decode(in, len, bigbuf, sizeof bigbuf, cutv, len ? len - 1 : 0, &got);
    if (!same_decode(&got, &ref)) bad_bytes++;
    decode(in, len, tinybuf, sizeof tinybuf, cutv, len ? len - 1 : 0, &got);
    if (!same_decode(&got, &ref)) bad_bytes++;
    if (!json_ok(got.json, ref.json)) bad_json++;
    CHECK_EQ((got.m.flags & AXWS_AXIOM_MSG_OVERSIZE) != 0, len > sizeof tinybuf);
    /* no buffer at all, one byte at a time: everything streams */
    decode(in, len, NULL, 0, cutv, len ? len - 1 : 0, &got);
    if (!same_decode(&got, &ref) || !json_ok(got.json, ref.json)) bad_none++;
    CHECK_EQ(bad_split, 0);
    CHECK_EQ(bad_tiny, 0);
    CHECK_EQ(bad_bytes, 0);
    CHECK_EQ(bad_none, 0);
    CHECK_EQ(bad_json, 0);
}

/* Decode one message whole into ref (views point into `in`). */
static const axws_axiom_msg *dec1(const char *in) {
    decode(in, strlen(in), bigbuf, sizeof bigbuf, NULL, 0, &ref);
    return &ref.m;
}

static int str_eq(const axws_axiom_str *s, const char *lit) {
    return (s->flags & AXWS_AXIOM_PRESENT) && s->type == AXWS_JSON_STRING && s->len == strlen(lit) &&
           memcmp(s->ptr, lit, s->len) == 0;
}
static int num_eq(const axws_axiom_num *n, double v) {
    return (n->flags & AXWS_AXIOM_PRESENT) && n->type == AXWS_JSON_NUMBER && n->value == v;
}
static int int_eq(const axws_axiom_num *n, int64_t v) {
    return num_eq(n, (double)v) && (n->flags & AXWS_AXIOM_INTEGER) && n->integer == v;
}
static int is_null(unsigned flags, int type) {
    return flags == (AXWS_AXIOM_PRESENT | AXWS_AXIOM_NULL) && type == AXWS_JSON_NULL;
}
static int val_starts(const axws_axiom_value *v, int type, const char *prefix) {
    return (v->flags & AXWS_AXIOM_PRESENT) && v->type == type && v->len >= strlen(prefix) &&
           memcmp(v->ptr, prefix, strlen(prefix)) == 0;
}

/* ------------------------------------------------------------------ write_json read back */

/* Parse a --json line with the tokenizer; check it is one valid object, its kind, and that
   every top-level number equals the decoded field of that name. */
static void check_json_line(const axws_axiom_msg *m, const char *line, int n) {
    axws_json j;
    axws_json_token t;
    int r, depth_ok = 1, kind_ok = 0, nums = 0, nums_ok = 0, dups = 0, nkeys = 0, i;
    char key[64] = "", keys[64][64];
    const axws__axiom_table *tab = &axws__axiom_tables[m->kind];
    if (!CHECK(n > 0)) return;
    CHECK_EQ((size_t)n, strlen(line));
    axws_json_init(&j, NULL, 0);
    axws_json_feed(&j, line, (size_t)n);
    axws_json_end(&j);
    while ((r = axws_json_next(&j, &t)) > 0 && r != AXWS_JSON_DONE) {
        if (t.depth == 0 && r != AXWS_JSON_BEGIN_OBJECT && r != AXWS_JSON_END_OBJECT) depth_ok = 0;
        if (r == AXWS_JSON_KEY && t.depth == 1) {
            size_t k = t.len < sizeof key - 1 ? t.len : sizeof key - 1;
            memcpy(key, t.data, k);
            key[k] = 0;
            for (i = 0; i < nkeys; i++)
                if (strcmp(keys[i], key) == 0) dups++;
            if (nkeys < 64) strcpy(keys[nkeys++], key);
            continue;
        }
        if (t.depth != 1) continue;
        if (r == AXWS_JSON_STRING && strcmp(key, "kind") == 0)
            kind_ok = t.len == strlen(axws_axiom_kind_name(m->kind)) &&
                      memcmp(t.data, axws_axiom_kind_name(m->kind), t.len) == 0;
        if (r == AXWS_JSON_NUMBER) {
            size_t f;
            double v;
            axws_json_to_double(t.data, t.len, &v);
            for (f = 0; f < tab->n; f++)
                if (strcmp(tab->f[f].name, key) == 0 && axws__axiom_field_type(&tab->f[f]) == AXWS__AXF_NUM && axws__axiom_field_written(&tab->f[f])) {
                    const axws_axiom_num *num = (const axws_axiom_num *)(const void *)((const char *)&m->u + tab->f[f].off);
                    nums++;
                    if (num->value == v) nums_ok++;
                }
        }
    }
    CHECK_EQ(r, AXWS_JSON_DONE);
    CHECK_EQ(dups, 0);
    CHECK(memchr(line, '\n', (size_t)n) == NULL);
    CHECK(depth_ok);
    CHECK(kind_ok);
    CHECK_EQ(nums, nums_ok);
}

/* ------------------------------------------------------------------ frames.jsonl */

static void expect_line(int no, const char *line) {
    const axws_axiom_msg *m = dec1(line);
    char name[32];
    snprintf(name, sizeof name, "frames.jsonl:%d values", no);
    AXT_CASE(name);
    check_json_line(m, ref.json, ref.json_len);
    CHECK_EQ(ref.ret, no == 25 ? ref.m.json_error : 0);
    CHECK_EQ(m->frame_len, strlen(line));
    switch (no) {
    case 1: {
        const axws_axiom_new_pair *p = &m->u.new_pair;
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_NEW_PAIR)) break; /* the union holds another kind: stop here */
        CHECK_EQ(m->flags, 0);
        CHECK(str_eq(&m->room, "new_pairs"));
        CHECK(str_eq(&p->pair_address, "7ACwXXCiXDYyJdstfUCmiQmcxK4zjJVWnFMESk9XsfPG"));
        CHECK(str_eq(&p->signature, "3rLskxWSxquk1YkTdjb8SGFbBgR2kj4f5qmtysgf4k5KkoUuURcRQt9FmccSNMtkb53GsYjKxCd1Uv6ggZDqA4Ym"));
        CHECK(str_eq(&p->token_address, "A2Pfj8iAATQ8YetDdMTXveEvLt4MxjwUubsgyGkaJcZY"));
        CHECK(str_eq(&p->token_name, "\xe3\x81\xb2\xe3\x81\x8d\xe3\x81\x93\xe3\x82\x82\xe3\x82\x8a"));
        CHECK(str_eq(&p->token_ticker, "HIKIKOMORI"));
        CHECK(is_null(p->token_image.flags, p->token_image.type));
        CHECK(str_eq(&p->token_uri, "https://ipfs.io/ipfs/bafkreihyznikzjm3nbh7sx4r2c7d6kkuuftanq2mslzuhg4iazeafujyf4"));
        CHECK(int_eq(&p->token_decimals, 6));
        CHECK(str_eq(&p->pair_sol_account, "AM8bLVvRxg3VXDUDyadApPXVGtzCMppR7hJVpgxN12U9"));
        CHECK(str_eq(&p->pair_token_account, "5pqCSxu3hG2tm4rU3Uoa6HsrrtJYVvWxYZ7VXNkPwHpP"));
        CHECK(str_eq(&p->protocol, "Virtual Curve"));
        CHECK(val_starts(&p->protocol_details, AXWS_JSON_BEGIN_OBJECT, "{\"quote_mint\":\"So111"));
        CHECK_EQ(p->protocol_details.len, strlen("{\"quote_mint\":\"So11111111111111111111111111111111111111112\",\"created_at\":1790684911625,\"curve\":[{\"sqrt_price\":\"0\",\"liquidity\":\"0\"}],\"isUsdc\":false}"));
        CHECK(str_eq(&p->created_at, "2026-09-29T12:28:31.625Z"));
        CHECK(str_eq(&p->open_trading, "2026-09-29T12:27:31.625Z"));
        CHECK(str_eq(&p->updated_at, "2026-09-29T12:28:31.625Z"));
        CHECK(is_null(p->website.flags, p->website.type));
        CHECK(is_null(p->twitter.flags, p->twitter.type));
        CHECK(is_null(p->telegram.flags, p->telegram.type));
        CHECK(is_null(p->discord.flags, p->discord.type));
        CHECK(is_null(p->mint_authority.flags, p->mint_authority.type));
        CHECK(is_null(p->freeze_authority.flags, p->freeze_authority.type));
        CHECK(str_eq(&p->deployer_address, "FWudqzqpPGCjr11gDhn3AMbmnQq46oV6u56WBjyrdBpw"));
        CHECK(int_eq(&p->supply, 1000000000));
        CHECK(int_eq(&p->initial_liquidity_sol, 30));
        CHECK(num_eq(&p->initial_liquidity_token, 5.92744940995599e-07));
        CHECK(!(p->initial_liquidity_token.flags & AXWS_AXIOM_INTEGER));
        CHECK(int_eq(&p->top_10_holders, 0));
        CHECK(int_eq(&p->lp_burned, 11));
        CHECK(is_null(p->extra.flags, p->extra.type));
        CHECK(int_eq(&p->slot, 451641903));
        CHECK(str_eq(&p->display_protocol, "Virtual Curve"));
        CHECK_EQ(p->dev_holds_percent.flags, 0); /* absent */
        CHECK_EQ(p->snipers_hold_percent.flags, 0);
        CHECK(val_starts(&m->content, AXWS_JSON_BEGIN_OBJECT, "{\"pair_address\""));
        CHECK_EQ(m->content_offset, strlen("{\"room\":\"new_pairs\",\"content\":"));
        CHECK_EQ(m->content_len, strlen(line) - m->content_offset - 1);
        CHECK(strstr(ref.json, "\"token_image\":null") != NULL);
        CHECK(strstr(ref.json, "dev_holds_percent") == NULL);
        break;
    }
    case 2: case 3:
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_SOL_PRICE)) break; /* the union holds another kind: stop here */
        CHECK(num_eq(&m->u.sol_price.price, no == 2 ? 151.2 : 192.445));
        CHECK(strstr(ref.json, no == 2 ? "\"content\":151.2}" : "\"content\":192.445}") != NULL);
        break;
    case 4:
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_BLOCK_HASH)) break; /* the union holds another kind: stop here */
        CHECK(str_eq(&m->u.block_hash.hash, "554zn7Ja8dRKfZPsJwX1wNv1xUG1XiiCH3p8F6bUtgmB"));
        break;
    case 5:
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_PRIORITY_FEE)) break; /* the union holds another kind: stop here */
        CHECK(str_eq(&m->room, "sol-priority-fee"));
        CHECK(num_eq(&m->u.priority_fee.fee, 0.003));
        break;
    case 6:
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_CONNECTION_MONITOR)) break; /* the union holds another kind: stop here */
        CHECK(int_eq(&m->u.connection_monitor.timestamp_ms, 1755436819528LL));
        break;
    case 7:
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_ACTIVE_USERS)) break; /* the union holds another kind: stop here */
        CHECK(str_eq(&m->room, "e-FFcYgSSgWHforA9rXXkA48p8YFoz8TSW85Jpo3CQHDyS"));
        CHECK_EQ(m->u.active_users.active_users.integer, 49);
        CHECK(m->u.active_users.active_users.flags & AXWS_AXIOM_QUOTED);
        CHECK_EQ(m->u.active_users.active_users.value, 49.0);
        CHECK(strstr(ref.json, "\"content\":\"49\",\"active_users\":49") != NULL);
        break;
    case 8: case 24:
        CHECK_EQ(m->kind, AXWS_AXIOM_KIND_ACTIVE_USERS); /* 24: has "reason", not a disconnect */
        CHECK(no == 8 || strstr(ref.json, "\"reason\":\"not a disconnect\",\"active_users\":3}") != NULL);
        CHECK(str_eq(&m->room, "s:FFcYgSSgWHforA9rXXkA48p8YFoz8TSW85Jpo3CQHDyS"));
        CHECK(int_eq(&m->u.active_users.active_users, no == 8 ? 12 : 3));
        CHECK(!(m->u.active_users.active_users.flags & AXWS_AXIOM_QUOTED));
        break;
    case 9: {
        const axws_axiom_wallet_trade *w = &m->u.wallet_trade;
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_WALLET_TRADE)) break; /* the union holds another kind: stop here */
        CHECK(str_eq(&w->created_at, "2025-08-17T13:20:19.528Z"));
        CHECK(num_eq(&w->liquidity_sol, 30.970969012));
        CHECK(num_eq(&w->liquidity_token, 578268024.200339));
        CHECK(str_eq(&w->maker_address, "5tzFkiKscXHK5ZXCGbXZxdw7gTjjD1mBwuoFbhUvuAi9"));
        CHECK(num_eq(&w->price_sol, 3.3e-8));
        CHECK(num_eq(&w->price_usd, 6.35e-6));
        CHECK(str_eq(&w->signature, "4Jr3w8jYkq8bHq9Yt1V2xv3n5o6p7q8r9s1t2u3v4w5x6y7z8A9B1C2D3E4F5G6H7J8K9L1M2N3P4Q5R6S7T8U9V"));
        CHECK(num_eq(&w->token_amount, 152000.5));
        CHECK(num_eq(&w->total_sol, 0.005));
        CHECK(num_eq(&w->total_usd, 0.96));
        CHECK(str_eq(&w->type, "buy"));
        CHECK(str_eq(&w->pair_address, "82Tg9AstH3eyTkkMF4jAA1aQyRMeH6jmyHa5osnxvg8E"));
        CHECK(val_starts(&w->pair, AXWS_JSON_BEGIN_OBJECT, "{\"tokenAddress\":\"DezX"));
        CHECK(w->pair.len > 0 && w->pair.ptr[w->pair.len - 1] == '}');
        CHECK(str_eq(&w->pair_token_address, "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263"));
        CHECK(str_eq(&w->pair_token_name, "Bonk"));
        CHECK(str_eq(&w->pair_token_ticker, "BONK"));
        CHECK(is_null(w->pair_token_image.flags, w->pair_token_image.type));
        CHECK(str_eq(&w->pair_protocol, "Raydium V4"));
        CHECK(int_eq(&w->pair_supply, 88000000000000LL));
        CHECK(int_eq(&w->pair_token_decimals, 5));
        CHECK(str_eq(&w->pair_created_at, "2022-12-25T00:00:00.000Z"));
        CHECK(strstr(ref.json, "\"pair\":{\"tokenAddress\"") != NULL);
        CHECK(strstr(ref.json, ",\"f\":0,") != NULL); /* not a field we know: copied through */
        break;
    }
    case 10: {
        const axws_axiom_trade *t = &m->u.trade;
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_TRADE)) break; /* the union holds another kind: stop here */
        CHECK_EQ(t->count, 17);
        CHECK(str_eq(&t->signature, "5Rk2CtbQnmDmYhR6qRHkvmw6F1ApYLtD5EtY9y7DhYp4vvHG1ka8Kx1V5ZrzjyJdbLGb1Xg7WcRWtRcE6bhzR7UL"));
        CHECK(str_eq(&t->wallet, "C1jArYfhUbH1c5rKptHCsZvtSKF52tekCK5cPr9RB8Qd"));
        CHECK(int_eq(&t->timestamp_ms, 1755436819528LL));
        CHECK(int_eq(&t->type, 0));
        CHECK(num_eq(&t->sol_amount, 5.3492e-8));
        CHECK(num_eq(&t->token_amount, 0.000010294));
        CHECK(num_eq(&t->price, 0.099800397));
        CHECK(num_eq(&t->market_cap_sol, 19.20558839868));
        CHECK(num_eq(&t->market_cap_usd, 1865695.02375));
        CHECK(num_eq(&t->liquidity_sol, 30.970969012));
        CHECK(num_eq(&t->supply, 578268024.200339));
        CHECK_EQ(t->values[0].type, AXWS_JSON_STRING);
        CHECK_EQ(t->values[2].type, AXWS_JSON_NUMBER);
        CHECK(t->values[11].len == 1 && t->values[11].ptr[0] == '2');
        CHECK(t->values[12].len == 1 && t->values[12].ptr[0] == '6');
        CHECK(t->values[13].len == 11 && memcmp(t->values[13].ptr, "0.000219823", 11) == 0);
        CHECK(t->values[16].len == 1 && t->values[16].ptr[0] == '0');
        CHECK(strstr(ref.json, "\"values\":[\"5Rk2") != NULL);
        CHECK(strstr(ref.json, ",0,0,0]}") != NULL);
        break;
    }
    case 11: case 12:
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_RAW)) break; /* the union holds another kind: stop here */
        CHECK(str_eq(&m->room, no == 11 ? "td:82Tg9AstH3eyTkkMF4jAA1aQyRMeH6jmyHa5osnxvg8E"
                                        : "a:DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263"));
        CHECK(val_starts(&m->content, AXWS_JSON_BEGIN_ARRAY, no == 11 ? "[\"C1jA" : "[\"82Tg"));
        CHECK_EQ(m->content.len, strlen(line) - m->content_offset - 1);
        CHECK(m->content.ptr[m->content.len - 1] == ']');
        break;
    case 13:
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_RAW)) break; /* the union holds another kind: stop here */
        CHECK(str_eq(&m->room, "lighthouse"));
        CHECK(val_starts(&m->content, AXWS_JSON_BEGIN_OBJECT, "{\"5m\":{\"All\":"));
        CHECK_EQ(m->content.len, strlen(line) - strlen("{\"room\":\"lighthouse\",\"content\":}"));
        CHECK(strstr(ref.json, "\"content\":{\"5m\":") != NULL);
        break;
    case 14: { /* malformed new_pairs: decoded with the fields that are present */
        const axws_axiom_new_pair *p = &m->u.new_pair;
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_NEW_PAIR)) break; /* the union holds another kind: stop here */
        CHECK(str_eq(&p->pair_address, "P"));
        CHECK(str_eq(&p->token_address, "T"));
        CHECK(str_eq(&p->token_name, "n"));
        CHECK(str_eq(&p->token_ticker, "N"));
        CHECK(str_eq(&p->protocol, "Pump V1"));
        CHECK(is_null(p->created_at.flags, p->created_at.type)); /* null ... */
        CHECK_EQ(p->signature.flags, 0);                         /* ... versus absent */
        CHECK_EQ(p->signature.type, 0);
        CHECK_EQ(p->supply.flags, 0);
        CHECK_EQ(p->protocol_details.flags, 0);
        CHECK_EQ(p->token_image.flags, 0);
        CHECK(str_eq(&p->open_trading, "2026-09-29T12:27:31.625Z"));
        CHECK(strstr(ref.json, "\"created_at\":null") != NULL);
        CHECK(strstr(ref.json, "signature") == NULL);
        break;
    }
    case 15: /* non-object content: raw */
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_RAW)) break; /* the union holds another kind: stop here */
        CHECK(str_eq(&m->room, "new_pairs"));
        CHECK_EQ(m->content.type, AXWS_JSON_STRING);
        CHECK(m->content.len == 4 && memcmp(m->content.ptr, "oops", 4) == 0);
        CHECK(strstr(ref.json, "\"content\":\"oops\"") != NULL);
        break;
    case 16: /* no content: raw, with the room, and content absent */
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_RAW)) break; /* the union holds another kind: stop here */
        CHECK(str_eq(&m->room, "new_pairs"));
        CHECK_EQ(m->content.flags, 0);
        CHECK(strstr(ref.json, "content") == NULL);
        break;
    case 17: {
        const axws_axiom_market_update *u = &m->u.market_update;
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_MARKET_UPDATE)) break; /* the union holds another kind: stop here */
        CHECK_EQ(m->room.flags, 0);
        CHECK(str_eq(&u->token_mint, "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263"));
        CHECK(str_eq(&u->symbol, "BONK"));
        CHECK(num_eq(&u->price_usd, 0.0000231));
        CHECK(num_eq(&u->price_sol, 1.2e-7));
        CHECK(num_eq(&u->price_change_24h, 12.5));
        CHECK(int_eq(&u->volume_24h, 1500000));
        CHECK(int_eq(&u->market_cap, 1500000000));
        CHECK(int_eq(&u->timestamp, 1700000000));
        CHECK(strstr(ref.json, "\"room\"") == NULL);
        break;
    }
    case 18: {
        const axws_axiom_order_update *u = &m->u.order_update;
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_ORDER_UPDATE)) break; /* the union holds another kind: stop here */
        CHECK(str_eq(&u->order_id, "o-17"));
        CHECK(str_eq(&u->status, "partially_filled"));
        CHECK_EQ(u->status_code, AXWS_AXIOM_STATUS_PARTIALLY_FILLED);
        CHECK(is_null(u->transaction_hash.flags, u->transaction_hash.type));
        CHECK(str_eq(&u->token_mint, "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263"));
        CHECK(str_eq(&u->side, "buy"));
        CHECK_EQ(u->side_code, AXWS_AXIOM_SIDE_BUY);
        CHECK(int_eq(&u->amount, 1000));
        CHECK(num_eq(&u->price, 0.0000231));
        CHECK(int_eq(&u->filled_amount, 400));
        CHECK(int_eq(&u->timestamp, 1700000001));
        CHECK(is_null(u->error_message.flags, u->error_message.type));
        break;
    }
    case 19: {
        const axws_axiom_trade_update *u = &m->u.trade_update;
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_TRADE_UPDATE)) break; /* the union holds another kind: stop here */
        CHECK(str_eq(&u->token_mint, "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263"));
        CHECK(str_eq(&u->side, "sell"));
        CHECK_EQ(u->side_code, AXWS_AXIOM_SIDE_SELL);
        CHECK(num_eq(&u->price, 0.0000232));
        CHECK(int_eq(&u->amount, 250));
        CHECK(num_eq(&u->total_value, 0.0058));
        CHECK(int_eq(&u->timestamp, 1700000002));
        CHECK(str_eq(&u->transaction_hash, "sig"));
        break;
    }
    case 20: {
        const axws_axiom_balance_update *u = &m->u.balance_update;
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_BALANCE_UPDATE)) break; /* the union holds another kind: stop here */
        CHECK(str_eq(&u->wallet_address, "W"));
        CHECK(num_eq(&u->sol_balance, 1.5));
        CHECK(val_starts(&u->token_balances, AXWS_JSON_BEGIN_ARRAY, "[{\"token_mint\""));
        CHECK(num_eq(&u->total_value_usd, 250.2));
        CHECK(int_eq(&u->timestamp, 1700000003));
        CHECK_EQ(u->count, 1);
        CHECK_EQ(u->more, 0);
        CHECK(str_eq(&u->list[0].token_mint, "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263"));
        CHECK(str_eq(&u->list[0].symbol, "BONK"));
        CHECK(int_eq(&u->list[0].amount, 1000000));
        CHECK(num_eq(&u->list[0].value_usd, 23.1));
        CHECK(strstr(ref.json, "\"token_balances\":[{\"token_mint\"") != NULL);
        break;
    }
    case 21:
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_ERROR)) break; /* the union holds another kind: stop here */
        CHECK(int_eq(&m->u.error.code, 401));
        CHECK(str_eq(&m->u.error.message, "unauthorized"));
        CHECK(strcmp(ref.json, "{\"event\":\"message\",\"kind\":\"error\",\"code\":401,\"message\":\"unauthorized\"}") == 0);
        break;
    case 22:
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_CONNECTED)) break; /* the union holds another kind: stop here */
        CHECK(str_eq(&m->u.connected.session_id, "abc"));
        break;
    case 23:
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_DISCONNECTED)) break; /* the union holds another kind: stop here */
        CHECK(str_eq(&m->u.disconnected.reason, "token_expired"));
        break;
    case 25:
        if (!CHECK_EQ(m->kind, AXWS_AXIOM_KIND_RAW)) break; /* the union holds another kind: stop here */
        CHECK_EQ(m->flags, AXWS_AXIOM_MSG_UNDECODABLE);
        CHECK(m->json_error < 0);
        CHECK(ref.ret < 0);
        CHECK_EQ(m->json_error_offset, 1); /* 'n' could begin null */
        CHECK(m->content.len == 8 && memcmp(m->content.ptr, "not json", 8) == 0);
        CHECK(strcmp(ref.json, "{\"event\":\"message\",\"kind\":\"raw\",\"content\":\"not json\",\"undecodable\":true}") == 0);
        break;
    default: CHECK(!"unexpected line"); break;
    }
}

static void test_frames(void) {
    size_t len = 0, start = 0;
    int no = 0;
    char *data = axt_read_file("tests/data/frames.jsonl", &len);
    AXT_CASE("frames.jsonl");
    if (!CHECK(data != NULL)) { fprintf(stderr, "run from the repository root\n"); return; }
    while (start < len) {
        size_t end = start;
        char name[40], save;
        while (end < len && data[end] != '\n') end++;
        no++;
        save = data[end];
        data[end] = 0;
        expect_line(no, data + start);
        snprintf(name, sizeof name, "frames.jsonl:%d every way", no);
        check_all_ways(data + start, end - start, name);
        data[end] = save;
        start = end + 1;
    }
    AXT_CASE("frames.jsonl");
    CHECK_EQ(no, 25);
    free(data);
}

/* ------------------------------------------------------------------ shapes */

/* The kind of `in` decoded whole; every other way (pieces, tiny buffer, no buffer) must
   agree on everything. ref holds the whole decode afterwards. */
static int kind_of(const char *in) {
    const char *saved = axt_case;
    check_all_ways(in, strlen(in), saved);
    AXT_CASE(saved);
    return (int)dec1(in)->kind;
}

static void test_shapes(void) {
    AXT_CASE("shapes");
    /* MarketUpdate: every field, with the right types; timestamp an integer */
#define MU_HEAD "{\"token_mint\":\"M\",\"symbol\":\"S\",\"price_usd\":1,\"price_sol\":2,\"price_change_24h\":-3.5,\"volume_24h\":4,\"market_cap\":5,"
    CHECK_EQ(kind_of(MU_HEAD "\"timestamp\":17}"), AXWS_AXIOM_KIND_MARKET_UPDATE);
    CHECK_EQ(kind_of(MU_HEAD "\"timestamp\":17,\"extra_field\":[1,{\"a\":2}]}"), AXWS_AXIOM_KIND_MARKET_UPDATE);
    CHECK_EQ(kind_of(MU_HEAD "\"timestamp\":17.0}"), AXWS_AXIOM_KIND_RAW);   /* float */
    CHECK_EQ(kind_of(MU_HEAD "\"timestamp\":1.7e1}"), AXWS_AXIOM_KIND_RAW);  /* exponent */
    CHECK_EQ(kind_of(MU_HEAD "\"timestamp\":\"17\"}"), AXWS_AXIOM_KIND_RAW); /* string */
    CHECK_EQ(kind_of(MU_HEAD "\"timestamp\":99999999999999999999}"), AXWS_AXIOM_KIND_RAW); /* > int64 */
    CHECK_EQ(kind_of(MU_HEAD "\"timestamp\":-17}"), AXWS_AXIOM_KIND_MARKET_UPDATE);
    CHECK_EQ(kind_of("{\"token_mint\":\"M\",\"symbol\":\"S\",\"price_usd\":1,\"price_sol\":2,\"price_change_24h\":3,\"market_cap\":5,\"timestamp\":17}"),
             AXWS_AXIOM_KIND_RAW); /* volume_24h missing */
    CHECK_EQ(kind_of("{\"token_mint\":\"M\",\"symbol\":7,\"price_usd\":1,\"price_sol\":2,\"price_change_24h\":3,\"volume_24h\":4,\"market_cap\":5,\"timestamp\":17}"),
             AXWS_AXIOM_KIND_RAW); /* symbol not a string */
    CHECK_EQ(kind_of("{\"token_mint\":\"M\",\"symbol\":\"S\",\"price_usd\":\"1\",\"price_sol\":2,\"price_change_24h\":3,\"volume_24h\":4,\"market_cap\":5,\"timestamp\":17}"),
             AXWS_AXIOM_KIND_RAW); /* number as a string */
    CHECK_EQ(kind_of("{\"token_mint\":\"M\",\"symbol\":\"S\",\"price_usd\":null,\"price_sol\":2,\"price_change_24h\":3,\"volume_24h\":4,\"market_cap\":5,\"timestamp\":17}"),
             AXWS_AXIOM_KIND_RAW); /* null where a number is required */
    /* with a room it is never a typed shape */
    CHECK_EQ(kind_of("{\"room\":\"x\",\"token_mint\":\"M\",\"symbol\":\"S\",\"price_usd\":1,\"price_sol\":2,\"price_change_24h\":-3.5,\"volume_24h\":4,\"market_cap\":5,\"timestamp\":17}"),
             AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(ref.m.json_error, 0);
    /* precedence: MarketUpdate before Connected before Disconnected */
    CHECK_EQ(kind_of(MU_HEAD "\"timestamp\":17,\"session_id\":\"s\",\"reason\":\"r\"}"), AXWS_AXIOM_KIND_MARKET_UPDATE);
    CHECK_EQ(kind_of("{\"reason\":\"r\",\"session_id\":\"s\"}"), AXWS_AXIOM_KIND_CONNECTED);
    CHECK_EQ(kind_of("{\"code\":1,\"message\":\"m\",\"session_id\":\"s\"}"), AXWS_AXIOM_KIND_ERROR);
#undef MU_HEAD

    /* OrderUpdate: status one of six names, side buy/sell, optional hash and message */
#define OU(status, side, rest) "{\"order_id\":\"o\",\"status\":" status ",\"token_mint\":\"M\",\"side\":" side \
    ",\"amount\":1,\"price\":2,\"filled_amount\":0,\"timestamp\":5" rest "}"
    CHECK_EQ(kind_of(OU("\"filled\"", "\"sell\"", "")), AXWS_AXIOM_KIND_ORDER_UPDATE);
    CHECK_EQ(ref.m.u.order_update.status_code, AXWS_AXIOM_STATUS_FILLED);
    CHECK_EQ(ref.m.u.order_update.side_code, AXWS_AXIOM_SIDE_SELL);
    CHECK_EQ(ref.m.u.order_update.transaction_hash.flags, 0); /* absent */
    CHECK_EQ(kind_of(OU("\"pending\"", "\"buy\"", ",\"transaction_hash\":\"h\",\"error_message\":\"e\"")), AXWS_AXIOM_KIND_ORDER_UPDATE);
    CHECK(str_eq(&ref.m.u.order_update.transaction_hash, "h"));
    CHECK(str_eq(&ref.m.u.order_update.error_message, "e"));
    CHECK_EQ(kind_of(OU("\"cancelled\"", "\"buy\"", "")), AXWS_AXIOM_KIND_ORDER_UPDATE);
    CHECK_EQ(kind_of(OU("\"processing\"", "\"buy\"", "")), AXWS_AXIOM_KIND_ORDER_UPDATE);
    CHECK_EQ(kind_of(OU("\"failed\"", "\"buy\"", "")), AXWS_AXIOM_KIND_ORDER_UPDATE);
    CHECK_EQ(ref.m.u.order_update.status_code, AXWS_AXIOM_STATUS_FAILED);
    CHECK_EQ(kind_of(OU("\"fil\\u006ced\"", "\"buy\"", "")), AXWS_AXIOM_KIND_ORDER_UPDATE); /* escaped */
    CHECK_EQ(kind_of(OU("\"done\"", "\"buy\"", "")), AXWS_AXIOM_KIND_RAW);      /* unknown status */
    CHECK_EQ(kind_of(OU("\"Filled\"", "\"buy\"", "")), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of(OU("\"filled\"", "\"hold\"", "")), AXWS_AXIOM_KIND_RAW);   /* unknown side */
    CHECK_EQ(kind_of(OU("\"filled\"", "\"buy\"", ",\"transaction_hash\":5")), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of(OU("\"filled\"", "\"buy\"", ",\"error_message\":[]")), AXWS_AXIOM_KIND_RAW);
#undef OU
    /* TradeUpdate: transaction_hash required (a string) */
#define TU(hash) "{\"token_mint\":\"M\",\"side\":\"buy\",\"price\":1,\"amount\":2,\"total_value\":2,\"timestamp\":3" hash "}"
    CHECK_EQ(kind_of(TU(",\"transaction_hash\":\"t\"")), AXWS_AXIOM_KIND_TRADE_UPDATE);
    CHECK_EQ(kind_of(TU(",\"transaction_hash\":null")), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of(TU("")), AXWS_AXIOM_KIND_RAW);
#undef TU
    /* BalanceUpdate: every entry must be an object with the four fields */
#define BU(list) "{\"wallet_address\":\"W\",\"sol_balance\":1,\"token_balances\":" list ",\"total_value_usd\":2,\"timestamp\":3}"
#define TB(sym) "{\"token_mint\":\"T\",\"symbol\":" sym ",\"amount\":1,\"value_usd\":0.5}"
    CHECK_EQ(kind_of(BU("[]")), AXWS_AXIOM_KIND_BALANCE_UPDATE);
    CHECK_EQ(ref.m.u.balance_update.count, 0);
    CHECK_EQ(kind_of(BU("[" TB("\"A\"") "," TB("\"B\"") "]")), AXWS_AXIOM_KIND_BALANCE_UPDATE);
    CHECK_EQ(ref.m.u.balance_update.count, 2);
    CHECK(str_eq(&ref.m.u.balance_update.list[1].symbol, "B"));
    CHECK_EQ(kind_of(BU("[" TB("\"A\"") "," TB("3") "]")), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of(BU("[" TB("\"A\"") ",7]")), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of(BU("[{\"token_mint\":\"T\",\"symbol\":\"S\",\"amount\":1}]")), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of(BU("{}")), AXWS_AXIOM_KIND_RAW);
    {
        /* more entries than the list holds: counted, flagged, and still validated */
        static char big[8192];
        int i;
        strcpy(big, "{\"wallet_address\":\"W\",\"sol_balance\":1,\"token_balances\":[");
        for (i = 0; i < 20; i++) {
            char e[128];
            snprintf(e, sizeof e, "%s{\"token_mint\":\"T%d\",\"symbol\":\"S%d\",\"amount\":%d,\"value_usd\":%d.5}", i ? "," : "", i, i, i, i);
            strcat(big, e);
        }
        strcat(big, "],\"total_value_usd\":2,\"timestamp\":3}");
        CHECK_EQ(kind_of(big), AXWS_AXIOM_KIND_BALANCE_UPDATE);
        CHECK_EQ(ref.m.u.balance_update.count, 20);
        CHECK_EQ(ref.m.u.balance_update.more, 1);
        CHECK(str_eq(&ref.m.u.balance_update.list[15].symbol, "S15"));
        CHECK(num_eq(&ref.m.u.balance_update.list[15].value_usd, 15.5));
        check_json_line(&ref.m, ref.json, ref.json_len);
        big[strlen(big) - strlen("}],\"total_value_usd\":2,\"timestamp\":3}") - strlen(",\"value_usd\":19.5")] = 0;
        strcat(big, "}],\"total_value_usd\":2,\"timestamp\":3}"); /* the 20th lacks value_usd */
        CHECK_EQ(kind_of(big), AXWS_AXIOM_KIND_RAW);
    }
#undef BU
#undef TB
    /* Error: code an integer, message a string */
    CHECK_EQ(kind_of("{\"code\":401,\"message\":\"m\"}"), AXWS_AXIOM_KIND_ERROR);
    CHECK_EQ(kind_of("{\"code\":401.5,\"message\":\"m\"}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"code\":4.01e2,\"message\":\"m\"}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"code\":\"401\",\"message\":\"m\"}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"code\":401}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"code\":401,\"message\":null}"), AXWS_AXIOM_KIND_RAW);
    /* Connected / Disconnected: only without a room */
    CHECK_EQ(kind_of("{\"session_id\":\"abc\",\"room\":\"x\"}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"session_id\":5}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"reason\":\"bye\",\"extra\":1}"), AXWS_AXIOM_KIND_DISCONNECTED);
    CHECK_EQ(kind_of("{\"reason\":null}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"room\":\"x\",\"reason\":\"bye\"}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"room\":5,\"reason\":\"bye\"}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"room\":null,\"reason\":\"bye\"}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"room\":\"foo\",\"content\":{\"reason\":\"bye\"}}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"room\":\"v:w\",\"content\":{\"reason\":\"bye\"}}"), AXWS_AXIOM_KIND_WALLET_TRADE);
    /* a raw object without room: content is the whole frame */
    CHECK_EQ(kind_of(" {\"hello\":1} "), AXWS_AXIOM_KIND_RAW);
    CHECK(ref.m.content.type == AXWS_JSON_BEGIN_OBJECT && ref.m.content.len == 13);
    CHECK(strcmp(ref.json, "{\"event\":\"message\",\"kind\":\"raw\",\"content\": {\"hello\":1} }") == 0);
    check_json_line(&ref.m, ref.json, ref.json_len);
    /* --json copies object contents member by member, unknown fields included, on one
       line; an object with a key the line uses itself is written field by field */
    CHECK_EQ(kind_of("{\"room\":\"new_pairs\",\"content\":{\"token_name\":\"x\",\"brand_new\":[1,{\"a\":null}]}}"), AXWS_AXIOM_KIND_NEW_PAIR);
    CHECK(strcmp(ref.json, "{\"event\":\"message\",\"kind\":\"new_pair\",\"room\":\"new_pairs\",\"token_name\":\"x\",\"brand_new\":[1,{\"a\":null}]}") == 0);
    CHECK_EQ(kind_of("{\"room\":\"new_pairs\",\"content\":{\"kind\":\"zzz\",\"token_name\":\"x\",\"slot\":7}}"), AXWS_AXIOM_KIND_NEW_PAIR);
    CHECK(ref.m.flags & AXWS_AXIOM_MSG_NO_SPLICE);
    CHECK(strcmp(ref.json, "{\"event\":\"message\",\"kind\":\"new_pair\",\"room\":\"new_pairs\",\"token_name\":\"x\",\"slot\":7}") == 0);
    check_json_line(&ref.m, ref.json, ref.json_len);
    CHECK_EQ(kind_of("{\"room\":\"v:w\",\"content\":{\"room\":\"r\",\"type\":\"buy\"}}"), AXWS_AXIOM_KIND_WALLET_TRADE);
    CHECK(ref.m.flags & AXWS_AXIOM_MSG_NO_SPLICE);
    check_json_line(&ref.m, ref.json, ref.json_len);
    CHECK_EQ(kind_of("{\"event\":\"e\",\"session_id\":\"s\"}"), AXWS_AXIOM_KIND_CONNECTED);
    CHECK(strcmp(ref.json, "{\"event\":\"message\",\"kind\":\"connected\",\"session_id\":\"s\"}") == 0);
    CHECK_EQ(kind_of("{\"session_id\":\"s\",\"other\":{}}"), AXWS_AXIOM_KIND_CONNECTED);
    CHECK(strcmp(ref.json, "{\"event\":\"message\",\"kind\":\"connected\",\"session_id\":\"s\",\"other\":{}}") == 0);
    CHECK_EQ(kind_of("{\"room\":\"v:w\",\"content\":{ }}"), AXWS_AXIOM_KIND_WALLET_TRADE);
    CHECK(strcmp(ref.json, "{\"event\":\"message\",\"kind\":\"wallet_trade\",\"room\":\"v:w\"}") == 0);
    CHECK_EQ(kind_of("{\n\t\"room\": \"new_pairs\",\r\n\t\"content\": {\n\t\t\"token_name\": \"a b\",\n\t\t\"extra\": {\n\t\t\t\"a\": [1, 2]\n\t\t}\n\t}\n}\n"),
             AXWS_AXIOM_KIND_NEW_PAIR);
    CHECK(strcmp(ref.json, "{\"event\":\"message\",\"kind\":\"new_pair\",\"room\":\"new_pairs\",\"token_name\": \"a b\",\"extra\": {\"a\": [1, 2]}}") == 0);
    check_json_line(&ref.m, ref.json, ref.json_len);
    CHECK_EQ(kind_of("{\"room\":\"t:p\",\"content\":[\n1,\n2]}"), AXWS_AXIOM_KIND_TRADE);
    CHECK(strstr(ref.json, "\"values\":[1,2]}") != NULL);
    /* top-level arrays and scalars: raw, content is the value */
    CHECK_EQ(kind_of("[1,2]"), AXWS_AXIOM_KIND_RAW);
    CHECK(ref.m.content.type == AXWS_JSON_BEGIN_ARRAY && ref.m.content.len == 5);
    CHECK_EQ(kind_of(" \"x\" "), AXWS_AXIOM_KIND_RAW);
    CHECK(ref.m.content.type == AXWS_JSON_STRING && ref.m.content.len == 1);
    CHECK_EQ(ref.m.content_offset, 1);
    CHECK_EQ(ref.m.content_len, 3);
    CHECK_EQ(kind_of("42"), AXWS_AXIOM_KIND_RAW);
    CHECK(strcmp(ref.json, "{\"event\":\"message\",\"kind\":\"raw\",\"content\":42}") == 0);

    AXT_CASE("rooms");
    CHECK_EQ(kind_of("{\"room\":\"sol_price\",\"content\":\"151\"}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"room\":\"block_hash\",\"content\":5}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"room\":\"connection_monitor\",\"content\":null}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"room\":\"e-x\",\"content\":\"abc\"}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"room\":\"e-x\",\"content\":\"4.5\"}"), AXWS_AXIOM_KIND_ACTIVE_USERS);
    CHECK_EQ(ref.m.u.active_users.active_users.value, 4.5);
    CHECK(!(ref.m.u.active_users.active_users.flags & AXWS_AXIOM_INTEGER));
    CHECK_EQ(kind_of("{\"room\":\"e-x\",\"content\":49}"), AXWS_AXIOM_KIND_ACTIVE_USERS);
    CHECK(int_eq(&ref.m.u.active_users.active_users, 49));
    CHECK_EQ(kind_of("{\"room\":\"s:x\",\"content\":{\"active_users\":\"3\"}}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"room\":\"s:x\",\"content\":{}}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"room\":\"t:x\",\"content\":{}}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"room\":\"f:x\",\"content\":[]}"), AXWS_AXIOM_KIND_TRADE);
    CHECK_EQ(ref.m.u.trade.count, 0);
    CHECK_EQ(ref.m.u.trade.signature.flags, 0);
    CHECK_EQ(kind_of("{\"room\":\"v:x\",\"content\":[1]}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"room\":\"new_pairs\",\"content\":[]}"), AXWS_AXIOM_KIND_RAW);
    CHECK_EQ(kind_of("{\"room\":\"new_pairs\",\"content\":{}}"), AXWS_AXIOM_KIND_NEW_PAIR);
    CHECK_EQ(kind_of("{\"room\":\"new_pair\",\"content\":{}}"), AXWS_AXIOM_KIND_RAW);
    /* room after content, escaped room and keys */
    CHECK_EQ(kind_of("{\"content\":151.5,\"room\":\"sol_price\"}"), AXWS_AXIOM_KIND_SOL_PRICE);
    CHECK(num_eq(&ref.m.u.sol_price.price, 151.5));
    CHECK_EQ(kind_of("{\"r\\u006fom\":\"sol\\u005fprice\",\"cont\\u0065nt\":1}"), AXWS_AXIOM_KIND_SOL_PRICE);
    CHECK_EQ(kind_of("{\"room\":\"new_pairs\",\"content\":{\"token\\u005fname\":\"x\"}}"), AXWS_AXIOM_KIND_NEW_PAIR);
    CHECK(str_eq(&ref.m.u.new_pair.token_name, "x"));
    /* a key whose escapes make it longer than 48 bytes raw still matches, split or not */
    CHECK_EQ(kind_of("{\"room\":\"new_pairs\",\"content\":{\"\\u0074\\u006f\\u006b\\u0065\\u006e\\u005f\\u006e\\u0061\\u006d\\u0065\":\"y\"}}"),
             AXWS_AXIOM_KIND_NEW_PAIR);
    CHECK(str_eq(&ref.m.u.new_pair.token_name, "y"));
    CHECK_EQ(kind_of("{\"room\":\"new_pairs\",\"content\":{\"token_name_but_much_longer_than_any_field_name_we_know\":\"y\"}}"),
             AXWS_AXIOM_KIND_NEW_PAIR);
    CHECK_EQ(ref.m.u.new_pair.token_name.flags, 0);
    /* duplicate keys: the first counts */
    CHECK_EQ(kind_of("{\"room\":\"sol_price\",\"content\":1,\"content\":2,\"room\":\"x\"}"), AXWS_AXIOM_KIND_SOL_PRICE);
    CHECK(num_eq(&ref.m.u.sol_price.price, 1));
    /* mismatched field types stay visible */
    CHECK_EQ(kind_of("{\"room\":\"new_pairs\",\"content\":{\"token_name\":5,\"supply\":\"7\",\"slot\":{\"a\":1},\"token_decimals\":\"x\"}}"), AXWS_AXIOM_KIND_NEW_PAIR);
    CHECK(ref.m.u.new_pair.token_name.flags & AXWS_AXIOM_MISMATCH);
    CHECK_EQ(ref.m.u.new_pair.token_name.type, AXWS_JSON_NUMBER);
    CHECK(ref.m.u.new_pair.supply.flags & AXWS_AXIOM_QUOTED);
    CHECK(int_eq(&ref.m.u.new_pair.supply, 7) == 0); /* type is STRING */
    CHECK_EQ(ref.m.u.new_pair.supply.integer, 7);
    CHECK(ref.m.u.new_pair.slot.flags & AXWS_AXIOM_MISMATCH);
    CHECK(ref.m.u.new_pair.token_decimals.flags & AXWS_AXIOM_MISMATCH);
    CHECK(strstr(ref.json, "\"token_name\":5,") != NULL);
    CHECK(strstr(ref.json, "\"supply\":\"7\"") != NULL);
    CHECK(strstr(ref.json, "\"slot\":{\"a\":1}") != NULL);
    check_json_line(&ref.m, ref.json, ref.json_len);
}

/* ------------------------------------------------------------------ errors and recovery */

static void test_malformed(void) {
    static const char *bad[] = {"{\"room\":\"sol_price\",\"content\":", "{\"room\":\"sol_price\",\"content\":1,}",
                                "", "{\"room\":\"x\"} x", "{'room':1}", "\xff"};
    const char good[] = "{\"room\":\"sol_price\",\"content\":151.2}";
    size_t i, k;
    AXT_CASE("malformed then good");
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = strlen(bad[i]);
        for (k = 0; k <= 2; k++) {
            void *buf = k == 0 ? (void *)bigbuf : k == 1 ? (void *)tinybuf : NULL;
            size_t size = k == 0 ? sizeof bigbuf : k == 1 ? sizeof tinybuf : 0;
            size_t cut = n / 2;
            int r;
            got.calls = 0;
            axws_axiom_decoder_init(&dec, buf, size);
            r = axws_axiom_decoder_chunk(&dec, bad[i], cut, 0, on_msg, &got);
            CHECK_EQ(r, 0);
            CHECK_EQ(got.calls, 0);
            r = axws_axiom_decoder_chunk(&dec, bad[i] + cut, n - cut, 1, on_msg, &got);
            CHECK(r < 0);
            CHECK_EQ(got.calls, 1);
            CHECK_EQ(got.m.kind, AXWS_AXIOM_KIND_RAW);
            CHECK(got.m.flags & AXWS_AXIOM_MSG_UNDECODABLE);
            CHECK_EQ(got.m.json_error, r);
            CHECK(got.json_len > 0 && strstr(got.json, "\"undecodable\":true") != NULL);
            check_json_line(&got.m, got.json, got.json_len);
            /* the same decoder goes on */
            r = axws_axiom_decoder_chunk(&dec, good, 10, 0, on_msg, &got);
            r |= axws_axiom_decoder_chunk(&dec, good + 10, sizeof good - 11, 1, on_msg, &got);
            CHECK_EQ(r, 0);
            CHECK_EQ(got.calls, 2);
            CHECK_EQ(got.m.kind, AXWS_AXIOM_KIND_SOL_PRICE);
            CHECK_EQ(got.m.flags & AXWS_AXIOM_MSG_UNDECODABLE, 0);
            CHECK(num_eq(&got.m.u.sol_price.price, 151.2));
        }
    }
    /* the room of an undecodable message is kept when it came before the error */
    dec1("{\"room\":\"sol_price\",\"content\":[1,]}");
    CHECK(ref.m.flags & AXWS_AXIOM_MSG_UNDECODABLE);
    CHECK(str_eq(&ref.m.room, "sol_price"));
    CHECK_EQ(ref.m.json_error, AXWS_JSON_ECOMMA);
    CHECK_EQ(ref.m.json_error_offset, strlen("{\"room\":\"sol_price\",\"content\":[1,"));
    /* ... but not a room the error cut short (found by fuzzing: it ended inside UTF-8) */
    dec1("{\"room\":\"sol-pri\xc8");
    CHECK(ref.m.flags & AXWS_AXIOM_MSG_UNDECODABLE);
    CHECK_EQ(ref.m.room.flags, 0);
    check_json_line(&ref.m, ref.json, ref.json_len);
    /* control characters and bad UTF-8 in an undecodable frame are escaped in --json */
    dec1("a\"b\\\x01\xc3\xa9\xff\xed\xa0\x80");
    CHECK(strstr(ref.json, "\"content\":\"a\\\"b\\\\\\u0001\xc3\xa9\\ufffd\\ufffd\\ufffd\\ufffd\"") != NULL);
    check_json_line(&ref.m, ref.json, ref.json_len);
    /* an oversize undecodable frame keeps its first AXWS_AXIOM_RAW_MAX bytes */
    {
        static char junk[3000];
        size_t j;
        memset(junk, 'x', sizeof junk);
        junk[0] = '{';
        for (j = 0; j < sizeof junk; j++) cutv[j] = j + 1;
        decode(junk, sizeof junk, tinybuf, sizeof tinybuf, cutv, sizeof junk - 1, &got);
        CHECK(got.ret < 0);
        CHECK_EQ(got.m.flags, AXWS_AXIOM_MSG_UNDECODABLE | AXWS_AXIOM_MSG_OVERSIZE | AXWS_AXIOM_MSG_TRUNCATED);
        CHECK_EQ(got.m.content.len, AXWS_AXIOM_RAW_MAX);
        CHECK(got.m.content.ptr && memcmp(got.m.content.ptr, junk, AXWS_AXIOM_RAW_MAX) == 0);
        CHECK_EQ(got.m.json_error_offset, 1);
        CHECK(strstr(got.json, "\"undecodable\":true,\"truncated\":true}") != NULL);
        check_json_line(&got.m, got.json, got.json_len);
        decode(junk, sizeof junk, bigbuf, 2048, cutv, sizeof junk - 1, &got); /* buf beats RAW_MAX */
        CHECK_EQ(got.m.content.len, 2048);
    }
    /* a message abandoned midway (connection lost) does not leak into the next */
    axws_axiom_decoder_init(&dec, bigbuf, sizeof bigbuf);
    got.calls = 0;
    axws_axiom_decoder_chunk(&dec, "{\"room\":\"new_pa", 15, 0, on_msg, &got);
    axws_axiom_decoder_reset(&dec);
    CHECK_EQ(axws_axiom_decoder_chunk(&dec, good, sizeof good - 1, 1, on_msg, &got), 0);
    CHECK_EQ(got.calls, 1);
    CHECK_EQ(got.m.kind, AXWS_AXIOM_KIND_SOL_PRICE);
}

/* ------------------------------------------------------------------ strings */

static void test_strings(void) {
    char out[64];
    size_t n = 0;
    const axws_axiom_msg *m;
    AXT_CASE("escapes");
    m = dec1("{\"room\":\"new_pairs\",\"content\":{\"token_name\":\"a\\\"b\\u00e9\\ud83d\\ude00\\n\",\"token_ticker\":\"\\ud800x\"}}");
    CHECK(m->u.new_pair.token_name.flags & AXWS_AXIOM_ESCAPED);
    CHECK_EQ(axws_axiom_str_unescape(&m->u.new_pair.token_name, out, sizeof out, &n), 0);
    CHECK(n == 10 && memcmp(out, "a\"b\xc3\xa9\xf0\x9f\x98\x80\n", 10) == 0);
    CHECK_EQ(axws_axiom_str_unescape(&m->u.new_pair.token_name, out, 5, &n), AXWS_JSON_ETRUNCATED);
    CHECK_EQ(n, 5);
    CHECK_EQ(axws_axiom_str_unescape(&m->u.new_pair.token_name, out, 6, &n), AXWS_JSON_ETRUNCATED);
    CHECK_EQ(n, 5); /* never a cut UTF-8 sequence */
    CHECK_EQ(axws_axiom_str_unescape(&m->u.new_pair.token_ticker, out, sizeof out, &n), AXWS_JSON_ESURROGATE);
    CHECK(n == 4 && memcmp(out, "\xef\xbf\xbdx", 4) == 0);
    CHECK_EQ(axws_axiom_str_unescape(&m->u.new_pair.website, out, sizeof out, &n), AXWS_JSON_EINVAL); /* absent */
    /* write_json keeps the escapes as received */
    CHECK(strstr(ref.json, "\"token_name\":\"a\\\"b\\u00e9\\ud83d\\ude00\\n\"") != NULL);
    check_json_line(m, ref.json, ref.json_len);
    m = dec1("{\"room\":\"block_hash\",\"content\":\"plain\"}");
    CHECK_EQ(axws_axiom_str_unescape(&m->u.block_hash.hash, out, sizeof out, &n), 0);
    CHECK(n == 5 && memcmp(out, "plain", 5) == 0);
    CHECK(!(m->u.block_hash.hash.flags & AXWS_AXIOM_ESCAPED));
}

/* ------------------------------------------------------------------ oversize */

typedef struct raw_rec {
    axt_buf b;
    uint64_t next;
    int fins, order_bad;
} raw_rec;

static void on_raw(void *user, const char *data, size_t len, uint64_t offset, int fin) {
    raw_rec *r = (raw_rec *)user;
    if (offset != r->next || r->fins) r->order_bad = 1;
    axt_buf_put(&r->b, data, len);
    r->next += len;
    r->fins += fin;
}

static void test_oversize(void) {
    static char in[16384];
    char name[1100];
    size_t i, n, cuts[64], nc = 0;
    raw_rec rr;
    AXT_CASE("oversize");
    /* a 1000-byte name with an escape right at the capture limit, and a long pair object */
    for (i = 0; i < 1000; i++) name[i] = (char)('a' + i % 26);
    memcpy(name + AXWS_AXIOM_CAPTURE_MAX - 3, "\\u00e9", 6);
    name[1000] = 0;
    n = (size_t)snprintf(in, sizeof in,
                         "{\"room\":\"v:w\",\"content\":{\"pair\":{\"tokenName\":\"%s\",\"supply\":%s,\"pad\":\"%0900d\",\"tokenDecimals\":9},"
                         "\"price_usd\":1.25,\"type\":\"sell\"}}",
                         name, "123456789012345678901234567890", 0);
    decode(in, n, bigbuf, sizeof bigbuf, NULL, 0, &ref);
    CHECK_EQ(ref.m.kind, AXWS_AXIOM_KIND_WALLET_TRADE);
    CHECK_EQ(ref.m.flags, 0);
    CHECK_EQ(ref.m.u.wallet_trade.pair_token_name.len, 1000);
    for (i = 0; i * 97 < n && nc < 64; i++) cuts[nc++] = i * 97 + 1;
    memset(&rr, 0, sizeof rr);
    axws_axiom_decoder_init(&dec, tinybuf, sizeof tinybuf);
    axws_axiom_decoder_set_raw_fn(&dec, on_raw, &rr);
    got.calls = 0;
    {
        size_t off = 0, k;
        for (k = 0; k <= nc; k++) {
            size_t end = k < nc ? cuts[k] : n;
            axws_axiom_decoder_chunk(&dec, in + off, end - off, k == nc, on_msg, &got);
            off = end;
        }
    }
    CHECK_EQ(got.calls, 1);
    CHECK_EQ(got.m.kind, AXWS_AXIOM_KIND_WALLET_TRADE);
    CHECK_EQ(got.m.flags, AXWS_AXIOM_MSG_OVERSIZE | AXWS_AXIOM_MSG_TRUNCATED);
    /* the string keeps its first bytes, never a cut escape */
    CHECK(got.m.u.wallet_trade.pair_token_name.flags & AXWS_AXIOM_TRUNCATED);
    CHECK_EQ(got.m.u.wallet_trade.pair_token_name.len, AXWS_AXIOM_CAPTURE_MAX);
    CHECK(memcmp(got.m.u.wallet_trade.pair_token_name.ptr, name, AXWS_AXIOM_CAPTURE_MAX) == 0);
    CHECK(strstr(got.json, name) == NULL);
    name[AXWS_AXIOM_CAPTURE_MAX - 3] = 0;
    CHECK(strstr(got.json, name) != NULL);
    {
        char u[400];
        size_t ul = 0;
        CHECK_EQ(axws_axiom_str_unescape(&got.m.u.wallet_trade.pair_token_name, u, sizeof u, &ul), 0);
        CHECK_EQ(ul, AXWS_AXIOM_CAPTURE_MAX - 3);
    }
    /* the other values are whole */
    CHECK(num_eq(&got.m.u.wallet_trade.pair_supply, 123456789012345678901234567890.0));
    CHECK(int_eq(&got.m.u.wallet_trade.pair_token_decimals, 9));
    CHECK(num_eq(&got.m.u.wallet_trade.price_usd, 1.25));
    CHECK(str_eq(&got.m.u.wallet_trade.type, "sell"));
    /* pair did not fit: rebuilt from its fields in --json */
    CHECK(got.m.u.wallet_trade.pair.flags & AXWS_AXIOM_TRUNCATED);
    CHECK(strstr(got.json, "\"pair\":{\"tokenName\":\"abc") != NULL);
    CHECK(strstr(got.json, "\"supply\":123456789012345678901234567890,\"tokenDecimals\":9}") != NULL);
    CHECK(strstr(got.json, "\"truncated\":true}") != NULL);
    check_json_line(&got.m, got.json, got.json_len);
    /* the raw-chunk callback saw every byte once, in order, fin last */
    CHECK_EQ(rr.order_bad, 0);
    CHECK_EQ(rr.fins, 1);
    CHECK(rr.b.len == n && memcmp(rr.b.p, in, n) == 0);
    CHECK_EQ(got.m.content_offset, strlen("{\"room\":\"v:w\",\"content\":"));
    CHECK_EQ(got.m.content_len, n - got.m.content_offset - 1);
    CHECK_EQ(got.m.frame_len, n);
    /* a message that fits is not handed to the raw-chunk callback */
    axt_buf_reset(&rr.b);
    rr.fins = 0;
    axws_axiom_decoder_chunk(&dec, "{\"room\":", 8, 0, on_msg, &got);
    axws_axiom_decoder_chunk(&dec, "\"x\"}", 4, 1, on_msg, &got);
    CHECK_EQ(rr.b.len, 0);
    CHECK_EQ(rr.fins, 0);
    CHECK_EQ(got.m.flags, 0);
    axt_buf_free(&rr.b);

    /* a trade array longer than the positions kept, oversize: values rebuilt, count whole */
    n = (size_t)snprintf(in, sizeof in, "{\"room\":\"t:p\",\"content\":[\"sig\",\"w\",17");
    for (i = 3; i < 40; i++) n += (size_t)snprintf(in + n, sizeof in - n, ",%zu.5", i);
    n += (size_t)snprintf(in + n, sizeof in - n, ",[1,{\"a\":[2]}],\"%01200d\"]}", 0); /* > RAW_MAX */
    decode(in, n, bigbuf, sizeof bigbuf, NULL, 0, &ref);
    CHECK_EQ(ref.m.kind, AXWS_AXIOM_KIND_TRADE);
    CHECK_EQ(ref.m.u.trade.count, 42);
    CHECK(num_eq(&ref.m.u.trade.supply, 10.5));
    CHECK(num_eq(&ref.m.u.trade.sol_amount, 4.5));
    CHECK(strstr(ref.json, ",39.5,[1,{\"a\":[2]}],\"000") != NULL); /* fits: the whole array */
    check_json_line(&ref.m, ref.json, ref.json_len);
    for (i = 0; i < n; i++) cutv[i] = i + 1;
    decode(in, n, NULL, 0, cutv, n - 1, &got);
    CHECK_EQ(got.m.kind, AXWS_AXIOM_KIND_TRADE);
    CHECK_EQ(got.m.u.trade.count, 42);
    CHECK(got.m.u.trade.values[0].ptr != NULL && got.m.content.flags & AXWS_AXIOM_TRUNCATED);
    CHECK(num_eq(&got.m.u.trade.supply, 10.5));
    CHECK(strcmp(axt_buf_str(&got.sum), axt_buf_str(&ref.sum)) == 0);
    check_json_line(&got.m, got.json, got.json_len);
    CHECK(strstr(got.json, ",31.5],\"truncated\":true}") != NULL); /* 32 kept */
    /* nested values in a trade array survive streaming */
    n = (size_t)snprintf(in, sizeof in, "{\"room\":\"t:p\",\"content\":[\"s\",[1,{\"a\":[2]}],true,null,false,\"x\\ty\"]}");
    decode(in, n, bigbuf, sizeof bigbuf, NULL, 0, &ref);
    for (i = 0; i < n; i++) cutv[i] = i + 1;
    decode(in, n, NULL, 0, cutv, n - 1, &got);
    CHECK(strcmp(axt_buf_str(&got.sum), axt_buf_str(&ref.sum)) == 0);
    CHECK(val_starts(&got.m.u.trade.values[1], AXWS_JSON_BEGIN_ARRAY, "[1,{\"a\":[2]}]"));
    CHECK_EQ(got.m.u.trade.values[1].len, 13);
    CHECK_EQ(got.m.u.trade.values[2].type, AXWS_JSON_TRUE);
    CHECK(got.m.u.trade.wallet.flags & AXWS_AXIOM_MISMATCH);
    CHECK(strstr(got.json, "\"values\":[\"s\",[1,{\"a\":[2]}],true,null,false,\"x\\ty\"]}") != NULL); /* content fit RAW_MAX */

    /* a lighthouse-sized raw message: content cut short, left out of --json, flagged */
    n = (size_t)snprintf(in, sizeof in, "{\"room\":\"lighthouse\",\"content\":{\"k\":\"%03000d\"}}", 0);
    for (i = 0; i < n; i++) cutv[i] = i + 1;
    decode(in, n, tinybuf, sizeof tinybuf, cutv, n - 1, &got);
    CHECK_EQ(got.m.kind, AXWS_AXIOM_KIND_RAW);
    CHECK(got.m.content.flags & AXWS_AXIOM_TRUNCATED);
    CHECK_EQ(got.m.content.len, AXWS_AXIOM_RAW_MAX);
    CHECK(memcmp(got.m.content.ptr, in + strlen("{\"room\":\"lighthouse\",\"content\":"), AXWS_AXIOM_RAW_MAX) == 0);
    CHECK(strcmp(got.json, "{\"event\":\"message\",\"kind\":\"raw\",\"room\":\"lighthouse\",\"truncated\":true}") == 0);
    /* many values: the arena runs out, later values are cut, nothing overflows */
    n = (size_t)snprintf(in, sizeof in, "{\"room\":\"new_pairs\",\"content\":{");
    {
        static const char *keys[] = {"pair_address", "signature", "token_address", "token_name", "token_ticker",
                                     "token_uri", "pair_sol_account", "pair_token_account", "protocol",
                                     "created_at", "open_trading", "updated_at", "website", "twitter",
                                     "telegram", "discord", "mint_authority", "freeze_authority",
                                     "deployer_address", "display_protocol"};
        for (i = 0; i < 20; i++)
            n += (size_t)snprintf(in + n, sizeof in - n, "%s\"%s\":\"%0300zu\"", i ? "," : "", keys[i], i);
        n += (size_t)snprintf(in + n, sizeof in - n, ",\"slot\":5}}");
    }
    for (i = 0; i < n; i++) cutv[i] = i + 1;
    decode(in, n, tinybuf, sizeof tinybuf, cutv, n - 1, &got);
    CHECK_EQ(got.m.kind, AXWS_AXIOM_KIND_NEW_PAIR);
    CHECK(got.m.u.new_pair.pair_address.flags & AXWS_AXIOM_TRUNCATED);
    CHECK_EQ(got.m.u.new_pair.pair_address.len, AXWS_AXIOM_CAPTURE_MAX);
    CHECK_EQ(got.m.u.new_pair.display_protocol.len, 0); /* the arena was used up */
    CHECK(got.m.u.new_pair.display_protocol.flags & AXWS_AXIOM_TRUNCATED);
    CHECK(int_eq(&got.m.u.new_pair.slot, 5) || (got.m.u.new_pair.slot.flags & AXWS_AXIOM_TRUNCATED));
    check_json_line(&got.m, got.json, got.json_len);
}

/* ------------------------------------------------------------------ write_json */

static void test_write_json(void) {
    char out[512];
    int n, k;
    axws_axiom_msg m;
    const char *cases[] = {"{\"room\":\"sol_price\",\"content\":0.1}",
                           "{\"room\":\"sol_price\",\"content\":1e-320}",
                           "{\"room\":\"sol_price\",\"content\":-0}",
                           "{\"room\":\"sol_price\",\"content\":1E+300}",
                           "{\"room\":\"sol_price\",\"content\":123456789012345678901234567890}",
                           "{\"room\":\"connection_monitor\",\"content\":9223372036854775807}",
                           "{\"room\":\"sol_price\",\"content\":1e400}"};
    size_t i;
    AXT_CASE("write_json");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const axws_axiom_msg *d = dec1(cases[i]);
        check_json_line(d, ref.json, ref.json_len);
    }
    CHECK(int_eq(&dec1(cases[5])->u.connection_monitor.timestamp_ms, INT64_MAX));
    CHECK_EQ(ref.m.u.connection_monitor.timestamp_ms.integer, INT64_MAX);
    CHECK(ref.m.u.connection_monitor.timestamp_ms.flags & AXWS_AXIOM_INTEGER);
    /* integer: exact for integer literals, from the double for other whole numbers */
    dec1("{\"room\":\"sol_price\",\"content\":1.5e2}");
    CHECK(ref.m.u.sol_price.price.integer == 150 && !(ref.m.u.sol_price.price.flags & AXWS_AXIOM_INTEGER));
    dec1("{\"room\":\"sol_price\",\"content\":2.5}");
    CHECK(ref.m.u.sol_price.price.integer == 0 && ref.m.u.sol_price.price.value == 2.5);
    dec1("{\"room\":\"sol_price\",\"content\":-0}");
    CHECK(ref.m.u.sol_price.price.value == 0 && signbit(ref.m.u.sol_price.price.value));
    CHECK(ref.m.u.sol_price.price.flags & AXWS_AXIOM_INTEGER);
    dec1("{\"room\":\"sol_price\",\"content\":-999999999999999999}"); /* 18 digits */
    CHECK(int_eq(&ref.m.u.sol_price.price, -999999999999999999LL));
    CHECK_EQ(ref.m.u.sol_price.price.value, -1e18);
    dec1("{\"room\":\"sol_price\",\"content\":-9223372036854775809}"); /* below int64 */
    CHECK(!(ref.m.u.sol_price.price.flags & AXWS_AXIOM_INTEGER) && ref.m.u.sol_price.price.integer == 0);
    CHECK_EQ(ref.m.u.sol_price.price.value, -9223372036854775808.0);
    /* every size below the length fails cleanly; the exact size plus NUL works */
    dec1("{\"room\":\"new_pairs\",\"content\":{\"token_name\":\"x\",\"supply\":5}}");
    n = ref.json_len;
    for (k = 0; k <= n; k++) CHECK_EQ(axws_axiom_msg_write_json(&ref.m, out, (size_t)k), AXWS_ENOBUFS);
    CHECK_EQ(axws_axiom_msg_write_json(&ref.m, out, (size_t)n + 1), n);
    CHECK(strcmp(out, ref.json) == 0);
    CHECK_EQ(axws_axiom_msg_write_json(&ref.m, NULL, 0), AXWS_ENOBUFS);
    /* numbers built by a program (no text): written so they read back exactly */
    {
        static const double vals[] = {0.1, 1.0 / 3.0, 1e300, -2.5e-310, 123456789012345678.0, 5e-324, 151.2, -0.0, 1e21};
        for (i = 0; i < sizeof vals / sizeof vals[0]; i++) {
            double back = 0;
            const char *p;
            memset(&m, 0, sizeof m);
            m.kind = AXWS_AXIOM_KIND_SOL_PRICE;
            m.u.sol_price.price.flags = AXWS_AXIOM_PRESENT;
            m.u.sol_price.price.type = AXWS_JSON_NUMBER;
            m.u.sol_price.price.value = vals[i];
            n = axws_axiom_msg_write_json(&m, out, sizeof out);
            CHECK(n > 0);
            p = strstr(out, "\"content\":");
            if (!CHECK(p != NULL)) continue;
            p += 10;
            CHECK_EQ(axws_json_to_double(p, strlen(p) - 1, &back), 0);
            CHECK(back == vals[i] && signbit(back) == signbit(vals[i]));
        }
        m.u.sol_price.price.value = NAN;
        CHECK(axws_axiom_msg_write_json(&m, out, sizeof out) > 0 && strstr(out, "\"content\":null}") != NULL);
    }
    /* The library formats numbers itself (no printf: newlib-nano has no %g): the same text
       as the C library's %.Ng in the C locale, for every precision the writer uses, on the
       edge cases and on 20,000 random doubles. */
    {
        static const double edge[] = {0.0, -0.0, 1, -1, 0.5, 0.1, 0.3, 2.5, 9.5, 0.95, 99999.5, 1e15, 1e16,
                                      1e17, 1e21, 1e-5, 1e-7, 123.456, 5e-324, 1.7976931348623157e308,
                                      2.2250738585072014e-308, 123456789012345678.0};
        uint64_t x = 0x9E3779B97F4A7C15ULL;
        int e, prec, bad = 0;
        for (e = 0; e < 20000 + (int)(sizeof edge / sizeof edge[0]); e++) {
            double v;
            char ours[40], libc[40];
            if (e < (int)(sizeof edge / sizeof edge[0])) {
                v = edge[e];
            } else {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                memcpy(&v, &x, 8);
                if (!isfinite(v)) continue;
                if (e & 1) v = (double)(x % 100000000) / 1e4; /* prices */
            }
            for (prec = 15; prec <= 17; prec++) {
                size_t len = axws__axiom_fmt_g(v, prec, ours);
                ours[len] = 0;
                snprintf(libc, sizeof libc, "%.*g", prec, v);
                if (strcmp(ours, libc) != 0 && bad++ < 5) printf("fmt_g(%.17g, %d): %s, libc %s\n", v, prec, ours, libc);
            }
        }
        CHECK_EQ(bad, 0);
    }
    CHECK(strcmp(axws_axiom_kind_name(AXWS_AXIOM_KIND_NEW_PAIR), "new_pair") == 0);
    CHECK(strcmp(axws_axiom_kind_name(AXWS_AXIOM_KIND_CONNECTION_MONITOR), "connection_monitor") == 0);
    CHECK(strcmp(axws_axiom_kind_name(AXWS_AXIOM_KIND_RAW), "raw") == 0);
    CHECK(strcmp(axws_axiom_kind_name(AXWS_AXIOM_KIND_COUNT), "unknown") == 0);
    CHECK(strcmp(axws_axiom_kind_name(-1), "unknown") == 0);
}

int main(void) {
    test_frames();
    test_shapes();
    test_malformed();
    test_strings();
    test_oversize();
    test_write_json();
    axt_buf_free(&ref.sum);
    axt_buf_free(&got.sum);
    return axt_report();
}
