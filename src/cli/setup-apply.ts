/** `keyless setup aws --apply`: read IAM, show the plan, ask (or --yes), make the changes, print the workflow. */
import { executePlan, observe, type ApplyResult } from '../iam/apply.js';
import { IamCallError, type IamApi } from '../iam/client.js';
import { IAM_SIGNING_REGION, type SetupIntent } from '../iam/intent.js';
import { PlanError, planSetup, type SetupPlan } from '../iam/plan.js';
import { describeStep, formatPlan } from '../iam/report.js';
import { workflowSnippet } from '../iam/workflow.js';
import { intendedTrustPolicy } from '../iam/trust.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliIo } from './cli-io.js';
import { iamCallFailed, missingCredentials } from './aws-failure.js';
import { jsonFinding, printNotes } from './format.js';
import { setupNotes } from './setup.js';

export interface ApplyOptions {
  readonly json: boolean;
  readonly yes: boolean;
  /** Also print the happy-path notes (the subject form). */
  readonly verbose?: boolean;
  /** The account's "Role trust policy length" quota, when stated (--max-size). */
  readonly sizeQuota?: number;
  /** For tests in the same process; the default is the AWS SDK with the caller's credentials. */
  readonly iam?: IamApi;
}

function jsonDocument(intent: SetupIntent, plan: SetupPlan, outcome: Record<string, unknown>, notes: readonly string[]): string {
  const account = plan.account ?? (typeof outcome['account'] === 'string' ? outcome['account'] : undefined);
  const change = plan.trustChange;
  return `${JSON.stringify(
    {
      account: account ?? null,
      roleName: intent.roleName,
      changes: plan.steps.map((step) => ({ ...step, description: describeStep(step) })),
      trustPolicy: {
        intended: intendedTrustPolicy(intent, account),
        ...(change !== undefined
          ? {
              current: change.current,
              diff: change.diff,
              widens: change.widens,
              narrows: change.narrows,
              lint: { current: change.currentFindings.map(jsonFinding), intended: change.intendedFindings.map(jsonFinding) },
            }
          : {}),
      },
      ...outcome,
      notes,
    },
    null,
    2,
  )}\n`;
}

export async function applyCommand(intent: SetupIntent, options: ApplyOptions, io: CliIo): Promise<number> {
  const notes = setupNotes(intent, 'apply', options.sizeQuota);
  let plan: SetupPlan;
  let iam: IamApi;
  try {
    const { createSdkIam } = await import('../iam/sdk-client.js');
    iam = options.iam ?? (await createSdkIam({ region: IAM_SIGNING_REGION[intent.trust.partition] ?? 'us-east-1' }));
    plan = planSetup(intent, await observe(iam, intent));
  } catch (error) {
    return failed(error, io);
  }
  const allNotes = [...notes, ...plan.notes];
  if (!options.json) io.stdout(formatPlan(intent, plan, JSON.stringify(intendedTrustPolicy(intent, plan.account), null, 2)));
  printNotes(io.stderr, allNotes, options.verbose === true);

  if (plan.steps.length === 0) {
    const roleArn = plan.roleArn!;
    if (options.json) io.stdout(jsonDocument(intent, plan, { applied: false, upToDate: true, roleArn, workflow: workflowSnippet(intent, roleArn) }, allNotes));
    else io.stdout(`\nRole ARN: ${roleArn}\n\n${workflowSnippet(intent, roleArn)}`);
    return EXIT_OK;
  }
  if (!options.yes) {
    const widens = (plan.trustChange?.widens.length ?? 0) > 0;
    if (io.confirm === undefined) {
      const reason = 'not applied: --apply changes IAM only after confirmation; no terminal to ask on, so re-run with --yes to make these changes';
      if (options.json) io.stdout(jsonDocument(intent, plan, { applied: false, refused: reason }, allNotes));
      io.stderr(`keyless: error: ${reason}\n`);
      return EXIT_USAGE;
    }
    const question = `${widens ? 'This WIDENS the role\'s trust. ' : ''}Make these ${plan.steps.length} change${plan.steps.length === 1 ? '' : 's'}?`;
    if (!(await io.confirm(question))) {
      if (options.json) io.stdout(jsonDocument(intent, plan, { applied: false, refused: 'declined at the prompt' }, allNotes));
      io.stderr('Nothing changed.\n');
      // Not confirmed, like no terminal to ask on: exit 3 is kept for a failed AWS call.
      return EXIT_USAGE;
    }
  }
  let result: ApplyResult;
  try {
    result = await executePlan(iam, intent, plan, (line) => {
      if (!options.json) io.stdout(`done: ${line}\n`);
    });
  } catch (error) {
    return failed(error, io);
  }
  const workflow = workflowSnippet(intent, result.roleArn);
  if (options.json) {
    io.stdout(jsonDocument(intent, plan, { applied: true, account: result.account, providerArn: result.providerArn, roleArn: result.roleArn, done: result.done, workflow }, allNotes));
  } else {
    io.stdout(`\nRole ARN: ${result.roleArn}\n\n${workflow}`);
  }
  return EXIT_OK;
}

function failed(error: unknown, io: CliIo): number {
  if (error instanceof PlanError) {
    io.stderr(`keyless: error: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof IamCallError) {
    const failure = error.code === 'NoCredentials' ? missingCredentials('--apply') : iamCallFailed('--apply', error.action, error.code, error.message);
    io.stderr(`keyless: error: ${failure.message}\n`);
    return EXIT_FAILED;
  }
  throw error;
}
