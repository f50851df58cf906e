/** `keyless trust-policy test FILE…`: expectation files, each run allowed or denied as expected. */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { BoundedParseError } from '../shared/bounded-parse.js';
import { SourceSyntaxError } from '../trust/audit/located.js';
import { parseYamlLocated } from '../trust/audit/yaml.js';
import { checkCase, ExpectationError, parseExpectations, type CaseResult } from '../trust/expectations.js';
import { formatDecision } from '../trust/index.js';
import { guarded, parseCommand, readProblem } from './args.js';
import type { AuditIo } from './audit.js';
import { TEST_HELP } from './help-audit.js';
import { CliError } from './inputs.js';
import { loadPolicy } from './policy-source.js';
import { RUNS_TO_ADMIT_OPTIONS } from './runs-to-admit.js';
import { givesRuns, runsFromFlags } from './test-runs.js';

/** Where the runs came from when they were given as flags (null in --json). */
const COMMAND_LINE = '(command line)';

interface FileResult {
  readonly file: string;
  readonly policy: string;
  readonly results: CaseResult[];
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line) => by + line)
    .join('\n');
}

function report(files: readonly FileResult[]): string {
  const lines: string[] = [];
  for (const f of files) {
    lines.push(`${f.file}: ${f.policy}`);
    for (const r of f.results) {
      const c = r.case;
      const mark = r.passed ? 'ok  ' : 'FAIL';
      // Runs from flags have no line: they are numbered as given.
      lines.push(`  ${mark} ${c.expect.padEnd(5)} ${c.label}  (${c.expect}[${c.index}]${c.line > 0 ? `, line ${c.line}` : ''})`);
      if (r.passed) continue;
      lines.push(`       expected ${c.expect === 'allow' ? 'ALLOWED' : 'DENIED'}, got ${r.decision.allowed ? 'ALLOWED' : 'DENIED'}: ${r.decision.summary}`);
      lines.push(indent(formatDecision(r.decision), '       '));
    }
  }
  const all = files.flatMap((f) => f.results);
  const failed = all.filter((r) => !r.passed).length;
  lines.push('', `${all.length - failed} passed, ${failed} failed`);
  return `${lines.join('\n')}\n`;
}

function json(files: readonly FileResult[]): string {
  const all = files.flatMap((f) => f.results);
  const failed = all.filter((r) => !r.passed).length;
  const doc = {
    passed: all.length - failed,
    failed,
    files: files.map((f) => ({
      file: f.file === COMMAND_LINE ? null : f.file,
      policy: f.policy,
      results: f.results.map((r) => ({
        expect: r.case.expect,
        index: r.case.index,
        line: r.case.line > 0 ? r.case.line : null,
        run: r.case.label,
        passed: r.passed,
        decision: r.decision.decision,
        summary: r.decision.summary,
        claims: r.case.claims,
      })),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function testCommand(args: string[], io: AuditIo): Promise<number> {
  return guarded(io.stderr, async () => {
    const command = 'trust-policy test';
    const { values: v, positionals } = parseCommand(args, { ...RUNS_TO_ADMIT_OPTIONS, policy: { type: 'string' }, json: { type: 'boolean' } }, command, true);
    if (v.help) {
      io.stdout(TEST_HELP);
      return 0;
    }
    const shorthand = v.policy !== undefined || givesRuns(v);
    if (shorthand && positionals.length > 0) throw new CliError(`give expectation files or --policy with the runs to admit, not both ("keyless ${command} --help")`);
    if (!shorthand && positionals.length === 0) {
      throw new CliError(`give one or more expectation files (YAML), or --policy FILE with the runs to admit (--repository R --environment E …) ("keyless ${command} --help")`);
    }
    const host = io.host;
    if (!host) throw new CliError('this build of keyless cannot read files');
    const files: FileResult[] = [];
    if (shorthand) {
      const { loaded, cases } = await runsFromFlags(v, host, command);
      for (const note of loaded.notes) io.stderr(`note: ${note}\n`);
      files.push({ file: COMMAND_LINE, policy: loaded.label, results: cases.map((c) => checkCase(loaded.policy, c)) });
    }
    for (const file of positionals) {
      let text: string;
      try {
        text = host.readText(resolve(host.cwd, file));
      } catch (error) {
        throw new CliError(`FILE ${JSON.stringify(file)}: cannot read the file (${readProblem(error)})`);
      }
      let specs;
      try {
        specs = parseExpectations(await parseYamlLocated(text, file));
      } catch (error) {
        if (error instanceof SourceSyntaxError) throw new CliError(`${file} is not valid YAML at ${error.message}`);
        if (error instanceof BoundedParseError) throw new CliError(`FILE ${JSON.stringify(file)} ${error.problem}`);
        if (error instanceof ExpectationError) throw new CliError(`${file}: ${error.message}`);
        throw error;
      }
      if (specs.length === 0) throw new CliError(`${file} holds no expectations (policy, allow, deny)`);
      for (const spec of specs) {
        const policyFile = isAbsolute(spec.policy) ? spec.policy : join(dirname(file), spec.policy);
        const loaded = await loadPolicy(host, policyFile, spec.role, `${file}: policy`, 'name one with "role: NAME" next to "policy:"');
        for (const note of loaded.notes) io.stderr(`note: ${note}\n`);
        files.push({ file, policy: loaded.label, results: spec.cases.map((c) => checkCase(loaded.policy, c)) });
      }
    }
    io.stdout(v.json ? json(files) : report(files));
    return files.some((f) => f.results.some((r) => !r.passed)) ? 3 : 0;
  });
}
