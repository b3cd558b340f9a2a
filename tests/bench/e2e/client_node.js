#!/usr/bin/env node
// tests/bench/e2e/client_node.js - the Node client of the end-to-end benchmark: the `ws`
// package from tests/peers/node_modules (installed by `make deps` from the committed
// tests/peers/package-lock.json), with JSON.parse in parse mode (parse + read one field).
//
// Same command line, window and result line as the C clients (see e2e_client.h):
//   node client_node.js URL KIND MODE LEN COUNT SECONDS CAFILE
// wss:// goes through Node's tls (OpenSSL), verifying the certificate against CAFILE for
// the name "localhost" (servername: the URL's host is an IP, which is never sent as SNI).
// ws validates the UTF-8 of text messages (its default), as the other clients do;
// permessage-deflate is not offered (the server would not take it anyway).
// CPU is process.cpuUsage(): getrusage(RUSAGE_SELF), user + system, every thread (V8's
// garbage collector's included), as the C clients measure it.
'use strict';
const fs = require('fs');
const path = require('path');
const WebSocket = require(path.join(__dirname, '..', '..', 'peers', 'node_modules', 'ws'));

const argv = process.argv.slice(2);
if (argv.length !== 7) {
  process.stderr.write('usage: client_node.js URL sol_price|new_pairs count|parse LEN COUNT SECONDS CAFILE\n');
  process.exit(2);
}
const [url, kind, mode] = argv;
const expectedLength = Number(argv[3]);
const expectedCount = Number(argv[4]);
const seconds = Number(argv[5]);
const caFile = argv[6];
if (!['sol_price', 'new_pairs'].includes(kind) || !['count', 'parse'].includes(mode)) {
  process.stderr.write(`client_node: unknown kind ${kind} or mode ${mode}\n`);
  process.exit(2);
}

let messages = 0;
let bytes = 0;
let bad = 0;
let checksum = 0;
let openNs = 0n;
let openCpu = null;
let closedCleanly = false;

function cpuNs(usage) {
  return (usage.user + usage.system) * 1000;
}

function finish() {
  const endNs = process.hrtime.bigint();
  if (openCpu === null) {
    process.stderr.write(`client_node: ${url}: the upgrade never completed\n`);
    process.exit(1);
  }
  const cpu = process.cpuUsage(openCpu); // the difference since the upgrade
  if (bad) {
    process.stderr.write(`client_node: ${url}: ${bad} of ${messages + bad} messages failed the check\n`);
    process.exit(1);
  }
  if (expectedCount && (messages !== expectedCount || !closedCleanly)) {
    process.stderr.write(`client_node: ${url}: ${messages} of ${expectedCount} messages, ` +
      `${closedCleanly ? 'closed cleanly' : 'no clean close'}\n`);
    process.exit(1);
  }
  if (messages === 0) {
    process.stderr.write(`client_node: ${url}: no message arrived\n`);
    process.exit(1);
  }
  process.stdout.write(`result ${messages} ${bytes} ${endNs - openNs} ${cpuNs(cpu)} ${checksum}\n`,
    () => process.exit(0));
}

const ws = new WebSocket(url, {
  ca: fs.readFileSync(caFile),
  servername: 'localhost',
  perMessageDeflate: false,
});

ws.on('open', () => {
  openNs = process.hrtime.bigint();
  openCpu = process.cpuUsage();
  // a timed run ends on a timer: the event loop reaches it between two socket reads,
  // and the server streams on until the exit drops the connection
  if (!expectedCount) setTimeout(finish, seconds * 1000);
});

ws.on('message', (data, isBinary) => {
  bytes += data.length;
  if (isBinary) {
    bad++;
  } else if (mode === 'count') {
    if (data.length === expectedLength) messages++;
    else bad++;
  } else {
    const message = JSON.parse(data.toString('utf8'));
    const content = message.content;
    if (kind === 'sol_price' && typeof content === 'number') {
      messages++;
      checksum += content;
    } else if (kind === 'new_pairs' && content && typeof content.token_name === 'string') {
      messages++;
      checksum += content.token_name.length;
    } else {
      bad++;
    }
  }
});

ws.on('close', (code) => {
  closedCleanly = code === 1000;
  if (expectedCount) finish();
});

ws.on('error', (err) => {
  process.stderr.write(`client_node: ${url}: ${err.message}\n`);
  process.exit(1);
});
