import { describe, expect, it } from 'vitest';
import { prettyLogs } from '../../../services/shared/logger.ts';

describe('log format', () => {
  it('is for people on a terminal and JSON otherwise, unless LOG_FORMAT says', () => {
    expect(prettyLogs({}, true)).toBe(true);
    expect(prettyLogs({}, false)).toBe(false);
    expect(prettyLogs({ LOG_FORMAT: 'json' }, true)).toBe(false);
    expect(prettyLogs({ LOG_FORMAT: 'pretty' }, false)).toBe(true);
  });
});
