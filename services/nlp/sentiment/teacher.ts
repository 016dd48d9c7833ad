// The teacher's soft targets for knowledge distillation (issue 16 part 3). The teacher is a logistic
// regression on multilingual-e5-small sentence embeddings of the train tweets, run at training time
// only (services/nlp/embeddings/teacher.py, `npm run sentiment:teacher`); its cross-fitted
// probabilities are the pinned input models/sentiment-teacher.tsv. The run-time model stays the
// hashed n-gram model: distillation only changes the targets it is trained on.
//
// Rows follow the student's train order (language folders sorted, file order inside) and folds
// (global index % 5): `full` (teacher fitted on the 4 other folds) is used for the final model,
// `nested[f]` (teacher fitted on neither fold f nor the tweet's own) for CV fold f, so a held-out
// fold's labels never reach the targets its CV score is measured with.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LabelledSet } from '../eval/dataset.ts';

export const BUILTIN_TEACHER_PATH = fileURLToPath(new URL('../models/sentiment-teacher.tsv', import.meta.url));
export const TEACHER_FOLDS = 5;

export interface TeacherTargets {
  /** Per train example (aligned with the training examples), the cross-fitted probabilities or null. */
  full: Array<Float32Array | null>;
  /** nested[f][i]: probabilities for example i when fold f is held out (null for fold f's own rows). */
  nested: Array<Array<Float32Array | null>>;
  /** Where they came from (stored in the model's training metadata). */
  source: string;
}

function parseProbs(cell: string, where: string): Float32Array | null {
  if (cell === '') return null;
  const v = cell.split(',').map(Number);
  if (v.length !== 3 || v.some((x) => !(x >= 0 && x <= 1))) throw new Error(`${where}: bad probabilities "${cell}"`);
  return Float32Array.from(v);
}

/**
 * Reads the teacher file and aligns it with the train split as the trainer reads it. Throws when the
 * file does not describe exactly these tweets (other data: train with `--teacher none`).
 */
export function readTeacher(path: string, sets: readonly LabelledSet[]): TeacherTargets {
  const rows = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  const header = rows.shift()?.split('\t') ?? [];
  if (header[0] !== 'folder' || header.length !== 3 + TEACHER_FOLDS)
    throw new Error(`${path}: not a sentiment teacher file`);
  const expected = sets.flatMap((s) => s.texts.map((_, i) => `${s.folder}\t${i}`));
  if (rows.length !== expected.length) {
    throw new Error(
      `${path}: ${rows.length} teacher rows for ${expected.length} train tweets (other data? use --teacher none)`,
    );
  }
  const full: TeacherTargets['full'] = [];
  const nested: TeacherTargets['nested'] = Array.from({ length: TEACHER_FOLDS }, () => []);
  rows.forEach((row, i) => {
    const c = row.split('\t');
    if (`${c[0]}\t${c[1]}` !== expected[i])
      throw new Error(`${path}:${i + 3}: row ${c[0]}:${c[1]}, expected ${expected[i]} (use --teacher none)`);
    full.push(parseProbs(c[2]!, `${path}:${i + 3}`));
    for (let f = 0; f < TEACHER_FOLDS; f++) nested[f]!.push(parseProbs(c[3 + f]!, `${path}:${i + 3}`));
  });
  return { full, nested, source: path.replace(/^.*\/services\//, 'services/') };
}
