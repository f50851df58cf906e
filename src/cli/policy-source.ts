/**
 * Loads one trust policy for `test` and `prove`: a policy JSON file (document, wrapper, get-role
 * output), or one role of anything the audit reads (IAM output, a Terraform plan, a CloudFormation
 * template), picked by name when there are several.
 */
import { resolve } from 'node:path';
import { BoundedParseError } from '../shared/bounded-parse.js';
import { SourceSyntaxError } from '../trust/audit/located.js';
import { readRoles, syntaxOf } from '../trust/audit/read.js';
import { parseTrustPolicy, TrustPolicyError } from '../trust/index.js';
import { readProblem } from './args.js';
import type { CommandHost } from './host.js';
import { CliError, emptyPolicyFile } from './inputs.js';
import { quoteIfNeeded } from '../shared/outside-text.js';

export interface LoadedPolicy {
  readonly policy: unknown;
  /** The file, plus the role when one was picked. */
  readonly label: string;
  /** What reading the source assumed (parameter defaults, unresolved values), as note lines. */
  readonly notes: readonly string[];
}

/** `PATH` or `PATH#ROLE` (a role of a template or IAM output). */
export function splitRole(spec: string): [string, string | undefined] {
  const hash = spec.lastIndexOf('#');
  return hash > 0 ? [spec.slice(0, hash), spec.slice(hash + 1)] : [spec, undefined];
}

/**
 * `what` names the flag or field the file came from, and `pick` says how to name a role (prove:
 * FILE#ROLE; test: role: NAME), for messages.
 */
export async function loadPolicy(host: CommandHost, file: string, role: string | undefined, what: string, pick = 'name one'): Promise<LoadedPolicy> {
  let text: string;
  try {
    text = host.readText(resolve(host.cwd, file));
  } catch (error) {
    throw new CliError(`${what} ${JSON.stringify(file)}: cannot read the file (${readProblem(error)})`);
  }
  if (text.trim() === '') throw emptyPolicyFile(what, file);
  const syntax = syntaxOf(file, text);
  let roles;
  try {
    roles = await readRoles(text, file, file, syntax);
  } catch (error) {
    if (error instanceof SourceSyntaxError) throw new CliError(`${what} ${JSON.stringify(file)} is not valid ${syntax === 'json' ? 'JSON' : 'YAML'} at ${error.message}`);
    if (error instanceof BoundedParseError) throw new CliError(`${what} ${JSON.stringify(file)} ${error.problem}`);
    throw error;
  }
  if (!roles || roles.length === 0) {
    throw new CliError(`${what} ${JSON.stringify(file)} holds no trust policy (expected a policy document, IAM output, Terraform plan JSON or a CloudFormation template with a role)`);
  }
  // A policy document is no role: the audit names it by its file, which is no role name to offer.
  if (role !== undefined && roles.every((r) => r.source.format === 'policy')) {
    throw new CliError(`${what} ${JSON.stringify(file)} is a trust policy document, which holds no named roles; give the file without a role (${pick} only for a template, a Terraform plan or IAM output)`);
  }
  const names = roles.map((r) => r.role);
  const chosen = role !== undefined ? roles.find((r) => r.role === role) : roles.length === 1 ? roles[0] : undefined;
  if (!chosen) {
    throw new CliError(
      role !== undefined
        ? `${what} ${JSON.stringify(file)} has no role ${JSON.stringify(role)}; it has ${names.map((n) => JSON.stringify(n)).join(', ')}`
        : `${what} ${JSON.stringify(file)} holds ${roles.length} roles; ${pick}: ${names.map((n) => JSON.stringify(n)).join(', ')}`,
    );
  }
  if (chosen.policies.length !== 1) {
    throw new CliError(
      chosen.policies.length === 0
        ? `${what} ${JSON.stringify(file)}: the policy of ${quoteIfNeeded(chosen.role)} is not known from the file (${chosen.notes[0]?.message ?? 'unresolved'})`
        : `${what} ${JSON.stringify(file)}: the policy of ${quoteIfNeeded(chosen.role)} depends on template conditions (${chosen.policies.length} variants); test a rendered policy`,
    );
  }
  const policy = chosen.policies[0];
  try {
    parseTrustPolicy(policy);
  } catch (error) {
    if (error instanceof TrustPolicyError) throw new CliError(`${what} ${JSON.stringify(file)} is not a valid trust policy: ${error.message}`);
    throw error;
  }
  // File names and logical ids come from the repository: quoted unless plain.
  const label = chosen.source.format === 'policy' ? quoteIfNeeded(file) : `${quoteIfNeeded(file)} (${quoteIfNeeded(chosen.role)})`;
  return { policy, label, notes: chosen.notes.map((n) => `${label}: ${n.message}`) };
}
