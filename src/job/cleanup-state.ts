/**
 * What one invocation hands its post step (GITHUB_STATE): the variables it exported and the
 * profile files, sections and folders it wrote. Saved by the main step, read by src/post.ts.
 */

export const CLEANUP_STATE = 'keyless_cleanup';

export type CleanupEntry =
  /** An ini file: the sections this invocation wrote; `created` when the file is its own. */
  | { readonly kind: 'sections'; readonly path: string; readonly created: boolean; readonly sections: readonly string[] }
  /** A file this invocation created (a credential-process configuration). */
  | { readonly kind: 'file'; readonly path: string }
  /** A folder this invocation created: removed when empty. */
  | { readonly kind: 'dir'; readonly path: string };

export interface CleanupState {
  readonly version: 1;
  readonly variables: readonly string[];
  readonly entries: readonly CleanupEntry[];
}

const KINDS = new Set(['sections', 'file', 'dir']);

/** The saved state, checked: only AWS_* variables are ever blanked, only listed paths touched. */
export function parseCleanupState(text: string): CleanupState | undefined {
  if (text.trim() === '') return undefined;
  const value = JSON.parse(text) as Partial<CleanupState> | null;
  const valid =
    value?.version === 1 &&
    Array.isArray(value.variables) &&
    value.variables.every((name) => typeof name === 'string' && /^AWS_[A-Z0-9_]+$/.test(name)) &&
    Array.isArray(value.entries) &&
    value.entries.every(
      (entry) =>
        entry !== null &&
        typeof entry === 'object' &&
        KINDS.has(entry.kind) &&
        typeof entry.path === 'string' &&
        (entry.kind !== 'sections' || (typeof entry.created === 'boolean' && Array.isArray(entry.sections) && entry.sections.every((section: unknown) => typeof section === 'string'))),
    );
  if (!valid) throw new Error('the saved state is not in the format this version writes');
  return value as CleanupState;
}
