/**
 * The SDK reads an answer's whole body before it parses it, with no limit: an endpoint that never
 * stops sending grew the process to gigabytes. This middleware reads the body first, up to
 * READ_LIMITS.stsBody, and hands the SDK the bytes it read; past the limit the connection is
 * dropped and the call fails with a BoundedReadError (classified as a bad response, not retried).
 */
import { Readable } from 'node:stream';
import type { STSClient } from '@aws-sdk/client-sts';
import { READ_LIMITS, readStreamBoundedBytes } from '../shared/bounded-read.js';

interface RawResponse {
  response?: { body?: unknown };
}

type Next = (args: unknown) => Promise<RawResponse>;
type Middleware = (next: Next, context: { commandName?: string }) => Next;

/** Caps every answer body the client reads at `maxBytes`. Call once, right after creating the client. */
export function limitResponseBodies(client: Pick<STSClient, 'middlewareStack'>, maxBytes: number = READ_LIMITS.stsBody): void {
  const middleware: Middleware = (next, context) => async (args) => {
    const result = await next(args);
    const body = result.response?.body;
    if (result.response && body instanceof Readable) {
      const operation = (context.commandName ?? 'STS').replace(/Command$/, '');
      result.response.body = Readable.from([await readStreamBoundedBytes(body, { maxBytes, name: `the answer to ${operation}` })]);
    }
    return result;
  };
  // After the deserializer, so that it parses the bytes read here, not the socket.
  client.middlewareStack.addRelativeTo(middleware as never, { relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'keylessLimitResponseBody', override: true });
}
