/**
 * The transport of api.ts through @actions/github's Octokit, at GITHUB_API_URL with the token
 * given. Loaded lazily (it brings the Octokit client); only the CLI's bundle carries it.
 */
import type { ApiResponse, Transport } from './api.js';

export async function octokitTransport(token: string, baseUrl: string, userAgent: string): Promise<Transport> {
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(token, { baseUrl, userAgent });
  return async (url: string): Promise<ApiResponse> => {
    try {
      const response = await octokit.request({ method: 'GET', url });
      return { status: response.status, headers: response.headers as Record<string, string | undefined>, body: response.data };
    } catch (error) {
      const e = error as { status?: number; response?: { headers?: Record<string, string | undefined>; data?: unknown } };
      if (typeof e.status !== 'number' || e.status < 300) throw error;
      return { status: e.status, headers: e.response?.headers ?? {}, body: e.response?.data };
    }
  };
}
