#!/usr/bin/env node
// tests/peers/node_echo.js - WebSocket echo server on the Node `ws` package (pinned by
// package-lock.json; tests/deps.sh runs `npm ci` here), for the interop tests.
//
//   node tests/peers/node_echo.js [--host 127.0.0.1|::1] [--tls CERTFILE KEYFILE] [--deflate]
//
// Listens on the host (default 127.0.0.1) and an ephemeral port, prints the port as the first
// line of stdout, and serves any number of connections until killed. Every message is sent
// back unchanged with its type (text or binary); messages up to 64 MiB are accepted.
// With --tls it speaks wss:// with the given PEM certificate and key. With --deflate it
// accepts permessage-deflate (RFC 7692) when the client offers it and compresses every
// message it sends, however small (threshold 0).
//
// COMMANDS: a text message starting with one of these is obeyed instead of echoed.
//   __close__ [CODE [REASON]]  close with CODE and REASON; without CODE the close frame has
//                              no payload (the client then reports 1005)
//   __ping__ PAYLOAD           send a ping carrying PAYLOAD; when the pong comes back, send
//                              the text message "__pong__ " + the pong's payload
//   __frag__ N SIZE [binary]   send one message (text, or binary) as N fragments of SIZE
//                              bytes each; byte i of the message is 'a' + i % 26
// The same commands, with the same replies, are understood by py_echo.py.
'use strict';
const http = require('http');
const https = require('https');
const fs = require('fs');
const { WebSocketServer } = require('ws');

let host = '127.0.0.1';
let tls = null;
let deflate = false;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--host') host = argv[++i];
  else if (argv[i] === '--tls') { tls = { cert: fs.readFileSync(argv[i + 1]), key: fs.readFileSync(argv[i + 2]) }; i += 2; }
  else if (argv[i] === '--deflate') deflate = true;
  else { console.error('usage: node_echo.js [--host H] [--tls CERT KEY] [--deflate]'); process.exit(2); }
}

function pattern(offset, size) {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = 97 + ((offset + i) % 26);
  return b;
}

const server = tls ? https.createServer(tls) : http.createServer();
const wss = new WebSocketServer({ server, maxPayload: 64 << 20, perMessageDeflate: deflate ? { threshold: 0 } : false });

wss.on('connection', (ws) => {
  ws.on('error', () => {}); // a protocol error from the client just ends that connection
  ws.on('pong', (data) => {
    if (ws.readyState === ws.OPEN) ws.send('__pong__ ' + data.toString('utf8'));
  });
  ws.on('message', (data, isBinary) => {
    if (!isBinary && data.length >= 8 && data[0] === 0x5f && data[1] === 0x5f) {
      const text = data.toString('utf8');
      const sp = text.indexOf(' ');
      const cmd = sp < 0 ? text : text.slice(0, sp);
      const rest = sp < 0 ? '' : text.slice(sp + 1);
      if (cmd === '__close__') {
        const m = /^(\d+)(?: (.*))?$/s.exec(rest);
        if (m) ws.close(Number(m[1]), m[2] || '');
        else ws.close();
        return;
      }
      if (cmd === '__ping__') { ws.ping(Buffer.from(rest, 'utf8')); return; }
      if (cmd === '__frag__') {
        const a = rest.split(' ');
        const n = Number(a[0]); const size = Number(a[1]); const binary = a[2] === 'binary';
        for (let i = 0; i < n; i++) ws.send(pattern(i * size, size), { binary, fin: i === n - 1 });
        return;
      }
    }
    ws.send(data, { binary: isBinary });
  });
});

server.listen(0, host, () => {
  process.stdout.write(server.address().port + '\n');
});
process.on('SIGTERM', () => process.exit(0));
