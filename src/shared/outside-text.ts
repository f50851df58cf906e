/**
 * The one sink for text from outside (network answers, claims, file names, policy ids) on its way
 * to a log line or a terminal. The runner reads every stdout line that starts with `::` (after
 * blanks) as a workflow command, and `##[` anywhere as a legacy one: a line break followed by
 * `::stop-commands::X` would switch off every later command, the credentials' `::add-mask::`
 * included. Pure.
 */

/**
 * Characters that must never reach a log line raw: C0 controls (line breaks, ESC), DEL, C1
 * controls (0x9B starts an escape sequence too), the Unicode line and paragraph separators, and
 * the bidirectional overrides that make a terminal show text in another order than it is.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
/** The same, except tab and line feed: for text whose own lines we keep (the CLI's tables). */
const UNSAFE_IN_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
/** A line the runner would take as a workflow command: `::` after leading blanks. */
const COMMAND_START = /^(\s*):/;
/** The runner's legacy command form, recognised anywhere in a line. */
const LEGACY_COMMAND = /##\[/g;

const escapeChar = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Text from outside as a JSON string literal: quotes shown, every control character escaped, and
 * nothing in it that a runner or a terminal acts on. Use it wherever outside text enters a message.
 */
export function quote(value: unknown): string {
  if (value === undefined) return '(absent)';
  const json = JSON.stringify(value) ?? String(value);
  return json.replace(UNSAFE, escapeChar).replace(LEGACY_COMMAND, '#\\u0023[');
}

/**
 * quote() of at most `max` characters of the text, "…" marking the cut: for names and bodies from
 * an answer that can be a megabyte long.
 */
export function quoteCut(value: string, max: number): string {
  return quote(value.length > max ? `${value.slice(0, max)}…` : value);
}

/** Plain characters that need no quoting to read unambiguously in a log line. */
const PLAIN = /^[\w .,:;@+=/*?()[\]{}<>!#$%&'~^|-]+$/;

/**
 * Outside text shown as it is when it is plain, JSON-quoted otherwise: for names (files, roles,
 * logical ids) in tables, where quoting every ordinary name would only add noise.
 */
export function quoteIfNeeded(value: string): string {
  const plain = PLAIN.test(value) && value.trim() === value && !value.startsWith(':') && !value.includes('##[') && !value.startsWith('"');
  return plain ? value : quote(value);
}

/**
 * The last line of defence before stdout: each line of a message made inert, whatever a call site
 * forgot to quote. Control characters are escaped, a line that the runner would read as a command
 * gets its first colon escaped, and `##[` is broken up. Own messages pass unchanged.
 */
export function logLines(message: string): string {
  return message
    .split(/\r?\n/)
    .map((line) => inertLine(line.replace(UNSAFE, escapeChar)))
    .join('\n');
}

/** The same, also keeping carriage returns: for annotations, where @actions/core escapes both (%0D, %0A). */
const UNSAFE_IN_ANNOTATIONS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** For annotations (warning, error, debug), whose line breaks @actions/core escapes itself. */
export function annotationText(message: string): string {
  return message.replace(UNSAFE_IN_ANNOTATIONS, escapeChar).replace(LEGACY_COMMAND, '#\\u0023[');
}

/** For a terminal: control characters escaped, line breaks and tabs kept. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE_IN_LINES, escapeChar);
}

function inertLine(line: string): string {
  return line.replace(COMMAND_START, '$1\\u003a').replace(LEGACY_COMMAND, '#\\u0023[');
}
