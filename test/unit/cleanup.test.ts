import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInside, runCleanup } from '../../src/job/cleanup.js';
import { parseCleanupState, type CleanupState } from '../../src/job/cleanup-state.js';

let root: string;
let outside: string;
beforeEach(() => {
  const base = mkdtempSync(join(tmpdir(), 'keyless-cleanup-'));
  root = join(base, 'keyless');
  outside = join(base, 'outside.txt');
  mkdirSync(join(root, 'aws'), { recursive: true });
  writeFileSync(outside, 'not ours');
});
afterEach(() => rmSync(join(root, '..'), { recursive: true, force: true }));

function sink() {
  const exported: [string, string][] = [];
  return { exported, exportVariable: (name: string, value: string) => void exported.push([name, value]) };
}

describe('isInside', () => {
  it.each([
    ['/r/keyless', '/r/keyless/aws/config', true],
    ['/r/keyless', '/r/keyless', false],
    ['/r/keyless', '/r/keyless-evil/config', false],
    ['/r/keyless', '/r/keyless/../outside', false],
    ['/r/keyless', 'keyless/aws/config', false],
    ['/r/keyless', '/etc/passwd', false],
  ])('%s contains %s: %s', (r, path, inside) => {
    expect(isInside(r, path)).toBe(inside);
  });
});

describe('parseCleanupState', () => {
  it('reads what the main step saves', () => {
    const state: CleanupState = { version: 1, variables: ['AWS_PROFILE'], entries: [{ kind: 'dir', path: '/r/keyless/aws' }] };
    expect(parseCleanupState(JSON.stringify(state))).toEqual(state);
    expect(parseCleanupState('')).toBeUndefined();
  });

  it.each([
    ['a variable that is not AWS_*', { version: 1, variables: ['PATH'], entries: [] }],
    ['an unknown entry kind', { version: 1, variables: [], entries: [{ kind: 'rm-rf', path: '/' }] }],
    ['sections without a list', { version: 1, variables: [], entries: [{ kind: 'sections', path: '/x', created: true }] }],
    ['another version', { version: 2, variables: [], entries: [] }],
  ])('refuses %s', (_name, value) => {
    expect(() => parseCleanupState(JSON.stringify(value))).toThrow(/not in the format/);
  });
});

describe('runCleanup', () => {
  it('deletes a file it created once its own sections are gone', () => {
    const config = join(root, 'aws', 'config');
    writeFileSync(config, '# header\n\n[profile a]\nregion = x\n', { mode: 0o600 });
    const out = sink();
    const report = runCleanup({ version: 1, variables: ['AWS_PROFILE'], entries: [{ kind: 'sections', path: config, created: true, sections: ['profile a'] }] }, root, out);
    expect(existsSync(config)).toBe(false);
    expect(out.exported).toEqual([['AWS_PROFILE', '']]);
    expect(report.removed).toEqual(['blanked AWS_PROFILE for the rest of the job', `deleted ${config} ([profile a])`]);
    expect(report.problems).toEqual([]);
  });

  it('removes only its own section from a file another step created', () => {
    const config = join(root, 'aws', 'config');
    writeFileSync(config, '[profile a]\nregion = x\n\n[profile b]\nregion = y\n', { mode: 0o600 });
    const report = runCleanup({ version: 1, variables: [], entries: [{ kind: 'sections', path: config, created: false, sections: ['profile b'] }] }, root, sink());
    expect(readFileSync(config, 'utf8')).toBe('[profile a]\nregion = x\n');
    expect(report.removed).toEqual([`removed [profile b] from ${config}`]);
  });

  it('keeps a file it created while other steps still have profiles in it', () => {
    const config = join(root, 'aws', 'config');
    writeFileSync(config, '[profile a]\nregion = x\n\n[profile b]\nregion = y\n', { mode: 0o600 });
    const report = runCleanup({ version: 1, variables: [], entries: [{ kind: 'sections', path: config, created: true, sections: ['profile a'] }] }, root, sink());
    expect(readFileSync(config, 'utf8')).toBe('[profile b]\nregion = y\n');
    expect(report.kept).toEqual([`kept ${config}: it still holds [profile b], written by other steps`]);
  });

  it('never touches a path outside the job folder, whatever the state says', () => {
    const report = runCleanup(
      { version: 1, variables: [], entries: [{ kind: 'file', path: outside }, { kind: 'sections', path: outside, created: true, sections: [] }] },
      root,
      sink(),
    );
    expect(readFileSync(outside, 'utf8')).toBe('not ours');
    expect(report.problems).toEqual([`not touching ${outside}: it is outside ${root}`, `not touching ${outside}: it is outside ${root}`]);
  });

  it('keeps a folder that holds something it did not write, and goes on after a failure', () => {
    const dir = join(root, 'aws');
    writeFileSync(join(dir, 'mine.txt'), 'a user file');
    const failing = { exportVariable: () => { throw new Error('GITHUB_ENV is not writable'); } };
    const report = runCleanup({ version: 1, variables: ['AWS_REGION'], entries: [{ kind: 'dir', path: dir }] }, root, failing);
    expect(existsSync(join(dir, 'mine.txt'))).toBe(true);
    expect(report.kept).toEqual([`kept ${dir}: it still holds mine.txt`]);
    expect(report.problems).toEqual(['blanking the exported variables: GITHUB_ENV is not writable']);
  });

  it('refuses to follow a symlink planted where its file was', async () => {
    const { symlinkSync } = await import('node:fs');
    const link = join(root, 'aws', 'config');
    symlinkSync(outside, link);
    const report = runCleanup({ version: 1, variables: [], entries: [{ kind: 'sections', path: link, created: true, sections: [] }] }, root, sink());
    expect(readFileSync(outside, 'utf8')).toBe('not ours');
    expect(report.problems[0]).toMatch(/it is a symlink/);
  });
});
