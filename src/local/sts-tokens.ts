// How the loopback STS checks a web identity token, as the real one does for an IAM OIDC
// provider: the issuer must be the trusted one, the signature must verify against its JWKS
// (fetched as STS fetches it), the audience must be a client id of the provider.
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { QueryError as StsError } from './aws-query.js';
import { invalidIdentityToken, tokenVerificationError } from './sts-validation.js';
import type { TrustedIssuer } from './sts-types.js';

export function webIdentityChecker(trusted: TrustedIssuer | undefined) {
  const remoteKeys =
    trusted === undefined
      ? undefined
      : createRemoteJWKSet(new URL(trusted.jwksUrl), {
          timeoutDuration: 2000,
          cooldownDuration: 0,
          cacheMaxAge: trusted.jwksCacheMs ?? 0,
          headers: { 'user-agent': 'keyless-local-sts' },
        });


  async function check(token: string): Promise<Record<string, unknown>> {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw invalidIdentityToken('The web identity token is not a valid JWT');
    }
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (trusted !== undefined && claims.iss !== trusted.url) {
      throw invalidIdentityToken(`No OpenIDConnect provider found in your account for ${String(claims.iss)}`);
    }
    if (typeof claims.exp === 'number' && claims.exp <= nowSeconds) {
      throw new StsError(
        400,
        'ExpiredTokenException',
        `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${claims.exp}`,
      );
    }
    if (trusted === undefined || remoteKeys === undefined) return { ...claims };

    try {
      // RS256 only, as for GitHub's provider: this is what defeats alg none and HS256 confusion.
      await jwtVerify(token, remoteKeys, { issuer: trusted.url, algorithms: ['RS256'], clockTolerance: 60 });
    } catch (error) {
      throw tokenVerificationError(error);
    }
    const audiences = trusted.audiences;
    if (audiences !== undefined) {
      const tokenAudiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!tokenAudiences.some((audience) => typeof audience === 'string' && audiences.includes(audience))) {
        throw invalidIdentityToken('Incorrect token audience');
      }
    }
    return { ...claims };
  }

  function acceptedAudience(aud: unknown): string {
    if (typeof aud === 'string') return aud;
    if (!Array.isArray(aud)) return '';
    const accepted = aud.find((value) => typeof value === 'string' && (trusted?.audiences?.includes(value) ?? true));
    return typeof accepted === 'string' ? accepted : '';
  }

  return { check, acceptedAudience };
}
