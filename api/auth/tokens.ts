import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWSAlgorithm, type JWTPayload } from 'jose';
import type { Config } from '../../schemas/config.ts';
import type { Channel } from '../../services/access.service.ts';

export type { Channel };

const DEV_ISSUER = 'intake-dev';
const DEV_AUDIENCE = 'intake';
/**
 * Signatures an identity provider may use: asymmetric only. "none" and HMAC are refused outright,
 * so a token can neither be unsigned nor signed with the provider's public key as an HMAC secret.
 */
const OIDC_ALGORITHMS: JWSAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * Signs (dev mode) and verifies bearer tokens. In oidc mode the identity provider signs them and
 * its keys come from the JWKS URL; issuer and audience must match the configuration.
 */
export class Tokens {
  private readonly devKey: Uint8Array;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | null;

  constructor(private readonly config: Config) {
    this.devKey = config.AUTH_DEV_SECRET ? new TextEncoder().encode(config.AUTH_DEV_SECRET) : new Uint8Array(randomBytes(32));
    this.jwks = config.AUTH_MODE === 'oidc' ? createRemoteJWKSet(new URL(config.AUTH_JWKS_URL!)) : null;
  }

  get mode(): Config['AUTH_MODE'] {
    return this.config.AUTH_MODE;
  }

  /** A dev token for a seeded user; only in dev mode. The channel is signed into it. */
  async signDev(userId: string, channel: Channel = 'api'): Promise<{ token: string; expiresAt: string }> {
    if (this.config.AUTH_MODE !== 'dev') throw new Error('dev tokens are only issued in dev mode');
    const exp = Math.floor(Date.now() / 1000) + this.config.AUTH_TOKEN_TTL_S;
    const token = await new SignJWT({ chn: channel })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId).setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE).setIssuedAt().setExpirationTime(exp)
      .sign(this.devKey);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /**
   * The user id the token was issued for and the channel it was issued to, or null for any bad,
   * expired or foreign token. An identity provider's token is the web app's when it was issued to
   * the web app's client (azp, or appid in Entra ID v1 tokens) named by AUTH_WEB_CLIENT_ID.
   */
  async verify(token: string): Promise<{ subject: string; channel: Channel } | null> {
    try {
      let payload: JWTPayload;
      if (this.jwks) {
        ({ payload } = await jwtVerify(token, this.jwks, {
          issuer: this.config.AUTH_ISSUER, audience: this.config.AUTH_AUDIENCE, algorithms: OIDC_ALGORITHMS, requiredClaims: ['exp'], clockTolerance: 5,
        }));
      } else {
        ({ payload } = await jwtVerify(token, this.devKey, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, algorithms: ['HS256'], requiredClaims: ['exp'] }));
      }
      // Entra ID tokens for NAV staff carry the NAV ident in its own claim.
      const ident = typeof payload.NAVident === 'string' ? payload.NAVident : payload.sub;
      if (!ident || ident.length > 100) return null;
      const client = payload.azp ?? payload.appid;
      const channel: Channel = this.jwks
        ? (this.config.AUTH_WEB_CLIENT_ID && client === this.config.AUTH_WEB_CLIENT_ID ? 'web' : 'api')
        : (payload.chn === 'web' ? 'web' : 'api');
      return { subject: ident, channel };
    } catch {
      return null;
    }
  }
}
