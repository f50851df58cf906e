/** The `keyless` CLI: parse arguments, call the trust-policy engine, print. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  DEFAULT_TRUST_POLICY_QUOTA,
  evaluateTrustPolicy,
  GenerateError,
  generatedSubjects,
  generateTrustPolicy,
  hasLintErrors,
  lintTrustPolicy,
  missingClaims,
  parseTrustPolicy,
  trustPolicySize,
  TrustPolicyError,
  type GenerateOptions,
} from '../trust/index.js';
import {
  evaluateJson,
  formatEvaluateReport,
  formatGeneratedPolicy,
  formatLintReport,
  formatMissingClaims,
  generateJson,
  generateNotes,
  lintJson,
  UNVERIFIED_TOKEN_NOTICE,
} from './format.js';
import { EVALUATE_HELP, GENERATE_HELP, LINT_HELP, MAIN_HELP, TRUST_POLICY_HELP } from './help.js';
import { claimsFromJson, claimsFromToken, CliError, parseJsonInput, parseMaxSize } from './inputs.js';
import type { CommandHost } from './host.js';

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const EXIT_FAILED = 3;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads a UTF-8 file; throws a Node.js fs error (with `code`) when it cannot. */
  readonly readFile: (path: string) => string;
  readonly version: string;
  /** Files, standard input and IAM for audit, test and prove (supplied by the entry point). */
  readonly host?: CommandHost;
  /** Asks a yes/no question on the terminal; absent when stdin or stderr is not a TTY. */
  readonly confirm?: (question: string) => Promise<boolean>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP: Options = { help: { type: 'boolean', short: 'h' } };

function parse<T extends Options>(args: string[], options: T, command: string) {
  try {
    return parseArgs({ args, options: { ...HELP, ...options }, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const e = error as Error & { code?: string };
    const flag = /'(-[^' ]+)/.exec(e.message)?.[1];
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new CliError(`unknown flag ${flag ?? e.message} for "keyless ${command}"; run "keyless ${command} --help"`);
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const problem = /argument missing/.test(e.message)
        ? 'needs a value'
        : /ambiguous/.test(e.message)
          ? `needs a value; write one that starts with "-" as ${flag}=VALUE`
          : 'does not take a value';
      throw new CliError(`${flag ?? 'a flag'} ${problem} ("keyless ${command} --help")`);
    }
    if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const arg = /'([^']+)'/.exec(e.message)?.[1];
      throw new CliError(`unexpected argument ${arg !== undefined ? JSON.stringify(arg) : ''} for "keyless ${command}"; flags take the form --name value`);
    }
    throw new CliError(e.message);
  }
}

function readInput(io: CliIo, flag: string, file: string): string {
  try {
    return io.readFile(file);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new CliError(`${flag} ${JSON.stringify(file)}: cannot read the file (${why})`);
  }
}

function required(value: string | undefined, flag: string, command: string, what: string): string {
  if (value === undefined || value === '') throw new CliError(`${flag} is required: ${what} ("keyless ${command} --help")`);
  return value;
}

function loadPolicy(io: CliIo, file: string): unknown {
  const policy = parseJsonInput(readInput(io, '--policy', file), '--policy', file);
  try {
    parseTrustPolicy(policy);
  } catch (error) {
    if (error instanceof TrustPolicyError) throw new CliError(`--policy ${JSON.stringify(file)} is not a valid trust policy: ${error.message}`);
    throw error;
  }
  return policy;
}

function evaluateCommand(args: string[], io: CliIo): number {
  const command = 'trust-policy evaluate';
  const v = parse(
    args,
    {
      policy: { type: 'string' },
      claims: { type: 'string' },
      token: { type: 'string' },
      issuer: { type: 'string' },
      action: { type: 'string' },
      json: { type: 'boolean' },
    },
    command,
  );
  if (v.help) {
    io.stdout(EVALUATE_HELP);
    return EXIT_OK;
  }
  const policyFile = required(v.policy as string | undefined, '--policy', command, 'the trust policy file');
  const claimsFile = v.claims as string | undefined;
  const tokenFile = v.token as string | undefined;
  if (claimsFile !== undefined && tokenFile !== undefined) throw new CliError('give either --claims or --token, not both');
  if (claimsFile === undefined && tokenFile === undefined) {
    throw new CliError(`--claims FILE.json or --token FILE.jwt is required: the token to evaluate ("keyless ${command} --help")`);
  }
  const policy = loadPolicy(io, policyFile);
  const claims =
    tokenFile !== undefined
      ? claimsFromToken(readInput(io, '--token', tokenFile), tokenFile)
      : claimsFromJson(parseJsonInput(readInput(io, '--claims', claimsFile!), '--claims', claimsFile!), claimsFile!);
  const issuer = v.issuer as string | undefined;
  if (issuer !== undefined && !/^https?:\/\/[^/\s]+/.test(issuer)) {
    throw new CliError(`--issuer ${JSON.stringify(issuer)} is not a URL (e.g. https://token.actions.githubusercontent.com)`);
  }
  const decision = evaluateTrustPolicy(policy, claims, {
    ...(issuer !== undefined ? { issuer } : {}),
    ...(v.action !== undefined ? { action: v.action as string } : {}),
  });
  const missing = missingClaims(policy, claims, issuer);
  if (v.json) {
    const inputs = { policy: policyFile, ...(claimsFile !== undefined ? { claims: claimsFile } : {}), ...(tokenFile !== undefined ? { token: tokenFile } : {}) };
    io.stdout(evaluateJson(decision, inputs, missing));
  } else {
    if (tokenFile !== undefined) io.stderr(`note: ${UNVERIFIED_TOKEN_NOTICE}\n`);
    io.stdout(formatEvaluateReport(decision));
    if (missing.length > 0) io.stderr(formatMissingClaims(missing, tokenFile !== undefined ? `--token ${JSON.stringify(tokenFile)}` : `--claims ${JSON.stringify(claimsFile)}`));
  }
  return decision.allowed ? EXIT_OK : EXIT_FAILED;
}

function lintCommand(args: string[], io: CliIo): number {
  const command = 'trust-policy lint';
  const v = parse(
    args,
    { policy: { type: 'string' }, audience: { type: 'string' }, issuer: { type: 'string' }, 'max-size': { type: 'string' }, json: { type: 'boolean' } },
    command,
  );
  if (v.help) {
    io.stdout(LINT_HELP);
    return EXIT_OK;
  }
  const file = required(v.policy as string | undefined, '--policy', command, 'the trust policy file');
  const audience = v.audience as string | undefined;
  if (audience !== undefined && audience.trim() === '') throw new CliError('--audience must not be empty');
  const issuer = v.issuer as string | undefined;
  if (issuer !== undefined && !/^https?:\/\/[^/\s]+/.test(issuer)) {
    throw new CliError(`--issuer ${JSON.stringify(issuer)} is not a URL (e.g. https://token.actions.githubusercontent.com)`);
  }
  const sizeQuota = v['max-size'] !== undefined ? parseMaxSize(v['max-size'] as string) : undefined;
  const policy = loadPolicy(io, file);
  const findings = lintTrustPolicy(policy, {
    ...(audience !== undefined ? { audience } : {}),
    ...(issuer !== undefined ? { issuer } : {}),
    ...(sizeQuota !== undefined ? { sizeQuota } : {}),
  });
  const size = { characters: trustPolicySize(parseTrustPolicy(policy).document), quota: sizeQuota ?? DEFAULT_TRUST_POLICY_QUOTA, quotaStated: sizeQuota !== undefined };
  io.stdout(v.json ? lintJson(file, findings, { size }) : formatLintReport(file, findings));
  return hasLintErrors(findings) ? EXIT_FAILED : EXIT_OK;
}

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

function generateCommand(args: string[], io: CliIo): number {
  const command = 'trust-policy generate';
  const v = parse(
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

function trustPolicyCommand(args: string[], io: CliIo): number | Promise<number> {
  const [sub, ...rest] = args;
  // `keyless trust-policy help lint` is `keyless trust-policy lint --help`.
  if (sub === 'help' && rest.length > 0) return trustPolicyCommand([...rest, '--help'], io);
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    if (sub === undefined) {
      io.stderr(TRUST_POLICY_HELP);
      return EXIT_USAGE;
    }
    io.stdout(TRUST_POLICY_HELP);
    return EXIT_OK;
  }
  switch (sub) {
    case 'evaluate':
      return evaluateCommand(rest, io);
    case 'lint':
      return lintCommand(rest, io);
    case 'generate':
      return generateCommand(rest, io);
    // Loaded only when used, so that evaluate, lint and generate start as fast as before.
    case 'audit':
      return import('./audit.js').then((m) => m.auditCommand(rest, io));
    case 'test':
      return import('./test.js').then((m) => m.testCommand(rest, io));
    case 'prove':
      return import('./prove.js').then((m) => m.proveCommand(rest, io));
    default:
      throw new CliError(`unknown command "trust-policy ${sub}"; expected evaluate, lint, generate, audit, test or prove ("keyless trust-policy --help")`);
  }
}

/** Runs the CLI; returns the exit code (a promise for commands that do I/O). Never throws for bad input: that is exit code 2. */
export function run(argv: readonly string[], io: CliIo): number | Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      io.stderr(MAIN_HELP);
      return EXIT_USAGE;
    }
    // `keyless help trust-policy lint` is `keyless trust-policy lint --help`.
    if (command === 'help' && rest.length > 0) return run([...rest, '--help'], io);
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout(MAIN_HELP);
      return EXIT_OK;
    }
    if (command === '--version' || command === '-v' || command === 'version') {
      io.stdout(`keyless ${io.version}\n`);
      return EXIT_OK;
    }
    if (command === 'trust-policy') return trustPolicyCommand(rest, io);
    // Loaded only for `setup`, so the trust-policy commands start as fast as before.
    if (command === 'setup') return import('./setup.js').then((setup) => setup.setupCommand(rest, io));
    throw new CliError(
      command.startsWith('-')
        ? `unknown flag ${command}; run "keyless --help"`
        : `unknown command ${JSON.stringify(command)}; expected "trust-policy" or "setup" ("keyless --help")`,
    );
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`keyless: error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
