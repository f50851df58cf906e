/**
 * Special files (issue 21 item 11): a symlink to /dev/zero never ends and crashed the audit action;
 * a FIFO blocks a read forever. Every reader opens without blocking and reads regular files only
 * (src/shared/bounded-read.ts): each is bad input naming the file, at once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoundedReadError, readFileBounded, readFileBoundedSync } from '../../src/shared/bounded-read.js';
import { startFakes, type Fakes } from '../helpers/fakes.js';
import { runAction } from '../helpers/runner.js';
import { AUDIT_ACTION, keyless, scratch } from './helpers.js';

let work: ReturnType<typeof scratch>;
let fakes: Fakes;
beforeAll(async () => {
  work = scratch('special');
  symlinkSync('/dev/zero', join(work.dir, 'zero.json'));
  execFileSync('mkfifo', [join(work.dir, 'pipe.yaml')]);
  writeFileSync(join(work.dir, 'small.json'), '{"Statement": []}');
  mkdirSync(join(work.dir, 'infra'));
  symlinkSync('/dev/zero', join(work.dir, 'infra', 'roles.json'));
  fakes = await startFakes();
});
afterAll(async () => {
  await fakes.close();
  work.remove();
});

describe('readFileBounded and readFileBoundedSync', () => {
  const cases: [string, string, string][] = [
    ['a symlink to /dev/zero', 'zero.json', 'is a character device; expected a regular file'],
    ['a FIFO with no writer', 'pipe.yaml', 'is a FIFO (named pipe); expected a regular file'],
    ['a directory', 'infra', 'is a directory; expected a regular file'],
    ['a missing file', 'missing.json', 'no such file or directory'],
  ];
  it.each(cases)('%s: refused at once, naming the file', async (_name, file, problem) => {
    const path = join(work.dir, file);
    for (const read of [() => readFileBoundedSync(path, { maxBytes: 1024 }), () => readFileBounded(path, { maxBytes: 1024 })]) {
      const error = await Promise.resolve().then(read).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BoundedReadError);
      expect((error as BoundedReadError).problem).toBe(problem);
      expect((error as BoundedReadError).message).toBe(`${JSON.stringify(path)}: ${problem}`);
    }
  });

  it('a regular file within the limit is read whole', async () => {
    expect(readFileBoundedSync(join(work.dir, 'small.json'), { maxBytes: 17 })).toBe('{"Statement": []}');
    expect(await readFileBounded(join(work.dir, 'small.json'), { maxBytes: 17 })).toBe('{"Statement": []}');
  });
});

describe('keyless trust-policy audit', () => {
  it.each([
    ['zero.json', /keyless: error: PATH "zero\.json": cannot read the file \(is a character device; expected a regular file\)/],
    ['pipe.yaml', /keyless: error: PATH "pipe\.yaml": cannot read the file \(is a FIFO \(named pipe\); expected a regular file\)/],
    ['infra', /keyless: error: PATH "infra\/roles\.json": cannot read the file \(is a character device; expected a regular file\)/],
  ])('%s: bad input naming the file, exit 2', async (path, message) => {
    const run = await keyless(['trust-policy', 'audit', path], { cwd: work.dir });
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
  });

  it('lint --policy on a FIFO: bad input, no wait for a writer', async () => {
    const run = await keyless(['trust-policy', 'lint', '--policy', 'pipe.yaml'], { cwd: work.dir });
    expect(run.stderr).toMatch(/--policy "pipe\.yaml": cannot read the file \(is a FIFO/);
    expect(run.code).toBe(2);
  });
});

describe('the actions', () => {
  it('the audit action: a /dev/zero symlink in the workspace is one error annotation naming it', async () => {
    const run = await runAction({ entry: AUDIT_ACTION, inputs: { paths: 'infra' }, env: { GITHUB_WORKSPACE: work.dir } });
    expect(run.errors).toEqual([expect.stringMatching(/PATH "infra\/roles\.json": cannot read the file \(is a character device/)]);
    expect(run.exitCode).toBe(1);
  });

  it.each([
    ['a FIFO', 'pipe.yaml', /is a FIFO \(named pipe\); expected a regular file/],
    ['a /dev/zero symlink', 'zero.json', /is a character device; expected a regular file/],
  ])('web-identity-token-file naming %s: an input error before any request', async (_name, file, problem) => {
    expect(existsSync(join(work.dir, file))).toBe(true);
    const before = fakes.connections();
    const run = await runAction({
      inputs: { ...fakes.inputs, 'web-identity-token-file': file },
      env: { GITHUB_WORKSPACE: work.dir, AWS_ENDPOINT_URL_STS: fakes.sts.url },
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(/input "web-identity-token-file"/);
    expect(run.errors.join('\n')).toMatch(problem);
    expect(fakes.connections()).toBe(before);
  });
});
