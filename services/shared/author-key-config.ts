import { z } from 'zod';
import { env, parseEnv } from './config.ts';
import { MasterKeys } from './author-keys.ts';

type Env = Record<string, string | undefined>;

/**
 * AUTHOR_KEYS_MASTER_KEYS: comma-separated secrets (at least 32 characters each) that wrap the
 * per-author data keys in the key topic; the first wraps new keys, all of them unwrap (rotation:
 * docs/security.md). Every stage that reads texts needs it. Outside production a development
 * default applies, so `npm start` and the tests work; production must set it or fail at start.
 */
const shape = {
  AUTHOR_KEYS_MASTER_KEYS: env.csv.pipe(
    z.array(z.string().min(32, 'each master key secret must be at least 32 characters')).min(1),
  ),
};

export const DEV_AUTHOR_KEYS_MASTER_KEY = 'brandpulse-dev-author-keys-master-key-not-secret';

export function loadMasterKeys(source: Env = process.env): MasterKeys {
  const withDefault: Env =
    source.NODE_ENV === 'production' ? source : { AUTHOR_KEYS_MASTER_KEYS: DEV_AUTHOR_KEYS_MASTER_KEY, ...source };
  return new MasterKeys(parseEnv(shape, withDefault).AUTHOR_KEYS_MASTER_KEYS);
}
