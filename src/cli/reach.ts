/** `keyless reach --workflows DIR… [--repository OWNER/REPO]… [--github] ROLES…`: who on GitHub can obtain each role. */
import { join, resolve } from 'node:path';
import { analyseReach, hasErrors } from '../reach/analyse.js';
import { tokenJobs } from '../reach/jobs.js';
import { reachJson } from '../reach/output/json.js';
import { reachMermaid } from '../reach/output/mermaid.js';
import { reachSarif } from '../reach/output/sarif.js';
import { formatReachTable } from '../reach/output/table.js';
import { readCheckout, repositoryRoot } from '../reach/read-checkout.js';
import { unknownSettings, type RepositorySettings } from '../reach/settings.js';
import { liveRoles } from '../trust/audit/live.js';
import type { FoundRole } from '../trust/audit/types.js';
import { guarded, readProblem } from './args.js';
import { artifactUri } from './audit.js';
import type { CliIo } from './cli-io.js';
import type { CommandHost } from './host.js';
import { CliError } from './inputs.js';
import { parseReachArgs, repositoryFromGitConfig, type ReachArgs } from './reach-args.js';
import { REACH_HELP } from './reach-help.js';
import { rolesFromPaths } from './sources.js';

export type ReachEnv = Readonly<Record<string, string | undefined>>;

function repositoryOf(host: CommandHost, folder: string, given: string | undefined, env: ReachEnv): string {
  if (given !== undefined) return given;
  try {
    const fromGit = repositoryFromGitConfig(host.readText(join(resolve(host.cwd, repositoryRoot(folder)), '.git', 'config')));
    if (fromGit) return fromGit;
  } catch {
    // no git checkout: fall through
  }
  const fromEnv = env.GITHUB_REPOSITORY;
  if (fromEnv && /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(fromEnv)) return fromEnv;
  throw new CliError(`--workflows ${JSON.stringify(folder)}: give --repository OWNER/REPO for it (no GitHub remote "origin" in its checkout, and GITHUB_REPOSITORY is not set)`);
}

interface GitHubAccess {
  readonly token: string;
  readonly baseUrl: string;
}

function gitHubAccess(args: ReachArgs, env: ReachEnv): GitHubAccess | undefined {
  if (!args.github) return undefined;
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  if (!token) throw new CliError('--github needs a token in GITHUB_TOKEN or GH_TOKEN (with actions: read and read access to the repository)');
  const baseUrl = env.GITHUB_API_URL || 'https://api.github.com';
  if (!/^https?:\/\/[^/\s]+/.test(baseUrl)) throw new CliError(`GITHUB_API_URL ${JSON.stringify(baseUrl)} is not a URL (e.g. https://api.github.com)`);
  return { token, baseUrl };
}

export async function reachRoles(args: ReachArgs, host: CommandHost, note: (text: string) => void): Promise<FoundRole[]> {
  const found = await rolesFromPaths(args.sources, host, note);
  if (args.live) {
    try {
      found.push(...(await liveRoles(await host.roleLister())));
    } catch (error) {
      const e = error as Error & { name?: string };
      throw new CliError(`--live: IAM ListRoles failed (${e.name ?? 'Error'}: ${e.message})`);
    }
  }
  return found;
}

/** Everything reach reads, then the report (shared with the audit action). */
export async function runReach(args: ReachArgs, host: CommandHost, env: ReachEnv, note: (text: string) => void, version: string) {
  const repositories = args.folders.map((folder, i) => {
    let directory = false;
    try {
      directory = host.isDirectory(resolve(host.cwd, folder));
    } catch (error) {
      throw new CliError(`--workflows ${JSON.stringify(folder)}: ${readProblem(error)}`);
    }
    if (!directory) throw new CliError(`--workflows ${JSON.stringify(folder)} is not a directory (give a checkout's .github/workflows folder)`);
    return repositoryOf(host, folder, args.repositories[i], env);
  });
  const access = gitHubAccess(args, env);
  const found = await reachRoles(args, host, note);
  const checkouts = await Promise.all(args.folders.map((folder, i) => readCheckout(host, resolve(host.cwd, folder), repositories[i]!)));
  let api: import('../github/api.js').GitHubApi | undefined;
  if (access) {
    const [{ gitHubApi }, { octokitTransport }] = await Promise.all([import('../github/api.js'), import('../github/octokit.js')]);
    api = gitHubApi({ baseUrl: access.baseUrl, transport: await octokitTransport(access.token, access.baseUrl, `keyless/${version}`) });
  }
  const withSettings = [];
  for (const checkout of checkouts) {
    let settings: RepositorySettings;
    if (api) {
      const { readSettings } = await import('../reach/read-settings.js');
      const jobs = tokenJobs(checkout).jobs;
      const environments = [...new Set(jobs.flatMap((j) => (j.environment !== undefined && !j.environment.includes('${{') ? [j.environment] : [])))];
      const branches = [...new Set(jobs.flatMap((j) => j.triggers.flatMap((t) => (t.event === 'push' ? (t.branches ?? []) : []).filter((b) => !/[*?!\[]/.test(b)))))];
      settings = await readSettings(api, { repository: checkout.repository, ...(args.defaultBranch !== undefined ? { defaultBranch: args.defaultBranch } : {}), environments, branches });
    } else settings = unknownSettings(checkout.repository, args.defaultBranch ?? 'main');
    withSettings.push({ checkout: { ...checkout, problems: checkout.problems.map((p) => ({ ...p, file: artifactUri(host.cwd, p.file) })) }, settings });
  }
  const report = analyseReach(withSettings, found);
  // Files as the user sees them: relative to the working directory.
  return {
    ...report,
    findings: report.findings.map((f) => (f.file !== undefined ? { ...f, file: artifactUri(host.cwd, f.file) } : f)),
    unresolved: report.unresolved.map((u) => ({ ...u, file: artifactUri(host.cwd, u.file) })),
  };
}

export function reachCommand(args: string[], io: CliIo & { readonly env?: ReachEnv }): Promise<number> {
  return guarded(io.stderr, async () => {
    const parsed = parseReachArgs(args);
    if (parsed.help) {
      io.stdout(REACH_HELP);
      return 0;
    }
    if (!io.host) throw new CliError('this build of keyless cannot read files for reach');
    const host = io.host;
    const report = await runReach(parsed, host, io.env ?? {}, io.stderr, io.version);
    const uriOf = (file: string) => artifactUri(host.cwd, file);
    const out = {
      table: () => formatReachTable(report),
      json: () => `${JSON.stringify(reachJson(report), null, 2)}\n`,
      sarif: () => `${JSON.stringify(reachSarif(report, { toolVersion: io.version, uriOf }), null, 2)}\n`,
      mermaid: () => reachMermaid(report),
    };
    io.stdout(out[parsed.format]());
    return hasErrors(report) ? 3 : 0;
  });
}
