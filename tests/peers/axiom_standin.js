#!/usr/bin/env node
// axiom_standin.js - a local stand-in for the Axiom Trade streaming service, for tests and
// `make demo`. It speaks the protocol of the Axiom notes (PROTOCOL.md, kept beside the shared
// fixtures; the fixtures themselves are copied into tests/data/frames.jsonl):
//
//   * WebSocket upgrades on `/` over HTTPS (--cert/--key) or plain HTTP, checked like the
//     real service checks them (PROTOCOL.md 2): the `auth-access-token` cookie must hold a JWT
//     this stand-in signed (HS256) -> else 401; an expired one -> 403.
//   * `{"action":"join","room":R}` / `{"action":"leave","room":R}`, never acknowledged.
//   * per-room streams generated from the frames in frames.jsonl at configurable rates.
//   * `POST /refresh-access-token` (PROTOCOL.md 3) answering with Set-Cookie.
//   * faults, switchable on the command line and at run time (POST /__fault).
//   * one JSON object per line on stdout for everything a client did; the FIRST line is
//     {"event":"listening","port":N,...}.
//
// Only Node built-ins and the `ws` package. Usage and every option: tests/peers/README.md,
// or `node tests/peers/axiom_standin.js --help`.
'use strict';

const fs = require('fs');
const path = require('path');
const http = require('http');
const https = require('https');
const crypto = require('crypto');

let WebSocketServer;
try {
    ({ WebSocketServer } = require('ws'));
} catch (e) {
    process.stderr.write('axiom_standin: the "ws" package is missing; run: (cd tests/peers && npm ci)\n');
    process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Command line

const HELP = `usage: node axiom_standin.js [options]
  --host H               listen address (127.0.0.1)          --port N   listen port (0 = ephemeral)
  --cert FILE --key FILE serve HTTPS/WSS (PEM); without them plain HTTP/WS
  --secret S             HS256 secret for the JWTs (random per run)
  --ttl S                lifetime of minted/refreshed access tokens in seconds (960)
  --clock-offset S       the server's clock runs S seconds ahead for expiry checks (0)
  --mint                 print a fresh token pair as JSON and exit (needs --secret)
  --write-tokens FILE    mint a pair at start and write it as a token file (mode 0600)
  --only-issued          accept only tokens this process issued
  --origin V             required Origin (https://axiom.trade); "any" disables the check
  --expect-host V        required Host ("auto" = host:port listened on); mismatch -> 400
  --strict-headers       answer 400 when a PROTOCOL.md 2 header is missing or different
  --ws-only              no refresh endpoint (like the real socket hosts)
  --deflate              accept permessage-deflate (RFC 7692) and compress every frame sent
  --rotate-refresh       a refresh also issues a new refresh token (the old one is revoked)
  --no-cf-cookie         do not add Cloudflare's __cf_bm cookie to refresh answers
  --refresh-chunked      send refresh answers with Transfer-Encoding: chunked
  --rate ROOM=N          messages per second for a room, a kind (new_pairs, sol_price, block_hash,
                         sol-priority-fee, connection_monitor, lighthouse, e-, s:, v:, t:, f:,
                         td:, a:, mint, typed, malformed) or "default" (2); repeatable
  --delay ROOM=MS        send a room's (or kind's) messages MS late, made when they would have
                         gone out (connection_monitor's timestamp then shows the delay); repeatable
  --price MINT=V         starting price of a mint room; repeatable
  --volatility F         relative step of the price random walk (0.02)
  --drift F              relative drift added to every price step (0), e.g. 0.01 = +1% a step
  --seed N               seed of the stream generator (random)
  --frames FILE          fixture file (../data/frames.jsonl next to this script)
  --lighthouse-kb N      grow lighthouse frames to about N KiB (0 = the fixture as is)
  --typed --malformed --market-updates --hello        stream switches (see README)
  --drop-after N --stall-after N --close-after N --close-code C --close-reason R
  --ping-ms N --drop-mode fin|rst                     per-connection faults (every connection)
  --upgrade-status S --retry-after S --reject-upgrades K --reject-status S --stall-upgrades K
  --refresh-fault 500|502|401|stall|no_cookie  --refresh-fault-count K
  --lifetime S           exit after S seconds            --exit-on-eof  exit when stdin closes
`;

const OPTS = {
    host: ['str', '127.0.0.1'], port: ['int', 0], cert: ['str', null], key: ['str', null],
    secret: ['str', null], ttl: ['num', 960], 'clock-offset': ['num', 0], mint: ['bool', false],
    'write-tokens': ['str', null], 'only-issued': ['bool', false],
    origin: ['str', 'https://axiom.trade'], 'expect-host': ['str', null],
    'strict-headers': ['bool', false], 'ws-only': ['bool', false], deflate: ['bool', false],
    'rotate-refresh': ['bool', false], 'no-cf-cookie': ['bool', false], 'refresh-chunked': ['bool', false],
    rate: ['list', null], delay: ['list', null], price: ['list', null], 'lighthouse-kb': ['num', 0], drift: ['num', 0], volatility: ['num', 0.02], seed: ['int', null],
    frames: ['str', path.join(__dirname, '..', 'data', 'frames.jsonl')],
    typed: ['bool', false], malformed: ['bool', false], 'market-updates': ['bool', false],
    hello: ['bool', false],
    'drop-after': ['int', null], 'stall-after': ['int', null], 'close-after': ['int', null],
    'close-code': ['int', 1000], 'close-reason': ['str', ''], 'ping-ms': ['int', 0],
    'drop-mode': ['str', 'fin'],
    'upgrade-status': ['int', null], 'retry-after': ['int', null], 'reject-upgrades': ['int', 0],
    'reject-status': ['int', 502], 'stall-upgrades': ['int', 0],
    'refresh-fault': ['str', null], 'refresh-fault-count': ['int', null],
    lifetime: ['num', 0], 'exit-on-eof': ['bool', false], help: ['bool', false],
};

function usageError(msg) {
    process.stderr.write(`axiom_standin: ${msg}\n${HELP}`);
    process.exit(2);
}

function parseArgs(argv) {
    const o = {};
    for (const [k, [, d]] of Object.entries(OPTS)) o[k] = d === null ? null : d;
    o.rate = []; o.delay = []; o.price = [];
    for (let i = 0; i < argv.length; i++) {
        let a = argv[i];
        if (!a.startsWith('--')) usageError(`unexpected argument ${a}`);
        a = a.slice(2);
        let val = null;
        const eq = a.indexOf('=');
        if (eq >= 0) { val = a.slice(eq + 1); a = a.slice(0, eq); }
        const spec = OPTS[a];
        if (!spec) usageError(`unknown option --${a}`);
        if (spec[0] === 'bool') {
            if (val !== null) usageError(`--${a} takes no value`);
            o[a] = true;
            continue;
        }
        if (val === null) {
            if (i + 1 >= argv.length) usageError(`--${a} needs a value`);
            val = argv[++i];
        }
        if (spec[0] === 'int' || spec[0] === 'num') {
            const n = Number(val);
            if (val.trim() === '' || !Number.isFinite(n) || (spec[0] === 'int' && !Number.isInteger(n)))
                usageError(`--${a} needs a number, got ${JSON.stringify(val)}`);
            o[a] = n;
        } else if (spec[0] === 'list') {
            o[a].push(val);
        } else {
            o[a] = val;
        }
    }
    return o;
}

const opt = parseArgs(process.argv.slice(2));
if (opt.help) { process.stdout.write(HELP); process.exit(0); }
if ((opt.cert === null) !== (opt.key === null)) usageError('--cert and --key go together');
if (!['fin', 'rst'].includes(opt['drop-mode'])) usageError('--drop-mode is fin or rst');
const REFRESH_FAULTS = ['500', '502', '401', 'stall', 'no_cookie'];
if (opt['refresh-fault'] !== null && !REFRESH_FAULTS.includes(opt['refresh-fault']))
    usageError(`--refresh-fault is one of ${REFRESH_FAULTS.join(', ')}`);
if (opt.mint && opt.secret === null) usageError('--mint needs --secret (the server must be started with the same one)');

// ---------------------------------------------------------------------------------------------
// Events: one JSON object per line on stdout. Pipes are written synchronously on Linux, so a
// line is out before the next thing happens.

const T0 = Date.now();
function emit(obj) {
    obj.ms = Date.now() - T0;
    try { process.stdout.write(JSON.stringify(obj) + '\n'); } catch (e) { /* reader gone */ }
}

// ---------------------------------------------------------------------------------------------
// Tokens: HS256 JWTs. Access payload like the real service's ({authenticatedUserId, iat, exp});
// refresh payload {refreshTokenId, iat}, no exp (PROTOCOL.md 3). Each carries a jti so event
// lines can name a token without printing it.

const secret = opt.secret !== null ? opt.secret : crypto.randomBytes(32).toString('hex');
const issuedAccess = new Map();   // jti -> {iat, exp}
const issuedRefresh = new Map();  // jti -> {iat, revoked}
const expiredJtis = new Set();    // access tokens made to count as expired by a fault
let expireCutoffMs = 0;           // tokens not issued here with iat*1000 <= this count as expired
let tokenSeq = 0;

function b64u(s) { return Buffer.from(s).toString('base64url'); }
function signJwt(payload) {
    const h = b64u(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const p = b64u(JSON.stringify(payload));
    const s = crypto.createHmac('sha256', secret).update(h + '.' + p).digest('base64url');
    return `${h}.${p}.${s}`;
}
function verifyJwt(tok) {
    if (typeof tok !== 'string' || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(tok)) return null;
    const [h, p, s] = tok.split('.');
    try {
        const hdr = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
        if (!hdr || hdr.alg !== 'HS256') return null;
    } catch (e) { return null; }
    const want = crypto.createHmac('sha256', secret).update(h + '.' + p).digest();
    const got = Buffer.from(s, 'base64url');
    if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) return null;
    try {
        const pl = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
        return pl && typeof pl === 'object' && !Array.isArray(pl) ? pl : null;
    } catch (e) { return null; }
}
function serverNow() { return Date.now() / 1000 + state.clockOffset; }
function mintAccess(ttl) {
    const iat = Math.floor(Date.now() / 1000);
    const jti = `acc-${++tokenSeq}-${crypto.randomBytes(3).toString('hex')}`;
    const exp = iat + Math.round(ttl);
    issuedAccess.set(jti, { iat, exp });
    return { token: signJwt({ authenticatedUserId: 'standin-user', iat, exp, jti }), jti, exp };
}
function mintRefresh() {
    const iat = Math.floor(Date.now() / 1000);
    const jti = `ref-${++tokenSeq}-${crypto.randomBytes(3).toString('hex')}`;
    issuedRefresh.set(jti, { iat, revoked: false });
    return { token: signJwt({ refreshTokenId: jti, iat, jti }), jti };
}
function mintPair(ttl) {
    const a = mintAccess(ttl), r = mintRefresh();
    return {
        access_token: a.token, refresh_token: r.token,
        expires_at: new Date(a.exp * 1000).toISOString(),
        access_jti: a.jti, refresh_jti: r.jti, exp: a.exp,
    };
}
// -> {ok, status, reason, jti}: status 401 (missing/invalid) or 403 (expired) when !ok
function checkAccess(tok) {
    if (tok === undefined) return { ok: false, status: 401, reason: 'no access token' };
    const pl = verifyJwt(tok);
    if (!pl || typeof pl.authenticatedUserId !== 'string' || typeof pl.exp !== 'number')
        return { ok: false, status: 401, reason: 'invalid access token' };
    const jti = typeof pl.jti === 'string' ? pl.jti : null;
    const known = jti !== null && issuedAccess.has(jti);
    if (state.onlyIssued && !known) return { ok: false, status: 401, reason: 'access token not issued here', jti };
    if (pl.exp <= serverNow()) return { ok: false, status: 403, reason: 'access token expired', jti };
    if (known ? expiredJtis.has(jti) : (typeof pl.iat === 'number' && pl.iat * 1000 <= expireCutoffMs))
        return { ok: false, status: 403, reason: 'access token expired early (fault)', jti };
    return { ok: true, status: 101, jti };
}
function checkRefresh(tok) {
    if (tok === undefined) return { ok: false, reason: 'no refresh token' };
    const pl = verifyJwt(tok);
    if (!pl || typeof pl.refreshTokenId !== 'string') return { ok: false, reason: 'invalid refresh token' };
    const rec = issuedRefresh.get(pl.refreshTokenId);
    if (state.onlyIssued && !rec) return { ok: false, reason: 'refresh token not issued here', jti: pl.refreshTokenId };
    if (rec && rec.revoked) return { ok: false, reason: 'refresh token revoked', jti: pl.refreshTokenId };
    return { ok: true, jti: pl.refreshTokenId };
}

if (opt.mint) {
    process.stdout.write(JSON.stringify(mintPair(opt.ttl)) + '\n');
    process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Fixtures and stream generation

let frameLines;
try {
    frameLines = fs.readFileSync(opt.frames, 'utf8').split('\n');
    if (frameLines.length && frameLines[frameLines.length - 1] === '') frameLines.pop();
} catch (e) {
    usageError(`cannot read frames file ${opt.frames}: ${e.message}`);
}
if (frameLines.length < 25) usageError(`${opt.frames} has ${frameLines.length} lines, expected the 25 of frames.jsonl`);
const line = (n) => frameLines[n - 1];          // 1-based, byte for byte
const tmpl = (n) => JSON.parse(line(n));
const T_NEW_PAIR = tmpl(1), T_WALLET = tmpl(9), T_TRADE = tmpl(10), T_TD = tmpl(11), T_A = tmpl(12);
const T_LIGHTHOUSE = tmpl(13), T_MARKET = tmpl(17);
// --lighthouse-kb N: grow the lighthouse content to about N KiB (the real one can be tens of
// kilobytes) by adding more protocols to every window, so a client's streaming decoder meets
// frames larger than its receive buffer.
function bigLighthouse(kb) {
    const c = JSON.parse(JSON.stringify(T_LIGHTHOUSE.content));
    const wins = Object.keys(c).filter((w) => c[w] && typeof c[w] === 'object' && !Array.isArray(c[w]));
    const model = c['5m'] && c['5m'].All ? c['5m'].All : { totalTransactions: 1 };
    for (let i = 1; wins.length && JSON.stringify(c).length < kb * 1024; i++)
        for (const w of wins) c[w][`Protocol ${i}`] = model;
    return c;
}
const LIGHTHOUSE_CONTENT = opt['lighthouse-kb'] > 0 ? bigLighthouse(opt['lighthouse-kb']) : T_LIGHTHOUSE.content;
const TYPED_LINES = [17, 18, 19, 20, 21, 22, 23];
const MALFORMED_LINES = [14, 15, 16, 25];

// A small seedable PRNG (mulberry32) so a run with --seed is repeatable.
let seed = (opt.seed !== null ? opt.seed : crypto.randomBytes(4).readUInt32LE(0)) >>> 0;
const seedUsed = seed;
function rnd() {
    seed = (seed + 0x6D2B79F5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const rint = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const base58 = (n) => { let s = ''; for (let i = 0; i < n; i++) s += B58[Math.floor(rnd() * 58)]; return s; };
const round = (x, d) => Number(x.toFixed(d));
const sig = (x) => Number(x.toPrecision(6));
const MINT_RE = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

const KNOWN_MINTS = {
    DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263: ['BONK', 0.0000231],
    EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm: ['WIF', 2.1],
    So11111111111111111111111111111111111111112: ['SOL', 151.2],
    EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v: ['USDC', 1.0],
};
const startPrices = {};
for (const p of opt.price) {
    const eq = p.indexOf('=');
    const v = Number(p.slice(eq + 1));
    if (eq <= 0 || !(v > 0)) usageError(`--price wants MINT=POSITIVE_NUMBER, got ${p}`);
    startPrices[p.slice(0, eq)] = v;
}

const TOKEN_NAMES = [
    ['ひきこもり', 'HIKIKOMORI'], ['Moon Cat 🐱🚀', 'MCAT'], ['Tom "the" Cat \\ 2', 'TOM'],
    ['Ünïcödé Coin', 'UNI'], ['dogwifhat', 'WIF'], ['火锅', 'HOTPOT'], ['Plain Token', 'PLAIN'],
];

function kindOf(room) {
    if (['new_pairs', 'sol_price', 'block_hash', 'sol-priority-fee', 'connection_monitor', 'lighthouse'].includes(room))
        return room;
    for (const p of ['e-', 's:', 'v:', 't:', 'f:', 'td:', 'a:']) if (room.startsWith(p) && room.length > p.length) return p;
    if (MINT_RE.test(room)) return 'mint';
    return 'unknown';
}

// Per-room generator state survives the room going idle, so a price continues where it was.
const roomState = new Map();
function rstate(room) {
    let s = roomState.get(room);
    if (!s) { s = { n: 0 }; roomState.set(room, s); }
    return s;
}
// One step of a multiplicative random walk with an occasional jump, so monitors see movement
// and alerts fire both ways.
function walk(s, start) {
    if (s.price === undefined) { s.price = start; s.start = start; return s.price; }
    const jump = rnd() < 0.05 ? 5 : 1;
    s.price = s.price * (1 + state.drift + (rnd() * 2 - 1) * state.volatility * jump);
    if (s.price <= 0) s.price = s.start * 0.01;
    return s.price;
}
function isoNow(offsetMs) { return new Date(Date.now() + (offsetMs || 0)).toISOString(); }

let solPrice = { n: 0 };
// -> the frame text for one message of `room`, or null when the room has no stream.
// `snapshot` is true for the message sent to a client right after it joins: prices repeat the
// current value instead of stepping.
function generate(room, kind, snapshot) {
    const s = rstate(room);
    const frame = (content) => JSON.stringify({ room, content });
    s.n++;
    switch (kind) {
    case 'new_pairs': {
        if (s.n === 1) return line(1);  // the frame captured from the real service, verbatim
        const c = JSON.parse(JSON.stringify(T_NEW_PAIR.content));
        const [name, ticker] = TOKEN_NAMES[s.n % TOKEN_NAMES.length];
        c.pair_address = base58(44); c.signature = base58(88); c.token_address = base58(44);
        c.token_name = name; c.token_ticker = ticker;
        c.token_image = s.n % 2 ? null : `https://ipfs.io/ipfs/${base58(46)}`;
        c.token_uri = `https://ipfs.io/ipfs/${base58(46)}`;
        c.token_decimals = s.n % 3 ? 6 : 9;
        c.pair_sol_account = base58(44); c.pair_token_account = base58(44);
        c.protocol_details.created_at = Date.now();
        c.created_at = s.n % 5 === 0 ? null : isoNow();
        c.open_trading = isoNow(-60000); c.updated_at = isoNow();
        c.website = s.n % 4 === 0 ? 'https://example.com/' + ticker.toLowerCase() : null;
        c.twitter = s.n % 3 === 0 ? 'https://x.com/' + ticker.toLowerCase() : null;
        c.deployer_address = base58(44);
        c.initial_liquidity_sol = round(20 + rnd() * 60, 3);
        c.top_10_holders = round(rnd() * 40, 2);
        c.lp_burned = rint(0, 100);
        c.slot = T_NEW_PAIR.content.slot + s.n * 3;
        if (s.n % 2 === 0) { c.dev_holds_percent = round(rnd() * 10, 2); c.snipers_hold_percent = round(rnd() * 5, 2); }
        return frame(c);
    }
    case 'sol_price': {
        const p = snapshot && solPrice.price !== undefined ? solPrice.price : walk(solPrice, 151.2);
        return frame(round(p, 3));
    }
    case 'block_hash': return frame(base58(44));
    case 'sol-priority-fee': return frame(round(0.0005 + rnd() * 0.005, 6));
    case 'connection_monitor': return frame(Date.now());
    case 'lighthouse': return frame(LIGHTHOUSE_CONTENT);
    case 'e-': return frame(String(rint(1, 200)));
    case 's:':
        // Every fourth message has a `reason` field inside content (frames.jsonl line 24): a
        // room message, which must NOT be taken for a Disconnected object.
        return frame(s.n % 4 === 0 ? { reason: 'not a disconnect', active_users: rint(1, 50) }
            : { active_users: rint(1, 50) });
    case 'v:': {
        const c = JSON.parse(JSON.stringify(T_WALLET.content));
        const p = walk(s, c.price_usd);
        c.created_at = isoNow(); c.maker_address = room.slice(2); c.signature = base58(88);
        c.price_usd = sig(p); c.price_sol = sig(p / 190);
        c.token_amount = round(1000 + rnd() * 500000, 3);
        c.total_usd = round(c.token_amount * p, 6); c.total_sol = round(c.total_usd / 190, 9);
        c.type = rnd() < 0.5 ? 'buy' : 'sell';
        return frame(c);
    }
    case 't:': case 'f:': {
        const c = T_TRADE.content.slice();
        const p = walk(s, c[6]);
        c[0] = base58(88); c[1] = base58(44); c[2] = Date.now(); c[3] = rnd() < 0.5 ? 0 : 1;
        c[4] = sig(p * 5.36e-7); c[5] = round(rnd() * 0.01, 9); c[6] = sig(p);
        c[7] = sig(p * 192.4); c[8] = round(p * 18694000, 5);
        return frame(c);
    }
    case 'td:': return frame(T_TD.content);
    case 'a:': return frame(T_A.content);
    case 'mint': {
        const known = KNOWN_MINTS[room];
        const start = startPrices[room] || (known ? known[1] : 0.001);
        const p = snapshot && s.price !== undefined ? s.price : walk(s, start);
        return frame(sig(p));
    }
    default: return null;
    }
}
// The seed's MarketUpdate (frames.jsonl line 17 shape, no room) for a mint room's current price.
function marketUpdate(room) {
    const s = rstate(room);
    if (s.price === undefined) return null;
    const known = KNOWN_MINTS[room];
    const m = Object.assign({}, T_MARKET);
    m.token_mint = room;
    m.symbol = known ? known[0] : room.slice(0, 4).toUpperCase();
    m.price_usd = sig(s.price);
    m.price_sol = sig(s.price / (solPrice.price || 151.2));
    m.price_change_24h = round((s.price / s.start - 1) * 100, 4);
    m.volume_24h = round(1e5 + rnd() * 2e6, 2);
    m.market_cap = round(s.price * 1e9, 2);
    m.timestamp = Math.floor(Date.now() / 1000);
    return JSON.stringify(m);
}

// ---------------------------------------------------------------------------------------------
// Run-time state (everything POST /__fault can change)

const state = {
    clockOffset: opt['clock-offset'], accessTtl: opt.ttl, onlyIssued: opt['only-issued'],
    rotateRefresh: opt['rotate-refresh'], cfCookie: !opt['no-cf-cookie'], refreshChunked: opt['refresh-chunked'],
    volatility: opt.volatility, drift: opt.drift,
    upgrade: {
        status: opt['upgrade-status'], retryAfter: opt['retry-after'], reject: opt['reject-upgrades'],
        rejectStatus: opt['reject-status'], stall: opt['stall-upgrades'],
    },
    refresh: { fault: opt['refresh-fault'], count: opt['refresh-fault-count'] },
    // behaviour of every NEW connection
    newConn: {
        drop_after: opt['drop-after'], stall_after: opt['stall-after'], close_after: opt['close-after'],
        close_code: opt['close-code'], close_reason: opt['close-reason'], ping_ms: opt['ping-ms'],
        drop_mode: opt['drop-mode'],
    },
    rates: { default: 2 },
    delays: {},
    typed: opt.typed, malformed: opt.malformed, marketUpdates: opt['market-updates'], hello: opt.hello,
};
for (const r of opt.delay) {
    const eq = r.lastIndexOf('=');
    const v = Number(r.slice(eq + 1));
    if (eq <= 0 || !Number.isFinite(v) || v < 0) usageError(`--delay wants ROOM=MS, got ${r}`);
    state.delays[r.slice(0, eq)] = v;
}
for (const r of opt.rate) {
    const eq = r.lastIndexOf('=');
    const v = Number(r.slice(eq + 1));
    if (eq <= 0 || !Number.isFinite(v) || v < 0) usageError(`--rate wants ROOM=PER_SECOND, got ${r}`);
    state.rates[r.slice(0, eq)] = v;
}
// A message made now and sent --delay ms later: what a slow path between server and client does.
function sendDelayed(targets, text, room, kind) {
    const delay = room in state.delays ? state.delays[room] : state.delays[kind] || 0;
    if (delay > 0) setTimeout(() => { for (const c of targets) sendTo(c, text); }, delay);
    else for (const c of targets) sendTo(c, text);
}
function rateFor(room, kind) {
    const r = state.rates;
    if (room in r) return r[room];
    if (kind in r) return r[kind];
    if (kind === 'typed' || kind === 'malformed') return 1;  // session-wide streams: not "default"
    return r.default;
}

const counters = {
    connections: 0, messagesSent: 0, upgrades: {}, refreshes: { served: 0, failed: 0, stalled: 0, by_status: {} },
};
const clients = new Map();   // id -> conn
const closedClients = [];    // summaries of the last 100 closed connections
const stalledSockets = new Set();  // upgrade requests or refresh requests never answered
let attemptSeq = 0;

// ---------------------------------------------------------------------------------------------
// Publishing

class Publisher {
    // room: a room name, or null for a session-wide stream (kind 'typed' / 'malformed')
    constructor(room, kind) {
        this.room = room; this.kind = kind; this.subs = new Set(); this.timer = null; this.acc = 0; this.i = 0;
    }
    start() {
        this.stop();
        const rate = rateFor(this.room === null ? this.kind : this.room, this.kind);
        if (!(rate > 0) || this.kind === 'unknown') return;
        const period = Math.max(10, 1000 / rate);
        const perTick = rate * period / 1000;
        this.timer = setInterval(() => {
            this.acc += perTick;
            while (this.acc >= 1) { this.acc -= 1; this.publish(); }
        }, period);
    }
    stop() { if (this.timer) clearInterval(this.timer); this.timer = null; }
    next() {
        if (this.kind === 'typed') return line(TYPED_LINES[this.i++ % TYPED_LINES.length]);
        if (this.kind === 'malformed') return line(MALFORMED_LINES[this.i++ % MALFORMED_LINES.length]);
        return generate(this.room, this.kind, false);
    }
    publish() {
        const targets = this.room === null ? [...clients.values()] : [...this.subs];
        if (targets.length === 0) return;
        const text = this.next();
        if (text === null) return;
        sendDelayed(targets, text, this.room === null ? this.kind : this.room, this.kind);
        if (this.kind === 'mint' && state.marketUpdates) {
            const mu = marketUpdate(this.room);
            if (mu) for (const c of targets) sendTo(c, mu);
        }
    }
}
const publishers = new Map();  // room -> Publisher (only rooms someone has joined)
const sessionPubs = { typed: new Publisher(null, 'typed'), malformed: new Publisher(null, 'malformed') };
function restartSessionPubs() {
    for (const k of ['typed', 'malformed']) { if (state[k]) sessionPubs[k].start(); else sessionPubs[k].stop(); }
}
function restartAllPublishers() {
    for (const p of publishers.values()) p.start();
    restartSessionPubs();
}

function subscribe(conn, room) {
    let p = publishers.get(room);
    if (!p) { p = new Publisher(room, kindOf(room)); publishers.set(room, p); }
    p.subs.add(conn);
    if (p.subs.size === 1) p.start();
    // A first message right away, so a client sees its room work without waiting a period.
    if (p.kind !== 'unknown' && rateFor(room, p.kind) > 0) {
        const text = generate(room, p.kind, true);
        if (text !== null) sendDelayed([conn], text, room, p.kind);
        if (p.kind === 'mint' && state.marketUpdates) { const mu = marketUpdate(room); if (mu) sendTo(conn, mu); }
    }
}
function unsubscribe(conn, room) {
    const p = publishers.get(room);
    if (!p) return;
    p.subs.delete(conn);
    if (p.subs.size === 0) { p.stop(); publishers.delete(room); }
}

// ---------------------------------------------------------------------------------------------
// Connections and their faults

const BEHAVIOURS = ['drop', 'stall', 'close'];

// Sends one text (or binary) message and counts it; runs a pending "after N messages" fault
// once the message has been handed to the kernel.
function sendTo(conn, data, binary) {
    if (conn.state !== 'open' || conn.stalled) return false;
    if (conn.ws.bufferedAmount > (8 << 20)) { conn.skipped++; return false; }  // client not reading
    conn.sent++; counters.messagesSent++;
    let due = null;
    for (const k of BEHAVIOURS) {
        const n = conn.b[k + '_after'];
        if (n !== null && n !== undefined && conn.sent - conn.b[k + '_base'] >= n) { due = k; break; }
    }
    if (due) conn.state = 'pending-' + due;  // nothing more is sent on it
    conn.ws.send(data, { binary: !!binary }, () => { if (due) perform(conn, due); });
    return true;
}

function perform(conn, what, why) {
    if (conn.state === 'closed' || conn.state === 'dropped') return;
    const ev = { event: 'fault', fault: what, client: conn.id, after_messages: conn.sent };
    if (why) ev.why = why;
    if (what === 'drop') {
        // Close TCP without a close frame (FIN, or RST with drop_mode rst).
        conn.state = 'dropped'; conn.by = 'server-drop';
        ev.mode = conn.b.drop_mode;
        emit(ev);
        stopPing(conn);
        if (conn.b.drop_mode === 'rst') {
            // RST needs the TCP handle: under TLS that is the socket the TLS one wraps.
            const raw = conn.socket._parent || conn.socket;
            try { raw.resetAndDestroy(); } catch (e) { ev.mode = 'fin (rst failed)'; conn.ws.terminate(); }
        } else {
            conn.ws.terminate();
        }
    } else if (what === 'stall') {
        // Stop reading (so pings go unanswered) and stop writing; keep TCP open.
        conn.stalled = true;
        if (conn.state.startsWith('pending')) conn.state = 'open';
        stopPing(conn);
        conn.ws.pause();  // ws's own pause: it will not resume the socket behind our back
        emit(ev);
    } else if (what === 'close') {
        conn.state = 'closing'; conn.by = 'server-close';
        ev.code = conn.b.close_code; ev.reason = conn.b.close_reason;
        emit(ev);
        stopPing(conn);
        try {
            conn.ws.close(conn.b.close_code, conn.b.close_reason);
        } catch (e) {
            emit({ event: 'error', client: conn.id, message: `close: ${e.message}` });
            conn.ws.terminate();
        }
    }
}

function startPing(conn) {
    stopPing(conn);
    if (!(conn.b.ping_ms > 0)) return;
    conn.pingTimer = setInterval(() => {
        if (conn.state !== 'open' || conn.stalled) return;
        const payload = Buffer.from(`standin-${++conn.pingSeq}`);
        conn.pingAt.set(payload.toString(), Date.now());
        if (conn.pingAt.size > 64) conn.pingAt.delete(conn.pingAt.keys().next().value);  // unanswered ones
        conn.pingsSent++;
        try { conn.ws.ping(payload); } catch (e) { /* closing */ }
        emit({ event: 'ping_sent', client: conn.id, payload: payload.toString() });
    }, conn.b.ping_ms);
}
function stopPing(conn) { if (conn.pingTimer) clearInterval(conn.pingTimer); conn.pingTimer = null; }

// Applies behaviour fields ({drop_after, stall_after, close_after, close_code, close_reason,
// ping_ms, drop_mode}) to one live connection; counts start from the messages sent so far.
function applyBehaviour(conn, f) {
    for (const k of ['close_code', 'close_reason', 'drop_mode']) if (k in f) conn.b[k] = f[k];
    for (const k of BEHAVIOURS) {
        const key = k + '_after';
        if (!(key in f)) continue;
        conn.b[key] = f[key];
        conn.b[k + '_base'] = conn.sent;
    }
    if ('stall_resume' in f && conn.stalled) {
        conn.stalled = false; conn.ws.resume();
        emit({ event: 'fault', fault: 'stall_resumed', client: conn.id });
        startPing(conn);
    }
    if ('ping_ms' in f) { conn.b.ping_ms = f.ping_ms; startPing(conn); }
    for (const k of BEHAVIOURS) if (conn.b[k + '_after'] === 0 && conn.state === 'open' && !(k === 'stall' && conn.stalled)) {
        conn.b[k + '_after'] = null;  // a "now" fault happens once
        perform(conn, k);
        break;
    }
}

function summary(conn) {
    return {
        id: conn.id, rooms: conn.rooms.slice(), sent: conn.sent, received: conn.received,
        stalled: conn.stalled, state: conn.state, skipped: conn.skipped,
        access_jti: conn.accessJti, remote_port: conn.remotePort,
        connected_ms: conn.connectedAt - T0, pings_sent: conn.pingsSent, pongs: conn.pongs,
        pings_received: conn.pingsReceived, joins: conn.joins, leaves: conn.leaves,
        behaviour: {
            drop_after: conn.b.drop_after, stall_after: conn.b.stall_after, close_after: conn.b.close_after,
            ping_ms: conn.b.ping_ms,
        },
    };
}

function onConnection(ws, req, attempt, accessJti) {
    const id = attempt;
    const conn = {
        id, ws, socket: req.socket, rooms: [], sent: 0, received: 0, skipped: 0, stalled: false,
        state: 'open', by: 'client', accessJti, remotePort: req.socket.remotePort, connectedAt: Date.now(),
        pingTimer: null, pingSeq: 0, pingAt: new Map(), pingsSent: 0, pongs: 0, pingsReceived: 0,
        joins: 0, leaves: 0,
        b: Object.assign({ drop_base: 0, stall_base: 0, close_base: 0 }, state.newConn),
    };
    clients.set(id, conn);
    counters.connections++;
    emit({ event: 'connected', client: id, access_jti: accessJti, remote_port: conn.remotePort });

    ws.on('message', (data, isBinary) => {
        conn.received++;
        if (isBinary) {
            emit({ event: 'client_message', client: id, problem: 'binary frame', bytes: data.length });
            return;
        }
        const text = data.toString('utf8');
        let msg;
        try { msg = JSON.parse(text); } catch (e) { msg = undefined; }
        const ok = msg && typeof msg === 'object' && !Array.isArray(msg) &&
            (msg.action === 'join' || msg.action === 'leave') && typeof msg.room === 'string';
        if (!ok) {
            emit({ event: 'client_message', client: id, problem: 'not a join or leave', text: text.slice(0, 300) });
            return;
        }
        // PROTOCOL.md 4: compact JSON, exactly {"action":..,"room":..}
        const canonical = text === JSON.stringify({ action: msg.action, room: msg.room });
        const room = msg.room;
        if (msg.action === 'join') {
            conn.joins++;
            const dup = conn.rooms.includes(room);
            if (!dup) conn.rooms.push(room);
            const ev = { event: 'join', client: id, room, duplicate: dup, kind: kindOf(room), canonical, rooms: conn.rooms.length };
            if (!canonical) ev.text = text.slice(0, 300);
            emit(ev);
            if (!dup) subscribe(conn, room);
        } else {
            conn.leaves++;
            const i = conn.rooms.indexOf(room);
            if (i >= 0) { conn.rooms.splice(i, 1); unsubscribe(conn, room); }
            const ev = { event: 'leave', client: id, room, was_joined: i >= 0, canonical, rooms: conn.rooms.length };
            if (!canonical) ev.text = text.slice(0, 300);
            emit(ev);
        }
    });
    ws.on('ping', (data) => { conn.pingsReceived++; emit({ event: 'ping', client: id, bytes: data.length }); });
    ws.on('pong', (data) => {
        conn.pongs++;
        const k = data.toString();
        const at = conn.pingAt.get(k);
        conn.pingAt.delete(k);
        emit({ event: 'pong', client: id, matched: at !== undefined, rtt_ms: at !== undefined ? Date.now() - at : null });
    });
    ws.on('error', (e) => emit({ event: 'client_error', client: id, message: e.message }));
    ws.on('close', (code, reason) => {
        const by = conn.by;
        conn.state = 'closed';
        stopPing(conn);
        for (const r of conn.rooms) unsubscribe(conn, r);
        clients.delete(id);
        const s = summary(conn);
        s.close_code = code; s.close_reason = reason.toString(); s.by = by;
        closedClients.push(s);
        if (closedClients.length > 100) closedClients.shift();
        // code 1006: no close frame came (the TCP connection just ended)
        emit({ event: 'disconnect', client: id, code, reason: reason.toString(), by, close_frame_received: code !== 1006, sent: conn.sent, rooms: conn.rooms });
    });

    if (state.hello) sendTo(conn, JSON.stringify({ session_id: crypto.randomBytes(8).toString('hex') }));
    startPing(conn);
    // "after 0 messages" faults for new connections happen right after the upgrade
    const zero = {};
    for (const k of BEHAVIOURS) if (conn.b[k + '_after'] === 0) zero[k + '_after'] = 0;
    if (Object.keys(zero).length) applyBehaviour(conn, zero);
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

const REASONS = http.STATUS_CODES;
function rawResponse(socket, status, body, extraHeaders) {
    let h = `HTTP/1.1 ${status} ${REASONS[status] || 'Status'}\r\nContent-Type: text/plain\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n`;
    for (const [k, v] of Object.entries(extraHeaders || {})) h += `${k}: ${v}\r\n`;
    socket.end(h + '\r\n' + body);
}
function parseCookies(header) {
    const out = {}, names = [], dups = [];
    if (header === undefined) return { cookies: out, names, dups };
    for (const part of header.split(';')) {
        const eq = part.indexOf('=');
        if (eq < 0) { if (part.trim()) names.push(part.trim()); continue; }
        const k = part.slice(0, eq).trim(), v = part.slice(eq + 1).trim();
        names.push(k);
        if (k in out) dups.push(k); else out[k] = v;
    }
    return { cookies: out, names, dups };
}
// Request headers for an event line: every header except Cookie (tokens stay out of logs).
function headerSummary(req) {
    const h = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const k = req.rawHeaders[i].toLowerCase();
        if (k === 'cookie') continue;
        h[k] = k in h ? h[k] + ', ' + req.rawHeaders[i + 1] : req.rawHeaders[i + 1];
    }
    return h;
}
// PROTOCOL.md 2: what the reference client sends besides the RFC 6455 headers.
const EXPECTED_HEADERS = {
    origin: 'https://axiom.trade',
    'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36',
    'cache-control': 'no-cache', pragma: 'no-cache', 'accept-language': 'en-US,en;q=0.9',
};
function headerProblems(req, cookieInfo) {
    const p = [];
    for (const [k, v] of Object.entries(EXPECTED_HEADERS)) {
        if (k === 'origin' && state.expectedOrigin !== v) continue;  // checked on its own
        const got = req.headers[k];
        if (got === undefined) p.push(`missing ${k}`);
        else if (got !== v) p.push(`${k} is ${JSON.stringify(got)}, expected ${JSON.stringify(v)}`);
    }
    if (!('auth-refresh-token' in cookieInfo.cookies)) p.push('cookie has no auth-refresh-token');
    if (cookieInfo.names[0] !== undefined && cookieInfo.names[0] !== 'auth-access-token') p.push('cookie does not start with auth-access-token');
    if (cookieInfo.dups.length) p.push(`duplicate cookies: ${cookieInfo.dups.join(',')}`);
    if (req.headers['sec-websocket-protocol'] !== undefined) p.push('a subprotocol was requested');
    if (req.headers['sec-websocket-extensions'] !== undefined) p.push('an extension was offered');
    return p;
}
state.expectedOrigin = opt.origin;
function hostMatches(got) {
    let want = opt['expect-host'];
    if (want === null) return true;
    if (want === 'auto') want = `${opt.host.includes(':') ? '[' + opt.host + ']' : opt.host}:${listenPort}`;
    if (got === undefined) return false;
    got = got.toLowerCase(); want = want.toLowerCase();
    if (want.includes(':') && !want.startsWith('[')) return got === want;
    if (want.startsWith('[') && want.includes(']:')) return got === want;
    return got.replace(/:\d+$/, '') === want;  // no port given: compare the name only
}
function readBody(req, limit, cb) {
    const chunks = []; let n = 0, over = false, done = false;
    const finish = (v) => { if (!done) { done = true; cb(v); } };
    req.on('data', (d) => { n += d.length; if (n > limit) over = true; else chunks.push(d); });
    req.on('end', () => finish(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => finish(null));
}
// chunked: no Content-Length, the body in two chunks (Transfer-Encoding: chunked, RFC 9112 7.1)
function sendJson(res, status, obj, headers, chunked) {
    const body = JSON.stringify(obj);
    const h = Object.assign({ 'Content-Type': 'application/json' }, headers || {});
    if (!chunked) h['Content-Length'] = Buffer.byteLength(body);
    res.writeHead(status, h);
    if (chunked) { const half = body.length >> 1; res.write(body.slice(0, half)); res.end(body.slice(half)); }
    else res.end(body);
}

// ---------------------------------------------------------------------------------------------
// The upgrade (PROTOCOL.md 2, RFC 6455 4.2.1)

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: opt.deflate ? { threshold: 0 } : false,
                                  clientTracking: false, maxPayload: 1 << 20 });

function countUpgrade(status) { counters.upgrades[status] = (counters.upgrades[status] || 0) + 1; }

function onUpgrade(req, socket, head) {
    const attempt = ++attemptSeq;
    socket.on('error', () => {});
    const ck = parseCookies(req.headers.cookie);
    const ev = {
        event: 'upgrade', attempt, method: req.method, path: req.url, headers: headerSummary(req),
        cookie_names: ck.names,
    };
    const done = (status, reason, extra) => {
        ev.status = status;
        if (reason) ev.reason = reason;
        countUpgrade(status);
        emit(ev);
        if (status !== 101 && status !== 'stalled') rawResponse(socket, status, (reason || '') + '\n', extra);
    };
    if (state.upgrade.stall > 0) {
        state.upgrade.stall--;
        stalledSockets.add(socket);
        socket.on('close', () => stalledSockets.delete(socket));
        socket.pause();
        return done('stalled', 'upgrade stalled by fault');
    }
    const retry = state.upgrade.retryAfter !== null ? { 'Retry-After': String(state.upgrade.retryAfter) } : {};
    if (state.upgrade.reject > 0) {
        state.upgrade.reject--;
        return done(state.upgrade.rejectStatus, 'rejected by fault', retry);
    }
    if (state.upgrade.status !== null) return done(state.upgrade.status, 'upgrade status fault', retry);

    if (req.url !== '/') return done(req.url === '//' ? 502 : 404, 'path must be /');  // PROTOCOL.md 1
    // RFC 6455 4.2.1: GET, Upgrade: websocket, Connection: Upgrade, a 16-byte base64 key, version 13
    const conn = (req.headers.connection || '').toLowerCase().split(',').map((s) => s.trim());
    if (req.method !== 'GET') return done(405, 'method must be GET');
    if ((req.headers.upgrade || '').toLowerCase() !== 'websocket') return done(400, 'Upgrade must be websocket');
    if (!conn.includes('upgrade')) return done(400, 'Connection must include Upgrade');
    const key = req.headers['sec-websocket-key'];
    if (!key || !/^[+/0-9A-Za-z]{22}==$/.test(key)) return done(400, 'bad Sec-WebSocket-Key');
    if (req.headers['sec-websocket-version'] !== '13') return done(400, 'Sec-WebSocket-Version must be 13', { 'Sec-WebSocket-Version': '13' });
    if (!hostMatches(req.headers.host)) return done(400, `unexpected Host ${JSON.stringify(req.headers.host)}`);
    if (state.expectedOrigin !== 'any' && req.headers.origin !== state.expectedOrigin)
        return done(403, `Origin must be ${state.expectedOrigin}`);
    const problems = headerProblems(req, ck);
    if (problems.length) ev.header_problems = problems;
    if (opt['strict-headers'] && problems.length) return done(400, 'headers: ' + problems.join('; '));

    const a = checkAccess(ck.cookies['auth-access-token']);
    if (a.jti) ev.access_jti = a.jti;
    const r = ck.cookies['auth-refresh-token'] !== undefined ? checkRefresh(ck.cookies['auth-refresh-token']) : null;
    if (r) { ev.refresh_valid = r.ok; if (r.jti) ev.refresh_jti = r.jti; }
    if (!a.ok) return done(a.status, a.reason);

    wss.handleUpgrade(req, socket, head, (ws) => {
        ev.client = attempt;
        done(101);
        onConnection(ws, req, attempt, a.jti || null);
    });
}

// ---------------------------------------------------------------------------------------------
// The refresh endpoint (PROTOCOL.md 3)

const COOKIE_ATTRS = 'Path=/; HttpOnly; Secure; SameSite=Lax';
function onRefresh(req, res) {
    const ev = { event: 'refresh', headers: headerSummary(req) };
    const finish = (status, problem, headers, body) => {
        ev.status = status;
        if (problem) ev.problem = problem;
        counters.refreshes.by_status[status] = (counters.refreshes.by_status[status] || 0) + 1;
        if (status === 200 && !problem) counters.refreshes.served++; else counters.refreshes.failed++;
        emit(ev);
        ev.chunked = state.refreshChunked;
        sendJson(res, status, body || (problem ? { error: problem } : { success: true }), headers, state.refreshChunked);
    };
    if (req.method !== 'POST') return finish(405, 'method must be POST', { Allow: 'POST' });
    readBody(req, 65536, (body) => {
        const ck = parseCookies(req.headers.cookie);
        ev.cookie_names = ck.names;
        // Faults first: they stand for the service failing whatever the request.
        if (state.refresh.fault !== null && state.refresh.count !== 0) {
            const f = state.refresh.fault;
            if (state.refresh.count !== null) state.refresh.count--;
            ev.fault = f;
            if (f === 'stall') {
                ev.status = 'stalled';
                counters.refreshes.stalled++;
                emit(ev);
                stalledSockets.add(req.socket);
                req.socket.on('close', () => stalledSockets.delete(req.socket));
                return;
            }
            if (f === 'no_cookie') return finish(200, 'no Set-Cookie (fault)', {}, { success: true });
            return finish(Number(f), `refresh fault ${f}`);
        }
        const ct = (req.headers['content-type'] || '').toLowerCase();
        if (!ct.startsWith('application/json')) return finish(400, 'content-type must be application/json');
        let v;
        try { v = JSON.parse(body === null ? '' : body); } catch (e) { v = undefined; }
        if (!v || typeof v !== 'object' || typeof v.v !== 'number') return finish(400, 'body must be {"v":<epoch_ms>}');
        ev.body_v = v.v;
        ev.v_skew_ms = v.v - Date.now();
        const r = checkRefresh(ck.cookies['auth-refresh-token']);
        if (r.jti) ev.refresh_jti = r.jti;
        if (!r.ok) return finish(401, r.reason);
        if (ck.cookies['auth-access-token'] !== undefined) {
            const a = checkAccess(ck.cookies['auth-access-token']);
            ev.old_access = a.ok ? 'valid' : a.reason;
        }
        const na = mintAccess(state.accessTtl);
        ev.access_jti = na.jti; ev.exp = na.exp;
        const cookies = [];
        // Cloudflare adds its bot-management cookie to answers of the real API hosts.
        if (state.cfCookie) cookies.push(`__cf_bm=${crypto.randomBytes(16).toString('hex')}; path=/; expires=${new Date(Date.now() + 1800e3).toUTCString()}; domain=.axiom.trade; HttpOnly; Secure; SameSite=None`);
        cookies.push(`auth-access-token=${na.token}; ${COOKIE_ATTRS}`);
        ev.rotated = false;
        if (state.rotateRefresh) {
            const nr = mintRefresh();
            issuedRefresh.get(r.jti) && (issuedRefresh.get(r.jti).revoked = true);
            cookies.push(`auth-refresh-token=${nr.token}; ${COOKIE_ATTRS}`);
            ev.rotated = true; ev.new_refresh_jti = nr.jti;
        }
        finish(200, null, { 'Set-Cookie': cookies });
    });
}

// ---------------------------------------------------------------------------------------------
// Control endpoints

// Every key POST /__fault understands, with its check.
const isInt = (v) => Number.isInteger(v);
const nullOrInt = (v) => v === null || (isInt(v) && v >= 0);
const FAULT_KEYS = {
    clear: (v) => v === true, scope: (v) => ['current', 'new', 'all'].includes(v), client: isInt,
    drop: (v) => v === true, drop_after: nullOrInt, drop_mode: (v) => v === 'fin' || v === 'rst',
    stall: (v) => typeof v === 'boolean', stall_after: nullOrInt,
    close: (v) => v && typeof v === 'object' && isInt(v.code),
    close_after: nullOrInt, close_code: isInt, close_reason: (v) => typeof v === 'string',
    ping_ms: (v) => isInt(v) && v >= 0,
    upgrade_status: (v) => v === null || (isInt(v) && v >= 200 && v < 600), retry_after: nullOrInt,
    reject_upgrades: (v) => isInt(v) && v >= 0, reject_status: (v) => isInt(v) && v >= 200 && v < 600,
    stall_upgrades: (v) => isInt(v) && v >= 0,
    expire_tokens: (v) => v === true, revoke_refresh: (v) => v === true,
    clock_offset: (v) => typeof v === 'number', access_ttl: (v) => typeof v === 'number',
    only_issued: (v) => typeof v === 'boolean', rotate_refresh: (v) => typeof v === 'boolean',
    cf_cookie: (v) => typeof v === 'boolean', refresh_chunked: (v) => typeof v === 'boolean',
    refresh_fault: (v) => v === null || REFRESH_FAULTS.includes(v), refresh_fault_count: nullOrInt,
    rates: (v) => v && typeof v === 'object' && Object.values(v).every((x) => typeof x === 'number' && x >= 0),
    delays: (v) => v && typeof v === 'object' && Object.values(v).every((x) => typeof x === 'number' && x >= 0),
    typed: (v) => typeof v === 'boolean', malformed: (v) => typeof v === 'boolean',
    market_updates: (v) => typeof v === 'boolean', hello: (v) => typeof v === 'boolean',
    volatility: (v) => typeof v === 'number' && v >= 0, drift: (v) => typeof v === 'number' && v > -1,
};

function faultSnapshot() {
    const u = state.upgrade;
    return {
        upgrade_status: u.status, retry_after: u.retryAfter, reject_upgrades: u.reject,
        reject_status: u.rejectStatus, stall_upgrades: u.stall,
        refresh_fault: state.refresh.fault, refresh_fault_count: state.refresh.count,
        new_connections: state.newConn,
        clock_offset: state.clockOffset, access_ttl: state.accessTtl, only_issued: state.onlyIssued,
        rotate_refresh: state.rotateRefresh, cf_cookie: state.cfCookie, refresh_chunked: state.refreshChunked,
        rates: state.rates, delays: state.delays,
        typed: state.typed, malformed: state.malformed, market_updates: state.marketUpdates, hello: state.hello,
        volatility: state.volatility, drift: state.drift,
        expired_tokens: expiredJtis.size,
    };
}

function applyFault(f) {
    for (const [k, v] of Object.entries(f)) {
        if (!(k in FAULT_KEYS)) throw new Error(`unknown key ${k}`);
        if (!FAULT_KEYS[k](v)) throw new Error(`bad value for ${k}: ${JSON.stringify(v)}`);
    }
    if ('client' in f && !clients.has(f.client)) throw new Error(`no connected client ${f.client}`);
    const applied = [];
    if (f.clear) {
        state.upgrade = { status: null, retryAfter: null, reject: 0, rejectStatus: 502, stall: 0 };
        state.refresh = { fault: null, count: null };
        state.newConn = { drop_after: null, stall_after: null, close_after: null, close_code: 1000, close_reason: '', ping_ms: 0, drop_mode: 'fin' };
        for (const c of clients.values()) applyBehaviour(c, { drop_after: null, stall_after: null, close_after: null, ping_ms: 0 });
        applied.push('clear');
    }
    // per-connection behaviour
    const b = {};
    for (const k of ['drop_after', 'stall_after', 'close_after', 'close_code', 'close_reason', 'ping_ms', 'drop_mode']) if (k in f) b[k] = f[k];
    if (f.drop) b.drop_after = 0;
    if (f.stall === true) b.stall_after = 0;
    if (f.stall === false) { b.stall_after = null; b.stall_resume = true; }
    if (f.close) { b.close_after = 0; b.close_code = f.close.code; b.close_reason = typeof f.close.reason === 'string' ? f.close.reason : ''; }
    // ws refuses to send 1004-1006, 1015 and codes outside 1000-1014 / 3000-4999 (RFC 6455 7.4)
    if ('close_code' in b && !((b.close_code >= 1000 && b.close_code <= 1014 && ![1004, 1005, 1006].includes(b.close_code)) ||
        (b.close_code >= 3000 && b.close_code <= 4999)))
        throw new Error(`close code ${b.close_code} cannot be sent`);
    if (Object.keys(b).length) {
        const scope = f.scope || 'current';
        if (scope === 'new' || scope === 'all') {
            for (const [k, v] of Object.entries(b)) if (k in state.newConn) state.newConn[k] = v;
        }
        if (scope === 'current' || scope === 'all') {
            const targets = f.client !== undefined ? [clients.get(f.client)] : [...clients.values()];
            for (const c of targets) applyBehaviour(c, b);
            applied.push(`connections:${targets.map((c) => c.id).join(',')}`);
        }
        applied.push(`behaviour:${Object.keys(b).join(',')}@${scope}`);
    }
    for (const k of Object.keys(f)) if (!['clear', 'scope', 'client', 'drop', 'drop_after', 'drop_mode', 'stall', 'stall_after',
        'close', 'close_after', 'close_code', 'close_reason', 'ping_ms'].includes(k)) applied.push(k);
    if ('upgrade_status' in f) state.upgrade.status = f.upgrade_status;
    if ('retry_after' in f) state.upgrade.retryAfter = f.retry_after;
    if ('reject_upgrades' in f) state.upgrade.reject = f.reject_upgrades;
    if ('reject_status' in f) state.upgrade.rejectStatus = f.reject_status;
    if ('stall_upgrades' in f) state.upgrade.stall = f.stall_upgrades;
    if (f.expire_tokens) {
        for (const jti of issuedAccess.keys()) expiredJtis.add(jti);
        expireCutoffMs = Date.now();
        applied.push(`expired ${expiredJtis.size} access tokens`);
    }
    if (f.revoke_refresh) { for (const r of issuedRefresh.values()) r.revoked = true; applied.push('revoked refresh tokens'); }
    if ('clock_offset' in f) state.clockOffset = f.clock_offset;
    if ('access_ttl' in f) state.accessTtl = f.access_ttl;
    if ('only_issued' in f) state.onlyIssued = f.only_issued;
    if ('rotate_refresh' in f) state.rotateRefresh = f.rotate_refresh;
    if ('cf_cookie' in f) state.cfCookie = f.cf_cookie;
    if ('refresh_chunked' in f) state.refreshChunked = f.refresh_chunked;
    if ('refresh_fault' in f) { state.refresh.fault = f.refresh_fault; state.refresh.count = null; }
    if ('refresh_fault_count' in f) state.refresh.count = f.refresh_fault_count;
    if ('volatility' in f) state.volatility = f.volatility;
    if ('drift' in f) state.drift = f.drift;
    let restart = false;
    if (f.rates) { Object.assign(state.rates, f.rates); restart = true; }
    if (f.delays) Object.assign(state.delays, f.delays);
    if ('typed' in f) { state.typed = f.typed; restart = true; }
    if ('malformed' in f) { state.malformed = f.malformed; restart = true; }
    if ('market_updates' in f) state.marketUpdates = f.market_updates;
    if ('hello' in f) state.hello = f.hello;
    if (restart) restartAllPublishers();
    return applied;
}

function onSend(f) {
    let text, binary = false;
    if (typeof f.raw === 'string') text = f.raw;
    else if (isInt(f.line)) {
        if (f.line < 1 || f.line > frameLines.length) throw new Error(`line must be 1..${frameLines.length}`);
        text = line(f.line);
    } else if ('json' in f) text = JSON.stringify(f.json);
    else if (typeof f.room === 'string' && 'content' in f) text = JSON.stringify({ room: f.room, content: f.content });
    else throw new Error('give raw, line, json, or room+content');
    if (f.binary === true) binary = true;
    let targets = [...clients.values()];
    if (f.client !== undefined) targets = targets.filter((c) => c.id === f.client);
    if (typeof f.to_room === 'string') targets = targets.filter((c) => c.rooms.includes(f.to_room));
    let sent = 0;
    for (const c of targets) if (sendTo(c, binary ? Buffer.from(text) : text, binary)) sent++;
    return sent;
}

function stateSnapshot() {
    return {
        clients: [...clients.values()].map(summary),
        closed: closedClients,
        connections_total: counters.connections,
        messages_sent: counters.messagesSent,
        upgrades: counters.upgrades,
        refreshes: counters.refreshes,
        issued: {
            access: issuedAccess.size, refresh: issuedRefresh.size,
            // the last 50 of each, by jti
            access_tokens: [...issuedAccess].slice(-50).map(([jti, r]) => ({ jti, exp: r.exp, expired: r.exp <= serverNow() || expiredJtis.has(jti) })),
            refresh_tokens: [...issuedRefresh].slice(-50).map(([jti, r]) => ({ jti, revoked: r.revoked })),
        },
        active_rooms: [...publishers.keys()],
        faults: faultSnapshot(),
    };
}

function onRequest(req, res) {
    res.on('error', () => {});
    const q = req.url.indexOf('?');
    const p = q < 0 ? req.url : req.url.slice(0, q);
    const params = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
    if (p === '/refresh-access-token' && !opt['ws-only']) return onRefresh(req, res);
    if (p === '/__state' && req.method === 'GET') return sendJson(res, 200, stateSnapshot());
    if (p === '/__mint' && req.method === 'GET') {
        const ttl = params.has('ttl') ? Number(params.get('ttl')) : state.accessTtl;
        if (!Number.isFinite(ttl)) return sendJson(res, 400, { error: 'ttl must be a number of seconds' });
        const pair = mintPair(ttl);
        emit({ event: 'mint', access_jti: pair.access_jti, refresh_jti: pair.refresh_jti, exp: pair.exp });
        return sendJson(res, 200, pair);
    }
    if ((p === '/__fault' || p === '/__send') && req.method === 'POST') {
        return readBody(req, 1 << 20, (body) => {
            let f;
            try { f = JSON.parse(body); } catch (e) { return sendJson(res, 400, { error: 'body must be JSON' }); }
            if (!f || typeof f !== 'object' || Array.isArray(f)) return sendJson(res, 400, { error: 'body must be a JSON object' });
            try {
                if (p === '/__fault') {
                    const applied = applyFault(f);
                    emit({ event: 'control', request: f, applied });
                    return sendJson(res, 200, { ok: true, applied, faults: faultSnapshot() });
                }
                const sent = onSend(f);
                emit({ event: 'sent', clients: sent, what: f.line !== undefined ? `line ${f.line}` : 'custom' });
                return sendJson(res, 200, { ok: true, sent });
            } catch (e) {
                emit({ event: 'control', request: f, error: e.message });
                return sendJson(res, 400, { error: e.message });
            }
        });
    }
    if (p === '/' && req.method === 'GET') {
        // An upgrade request lands here when it lacks "Connection: Upgrade"
        const ev = { event: 'upgrade', attempt: ++attemptSeq, method: req.method, path: req.url, headers: headerSummary(req), status: 426, reason: 'not an upgrade request' };
        countUpgrade(426);
        emit(ev);
        return sendJson(res, 426, { error: 'upgrade required' }, { Upgrade: 'websocket', Connection: 'close' });
    }
    return sendJson(res, 404, { error: 'not found' });
}

// ---------------------------------------------------------------------------------------------
// Start

let server;
if (opt.cert !== null) {
    let cert, key;
    try { cert = fs.readFileSync(opt.cert); key = fs.readFileSync(opt.key); } catch (e) { usageError(e.message); }
    server = https.createServer({ cert, key }, onRequest);
    server.on('tlsClientError', (e, sock) => {
        emit({ event: 'tls_error', message: e.message, code: e.code || null });
        try { sock.destroy(); } catch (x) { /* gone */ }
    });
} else {
    server = http.createServer(onRequest);
}
server.on('upgrade', onUpgrade);
server.on('clientError', (e, sock) => {
    emit({ event: 'http_error', message: e.message, code: e.code || null });
    if (sock.writable) sock.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'); else sock.destroy();
});

let listenPort = 0;
let shuttingDown = false;
function shutdown(code, why) {
    if (shuttingDown) return;
    shuttingDown = true;
    emit({ event: 'exit', why });
    for (const p of publishers.values()) p.stop();
    sessionPubs.typed.stop(); sessionPubs.malformed.stop();
    for (const c of clients.values()) { stopPing(c); try { c.ws.terminate(); } catch (e) { /* gone */ } }
    for (const s of stalledSockets) s.destroy();
    server.close();
    if (server.closeAllConnections) server.closeAllConnections();
    setTimeout(() => process.exit(code), 50).unref();
}
process.on('SIGTERM', () => shutdown(0, 'SIGTERM'));
process.on('SIGINT', () => shutdown(0, 'SIGINT'));
process.stdout.on('error', () => {});
if (opt.lifetime > 0) setTimeout(() => shutdown(0, 'lifetime'), opt.lifetime * 1000).unref();
if (opt['exit-on-eof']) { process.stdin.on('end', () => shutdown(0, 'stdin closed')); process.stdin.resume(); }

server.on('error', (e) => { process.stderr.write(`axiom_standin: ${e.message}\n`); process.exit(1); });
server.listen(opt.port, opt.host, () => {
    listenPort = server.address().port;
    const tls = opt.cert !== null;
    const hostPart = opt.host.includes(':') ? `[${opt.host}]` : opt.host;
    const hello = {
        event: 'listening', host: opt.host, port: listenPort, tls,
        url: `${tls ? 'wss' : 'ws'}://${hostPart}:${listenPort}/`,
        api_url: opt['ws-only'] ? null : `${tls ? 'https' : 'http'}://${hostPart}:${listenPort}`,
        pid: process.pid, seed: seedUsed,
    };
    if (opt['write-tokens'] !== null) {
        const pair = mintPair(state.accessTtl);
        const tmp = opt['write-tokens'] + '.tmp';
        fs.writeFileSync(tmp, JSON.stringify({ access_token: pair.access_token, refresh_token: pair.refresh_token, expires_at: pair.expires_at }, null, 2) + '\n', { mode: 0o600 });
        fs.renameSync(tmp, opt['write-tokens']);
        hello.tokens_file = opt['write-tokens'];
        hello.access_jti = pair.access_jti; hello.refresh_jti = pair.refresh_jti;
    }
    emit(hello);
    restartSessionPubs();
});
