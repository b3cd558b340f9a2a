/* tests/bench/e2e/client_lws.c - the libwebsockets client of the end-to-end benchmark
   (Debian libwebsockets-dev 4.1, its OpenSSL build), with cJSON (libcjson-dev) in parse
   mode: cJSON_ParseWithLength + one field read + cJSON_Delete per message.

   Settings, each chosen to give lws its best documented configuration for one busy
   receiving connection, the same buffers axiomws gets: a 64 KiB receive buffer
   (rx_buffer_size) and service buffer (pt_serv_buf_size, 4 KiB by default, whose
   documentation advises raising it for throughput), LCCSCF_PRIORITIZE_READS, and UTF-8
   validation of text messages (LWS_SERVER_OPTION_VALIDATE_UTF8: axiomws and Node's ws
   always validate, so lws should too). wss:// verifies the certificate against CAFILE for
   the name "localhost" (lws takes the verified name and the SNI from the Host, `host`
   below, while connecting to the IP in `address`).

   lws hands a message over in pieces when it straddles a read; count mode adds the pieces'
   lengths up to the message's end, parse mode gathers them (a message that comes in one
   piece is parsed where it lies). Usage and output: see e2e_client.h. */
#include <libwebsockets.h>
#include <cjson/cJSON.h>

#include "e2e_client.h"

static e2e_args args;
static e2e_result result;
static int finished, failed;
static char message[1 << 16]; /* a message that arrived in pieces */
static size_t message_len;

/* One whole message: check it (count) or parse it and read one field (parse). */
static void on_message(const char *data, size_t len) {
    cJSON *root, *content, *name;
    result.bytes += len;
    if (args.mode == E2E_MODE_COUNT) {
        if (len == args.len) result.messages++;
        else result.bad++;
        return;
    }
    root = cJSON_ParseWithLength(data, len);
    content = cJSON_GetObjectItemCaseSensitive(root, "content"); /* NULL-safe */
    if (args.kind == E2E_KIND_SOL_PRICE && cJSON_IsNumber(content)) {
        result.messages++;
        result.checksum += content->valuedouble;
    } else if (args.kind == E2E_KIND_NEW_PAIRS &&
               cJSON_IsString(name = cJSON_GetObjectItemCaseSensitive(content, "token_name"))) {
        result.messages++;
        result.checksum += (double)strlen(name->valuestring);
    } else {
        result.bad++;
    }
    cJSON_Delete(root);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    (void)user;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        e2e_mark_open(&result);
        break;
    case LWS_CALLBACK_CLIENT_RECEIVE: {
        int last = lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0;
        if (lws_frame_is_binary(wsi)) {
            result.bad++;
            break;
        }
        if (last && message_len == 0) { /* the whole message in one piece */
            on_message((const char *)in, len);
            break;
        }
        if (message_len + len > sizeof message) {
            fprintf(stderr, "client_lws: a message longer than %zu bytes\n", sizeof message);
            failed = finished = 1;
            return -1;
        }
        memcpy(message + message_len, in, len);
        message_len += len;
        if (last) {
            on_message(message, message_len);
            message_len = 0;
        }
        break;
    }
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        /* the payload starts with the close code, big-endian (RFC 6455 5.5.1) */
        result.closed_cleanly = len >= 2 && ((const unsigned char *)in)[0] == 0x03 &&
                                ((const unsigned char *)in)[1] == 0xe8; /* 1000 */
        break;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        fprintf(stderr, "client_lws: %s: %s\n", args.url, in ? (const char *)in : "connection error");
        failed = finished = 1;
        break;
    case LWS_CALLBACK_CLIENT_CLOSED:
        finished = 1;
        break;
    default:
        break;
    }
    return 0;
}

static const struct lws_protocols protocols[] = {
    {"e2e", callback, 0, 1 << 16, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

int main(int argc, char **argv) {
    struct lws_context_creation_info info;
    struct lws_client_connect_info ci;
    struct lws_context *context;
    char address[64], path[128];
    int port = 0, secure, status;
    if (e2e_parse_args(&args, argc, argv, "client_lws")) return 2;
    /* the driver's URLs are scheme://127.0.0.1:PORT/PATH */
    secure = strncmp(args.url, "wss://", 6) == 0;
    if (sscanf(args.url + (secure ? 6 : 5), "%63[^:]:%d%127s", address, &port, path) != 3) {
        fprintf(stderr, "client_lws: cannot read %s\n", args.url);
        return 2;
    }
    lws_set_log_level(LLL_ERR, NULL);
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.gid = -1;
    info.uid = -1;
    info.pt_serv_buf_size = 1 << 16;
    info.options = LWS_SERVER_OPTION_VALIDATE_UTF8 | (secure ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0);
    if (secure) info.client_ssl_ca_filepath = args.ca_file;
    context = lws_create_context(&info);
    if (!context) {
        fprintf(stderr, "client_lws: lws_create_context failed\n");
        return 1;
    }
    memset(&ci, 0, sizeof ci);
    ci.context = context;
    ci.address = address;
    ci.port = port;
    ci.path = path;
    ci.host = "localhost"; /* Host header, SNI and the name verified: never the IP */
    ci.origin = "localhost";
    ci.local_protocol_name = "e2e"; /* binds our callback; no subprotocol is offered */
    ci.ssl_connection = (secure ? LCCSCF_USE_SSL : 0) | LCCSCF_PRIORITIZE_READS;
    if (!lws_client_connect_via_info(&ci)) {
        fprintf(stderr, "client_lws: lws_client_connect_via_info failed\n");
        return 1;
    }
    while (!finished) {
        if (lws_service(context, 0) < 0) break;
        if (e2e_time_is_up(&args, &result)) break; /* the server streams on; exit drops it */
    }
    e2e_mark_end(&result);
    if (failed) return 1;
    status = e2e_print_result(&args, &result, "client_lws");
    if (args.count) lws_context_destroy(context); /* a timed run just exits */
    return status;
}
