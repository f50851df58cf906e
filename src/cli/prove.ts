/**
 * `keyless trust-policy prove --policy FILE --only KEY=VALUE[,VALUE…]` and
 * `keyless trust-policy prove --disjoint A B`: exact answers, or a counterexample run.
 */
import { evaluateTrustPolicy, formatDecision } from '../trust/index.js';
import { ONLY_CLAIMS, ProveError, proveDisjoint, proveOnly, type OnlyConstraint, type ProveOptions, type ProveResult } from '../trust/prove/prove.js';
import { TEMPLATE_CLAIMS } from '../trust/prove/run-model.js';
import { guarded, parseCommand } from './args.js';
import type { AuditIo } from './audit.js';
import { PROVE_HELP } from './help-audit.js';
import { CliError } from './inputs.js';
import { loadPolicy, splitRole, type LoadedPolicy } from './policy-source.js';

function parseOnly(raw: readonly string[]): OnlyConstraint[] {
  const seen = new Set<string>();
  return raw.map((text) => {
    const eq = text.indexOf('=');
    const key = eq > 0 ? text.slice(0, eq).trim() : '';
    if (!(ONLY_CLAIMS as readonly string[]).includes(key)) {
      throw new CliError(`--only ${JSON.stringify(text)}: expected KEY=VALUE[,VALUE…] with KEY one of ${ONLY_CLAIMS.join(', ')}`);
    }
    if (seen.has(key)) throw new CliError(`--only ${key}=… is given twice; list every value in one flag, separated by commas`);
    seen.add(key);
    const values = text.slice(eq + 1).split(',').map((v) => v.trim());
    if (values.some((v) => v === '')) throw new CliError(`--only ${JSON.stringify(text)}: a value is empty`);
    return { claim: key as OnlyConstraint['claim'], values };
  });
}

function proveOptions(v: Record<string, unknown>): ProveOptions {
  const form = (v['subject-form'] as string | undefined) ?? 'any';
  if (!['any', 'name-only', 'immutable'].includes(form)) throw new CliError(`--subject-form ${JSON.stringify(form)}: expected any, name-only or immutable`);
  const claims = v['subject-claims'] as string | undefined;
  const template = claims?.split(',').map((c) => c.trim());
  if (template && (template.length === 0 || template.some((c) => !(TEMPLATE_CLAIMS as readonly string[]).includes(c)))) {
    throw new CliError(`--subject-claims ${JSON.stringify(claims)}: expected claim names separated by commas, from ${TEMPLATE_CLAIMS.join(', ')}`);
  }
  return { ...(form !== 'any' ? { forms: [form as 'name-only' | 'immutable'] } : {}), ...(template ? { template } : {}) };
}

function describeSet(only: readonly OnlyConstraint[]): string {
  return only.map((c) => `${c.claim} in {${c.values.join(', ')}}`).join(' and ');
}

function searched(result: ProveResult): string {
  return `searched ${result.runKinds} kind${result.runKinds === 1 ? '' : 's'} of run exhaustively (${result.states} states): jobs with environments, pull requests, branches and tags, both subject forms`;
}

function counterexampleText(head: string, claims: Record<string, string>, policies: readonly LoadedPolicy[]): string {
  const lines = [head, '  claims (as GitHub would issue them for that run):', ...JSON.stringify(claims, null, 2).split('\n').map((l) => `    ${l}`)];
  for (const p of policies) {
    lines.push(`  ${p.label}:`);
    lines.push(...formatDecision(evaluateTrustPolicy(p.policy, claims)).split('\n').map((l) => `    ${l}`));
  }
  return `${lines.join('\n')}\n`;
}

export function proveCommand(args: string[], io: AuditIo): Promise<number> {
  return guarded(io.stderr, async () => {
    const command = 'trust-policy prove';
    const { values: v, positionals } = parseCommand(
      args,
      {
        policy: { type: 'string' },
        only: { type: 'string', multiple: true },
        disjoint: { type: 'boolean' },
        'subject-form': { type: 'string' },
        'subject-claims': { type: 'string' },
        json: { type: 'boolean' },
      },
      command,
      true,
    );
    if (v.help) {
      io.stdout(PROVE_HELP);
      return 0;
    }
    const options = proveOptions(v);
    const only = parseOnly((v.only as string[] | undefined) ?? []);
    const host = io.host;
    if (!host) throw new CliError('this build of keyless cannot read files');
    let result: ProveResult;
    let policies: LoadedPolicy[];
    /** The policies as given (file and role), for --json. */
    let sources: [string, string | undefined][];
    let claimText: (proved: boolean) => string;
    if (v.disjoint) {
      if (v.policy !== undefined || only.length > 0) throw new CliError('--disjoint takes two policy files and no --policy or --only');
      if (positionals.length !== 2) throw new CliError(`--disjoint needs exactly two policy files (got ${positionals.length}): keyless ${command} --disjoint A.json B.json`);
      sources = positionals.map(splitRole);
      policies = await Promise.all(positionals.map((p) => loadPolicy(host, ...splitRole(p), 'policy', `name one as ${p}#ROLE`)));
      claimText = (proved) =>
        proved ? `no single run can assume both ${policies[0]!.label} and ${policies[1]!.label}` : `one run can assume both ${policies[0]!.label} and ${policies[1]!.label}:`;
      result = run(() => proveDisjoint(policies[0]!.policy, policies[1]!.policy, options, [policies[0]!.label, policies[1]!.label]));
    } else {
      if (positionals.length > 0) throw new CliError(`unexpected argument ${JSON.stringify(positionals[0])}; give the policy with --policy FILE (or use --disjoint A B)`);
      if (v.policy === undefined) throw new CliError(`--policy FILE is required, with --only KEY=VALUE[,VALUE…] ("keyless ${command} --help")`);
      if (only.length === 0) throw new CliError('--only KEY=VALUE[,VALUE…] is required: the set of runs the policy should admit at most');
      sources = [splitRole(v.policy as string)];
      policies = [await loadPolicy(host, ...splitRole(v.policy as string), '--policy', `name one as --policy ${splitRole(v.policy as string)[0]}#ROLE`)];
      claimText = (proved) =>
        proved ? `every run ${policies[0]!.label} admits has ${describeSet(only)}` : `${policies[0]!.label} admits a run outside ${describeSet(only)}:`;
      result = run(() => proveOnly(policies[0]!.policy, only, options));
    }
    for (const p of policies) for (const note of p.notes) io.stderr(`note: ${note}\n`);
    if (result.admitsNothing) io.stderr('note: no statement trusts a GitHub OIDC provider, so the policy admits no GitHub Actions run at all\n');
    if (v.json) {
      const proved = sources.map(([file, role]) => ({ file, role: role ?? null }));
      io.stdout(`${JSON.stringify({ proved: result.proved, policies: proved, counterexample: result.counterexample ?? null }, null, 2)}\n`);
    } else if (result.proved) {
      io.stdout(`PROVED: ${claimText(true)}\n  (${searched(result)})\n`);
    } else {
      io.stdout(counterexampleText(`COUNTEREXAMPLE: ${claimText(false)}`, result.counterexample!, policies));
    }
    return result.proved ? 0 : 3;
  });
}

function run(body: () => ProveResult): ProveResult {
  try {
    return body();
  } catch (error) {
    if (error instanceof ProveError) throw new CliError(`cannot decide: ${error.message}`);
    throw error;
  }
}
