/**
 * What the action writes to the runner, byte for byte, through @actions/core: workflow commands on
 * stdout and heredoc entries in the runner's files. The toolkit reads process.env and writes
 * process.stdout, so each test sets the variables it needs and reads what was written.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRunnerFiles, runnerIO } from '../../src/action/runner.js';
import { commandValues, parseFileCommands, secretLeaks } from '../helpers/runner.js';

const saved = new Map<string, string | undefined>();
function setEnv(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!saved.has(name)) saved.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
afterEach(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  saved.clear();
});

/** Everything written to stdout while `work` runs. */
function stdoutOf(work: () => void): string {
  const out: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    work();
  } finally {
    process.stdout.write = write;
  }
  return out.join('');
}

function runnerFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-protocol-'));
  const files = { env: join(dir, 'env'), output: join(dir, 'out') };
  writeFileSync(files.env, '');
  writeFileSync(files.output, '');
  setEnv({ GITHUB_ENV: files.env, GITHUB_OUTPUT: files.output });
  return files;
}

describe('workflow commands on stdout', () => {
  it.each([
    ['plain', 'plain'],
    ['a\nb', 'a%0Ab'],
    ['a\r\n::set-env name=X::y', 'a%0D%0A::set-env name=X::y'],
    ['100%', '100%25'],
    ['%0A', '%250A'],
  ])('escapes %j', (value, escaped) => {
    expect(stdoutOf(() => runnerIO({}).warning(value))).toBe(`::warning::${escaped}\n`);
  });

  it('a masked value with a newline stays one command and decodes back', () => {
    const out = stdoutOf(() => runnerIO({}).setSecret('line1\n::error::injected'));
    expect(out.split('\n').filter(Boolean)).toHaveLength(1);
    expect(commandValues(out, 'add-mask')).toEqual(['line1\n::error::injected']);
  });

  it('fail sets the exit code and prints one error annotation', () => {
    const before = process.exitCode;
    const out = stdoutOf(() => runnerIO({}).fail('first\nsecond'));
    expect(process.exitCode).toBe(1);
    process.exitCode = before;
    expect(out).toBe('::error::first%0Asecond\n');
  });
});

describe('file commands', () => {
  it('round-trips values through the runner format', () => {
    const files = runnerFiles();
    const values = { A: 'simple', B: 'multi\nline', C: '', D: 'looks like\nE<<EOF\ninjected\nEOF' };
    const io = runnerIO(files);
    for (const [name, value] of Object.entries(values)) io.exportVariable(name, value);
    expect(parseFileCommands(readFileSync(files.env, 'utf8'))).toEqual(values);
  });

  it('a value with a line that looks like a delimiter cannot close its entry', () => {
    const files = runnerFiles();
    const value = 'x\nghadelimiter_00000000-0000-4000-8000-000000000000\nB=evil';
    runnerIO(files).exportVariable('A', value);
    expect(parseFileCommands(readFileSync(files.env, 'utf8'))).toEqual({ A: value });
  });

  it('refuses a name that could start another entry', () => {
    const io = runnerIO(runnerFiles());
    expect(() => io.exportVariable('A\nB', 'x')).toThrow(/invalid name/);
    expect(() => io.exportVariable('A=B', 'x')).toThrow(/invalid name/);
    expect(() => io.setOutput('a\nb', 'x')).toThrow(/invalid name/);
  });

  it('exportVariable and setOutput append to GITHUB_ENV and GITHUB_OUTPUT', () => {
    const files = runnerFiles();
    writeFileSync(files.env, 'EARLIER=1\n');
    const io = runnerIO(files);
    checkRunnerFiles(files);
    io.exportVariable('AWS_REGION', 'us-east-1');
    io.setOutput('aws-account-id', '123456789012');
    expect(parseFileCommands(readFileSync(files.env, 'utf8'))).toEqual({ EARLIER: '1', AWS_REGION: 'us-east-1' });
    expect(parseFileCommands(readFileSync(files.output, 'utf8'))).toEqual({ 'aws-account-id': '123456789012' });
    // Entries are NAME<<ghadelimiter_UUID, the value, the delimiter: exactly the runner's heredoc form.
    expect(readFileSync(files.output, 'utf8')).toMatch(/^aws-account-id<<(ghadelimiter_[0-9a-f-]{36})\n123456789012\n\1\n$/);
  });

  it('checkRunnerFiles fails when GITHUB_ENV is missing, naming it', () => {
    expect(() => checkRunnerFiles({})).toThrow(/GITHUB_ENV: it is not set/);
  });

  it('reads inputs with hyphens kept, upper-cased and trimmed', () => {
    setEnv({ 'INPUT_ROLE-TO-ASSUME': '  arn:x \n', 'INPUT_AWS-REGION': undefined });
    const io = runnerIO({});
    expect(io.getInput('role-to-assume')).toBe('arn:x');
    expect(io.getInput('aws-region')).toBe('');
  });
});

describe('the leak check used after every test', () => {
  const secret = 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY';
  it.each([
    ['only its mask line', `::add-mask::${secret}\nAssumed role\n`, '', 0],
    ['printed after its mask', `::add-mask::${secret}\nkey ${secret}\n`, '', 1],
    ['inside another command', `::add-mask::${secret}\n::error::bad ${secret}\n`, '', 1],
    ['on stderr', `::add-mask::${secret}\n`, `trace ${secret}`, 1],
  ])('%s', (_name, stdout, stderr, problems) => {
    expect(secretLeaks({ stdout, stderr }, [secret])).toHaveLength(problems);
  });
});
