/**
 * The inputs that configure-aws-credentials has and the OIDC path does not need: role chaining's
 * external id and session tags, use-existing-credentials, special-characters-workaround, and the
 * stored-key inputs Keyless refuses. Each is supported with the same meaning, or refused before
 * any request with a message that says why and what to do instead; none is silently ignored.
 */
import { parseCustomTags, type SessionTag } from '../assume/session-tags.js';
import type { Inputs } from './input-reader.js';

export interface ChainingOptions {
  readonly externalId: string | undefined;
  readonly skipSessionTagging: boolean;
  readonly transitiveTagKeys: readonly string[];
  readonly customTags: readonly SessionTag[];
}

const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

const STORED_KEYS = ['aws-access-key-id', 'aws-secret-access-key', 'aws-session-token'];

/** What the hint's command is filled in from: the run's repository and ref, when the runner says them. */
export interface MigrationRun {
  readonly repository?: string | undefined;
  readonly ref?: string | undefined;
}

/**
 * The `keyless setup aws` command that prints the provider and a role for this repository's
 * branch, runnable as printed: every flag it needs, no placeholder the CLI refuses. Values from
 * the runner go in only when they need no shell quoting (else the placeholder or main).
 */
/** The CLI as one command on any machine with Node.js 22+: npm fetches the repository and runs its bin. */
export const CLI_VIA_NPX = 'npx --yes github:keyless/keyless';

export function migrationCommand(run: MigrationRun = {}): string {
  const repository = run.repository !== undefined && /^[A-Za-z0-9][A-Za-z0-9-]*\/(?!\.\.?$)[A-Za-z0-9._-]+$/.test(run.repository) ? run.repository : 'OWNER/REPO';
  const branch = run.ref?.startsWith('refs/heads/') ? run.ref.slice('refs/heads/'.length) : undefined;
  const plain = branch !== undefined && /^[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9_-])?$/.test(branch) && !/\.\.|\/\/|\.lock$/.test(branch);
  const safeBranch = plain ? branch : 'main';
  // npm runs the CLI straight from the repository (dist/ is committed): no install, and no
  // dependence on a registry name that may not be published yet.
  return `${CLI_VIA_NPX} setup aws --repository ${repository} --branch ${safeBranch} --format cloudformation`;
}

function moveToOidc(run: MigrationRun): string {
  return (
    'Keyless never takes stored AWS keys: it gets short-lived credentials from the workflow\'s OIDC token. To move: ' +
    `1) create an IAM OIDC provider and a role that trusts this repository (\`${migrationCommand(run)}\` prints both as a CloudFormation template; --environment NAME instead of --branch for a deployment environment, --account ID for your account); ` +
    '2) give the job `permissions: id-token: write`; 3) set role-to-assume to that role; ' +
    '4) remove aws-access-key-id, aws-secret-access-key and aws-session-token, and delete the stored secrets'
  );
}

/** Refuses stored keys and force-skip-oidc, whatever the rest of the inputs say. */
export function refuseStoredKeys(inputs: Inputs, run: MigrationRun = {}): void {
  const hint = moveToOidc(run);
  for (const name of STORED_KEYS) {
    // The value is a secret: never shown.
    if (inputs.text(name) !== '') inputs.problem(name, undefined, `no value. ${hint}`);
  }
  if (inputs.bool('force-skip-oidc', false)) {
    inputs.problem('force-skip-oidc', 'true', `false or nothing: without OIDC this step would need stored keys. ${hint}`);
  }
}

/** role-external-id and the session-tag inputs; without role-chaining they have no effect, and a note says so. */
export function parseChainingOptions(inputs: Inputs, roleChaining: boolean): { options: ChainingOptions; notes: string[] } {
  const externalId = inputs.text('role-external-id') || undefined;
  if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
    inputs.problem('role-external-id', undefined, '2–1224 characters from A–Z a–z 0–9 and + = , . @ : / _ -');
  }
  const skipSessionTagging = inputs.bool('role-skip-session-tagging', false);
  const transitiveTagKeys = inputs.list('transitive-tag-keys');
  const custom = parseCustomTags(inputs.text('custom-tags'));
  if (custom.problem) inputs.problem('custom-tags', undefined, custom.problem);

  const notes: string[] = [];
  if (!roleChaining) {
    const given = [
      externalId !== undefined && 'role-external-id',
      inputs.text('role-skip-session-tagging') !== '' && 'role-skip-session-tagging',
      transitiveTagKeys.length > 0 && 'transitive-tag-keys',
      custom.tags.length > 0 && 'custom-tags',
    ].filter((name): name is string => !!name);
    if (given.length > 0) {
      notes.push(
        `${given.join(', ')} ${given.length === 1 ? 'has' : 'have'} no effect here: sts:AssumeRoleWithWebIdentity takes no external id and no session tags (the token's claims play that part), as with configure-aws-credentials. They apply with role-chaining: true.`,
      );
    }
  }
  return { options: { externalId, skipSessionTagging, transitiveTagKeys, customTags: custom.tags }, notes };
}
