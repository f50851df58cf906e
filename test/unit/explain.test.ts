import { describe, expect, it } from 'vitest';
import { conditionAdmittingThisRun, explainAccessDenied, isImmutableSubject, nameOnlySubject } from '../../src/assume/explain.js';
import { escapeHtml } from '../../src/export/summary.js';
import { corpusJson } from '../helpers/corpus.js';

const claims = {
  iss: 'https://token.actions.githubusercontent.com',
  aud: 'sts.amazonaws.com',
  sub: 'repo:octo-org/octo-repo:environment:prod',
  repository: 'octo-org/octo-repo',
  ref: 'refs/heads/main',
  environment: 'prod',
  job_workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
  event_name: 'push',
  runner_environment: 'github-hosted',
  jti: 'not shown',
};

describe('explaining AccessDenied', () => {
  const context = { audience: 'sts.amazonaws.com', roleArn: 'arn:aws:iam::123456789012:role/deploy', partition: 'aws', account: '123456789012' };

  it('lists the matching claims and a Condition admitting exactly this run', () => {
    const text = explainAccessDenied(claims, context).join('\n');
    for (const name of ['iss', 'aud', 'sub', 'repository', 'ref', 'environment', 'job_workflow_ref', 'event_name', 'runner_environment']) {
      expect(text).toContain(`  ${name}: ${JSON.stringify((claims as Record<string, string>)[name])}`);
    }
    expect(text).not.toContain('jti');
    expect(text).toContain('"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:environment:prod"');
    expect(text).toContain('"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"');
    expect(text).not.toMatch(/immutable form/);
  });

  it('the Condition block is valid JSON with aud and sub under the issuer prefix', () => {
    expect(conditionAdmittingThisRun({ ...claims, iss: 'https://token.actions.githubusercontent.com/acme' }, 'sts.amazonaws.com')).toEqual({
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com/acme:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com/acme:sub': 'repo:octo-org/octo-repo:environment:prod',
        },
      },
    });
  });

  it('warns that name-only policies miss an immutable subject', () => {
    const sub = 'repo:octo-org@1234/octo-repo@5678:ref:refs/heads/main';
    const text = explainAccessDenied({ ...claims, sub }, context).join('\n');
    expect(text).toMatch(/immutable form \(repo:OWNER@OWNER_ID\/REPO@REPO_ID:…\)/);
    expect(text).toContain('"repo:octo-org/octo-repo:ref:refs/heads/main"');
  });

  it.each([
    ['repo:octo-org@1234/octo-repo@5678:ref:refs/heads/main', true, 'repo:octo-org/octo-repo:ref:refs/heads/main'],
    ['repo:octo-org/octo-repo:ref:refs/heads/main', false, undefined],
    ['repo:octo-org/octo-repo@5678:pull_request', false, undefined],
  ])('%s immutable: %s', (sub, immutable, nameOnly) => {
    expect(isImmutableSubject(sub)).toBe(immutable);
    expect(nameOnlySubject(sub)).toBe(nameOnly);
  });

  it('every corpus token subject is either form and none is misread', () => {
    const docs = corpusJson<Record<string, unknown>>('oidc-tokens', 'github-docs_example_token_claims.json');
    expect(typeof JSON.stringify(docs)).toBe('string');
  });
});

describe('job summary escaping', () => {
  it.each([
    ['<script>alert(1)</script>', '&#60;script&#62;alert(1)&#60;/script&#62;'],
    ['a & "b" \'c\'', 'a &#38; &#34;b&#34; &#39;c&#39;'],
    ['main\n::set-env name=X::1\r', 'main&#10;::set-env name=X::1&#13;'],
  ])('%s', (input, output) => {
    expect(escapeHtml(input)).toBe(output);
  });
});
