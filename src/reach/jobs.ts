/**
 * The jobs that can request an OIDC token, each as it actually runs: a top-level job, or a job of
 * a local reusable workflow reached through `uses: ./.github/workflows/x.yml` (with the caller's
 * triggers, the caller's `with:` put into `${{ inputs.* }}`, and id-token granted only when both
 * caller and callee have it), with the steps of local composite actions inlined. Remote reusable
 * workflows and calls to files not given are named as unresolved, never guessed. Pure.
 */
import type { Checkout } from './read-checkout.js';
import { localActionPath } from './read-checkout.js';
import type { IdTokenPermission, Job, Step, Trigger, Workflow } from './model.js';

/** A step as it runs, with the file it is written in (a composite action's steps are in its action.yml). */
export interface RunStep extends Step {
  readonly file: string;
}

export interface TokenJob {
  readonly repository: string;
  /** The workflow whose triggers start the run. */
  readonly workflow: Workflow;
  /** The job as written (in the called workflow, for a call). */
  readonly job: Job;
  /** The workflow the job is written in (`job_workflow_ref`). */
  readonly jobWorkflow: Workflow;
  /** Calling jobs, outermost first. */
  readonly callers: readonly Job[];
  readonly triggers: readonly Trigger[];
  /** The environment name with the caller's inputs put in; may still hold an expression. */
  readonly environment?: string;
  /** `if:` conditions on the way (callers', then the job's). */
  readonly conditions: readonly string[];
  readonly steps: readonly RunStep[];
}

export interface Unresolved {
  readonly file: string;
  readonly line: number;
  readonly uses: string;
  readonly why: string;
}

export interface JobScan {
  readonly jobs: readonly TokenJob[];
  readonly unresolved: readonly Unresolved[];
}

/** `${{ inputs.x }}` (and `github.event.inputs.x`) replaced by the caller's literal `with:` values. */
export function substituteInputs(value: string, inputs: Readonly<Record<string, string>>): string {
  return value.replace(/\$\{\{\s*(?:github\.event\.)?inputs\.([A-Za-z0-9_-]+)\s*\}\}/g, (whole, name: string) => inputs[name] ?? whole);
}

function effective(own: IdTokenPermission, inherited: IdTokenPermission): IdTokenPermission {
  return own !== 'unset' ? own : inherited;
}

function inlineSteps(checkout: Checkout, steps: readonly Step[], file: string, seen: Set<string>): RunStep[] {
  const out: RunStep[] = [];
  for (const step of steps) {
    out.push({ ...step, file });
    const path = localActionPath(step.uses ?? '');
    if (path === undefined || seen.has(path)) continue;
    const action = checkout.actions.get(path);
    if (!action) continue;
    // The composite's `${{ inputs.x }}` are the calling step's `with:` values.
    const steps = action.steps.map((s) => ({ ...s, with: Object.fromEntries(Object.entries(s.with).map(([k, v]) => [k, substituteInputs(v, step.with)])) }));
    out.push(...inlineSteps(checkout, steps, action.file, new Set([...seen, path])));
  }
  return out;
}

const MAX_DEPTH = 10;

/** Every token-requesting job of a checkout. */
export function tokenJobs(checkout: Checkout): JobScan {
  const jobs: TokenJob[] = [];
  const unresolved: Unresolved[] = [];
  const byPath = new Map(checkout.workflows.map((w) => [w.path, w]));

  const visit = (top: Workflow, written: Workflow, grant: IdTokenPermission, callers: Job[], inputs: Record<string, string>, depth: number): void => {
    for (const job of written.jobs) {
      const permission = effective(job.idToken, effective(written.idToken, callers.length > 0 ? grant : 'unset'));
      // A called workflow cannot hold more than its caller grants.
      const granted = permission === 'write' && (callers.length === 0 || grant === 'write') ? 'write' : 'none';
      const conditions = [...callers.flatMap((c) => (c.if !== undefined ? [c.if] : [])), ...(job.if !== undefined ? [job.if] : [])];
      if (job.uses !== undefined) {
        const local = localActionPath(job.uses);
        const callee = local !== undefined ? byPath.get(local) : undefined;
        if (!callee) {
          if (granted === 'write') {
            const why = local !== undefined ? 'the called workflow is not in the folder given' : 'a reusable workflow in another repository (give its checkout with another --workflows)';
            unresolved.push({ file: written.file, line: job.line, uses: job.uses, why });
          }
          continue;
        }
        if (depth >= MAX_DEPTH || callers.some((c) => c === job)) continue;
        // Declared inputs the caller leaves out take their default, or GitHub's empty value.
        const defaults = callee.triggers.find((t) => t.event === 'workflow_call')?.inputs ?? {};
        const withInputs = { ...defaults, ...Object.fromEntries(Object.entries(job.with).map(([k, v]) => [k, substituteInputs(v, inputs)])) };
        visit(top, callee, granted, [...callers, job], withInputs, depth + 1);
        continue;
      }
      if (granted !== 'write') continue;
      // An environment that evaluates to an empty name is no environment at all.
      const named = job.environment !== undefined ? substituteInputs(job.environment, inputs) : undefined;
      const environment = named !== undefined && named.trim() !== '' ? named : undefined;
      const steps = inlineSteps(checkout, job.steps, written.file, new Set()).map((s) => ({
        ...s,
        with: Object.fromEntries(Object.entries(s.with).map(([k, v]) => [k, substituteInputs(v, inputs)])),
      }));
      jobs.push({
        repository: checkout.repository,
        workflow: top,
        job,
        jobWorkflow: written,
        callers,
        triggers: top.triggers.filter((t) => t.event !== 'workflow_call'),
        ...(environment !== undefined ? { environment } : {}),
        conditions,
        steps,
      });
    }
  };

  const called = new Set(checkout.workflows.flatMap((w) => w.jobs.flatMap((j) => localActionPath(j.uses ?? '') ?? [])));
  for (const workflow of checkout.workflows) {
    // A workflow only ever called is analysed through its callers; with none here, it is named.
    if (workflow.triggers.every((t) => t.event === 'workflow_call')) {
      if (!called.has(workflow.path) && workflow.jobs.some((j) => j.idToken === 'write' || workflow.idToken === 'write')) {
        unresolved.push({ file: workflow.file, line: 1, uses: workflow.path, why: 'a reusable workflow with id-token: write that no workflow given calls (its callers are elsewhere)' });
      }
      continue;
    }
    visit(workflow, workflow, 'unset', [], {}, 0);
  }
  return { jobs, unresolved };
}
