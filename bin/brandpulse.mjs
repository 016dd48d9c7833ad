#!/usr/bin/env node
// `npx brandpulse <command>` without a build step: tsx's loader is registered in this very process
// and the CLI runs here, so the service is the process that receives the signals (SIGTERM from
// docker, systemd or a supervisor reaches its drain, not a wrapper that would exit and orphan it).
// Same as `node --import tsx services/cli.ts`; why not a tsc build to dist/: docs/stopping.md.
import { register } from 'tsx/esm/api';

register();
await import('../services/cli.ts');
