/**
 * Whether the shared AWS config file sets, for the active profile, something the SDK would apply to
 * STS's endpoint (endpoint_url, a services section, FIPS, dual-stack, ignoring configured
 * endpoints). Keyless then leaves the STS call to the SDK, as before it called STS itself, instead
 * of sending the token where the SDK would not. Reads one file, before any request.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readFileBoundedSync } from '../shared/bounded-read.js';
import { configSection, parseIni } from '../job/ini.js';

const ENDPOINT_KEYS = new Set(['endpoint_url', 'services', 'use_fips_endpoint', 'use_dualstack_endpoint', 'ignore_configured_endpoint_urls']);

/** The keys of a config file's profile section that touch endpoints, in the order they appear. Pure. */
export function endpointKeysOf(text: string, profile: string): string[] {
  const section = parseIni(text).sections.find((s) => s.name === configSection(profile));
  return (section?.lines ?? []).map((line) => /^\s*([A-Za-z_]+)\s*=/.exec(line)?.[1]?.toLowerCase()).filter((key): key is string => key !== undefined && ENDPOINT_KEYS.has(key));
}

/**
 * AWS_CONFIG_FILE, else ~/.aws/config, as the SDK finds it. A file that is missing, unreadable or
 * over 1 MiB sets nothing here (the SDK would then fail or read it itself; Keyless does not guess).
 */
export function sharedConfigSetsStsEndpoint(configFile: string | undefined, profile: string | undefined): boolean {
  let text: string;
  try {
    text = readFileBoundedSync(configFile ?? join(homedir(), '.aws', 'config'), { maxBytes: 1024 * 1024 });
  } catch {
    return false;
  }
  return endpointKeysOf(text, profile ?? 'default').length > 0;
}
