/**
 * Routes for the loopback GitHub API that answer with the corpus's own documented responses
 * (test/corpus/github-api): the openapi examples and the recorded 404 "Branch not protected".
 * Overrides change a route's answer (a 403, a rename) while keeping GitHub's shape.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitHubApiAnswer, GitHubApiRoute } from '../../../src/local/github-api.js';

const DIR = join(import.meta.dirname, '..', '..', 'corpus', 'github-api');

export function example(name: string): unknown {
  return JSON.parse(readFileSync(join(DIR, 'openapi-examples', `${name}.json`), 'utf8'));
}

/** The recorded answer of the octokit fixture's first request (404 {"message":"Branch not protected"}). */
export function branchNotProtected(): GitHubApiAnswer {
  const [first] = JSON.parse(readFileSync(join(DIR, 'octokit-fixtures', 'branch-protection__normalized-fixture.json'), 'utf8')) as { status: number; response: unknown }[];
  return { status: first!.status, body: first!.response };
}

export const TEMPLATES = {
  repository: '/repos/{owner}/{repo}',
  subject: '/repos/{owner}/{repo}/actions/oidc/customization/sub',
  environments: '/repos/{owner}/{repo}/environments',
  branchPolicies: '/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies',
  branchRules: '/repos/{owner}/{repo}/rules/branches/{branch}',
  protection: '/repos/{owner}/{repo}/branches/{branch}/protection',
} as const;

export type Answers = { [K in keyof typeof TEMPLATES]?: (params: Readonly<Record<string, string>>, url: URL) => GitHubApiAnswer };

export function corpusRoutes(overrides: Answers = {}): GitHubApiRoute[] {
  const defaults: Required<Answers> = {
    repository: () => ({ status: 200, body: example('repos__get__default-response') }),
    subject: () => ({ status: 200, body: example('actions__get-custom-oidc-sub-claim-for-repo__default') }),
    environments: () => ({ status: 200, body: example('repos__get-all-environments__default') }),
    branchPolicies: () => ({ status: 200, body: example('repos__list-deployment-branch-policies__default') }),
    branchRules: () => ({ status: 200, body: example('repos__get-branch-rules__default') }),
    protection: () => branchNotProtected(),
  };
  return (Object.keys(TEMPLATES) as (keyof typeof TEMPLATES)[]).map((key) => ({
    method: 'GET',
    path: TEMPLATES[key],
    answer: (params, url) => (overrides[key] ?? defaults[key])(params, url),
  }));
}
