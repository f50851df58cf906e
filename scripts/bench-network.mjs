// The network model of `npm run bench`: each service (token service, issuer, STS) is its own https
// host, reached through a relay that costs what a real network costs. A new connection waits one
// full round trip before its first byte goes on (the TCP handshake); every chunk then takes half a
// round trip each way, so the TLS 1.3 handshake costs one more round trip and each request one.
// The certificates come from a throwaway CA made at run time; the child trusts it through
// NODE_EXTRA_CA_CERTS. Behind each relay, TLS ends in this process and the bytes go on, as plain
// http, to the loopback fakes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';

/**
 * A CA and a server certificate from it for `san` (default 127.0.0.1 and localhost), in a temp
 * folder removed by cleanup(). The tests use it too, for certificates that name another host.
 */
export function throwawayCa({ san = 'IP:127.0.0.1,DNS:localhost' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-bench-ca-'));
  const file = (name) => join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '1', '-subj', '/CN=keyless bench CA');
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1');
    writeFileSync(file('san.ext'), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '1', '-extfile', file('san.ext'));
    return {
      caFile: file('ca.pem'),
      key: readFileSync(file('server.key')),
      cert: readFileSync(file('server.pem')),
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Sends chunks in order, each no earlier than the time it was given. */
function delayedWriter(target) {
  const queue = [];
  let timer;
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0].at <= now + 0.5) {
      const { chunk, end } = queue.shift();
      if (end) {
        target.end();
        queue.length = 0;
      } else if (!target.destroyed) target.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(flush, queue[0].at - now);
  };
  const push = (item) => {
    queue.push(item);
    if (timer === undefined) timer = setTimeout(flush, Math.max(0, queue[0].at - performance.now()));
  };
  return {
    write: (chunk, at) => push({ chunk, at }),
    end: (at) => push({ end: true, at }),
    cancel: () => clearTimeout(timer),
  };
}

/**
 * An https host for `upstreamPort` (a plain http server) behind a relay with round trip `rttMs`
 * (settable). Counts TCP connections and finished TLS handshakes, and tells onEvent of each
 * 'connection', 'handshake' and a connection's first bytes after the handshake ('request').
 */
export async function startHost({ key, cert, upstreamPort = 0, onEvent = () => {} }) {
  let rttMs = 0;
  const sockets = new Set();
  const track = (socket) => {
    // No Nagle: with delayed ACKs it would hold small writes back by up to 40 ms on its own.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const tlsServer = createTlsServer({ key, cert, minVersion: 'TLSv1.3' }, (secure) => {
    host.handshakes++;
    onEvent('handshake');
    secure.once('data', () => onEvent('request'));
    track(secure);
    const upstream = createConnection(host.upstreamPort, '127.0.0.1');
    track(upstream);
    secure.pipe(upstream).pipe(secure);
  });
  const relay = createServer((client) => {
    host.connections++;
    onEvent('connection');
    track(client);
    // The client's first byte can leave only once the TCP handshake (one round trip) is done.
    const readyAt = performance.now() + rttMs;
    const inner = createConnection(tlsServer.address().port, '127.0.0.1');
    track(inner);
    const toServer = delayedWriter(inner);
    const toClient = delayedWriter(client);
    const half = () => rttMs / 2;
    client.on('data', (chunk) => toServer.write(chunk, Math.max(performance.now(), readyAt) + half()));
    client.on('end', () => toServer.end(Math.max(performance.now(), readyAt) + half()));
    inner.on('data', (chunk) => toClient.write(chunk, performance.now() + half()));
    // A closing server's last bytes are still on their way: the client's side ends after them.
    inner.on('close', () => toClient.end(performance.now() + half()));
    client.on('close', () => {
      toServer.cancel();
      toClient.cancel();
      inner.destroy();
    });
  });
  await Promise.all([tlsServer, relay].map((server) => new Promise((done) => server.listen(0, '127.0.0.1', done))));
  const host = {
    connections: 0,
    handshakes: 0,
    /** The plain http server behind this host; settable, since a fake may need the origin first. */
    upstreamPort,
    origin: `https://127.0.0.1:${relay.address().port}`,
    setRoundTrip(ms) {
      rttMs = ms;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([tlsServer, relay].map((server) => new Promise((done) => server.close(() => done()))));
    },
  };
  return host;
}

/** The least-squares line through (x, y) points: y = fixed + perUnit × x. */
export function fitLine(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const perUnit = sxx === 0 ? NaN : points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
  return { fixed: my - perUnit * mx, perUnit };
}
