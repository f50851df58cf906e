#!/usr/bin/env node
/** Entry point of the `keyless` CLI (bundled to dist/cli/index.js). */
import { readFileSync } from 'node:fs';
import { READ_LIMITS, readFileBoundedSync } from '../shared/bounded-read.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeHost } from './host.js';
import { run } from './main.js';
import { terminalText } from '../shared/outside-text.js';

/** The version from package.json (two levels up from lib/cli/ and from dist/cli/). */
function packageVersion(): string {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    const parts = [here, '..', '..', ['package', 'json'].join('.')];
    const pkg = JSON.parse(readFileSync(join(...parts), 'utf8')) as { name?: unknown; version?: unknown };
    if (pkg.name === 'keyless' && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // fall through
  }
  return 'unknown';
}

/** A y/N question on the terminal (stderr), answered on stdin. */
async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function internalError(error: unknown): void {
  process.stderr.write(`keyless: internal error: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
}

// The SDK's Node 20 notice is about SDK releases this bundle does not contain: package.json's
// engines says which Node the bundled SDK needs, so the notice would only be noise on stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that stops early (`keyless … | head`) is no error: stop quietly, as other CLIs do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  internalError(error);
});

try {
  const code = run(process.argv.slice(2), {
    // A terminal acts on escape sequences: no control character from outside reaches one. A pipe
    // or file gets stdout byte for byte (JSON and SARIF already escape them; rendered IaC must not change).
    stdout: (text) => process.stdout.write(process.stdout.isTTY ? terminalText(text) : text),
    stderr: (text) => process.stderr.write(terminalText(text)),
    readFile: (path) => readFileBoundedSync(path, { maxBytes: READ_LIMITS.policyFile }),
    version: packageVersion(),
    env: process.env,
    host: nodeHost({ cwd: process.cwd(), awsRegion: process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1' }),
    ...(process.stdin.isTTY && process.stderr.isTTY ? { confirm } : {}),
  });
  if (typeof code === 'number') process.exitCode = code;
  else code.then((c) => (process.exitCode = c), internalError);
} catch (error) {
  internalError(error);
}
