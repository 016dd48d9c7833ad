// Intent evaluation: macro-F1 over the 8 intents, accuracy, the 8x8 confusion matrix and
// needs_reply precision/recall, per language and overall.

import { confusionMatrix, addInto, scores, type Confusion } from '../eval/metrics.ts';
import { INTENTS, type Intent } from './types.ts';

export interface IntentPrediction {
  language: string;
  gold: Intent;
  goldNeedsReply: boolean;
  pred: Intent;
  predNeedsReply: boolean;
}

export interface IntentScores {
  language: string;
  n: number;
  intentMacroF1: number;
  accuracy: number;
  needsReplyPrecision: number;
  needsReplyRecall: number;
  perIntentF1: Record<Intent, number>;
  /** confusion[gold][pred], indices in INTENTS order. */
  confusion: Confusion;
  /** needs_reply counts. */
  reply: { tp: number; fp: number; fn: number; tn: number };
}

const INDEX = new Map<string, number>(INTENTS.map((x, i) => [x, i]));

function scoreGroup(language: string, confusion: Confusion, reply: IntentScores['reply']): IntentScores {
  const s = scores(confusion);
  const perIntentF1 = Object.fromEntries(INTENTS.map((x, i) => [x, s.perClassF1[i]!])) as Record<Intent, number>;
  return {
    language,
    n: s.n,
    intentMacroF1: s.macroF1,
    accuracy: s.accuracy,
    // No predicted positives: precision is vacuous; 1 keeps "nothing claimed, nothing wrong" honest
    // next to a recall of 0 (and avoids NaN in JSON).
    needsReplyPrecision: reply.tp + reply.fp === 0 ? 1 : reply.tp / (reply.tp + reply.fp),
    needsReplyRecall: reply.tp + reply.fn === 0 ? 1 : reply.tp / (reply.tp + reply.fn),
    perIntentF1,
    confusion,
    reply,
  };
}

/** Groups by language (sorted by code), plus "all". */
export function scoreIntents(preds: readonly IntentPrediction[]): { languages: IntentScores[]; all: IntentScores } {
  const byLang = new Map<string, IntentPrediction[]>();
  for (const p of preds) {
    let l = byLang.get(p.language);
    if (!l) byLang.set(p.language, (l = []));
    l.push(p);
  }
  const total = confusionMatrix([], [], INTENTS.length);
  const totalReply = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const languages: IntentScores[] = [];
  for (const lang of [...byLang.keys()].sort()) {
    const ps = byLang.get(lang)!;
    const m = confusionMatrix(
      ps.map((p) => INDEX.get(p.gold)!),
      ps.map((p) => INDEX.get(p.pred)!),
      INTENTS.length,
    );
    const reply = { tp: 0, fp: 0, fn: 0, tn: 0 };
    for (const p of ps) {
      if (p.goldNeedsReply) reply[p.predNeedsReply ? 'tp' : 'fn']++;
      else reply[p.predNeedsReply ? 'fp' : 'tn']++;
    }
    addInto(total, m);
    totalReply.tp += reply.tp;
    totalReply.fp += reply.fp;
    totalReply.fn += reply.fn;
    totalReply.tn += reply.tn;
    languages.push(scoreGroup(lang, m, reply));
  }
  return { languages, all: scoreGroup('all', total, totalReply) };
}

const SHORT = ['quest', 'tech', 'order', 'pre', 'compl', 'praise', 'spam', 'other'];

export function formatIntentReport(r: { languages: IntentScores[]; all: IntentScores }): string {
  const lines: string[] = [];
  for (const s of [...r.languages, r.all]) {
    lines.push(
      `${s.language.padEnd(5)} n=${String(s.n).padStart(5)}  intentMacroF1=${s.intentMacroF1.toFixed(4)}  accuracy=${s.accuracy.toFixed(4)}  ` +
        `needsReply precision=${s.needsReplyPrecision.toFixed(4)} recall=${s.needsReplyRecall.toFixed(4)} (tp ${s.reply.tp} fp ${s.reply.fp} fn ${s.reply.fn})`,
    );
    lines.push(`    gold\\pred ${SHORT.map((x) => x.padStart(7)).join('')}    F1`);
    s.confusion.forEach((row, i) =>
      lines.push(
        `    ${SHORT[i]!.padEnd(9)} ${row.map((v) => String(v).padStart(7)).join('')}  ${s.perIntentF1[INTENTS[i]!].toFixed(2)}`,
      ),
    );
  }
  return lines.join('\n');
}

export function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** The documented --json object: { "<lang>": {intentMacroF1, accuracy, needsReplyPrecision, needsReplyRecall, n}, ..., "all": {...} }. */
export function intentJson(r: {
  languages: IntentScores[];
  all: IntentScores;
}): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const s of [...r.languages, r.all]) {
    out[s.language] = {
      intentMacroF1: round4(s.intentMacroF1),
      accuracy: round4(s.accuracy),
      needsReplyPrecision: round4(s.needsReplyPrecision),
      needsReplyRecall: round4(s.needsReplyRecall),
      n: s.n,
    };
  }
  return out;
}
