/**
 * Whether the shared AWS config or credentials file sets anything the SDK could apply to STS's
 * endpoint (endpoint_url, a services section, FIPS, dual-stack, ignoring configured endpoints).
 * Keyless then leaves the STS call to the SDK, as before it called STS itself, instead of sending
 * the token where the SDK would not. Conservative on purpose: a key in any section counts, since
 * the SDK's profile rules (merged sections, `[profile default]`, comments, quoting) are its own.
 * Reads two files, before any request.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { READ_LIMITS, readFileBoundedSync } from '../shared/bounded-read.js';

const ENDPOINT_KEY = /^\s*(endpoint_url|services|use_fips_endpoint|use_dualstack_endpoint|ignore_configured_endpoint_urls)\s*=/im;

/** Whether a config or credentials file's text sets an endpoint option anywhere. Pure. */
export function setsEndpointOption(text: string): boolean {
  return ENDPOINT_KEY.test(text);
}

/** A path as the SDK takes it from AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE: `~/` is the home folder. */
const expandHome = (path: string, home: string) => (path.startsWith('~/') ? join(home, path.slice(2)) : path);

export interface SharedFiles {
  /** AWS_CONFIG_FILE */
  readonly configFile: string | undefined;
  /** AWS_SHARED_CREDENTIALS_FILE */
  readonly credentialsFile: string | undefined;
}

/**
 * The two files as the SDK finds them. One that is missing, unreadable or over 1 MiB sets nothing
 * here (the SDK would fail on it or ignore it; Keyless does not guess).
 */
export function sharedFilesSetStsEndpoint(files: SharedFiles, home = homedir()): boolean {
  const paths = [expandHome(files.configFile ?? join(home, '.aws', 'config'), home), expandHome(files.credentialsFile ?? join(home, '.aws', 'credentials'), home)];
  return paths.some((path) => {
    try {
      return setsEndpointOption(readFileBoundedSync(path, { maxBytes: READ_LIMITS.awsConfigFile }));
    } catch {
      return false;
    }
  });
}
