import { describe, expect, it } from 'vitest';
import { findFailedClaimRule, parseClaimRules } from '../../src/verify/claim-rules.js';

const claims = {
  repository: 'octo-org/octo-repo',
  environment: 'prod',
  ref: 'refs/heads/main',
  run_attempt: '1',
  repository_id: 123,
  ref_protected: true,
  aud: ['a', 'sts.amazonaws.com'],
};

describe('require-claims', () => {
  it('parses rules, skipping blanks and comments', () => {
    const { rules, problems } = parseClaimRules('repository: octo-org/*\n\n# a comment\n environment : prod, staging \r\n');
    expect(problems).toEqual([]);
    expect(rules.map((r) => [r.claim, r.patterns])).toEqual([
      ['repository', ['octo-org/*']],
      ['environment', ['prod', 'staging']],
    ]);
  });

  it('keeps colons inside patterns', () => {
    expect(parseClaimRules('sub: repo:octo-org/*:environment:prod').rules[0]?.patterns).toEqual(['repo:octo-org/*:environment:prod']);
  });

  it.each<[string, string | undefined]>([
    ['repository: octo-org/*', undefined],
    ['repository: octo-org/octo-repo', undefined],
    ['repository: other-org/*', 'repository'],
    ['repository: octo-org/octo-rep?', undefined],
    ['repository: octo-org/octo-re?', 'repository'],
    ['environment: staging, prod', undefined],
    ['environment: Prod', 'environment'],
    ['repository: octo-org/*\nenvironment: staging', 'environment'],
    ['job_workflow_ref: *', 'job_workflow_ref'],
    ['repository_id: 123', undefined],
    ['ref_protected: true', undefined],
    ['aud: sts.*', undefined],
    ['ref: refs/heads/*', undefined],
    ['ref: refs/tags/*', 'ref'],
  ])('%j → failing claim %s', (text, failing) => {
    const { rules, problems } = parseClaimRules(text);
    expect(problems).toEqual([]);
    expect(findFailedClaimRule(rules, claims)?.rule.claim).toBe(failing);
  });

  it('reports the actual value of the failing claim', () => {
    const failure = findFailedClaimRule(parseClaimRules('environment: staging').rules, claims);
    expect(failure?.actual).toBe('prod');
    expect(failure?.rule.source).toBe('environment: staging');
  });

  it.each([
    ['no colon', 'repository octo-org/*', /has no ":"/],
    ['bad claim name', 'repo sitory: x', /is not a claim name/],
    ['empty pattern list', 'repository:', /empty pattern/],
    ['trailing comma', 'environment: prod,', /empty pattern/],
  ])('%s is a problem naming the line', (_name, text, problem) => {
    const { problems } = parseClaimRules(`repository: ok\n${text}`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^line 2 /);
    expect(problems[0]).toMatch(problem);
  });
});
