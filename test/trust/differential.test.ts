/**
 * Differential test: our trust engine against @cloud-copilot/iam-simulate (an independent IAM
 * simulator) on the corpus policies, their mutants and seeded random policies, with GitHub-like
 * claim sets. Every disagreement must belong to a class of differential/known-disagreements.json, and
 * every class listed there must still occur. DIFFERENTIAL_CASES sets the number of random policies
 * (default 600, a few seconds; try 20000 locally); DIFFERENTIAL_REPORT=1 prints the counts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateCondition, evaluateTrustPolicy, parseTrustPolicy } from '../../src/trust/index.js';
import { readRoles, syntaxOf } from '../../src/trust/audit/read.js';
import { claimSet, edgeCases, mutants, Pick, PROVIDER_ARN, randomPolicy, rng, type Claims, type Policy } from './differential/cases.js';
import { contexts, explain } from './differential/classify.js';
import { loadSimulator, type Simulate } from './differential/simulator.js';
import { corpusPath, policyFiles, readCorpusJson, withConcretePrincipal } from './helpers/corpus.js';
import { policiesFromFixture } from './helpers/hcl.js';

const RANDOM_POLICIES = Number(process.env.DIFFERENTIAL_CASES ?? 600);
const SEED = 20;

interface Known {
  disagreements: { class: string; ours: string; simulator: string; reason: string; source: string }[];
}
const known = JSON.parse(readFileSync(new URL('./differential/known-disagreements.json', import.meta.url), 'utf8')) as Known;

async function corpusPolicies(): Promise<{ name: string; policy: Policy }[]> {
  const out: { name: string; policy: Policy }[] = [];
  for (const file of policyFiles()) out.push({ name: file, policy: withConcretePrincipal(readCorpusJson('trust-policies', 'policies', file)) as Policy });
  const iac = corpusPath('iac-trust-policies');
  for (const file of readdirSync(iac)) {
    const text = readFileSync(`${iac}/${file}`, 'utf8');
    if (file.endsWith('.tf')) {
      // The test HCL reader knows aws_iam_policy_document blocks; a jsonencode() policy it cannot read is left out.
      let found: Map<string, Record<string, unknown>>;
      try {
        found = policiesFromFixture(text);
      } catch {
        continue;
      }
      for (const [name, policy] of found) out.push({ name: `${file}#${name}`, policy: withConcretePrincipal(policy) as Policy });
    } else if (file.endsWith('.yml')) {
      for (const role of (await readRoles(text, file, file, syntaxOf(file, text))) ?? []) {
        for (const policy of role.policies) out.push({ name: `${file}#${role.role}`, policy: withConcretePrincipal(policy) as Policy });
      }
    }
  }
  // Only documents IAM would accept take part (a refused one has no verdict to compare).
  return out.filter(({ policy }) => {
    try {
      parseTrustPolicy(policy);
      return true;
    } catch {
      return false;
    }
  });
}

interface Disagreement {
  readonly class: string;
  readonly policy: Policy;
  readonly claims: Claims;
  readonly ours: boolean;
}

describe('differential: our engine against @cloud-copilot/iam-simulate', () => {
  let simulate: Simulate;
  const disagreements: Disagreement[] = [];
  let compared = 0;
  let corpusCount = 0;

  const compare = (policy: Policy, claims: Claims): void => {
    let ours: boolean;
    try {
      ours = evaluateTrustPolicy(policy, claims).allowed;
    } catch {
      return; // a document we refuse (as IAM would) has no verdict
    }
    compared++;
    const theirs = simulate(policy, PROVIDER_ARN, contexts(claims).simulator) === 'allow';
    if (ours !== theirs) disagreements.push({ class: explain(policy, claims, simulate).class, policy, claims, ours });
  };

  beforeAll(async () => {
    simulate = await loadSimulator();
    const pick = new Pick(rng(SEED));
    const claimSets = Array.from({ length: 40 }, () => claimSet(pick));
    const corpus = await corpusPolicies();
    expect(corpus.length).toBeGreaterThan(30);
    corpusCount = corpus.length;
    for (const { policy } of corpus) {
      for (const claims of claimSets) compare(policy, claims);
      for (const mutant of mutants(policy, pick, 12)) for (const claims of claimSets.slice(0, 10)) compare(mutant, claims);
    }
    for (const { policy, claims } of edgeCases(pick)) compare(policy, claims);
    for (let i = 0; i < RANDOM_POLICIES; i++) {
      const sample = claimSet(pick);
      const policy = randomPolicy(pick, sample);
      compare(policy, sample);
      for (let j = 0; j < 3; j++) compare(policy, claimSet(pick));
    }
  }, 60_000 + RANDOM_POLICIES * 20); // a larger DIFFERENTIAL_CASES gets the time it needs

  it('agrees on the corpus condition vectors (condition-vectors/oidc_condition_semantics_vectors.json)', () => {
    const vectors = readCorpusJson<{ vectors: { id: string; context: Record<string, string | string[]>; condition: Record<string, unknown> }[] }>(
      'condition-vectors',
      'oidc_condition_semantics_vectors.json',
    ).vectors;
    const differ: string[] = [];
    for (const v of vectors) {
      const ours = evaluateCondition(v.condition, v.context, { version: '2012-10-17' }).holds;
      const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: v.condition }] };
      const theirs = simulate(policy, PROVIDER_ARN, v.context) === 'allow';
      if (ours !== theirs) differ.push(v.id);
    }
    expect(vectors.length).toBeGreaterThan(20);
    expect(differ).toEqual([]);
  });

  it('compares thousands of cases', () => {
    if (process.env.DIFFERENTIAL_REPORT) {
      const byClass = Object.fromEntries([...new Set(disagreements.map((d) => d.class))].map((c) => [c, disagreements.filter((d) => d.class === c).length]));
      console.log(`corpus policies ${corpusCount}, cases compared ${compared}, disagreements by class ${JSON.stringify(byClass)}`);
    }
    expect(compared).toBeGreaterThan(3000);
  });

  it('agrees everywhere except in the known classes', () => {
    const unexplained = disagreements.filter((d) => !known.disagreements.some((k) => k.class === d.class));
    expect(unexplained.slice(0, 3).map((d) => ({ class: d.class, ours: d.ours, policy: d.policy, claims: d.claims }))).toEqual([]);
  });

  it.each(known.disagreements.map((k) => [k.class, k] as const))('known class %s still occurs, with a reason and a source', (name, k) => {
    expect(k.reason.length).toBeGreaterThan(20);
    expect(k.source.length).toBeGreaterThan(20);
    expect(disagreements.some((d) => d.class === name)).toBe(true);
  });
});
