/**
 * The STS connection is opened ahead as plain TCP and wrapped in TLS later (shared/connections.ts):
 * the certificate must still be checked as any https request checks it. An STS endpoint whose
 * certificate names another host, or comes from a CA the runner does not trust, never sees the
 * token: no request arrives, nothing is retried, and the error names the TLS failure.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakes, type Fakes } from '../helpers/fakes.js';
import { runAction } from '../helpers/runner.js';
// @ts-expect-error: a plain .mjs module of the benchmark, without types.
import { throwawayCa } from '../../scripts/bench-network.mjs';

interface Endpoint {
  readonly url: string;
  readonly ca: string;
  connections: number;
  requests: number;
  close(): Promise<void>;
}

async function startStsWithCertificate(san: string): Promise<Endpoint> {
  const { caFile: ca, key, cert, cleanup } = throwawayCa({ san }) as { caFile: string; key: Buffer; cert: Buffer; cleanup: () => void };
  const state = { connections: 0, requests: 0 };
  const server: Server = createServer({ key, cert }, (request, response) => {
    state.requests++;
    request.resume();
    response.writeHead(500).end();
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `https://127.0.0.1:${port}`,
    ca,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())).finally(cleanup),
  });
}

let fakes: Fakes;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(() => fakes.reset());

describe('an STS endpoint with the wrong certificate never sees the token', () => {
  it.each<[string, string, boolean, RegExp]>([
    ['a certificate for another host', 'DNS:sts.other.test', true, /ERR_TLS_CERT_ALTNAME_INVALID.*(Hostname|IP).*does not match/],
    ['a certificate from a CA the runner does not trust', 'IP:127.0.0.1', false, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify|self.signed/i],
  ])('%s', async (_, san, trustCa, message) => {
    const sts = await startStsWithCertificate(san);
    try {
      const result = await runAction({
        inputs: { ...fakes.inputs, 'retry-max-attempts': '3' },
        env: { ...fakes.env, AWS_ENDPOINT_URL_STS: sts.url, ...(trustCa ? { NODE_EXTRA_CA_CERTS: sts.ca } : {}) },
      });
      expect(result.exitCode).toBe(1);
      expect(result.errors.join('\n')).toMatch(message);
      expect(result.errors.join('\n')).toMatch(/Not retried/);
      // The connection was opened ahead (and one more by the failed attempt), and carried nothing.
      expect(sts.connections).toBeGreaterThanOrEqual(1);
      expect(sts.requests).toBe(0);
      expect(result.env).toEqual({});
    } finally {
      await sts.close();
    }
  });
});
