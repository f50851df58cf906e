/**
 * What the SARIF 2.1.0 files Keyless writes share (trust-policy audit, reach): the log around one
 * run of the `keyless` driver, and a rule's descriptor with its GitHub security severity. Pure.
 */
export type SarifLevel = 'error' | 'warning' | 'note';

/** GitHub ranks security alerts by this (0.0–10.0): errors high, warnings medium, notes low. */
const SECURITY_SEVERITY: Record<SarifLevel, string> = { error: '8.0', warning: '5.0', note: '2.0' };

export interface SarifRuleSource {
  readonly id: string;
  readonly summary: string;
  /** Markdown; the plain-text help is the same without backticks. */
  readonly help: string;
  readonly level: SarifLevel;
  /** When the short description must differ from the summary (a length limit). */
  readonly shortDescription?: string;
  readonly precision?: string;
}

/** A rule's descriptor: `some-rule` named SomeRule, its help as text and markdown, its default level. */
export function sarifRule(rule: SarifRuleSource): Record<string, unknown> {
  return {
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z])/g, (_, _dash: string, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.shortDescription ?? rule.summary },
    fullDescription: { text: rule.summary },
    help: { text: rule.help.replace(/`/g, ''), markdown: rule.help },
    defaultConfiguration: { level: rule.level },
    properties: { tags: ['security', 'iam', 'github-actions', 'oidc'], ...(rule.precision ? { precision: rule.precision } : {}), 'security-severity': SECURITY_SEVERITY[rule.level] },
  };
}

/** The log: one run of the `keyless` driver (fullName, version, rules, …) with its results. */
export function sarifLog(driver: Record<string, unknown>, results: readonly unknown[]): Record<string, unknown> {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'keyless', ...driver } }, results }],
  };
}
