/**
 * The AWS SDK reads an answer's whole body before it parses it, with no limit: an STS endpoint
 * that never stopped sending grew the process to gigabytes. This middleware reads the body first,
 * up to a limit, and hands the SDK the bytes it read; past the limit the connection is dropped and
 * the call fails with a BoundedReadError naming the operation (STS: a bad response, not retried).
 * Works with any client of the SDK (STS, IAM, CloudTrail): `limitResponseBodies(client, bytes)`.
 */
import { Readable } from 'node:stream';
import { READ_LIMITS, readStreamBoundedBytes } from './bounded-read.js';

interface RawResponse {
  response?: { body?: unknown };
}

type Next = (args: unknown) => Promise<RawResponse>;
type Middleware = (next: Next, context: { commandName?: string }) => Next;

/** What this needs of a client: its middleware stack (every SDK v3 client has one). */
export interface SdkClient {
  readonly middlewareStack: { addRelativeTo(middleware: never, options: { relation: 'after'; toMiddleware: string; name: string; override?: boolean }): void };
}

/** Caps every answer body the client reads at `maxBytes`. Call once, right after creating the client. */
export function limitResponseBodies(client: SdkClient, maxBytes: number = READ_LIMITS.stsBody): void {
  const middleware: Middleware = (next, context) => async (args) => {
    const result = await next(args);
    const body = result.response?.body;
    if (result.response && body instanceof Readable) {
      const operation = (context.commandName ?? 'the request').replace(/Command$/, '');
      result.response.body = Readable.from([await readStreamBoundedBytes(body, { maxBytes, name: `the answer to ${operation}` })]);
    }
    return result;
  };
  // After the deserializer, so that it parses the bytes read here, not the socket.
  client.middlewareStack.addRelativeTo(middleware as never, { relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'keylessLimitResponseBody', override: true });
}
