/** Shared by the hostile-file tests: a scratch folder, the CLI bundle run with a safety net, attack files. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/runner.js';

export const CLI = join(ROOT, 'dist', 'cli', 'index.js');
export const AUDIT_ACTION = join(ROOT, 'dist', 'audit', 'index.js');

/** A fresh folder under the system temp directory; `remove()` in afterAll. */
export function scratch(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `keyless-hostile-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CliRun {
  /** null when the safety net killed it (a hang: what these tests guard against). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `keyless ARGS…` as a process. A child still running after `killAfterMs` is killed so that a hang
 * leaves nothing behind; the test then fails on its exit code, not on a time it measured.
 */
export function keyless(args: readonly string[], options: { cwd?: string; killAfterMs?: number; env?: Record<string, string> } = {}): Promise<CliRun> {
  if (!existsSync(CLI)) throw new Error(`${CLI} does not exist: build it first (npm run build)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

const ROLE_HEAD = `AWSTemplateFormatVersion: '2010-09-09'\n`;
const roleWith = (document: string) => `Resources:\n  Deploy:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: ${document}\n`;

/**
 * Billion laughs as a CloudFormation template: `levels` anchors, each a list of `width` aliases
 * of the one before, the last one as the role's trust policy: width^levels nodes once expanded.
 */
export function billionLaughsTemplate(levels = 9, width = 9): string {
  const lines = [ROLE_HEAD, `Metadata:\n  l0: &l0 "lol"\n`];
  for (let level = 1; level <= levels; level++) lines.push(`  l${level}: &l${level} [${Array.from({ length: width }, () => `*l${level - 1}`).join(',')}]\n`);
  lines.push(roleWith(`{Version: "2012-10-17", Statement: *l${levels}}`));
  return lines.join('');
}

/** A template whose trust policy contains an alias of itself. */
export const RECURSIVE_ALIAS_TEMPLATE = ROLE_HEAD + roleWith(`&policy {Version: "2012-10-17", Statement: [*policy]}`);

/** JSON nested `depth` arrays deep inside a trust policy's Condition. */
export function deepPolicyJson(depth: number): string {
  return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":${'['.repeat(depth)}"x"${']'.repeat(depth)}}}}]}`;
}
