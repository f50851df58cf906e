/**
 * The usual setting of a test about the runner's files: loopback fakes for the file, and for each
 * test a fresh job (its own RUNNER_TEMP) and a scratch folder outside it, both removed after the test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startFakes, type Fakes } from './fakes.js';
import { startJob, type Job } from './profiles.js';

export interface JobScene {
  readonly fakes: Fakes;
  readonly job: Job;
  /** A folder of the current user outside the job's: where planted links point. */
  readonly outside: string;
}

/** Registers the hooks; the returned object's fields are those of the running test. */
export function useJobScene(): JobScene {
  const scene = {} as { fakes: Fakes; job: Job; outside: string };
  beforeAll(async () => {
    scene.fakes = await startFakes();
  });
  afterAll(() => scene.fakes.close());
  beforeEach(() => {
    scene.fakes.reset();
    scene.job = startJob(scene.fakes.env);
    scene.outside = mkdtempSync(join(tmpdir(), 'keyless-outside-'));
  });
  afterEach(() => {
    scene.job.close();
    rmSync(scene.outside, { recursive: true, force: true });
  });
  return scene;
}
