/** The CLI's pure parts: input decoding, formatting, and run() with an in-memory file system. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateTrustPolicy, generateTrustPolicy, lintTrustPolicy } from '../../src/trust/index.js';
import { countFindings, evaluateJson, formatLintReport, generateJson, generateNotes, lintJson } from '../../src/cli/format.js';
import { claimsFromJson, claimsFromToken, CliError, jsonErrorAt, lineColumn, parseJsonInput } from '../../src/cli/inputs.js';
import { run, type CliIo } from '../../src/cli/main.js';

const GH = 'token.actions.githubusercontent.com';
const POLICY = generateTrustPolicy({ repository: 'octo-org/octo-repo', environments: ['prod'], account: '123456789012' });
const CLAIMS = { iss: `https://${GH}`, aud: 'sts.amazonaws.com', sub: 'repo:octo-org/octo-repo:environment:prod' };

/** An unsigned JWT with these claims (the CLI only decodes). */
function jwt(claims: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2ln`;
}

function memoryIo(files: Record<string, string>) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    readFile: (path) => {
      if (path in files) return files[path]!;
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    },
    version: '9.9.9',
  };
  return { io, out };
}

describe('inputs', () => {
  it('lineColumn', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });

  it('parseJsonInput names the flag, the file and the line and column', () => {
    expect(() => parseJsonInput('{\n  "a": 1,\n  }', '--policy', 'p.json')).toThrow(/--policy "p.json" is not valid JSON at line 3, column 3/);
    expect(() => parseJsonInput('{"a": ', '--claims', 'c.json')).toThrow(/--claims "c.json" is not valid JSON at line 1/);
    expect(() => parseJsonInput('  ', '--policy', 'p.json')).toThrow(/is empty/);
    expect(parseJsonInput('\ufeff{"a": 1}', '--policy', 'p.json')).toEqual({ a: 1 });
  });

  it('jsonErrorAt agrees with JSON.parse on what is valid (property)', () => {
    const valid = (t: string) => {
      try {
        JSON.parse(t);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(fc.property(fc.json(), (t) => jsonErrorAt(t) === undefined));
    const near = fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', ' ', '1', '-', '.', 'e', 'a', 'n', 't', 'true', 'null', '\\'), maxLength: 12 });
    fc.assert(fc.property(near, (t) => (jsonErrorAt(t) === undefined) === valid(t)), { numRuns: 3000 });
    fc.assert(fc.property(fc.json(), fc.nat(), (t, cut) => (jsonErrorAt(t.slice(0, cut % (t.length + 1))) === undefined) === valid(t.slice(0, cut % (t.length + 1)))));
  });

  it('jsonErrorAt points at the offending character', () => {
    expect(jsonErrorAt('{\n  "Statement": [,]\n}')).toEqual({ offset: 18, problem: 'expected a value, found ","' });
    expect(jsonErrorAt('{"a": 1')).toEqual({ offset: 7, problem: 'expected "," or "}", found the end of the document' });
    expect(jsonErrorAt('{a: 1}')?.problem).toBe('expected a property name in double quotes, found "a"');
  });

  it('claimsFromJson accepts bare claims and the decoded {header, payload} shape', () => {
    expect(claimsFromJson(CLAIMS, 'c.json')).toEqual(CLAIMS);
    expect(claimsFromJson({ header: { alg: 'RS256' }, payload: CLAIMS }, 'c.json')).toEqual(CLAIMS);
    expect(() => claimsFromJson([1], 'c.json')).toThrow(CliError);
  });

  it('claimsFromToken decodes without verifying; rejects what is not a JWT', () => {
    expect(claimsFromToken(`${jwt(CLAIMS)}\n`, 't.jwt')).toEqual(CLAIMS);
    expect(() => claimsFromToken('abc', 't.jwt')).toThrow(/not a JWT: expected three base64url parts/);
    expect(() => claimsFromToken('a.b.c', 't.jwt')).toThrow(/not a decodable JWT/);
    expect(() => claimsFromToken('', 't.jwt')).toThrow(/is empty/);
  });
});

describe('formatting', () => {
  const broad = { ...POLICY, Statement: [{ ...POLICY.Statement[0]!, Condition: { StringLike: { [`${GH}:sub`]: 'repo:*' } } }] };

  it('formatLintReport: a header with counts, then one entry per finding', () => {
    const findings = lintTrustPolicy(broad);
    const text = formatLintReport('p.json', findings);
    expect(text.split('\n')[0]).toBe('p.json: 1 error, 1 warning');
    expect(text).toContain('error   sub-wildcard-owner');
    expect(text).toContain(`$.Statement[0].Condition.StringLike["${GH}:sub"]`);
    expect(formatLintReport('p.json', [])).toBe('p.json: no findings\n');
    expect(countFindings(findings)).toEqual({ errors: 1, warnings: 1 });
  });

  it('lintJson is one JSON document', () => {
    const doc = JSON.parse(lintJson('p.json', lintTrustPolicy(broad)));
    expect(doc).toMatchObject({ file: 'p.json', errors: 1, warnings: 1 });
    expect(doc.findings[0]).toHaveProperty('ruleId');
  });

  it('evaluateJson includes the decision and says a token was not verified', () => {
    const decision = evaluateTrustPolicy(POLICY, CLAIMS);
    const doc = JSON.parse(evaluateJson(decision, { policy: 'p.json', token: 't.jwt' }));
    expect(doc).toMatchObject({ allowed: true, decision: 'allow', input: { policy: 'p.json', token: 't.jwt', tokenSignatureVerified: false } });
    expect(JSON.parse(evaluateJson(decision, { policy: 'p.json', claims: 'c.json' })).input).toEqual({ policy: 'p.json', claims: 'c.json' });
  });

  it('generate notes and JSON', () => {
    expect(generateNotes({})).toHaveLength(2);
    expect(generateNotes({ account: '123456789012', ownerId: '1' })[0]).toMatch(/immutable form/);
    expect(generateNotes({ account: '123456789012', ownerId: '1', includeNameOnly: true })).toEqual([]);
    expect(JSON.parse(generateJson(POLICY, ['s'], ['n']))).toEqual({ policy: POLICY, subjects: ['s'], notes: ['n'] });
  });
});

describe('run (in memory)', () => {
  const files = {
    'p.json': JSON.stringify(POLICY),
    'c.json': JSON.stringify(CLAIMS),
    'pr.json': JSON.stringify({ ...CLAIMS, sub: 'repo:octo-org/octo-repo:pull_request' }),
    't.jwt': jwt(CLAIMS),
    'bad.json': '{"Statement": [{"Effect": "Maybe"}]}',
  };

  it.each([
    [['trust-policy', 'evaluate', '--policy', 'p.json', '--claims', 'c.json'], 0],
    [['trust-policy', 'evaluate', '--policy', 'p.json', '--claims', 'pr.json'], 3],
    [['trust-policy', 'evaluate', '--policy', 'p.json', '--token', 't.jwt'], 0],
    [['trust-policy', 'lint', '--policy', 'p.json'], 0],
    [['trust-policy', 'generate', '--repository', 'o/r', '--branch', 'main'], 0],
    [['--version'], 0],
    [['--help'], 0],
    [[], 2],
    [['trust-policy'], 2],
    [['trust-policy', 'frob'], 2],
    [['frob'], 2],
    [['--frob'], 2],
    [['trust-policy', 'evaluate', '--policy', 'p.json'], 2],
    [['trust-policy', 'evaluate', '--policy', 'p.json', '--claims', 'c.json', '--token', 't.jwt'], 2],
    [['trust-policy', 'evaluate', '--policy', 'missing.json', '--claims', 'c.json'], 2],
    [['trust-policy', 'lint', '--policy', 'bad.json'], 2],
    [['trust-policy', 'lint', '--policy'], 2],
    [['trust-policy', 'lint', 'p.json'], 2],
    [['trust-policy', 'generate', '--repository', 'o/r'], 2],
    [['trust-policy', 'generate', '--repository', 'o/r', '--branch', 'a*'], 2],
  ])('%j → exit %i', (argv, code) => {
    const { io, out } = memoryIo(files);
    expect(run(argv, io)).toBe(code);
    if (code === 2) expect(out.stderr.length).toBeGreaterThan(0);
    if (code === 0) expect(out.stdout.length).toBeGreaterThan(0);
  });

  it('messages name the flag and what was expected', () => {
    const messageFor = (argv: string[]) => {
      const { io, out } = memoryIo(files);
      run(argv, io);
      return out.stderr;
    };
    expect(messageFor(['trust-policy', 'lint', '--policy', 'missing.json'])).toMatch(/--policy "missing.json": cannot read the file \(no such file\)/);
    expect(messageFor(['trust-policy', 'lint', '--policy', 'bad.json'])).toMatch(/--policy "bad.json" is not a valid trust policy: \$\.Statement\[0\]\.Effect: Effect must be "Allow" or "Deny"/);
    expect(messageFor(['trust-policy', 'lint', '--polcy', 'p.json'])).toMatch(/unknown flag --polcy for "keyless trust-policy lint"/);
    expect(messageFor(['trust-policy', 'lint', '--policy'])).toMatch(/--policy needs a value/);
    expect(messageFor(['trust-policy', 'lint', 'p.json'])).toMatch(/unexpected argument "p.json"/);
    expect(messageFor(['trust-policy', 'evaluate', '--policy', 'p.json'])).toMatch(/--claims FILE.json or --token FILE.jwt \(the token to evaluate\) is required/);
    expect(messageFor(['trust-policy', 'evaluate'])).toMatch(/^keyless: error: --policy \(the trust policy file\) and --claims FILE.json or --token FILE.jwt \(the token to evaluate\) are required/);
    expect(messageFor(['trust-policy', 'generate', '--repository', 'o/r'])).toMatch(/one of --environment, --branch, --tag or --pull-requests \(the runs the policy admits\) is required/);
    expect(messageFor(['trust-policy', 'generate', '--repository', 'o/r', '--branch', 'a*'])).toMatch(/^keyless: error: --branch: branch "a\*"/);
    expect(messageFor(['trust-policy', 'generate', '--repository', 'o/r', '--branch', 'main', '--owner-id', '1'])).toMatch(/--repository-id: give both/);
  });

  it('--token prints the unverified-signature note on stderr', () => {
    const { io, out } = memoryIo(files);
    run(['trust-policy', 'evaluate', '--policy', 'p.json', '--token', 't.jwt'], io);
    expect(out.stderr).toMatch(/signature was NOT verified/);
    expect(out.stdout).toMatch(/^ALLOWED/);
  });

  it('generate prints a usable policy on stdout and notes on stderr', () => {
    const { io, out } = memoryIo(files);
    run(['trust-policy', 'generate', '--repository', 'o/r', '--environment', 'prod', '--environment', 'staging'], io);
    const policy = JSON.parse(out.stdout);
    expect(policy.Statement[0].Condition.StringEquals[`${GH}:sub`]).toEqual(['repo:o/r:environment:prod', 'repo:o/r:environment:staging']);
    expect(out.stderr).toMatch(/ACCOUNT_ID/);
  });

  it('--version prints the version', () => {
    const { io, out } = memoryIo(files);
    run(['--version'], io);
    expect(out.stdout).toBe('keyless 9.9.9\n');
  });
});

describe('generateNotes: the subject form of each repository', () => {
  it.each<[string, Parameters<typeof generateNotes>[0], RegExp[]]>([
    ['one name-only repository', { account: '1', repository: 'o/r' }, [/^subjects use the name-only form/]],
    ['one with ids inline', { account: '1', repository: 'o@1/r@2' }, [/^subjects use the immutable form/]],
    ['one with --owner-id', { account: '1', repository: 'o/r', ownerId: '1' }, [/^subjects use the immutable form/]],
    ['ids and --include-name-only', { account: '1', repository: 'o@1/r@2', includeNameOnly: true }, []],
    ['two, one of each', { account: '1', repository: 'o/web', additionalRepositories: ['o@1/api@2'] }, [/^subjects of o\/web use the name-only form/, /^subjects of o@1\/api@2 use the immutable form/]],
    ['no account', { repository: 'o@1/r@2' }, [/placeholder ACCOUNT_ID/, /immutable form/]],
  ])('%s', (_name, options, expected) => {
    const notes = generateNotes(options);
    expect(notes).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(notes[i]).toMatch(pattern));
  });
});
