/**
 * Where requests go, checked when the inputs are parsed, before any request: the STS endpoint the
 * SDK will really use (input sts-endpoint, else AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL) must
 * be https unless it is loopback, since it receives the OIDC token and answers with credentials;
 * the proxy (input http-proxy, else the runner's proxy variable) must be one Node can use, or every
 * request would silently go around it. Neither is ever shown with its user name or password. Pure.
 */
import { show } from '../shared/errors.js';

/**
 * A loopback host as the WHATWG URL parser leaves it: it already turns every IPv4 spelling
 * (0x7f.1, 2130706433, 127.1) into dotted quads and every IPv6 one into its short form, so
 * [::ffff:127.0.0.1] arrives as [::ffff:7f00:1].
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  const mapped = /^\[::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}\]$/.exec(host);
  return mapped !== null && parseInt(mapped[1]!, 16) >> 8 === 127;
}

export const LOOPBACK_HOSTS_TEXT = 'localhost, 127.0.0.0/8, [::1], [::ffff:127.0.0.0/104]';

/**
 * A URL for messages: everything up to its last `@` replaced, so no user name or password shows,
 * even when the URL does not parse or the password holds `/` or `#`.
 */
export function withoutUserinfo(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return value;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0] ?? '';
  return `${scheme.length <= at ? scheme : ''}***${value.slice(at)}`;
}

/** The transport rule for an endpoint: https, or http to a loopback host. Undefined when it holds. */
export function endpointTransportProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'an absolute URL such as https://sts.us-east-1.amazonaws.com';
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return undefined;
  return `an https:// URL (http:// is accepted only for loopback hosts: ${LOOPBACK_HOSTS_TEXT})`;
}

export interface EndpointVariables {
  readonly AWS_ENDPOINT_URL_STS: string | undefined;
  readonly AWS_ENDPOINT_URL: string | undefined;
  /** "true": the SDK ignores both variables above (and endpoints in the shared config file). */
  readonly AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?: string | undefined;
}

/**
 * The variable the SDK takes the STS endpoint from when the input sts-endpoint is empty:
 * AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL; none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true.
 */
export function stsEndpointVariable(variables: EndpointVariables): { readonly name: 'AWS_ENDPOINT_URL_STS' | 'AWS_ENDPOINT_URL'; readonly value: string } | undefined {
  // Exactly "true", as the SDK reads it: "TRUE" leaves the SDK on the variables, so Keyless too.
  if (variables.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return undefined;
  if (variables.AWS_ENDPOINT_URL_STS) return { name: 'AWS_ENDPOINT_URL_STS', value: variables.AWS_ENDPOINT_URL_STS };
  if (variables.AWS_ENDPOINT_URL) return { name: 'AWS_ENDPOINT_URL', value: variables.AWS_ENDPOINT_URL };
  return undefined;
}

/**
 * What is wrong with the variable the SDK would take the STS endpoint from when the input is
 * empty, as one message naming the variable; undefined when the input decides or the variable is fine.
 */
export function stsEndpointVariableProblem(input: string, variables: EndpointVariables): string | undefined {
  const variable = input === '' ? stsEndpointVariable(variables) : undefined;
  if (!variable) return undefined;
  const { name, value } = variable;
  const problem = endpointTransportProblem(value);
  return problem && `environment variable ${name} (given ${show(withoutUserinfo(value))}), the STS endpoint since the input sts-endpoint is empty: expected ${problem}`;
}

/** True for a proxy URL Node can use: http:// or https://. */
export function isProxyUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export const PROXY_EXPECTED = 'an http:// or https:// proxy URL such as http://proxy.example.com:3128 (Keyless does not speak SOCKS)';

/** What is wrong with the runner's proxy variable, naming it and never showing its password; undefined when fine or unused. */
export function proxyVariableProblem(inputGiven: boolean, proxy: { readonly url: string | undefined; readonly from?: string | undefined }): string | undefined {
  if (inputGiven || !proxy.url || isProxyUrl(proxy.url)) return undefined;
  return `environment variable ${proxy.from ?? 'HTTPS_PROXY'} (given ${show(withoutUserinfo(proxy.url))}): expected ${PROXY_EXPECTED}`;
}
