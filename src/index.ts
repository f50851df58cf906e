// Entry point the runner starts (action.yml runs.main). Kept thin: all logic lives in main.ts.
import { run } from './main.js';
import { runnerIO } from './runner.js';

await run(runnerIO(process.env), process.env);
// Every request has its own timeout, but a kept-alive socket must not hold the job open.
setTimeout(() => process.exit(), 1000).unref();
