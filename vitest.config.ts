import { defineConfig } from 'vitest/config';

// Three tiers, one project each: `npm run test:unit|test:int|test:e2e`.
// Integration and e2e tiers share one stack (started once by the global setup) and
// isolate their data with unique topic names and ClickHouse databases per run.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.unit.test.ts'],
          // `npm run test:unit` passes --no-isolate: pure tests share no state through modules (no
          // vi.mock; fake timers restored after each), so a worker keeps its module cache across files.
          // Importing the module graph again for each file was 55 s of the tier's 132 s (72 s without;
          // a --sequence.shuffle order passes too). Vitest 3 takes isolate for the whole run only, not
          // per project (vitest-dev/vitest#6258), hence the flag on the tier's script.
        },
      },
      {
        test: {
          name: 'int',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One stack serves the tier; files run one after another so timing-sensitive tests don't starve.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          // One stack serves the tier; files run one after another so timing-sensitive tests don't starve.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
