/**
 * Names git and GitHub allow that mean something to HCL, bash, YAML or CloudFormation (`${x}`,
 * `%{x}`, quotes, `$VAR`, backticks, `#`, `: `) come out of every format as the same literal text.
 */
import { spawnSync } from 'node:child_process';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { hcl, hclString, renderHcl } from '../../src/iam/hcl.js';
import { shellWord } from '../../src/iam/aws-cli.js';
import { yamlScalar } from '../../src/iam/workflow.js';
import { generateTrustPolicy } from '../../src/trust/index.js';
import { ACCOUNT, commentedWorkflow, keyless, parseCloudFormationYaml, policyFromScript, policyFromTemplate, policyFromTerraform, providerArn, TERRAFORM } from './helpers/setup.js';

const BRANCH = 'rel/${x}-%{y}-"q"-\'s\'-$HOME-`id`-#1';
const ENVIRONMENT = 'prod: "eu" #1 $PATH';
const ARGS = ['setup', 'aws', '--repository', 'octo-org/octo-repo', '--branch', BRANCH, '--environment', ENVIRONMENT, '--role-name', 'deploy', '--account', ACCOUNT];
const EXPECTED = generateTrustPolicy({ repository: 'octo-org/octo-repo', branches: [BRANCH], environments: [ENVIRONMENT], account: ACCOUNT });
const ARN = providerArn('token.actions.githubusercontent.com');

function plain(policy: unknown): unknown {
  return JSON.parse(JSON.stringify(policy));
}

describe('literal text through every format', () => {
  it('terraform: $${ and %%{ escapes; terraform fmt agrees; the policy is the generator\'s', () => {
    const config = keyless([...ARGS, '--format', 'terraform']).stdout;
    expect(config).toContain('"repo:octo-org/octo-repo:ref:refs/heads/rel/$${x}-%%{y}-\\"q\\"-\'s\'-$HOME-`id`-#1"');
    expect(plain(policyFromTerraform(config, { 'local.github_oidc_provider_arn': ARN }))).toEqual(EXPECTED);
    if (TERRAFORM) {
      const fmt = spawnSync(TERRAFORM, ['fmt', '-'], { input: config, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: '/tmp', TF_CLI_CONFIG_FILE: '/dev/null' } });
      expect(fmt.status, fmt.stderr).toBe(0);
      expect(fmt.stdout).toBe(config);
    }
  });

  it('aws-cli: bash expands only ${PROVIDER_ARN} in the trust policy', () => {
    const script = keyless([...ARGS, '--format', 'aws-cli']).stdout;
    expect(policyFromScript(script, ARN)).toEqual(EXPECTED);
  });

  it('cloudformation: the YAML reads back as the same values', () => {
    const template = parseCloudFormationYaml(keyless([...ARGS, '--format', 'cloudformation']).stdout);
    expect(policyFromTemplate(template, 'aws', true)).toEqual(EXPECTED);
  });

  it('the workflow: the branch and environment read back, and require-claims keeps them', () => {
    const workflow = parseYaml(commentedWorkflow(keyless([...ARGS, '--format', 'aws-cli']).stdout)) as {
      on: { push: { branches: string[] } };
      jobs: { deploy: { environment: string; steps: { with?: Record<string, string> }[] } };
    };
    expect(workflow.on.push.branches).toEqual([BRANCH]);
    expect(workflow.jobs.deploy.environment).toBe(ENVIRONMENT);
    expect(workflow.jobs.deploy.steps[1]!.with!['require-claims']).toContain(`repo:octo-org/octo-repo:ref:refs/heads/${BRANCH}`);
  });
});

describe('the writers', () => {
  it.each([
    ['plain', 'plain'],
    ['${x}', '"$${x}"'],
    ['%{if}', '"%%{if}"'],
    ['a"b\\c\n', '"a\\"b\\\\c\\n"'],
  ])('hclString(%j) is %s', (value, expected) => {
    expect(hclString(value)).toBe(expected === 'plain' ? '"plain"' : expected);
  });

  it('aligns = over runs of one-line attributes only, as terraform fmt does', () => {
    const text = renderHcl([
      hcl.block('resource', ['t', 'n'], [
        hcl.attr('a', hcl.str('1')),
        hcl.attr('long_name', hcl.num(2)),
        hcl.attr('obj', hcl.object([['k', hcl.str('v')], ['key:with:colons', hcl.bool(true)]])),
        hcl.attr('b', hcl.raw('x.y')),
      ]),
    ]);
    expect(text).toBe(
      'resource "t" "n" {\n  a         = "1"\n  long_name = 2\n  obj = {\n    k                 = "v"\n    "key:with:colons" = true\n  }\n  b = x.y\n}\n',
    );
    if (TERRAFORM) {
      const fmt = spawnSync(TERRAFORM, ['fmt', '-'], { input: text, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: '/tmp', TF_CLI_CONFIG_FILE: '/dev/null' } });
      expect(fmt.stdout).toBe(text);
    }
  });

  it.each([
    ['deploy', 'deploy'],
    ["it's", `'it'\\''s'`],
    ['a b', "'a b'"],
    ['$HOME', "'$HOME'"],
  ])('shellWord(%j) is %s', (value, expected) => {
    expect(shellWord(value)).toBe(expected);
    expect(spawnSync('bash', ['-c', `printf %s ${shellWord(value)}`], { encoding: 'utf8' }).stdout).toBe(value);
  });

  it.each(['main', 'true', '1.0', 'a: b', 'x #y', '*', '"q"', 'ends:', ' lead'])('yamlScalar(%j) reads back as the same string', (value) => {
    expect(parseYaml(`k: ${yamlScalar(value)}`)).toEqual({ k: value });
  });
});
