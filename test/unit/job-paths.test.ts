/** Where the job's files are, and which job folder a refreshing profile's configuration belongs to. Pure. */
import { describe, expect, it } from 'vitest';
import { jobPaths, runnerTempOfProcessConfig } from '../../src/job/paths.js';

describe('runnerTempOfProcessConfig', () => {
  it.each<[string, string | undefined]>([
    [jobPaths('/home/runner/work/_temp').processConfigDir + '/deploy.json', '/home/runner/work/_temp'],
    ['/__w/_temp/keyless/aws/credential-process/deploy.json', '/__w/_temp'],
    ['/__w/_temp/keyless/aws/credential-process/../credential-process/deploy.json', '/__w/_temp'],
    ['/tmp/config.json', undefined],
    ['/x/keyless/aws/other/deploy.json', undefined],
    ['/x/not-keyless/aws/credential-process/deploy.json', undefined],
    ['/keyless/aws/credential-process/deploy.json', '/'],
  ])('%s: %s', (path, runnerTemp) => {
    expect(runnerTempOfProcessConfig(path)).toBe(runnerTemp);
  });
});
