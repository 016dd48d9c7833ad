import { createHmac } from 'node:crypto';

/** (platform, raw platform user id) → pseudonymous author id. */
export type Pseudonymizer = (platform: string, rawId: string) => string;

/**
 * HMAC-SHA256 keyed per deployment: stable (the same person keeps one id, so threads and repeat
 * authors can be counted) but not reversible without the key, and unlike a plain hash it cannot be
 * reversed by hashing every known user id. The platform is part of the input because numeric ids
 * from different platforms collide.
 */
export function hmacPseudonymizer(key: string): Pseudonymizer {
  return (platform, rawId) => createHmac('sha256', key).update(`${platform}\u0000${rawId}`).digest('hex').slice(0, 32);
}
