// Reader for the labelled intent TSV files (../shared/data/intent/README.md): every `*.tsv` of a
// directory, header `language platform intent needs_reply text`, tab-separated, no quoting.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../eval/dataset.ts';
import { INTENTS, type Intent } from './types.ts';

export interface IntentExample {
  language: string;
  platform: string;
  intent: Intent;
  needsReply: boolean;
  text: string;
  /** Where it came from (file:line), for error messages and error analysis. */
  source: string;
}

const HEADER = ['language', 'platform', 'intent', 'needs_reply', 'text'];
const INTENT_SET = new Set<string>(INTENTS);

export function parseIntentTsv(content: string, name: string): IntentExample[] {
  const lines = content.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').split('\t');
  if (header.join('\t') !== HEADER.join('\t'))
    throw new Error(`${name}:1: header must be "${HEADER.join('\\t')}", got "${header.join('\\t')}"`);
  const out: IntentExample[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const f = line.split('\t');
    const where = `${name}:${i + 1}`;
    if (f.length < 5) throw new Error(`${where}: expected 5 tab-separated fields, got ${f.length}`);
    const [language, platform, intent, needs] = f as [string, string, string, string];
    const text = f.slice(4).join(' ');
    if (!INTENT_SET.has(intent))
      throw new Error(`${where}: intent must be one of ${INTENTS.join(', ')}, got "${intent}"`);
    if (needs !== '0' && needs !== '1') throw new Error(`${where}: needs_reply must be 0 or 1, got "${needs}"`);
    out.push({
      language: language.trim().toLowerCase(),
      platform,
      intent: intent as Intent,
      needsReply: needs === '1',
      text,
      source: where,
    });
  }
  return out;
}

/** Every *.tsv file of `dir`, in file-name order (stable: training and CV folds depend on it). */
export function readIntentDir(dir: string): IntentExample[] {
  if (!existsSync(dir)) throw new Error(`data directory not found: ${dir}`);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.tsv'))
    .sort();
  if (files.length === 0) throw new Error(`no *.tsv file in ${dir}`);
  return files.flatMap((f) => parseIntentTsv(readFileSync(join(dir, f), 'utf8'), f));
}

/** Training-only messages shipped with the model's sources (intent/data/README.md). */
export const EXTRA_INTENT_DATA_DIR = join(REPO_ROOT, 'services', 'nlp', 'intent', 'data');

/** Default dev data: $BRANDPULSE_INTENT_DATA, else shared/ beside the repository. */
export function defaultIntentDataDir(): string {
  return process.env.BRANDPULSE_INTENT_DATA ?? join(REPO_ROOT, '..', 'shared', 'data', 'intent');
}
