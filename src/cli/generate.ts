/** `keyless trust-policy generate`: a least-privilege trust policy for a repository's environments, branches and tags. */
import { GenerateError, generatedSubjects, generateTrustPolicy, type GenerateOptions } from '../trust/index.js';
import { parseFlags } from './args.js';
import { EXIT_OK, type CliIo } from './cli-io.js';
import { required } from './flag-inputs.js';
import { formatGeneratedPolicy, generateJson, generateNotes } from './format.js';
import { GENERATE_HELP } from './help.js';
import { CliError } from './inputs.js';

/** The flag behind each GenerateOptions field, for messages. */
const GENERATE_FLAGS: Record<string, string> = {
  repository: '--repository',
  environments: '--environment',
  branches: '--branch',
  tags: '--tag',
  ownerId: '--owner-id',
  repositoryId: '--repository-id',
  includeNameOnly: '--include-name-only',
  account: '--account',
  partition: '--partition',
  audience: '--audience',
  issuer: '--issuer',
};

export function generateCommand(args: string[], io: CliIo): number {
  const command = 'trust-policy generate';
  const v = parseFlags(
    args,
    {
      repository: { type: 'string' },
      environment: { type: 'string', multiple: true },
      branch: { type: 'string', multiple: true },
      tag: { type: 'string', multiple: true },
      'owner-id': { type: 'string' },
      'repository-id': { type: 'string' },
      'include-name-only': { type: 'boolean' },
      account: { type: 'string' },
      partition: { type: 'string' },
      audience: { type: 'string' },
      issuer: { type: 'string' },
      json: { type: 'boolean' },
    },
    command,
  );
  if (v.help) {
    io.stdout(GENERATE_HELP);
    return EXIT_OK;
  }
  const options: GenerateOptions = {
    repository: required(v.repository as string | undefined, '--repository', command, 'OWNER/REPO'),
    environments: (v.environment as string[] | undefined) ?? [],
    branches: (v.branch as string[] | undefined) ?? [],
    tags: (v.tag as string[] | undefined) ?? [],
    ...(v['owner-id'] !== undefined ? { ownerId: v['owner-id'] as string } : {}),
    ...(v['repository-id'] !== undefined ? { repositoryId: v['repository-id'] as string } : {}),
    ...(v['include-name-only'] ? { includeNameOnly: true } : {}),
    ...(v.account !== undefined ? { account: v.account as string } : {}),
    ...(v.partition !== undefined ? { partition: v.partition as string } : {}),
    ...(v.audience !== undefined ? { audience: v.audience as string } : {}),
    ...(v.issuer !== undefined ? { issuer: v.issuer as string } : {}),
  };
  let policy;
  let subjects;
  try {
    policy = generateTrustPolicy(options);
    subjects = generatedSubjects(options);
  } catch (error) {
    if (error instanceof GenerateError) {
      const flag = GENERATE_FLAGS[error.option] ?? error.option;
      const message = error.option === 'environments' && /at least one/.test(error.message) ? `--environment, --branch or --tag: ${error.message}` : `${flag}: ${error.message}`;
      throw new CliError(message);
    }
    throw error;
  }
  const notes = generateNotes(options);
  if (v.json) {
    io.stdout(generateJson(policy, subjects, notes));
  } else {
    io.stdout(formatGeneratedPolicy(policy));
    for (const note of notes) io.stderr(`note: ${note}\n`);
  }
  return EXIT_OK;
}
