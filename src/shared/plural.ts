/** A count in words, for every report and log line: "1 role", "2 roles", "0 errors". Pure. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
