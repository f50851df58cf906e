/**
 * Connections opened before their first request. On a real network every new https host costs a
 * TCP and a TLS handshake (two round trips) before the request's own: opened at once, the token
 * service's, the issuer's and STS's handshakes overlap each other, module loading and token
 * verification. The agents hand each request an open connection to its host when one is waiting,
 * and keep it alive for the next request to the same host (discovery, then a JWKS elsewhere).
 * Opening a connection sends nothing: no request, no token.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { HttpAgents } from './http.js';

export interface ConnectionPool {
  /** For httpGet and the SDK's request handler (httpAgent, httpsAgent). */
  readonly agents: HttpAgents;
  /** Opens connections to the origin of `url` until `count` wait there; a bad URL opens none. */
  open(url: string, count?: number): void;
  /** Settles once every connection opened so far has sent its first bytes (or failed). */
  sent(): Promise<void>;
  /** Closes every connection, open or kept alive: the work is done. */
  close(): void;
}

interface Target {
  readonly key: string;
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
}

function targetOf(url: string): Target | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const secure = parsed.protocol === 'https:';
  if (!secure && parsed.protocol !== 'http:') return undefined;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = Number(parsed.port || (secure ? 443 : 80));
  return { key: keyOf(secure, host, port), secure, host, port };
}

const keyOf = (secure: boolean, host: string, port: number) => `${secure ? 'https' : 'http'}://${host}:${port}`;

/** What an agent asks createConnection for, as the key of the connections waiting for it. */
function requestedKey(secure: boolean, options: { host?: string | null; hostname?: string | null; port?: number | string | null }): string {
  const host = (options.hostname ?? options.host ?? 'localhost').replace(/^\[|\]$/g, '');
  return keyOf(secure, host, Number(options.port || (secure ? 443 : 80)));
}

/** A TCP handshake takes a round trip; past this, sent() stops waiting for the slow ones. */
const SENT_WAIT_MS = 50;

export function connectionPool(): ConnectionPool {
  const waiting = new Map<string, Socket[]>();
  const all = new Set<Socket>();
  const firstBytes: Promise<void>[] = [];

  /** A waiting connection to hand to a request, or undefined (then the agent opens one). */
  const take = (key: string): Socket | undefined => {
    const list = waiting.get(key) ?? [];
    while (list.length > 0) {
      const socket = list.shift()!;
      if (socket.destroyed) continue;
      // It was unref'd while nobody needed it; now a request does.
      socket.ref();
      return socket;
    }
    return undefined;
  };

  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true });
  const plainCreate = httpAgent.createConnection.bind(httpAgent);
  const secureCreate = httpsAgent.createConnection.bind(httpsAgent);
  // createConnection is documented as overridable; @types/node declares it only on http.Agent.
  (httpAgent as { createConnection: unknown }).createConnection = (options: http.ClientRequestArgs, callback: unknown) =>
    take(requestedKey(false, options)) ?? (plainCreate as (o: unknown, c: unknown) => Socket)(options, callback);
  (httpsAgent as { createConnection: unknown }).createConnection = (options: http.ClientRequestArgs, callback: unknown) =>
    take(requestedKey(true, options)) ?? (secureCreate as (o: unknown, c: unknown) => Socket)(options, callback);

  return {
    agents: { httpAgent, httpsAgent },
    open(url, count = 1) {
      const target = targetOf(url);
      if (!target) return;
      const list = waiting.get(target.key) ?? [];
      waiting.set(target.key, list);
      while (list.filter((socket) => !socket.destroyed).length < count) {
        const socket = target.secure
          ? connectTls({ host: target.host, port: target.port, servername: isIP(target.host) ? undefined : target.host, ALPNProtocols: ['http/1.1'] })
          : connectTcp({ host: target.host, port: target.port });
        socket.setNoDelay(true);
        // TLS writes its ClientHello on connect; a plain socket has nothing to send before its request.
        firstBytes.push(new Promise((done) => socket.once('connect', done).once('close', done)));
        // A failed connection is only a missed head start: the request opens its own and reports.
        socket.on('error', () => socket.destroy());
        // An unused connection must not hold the process open.
        socket.unref();
        all.add(socket);
        socket.on('close', () => all.delete(socket));
        list.push(socket);
      }
    },
    // Capped: a connection that hangs in its TCP handshake must not hold back what waits for this.
    sent: () => Promise.race([Promise.all(firstBytes).then(() => undefined), new Promise<void>((done) => setTimeout(done, SENT_WAIT_MS).unref())]),
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
      for (const socket of all) socket.destroy();
      waiting.clear();
    },
  };
}
