/** Shared by the setup tests: the CLI as a process, the trust policy out of each format, and runs built on real token claims. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { corpusJson } from '../../helpers/corpus.js';
import { ROOT } from '../../helpers/runner.js';
import { runProcess, runProcessSync, type ProcessResult } from '../../helpers/child.js';

export const BUNDLE = join(ROOT, 'dist', 'cli', 'index.js');
export const ACCOUNT = '123456789012';
export const AWS_CLI = ['/usr/bin/aws', '/usr/local/bin/aws'].find((path) => existsSync(path));
export const TERRAFORM = ['/usr/local/bin/terraform', '/usr/bin/terraform'].find((path) => existsSync(path));

export type Result = ProcessResult;

/** A clean environment: no AWS settings of the machine leak in. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: '/nonexistent',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

export function keyless(args: string[], env: Record<string, string> = {}): Result {
  return runProcessSync(process.execPath, [BUNDLE, ...args], { env: cleanEnv(env), timeoutMs: 60_000 });
}

/** The same, without blocking the event loop (the loopback IAM runs in this process). */
export function keylessAsync(args: string[], env: Record<string, string> = {}, input?: string): Promise<Result> {
  return runProcess(process.execPath, [BUNDLE, ...args], { env: cleanEnv(env), ...(input !== undefined ? { stdin: input } : {}) });
}

export function providerArn(path: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${ACCOUNT}:oidc-provider/${path}`;
}

/** Resolves the template's intrinsics for a stack in ACCOUNT, with the provider created (true) or existing (false). */
export function resolveCloudFormation(value: unknown, partition: string, create: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveCloudFormation(v, partition, create));
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if ('Fn::If' in o) {
    const [condition, yes, no] = o['Fn::If'] as [string, unknown, unknown];
    if (condition !== 'ShouldCreateOIDCProvider') throw new Error(`unknown condition ${condition}`);
    return resolveCloudFormation(create ? yes : no, partition, create);
  }
  if ('Ref' in o) {
    if (o['Ref'] !== 'GitHubOIDCProvider') throw new Error(`unexpected Ref ${String(o['Ref'])}`);
    return { $providerRef: true };
  }
  if ('Fn::Sub' in o) return String(o['Fn::Sub']).replace('${AWS::Partition}', partition).replace('${AWS::AccountId}', ACCOUNT);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolveCloudFormation(v, partition, create)]));
}

/** The role's trust policy in a CloudFormation template, with Ref to the provider resolved to its ARN. */
export function policyFromTemplate(template: Record<string, unknown>, partition: string, create: boolean): unknown {
  const resources = template['Resources'] as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const provider = resources['GitHubOIDCProvider']!;
  const url = String(provider.Properties['Url']).replace(/^https:\/\//, '');
  const resolved = resolveCloudFormation(resources['GitHubActionsRole']!.Properties['AssumeRolePolicyDocument'], partition, create);
  return JSON.parse(JSON.stringify(resolved).replace('{"$providerRef":true}', JSON.stringify(providerArn(url, partition))));
}

export function parseCloudFormationYaml(text: string): Record<string, unknown> {
  return parseYaml(text) as Record<string, unknown>;
}

/**
 * The `assume_role_policy = jsonencode({…})` object of the Terraform output, as JSON: HCL object
 * syntax turned into JSON, references replaced by `references[name]`.
 */
export function policyFromTerraform(config: string, references: Record<string, string>): unknown {
  const start = config.indexOf('assume_role_policy = jsonencode(');
  if (start < 0) throw new Error('no assume_role_policy = jsonencode( in the config');
  let i = start + 'assume_role_policy = jsonencode('.length;
  let json = '';
  let depth = 0;
  while (i < config.length) {
    const c = config[i]!;
    if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(config.slice(i))![0];
      // HCL's $${ and %%{ escapes stand for ${ and %{.
      json += m.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
      i += m.length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_.\-[\]]*/.exec(config.slice(i));
    if (ident) {
      const name = ident[0];
      if (name === 'true' || name === 'false' || name === 'null') json += name;
      else if (references[name] !== undefined) json += JSON.stringify(references[name]);
      else json += JSON.stringify(name);
      i += name.length;
      continue;
    }
    if (c === '{' || c === '[') depth++;
    if (c === '}' || c === ']') depth--;
    if (c === ')' && depth === 0) break;
    json += c === '=' ? ':' : c === '\n' ? (/[{[,]\s*$/.test(json) || /^\s*[}\]]/.test(config.slice(i + 1)) ? '\n' : ',\n') : c;
    i++;
  }
  return JSON.parse(json.replace(/,(\s*[}\]])/g, '$1'));
}

/** The trust policy the aws-cli script passes to IAM, expanded by bash as the script would, with PROVIDER_ARN set. */
export function policyFromScript(script: string, arn: string): unknown {
  const start = script.indexOf('TRUST_POLICY=$(cat <<EOF\n');
  const end = script.indexOf('\nEOF\n)', start);
  if (start < 0 || end < 0) throw new Error('no TRUST_POLICY heredoc in the script');
  const snippet = `PROVIDER_ARN=${JSON.stringify(arn)}\n${script.slice(start, end + '\nEOF\n)'.length)}\nprintf %s "$TRUST_POLICY"\n`;
  const r = spawnSync('bash', ['-c', snippet], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bash failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The workflow that follows the output as comments, uncommented. */
export function commentedWorkflow(stdout: string): string {
  const marker = '# ---- The workflow side: a job that assumes this role ----\n';
  const at = stdout.indexOf(marker);
  if (at < 0) throw new Error('no workflow section');
  return stdout
    .slice(at + marker.length)
    .split('\n')
    .map((line) => (line === '#' ? '' : line.replace(/^# /, '')))
    .join('\n');
}

type Claims = Record<string, unknown>;
const branchToken = corpusJson<{ payload: Claims }>('oidc-tokens', 'decoded', 'token_neu-se_autograder-action_2025-01.decoded.json').payload;
const environmentToken = corpusJson<{ payload: Claims }>('oidc-tokens', 'decoded', 'token_github-rest-api-docs_pages-deployment_paper-spa_minyi_env-Production_2021-12.decoded.json').payload;

export interface RunSpec {
  repository: string;
  /** Immutable subject form: owner and repository ids. */
  ids?: [string, string];
  environment?: string;
  ref?: string;
  pullRequest?: boolean;
  jobWorkflowRef?: string;
  iss?: string;
  aud?: string;
}

/** The claims of a run, built on a real token's claims (a branch run, or an environment run) with these values. */
export function runClaims(spec: RunSpec): Claims {
  const base = { ...(spec.environment !== undefined ? environmentToken : branchToken) };
  const [owner, repo] = spec.repository.split('/') as [string, string];
  const name = spec.ids ? `${owner}@${spec.ids[0]}/${repo}@${spec.ids[1]}` : `${owner}/${repo}`;
  const ref = spec.pullRequest ? 'refs/pull/42/merge' : (spec.ref ?? 'refs/heads/main');
  const context = spec.environment !== undefined ? `environment:${spec.environment}` : spec.pullRequest ? 'pull_request' : `ref:${ref}`;
  return {
    ...base,
    iss: spec.iss ?? 'https://token.actions.githubusercontent.com',
    aud: spec.aud ?? 'sts.amazonaws.com',
    sub: `repo:${name}:${context}`,
    repository: spec.repository,
    repository_owner: owner,
    ...(spec.ids ? { repository_owner_id: spec.ids[0], repository_id: spec.ids[1] } : {}),
    ref,
    event_name: spec.pullRequest ? 'pull_request' : 'push',
    ...(spec.environment !== undefined ? { environment: spec.environment } : { environment: undefined }),
    job_workflow_ref: spec.jobWorkflowRef ?? `${spec.repository}/.github/workflows/deploy.yml@${ref}`,
  };
}
