/** `keyless trail --help`. */
import { EXIT_CODES_HELP } from './help.js';

export const TRAIL_HELP = `Usage: keyless trail SOURCE... [options]
       keyless trail --live [options]
       keyless trail --emit-sql athena|lake [--table NAME] [--since T] [--until T]

Who did what with each role: every AssumeRoleWithWebIdentity from a GitHub provider in CloudTrail,
what each session did afterwards (by access key id, chained AssumeRole sessions included), and the
failed attempts; as a summary, JSON, CSV (one row per session) or a Markdown evidence report.

Sources (read one record at a time; directories searched recursively):
  FILE.json.gz, FILE.json     CloudTrail log files as S3 delivers them ({"Records":[…]})
  DIRECTORY                   e.g. a synced AWSLogs/… bucket prefix
  lookup-events output        aws cloudtrail lookup-events … > events.json
  Lake query results          aws cloudtrail get-query-results … > rows.json
  -                           standard input (any of the above, gzipped or not)
  --live                      LookupEvents in the caller's account and region (AWS_REGION), at
                              most 2 requests per second, progress on stderr

Options:
  --since T, --until T        only events at or after T, and before T (2025-04-01 or ISO time, UTC)
  --roles SOURCE              join the current trust policies (any "trust-policy audit" source):
                              subjects no longer admitted, and admitted subjects never used
  --expect PATTERN            subjects outside every PATTERN are errors (repeatable; * and ? as in
                              StringLike), e.g. --expect 'repo:octo-org/*'
  --audit-records FILE        Keyless's audit JSONL: sessions without a record are listed
  --github                    each run (event, actor, head SHA, workflow) and its approvals, with
                              GITHUB_TOKEN or GH_TOKEN (needs actions: read); GITHUB_API_URL for GHES
  --json                      one JSON document
  --format F                  table (default), json, csv (one row per session), markdown (report)
  --emit-sql DIALECT          print the sessions query for athena or lake instead of reading logs
  --table NAME                with --emit-sql: the Athena table or Lake event data store id
  -h, --help                  this help

Findings: unexpected-subject (error), denied-attempts (warning), session-ip-changed (warning),
unused-trust (note), unmatched-session (warning).
${EXIT_CODES_HELP}
`;
