// Chooses the sentiment model from configuration. Spec grammar (BRANDPULSE_SENTIMENT_MODEL or the
// `model` option of createAnalyzer):
//   builtin              the bundled linear model (services/nlp/models/sentiment-lr.json)
//   builtin:<path>       a linear model file produced by sentiment:train / sentiment:feedback --retrain
//   <scheme>:<arg>       any scheme registered with registerSentimentModel, e.g. a transformer exported
//                        to ONNX: implement SentimentModel (tokenizer + onnxruntime-node InferenceSession;
//                        note InferenceSession.run is async, so batch outside analyze() or use a worker)
//                        and call registerSentimentModel('onnx', path => new OnnxSentimentModel(path)).

import { fileURLToPath } from 'node:url';
import { LinearSentimentModel, readModelFile } from './linearModel.ts';
import type { SentimentModel } from './types.ts';

export const BUILTIN_MODEL_PATH = fileURLToPath(new URL('../models/sentiment-lr.json', import.meta.url));
export const MODEL_ENV = 'BRANDPULSE_SENTIMENT_MODEL';

export type SentimentModelFactory = (arg: string) => SentimentModel | Promise<SentimentModel>;

const factories = new Map<string, SentimentModelFactory>();
const builtinCache = new Map<string, LinearSentimentModel>();

function builtin(arg: string): SentimentModel {
  const path = arg || BUILTIN_MODEL_PATH;
  let m = builtinCache.get(path);
  if (!m) {
    m = new LinearSentimentModel(readModelFile(path));
    builtinCache.set(path, m);
  }
  return m;
}

factories.set('builtin', builtin);

export function registerSentimentModel(scheme: string, factory: SentimentModelFactory): void {
  factories.set(scheme, factory);
}

export function parseModelSpec(spec: string): { scheme: string; arg: string } {
  const i = spec.indexOf(':');
  return i < 0 ? { scheme: spec.trim(), arg: '' } : { scheme: spec.slice(0, i).trim(), arg: spec.slice(i + 1).trim() };
}

function factoryFor(spec: string | undefined): { factory: SentimentModelFactory; arg: string } {
  const { scheme, arg } = parseModelSpec(spec ?? process.env[MODEL_ENV] ?? 'builtin');
  const factory = factories.get(scheme);
  if (!factory) {
    throw new Error(
      `unknown sentiment model "${scheme}" (known: ${[...factories.keys()].join(', ')}; others: registerSentimentModel before createAnalyzer)`,
    );
  }
  return { factory, arg };
}

export async function loadSentimentModel(spec?: string): Promise<SentimentModel> {
  const { factory, arg } = factoryFor(spec);
  return await factory(arg);
}

/** Synchronous variant for models whose factory is synchronous (the builtin one). */
export function loadSentimentModelSync(spec?: string): SentimentModel {
  const { factory, arg } = factoryFor(spec);
  const m = factory(arg);
  if (m instanceof Promise) throw new Error('this sentiment model loads asynchronously: use createAnalyzer()');
  return m;
}
