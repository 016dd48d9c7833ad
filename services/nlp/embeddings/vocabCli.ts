// `npx tsx services/nlp/embeddings/vocabCli.ts <out.tsv>`: writes the vocabulary distil.py embeds.
import { writeFileSync } from 'node:fs';
import { buildVocabulary } from './vocabulary.ts';
import { defaultIntentDataDir } from '../intent/dataset.ts';
import { defaultDataDir } from '../eval/dataset.ts';
import { readModelFile } from '../sentiment/linearModel.ts';
import { BUILTIN_MODEL_PATH } from '../sentiment/registry.ts';

const out = process.argv[2] ?? 'vocabulary.tsv';
const vocab = buildVocabulary(
  defaultIntentDataDir(),
  defaultDataDir(),
  readModelFile(BUILTIN_MODEL_PATH).lexicon.map(([w]) => w),
);
writeFileSync(out, vocab.map(([w, c]) => `${w}\t${c}`).join('\n') + '\n');
process.stderr.write(`${vocab.length} words -> ${out}\n`);
