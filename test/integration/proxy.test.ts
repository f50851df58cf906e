/** Input http-proxy: every request of the action goes through the proxy (Node's own proxy support). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeBinaries, runAction } from '../helpers/runner.js';
import { startFakes, type Fakes } from '../helpers/fakes.js';
import { nodeSupportsAgentProxy } from '../../src/shared/http.js';

let fakes: Fakes;
let proxy: Server;
let proxyUrl: string;
const proxied: string[] = [];

/** A forward proxy for plain-http targets: absolute-form requests, relayed and recorded. */
function startProxy(): Promise<void> {
  proxy = createServer((incoming, outgoing) => {
    proxied.push(`${incoming.method} ${incoming.url}`);
    const target = new URL(incoming.url ?? '');
    const upstream = request(target, { method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  return new Promise((resolve) =>
    proxy.listen(0, '127.0.0.1', () => {
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

beforeAll(async () => {
  fakes = await startFakes();
  await startProxy();
});
afterAll(async () => {
  await fakes.close();
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
});

describe.each(nodeBinaries())('http-proxy on $label', ({ path, label }) => {
  const supported = nodeSupportsAgentProxy(label.replace('node v', ''));

  it.runIf(supported)('the token request, discovery, JWKS and STS all go through the proxy', async () => {
    proxied.length = 0;
    const result = await runAction({ node: path, inputs: { ...fakes.inputs, 'http-proxy': proxyUrl }, env: fakes.env });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(proxied.some((line) => line.startsWith(`GET ${fakes.issuer.url}/_apis/token`))).toBe(true);
    expect(proxied).toContain(`GET ${fakes.issuer.url}/.well-known/openid-configuration`);
    expect(proxied).toContain(`GET ${fakes.issuer.url}/.well-known/jwks`);
    expect(proxied.some((line) => line.startsWith(`POST ${fakes.sts.url}/`))).toBe(true);
  });

  it.runIf(supported)('no-proxy sends the listed host direct', async () => {
    proxied.length = 0;
    const result = await runAction({ node: path, inputs: { ...fakes.inputs, 'http-proxy': proxyUrl, 'no-proxy': '127.0.0.1' }, env: fakes.env });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(proxied).toEqual([]);
  });

  it.runIf(!supported)('a Node without proxy support refuses instead of going around the proxy', async () => {
    proxied.length = 0;
    const result = await runAction({ node: path, inputs: { ...fakes.inputs, 'http-proxy': proxyUrl }, env: fakes.env });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(/cannot use one; proxies need Node\.js 24\.5 or later \(or 22\.21 or a later 22\.x\)/);
    expect(proxied).toEqual([]);
  });
});
