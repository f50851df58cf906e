/**
 * What one invocation leaves behind, and how its post step takes it away again: the variables it
 * exported are blanked, the profile sections it wrote are removed, and the files and folders it
 * created are deleted once nothing of anyone else's is left in them. Paths outside the job's
 * Keyless folder are never touched, whatever the saved state says.
 */
import { existsSync, lstatSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { checkOwnDir } from './private-files.js';
import { parseIni, serializeIni, withoutSections } from './ini.js';
import { readRegularFile, writeFileAtomic } from './files.js';
import type { ExportSink } from '../shared/ports.js';
import type { CleanupEntry, CleanupState } from './cleanup-state.js';

/** True when `path` lies strictly inside `root`. */
export function isInside(root: string, path: string): boolean {
  if (!isAbsolute(path)) return false;
  const rel = relative(resolve(root), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

export interface CleanupReport {
  /** What was removed or blanked, one line each. */
  readonly removed: string[];
  /** What was left on purpose, and why. */
  readonly kept: string[];
  /** What could not be done (each a warning, never a failure). */
  readonly problems: string[];
}

/**
 * Undoes one invocation. Every step is tried on its own: one failure is reported and the rest
 * still runs. `root` is the job's Keyless folder, computed by the caller from RUNNER_TEMP.
 */
export function runCleanup(state: CleanupState, root: string, sink: Pick<ExportSink, 'exportVariable'>): CleanupReport {
  const report: CleanupReport = { removed: [], kept: [], problems: [] };
  const attempt = (what: string, work: () => void) => {
    try {
      work();
    } catch (error) {
      report.problems.push(`${what}: ${(error as Error).message}`);
    }
  };

  if (state.variables.length > 0) {
    attempt('blanking the exported variables', () => {
      for (const name of state.variables) sink.exportVariable(name, '');
      report.removed.push(`blanked ${state.variables.join(', ')} for the rest of the job`);
    });
  }

  const files = state.entries.filter((entry) => entry.kind !== 'dir');
  // Deepest folders first, so a parent is empty by the time its turn comes.
  const dirs = state.entries.filter((entry) => entry.kind === 'dir').sort((a, b) => b.path.length - a.path.length);
  for (const entry of [...files, ...dirs]) {
    if (!isInside(root, entry.path)) {
      report.problems.push(`not touching ${entry.path}: it is outside ${root}`);
      continue;
    }
    attempt(`cleaning up ${entry.path}`, () => {
      checkFoldersUpTo(root, entry.path);
      cleanEntry(entry, report);
    });
  }
  return report;
}

/**
 * Throws unless every folder from `root` down to `path`'s parent is a real folder of ours. The
 * saved paths are strings: a symlinked `keyless` or `keyless/aws` (planted, or left by a step)
 * would otherwise lead the deletions outside RUNNER_TEMP/keyless.
 */
export function checkFoldersUpTo(root: string, path: string): void {
  const folders: string[] = [];
  for (let folder = dirname(resolve(path)); folder !== resolve(root) && isInside(root, folder); folder = dirname(folder)) folders.push(folder);
  for (const folder of [resolve(root), ...folders.reverse()]) {
    let stat;
    try {
      stat = lstatSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // nothing below it to touch
      throw error;
    }
    checkOwnDir(folder, stat);
  }
}

/**
 * Deletes the job's caches (the credential process's credentials, the issuers' keys), whoever
 * wrote them: they only save requests, so deleting them is always safe, and cached credentials
 * must not outlive the job's profiles. rmSync never follows a symlink planted there.
 */
export function removeJobCache(cacheDir: string, report: CleanupReport): void {
  try {
    if (!existsSync(cacheDir) && !isSymlink(cacheDir)) return;
    checkFoldersUpTo(dirname(cacheDir), cacheDir);
    rmSync(cacheDir, { recursive: true, force: true });
    report.removed.push(`deleted the job's credential and key cache ${cacheDir}`);
  } catch (error) {
    report.problems.push(`deleting the cache ${cacheDir}: ${(error as Error).message}`);
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function cleanEntry(entry: CleanupEntry, report: CleanupReport): void {
  switch (entry.kind) {
    case 'file': {
      if (readRegularFile(entry.path) === undefined) return;
      rmSync(entry.path);
      report.removed.push(`deleted ${entry.path}`);
      return;
    }
    case 'dir': {
      let stat;
      try {
        stat = lstatSync(entry.path);
      } catch {
        return;
      }
      if (!stat.isDirectory()) return;
      checkOwnDir(entry.path, stat);
      const left = readdirSync(entry.path);
      if (left.length > 0) {
        report.kept.push(`kept ${entry.path}: it still holds ${left.join(', ')}`);
        return;
      }
      rmdirSync(entry.path);
      report.removed.push(`deleted ${entry.path}`);
      return;
    }
    case 'sections': {
      const text = readRegularFile(entry.path);
      if (text === undefined) return;
      const { document, removed } = withoutSections(parseIni(text), entry.sections);
      const rest = serializeIni(document);
      const onlyComments = document.sections.length === 0;
      if (entry.created && onlyComments) {
        rmSync(entry.path);
        report.removed.push(`deleted ${entry.path}${removed.length > 0 ? ` (${removed.map((s) => `[${s}]`).join(', ')})` : ''}`);
        return;
      }
      if (removed.length > 0) {
        writeFileAtomic(entry.path, rest);
        report.removed.push(`removed ${removed.map((s) => `[${s}]`).join(', ')} from ${entry.path}`);
      }
      if (entry.created) {
        report.kept.push(`kept ${entry.path}: it still holds ${document.sections.map((s) => `[${s.name}]`).join(', ')}, written by other steps`);
      }
      return;
    }
  }
}
