/**
 * What the parts of a GitHub Actions run can be: owner and repository names, numeric ids, branch
 * and tag names, environment names, audiences… Each is a small deterministic automaton over code
 * points, built from literals, one-or-more runs of a character class, and finite choices.
 */

export interface CharClass {
  readonly name: string;
  has(cp: number): boolean;
}

const code = (ch: string): number => ch.codePointAt(0)!;
const isAlnum = (cp: number): boolean => (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122);
const oneOf = (chars: string) => {
  const set = new Set([...chars].map(code));
  return (cp: number): boolean => set.has(cp);
};

/** Text GitHub passes through (workflow names, audiences, environment names): printable, and compared per code point. */
function isText(cp: number): boolean {
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0) || (cp >= 0xd800 && cp <= 0xdfff)) return false;
  // Excluded so that lower-casing one character at a time equals lower-casing the whole string.
  if (cp === 0x3a3) return false;
  return [...String.fromCodePoint(cp).toLowerCase()].length === 1;
}

const gitForbidden = oneOf('~^:?*[\\');

export const CLASSES = {
  /** GitHub logins: letters, digits, hyphens. */
  owner: { name: 'owner', has: (cp: number) => isAlnum(cp) || cp === 45 },
  /** Repository names: letters, digits, `.`, `_`, `-`. */
  repository: { name: 'repository', has: (cp: number) => isAlnum(cp) || oneOf('._-')(cp) },
  digits: { name: 'digits', has: (cp: number) => cp >= 48 && cp <= 57 },
  /** Git ref names: no control characters, space, `~ ^ : ? * [ \`. */
  ref: { name: 'ref', has: (cp: number) => cp > 0x20 && cp !== 0x7f && !gitForbidden(cp) && isText(cp) },
  text: { name: 'text', has: isText },
  actor: { name: 'actor', has: (cp: number) => isAlnum(cp) || oneOf('-[]')(cp) },
  file: { name: 'file', has: (cp: number) => isAlnum(cp) || oneOf('._-')(cp) },
} as const satisfies Record<string, CharClass>;

/** Preferred stand-ins for "any other character": readable ones first. */
const PREFERRED = [...'xyzqwkjvbnmhgfdsaplotiureXYZQ1234567890-_.'].map(code);

/** A member of the class outside `exclude`, or undefined when the class has none. */
export function otherMember(cls: CharClass, exclude: ReadonlySet<number>): number | undefined {
  for (const cp of PREFERRED) if (cls.has(cp) && !exclude.has(cp)) return cp;
  for (let cp = 0x21; cp <= 0xffff; cp++) if (cls.has(cp) && !exclude.has(cp)) return cp;
  return undefined;
}

export type DomainPart = { readonly lit: string } | { readonly plus: CharClass } | { readonly choice: readonly string[] };

interface Edge {
  readonly lit?: number;
  readonly cls?: CharClass;
  readonly to: number;
}

/** A deterministic automaton: its states, their edges (disjoint labels) and which states accept. */
export class Domain {
  readonly edges: Edge[][] = [[]];
  readonly accepting: boolean[] = [false];
  readonly start = 0;
  /** A readable sample value, for runs whose value of this part does not matter. */
  readonly sample: string;

  constructor(parts: readonly DomainPart[], sample: string) {
    let current = [0];
    for (const part of parts) current = this.append(current, part);
    for (const s of current) this.accepting[s] = true;
    this.sample = sample;
  }

  private add(): number {
    this.edges.push([]);
    this.accepting.push(false);
    return this.edges.length - 1;
  }

  private connect(from: number, edge: Edge): void {
    const clash = this.edges[from]!.some((e) =>
      e.lit !== undefined ? (edge.lit !== undefined ? e.lit === edge.lit : edge.cls!.has(e.lit)) : edge.lit !== undefined ? e.cls!.has(edge.lit) : true,
    );
    if (clash) throw new Error('domain automaton would not be deterministic');
    this.edges[from]!.push(edge);
  }

  private append(from: number[], part: DomainPart): number[] {
    if ('lit' in part) {
      let current = from;
      for (const ch of part.lit) {
        const next = this.add();
        for (const s of current) this.connect(s, { lit: code(ch), to: next });
        current = [next];
      }
      return current;
    }
    if ('plus' in part) {
      const loop = this.add();
      for (const s of from) this.connect(s, { cls: part.plus, to: loop });
      this.connect(loop, { cls: part.plus, to: loop });
      return [loop];
    }
    // A finite choice: a trie; the ends are the states after it.
    if (from.length !== 1) throw new Error('a choice must follow a single state');
    const ends: number[] = [];
    const children = new Map<string, number>();
    for (const value of part.choice) {
      let state = from[0]!;
      let prefix = '';
      for (const ch of value) {
        prefix += ch;
        let next = children.get(prefix);
        if (next === undefined) {
          next = this.add();
          children.set(prefix, next);
          this.connect(state, { lit: code(ch), to: next });
        }
        state = next;
      }
      ends.push(state);
    }
    return [...new Set(ends)];
  }

  /** The state after one code point, or undefined when the domain does not allow it there. */
  step(state: number, cp: number): number | undefined {
    for (const edge of this.edges[state]!) {
      if (edge.lit !== undefined ? edge.lit === cp : edge.cls!.has(cp)) return edge.to;
    }
    return undefined;
  }

  /**
   * Code points that stand for every choice at this state: each literal edge, every special code
   * point inside a class edge, and one other member of the class (all others behave like it).
   */
  representatives(state: number, special: ReadonlySet<number>): number[] {
    const out: number[] = [];
    for (const edge of this.edges[state]!) {
      if (edge.lit !== undefined) {
        out.push(edge.lit);
        continue;
      }
      const other = otherMember(edge.cls!, special);
      if (other !== undefined) out.push(other);
      for (const cp of special) if (edge.cls!.has(cp)) out.push(cp);
    }
    return out;
  }

  /** True when the sample is a member (a self-check for the definitions below). */
  accepts(value: string): boolean {
    let state: number | undefined = this.start;
    for (const ch of value) {
      state = this.step(state, code(ch));
      if (state === undefined) return false;
    }
    return this.accepting[state]!;
  }
}

/** Events other than pull_request and pull_request_target (their runs are modelled apart), for templates with event_name. */
export const OTHER_EVENTS = [
  'branch_protection_rule', 'check_run', 'check_suite', 'create', 'delete', 'deployment', 'deployment_status', 'discussion',
  'discussion_comment', 'fork', 'gollum', 'issue_comment', 'issues', 'label', 'merge_group', 'milestone', 'page_build',
  'public', 'pull_request_review', 'pull_request_review_comment', 'push', 'registry_package',
  'release', 'repository_dispatch', 'schedule', 'status', 'watch', 'workflow_call', 'workflow_dispatch', 'workflow_run',
];

const plus = (cls: CharClass): DomainPart => ({ plus: cls });

/** The parts of a run prove reasons about, and what each can be. */
export const DOMAINS = {
  owner: new Domain([plus(CLASSES.owner)], 'example-org'),
  ownerId: new Domain([plus(CLASSES.digits)], '1000001'),
  name: new Domain([plus(CLASSES.repository)], 'example-repo'),
  repoId: new Domain([plus(CLASSES.digits)], '2000002'),
  environment: new Domain([plus(CLASSES.text)], 'production'),
  refName: new Domain([plus(CLASSES.ref)], 'main'),
  prNumber: new Domain([plus(CLASSES.digits)], '1'),
  aud: new Domain([plus(CLASSES.text)], 'sts.amazonaws.com'),
  actor: new Domain([plus(CLASSES.actor)], 'octocat'),
  actorId: new Domain([plus(CLASSES.digits)], '3000003'),
  workflow: new Domain([plus(CLASSES.text)], 'deploy'),
  /** OWNER/REPO/.github/workflows/FILE@REF: reusable workflows may live in any repository. */
  jobWorkflowRef: new Domain(
    [plus(CLASSES.owner), { lit: '/' }, plus(CLASSES.repository), { lit: '/.github/workflows/' }, plus(CLASSES.file), { lit: '@' }, plus(CLASSES.ref)],
    'example-org/example-repo/.github/workflows/deploy.yml@refs/heads/main',
  ),
  enterpriseId: new Domain([plus(CLASSES.digits)], '4000004'),
  visibility: new Domain([{ choice: ['public', 'private', 'internal'] }], 'private'),
  runnerEnvironment: new Domain([{ choice: ['github-hosted', 'self-hosted'] }], 'github-hosted'),
  otherEvent: new Domain([{ choice: OTHER_EVENTS }], 'push'),
} as const;

export type FieldName = keyof typeof DOMAINS;
