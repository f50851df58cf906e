/**
 * The post step's work: undoes what the main step of the same invocation left for later steps, and
 * says what it removed. Nothing here may fail the job: every problem is a warning. Opt out with
 * cleanup: false.
 */
import * as core from '@actions/core';
import { CLEANUP_STATE, parseCleanupState } from '../job/cleanup-state.js';
import { removeJobCache, runCleanup, type CleanupReport } from '../job/cleanup.js';
import { jobPaths } from '../job/paths.js';
import { BOOLEAN_FALSE } from '../inputs/input-reader.js';
import type { RunContext } from '../inputs/context.js';
import type { ActionIO } from './runner.js';

export function runPostStep(io: ActionIO, context: RunContext): void {
  try {
    if (context.skipCleanup) {
      io.info('Keyless cleanup: skipped (AWS_SKIP_CLEANUP_STEP is true, as configure-aws-credentials reads it); the exported variables and profile files stay for the rest of the job.');
      return;
    }
    if (BOOLEAN_FALSE.includes(io.getInput('cleanup'))) {
      io.info('Keyless cleanup: skipped (cleanup: false); the exported variables and profile files stay for the rest of the job.');
      return;
    }
    const state = parseCleanupState(core.getState(CLEANUP_STATE));
    // The folder comes from the runner, not from the saved state: nothing outside it is touched.
    const { runnerTemp } = context;
    if (state && !runnerTemp && state.entries.length > 0) io.warning('Keyless cleanup: RUNNER_TEMP is not set, so no profile file is touched.');
    const report: CleanupReport = !state
      ? { removed: [], kept: [], problems: [] }
      : runnerTemp
        ? runCleanup(state, jobPaths(runnerTemp).root, io)
        : runCleanup({ ...state, entries: [] }, '', io);
    // The job's cache only ever saves requests: any Keyless post step deletes it, also after a failed main step.
    if (runnerTemp) removeJobCache(jobPaths(runnerTemp).cacheDir, report);
    for (const line of report.removed) io.info(`Keyless cleanup: ${line}`);
    for (const line of report.kept) io.info(`Keyless cleanup: ${line}`);
    for (const line of report.problems) io.warning(`Keyless cleanup: ${line}`);
    if (!state) io.info('Keyless cleanup: nothing else to remove (the main step exported nothing).');
    else if (report.removed.length === 0 && report.problems.length === 0) io.info('Keyless cleanup: nothing left to remove.');
  } catch (error) {
    io.warning(`Keyless cleanup did not finish: ${(error as Error).message}`);
  }
}
