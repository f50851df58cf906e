/**
 * Connections as a real network sees them: the built action against the token service, the issuer
 * and STS as three https hosts (a throwaway CA the child trusts through NODE_EXTRA_CA_CERTS), each
 * counting TCP connections, TLS handshakes and the first request on each connection. What is
 * checked is the order of events on the wire and their counts, never a time.
 */
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalIssuer, type LocalIssuer } from '../../src/local/issuer.js';
import { startLocalSts, type LocalSts } from '../../src/local/sts.js';
import { runAction } from '../helpers/runner.js';
import { ROLE_ARN } from '../helpers/fakes.js';
// @ts-expect-error: a plain .mjs module of the benchmark, without types.
import { startHost, throwawayCa } from '../../scripts/bench-network.mjs';

interface Host {
  readonly origin: string;
  connections: number;
  handshakes: number;
  upstreamPort: number;
  close(): Promise<void>;
}

type Service = 'token' | 'issuer' | 'sts';
let ca: { caFile: string; key: Buffer; cert: Buffer; cleanup(): void };
let hosts: Record<Service, Host>;
let issuer: LocalIssuer;
let sts: LocalSts;
/** Every event on the wire, in order: "sts connection", "token request", … */
const events: string[] = [];

beforeAll(async () => {
  ca = throwawayCa();
  const start = async (name: Service) => (await startHost({ ...ca, onEvent: (event: string) => events.push(`${name} ${event}`) })) as Host;
  hosts = { token: await start('token'), issuer: await start('issuer'), sts: await start('sts') };
  issuer = await startLocalIssuer({ publicOrigin: hosts.issuer.origin });
  hosts.token.upstreamPort = hosts.issuer.upstreamPort = Number(new URL(issuer.requestUrl).port);
  sts = await startLocalSts();
  hosts.sts.upstreamPort = Number(new URL(sts.url).port);
});
afterAll(async () => {
  await Promise.all([...Object.values(hosts ?? {}).map((host) => host.close()), issuer?.close(), sts?.close()]);
  ca?.cleanup();
});
beforeEach(() => {
  events.length = 0;
  sts.calls.length = 0;
  issuer.setRunnerTokenOptions({});
});

const count = (event: string) => events.filter((e) => e === event).length;

function run(inputs: Record<string, string> = {}) {
  return runAction({
    inputs: { 'role-to-assume': ROLE_ARN, 'aws-region': 'us-east-1', 'oidc-issuer': issuer.url, ...inputs },
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${hosts.token.origin}/_apis/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken,
      AWS_ENDPOINT_URL_STS: hosts.sts.origin,
      NODE_EXTRA_CA_CERTS: ca.caFile,
    },
  });
}

describe('connections opened ahead', () => {
  it('STS gets one connection, opened before the token was even requested, and its one request goes on it', async () => {
    const result = await run();
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(sts.calls.map((call) => call.action)).toEqual(['AssumeRoleWithWebIdentity']);
    expect(count('sts connection')).toBe(1);
    expect(count('sts handshake')).toBe(1);
    expect(count('sts request')).toBe(1);
    expect(events.indexOf('sts connection')).toBeLessThan(events.indexOf('token request'));
    // Every request on the wire found its connection waiting: one each, two to the issuer.
    expect([count('token connection'), count('issuer connection')]).toEqual([1, 2]);
    expect([count('token handshake'), count('issuer handshake')]).toEqual([1, 2]);
  });

  it('a token that fails verification never reaches STS: its connection was opened and carried nothing', async () => {
    issuer.setRunnerTokenOptions({ claims: { aud: 'someone-else' } });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(/OIDC token rejected before calling STS: audience mismatch/);
    expect(count('sts handshake')).toBe(1);
    expect(count('sts request')).toBe(0);
    expect(sts.calls).toEqual([]);
  });

  it('a JWKS elsewhere on the issuer goes on a kept connection: no third handshake', async () => {
    const elsewhere = await startLocalIssuer({ publicOrigin: hosts.issuer.origin, jwksPath: '/keys' });
    const previous = hosts.issuer.upstreamPort;
    hosts.issuer.upstreamPort = hosts.token.upstreamPort = Number(new URL(elsewhere.requestUrl).port);
    try {
      const result = await runAction({
        inputs: { 'role-to-assume': ROLE_ARN, 'aws-region': 'us-east-1', 'oidc-issuer': elsewhere.url },
        env: {
          ACTIONS_ID_TOKEN_REQUEST_URL: `${hosts.token.origin}/_apis/token?api-version=2.0`,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: elsewhere.requestToken,
          AWS_ENDPOINT_URL_STS: hosts.sts.origin,
          NODE_EXTRA_CA_CERTS: ca.caFile,
        },
      });
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(elsewhere.requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/.well-known/openid-configuration', '/keys']));
      expect(count('issuer handshake')).toBe(2);
    } finally {
      hosts.issuer.upstreamPort = hosts.token.upstreamPort = previous;
      await elsewhere.close();
    }
  });
});

describe('through a proxy', () => {
  let proxy: Server;
  let tunnels = 0;
  const open = new Set<Socket>();
  beforeAll(async () => {
    proxy = createServer();
    proxy.on('connect', (request, client: Socket, head) => {
      tunnels++;
      const [host, port] = (request.url ?? '').split(/:(?=\d+$)/);
      const upstream = connect(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      for (const socket of [client, upstream]) {
        open.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => open.delete(socket));
      }
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  });
  afterAll(async () => {
    for (const socket of open) socket.destroy();
    await new Promise((done) => proxy.close(done));
  });

  it('opens nothing ahead: every connection a host sees came through the proxy, and STS sees none for a rejected token', async () => {
    const address = proxy.address() as { port: number };
    issuer.setRunnerTokenOptions({ claims: { aud: 'someone-else' } });
    tunnels = 0;
    const result = await run({ 'http-proxy': `http://127.0.0.1:${address.port}` });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(/audience mismatch/);
    expect(count('sts connection')).toBe(0);
    expect(count('token connection') + count('issuer connection')).toBe(tunnels);
    expect(tunnels).toBeGreaterThan(0);
  });
});
