/** `keyless setup aws`: flags → intent → the chosen format, or `--apply` against IAM with the caller's credentials. */
import { awsCliScript } from '../iam/aws-cli.js';
import { cloudFormationTemplate, cloudFormationYaml } from '../iam/cloudformation.js';
import { checkSetupInput, OUTPUT_FORMATS, roleArn, SetupInputError, type OutputFormat, type SetupIntent } from '../iam/intent.js';
import { terraformConfig } from '../iam/terraform.js';
import { intendedTrustPolicy, requireClaimsLines } from '../iam/trust.js';
import { workflowSnippet } from '../iam/workflow.js';
import { ACCOUNT_PLACEHOLDER, generatedSubjects, GenerateError, hasLintErrors, lintTrustPolicy, SIZE_RULE_IDS } from '../trust/index.js';
import { generateNotes, printNotes, sizeNotes } from './format.js';
import { CliError, parseMaxSize } from './inputs.js';
import { parseFlags, requireFlags } from './args.js';
import { flagError, PROVIDER_OPTIONS, requiredRunFlags, RUNS_TO_ADMIT_FLAGS, RUNS_TO_ADMIT_OPTIONS, runsToAdmit } from './runs-to-admit.js';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './cli-io.js';
import { SETUP_AWS_HELP, SETUP_HELP } from './setup-help.js';

/** The role's options → the flag that sets them (the runs' flags are in runs-to-admit.ts). */
const FLAGS: Record<string, string> = {
  ...RUNS_TO_ADMIT_FLAGS,
  roleName: '--role-name',
  maxSessionDuration: '--max-session-duration',
  policyArns: '--policy-arn',
  permissionsBoundary: '--permissions-boundary',
  region: '--region',
};

const OPTIONS = {
  ...RUNS_TO_ADMIT_OPTIONS,
  ...PROVIDER_OPTIONS,
  'role-name': { type: 'string' },
  'max-session-duration': { type: 'string' },
  'policy-arn': { type: 'string', multiple: true },
  'permissions-boundary': { type: 'string' },
  region: { type: 'string' },
  'max-size': { type: 'string' },
  format: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  apply: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
} as const;

type Values = ReturnType<typeof parseFlags<typeof OPTIONS>>;

function given<T>(value: T | undefined, key: string): Record<string, T> {
  return value === undefined ? {} : { [key]: value };
}

/** The checked intent, or a CliError naming the flag. Call after the required flags are checked. */
export function intentFromFlags(v: Values): SetupIntent {
  try {
    return checkSetupInput({
      trust: runsToAdmit(v),
      ...given(v['role-name'], 'roleName'),
      ...given(v['max-session-duration'], 'maxSessionDuration'),
      policyArns: v['policy-arn'] ?? [],
      ...given(v['permissions-boundary'], 'permissionsBoundary'),
      ...given(v.region, 'region'),
    });
  } catch (error) {
    if (error instanceof GenerateError || error instanceof SetupInputError) throw flagError(error, FLAGS);
    throw error;
  }
}

/** Notes for stderr: what was assumed, what to replace, what to know. */
export function setupNotes(intent: SetupIntent, format: OutputFormat | 'apply', sizeQuota?: number): string[] {
  const notes: string[] = [];
  if (intent.roleNameDefaulted) notes.push(`the role is named ${intent.roleName} (pass --role-name to choose)`);
  if (intent.trust.account === undefined && format !== 'apply') {
    notes.push(`the workflow's role-to-assume uses the placeholder ${ACCOUNT_PLACEHOLDER}: replace it with your account id (or pass --account)`);
  }
  if (intent.regionDefaulted) notes.push(`the workflow's aws-region is ${intent.region} (pass --region to choose)`);
  for (const note of generateNotes(intent.trust)) if (!/placeholder ACCOUNT_ID/.test(note)) notes.push(note);
  const policy = intendedTrustPolicy(intent, '123456789012');
  notes.push(...sizeNotes(policy, sizeQuota));
  const findings = lintTrustPolicy(policy, { audience: intent.trust.audience, issuer: intent.trust.issuer });
  if (findings.some((f) => f.ruleId === 'pull-request-with-protected')) {
    notes.push('the role admits pull_request runs as well as environments or branches: a pull request runs code before review, so consider a separate role for pull requests');
  }
  if (format === 'aws-cli' && !/^https:\/\/token\.actions\.githubusercontent\.com(\/|$)/.test(intent.trust.issuer)) {
    notes.push('older AWS CLIs (such as Debian 12\'s 2.9) require --thumbprint-list for create-open-id-connect-provider: add your server\'s certificate thumbprint there if yours does; current ones let IAM fetch it');
  }
  return notes;
}

function commented(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => (line === '' ? '#' : `# ${line}`))
    .join('\n');
}

async function render(intent: SetupIntent, format: OutputFormat, output: { json: boolean; verbose: boolean; sizeQuota?: number }, io: CliIo): Promise<number> {
  const account = intent.trust.account ?? ACCOUNT_PLACEHOLDER;
  const arn = roleArn(intent, account);
  const workflow = workflowSnippet(intent, arn);
  const notes = setupNotes(intent, format, output.sizeQuota);
  const trustPolicy = intendedTrustPolicy(intent);
  // The generator's output lints clean; this guards the promise at the edge too. Its size is a note (above).
  const findings = lintTrustPolicy(intendedTrustPolicy(intent, '123456789012'), { audience: intent.trust.audience }).filter((f) => !SIZE_RULE_IDS.has(f.ruleId));
  if (hasLintErrors(findings)) {
    throw new Error('the generated trust policy has lint errors (a bug in keyless)');
  }
  let body: string;
  let document: unknown;
  if (format === 'cloudformation-json') {
    document = cloudFormationTemplate(intent);
    body = JSON.stringify(document, null, 2);
  } else if (format === 'cloudformation') {
    const template = cloudFormationTemplate(intent);
    document = template;
    const { stringify } = await import('yaml');
    // YAML 1.1 output quotes what 1.1 readers would take for a date or a boolean (2012-10-17, yes).
    body = cloudFormationYaml(intent, template, (value) => stringify(value, { lineWidth: 0, version: '1.1' }));
  } else if (format === 'terraform') {
    body = terraformConfig(intent);
    document = body;
  } else {
    body = awsCliScript(intent);
    document = body;
  }
  if (output.json) {
    const key = format.startsWith('cloudformation') ? 'template' : format === 'terraform' ? 'config' : 'script';
    io.stdout(
      `${JSON.stringify(
        { format, [key]: document, trustPolicy, subjects: generatedSubjects(intent.trust), requireClaims: requireClaimsLines(intent), roleArn: arn, workflow, notes },
        null,
        2,
      )}\n`,
    );
    return EXIT_OK;
  }
  const workflowSide = `# ---- The workflow side: a job that assumes this role ----\n${commented(workflow)}\n`;
  // JSON has no comments: the template alone on stdout (deployable as it is), the workflow on stderr.
  if (format === 'cloudformation-json') {
    io.stdout(`${body}\n`);
    io.stderr(workflowSide);
  } else {
    io.stdout(`${body}\n${workflowSide}`);
  }
  printNotes(io.stderr, notes, output.verbose);
  return EXIT_OK;
}

async function setupAws(args: string[], io: CliIo): Promise<number> {
  const v = parseFlags(args, OPTIONS, 'setup aws');
  if (v.help) {
    io.stdout(SETUP_AWS_HELP);
    return EXIT_OK;
  }
  const format = v.format;
  if (format !== undefined && !(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new CliError(`--format ${JSON.stringify(format)} is not one of ${OUTPUT_FORMATS.join(', ')}`);
  }
  if (v.apply && format !== undefined) throw new CliError('--apply sets up IAM directly; give it without --format (or drop --apply to print the setup in a format)');
  if (!v.apply && v.yes) throw new CliError('--yes confirms the changes of --apply; give it with --apply');
  requireFlags(
    [
      ...requiredRunFlags(v),
      { flag: '--format', what: `${OUTPUT_FORMATS.join(', ')}; or --apply to set up IAM with your own credentials`, given: v.apply === true || format !== undefined },
    ],
    'setup aws',
  );
  const output = { json: v.json === true, verbose: v.verbose === true, ...(v['max-size'] !== undefined ? { sizeQuota: parseMaxSize(v['max-size']) } : {}) };
  const intent = intentFromFlags(v);
  if (!v.apply) return render(intent, format as OutputFormat, output, io);
  const { applyCommand } = await import('./setup-apply.js');
  return applyCommand(intent, { ...output, yes: v.yes === true }, io);
}

/** `keyless setup …`; bad input is a CliError (exit 2), reported here because this path is async. */
export async function setupCommand(args: string[], io: CliIo): Promise<number> {
  try {
    const [provider, ...rest] = args;
    // `keyless setup help aws` is `keyless setup aws --help`.
    if (provider === 'help' && rest.length > 0) return await setupCommand([...rest, '--help'], io);
    if (provider === undefined || provider === '--help' || provider === '-h' || provider === 'help') {
      (provider === undefined ? io.stderr : io.stdout)(SETUP_HELP);
      return provider === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (provider !== 'aws') throw new CliError(`unknown command "setup ${provider}"; expected "setup aws" ("keyless setup --help")`);
    return await setupAws(rest, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`keyless: error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
