import { timingSafeEqual, createHash } from 'node:crypto';

export type AuthResult = { ok: true; brand: string } | { ok: false; status: 401; message: string };

/**
 * Per-brand API keys sent as `Authorization: Bearer <key>`. Keys are compared by their SHA-256
 * digests with a timing-safe compare, so response time does not leak how much of a key matched.
 */
export class ApiKeys {
  private readonly digests: Array<{ digest: Buffer; brand: string }>;

  constructor(keyToBrand: ReadonlyMap<string, string>) {
    this.digests = [...keyToBrand].map(([key, brand]) => ({ digest: sha256(key), brand }));
  }

  authenticate(authorization: string | undefined): AuthResult {
    if (!authorization)
      return {
        ok: false,
        status: 401,
        message: 'missing Authorization header: send "Authorization: Bearer <api key>"',
      };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return { ok: false, status: 401, message: 'Authorization header must be "Bearer <api key>"' };
    const presented = sha256(match[1]!);
    let brand: string | null = null;
    // Compare against every key (no early exit) to keep timing independent of which key matched.
    for (const entry of this.digests) if (timingSafeEqual(entry.digest, presented)) brand = entry.brand;
    return brand ? { ok: true, brand } : { ok: false, status: 401, message: 'unknown API key' };
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
