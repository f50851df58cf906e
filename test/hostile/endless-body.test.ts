/**
 * Endless bodies (issue 21 item 11): an STS endpoint that never stops sending grew the process to
 * 8.5 GiB, because the SDK reads a whole body before it parses it. The action reads at most
 * READ_LIMITS.stsBody of an STS answer (src/assume/bounded-body.ts) and the http client's limits
 * bound the token endpoint, discovery and JWKS. Measured in bytes the server got to send, never in time.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { READ_LIMITS } from '../../src/shared/bounded-read.js';
import { startFakes, type Fakes } from '../helpers/fakes.js';
import { runAction } from '../helpers/runner.js';
import { keyless } from './helpers.js';

/** What the server stops at when nobody stops it first: without the limits, a reader takes it all. */
const CAP = 64 * 1024 * 1024;
/** The limit plus what the kernel's socket buffers hold on loopback; far below CAP. */
const MOST_SENT = READ_LIMITS.stsBody + 12 * 1024 * 1024;

interface Endless {
  readonly url: string;
  requests: number;
  /** Bytes written to sockets that the reader accepted (backpressure respected). */
  sent: number;
  close(): Promise<void>;
}

/** Answers every request 200 with `contentType`, then streams filler until CAP or the reader hangs up. */
async function startEndless(contentType: string, head: string): Promise<Endless> {
  const state = { requests: 0, sent: 0 };
  const server: Server = createServer((request, response) => {
    state.requests++;
    request.resume();
    response.writeHead(200, { 'content-type': contentType });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let written = 0;
    const pump = (): void => {
      while (written < CAP && !response.destroyed) {
        const bytes = written === 0 ? Buffer.concat([Buffer.from(head), chunk]) : chunk;
        written += bytes.length;
        state.sent += bytes.length;
        if (!response.write(bytes)) {
          response.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

let fakes: Fakes;
let endless: Endless;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes.close());
beforeEach(() => fakes.reset());

describe('an endless body', () => {
  it('from STS: at most 1 MiB read, one request, a bad-response error', async () => {
    endless = await startEndless('text/xml', '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Filler>');
    try {
      const run = await runAction({ inputs: { ...fakes.inputs, 'retry-max-attempts': '3' }, env: { ...fakes.env, AWS_ENDPOINT_URL_STS: endless.url } });
      expect(run.errors.join('\n')).toMatch(/got a response that is not valid STS XML: "the answer to AssumeRoleWithWebIdentity": is larger than the 1 MiB Keyless reads/);
      expect(run.exitCode).toBe(1);
      expect(endless.requests).toBe(1);
      expect(endless.sent, `${endless.sent} bytes sent`).toBeLessThan(MOST_SENT);
    } finally {
      await endless.close();
    }
  });

  it('from IAM, for trust-policy audit --live: at most one 16 MiB page read, bad input naming the answer', async () => {
    endless = await startEndless('text/xml', '<ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListRolesResult><Roles>');
    try {
      const run = await keyless(['trust-policy', 'audit', '--live'], {
        env: { AWS_ENDPOINT_URL_IAM: endless.url, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' },
      });
      expect(run.stderr).toMatch(/"the answer to ListRoles": is larger than the 16 MiB Keyless reads/);
      expect(run.code).toBe(2);
      expect(endless.sent, `${endless.sent} bytes sent`).toBeLessThan(READ_LIMITS.iamPage + 12 * 1024 * 1024);
    } finally {
      await endless.close();
    }
  });

  it("from the runner's token endpoint: bounded by the http client's limit on every attempt", async () => {
    endless = await startEndless('application/json', '{"value":"');
    try {
      const run = await runAction({ inputs: { ...fakes.inputs, 'retry-max-attempts': '2' }, env: { ...fakes.env, ACTIONS_ID_TOKEN_REQUEST_URL: `${endless.url}/token` } });
      expect(run.exitCode).toBe(1);
      expect(endless.requests).toBeGreaterThanOrEqual(1);
      expect(endless.sent, `${endless.sent} bytes sent in ${endless.requests} requests`).toBeLessThan(endless.requests * MOST_SENT);
      expect(fakes.sts.calls).toHaveLength(0);
    } finally {
      await endless.close();
    }
  });
});
