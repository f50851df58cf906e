// Entry point the runner starts (action.yml runs.main). Thin: the runner's variables and event are
// read here, once, into a RunContext; everything else lives in run.ts and the stages it calls.
import { context as github } from '@actions/github';
import { parseRunContext } from '../inputs/context.js';
import { withEnvFallbacks } from '../inputs/env-fallbacks.js';
import { run } from './run.js';
import { runnerIO } from './runner.js';

const runContext = parseRunContext(process.env, github, process.versions.node);
const io = runnerIO(runContext.files);
// configure-aws-credentials' environment-variable inputs (ROLE_TO_ASSUME, …) fill empty inputs.
await run(io, runContext, withEnvFallbacks((name) => io.getInput(name), process.env));
// Every request has its own timeout, but a kept-alive socket must not hold the job open.
setTimeout(() => process.exit(), 1000).unref();
