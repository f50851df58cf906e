/**
 * The action's hint for a workflow that still gives stored keys names a `keyless setup aws`
 * command: it must run as printed with the CLI bundle (exit 0, a template on stdout), filled in
 * with the run's repository and branch where they need no quoting.
 */
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/inputs/settings.js';
import type { KeylessError } from '../../src/shared/errors.js';
import { contextFromEnv } from '../helpers/context.js';
import { keyless } from './helpers/process.js';

/** The message the action fails with when it is given a stored key, in the given run. */
function refusal(env: Record<string, string>): string {
  try {
    const inputs: Record<string, string> = { 'aws-access-key-id': 'AKIAIOSFODNN7EXAMPLE', 'role-to-assume': 'arn:aws:iam::123456789012:role/r', 'aws-region': 'eu-west-1' };
    parseSettings((name) => inputs[name] ?? '', contextFromEnv(env));
  } catch (error) {
    const e = error as KeylessError;
    return [e.message, ...e.details].join('\n');
  }
  throw new Error('stored keys were not refused');
}

describe('the migration hint for stored keys', () => {
  it.each<[string, Record<string, string>, string]>([
    ['outside a run', {}, 'npx --yes github:keyless/keyless setup aws --repository OWNER/REPO --branch main --format cloudformation'],
    ['on a branch', { GITHUB_REPOSITORY: 'octo-org/octo-repo', GITHUB_REF: 'refs/heads/release/v2' }, 'npx --yes github:keyless/keyless setup aws --repository octo-org/octo-repo --branch release/v2 --format cloudformation'],
    ['on a tag', { GITHUB_REPOSITORY: 'octo-org/octo-repo', GITHUB_REF: 'refs/tags/v1' }, 'npx --yes github:keyless/keyless setup aws --repository octo-org/octo-repo --branch main --format cloudformation'],
    ['a branch that would need quoting', { GITHUB_REPOSITORY: 'octo-org/octo-repo', GITHUB_REF: 'refs/heads/feat/$(id)' }, 'npx --yes github:keyless/keyless setup aws --repository octo-org/octo-repo --branch main --format cloudformation'],
    ['a branch that looks like a flag', { GITHUB_REPOSITORY: 'octo-org/octo-repo', GITHUB_REF: 'refs/heads/-x' }, 'npx --yes github:keyless/keyless setup aws --repository octo-org/octo-repo --branch main --format cloudformation'],
  ])('%s: the command runs as printed', async (_name, env, command) => {
    const message = refusal(env);
    expect(message).toContain('input "aws-access-key-id": expected no value. Keyless never takes stored AWS keys');
    expect(message).not.toContain('AKIAIOSFODNN7EXAMPLE');
    const printed = /`(npx --yes github:keyless\/keyless setup aws [^`]*)`/.exec(message)?.[1];
    expect(printed).toBe(command);
    // "npx --yes github:keyless/keyless" is this repository's CLI: run the rest of the line with the bundle, split as a shell would.
    const r = await keyless(printed!.split(' ').slice(3));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^AWSTemplateFormatVersion: "?2010-09-09"?$/m);
    expect(r.stderr).not.toContain('error');
  });
});
