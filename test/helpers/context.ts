/** A RunContext from a plain environment, as the credential process builds one (no event payload). */
import { githubRunFromEnv, parseRunContext, type Env, type RunContext } from '../../src/inputs/context.js';

export function contextFromEnv(env: Env = {}, nodeVersion = process.versions.node): RunContext {
  return parseRunContext(env, githubRunFromEnv(env), nodeVersion);
}
