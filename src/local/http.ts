// Small helpers shared by the loopback fakes: a 127.0.0.1 server on a random port whose
// close() also ends connections that a fault left hanging, and body/response helpers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export interface LoopbackServer {
  readonly server: Server;
  /** http://127.0.0.1:PORT, no trailing slash. */
  readonly origin: string;
  readonly port: number;
  /** TCP connections accepted so far: tests that promise "no request" count these. */
  readonly connections: number;
  /** setTimeout that close() cancels, so a delayed answer cannot outlive the server. */
  later(callback: () => void, delayMs: number): void;
  close(): Promise<void>;
}

export async function startLoopbackServer(handler: RequestHandler): Promise<LoopbackServer> {
  const openSockets = new Set<Socket>();
  const pendingTimers = new Set<NodeJS.Timeout>();

  const server = createServer((request, response) => {
    Promise.resolve()
      .then(() => handler(request, response))
      .catch((error: unknown) => {
        // A bug in a fake must surface as a 500, not as a hung test.
        if (!response.headersSent && !response.destroyed) {
          sendText(response, 500, `local fake failed: ${String(error)}`);
        } else {
          response.destroy();
        }
      });
  });
  let connections = 0;
  server.on('connection', (socket) => {
    connections++;
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('loopback server has no TCP address');
  const port = address.port;

  let closing: Promise<void> | undefined;
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    later(callback, delayMs) {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        callback();
      }, delayMs);
      pendingTimers.add(timer);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of pendingTimers) clearTimeout(timer);
        pendingTimers.clear();
        server.close(() => resolve());
        // server.close() waits for open connections; hung and keep-alive ones would block it.
        for (const socket of openSockets) socket.destroy();
      });
      return closing;
    },
  };
}

export async function readBody(request: IncomingMessage, limitBytes = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    total += buffer.length;
    if (total > limitBytes) throw new Error(`request body larger than ${limitBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function sendText(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  const bytes = Buffer.from(body, 'utf8');
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(bytes.length),
    ...headers,
  });
  response.end(bytes);
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendText(response, status, JSON.stringify(body), { 'Content-Type': 'application/json; charset=utf-8', ...headers });
}
