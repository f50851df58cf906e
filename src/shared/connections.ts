/**
 * Connections opened before their first request. On a real network every new https host costs a
 * TCP and a TLS handshake (two round trips) before the request's own: opened at once, the token
 * service's, the issuer's and STS's handshakes overlap each other, module loading and token
 * verification. The agents hand each request an open connection to its host when one is waiting,
 * and keep it alive for the next request to the same host (discovery, then a JWKS elsewhere).
 * Opening a connection sends nothing: no request, no token.
 *
 * TCP goes first: Node issues a connect only on the next tick, and the first TLS socket of a
 * process costs several ms of CPU (its root store). So open() starts the TCP handshakes, and
 * secure() (awaited by the caller before its first request) lets them leave, then wraps each in TLS
 * while they are on the wire: the TLS handshake starts the moment TCP is through.
 */
import type * as http from 'node:http';
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { nodeHttp, nodeHttps, nodeTls, type HttpAgents } from './http.js';

export interface ConnectionPool {
  /** For httpGet and the SDK's request handler (httpAgent, httpsAgent). */
  readonly agents: HttpAgents;
  /** Opens connections to the origin of `url` until `count` wait there; a bad URL opens none. */
  open(url: string, count?: number): void;
  /** Lets the TCP handshakes leave, then starts TLS on the https ones. Await before the first request. */
  secure(): Promise<void>;
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
  /** TCP connections to https origins, until secure() wraps them in TLS. */
  const unsecured: { target: string; host: string; socket: Socket }[] = [];
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

  /** An agent that hands out the waiting connections first (createConnection is documented as overridable). */
  const poolAgent = <A extends http.Agent>(agent: A, secure: boolean): A => {
    const create = (agent as unknown as { createConnection: (o: unknown, c: unknown) => Socket }).createConnection.bind(agent);
    (agent as { createConnection: unknown }).createConnection = (options: http.ClientRequestArgs, callback: unknown) => take(requestedKey(secure, options)) ?? create(options, callback);
    return agent;
  };
  // Made on first use, by the first request: node:http and node:https load after the handshakes left.
  let httpAgent: http.Agent | undefined;
  let httpsAgent: HttpAgents['httpsAgent'];
  const agents: HttpAgents = {
    get httpAgent() {
      return (httpAgent ??= poolAgent(new (nodeHttp().Agent)({ keepAlive: true }), false));
    },
    get httpsAgent() {
      return (httpsAgent ??= poolAgent(new (nodeHttps().Agent)({ keepAlive: true }), true));
    },
  };

  /** Every connection opened ahead, TCP or TLS: closed by close(), and never the reason the process stays. */
  const track = <S extends Socket>(socket: S): S => {
    // A failed connection is only a missed head start: the request opens its own and reports.
    socket.on('error', () => socket.destroy());
    // An unused connection must not hold the process open.
    socket.unref();
    all.add(socket);
    socket.on('close', () => all.delete(socket));
    return socket;
  };

  return {
    agents,
    open(url, count = 1) {
      const target = targetOf(url);
      if (!target) return;
      const list = waiting.get(target.key) ?? [];
      waiting.set(target.key, list);
      while (list.filter((socket) => !socket.destroyed).length + unsecured.filter((raw) => raw.target === target.key).length < count) {
        const socket = track(connectTcp({ host: target.host, port: target.port }));
        socket.setNoDelay(true);
        // A TLS connection's first bytes (its ClientHello) leave on connect; a plain one has none before its request.
        firstBytes.push(new Promise((done) => socket.once('connect', done).once('close', done)));
        if (target.secure) unsecured.push({ target: target.key, host: target.host, socket });
        else list.push(socket);
      }
    },
    async secure() {
      // One turn of the event loop: the connects queued on the next tick leave first.
      await new Promise<void>((done) => setImmediate(done));
      for (const { target, host, socket: raw } of unsecured.splice(0)) {
        if (raw.destroyed) continue;
        waiting.get(target)?.push(track(nodeTls().connect({ socket: raw, host, servername: isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] })));
      }
    },
    // Capped: a connection that hangs in its TCP handshake must not hold back what waits for this.
    sent: () => Promise.race([Promise.all(firstBytes).then(() => undefined), new Promise<void>((done) => setTimeout(done, SENT_WAIT_MS).unref())]),
    close() {
      httpAgent?.destroy();
      httpsAgent?.destroy();
      for (const socket of all) socket.destroy();
      waiting.clear();
      unsecured.length = 0;
    },
  };
}
