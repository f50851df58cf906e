// Entry point of the post step (action.yml runs.post, post-if: always()). Thin: see post-step.ts.
import { context as github } from '@actions/github';
import { parseRunContext } from '../inputs/context.js';
import { runnerIO } from './runner.js';
import { runPostStep } from './post-step.js';

const runContext = parseRunContext(process.env, github, process.versions.node);
runPostStep(runnerIO(runContext.files), runContext);
process.exitCode = 0;
