#!/usr/bin/python3
"""Writes the seed corpus fuzz/corpus/fuzz_client/ and the dictionary fuzz/fuzz_client.dict.
Run from the repository root: /usr/bin/python3 fuzz/make_client_seeds.py
The input layout (a configuration byte, then one-byte opcodes with operands) is described
at the top of fuzz/fuzz_client.c; the names below mirror its enums."""
import os

# opcodes
STEP, WAIT, ADVANCE, JUMP, SERVER, RAW, EOF, RESET, SENDMODE, RECVMODE, CONNMODE, DECIDE, \
    RESOLVE, API, ONCB, PAUSE = range(16)
PLAIN, STREAM, APIEP = range(3)
# canned server messages (server_msg)
(M_101, M_101_BAD_ACCEPT, M_401, M_429, M_503, M_200_TOKENS, M_200_SOON, M_200_EMPTY, M_500,
 M_SOL, M_PAIRS, M_BAD_JSON, M_BINARY, M_PING, M_PING125, M_PONG, M_CLOSE_1000, M_CLOSE_1013,
 M_CLOSE_EMPTY, M_CLOSE_1005, M_FRAG1, M_FRAG2, M_BIG, M_BAD_UTF8, M_MASKED, M_101_AND_MSG,
 M_301, M_PING0) = range(28)
# API actions (api())
(A_CONNECT, A_CONNECT_TP, A_DISCONNECT, A_RECONNECT, A_SUB, A_UNSUB, A_SEND, A_REFRESH,
 A_SET_TOKENS, A_AUTO, P_CONNECT, P_CLOSE, P_ABORT, P_SEND, P_FRAG, P_PING, P_HTTP, P_PAUSE,
 A_SUB_WALLET, A_SUB_NEW, P_FILL, A_FILL) = range(22)
NAPI = 22
# callback kinds (ONCB)
(CB_P_OPEN, CB_P_MSG, CB_P_PING, CB_P_ERROR, CB_P_CLOSE, CB_A_CONNECTED, CB_A_DISCONNECTED,
 CB_A_ERROR, CB_A_MESSAGE, CB_A_TOKENS) = range(10)
# configuration byte
TOK_OPAQUE, TOK_SOON, TOK_EXPIRED, TOK_REFRESH_ONLY = range(4)
NO_AUTO, NO_PACING, P_STREAMING, P_TX512, A_NO_KEEPALIVE, P_NO_DEADPEER = 4, 8, 16, 32, 64, 128


def op(code, *operands):
    return bytes([code, *operands])

def server(ep, m):
    return op(SERVER, m * 3 + ep)

def api(action, arg=0):
    return op(API, arg * NAPI + action)

def oncb(kind, action, arg=0):
    return op(ONCB, kind, 1 + arg * NAPI + action)

def oncb_off(kind):
    return op(ONCB, kind, 0)

def raw(ep, data):
    assert len(data) <= 85
    return op(RAW, len(data) * 3 + ep) + data

def sendmode(ep, mode):   # 0 all, 1 seven bytes per call, 2 none (full), 3 fails
    return op(SENDMODE, mode * 3 + ep)

def recvmode(ep, k):      # index into 0 1 2 3 7 16 64 200
    return op(RECVMODE, k * 3 + ep)

def connmode(ep, mode):   # 0 at once, 1 in progress, 2 refused, 3 socket() fails once
    return op(CONNMODE, mode * 3 + ep)

def decide(ep, refused=0):
    return op(DECIDE, refused * 3 + ep)

def adv(x):               # (x + 1) * 20 ms
    return op(ADVANCE, x)

def jump(x):              # (x + 1) * 500 ms
    return op(JUMP, x)

S, W = op(STEP), op(WAIT)

def axiom_up(rooms=(0, 1)):
    """Subscribe, connect, upgrade, let the paced joins go out."""
    return b"".join(api(A_SUB, r) for r in rooms) + api(A_CONNECT) + S + server(STREAM, M_101) + S + adv(10) + adv(10)

def plain_up(url=0):
    return api(P_CONNECT, url) + S + server(PLAIN, M_101) + S


seeds = {
    # the Axiom client: upgrade, joins, messages, the end
    "axiom_join_messages": bytes([TOK_OPAQUE]) + axiom_up((0, 1, 3)) + server(STREAM, M_SOL)
        + server(STREAM, M_PAIRS) + S + server(STREAM, M_FRAG1) + S + server(STREAM, M_FRAG2) + S
        + api(A_DISCONNECT) + S + server(STREAM, M_CLOSE_1000) + op(EOF, STREAM) + S,
    "axiom_rooms_while_up": bytes([TOK_OPAQUE]) + axiom_up((0,)) + api(A_SUB, 4) + api(A_SUB, 5) + adv(10)
        + api(A_UNSUB, 0) + adv(10) + api(A_SUB, 0) + adv(10) + api(A_SUB, 7) + api(A_UNSUB, 4) + W + W,
    "axiom_no_pacing": bytes([TOK_OPAQUE | NO_PACING]) + axiom_up((0, 1, 2, 3, 4, 5, 6, 7)) + server(STREAM, M_SOL) + S,
    "axiom_token_price": bytes([TOK_OPAQUE]) + api(A_SUB, 1) + api(A_CONNECT_TP) + S + server(STREAM, M_101) + S
        + server(STREAM, M_SOL) + S + W,
    "axiom_wallet_new_tokens": bytes([TOK_OPAQUE]) + api(A_SUB_WALLET) + api(A_SUB_NEW) + api(A_CONNECT) + S
        + server(STREAM, M_101_AND_MSG) + S + W + W,
    "axiom_big_and_bad_messages": bytes([TOK_OPAQUE]) + axiom_up() + server(STREAM, M_BIG) + S
        + server(STREAM, M_BAD_JSON) + S + server(STREAM, M_BINARY) + S + server(STREAM, M_PING) + S,
    "axiom_send_text": bytes([TOK_OPAQUE]) + axiom_up() + api(A_SEND, 0) + api(A_SEND, 1) + S + server(STREAM, M_PONG) + S,
    # reconnects
    "axiom_server_close_reconnect": bytes([TOK_OPAQUE]) + axiom_up((0, 1)) + server(STREAM, M_CLOSE_1000) + S
        + op(EOF, STREAM) + S + W + S + server(STREAM, M_101) + S + adv(10) + adv(10) + W,
    "axiom_close_1013": bytes([TOK_OPAQUE]) + axiom_up() + server(STREAM, M_CLOSE_1013) + op(EOF, STREAM) + S + W + W
        + server(STREAM, M_101) + S + W,
    "axiom_reconnect_api": bytes([TOK_OPAQUE]) + axiom_up((2,)) + api(A_RECONNECT) + S + server(STREAM, M_CLOSE_1000)
        + op(EOF, STREAM) + S + S + server(STREAM, M_101) + S + adv(10) + W,
    "axiom_reset_midstream": bytes([TOK_OPAQUE]) + axiom_up() + server(STREAM, M_SOL) + op(RESET, STREAM) + S + W + S
        + server(STREAM, M_101) + S + W,
    "axiom_eof_midstream": bytes([TOK_OPAQUE]) + axiom_up() + op(EOF, STREAM) + S + W + server(STREAM, M_101) + S,
    "axiom_dead_peer": bytes([TOK_OPAQUE]) + axiom_up() + jump(2) + jump(2) + W + server(STREAM, M_101) + S,
    "axiom_429_retry_after": bytes([TOK_OPAQUE]) + api(A_CONNECT) + S + server(STREAM, M_429) + S + W + W
        + server(STREAM, M_101) + S,
    "axiom_503_no_auto_reconnect": bytes([TOK_OPAQUE | NO_AUTO]) + api(A_CONNECT) + S + server(STREAM, M_503) + S + W
        + api(A_CONNECT) + S + server(STREAM, M_101) + S,
    "axiom_bad_accept": bytes([TOK_OPAQUE]) + api(A_CONNECT) + S + server(STREAM, M_101_BAD_ACCEPT) + S + W + S,
    "axiom_handshake_timeout": bytes([TOK_OPAQUE]) + api(A_CONNECT) + S + jump(6) + W + S + server(STREAM, M_101) + S,
    # connecting: refused, in progress, silent addresses, no sockets, no names
    "axiom_connect_in_progress": bytes([TOK_OPAQUE]) + connmode(STREAM, 1) + api(A_CONNECT) + S + decide(STREAM)
        + S + server(STREAM, M_101) + S + W,
    "axiom_connect_refused": bytes([TOK_OPAQUE]) + connmode(STREAM, 2) + api(A_CONNECT) + S + W + connmode(STREAM, 0)
        + W + S + server(STREAM, M_101) + S,
    "axiom_address_list": bytes([TOK_OPAQUE]) + op(RESOLVE, 8 | 16) + api(A_CONNECT) + S + jump(6) + S
        + server(STREAM, M_101) + S,
    "axiom_socket_fails": bytes([TOK_OPAQUE]) + connmode(STREAM, 3) + api(A_CONNECT) + S + W + S + server(STREAM, M_101) + S,
    "axiom_resolver_fails": bytes([TOK_OPAQUE]) + op(RESOLVE, 2) + api(A_CONNECT) + S + W + op(RESOLVE, 0) + W + S
        + server(STREAM, M_101) + S,
    "axiom_slow_network": bytes([TOK_OPAQUE]) + recvmode(STREAM, 1) + sendmode(STREAM, 1) + axiom_up((0, 1))
        + server(STREAM, M_SOL) + S + S + S + W,
    "axiom_reader_stalls": bytes([TOK_OPAQUE]) + axiom_up((0,)) + sendmode(STREAM, 2) + api(A_SEND, 2)
        + server(STREAM, M_PING) + S + adv(40) + sendmode(STREAM, 0) + S + W,
    "axiom_queue_full": bytes([TOK_OPAQUE]) + axiom_up((0,)) + sendmode(STREAM, 2) + api(A_FILL) + S
        + server(STREAM, M_PING) + S + server(STREAM, M_SOL) + S + adv(10) + sendmode(STREAM, 0) + S + W,
    # tokens and the refresh endpoint
    "refresh_first": bytes([TOK_REFRESH_ONLY]) + api(A_SUB, 0) + api(A_CONNECT) + S + server(APIEP, M_200_TOKENS) + S
        + S + server(STREAM, M_101) + S + adv(10),
    "refresh_expired_token": bytes([TOK_EXPIRED]) + api(A_CONNECT) + S + server(APIEP, M_200_SOON) + S + server(STREAM, M_101) + S,
    "refresh_fails_then_works": bytes([TOK_REFRESH_ONLY]) + api(A_CONNECT) + S + server(APIEP, M_500) + S + W + S
        + server(APIEP, M_200_EMPTY) + S + W + S + server(APIEP, M_200_TOKENS) + S + server(STREAM, M_101) + S,
    "refresh_ahead_of_expiry": bytes([TOK_SOON | A_NO_KEEPALIVE]) + axiom_up() + jump(40) + jump(40) + S
        + server(APIEP, M_200_TOKENS) + S + W,
    "refresh_on_401": bytes([TOK_OPAQUE]) + api(A_CONNECT) + S + server(STREAM, M_401) + S + server(APIEP, M_200_TOKENS)
        + S + S + server(STREAM, M_101) + S,
    "refresh_api_call": bytes([TOK_OPAQUE | A_NO_KEEPALIVE]) + axiom_up() + api(A_REFRESH) + S + server(APIEP, M_200_SOON)
        + S + api(A_SET_TOKENS, 0) + api(A_SET_TOKENS, 1) + W,
    "refresh_endpoint_dies": bytes([TOK_REFRESH_ONLY]) + api(A_CONNECT) + S + op(RESET, APIEP) + S + W + S
        + op(EOF, APIEP) + S + W,
    # the plain connection
    "plain_echo": bytes([0]) + plain_up() + server(PLAIN, M_SOL) + server(PLAIN, M_PING) + S + api(P_SEND, 1)
        + api(P_PING) + S + server(PLAIN, M_PONG) + api(P_CLOSE) + S + server(PLAIN, M_CLOSE_1000) + op(EOF, PLAIN) + S,
    "plain_ip_literal_streaming": bytes([P_STREAMING]) + plain_up(1) + server(PLAIN, M_FRAG1) + server(PLAIN, M_FRAG2)
        + server(PLAIN, M_BIG) + S + server(PLAIN, M_CLOSE_EMPTY) + S + op(EOF, PLAIN) + S,
    "plain_fragments_out": bytes([0]) + plain_up() + api(P_FRAG, 0) + api(P_FRAG, 0) + api(P_FRAG, 1) + S
        + server(PLAIN, M_CLOSE_1000) + S + op(EOF, PLAIN) + S,
    "plain_partial_frames": bytes([0]) + recvmode(PLAIN, 1) + plain_up() + server(PLAIN, M_101_AND_MSG)
        + server(PLAIN, M_PING125) + S + S + S + recvmode(PLAIN, 4) + S + W,
    "plain_http_request": bytes([0]) + api(P_HTTP) + S + server(PLAIN, M_200_EMPTY) + S + api(P_HTTP) + S
        + server(PLAIN, M_301) + S,
    "plain_close_timeout": bytes([0]) + plain_up() + api(P_CLOSE, 1) + S + jump(3) + S,
    "plain_reconnect_on_close": bytes([0]) + oncb(CB_P_CLOSE, P_CONNECT) + plain_up() + server(PLAIN, M_CLOSE_1000) + S
        + op(EOF, PLAIN) + S + S + server(PLAIN, M_101) + S + oncb_off(CB_P_CLOSE) + api(P_ABORT),
    "plain_close_then_reconnect": bytes([0]) + oncb(CB_P_CLOSE, P_CONNECT) + plain_up() + api(P_CLOSE) + S
        + server(PLAIN, M_CLOSE_1000) + op(EOF, PLAIN) + S + server(PLAIN, M_101) + S + oncb_off(CB_P_CLOSE) + W,
    "plain_protocol_errors": bytes([0]) + plain_up() + server(PLAIN, M_MASKED) + S + W + plain_up() + server(PLAIN, M_BAD_UTF8)
        + S + W + plain_up() + server(PLAIN, M_CLOSE_1005) + S + W,
    "plain_backpressure": bytes([P_TX512]) + plain_up() + sendmode(PLAIN, 2) + api(P_SEND, 1) + server(PLAIN, M_PING)
        + S + adv(5) + sendmode(PLAIN, 0) + S,
    "plain_queue_full": bytes([0]) + plain_up() + sendmode(PLAIN, 2) + api(P_FILL) + server(PLAIN, M_PING) + S
        + server(PLAIN, M_SOL) + S + adv(5) + sendmode(PLAIN, 0) + S + server(PLAIN, M_CLOSE_1000) + S,
    "plain_pause_in_callback": bytes([0]) + oncb(CB_P_MSG, P_PAUSE, 1) + plain_up() + server(PLAIN, M_SOL)
        + server(PLAIN, M_PAIRS) + S + adv(10) + op(PAUSE) + S + oncb_off(CB_P_MSG) + W,
    "plain_pause_resume": bytes([0]) + plain_up() + op(PAUSE) + server(PLAIN, M_SOL) + S + adv(10) + op(PAUSE) + S
        + server(PLAIN, M_CLOSE_1000) + S,
    "plain_keepalive": bytes([0]) + plain_up() + W + W + server(PLAIN, M_PONG) + S + W,
    "plain_dead_peer": bytes([0]) + plain_up() + jump(5) + S,
    "plain_connect_refused_in_progress": bytes([0]) + connmode(PLAIN, 2) + api(P_CONNECT) + S + connmode(PLAIN, 1)
        + api(P_CONNECT) + S + decide(PLAIN, 1) + S + api(P_CONNECT) + S + decide(PLAIN) + S + server(PLAIN, M_101) + S,
    "plain_bad_url": bytes([0]) + api(P_CONNECT, 2) + S + op(RESOLVE, 1) + api(P_CONNECT) + S,
    "plain_raw_bytes": bytes([P_STREAMING]) + plain_up() + raw(PLAIN, b"\x81\x05hello\x89\x00\x82\x7e\x00\x7e")
        + S + raw(PLAIN, b"\x88\x02\x03\xe8") + S,
    # both at once, with callbacks that call back into the API
    "callbacks_act": bytes([TOK_OPAQUE]) + oncb(CB_A_CONNECTED, A_SUB, 2) + oncb(CB_A_MESSAGE, A_UNSUB, 2)
        + oncb(CB_P_MSG, P_SEND, 0) + oncb(CB_A_DISCONNECTED, P_CONNECT) + plain_up() + axiom_up((0,))
        + server(STREAM, M_SOL) + server(PLAIN, M_SOL) + S + server(STREAM, M_CLOSE_1000) + S + W + S,
    "callbacks_error_reconnects": bytes([TOK_OPAQUE]) + oncb(CB_A_ERROR, A_RECONNECT) + api(A_CONNECT) + S
        + server(STREAM, M_503) + S + W + S + oncb_off(CB_A_ERROR) + W + S,
    "callbacks_disconnect_in_message": bytes([TOK_OPAQUE]) + oncb(CB_A_MESSAGE, A_DISCONNECT) + axiom_up()
        + server(STREAM, M_SOL) + S + server(STREAM, M_CLOSE_1000) + S + op(EOF, STREAM) + S,
    "callbacks_tokens_subscribe": bytes([TOK_REFRESH_ONLY]) + oncb(CB_A_TOKENS, A_SUB, 5) + api(A_CONNECT) + S
        + server(APIEP, M_200_TOKENS) + S + S + server(STREAM, M_101) + S + adv(10) + adv(10),
    # found by this target on the header of its day (each fixed in axiomws.h; see the fix's
    # comment there), kept as regression seeds:
    # a subscription waiting for its pacing slot while disconnect() closes: timeout 0 until
    # the close ends (axws_axiom_timeout_ms counted rooms the stream could not send)
    "found_rooms_pending_while_closing": bytes([TOK_OPAQUE]) + api(A_SUB, 0) + api(A_SUB, 1) + api(A_CONNECT) + S
        + server(STREAM, M_101) + S + api(A_DISCONNECT) + S,
    # a refresh asked for while disconnected fails: its retry time was a deadline step never
    # acted on (timeout 0 for good)
    "found_refresh_retry_while_disconnected": bytes([TOK_OPAQUE]) + api(A_REFRESH) + S + W + W + W,
    # the same mismatch without a refresh token: the token check was due, step never moved it
    "found_token_check_without_refresh_token": bytes([TOK_OPAQUE | A_NO_KEEPALIVE]) + api(A_SET_TOKENS, 3)
        + api(A_CONNECT) + S + server(STREAM, M_101) + S + jump(40) + S,
    # input paused, then the peer resets: poll reports POLLERR whatever was asked, step
    # ignored it while not reading (a busy loop until resumed)
    "found_paused_socket_reset": bytes([0]) + plain_up() + api(P_PAUSE, 1) + op(RESET, PLAIN) + S + W,
    # refresh_token() started the refresh inline: a resolver failure called on_error from
    # inside it, and an on_error that refreshes again recursed
    "found_refresh_token_calls_back": bytes([TOK_OPAQUE]) + op(RESOLVE, 4) + oncb(CB_A_ERROR, A_REFRESH)
        + api(A_REFRESH) + S + W,
    # the stream fails (a masked frame) and then send() fails: axws__frame_fail kept the first
    # error and did nothing, the socket polled ready until the close timeout
    "found_send_fails_while_failing": bytes([TOK_OPAQUE]) + api(A_CONNECT) + S + server(STREAM, M_101) + S
        + sendmode(STREAM, 3) + server(STREAM, M_MASKED) + S,
    # disconnect() with a full output queue: no room for the close frame, and the stream
    # stayed open for good (no on_disconnected; with keepalive off nothing ever ended it)
    "found_disconnect_with_full_queue": bytes([TOK_OPAQUE | A_NO_KEEPALIVE]) + axiom_up((0,)) + sendmode(STREAM, 2)
        + api(A_FILL) + api(A_DISCONNECT) + S + W,
    # the server's close arrives while the output queue is full (our reply waits), then the
    # dead-peer timer fails the connection (its close waits too): when the queue drained,
    # both close frames went out (found in code added the same day: close_pending)
    "found_two_close_frames": bytes([TOK_OPAQUE]) + axiom_up((0,)) + sendmode(STREAM, 2) + api(A_FILL)
        + server(STREAM, M_CLOSE_1000) + S + jump(5) + sendmode(STREAM, 0) + S,
    # false alarms of this target's own model, kept so that they stay fixed: retries with
    # backoff, each due in turn and each reporting on_error, are no spin (the count of
    # iterations without progress starts afresh when the clock moves; callbacks are events)
    "model_retries_are_not_a_spin": bytes([TOK_REFRESH_ONLY]) + api(A_CONNECT) + api(A_SET_TOKENS, 3) + adv(209)
        + W * 70,
    # input resumed
    # at the top level is taken (and counted as received) by the next step, not at the call
    "model_resume_then_long_wait": bytes([0]) + oncb(CB_P_MSG, P_PAUSE, 1) + plain_up() + server(PLAIN, M_SOL)
        + server(PLAIN, M_PAIRS) + S + adv(10) + adv(108) + op(PAUSE) + jump(107),
}

# Dictionary: op sequences that are whole steps of a scenario
dict_entries = {
    "up_stream": server(STREAM, M_101), "up_plain": server(PLAIN, M_101), "tokens": server(APIEP, M_200_TOKENS),
    "a_connect": api(A_CONNECT), "a_disconnect": api(A_DISCONNECT), "a_reconnect": api(A_RECONNECT),
    "p_connect": api(P_CONNECT), "p_close": api(P_CLOSE), "p_abort": api(P_ABORT), "p_send_big": api(P_SEND, 2),
    "a_send_big": api(A_SEND, 2), "p_fill": api(P_FILL), "a_fill": api(A_FILL), "a_sub": api(A_SUB, 1), "a_unsub": api(A_UNSUB, 1),
    "stall_plain": sendmode(PLAIN, 2), "stall_stream": sendmode(STREAM, 2), "unstall_plain": sendmode(PLAIN, 0),
    "resolve_fail_all": op(RESOLVE, 7), "ping125_plain": server(PLAIN, M_PING125), "ping_stream": server(STREAM, M_PING),
    "close_plain": server(PLAIN, M_CLOSE_1000), "close_stream": server(STREAM, M_CLOSE_1000),
    "on_p_close_connect": oncb(CB_P_CLOSE, P_CONNECT), "on_a_error_reconnect": oncb(CB_A_ERROR, A_RECONNECT),
    "on_a_disc_connect": oncb(CB_A_DISCONNECTED, A_CONNECT), "jump_3s": jump(5), "wait_step": W + S,
}

os.makedirs("fuzz/corpus/fuzz_client", exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join("fuzz/corpus/fuzz_client", name), "wb") as f:
        f.write(data)
with open("fuzz/fuzz_client.dict", "w") as f:
    f.write("# fuzz/fuzz_client.dict - op sequences of fuzz/fuzz_client.c (written by fuzz/make_client_seeds.py)\n")
    for name, data in dict_entries.items():
        f.write('%s="%s"\n' % (name, "".join("\\x%02x" % b for b in data)))
print("wrote %d client seeds, %d dictionary entries" % (len(seeds), len(dict_entries)))
