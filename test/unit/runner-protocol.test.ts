import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeCommandData, fileCommandEntry, runnerIO } from '../../src/runner.js';
import { commandValues, parseFileCommands, secretLeaks } from '../helpers/runner.js';

describe('workflow commands on stdout', () => {
  it.each([
    ['plain', 'plain'],
    ['a\nb', 'a%0Ab'],
    ['a\r\n::set-env name=X::y', 'a%0D%0A::set-env name=X::y'],
    ['100%', '100%25'],
    ['%0A', '%250A'],
  ])('escapes %j', (value, escaped) => {
    expect(escapeCommandData(value)).toBe(escaped);
  });

  it('a masked value with a newline stays one command and decodes back', () => {
    const out: string[] = [];
    const io = runnerIO({}, (text) => out.push(text));
    io.setSecret('line1\n::error::injected');
    expect(out.join('').split('\n').filter(Boolean)).toHaveLength(1);
    expect(commandValues(out.join(''), 'add-mask')).toEqual(['line1\n::error::injected']);
  });

  it('fail sets the exit code and prints one error annotation', () => {
    const out: string[] = [];
    const before = process.exitCode;
    runnerIO({}, (text) => out.push(text)).fail('first\nsecond');
    expect(process.exitCode).toBe(1);
    process.exitCode = before;
    expect(out.join('')).toBe('::error::first%0Asecond\n');
  });
});

describe('file commands', () => {
  it('round-trips values through the runner format', () => {
    const values = { A: 'simple', B: 'multi\nline', C: '', D: 'looks like\nE<<EOF\ninjected\nEOF' };
    const text = Object.entries(values)
      .map(([name, value]) => fileCommandEntry(name, value))
      .join('');
    expect(parseFileCommands(text)).toEqual(values);
  });

  it('refuses a value that contains its delimiter', () => {
    expect(() => fileCommandEntry('A', 'x\nDELIM\nB=evil', 'DELIM')).toThrow(/contains the delimiter/);
  });

  it('refuses a name that could start another entry', () => {
    expect(() => fileCommandEntry('A\nB', 'x')).toThrow(/invalid name/);
    expect(() => fileCommandEntry('A=B', 'x')).toThrow(/invalid name/);
  });

  it('exportVariable and setOutput append to GITHUB_ENV and GITHUB_OUTPUT', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyless-protocol-'));
    const env = { GITHUB_ENV: join(dir, 'env'), GITHUB_OUTPUT: join(dir, 'out') };
    writeFileSync(env.GITHUB_ENV, 'EARLIER=1\n');
    writeFileSync(env.GITHUB_OUTPUT, '');
    const io = runnerIO(env, () => undefined);
    io.checkWritable();
    io.exportVariable('AWS_REGION', 'us-east-1');
    io.setOutput('aws-account-id', '123456789012');
    expect(parseFileCommands(readFileSync(env.GITHUB_ENV, 'utf8'))).toEqual({ EARLIER: '1', AWS_REGION: 'us-east-1' });
    expect(parseFileCommands(readFileSync(env.GITHUB_OUTPUT, 'utf8'))).toEqual({ 'aws-account-id': '123456789012' });
  });

  it('checkWritable fails when GITHUB_ENV is missing', () => {
    expect(() => runnerIO({}, () => undefined).checkWritable()).toThrow(/GITHUB_ENV is not set/);
  });

  it('reads inputs with hyphens kept, upper-cased and trimmed', () => {
    const io = runnerIO({ 'INPUT_ROLE-TO-ASSUME': '  arn:x \n' }, () => undefined);
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
