/**
 * Applying an export plan through the runner's file commands, all or nothing: when a write fails
 * part way (a full disk under GITHUB_OUTPUT after GITHUB_ENV took the credentials), everything
 * already written is undone, since a later GITHUB_ENV or GITHUB_OUTPUT entry for a name wins, and
 * the error says what was written and undone.
 */
import { KeylessError } from '../shared/errors.js';
import type { ExportSink } from '../shared/ports.js';
import type { ExportPlan } from './plan.js';

export interface ExportTargets {
  /** Paths of GITHUB_ENV and GITHUB_OUTPUT, for messages. */
  readonly envFile: string | undefined;
  readonly outputFile: string | undefined;
  /** The AWS_* variables as this step found them: what an undone variable goes back to. */
  readonly previous: Readonly<Record<string, string>>;
}

interface Write {
  readonly kind: 'variable' | 'output';
  readonly name: string;
}

const fileOf = (kind: Write['kind'], targets: ExportTargets) =>
  kind === 'variable' ? `GITHUB_ENV (${targets.envFile ?? 'not set'})` : `GITHUB_OUTPUT (${targets.outputFile ?? 'not set'})`;

export function writeExports(plan: ExportPlan, sink: ExportSink, targets: ExportTargets, extraOutputs: readonly (readonly [string, string])[] = []): void {
  const written: Write[] = [];
  const writes: [Write, () => void][] = [
    ...plan.variables.map(([name, value]): [Write, () => void] => [{ kind: 'variable', name }, () => sink.exportVariable(name, value)]),
    ...[...plan.outputs, ...extraOutputs].map(([name, value]): [Write, () => void] => [{ kind: 'output', name }, () => sink.setOutput(name, value)]),
  ];
  for (const [write, perform] of writes) {
    try {
      perform();
    } catch (error) {
      throw new KeylessError(
        'export-failed',
        `Could not write the runner's ${write.kind === 'variable' ? 'environment' : 'output'} file ${fileOf(write.kind, targets)} (writing ${write.name}): ${(error as Error).message}`,
        [...undo(written, sink, targets), 'Check the disk space and permissions of the runner\'s work folder (self-hosted runners especially).'],
        { cause: error },
      );
    }
    written.push(write);
  }
}

/** Writes each name back (variables to their earlier value, outputs to empty) and says what it did. */
function undo(written: readonly Write[], sink: ExportSink, targets: ExportTargets): string[] {
  if (written.length === 0) return ['Nothing was exported.'];
  const undone: Write[] = [];
  const failed: string[] = [];
  for (const write of [...written].reverse()) {
    try {
      if (write.kind === 'variable') sink.exportVariable(write.name, targets.previous[write.name] ?? '');
      else sink.setOutput(write.name, '');
      undone.push(write);
    } catch (error) {
      failed.push(`${write.name} in ${fileOf(write.kind, targets)}: ${(error as Error).message}`);
    }
  }
  const names = (kind: Write['kind']) => written.filter((w) => w.kind === kind).map((w) => w.name);
  const lines = [`Already written: ${[...names('variable'), ...names('output')].join(', ')}.`];
  const variables = undone.filter((w) => w.kind === 'variable').map((w) => w.name);
  const outputs = undone.filter((w) => w.kind === 'output').map((w) => w.name);
  if (variables.length > 0) lines.push(`Undone in GITHUB_ENV: ${variables.join(', ')} set back to what they were before this step (empty if unset), so later steps find no credentials from it.`);
  if (outputs.length > 0) lines.push(`Undone in GITHUB_OUTPUT: ${outputs.join(', ')} set to empty.`);
  if (failed.length > 0) {
    lines.push(`Could NOT undo: ${failed.join('; ')}. Later steps may still see these values; the post step blanks the variables.`);
  }
  return lines;
}
