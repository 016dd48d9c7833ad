import { z } from 'zod';
import { baseShape, env, parseEnv } from '../shared/config.ts';

type Env = Record<string, string | undefined>;

/**
 * The simulator posts as each brand, with that brand's API key: the same `brand:key,...` list the
 * ingestion service reads (INGEST_API_KEYS), with the same development default.
 */
export const simulatorShape = {
  LOG_LEVEL: baseShape.LOG_LEVEL,
  INGEST_API_KEYS: env.csv
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9._-]+:\S+$/, 'each entry must be brand:key')))
    .transform((entries) => new Map(entries.map((e) => [e.slice(0, e.indexOf(':')), e.slice(e.indexOf(':') + 1)])))
    .default(
      new Map([
        ['acme', 'dev-key-acme'],
        ['globex', 'dev-key-globex'],
      ]),
    ),
  SIMULATOR_URL: z.url().default('http://127.0.0.1:8080'),
};

export type SimulatorConfig = z.infer<z.ZodObject<typeof simulatorShape>>;

export function loadSimulatorConfig(source: Env = process.env): SimulatorConfig {
  return parseEnv(simulatorShape, source);
}
