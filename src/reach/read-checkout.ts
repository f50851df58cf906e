/**
 * Reads one checkout's workflow folder: every workflow file in it, and each local composite action
 * (`uses: ./path`) its steps name, transitively. A file that does not parse is a problem with its
 * line; the rest is still read. The files come through a small reader (the CLI's host).
 */
import { join, posix } from 'node:path';
import { BoundedParseError } from '../shared/bounded-parse.js';
import { SourceSyntaxError } from '../trust/audit/located.js';
import { parseYamlLocated } from '../trust/audit/yaml.js';
import type { CompositeAction, ReadProblem, Step, Workflow } from './model.js';
import { parseCompositeAction, parseWorkflow, WorkflowShapeError } from './workflow-parse.js';

export interface FileReader {
  readText(path: string): string;
  isDirectory(path: string): boolean;
  entries(dir: string): { name: string; directory: boolean }[];
}

export interface Checkout {
  readonly repository: string;
  /** The folder as given. */
  readonly folder: string;
  readonly workflows: readonly Workflow[];
  /** Local composite actions by their path in the repository (`.github/actions/x`). */
  readonly actions: ReadonlyMap<string, CompositeAction>;
  readonly problems: readonly ReadProblem[];
}

const WORKFLOW_FILE = /\.ya?ml$/i;

/** The repository root of a workflow folder: two levels up from `.github/workflows`. */
export function repositoryRoot(folder: string): string {
  return /(^|[\\/])\.github[\\/]workflows[\\/]?$/.test(folder) ? join(folder, '..', '..') : folder;
}

/** `./path/to/action` → `path/to/action` (normalised), or undefined for anything not local. */
export function localActionPath(uses: string): string | undefined {
  if (!uses.startsWith('./')) return undefined;
  return posix.normalize(uses.slice(2)).replace(/\/$/, '');
}

async function parseFile(reader: FileReader, file: string, problems: ReadProblem[]) {
  let text: string;
  try {
    text = reader.readText(file);
  } catch (error) {
    problems.push({ file, line: 1, message: `cannot read the file (${(error as Error).message})` });
    return undefined;
  }
  try {
    return (await parseYamlLocated(text, file))[0];
  } catch (error) {
    // An alias bomb or a too-deep file is a problem of that file; the rest is still analysed.
    if (error instanceof BoundedParseError) {
      problems.push({ file, line: 1, message: `not read (${error.message})` });
      return undefined;
    }
    if (!(error instanceof SourceSyntaxError)) throw error;
    problems.push({ file, line: error.line, message: `not valid YAML (${error.message})` });
    return undefined;
  }
}

export async function readCheckout(reader: FileReader, folder: string, repository: string): Promise<Checkout> {
  const problems: ReadProblem[] = [];
  const workflows: Workflow[] = [];
  const root = repositoryRoot(folder);
  const names = reader
    .entries(folder)
    .filter((e) => !e.directory && WORKFLOW_FILE.test(e.name))
    .map((e) => e.name)
    .sort();
  for (const name of names) {
    const file = join(folder, name);
    const node = await parseFile(reader, file, problems);
    if (node === undefined) continue;
    try {
      workflows.push(parseWorkflow(node, { path: `.github/workflows/${name}`, file, repository }));
    } catch (error) {
      if (!(error instanceof WorkflowShapeError)) throw error;
      problems.push({ file, line: error.line, message: error.message });
    }
  }
  const actions = new Map<string, CompositeAction>();
  const pending: Step[] = workflows.flatMap((w) => w.jobs.flatMap((j) => j.steps));
  while (pending.length > 0) {
    const path = localActionPath(pending.pop()!.uses ?? '');
    if (path === undefined || actions.has(path) || path.startsWith('.github/workflows/')) continue;
    const file = ['action.yml', 'action.yaml'].map((n) => join(root, path, n)).find((f) => safeIsFile(reader, f));
    if (file === undefined) continue;
    const node = await parseFile(reader, file, problems);
    const action = node && parseCompositeAction(node, { path, file });
    if (!action) continue;
    actions.set(path, action);
    pending.push(...action.steps);
  }
  return { repository, folder, workflows, actions, problems };
}

function safeIsFile(reader: FileReader, path: string): boolean {
  try {
    return !reader.isDirectory(path);
  } catch {
    return false;
  }
}
