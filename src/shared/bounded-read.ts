/**
 * Reading what comes from outside with a limit: a file or a stream up to N bytes, and only from
 * regular files (a device such as /dev/zero or a FIFO never ends, or blocks forever). Crossing a
 * limit is a BoundedReadError that names the file and says what was expected; callers turn it into
 * their own bad-input error (exit 2 in the CLI, an error annotation in the audit action, an input
 * error in the action).
 *
 * Usage:
 *   const text = readFileBoundedSync(path, { maxBytes: READ_LIMITS.iacFile });
 *   const text = await readFileBounded(path, { maxBytes: READ_LIMITS.tokenFile });
 *   const text = await readStreamBounded(process.stdin, { maxBytes: READ_LIMITS.iacFile, name: '(standard input)' });
 *   const bytes = await readStreamBoundedBytes(gunzipStream, { maxBytes, name: file });
 * The parsers that go with it (JSON nesting, YAML alias budget) are in bounded-parse.ts.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * The limits Keyless reads with, and why (the README's "Limits on what Keyless reads" quotes them).
 * Each is far above anything real and far below what hurts a runner.
 */
export const READ_LIMITS = {
  /** web-identity-token-file: a token is at most 16,384 characters (verify's own limit); 64 KiB leaves room for whitespace. */
  tokenFile: 64 * KIB,
  /**
   * A policy read for lint/evaluate/generate or the action's trust-policy input: IAM's quota is
   * 2,048 characters (4,096 approved automatically, 8,192 the most known); 1 MiB covers any
   * indentation and wrapper around it.
   */
  policyFile: 1 * MIB,
  /**
   * A file the audit, test and prove read: IAM output, Terraform plan JSON, CloudFormation
   * templates (AWS accepts at most 1 MB). A plan of a large estate runs to tens of MB; 64 MiB is
   * generous, and an audit of 64 MB of IAM output (85,000 roles) took 12 s and 640 MB.
   */
  iacFile: 64 * MIB,
  /**
   * The shared AWS config and credentials files, looked at only for endpoint options (whether STS
   * is left to the SDK): a few kB in practice; a larger one is not read by Keyless.
   */
  awsConfigFile: 1 * MIB,
  /** One STS answer: credentials are about 2 kB, an error well under 1 kB. */
  stsBody: 1 * MIB,
  /** One page of IAM ListRoles (100 roles, each trust policy at most 8,192 characters, URL-encoded): under 3 MB. */
  iamPage: 16 * MIB,
} as const;

export type ReadFailure = 'too-large' | 'not-a-file' | 'unreadable';

/** A read refused or failed; `file` is the name as given, `message` says what was expected. */
export class BoundedReadError extends Error {
  override readonly name = 'BoundedReadError';
  constructor(
    readonly file: string,
    readonly reason: ReadFailure,
    /** Without the file name, for callers that put it in their own sentence. */
    readonly problem: string,
    /** The fs error code (ENOENT, EACCES, …) when the system refused. */
    readonly code?: string,
    /** The system's own message then ("ENOENT: no such file or directory, open '…'"). */
    readonly systemMessage?: string,
  ) {
    super(`${JSON.stringify(file)}: ${problem}`);
  }
}

export interface ReadLimit {
  /** The most bytes read; one more is an error. */
  readonly maxBytes: number;
}

/** Opening a FIFO must not wait for a writer, nor a tty become the controlling terminal: fstat decides after. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Bytes as people read them: 64 MiB, 1 MiB, 64 KiB, or plain bytes. */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB} KiB`;
  return `${bytes} bytes`;
}

const tooLarge = (file: string, limit: ReadLimit, size?: number) =>
  new BoundedReadError(file, 'too-large', `is ${size !== undefined ? `${size} bytes, ` : ''}larger than the ${formatBytes(limit.maxBytes)} Keyless reads; expected at most ${formatBytes(limit.maxBytes)}`);

function checkRegular(file: string, stats: Stats, limit: ReadLimit): void {
  if (!stats.isFile()) throw new BoundedReadError(file, 'not-a-file', `is ${kindOf(stats)}; expected a regular file`);
  if (stats.size > limit.maxBytes) throw tooLarge(file, limit, stats.size);
}

function systemError(file: string, error: unknown): BoundedReadError {
  const code = (error as { code?: string }).code;
  const reasons: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory; expected a regular file', ENXIO: 'is a socket or device without a reader; expected a regular file' };
  const message = (error as Error).message;
  return new BoundedReadError(file, 'unreadable', (code && reasons[code]) ?? message, code, message);
}

/** Reads a regular file (links followed) as UTF-8, at most `maxBytes`. Throws BoundedReadError. */
export function readFileBoundedSync(file: string, limit: ReadLimit): string {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (error) {
    throw systemError(file, error);
  }
  try {
    checkRegular(file, fstatSync(fd), limit);
    // The size can grow after fstat (or be 0 for /proc files): count what is read, not what stat said.
    const buffer = Buffer.alloc(Math.min(limit.maxBytes + 1, 64 * KIB));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      total += n;
      if (total > limit.maxBytes) throw tooLarge(file, limit);
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (error) {
    throw error instanceof BoundedReadError ? error : systemError(file, error);
  } finally {
    closeSync(fd);
  }
}

/** The same, without blocking the event loop. */
export async function readFileBounded(file: string, limit: ReadLimit): Promise<string> {
  let handle;
  try {
    handle = await open(file, OPEN_FLAGS);
  } catch (error) {
    throw systemError(file, error);
  }
  try {
    checkRegular(file, await handle.stat(), limit);
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.alloc(Math.min(limit.maxBytes + 1, 64 * KIB));
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit.maxBytes) throw tooLarge(file, limit);
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (error) {
    throw error instanceof BoundedReadError ? error : systemError(file, error);
  } finally {
    await handle.close();
  }
}

/** A stream to read: standard input, a response body, a gunzip stream. */
export type ByteStream = AsyncIterable<Buffer | Uint8Array | string> & { destroy?: () => void };

/**
 * Reads a stream as UTF-8, at most `maxBytes`; `name` says what it is in the error. A stream with
 * destroy() is destroyed when the limit is crossed (for a response: the connection is dropped).
 */
export async function readStreamBounded(stream: ByteStream, limit: ReadLimit & { readonly name: string }): Promise<string> {
  return (await readStreamBoundedBytes(stream, limit)).toString('utf8');
}

/** The same, as bytes (for bodies that are not text, or are decoded later). */
export async function readStreamBoundedBytes(stream: ByteStream, limit: ReadLimit & { readonly name: string }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    total += bytes.length;
    if (total > limit.maxBytes) {
      stream.destroy?.();
      throw tooLarge(limit.name, limit);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}
