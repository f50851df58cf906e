/**
 * The post step (action.yml runs.post, post-if: always()): undoes what the main step of the same
 * invocation left for later steps, and says what it removed. Nothing here may fail the job: every
 * problem is a warning and the exit code stays 0. Opt out with cleanup: false.
 */
import { CLEANUP_STATE, parseCleanupState } from './cleanup-state.js';
import { runCleanup } from './cleanup.js';
import { jobPaths } from './job-files.js';
import { getState, runnerIO } from './runner.js';
import { BOOLEAN_FALSE } from './settings.js';

function post(): void {
  const io = runnerIO(process.env);
  try {
    const cleanup = io.getInput('cleanup');
    if (BOOLEAN_FALSE.includes(cleanup)) {
      io.info('Keyless cleanup: skipped (cleanup: false); the exported variables and profile files stay for the rest of the job.');
      return;
    }
    const state = parseCleanupState(getState(process.env, CLEANUP_STATE));
    if (!state) {
      io.info('Keyless cleanup: nothing to remove (the main step exported nothing).');
      return;
    }
    // The folder comes from the runner, not from the saved state: nothing outside it is touched.
    const runnerTemp = process.env.RUNNER_TEMP;
    if (!runnerTemp && state.entries.length > 0) io.warning('Keyless cleanup: RUNNER_TEMP is not set, so no profile file is touched.');
    const report = runnerTemp ? runCleanup(state, jobPaths(runnerTemp).root, io) : runCleanup({ ...state, entries: [] }, '', io);
    for (const line of report.removed) io.info(`Keyless cleanup: ${line}`);
    for (const line of report.kept) io.info(`Keyless cleanup: ${line}`);
    for (const line of report.problems) io.warning(`Keyless cleanup: ${line}`);
    if (report.removed.length === 0 && report.problems.length === 0) io.info('Keyless cleanup: nothing left to remove.');
  } catch (error) {
    io.warning(`Keyless cleanup did not finish: ${(error as Error).message}`);
  }
}

post();
process.exitCode = 0;
