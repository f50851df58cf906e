/**
 * Session tags for sts:AssumeRole (role chaining), with the names and values configure-aws-
 * credentials sends by default, so trust and permission policies written for them keep working.
 * AssumeRoleWithWebIdentity takes no tags: there, the token's claims play that part. Pure.
 */
import type { RunContext } from '../inputs/context.js';

export interface SessionTag {
  readonly Key: string;
  readonly Value: string;
}

/** STS: tag keys 1–128 and values 0–256 characters from this set; at most 50 tags. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const NOT_TAG_CHARACTERS = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;
export const MAX_TAGS = 50;

/** Tags dropped first when STS says the packed tags are too large. */
export const DROPPABLE_TAG_KEYS = ['EventName', 'BaseRef', 'HeadRef', 'RunId', 'Job', 'TriggeringActor'] as const;
export const BUILT_IN_TAG_KEYS = ['GitHub', 'Repository', 'Workflow', 'Action', 'Actor', 'Commit', 'Branch', ...DROPPABLE_TAG_KEYS] as const;

/** A runner value as a tag value: characters STS refuses become `_`, cut to 256. */
export function tagValue(value: string): string {
  return value.replace(NOT_TAG_CHARACTERS, '_').slice(0, 256);
}

export function githubSessionTags(run: RunContext['run']): SessionTag[] {
  const values: [string, string | undefined][] = [
    ['GitHub', 'Actions'],
    ['Repository', run.repository],
    ['Workflow', run.workflow],
    ['Action', run.action],
    ['Actor', run.actor],
    ['Commit', run.sha],
    ['Branch', run.ref],
    ['EventName', run.eventName],
    ['BaseRef', run.baseRef],
    ['HeadRef', run.headRef],
    ['RunId', run.id],
    ['Job', run.job],
    ['TriggeringActor', run.triggeringActor],
  ];
  return values.filter((entry): entry is [string, string] => !!entry[1]).map(([Key, value]) => ({ Key, Value: tagValue(value) }));
}

/** The custom-tags input: a JSON object of tag key → string, number or boolean. A problem, or the tags. */
export function parseCustomTags(text: string): { tags: SessionTag[]; problem?: string } {
  if (text === '') return { tags: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { tags: [], problem: 'a JSON object of tag key → value, e.g. {"Team": "payments"}; this is not valid JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { tags: [], problem: 'a JSON object (not an array or a single value)' };
  const tags: SessionTag[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return { tags: [], problem: `a string, number or boolean for tag ${JSON.stringify(key)} (not an object, array or null)` };
    }
    const text = String(value);
    if (key.length < 1 || key.length > 128) return { tags: [], problem: `tag keys of 1–128 characters (${JSON.stringify(key)} has ${key.length})` };
    if (text.length > 256) return { tags: [], problem: `tag values of at most 256 characters (tag ${JSON.stringify(key)} has ${text.length})` };
    if (!TAG_CHARACTERS.test(key) || !TAG_CHARACTERS.test(text)) {
      return { tags: [], problem: `tag keys and values of letters, digits, spaces and _ . : / = + - @ only (tag ${JSON.stringify(key)})` };
    }
    if ((BUILT_IN_TAG_KEYS as readonly string[]).includes(key)) {
      return { tags: [], problem: `keys other than the tags Keyless sets itself (${BUILT_IN_TAG_KEYS.join(', ')}); ${JSON.stringify(key)} is one of them` };
    }
    tags.push({ Key: key, Value: text });
  }
  if (tags.length + BUILT_IN_TAG_KEYS.length > MAX_TAGS) {
    return { tags: [], problem: `at most ${MAX_TAGS - BUILT_IN_TAG_KEYS.length} custom tags (STS allows ${MAX_TAGS} in all, and Keyless sets up to ${BUILT_IN_TAG_KEYS.length})` };
  }
  return { tags };
}

export interface TagRequest {
  readonly tags: readonly SessionTag[];
  readonly transitiveTagKeys: readonly string[];
  /** Transitive keys asked for that no tag has: STS would refuse them. */
  readonly unknownTransitiveKeys: readonly string[];
}

/** What AssumeRole sends, or nothing when tagging is skipped. */
export function sessionTagRequest(run: RunContext['run'], options: { skip: boolean; custom: readonly SessionTag[]; transitiveTagKeys: readonly string[] }): TagRequest {
  if (options.skip) return { tags: [], transitiveTagKeys: [], unknownTransitiveKeys: [] };
  const tags = [...githubSessionTags(run), ...options.custom];
  const keys = new Set(tags.map((tag) => tag.Key));
  return {
    tags,
    transitiveTagKeys: options.transitiveTagKeys.filter((key) => keys.has(key)),
    unknownTransitiveKeys: options.transitiveTagKeys.filter((key) => !keys.has(key)),
  };
}

/** The same request without the droppable tags, for a second try after PackedPolicyTooLarge. */
export function withoutDroppableTags(request: TagRequest): TagRequest {
  const droppable = new Set<string>(DROPPABLE_TAG_KEYS);
  const tags = request.tags.filter((tag) => !droppable.has(tag.Key));
  return { ...request, tags, transitiveTagKeys: request.transitiveTagKeys.filter((key) => !droppable.has(key)) };
}
