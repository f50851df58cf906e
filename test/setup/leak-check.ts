/**
 * After every test: no run of any entry point printed a credential or an OIDC token that the
 * loopback fakes of its file handed out, except in that value's own ::add-mask:: line.
 */
import { afterEach, expect } from 'vitest';
import { recordedRuns, secretLeaks } from '../helpers/runner.js';
import { handledSecrets, startedFakes } from '../helpers/fakes.js';

afterEach(() => {
  const runs = recordedRuns.splice(0);
  for (const fakes of startedFakes) {
    const secrets = handledSecrets(fakes.sts, fakes.issuer);
    for (const run of runs) expect(secretLeaks(run, secrets), 'a secret leaked into a run\'s output').toEqual([]);
  }
});
