/**
 * --emit-sql: the query that builds the sessions table where the trail lives (Amazon Athena over the
 * trail's S3 bucket, or CloudTrail Lake): successful AssumeRoleWithWebIdentity events from GitHub
 * providers, joined by access key id to the calls made with their keys. One query shape, with the
 * few functions that differ per engine; `duckdb` exists for the test that runs the same logic over
 * the test logs (an Athena-shaped table) and compares its rows with the streaming result.
 */

export type Dialect = 'athena' | 'lake' | 'duckdb';

export interface SqlOptions {
  /** Athena table (default cloudtrail_logs) or Lake event data store id (default EVENT_DATA_STORE_ID). */
  readonly table?: string;
  readonly since?: string;
  readonly until?: string;
}

interface Functions {
  /** A top-level value of requestParameters/responseElements, or a nested one (path). */
  element(column: 'requestParameters' | 'responseElements', path: string[]): string;
  identity(field: 'accessKeyId' | 'userName' | 'type'): string;
  matches(value: string, regex: string): string;
  time: string;
  timeLiteral(iso: string): string;
  isWrite: string;
  column(name: string): string;
  table: string;
}

/** The provider ARN forms of GitHub's issuers (as src/trust/keys.ts isGitHubProvider). */
const GITHUB_PROVIDER_REGEX = 'oidc-provider/(token\\.actions\\.githubusercontent\\.com(/[^/:]+)?|token\\.actions\\.[a-z0-9-]+\\.ghe\\.com(/[^/:]+)?|[^/:]+/_services/token)$';

const lower = (name: string): string => name.toLowerCase();

function functionsOf(dialect: Dialect, table: string | undefined): Functions {
  if (dialect === 'lake') {
    return {
      // Lake keeps requestParameters/responseElements as map(varchar, varchar); nested objects are JSON text.
      element: (column, [first, ...rest]) => (rest.length === 0 ? `element_at(${column}, '${first}')` : `json_extract_scalar(element_at(${column}, '${first}'), '$.${rest.join('.')}')`),
      identity: (field) => `userIdentity.${field}`,
      matches: (value, regex) => `regexp_like(${value}, '${regex}')`,
      time: 'eventTime',
      timeLiteral: (iso) => `timestamp '${iso.replace('T', ' ').replace(/Z$/, '')}'`,
      isWrite: 'readOnly = false',
      column: (name) => name,
      table: table ?? 'EVENT_DATA_STORE_ID',
    };
  }
  const json = dialect === 'athena' ? 'json_extract_scalar' : 'json_extract_string';
  return {
    // Athena's CloudTrail table (CloudTrail SerDe) keeps both as JSON strings.
    element: (column, path) => `${json}(${lower(column)}, '$.${path.join('.')}')`,
    identity: (field) => (dialect === 'athena' ? `useridentity.${lower(field)}` : `json_extract_string(useridentity, '$.${field}')`),
    matches: (value, regex) => (dialect === 'athena' ? `regexp_like(${value}, '${regex}')` : `regexp_matches(${value}, '${regex}')`),
    time: 'eventtime',
    timeLiteral: (iso) => `'${iso}'`,
    isWrite: `readonly = 'false'`,
    column: lower,
    table: table ?? 'cloudtrail_logs',
  };
}

export function sessionsSql(dialect: Dialect, options: SqlOptions = {}): string {
  const f = functionsOf(dialect, options.table);
  const c = f.column;
  const period = [
    ...(options.since !== undefined ? [`${f.time} >= ${f.timeLiteral(options.since)}`] : []),
    ...(options.until !== undefined ? [`${f.time} < ${f.timeLiteral(options.until)}`] : []),
  ];
  const where = period.length > 0 ? `\n  WHERE ${period.join(' AND ')}` : '';
  const provider = f.element('responseElements', ['provider']);
  return `-- Keyless trail: web-identity sessions from GitHub providers and the calls made with their keys (${dialect}).
WITH events AS (
  SELECT * FROM ${f.table}${where}
),
sessions AS (
  SELECT
    ${f.time} AS time,
    ${c('recipientAccountId')} AS account,
    ${c('awsRegion')} AS region,
    ${f.element('requestParameters', ['roleArn'])} AS role,
    coalesce(${f.element('responseElements', ['subjectFromWebIdentityToken'])}, ${f.identity('userName')}) AS subject,
    ${f.element('responseElements', ['audience'])} AS audience,
    ${provider} AS provider_arn,
    ${f.element('requestParameters', ['roleSessionName'])} AS session_name,
    ${c('sourceIPAddress')} AS source_ip,
    ${c('userAgent')} AS user_agent,
    ${f.element('responseElements', ['credentials', 'accessKeyId'])} AS access_key_id
  FROM events
  WHERE ${c('eventSource')} = 'sts.amazonaws.com'
    AND ${c('eventName')} = 'AssumeRoleWithWebIdentity'
    AND ${c('errorCode')} IS NULL
    AND ${f.matches(provider, GITHUB_PROVIDER_REGEX)}
),
calls AS (
  SELECT
    ${f.identity('accessKeyId')} AS access_key_id,
    count(*) AS calls,
    sum(CASE WHEN ${f.isWrite} THEN 1 ELSE 0 END) AS writes,
    sum(CASE WHEN ${c('errorCode')} IS NOT NULL THEN 1 ELSE 0 END) AS errors,
    count(DISTINCT ${c('sourceIPAddress')}) AS source_ips
  FROM events
  WHERE ${f.identity('type')} = 'AssumedRole' AND ${f.identity('accessKeyId')} IS NOT NULL
  GROUP BY ${f.identity('accessKeyId')}
)
SELECT
  s.time, s.account, s.region, s.role, s.subject, s.audience, s.provider_arn, s.session_name,
  s.source_ip, s.user_agent, s.access_key_id,
  coalesce(c.calls, 0) AS calls, coalesce(c.writes, 0) AS writes, coalesce(c.errors, 0) AS errors,
  coalesce(c.source_ips, 0) AS source_ips
FROM sessions s
LEFT JOIN calls c ON c.access_key_id = s.access_key_id
ORDER BY s.time, s.access_key_id
`;
}

export function emitSql(dialect: 'athena' | 'lake', options: SqlOptions): string {
  return sessionsSql(dialect, options);
}
