#!/usr/bin/python3
"""Writes the committed seed corpora fuzz/corpus/fuzz_frame/ and fuzz/corpus/fuzz_handshake/.
Run from the repository root: /usr/bin/python3 fuzz/make_seeds.py
The input layouts are described at the top of fuzz/fuzz_frame.c and fuzz/fuzz_handshake.c."""
import os
import struct

def frame(b0, payload, mask=None):
    n = len(payload)
    if n < 126:
        h = bytes([b0, n | (0x80 if mask else 0)])
    elif n < 65536:
        h = bytes([b0, 126 | (0x80 if mask else 0)]) + struct.pack(">H", n)
    else:
        h = bytes([b0, 127 | (0x80 if mask else 0)]) + struct.pack(">Q", n)
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        h += bytes(mask)
    return h + payload

def close(code, reason=b""):
    return frame(0x88, struct.pack(">H", code) + reason)

# fuzz_frame: conf byte, four piece sizes, then server frames
WHOLE = b"\xff\x00\x00\x00"
PIECES = b"\x06\x00\x10\x02"  # pieces of 7, 1, 17, 3 bytes
STREAM, MSG16, MSG1K, TX512, ECHO, LAZY, TIMERS = 1, 0, 4, 0, 32, 64, 128
MSG64K, TX64K = 6, 24

frame_seeds = {
    "text_hello": bytes([MSG64K | TX64K]) + WHOLE + frame(0x81, b"hello") + close(1000, b"bye"),
    "binary_16bit_len": bytes([MSG64K | TX64K]) + PIECES + frame(0x82, bytes(range(256)) * 2),
    "fragments_ping_between": bytes([MSG1K | TX64K]) + PIECES + frame(0x01, b"Hel") + frame(0x89, b"ping")
        + frame(0x00, b"l") + frame(0x8A, b"") + frame(0x80, b"o") + close(1001),
    "streaming_64bit_len": bytes([STREAM | TX64K]) + b"\xff\x03\x80\x10" + frame(0x82, b"\xab" * 70000),
    "utf8_split_streaming": bytes([STREAM | TX64K]) + b"\x00\x01\x02\x03" + frame(0x01, b"caf\xc3")
        + frame(0x00, b"\xa9 \xf0\x9f") + frame(0x80, b"\x98\x80!"),
    "utf8_invalid": bytes([MSG1K | TX64K]) + WHOLE + frame(0x81, b"ok \xed\xa0\x80 surrogate"),
    "rsv1": bytes([MSG1K | TX64K]) + WHOLE + frame(0xC1, b"deflated?"),
    "reserved_opcode": bytes([STREAM | TX64K]) + WHOLE + frame(0x83, b"x") + frame(0x8B, b""),
    "masked_server_frame": bytes([MSG1K | TX64K]) + WHOLE + frame(0x81, b"Hello", mask=b"\x37\xfa\x21\x3d"),
    "ping_126": bytes([MSG1K | TX64K]) + PIECES + frame(0x89, b"p" * 126),
    "close_1_byte": bytes([MSG1K | TX64K]) + WHOLE + frame(0x88, b"\x03"),
    "close_invalid_code": bytes([MSG1K | TX64K]) + WHOLE + close(1005),
    "close_reason_not_utf8": bytes([STREAM | TX64K]) + WHOLE + close(1000, b"\xff\xfe"),
    "too_big_for_msg_size": bytes([MSG16 | TX64K]) + WHOLE + frame(0x02, b"0123456789") + frame(0x80, b"0123456789"),
    "continuation_without_start": bytes([MSG1K | TX64K]) + WHOLE + frame(0x80, b"orphan"),
    "len64_top_bit": bytes([STREAM | TX64K]) + WHOLE + b"\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x01x",
    "echo_timers_lazy_tx512": bytes([MSG1K | TX512 | ECHO | LAZY | TIMERS]) + b"\x02\x05\x40\x01"
        + b"".join(frame(0x81, b"message %d" % i) for i in range(20)) + frame(0x89, b"k") + frame(0x82, b"\x00" * 400),
    "ping_flood_backpressure": bytes([STREAM | TX512 | LAZY | ECHO]) + WHOLE + frame(0x89, b"x" * 125) * 12
        + frame(0x01, b"a" * 100) + frame(0x80, b"b" * 300),
}

# fuzz_handshake: conf byte, split position (2 bytes), then the response ("{A}" = accept)
SPLICE, OFFER, LIM256, LIM1K, LIM8K, HSTREAM, EXTRA = 1, 2, 4, 8, 12, 16, 32

def hs(conf, split, text):
    return bytes([conf]) + struct.pack(">H", split) + text

OK = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {A}\r\n"
handshake_seeds = {
    "ok_101": hs(SPLICE, 40, OK + b"\r\n"),
    "ok_101_tokens": hs(SPLICE, 7, b"HTTP/1.1 101 OK\r\nupgrade: WebSocket\r\nconnection: keep-alive, Upgrade\r\n"
                         b"sec-websocket-accept:{A}\r\nServer: x\r\n\r\n"),
    "ok_101_subprotocol_frames": hs(SPLICE | OFFER | EXTRA, 100, OK + b"Sec-WebSocket-Protocol: superchat\r\n"
                                    b"Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n" + frame(0x81, b"hi") + close(1000)),
    "redirect_301": hs(SPLICE, 20, b"HTTP/1.1 301 Moved Permanently\r\nLocation: wss://example.com/elsewhere\r\n"
                       b"Content-Length: 0\r\n\r\n"),
    "not_found_404": hs(0, 9, b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nnot found"),
    "folded_header": hs(SPLICE, 50, OK[:-2] + b"\r\nX-Folded: first\r\n second line\r\n\tthird\r\n\r\n"),
    "huge_headers": hs(SPLICE | LIM8K, 4000, OK + b"".join(b"X-Pad-%d: %s\r\n" % (i, b"v" * 90) for i in range(100)) + b"\r\n"),
    "wrong_accept": hs(0, 33, OK.replace(b"{A}", b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") + b"\r\n"),
    "extension_offered_by_server": hs(SPLICE, 60, OK + b"Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n"),
    "unrequested_subprotocol": hs(SPLICE, 61, OK + b"Sec-WebSocket-Protocol: chat\r\n\r\n"),
    "http10_101": hs(SPLICE, 3, OK.replace(b"HTTP/1.1", b"HTTP/1.0") + b"\r\n"),
    "lf_only": hs(SPLICE, 30, OK.replace(b"\r\n", b"\n") + b"\n"),
    "garbage_status": hs(SPLICE, 5, b"HTTP/1.1 1O1 Switching\r\n\r\n"),
    "limit_256": hs(SPLICE | LIM256, 200, OK + b"X-Long: " + b"y" * 200 + b"\r\n\r\n"),
    "no_reason_phrase_and_nul": hs(SPLICE | HSTREAM, 12, b"HTTP/1.1 101\r\nUpgrade: websocket\x00\r\nConnection: Upgrade\r\n"
                                   b"Sec-WebSocket-Accept: {A}\r\n\r\n"),
    # found by the fuzzer: a 3-digit status below 100, and a NUL inside a header line
    "status_050": hs(SPLICE | LIM1K, 12, b"HTTP/1.1 050\r\nUpgrade: websocket\x00\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Accept: {A}\r\n\r\n"),
    # found by the fuzzer: a bare CR inside the status line's reason phrase
    "bare_cr_in_reason": hs(0, 9, b"HTTP/1.1 404 Not Found\rJConte:nt-Type: tth: 9\r\n\r\nnot {A}f-Accept: x"),
    # found by the fuzzer: a subprotocol that differs from the offer only in case (RFC 7936 2:
    # subprotocol names match case-sensitively)
    "subprotocol_case": hs(SPLICE | OFFER, 100, OK + b"Sec-WebSocket-Protocol: superchAt\r\n"
                           b"Set-Cookie: a=1\r\n\r\n" + frame(0x81, b"hi") + close(1000)),
}

def write(dirname, seeds):
    os.makedirs(dirname, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(dirname, name), "wb") as f:
            f.write(data)

write("fuzz/corpus/fuzz_frame", frame_seeds)
write("fuzz/corpus/fuzz_handshake", handshake_seeds)
print("wrote %d frame seeds, %d handshake seeds" % (len(frame_seeds), len(handshake_seeds)))
