/**
 * Node ≥ 22.1 caches compiled code: a later invocation in the same job loads the lazily imported
 * AWS SDK faster. The cache lives in the job's own RUNNER_TEMP, never in a directory shared with
 * other jobs, whose cached code this process would otherwise run. Only a speed-up: any failure is ignored.
 */
import { join } from 'node:path';

export function enableJobCompileCache(runnerTemp: string | undefined): void {
  // Looked up at run time: Node 20 has no such export (a static import would fail to link there),
  // and the bundler's wrapping of a namespace import hides it.
  const { enableCompileCache } = process.getBuiltinModule('node:module') as { enableCompileCache?: (directory: string) => unknown };
  if (typeof enableCompileCache !== 'function' || !runnerTemp) return;
  try {
    enableCompileCache(join(runnerTemp, 'keyless-compile-cache'));
  } catch {
    // Only a speed-up.
  }
}
