/** Expectation files for `keyless trust-policy test`: parsing, errors with their lines, checking. */
import { describe, expect, it } from 'vitest';
import { parseYamlLocated } from '../../src/trust/audit/yaml.js';
import { checkCase, ExpectationError, parseExpectations } from '../../src/trust/expectations.js';
import { GITHUB_PROVIDER_ARN } from './helpers/corpus.js';

const parse = async (text: string) => parseExpectations(await parseYamlLocated(text));

const POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: GITHUB_PROVIDER_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:octo-org/app:environment:production' } },
    },
  ],
};

describe('parseExpectations', () => {
  it('reads the issue\'s example: shorthand runs become the claims GitHub issues, claims are taken as given', async () => {
    const [spec] = await parse(`policy: roles/deploy-prod.json
allow:
  - { repository: octo-org/app, environment: production }
deny:
  - { repository: octo-org/app, ref: refs/heads/feature/x }
  - { claims: { sub: "repo:octo-org/fork:environment:production", aud: sts.amazonaws.com } }
`);
    expect(spec!.policy).toBe('roles/deploy-prod.json');
    expect(spec!.cases.map((c) => [c.expect, c.label, c.line])).toEqual([
      ['allow', 'repo:octo-org/app:environment:production', 3],
      ['deny', 'repo:octo-org/app:ref:refs/heads/feature/x', 5],
      ['deny', 'repo:octo-org/fork:environment:production', 6],
    ]);
    expect(spec!.cases[0]!.claims).toMatchObject({ aud: 'sts.amazonaws.com', repository: 'octo-org/app', environment: 'production', iss: 'https://token.actions.githubusercontent.com' });
    expect(spec!.cases[2]!.claims).toEqual({ sub: 'repo:octo-org/fork:environment:production', aud: 'sts.amazonaws.com' });
    expect(spec!.cases.map((c) => checkCase(POLICY, c).passed)).toEqual([true, true, true]);
  });

  it('applies defaults, names cases, reads several documents and lists', async () => {
    const specs = await parse(`policy: a.json
defaults: { audience: custom, subject: immutable, owner_id: "1", repository_id: "2" }
allow:
  - { name: prod deploy, repository: o/r, environment: prod }
---
- policy: b.json
  deny: [{ repository: o/r, event: pull_request }]
`);
    expect(specs.map((s) => s.policy)).toEqual(['a.json', 'b.json']);
    expect(specs[0]!.cases[0]).toMatchObject({ label: 'prod deploy', claims: { aud: 'custom', sub: 'repo:o@1/r@2:environment:prod' } });
    expect(specs[1]!.cases[0]!.claims.sub).toBe('repo:o/r:pull_request');
  });

  it.each<[string, string, Record<string, string>]>([
    ['branch: a branch name', '{ repository: o/r, branch: release/1 }', { ref: 'refs/heads/release/1', ref_type: 'branch', sub: 'repo:o/r:ref:refs/heads/release/1' }],
    ['branch: a full ref is taken as is', '{ repository: o/r, branch: refs/heads/main }', { ref: 'refs/heads/main' }],
    ['tag: a tag name', '{ repository: o/r, tag: v1.2.0 }', { ref: 'refs/tags/v1.2.0', ref_type: 'tag', sub: 'repo:o/r:ref:refs/tags/v1.2.0' }],
    ['repository with its ids: the immutable subject', '{ repository: octo-org@65/app@74, environment: prod }', { repository: 'octo-org/app', repository_owner_id: '65', repository_id: '74', sub: 'repo:octo-org@65/app@74:environment:prod' }],
    ['…unless subject says name-only', '{ repository: octo-org@65/app@74, environment: prod, subject: name-only }', { repository_id: '74', sub: 'repo:octo-org/app:environment:prod' }],
  ])('shorthand %s', async (_, run, claims) => {
    const [spec] = await parse(`policy: a.json\nallow:\n  - ${run}\n`);
    expect(spec!.cases[0]!.claims).toMatchObject(claims);
  });

  it('a case naming another repository does not take the ids of the defaults\' repository', async () => {
    const [spec] = await parse(`policy: a.json
defaults: { repository: octo-org@65/app@74, environment: prod }
allow:
  - { name: same }
  - { name: elsewhere, repository: other/app }
  - { name: its own ids, repository: other@9/app@10 }
`);
    expect(spec!.cases.map((c) => c.claims.sub)).toEqual(['repo:octo-org@65/app@74:environment:prod', 'repo:other/app:environment:prod', 'repo:other@9/app@10:environment:prod']);
    expect(spec!.cases[1]!.claims).not.toHaveProperty('repository_id');
    const [, explicit] = await parse(`policy: a.json
allow: [{ repository: o/r }]
---
policy: b.json
defaults: { repository: octo-org/app, owner_id: "65", repository_id: "74", subject: immutable, environment: prod }
allow:
  - { name: "same, in other case", repository: Octo-Org/App }
  - { name: sibling, repository: octo-org/api, repository_id: "80" }
`);
    expect(explicit!.cases.map((c) => c.claims.sub)).toEqual(['repo:Octo-Org@65/App@74:environment:prod', 'repo:octo-org@65/api@80:environment:prod']);
  });

  it('an explicit immutable subject in the defaults, and a case naming another repository without ids: refused, naming what is missing', async () => {
    await expect(parse('policy: a.json\ndefaults: { repository: o/r, owner_id: "1", repository_id: "2", subject: immutable }\nallow:\n  - { repository: x/y }\n')).rejects.toThrow(/needs owner_id and repository_id/);
  });

  it.each([
    ['allow: []\n', 1, /policy .* is required/],
    ['policy: a.json\nallow:\n  - { repository: o/r, repo: x }\n', 3, /unknown field "repo"/],
    ['policy: a.json\nallow:\n  - { environment: prod }\n', 3, /repository \(OWNER\/REPO\) is required/],
    ['policy: a.json\ndeny:\n  - { repository: o/r, claims: { sub: x } }\n', 3, /either claims or the shorthand/],
    ['policy: a.json\nallow:\n  - { repository: not-a-repo }\n', 3, /repository: "not-a-repo" is not OWNER\/REPO/],
    ['policy: a.json\nallow:\n  - { repository: o/r, subject: immutable }\n', 3, /needs owner_id and repository_id/],
    ['policy: a.json\nexpect: []\n', 2, /unknown key "expect"/],
    ['policy: a.json\nallow:\n  - { repository: o/r, branch: main, tag: v1 }\n', 3, /give one of ref, branch or tag, not branch and tag/],
    ['policy: a.json\nallow:\n  - { repository: o/r, ref: refs/heads/x, branch: main }\n', 3, /give one of ref, branch or tag, not ref and branch/],
    ['policy: a.json\nallow:\n  - { repository: o@1/r@2, repository_id: "3" }\n', 3, /repository_id "3" disagrees with the repository's "2"/],
    ['policy: a.json\nallow:\n  - { repository: o@x/r@2 }\n', 3, /repository "o@x\/r@2": the owner id "x" is not a number/],
    ['policy: a.json\n', 1, /no runs/],
  ])('refuses %j at line %i', async (text, line, message) => {
    const attempt = parse(text);
    await expect(attempt).rejects.toBeInstanceOf(ExpectationError);
    await expect(attempt).rejects.toMatchObject({ line });
    await expect(attempt).rejects.toThrow(message);
  });
});
