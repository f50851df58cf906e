/**
 * A workflow (or composite action) file's located YAML tree as the typed model of model.ts. Pure:
 * the caller parses the YAML (trust/audit/yaml.ts) and reads the files.
 */
import type { LNode } from '../trust/audit/located.js';
import type { CompositeAction, IdTokenPermission, Job, Step, Trigger, Workflow } from './model.js';

/** A file whose shape is not a workflow; names the line. */
export class WorkflowShapeError extends Error {
  override readonly name = 'WorkflowShapeError';
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

export function entry(node: LNode | undefined, key: string): LNode | undefined {
  return node?.kind === 'map' ? node.entries.find((e) => e.key === key)?.value : undefined;
}

/** A scalar as text (numbers and booleans as YAML wrote them); undefined for anything else. */
export function text(node: LNode | undefined): string | undefined {
  if (node?.kind !== 'scalar' || node.value === null) return undefined;
  return String(node.value);
}

function texts(node: LNode | undefined): string[] | undefined {
  if (node === undefined) return undefined;
  if (node.kind === 'scalar') return node.value === null ? [] : [String(node.value)];
  if (node.kind === 'seq') return node.items.map(text).filter((v): v is string => v !== undefined);
  return undefined;
}

function stringMap(node: LNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (node?.kind !== 'map') return out;
  for (const e of node.entries) {
    const v = text(e.value);
    if (v !== undefined) out[e.key] = v;
  }
  return out;
}

/** `permissions:`: write-all, read-all, a map (unlisted scopes are none), or absent. */
export function idTokenOf(node: LNode | undefined): IdTokenPermission {
  if (node === undefined) return 'unset';
  if (node.kind === 'scalar') return node.value === 'write-all' ? 'write' : 'none';
  if (node.kind === 'map') return text(entry(node, 'id-token')) === 'write' ? 'write' : 'none';
  return 'none';
}

function triggersOf(node: LNode | undefined): Trigger[] {
  if (node === undefined) throw new WorkflowShapeError('the workflow has no "on:" (its triggers)', 1);
  if (node.kind === 'scalar') return node.value === null ? [] : [{ event: String(node.value), line: node.line }];
  if (node.kind === 'seq') return node.items.flatMap((item) => (text(item) !== undefined ? [{ event: text(item)!, line: item.line }] : []));
  return node.entries.map((e) => {
    const branches = texts(entry(e.value, 'branches'));
    const tags = texts(entry(e.value, 'tags'));
    const workflows = texts(entry(e.value, 'workflows'));
    const declared = entry(e.value, 'inputs');
    const inputs = declared?.kind === 'map' ? Object.fromEntries(declared.entries.map((i) => [i.key, text(entry(i.value, 'default')) ?? ''])) : undefined;
    return {
      ...(inputs ? { inputs } : {}),
      event: e.key,
      line: e.keyLine,
      ...(branches ? { branches } : {}),
      ...(tags ? { tags } : {}),
      ...(workflows ? { workflows } : {}),
    };
  });
}

export function stepsOf(node: LNode | undefined): Step[] {
  if (node?.kind !== 'seq') return [];
  return node.items.map((item) => {
    const uses = text(entry(item, 'uses'));
    const name = text(entry(item, 'name'));
    return { line: item.line, with: stringMap(entry(item, 'with')), ...(uses !== undefined ? { uses } : {}), ...(name !== undefined ? { name } : {}) };
  });
}

function environmentOf(node: LNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  return node.kind === 'map' ? text(entry(node, 'name')) : text(node);
}

function jobOf(id: string, line: number, node: LNode): Job {
  if (node.kind !== 'map') throw new WorkflowShapeError(`job ${JSON.stringify(id)} is not a mapping`, line);
  const name = text(entry(node, 'name'));
  const environment = environmentOf(entry(node, 'environment'));
  const condition = text(entry(node, 'if'));
  const uses = text(entry(node, 'uses'));
  return {
    id,
    line,
    idToken: idTokenOf(entry(node, 'permissions')),
    with: stringMap(entry(node, 'with')),
    steps: stepsOf(entry(node, 'steps')),
    ...(name !== undefined ? { name } : {}),
    ...(environment !== undefined ? { environment } : {}),
    ...(condition !== undefined ? { if: condition } : {}),
    ...(uses !== undefined ? { uses } : {}),
  };
}

/** The workflow in a parsed file. Throws {@link WorkflowShapeError} when it is not one. */
export function parseWorkflow(root: LNode, where: { path: string; file: string; repository: string }): Workflow {
  if (root.kind !== 'map') throw new WorkflowShapeError('a workflow is a mapping with "on:" and "jobs:"', root.line);
  const jobs = entry(root, 'jobs');
  if (jobs?.kind !== 'map') throw new WorkflowShapeError('the workflow has no "jobs:" mapping', jobs?.line ?? 1);
  const name = text(entry(root, 'name'));
  return {
    ...where,
    ...(name !== undefined ? { name } : {}),
    triggers: triggersOf(entry(root, 'on')),
    idToken: idTokenOf(entry(root, 'permissions')),
    jobs: jobs.entries.map((e) => jobOf(e.key, e.keyLine, e.value)),
  };
}

/** A composite action's steps, or undefined when the file is another kind of action. */
export function parseCompositeAction(root: LNode, where: { path: string; file: string }): CompositeAction | undefined {
  const runs = entry(root, 'runs');
  if (text(entry(runs, 'using')) !== 'composite') return undefined;
  return { ...where, steps: stepsOf(entry(runs, 'steps')) };
}
