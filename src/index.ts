// Entry point the runner starts (action.yml runs.main). Kept thin: all logic lives in main.ts.
import { join } from 'node:path';
import { run } from './main.js';
import { runnerIO } from './runner.js';

// Node ≥ 22.1 caches compiled code: a second invocation in the same job loads the lazily
// imported AWS SDK faster. The cache lives in the job's own RUNNER_TEMP, never in a directory
// shared with other jobs, whose cached code this process would otherwise run.
// Looked up at run time: Node 20 has no such export (a static import would fail to link there),
// and the bundler's wrapping of a namespace import hides it.
const { enableCompileCache } = process.getBuiltinModule('node:module') as { enableCompileCache?: (directory: string) => unknown };
if (typeof enableCompileCache === 'function' && process.env.RUNNER_TEMP) {
  try {
    enableCompileCache(join(process.env.RUNNER_TEMP, 'keyless-compile-cache'));
  } catch {
    // Only a speed-up.
  }
}

await run(runnerIO(process.env), process.env);
// Every request has its own timeout, but a kept-alive socket must not hold the job open.
setTimeout(() => process.exit(), 1000).unref();
