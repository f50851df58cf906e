/**
 * `keyless reach` flags, parsed once into typed settings before anything is read or fetched. Kept
 * in this one file so that it can move onto the CLI's shared flag parser.
 */
import { parseCommand } from './args.js';
import { CliError } from './inputs.js';

export const REACH_FORMATS = ['table', 'json', 'sarif', 'mermaid'] as const;
export type ReachFormat = (typeof REACH_FORMATS)[number];

export interface ReachArgs {
  readonly help: boolean;
  readonly folders: readonly string[];
  /** One per folder when given (in order); missing ones come from the git remote or GITHUB_REPOSITORY. */
  readonly repositories: readonly string[];
  readonly defaultBranch?: string;
  readonly github: boolean;
  readonly live: boolean;
  readonly format: ReachFormat;
  readonly sources: readonly string[];
}

const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
/** A branch name git accepts, conservatively. */
const BRANCH = /^(?!\/|.*\/\/|.*\.\.|.*\/$|.*\.lock$)[A-Za-z0-9._\/-]+$/;

export function parseReachArgs(args: string[]): ReachArgs {
  const { values: v, positionals } = parseCommand(
    args,
    {
      workflows: { type: 'string', multiple: true },
      repository: { type: 'string', multiple: true },
      'default-branch': { type: 'string' },
      github: { type: 'boolean' },
      live: { type: 'boolean' },
      json: { type: 'boolean' },
      format: { type: 'string' },
    },
    'reach',
    true,
  );
  if (v.help) return { help: true, folders: [], repositories: [], github: false, live: false, format: 'table', sources: [] };
  // A single-value flag given twice is refused by the shared parser, naming both values.
  const formatValue = v.format as string | undefined;
  const format = formatValue ?? (v.json ? 'json' : 'table');
  if (!(REACH_FORMATS as readonly string[]).includes(format)) throw new CliError(`--format ${JSON.stringify(format)} is not one of ${REACH_FORMATS.join(', ')}`);
  if (v.json && formatValue !== undefined && formatValue !== 'json') throw new CliError(`give --json or --format ${formatValue}, not both`);
  const folders = (v.workflows as string[] | undefined) ?? [];
  if (folders.length === 0) throw new CliError('give --workflows DIR (a checkout\'s .github/workflows folder; repeat it for each repository) ("keyless reach --help")');
  const repositories = (v.repository as string[] | undefined) ?? [];
  for (const r of repositories) if (!REPOSITORY.test(r)) throw new CliError(`--repository ${JSON.stringify(r)} is not OWNER/REPO`);
  if (repositories.length > folders.length) throw new CliError(`--repository is given ${repositories.length} times for ${folders.length} --workflows folder${folders.length === 1 ? '' : 's'}; give one per folder, in the same order`);
  const defaultBranch = v['default-branch'] as string | undefined;
  if (defaultBranch !== undefined && !BRANCH.test(defaultBranch)) throw new CliError(`--default-branch ${JSON.stringify(defaultBranch)} is not a branch name (e.g. main)`);
  if (positionals.length === 0 && !v.live) throw new CliError('give the roles: files or directories (as "trust-policy audit" reads them), "-" for standard input, or --live ("keyless reach --help")');
  return {
    help: false,
    folders,
    repositories,
    ...(defaultBranch !== undefined ? { defaultBranch } : {}),
    github: Boolean(v.github),
    live: Boolean(v.live),
    format: format as ReachFormat,
    sources: positionals,
  };
}

/** OWNER/REPO from a git config's `remote "origin"` url (https or ssh form), or undefined. */
export function repositoryFromGitConfig(config: string): string | undefined {
  const section = /\[remote "origin"\][^[]*/.exec(config)?.[0] ?? '';
  const url = /^\s*url\s*=\s*(\S+)/m.exec(section)?.[1];
  const m = url && /github\.com[:/]([A-Za-z0-9-]+\/[A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(url);
  return m ? m[1] : undefined;
}
