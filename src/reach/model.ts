/** The workflow model reach works on: what a workflow file says, as typed values with their lines. */

/** A job's or workflow's `permissions:`, reduced to what reach needs. */
export type IdTokenPermission = 'write' | 'none' | 'unset';

export interface Trigger {
  /** The event name (`push`, `pull_request_target`, `workflow_run`…). */
  readonly event: string;
  readonly line: number;
  /** Branch filters (`branches:`), when given. */
  readonly branches?: readonly string[];
  readonly tags?: readonly string[];
  /** `workflow_run.workflows`: the names of the workflows whose runs start this one. */
  readonly workflows?: readonly string[];
  /** `workflow_call.inputs`: each declared input's default ('' when it has none: GitHub's empty value). */
  readonly inputs?: Readonly<Record<string, string>>;
}

export interface Step {
  readonly uses?: string;
  readonly name?: string;
  readonly line: number;
  /** `with:` values as written (expressions kept as text). */
  readonly with: Readonly<Record<string, string>>;
  /** Steps of a local composite action this step runs, once resolved. */
}

export interface Job {
  readonly id: string;
  readonly line: number;
  readonly name?: string;
  readonly idToken: IdTokenPermission;
  /** `environment:` (the name, or `environment.name`), as written. */
  readonly environment?: string;
  readonly if?: string;
  /** A reusable workflow this job calls (`uses:` at job level). */
  readonly uses?: string;
  /** `with:` of a reusable-workflow call. */
  readonly with: Readonly<Record<string, string>>;
  readonly steps: readonly Step[];
}

export interface Workflow {
  /** Path inside the repository, e.g. `.github/workflows/deploy.yml`. */
  readonly path: string;
  /** The file as given on the machine (for messages and SARIF). */
  readonly file: string;
  readonly repository: string;
  readonly name?: string;
  readonly triggers: readonly Trigger[];
  readonly idToken: IdTokenPermission;
  readonly jobs: readonly Job[];
}

/** A local composite action (`runs.using: composite`). */
export interface CompositeAction {
  /** Directory inside the repository, e.g. `.github/actions/setup`. */
  readonly path: string;
  readonly file: string;
  readonly steps: readonly Step[];
}

/** A file that could not be read as a workflow: a warning, the rest is still analysed. */
export interface ReadProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}
