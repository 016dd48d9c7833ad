#!/usr/bin/env node
// `npx brandpulse <command>` on a checkout, without a build step: tsx's loader (a dev dependency,
// installed by `npm ci`) is registered in this very process and the CLI runs here, so the service is
// the process that receives the signals (SIGTERM from systemd or a supervisor reaches its drain, not
// a wrapper that would exit and orphan it). Same as `node --import tsx services/cli.ts`. The Docker
// image runs the compiled `node services/cli.js` instead (docs/stopping.md).
import { register } from 'tsx/esm/api';

register();
await import('../services/cli.ts');
