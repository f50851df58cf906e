// npm run docs: README's inputs and outputs tables, generated from action.yml, so they cannot
// drift. `node scripts/docs.mjs --check` fails when README.md differs (the tests do the same).
//
// action.yml descriptions carry their facts as sentences this script reads:
//   "Default: `3600`."   "Range: 900–43200."   "Falls back to: `ROLE_DURATION_SECONDS`."
// (an input's `default:` key counts as its default too).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const FACT = {
  default: /\s*Default: ([^.]+(?:\.[^ ][^.]*)*)\.(?=\s|$)/,
  range: /\s*Range: (\d+)–(\d+)\.(?=\s|$)/,
  fallbacks: /\s*Falls back to: ((?:`[^`]+`(?:, )?)+)(?: \(([^)]*)\))?\.(?=\s|$)/,
};

/** One input's facts, read from its action.yml entry. */
export function inputFacts(name, input) {
  let text = String(input.description ?? '');
  const take = (pattern) => {
    const match = pattern.exec(text);
    if (match) text = text.replace(match[0], '');
    return match;
  };
  const defaultMatch = take(FACT.default);
  const rangeMatch = take(FACT.range);
  const fallbackMatch = take(FACT.fallbacks);
  const declaredDefault = input.default === undefined ? undefined : `\`${input.default}\``;
  return {
    name,
    meaning: text.trim(),
    default: declaredDefault ?? defaultMatch?.[1] ?? '',
    range: rangeMatch ? { min: Number(rangeMatch[1]), max: Number(rangeMatch[2]) } : undefined,
    fallbacks: fallbackMatch ? [...fallbackMatch[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]) : [],
    fallbackNote: fallbackMatch?.[2],
  };
}

const cell = (text) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderInputs(manifest) {
  const rows = Object.entries(manifest.inputs).map(([name, input]) => {
    const facts = inputFacts(name, input);
    const fallbacks = facts.fallbacks.map((v) => `\`${v}\``).join(', ') + (facts.fallbackNote ? ` (${facts.fallbackNote})` : '');
    const range = facts.range ? `${facts.range.min}–${facts.range.max}` : '';
    return `| \`${name}\` | ${cell(facts.default)} | ${range} | ${fallbacks} | ${cell(facts.meaning)} |`;
  });
  return ['| input | default | range | falls back to | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

export function renderOutputs(manifest) {
  const rows = Object.entries(manifest.outputs).map(([name, output]) => `| \`${name}\` | ${cell(String(output.description))} |`);
  return ['| output | meaning |', '|---|---|', ...rows].join('\n');
}

/** README with its generated blocks (between `<!-- NAME:start -->` and `<!-- NAME:end -->`) replaced. */
export function withGeneratedTables(readme, manifest) {
  const blocks = { inputs: renderInputs(manifest), outputs: renderOutputs(manifest) };
  let text = readme;
  for (const [name, body] of Object.entries(blocks)) {
    const start = `<!-- ${name}:start (generated from action.yml by npm run docs) -->`;
    const end = `<!-- ${name}:end -->`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} block`);
    text = `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
  }
  return text;
}

export function readManifest() {
  return parse(readFileSync(join(root, 'action.yml'), 'utf8'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readmePath = join(root, 'README.md');
  const current = readFileSync(readmePath, 'utf8');
  const updated = withGeneratedTables(current, readManifest());
  if (process.argv.includes('--check')) {
    if (updated !== current) {
      console.error('README.md is out of date with action.yml: run npm run docs');
      process.exit(1);
    }
  } else if (updated !== current) {
    writeFileSync(readmePath, updated);
    console.log('README.md: inputs and outputs tables regenerated from action.yml');
  }
}
