// Reader for the UMSAB-style layout: <dir>/<language folder>/<split>_text.txt + <split>_labels.txt.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder names used by the public corpora -> ISO 639-1. Unknown folders that already are a code pass through. */
export const FOLDER_LANGUAGE: Readonly<Record<string, string>> = {
  italian: 'it',
  english: 'en',
  spanish: 'es',
  french: 'fr',
  german: 'de',
  portuguese: 'pt',
  arabic: 'ar',
  hindi: 'hi',
  dutch: 'nl',
  polish: 'pl',
  russian: 'ru',
  turkish: 'tr',
};

export function folderLanguage(folder: string): string | null {
  const f = folder.toLowerCase();
  return FOLDER_LANGUAGE[f] ?? (/^[a-z]{2}$/.test(f) ? f : null);
}

export interface LabelledSet {
  folder: string;
  language: string | null;
  texts: string[];
  labels: number[];
}

function lines(path: string): string[] {
  const l = readFileSync(path, 'utf8').split('\n');
  if (l.length > 0 && l[l.length - 1] === '') l.pop();
  return l.map((s) => s.replace(/\r$/, ''));
}

/** Reads every language folder of `dir` that has the given split, sorted by folder name. */
export function readSplit(dir: string, split: string): LabelledSet[] {
  if (!existsSync(dir)) throw new Error(`data directory not found: ${dir}`);
  const out: LabelledSet[] = [];
  for (const folder of readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    const tp = join(dir, folder, `${split}_text.txt`);
    const lp = join(dir, folder, `${split}_labels.txt`);
    if (!existsSync(tp) || !existsSync(lp)) continue;
    const texts = lines(tp);
    const labels = lines(lp).map((s, i) => {
      const v = Number(s.trim());
      if (v !== 0 && v !== 1 && v !== 2) throw new Error(`${lp}:${i + 1}: label must be 0, 1 or 2, got "${s}"`);
      return v;
    });
    if (texts.length !== labels.length)
      throw new Error(`${folder}/${split}: ${texts.length} texts but ${labels.length} labels`);
    out.push({ folder, language: folderLanguage(folder), texts, labels });
  }
  if (out.length === 0) throw new Error(`no language folder in ${dir} has ${split}_text.txt and ${split}_labels.txt`);
  return out;
}

/** Repository root (services/nlp/eval -> ../../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Default training data: $BRANDPULSE_SENTIMENT_DATA, else shared/ beside the repository. */
export function defaultDataDir(): string {
  return process.env.BRANDPULSE_SENTIMENT_DATA ?? join(REPO_ROOT, '..', 'shared', 'data', 'sentiment');
}
