// Closed-class word lists for the six supported languages, merged into one set each.
// They are merged on purpose: social text code-switches ("non è nice", "c'est too much") and the
// detected language is often wrong on short posts, so a negator of any supported language acts as
// a negator. Collisions are rare and harmless (e.g. "no" is a negator in en/it/es alike).

export const NEGATORS: ReadonlySet<string> = new Set([
  // en
  'not', 'no', 'never', 'nobody', 'nothing', 'none', 'neither', 'nor', 'cannot', "can't", "don't",
  "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "wouldn't", "shouldn't",
  "couldn't", "ain't", "haven't", "hasn't", 'dont', 'doesnt', 'didnt', 'isnt', 'wont', 'cant', 'without',
  'aint', 'nope', 'nah',
  // it
  'non', 'mai', 'nessuno', 'nessuna', 'niente', 'nulla', 'né', 'senza', 'nemmeno', 'neanche',
  'neppure', 'mica', 'nn',
  // es
  'nunca', 'jamás', 'jamas', 'nada', 'nadie', 'ni', 'sin', 'tampoco', 'ninguno', 'ninguna', 'ningún',
  // fr
  'ne', "n'", 'pas', 'jamais', 'rien', 'aucun', 'aucune', 'sans', 'guère',
  // de
  'nicht', 'nie', 'niemals', 'kein', 'keine', 'keinen', 'keiner', 'keinem', 'keines', 'nichts',
  'niemand', 'ohne', 'weder', 'net', 'nix',
  // pt
  'não', 'nao', 'ñ', 'nem', 'sem', 'nenhum', 'nenhuma', 'ninguém', 'ninguem',
]);

export const INTENSIFIERS: ReadonlySet<string> = new Set([
  'very', 'so', 'really', 'too', 'extremely', 'super', 'totally', 'absolutely', 'incredibly', 'soo',
  'molto', 'troppo', 'tanto', 'davvero', 'proprio', 'veramente', 'assolutamente', 'stra',
  'muy', 'mucho', 'demasiado', 'tan', 'súper', 're', 'bien', 'realmente',
  'très', 'trop', 'vraiment', 'tellement', 'hyper', 'grave',
  'sehr', 'echt', 'total', 'voll', 'wirklich', 'extrem', 'mega', 'richtig', 'absolut',
  'muito', 'demais', 'bem', 'tão', 'bastante', 'realmente',
]);

/** Words that flip or weaken what came before ("good but expensive"): text after them matters more. */
export const CONTRASTIVES: ReadonlySet<string> = new Set([
  'but', 'however', 'though', 'ma', 'però', 'tuttavia', 'pero', 'sino', 'mais', 'pourtant',
  'aber', 'doch', 'jedoch', 'mas', 'porém', 'contudo', 'entretanto',
]);

/**
 * Social-media slang with a clear polarity that translated lexicons miss. Values on the AFINN
 * scale (-5..5). Laughter is normalised to the token "<laugh>" by the tokenizer.
 */
export const SLANG: Readonly<Record<string, number>> = {
  '<laugh>': 1, lol: 1, lmao: 1, rofl: 1, omg: 0, wtf: -2, smh: -2, fml: -3, ffs: -2, meh: -1,
  yay: 2, woohoo: 3, ugh: -2, sucks: -3, sux: -3, dope: 2, lit: 2, goat: 2, fire: 1, cringe: -2,
  epic: 2, fail: -2, scam: -3, trash: -3, rip: -1, hype: 1, bae: 2, xoxo: 2, thx: 2, ty: 2,
  top: 2, figo: 2, figata: 3, schifo: -3, vergogna: -3, pessimo: -3, bellissimo: 3, stupendo: 3,
  fantastico: 3, bravo: 2, brava: 2, bravi: 2, grazie: 2, mitico: 3, cazzata: -2, fico: 2,
  genial: 3, chido: 2, chevere: 2, chévere: 2, guay: 2, mola: 2, asco: -3, pésimo: -3, gracias: 2,
  génial: 3, nul: -3, nulle: -3, merci: 2, bof: -1, chiant: -2, chiante: -2, ouf: 1, kiffe: 2,
  geil: 3, toll: 3, super: 2, danke: 2, mist: -2, scheiße: -4, scheisse: -4, doof: -2, krass: 1,
  lindo: 3, linda: 3, massa: 2, obrigado: 2, obrigada: 2, péssimo: -3, horrível: -3, show: 2, top10: 1,
  frechheit: -3, schlechteste: -3, schlechtester: -3, schlechtesten: -3, unverschämt: -3, enttäuscht: -2, enttäuschend: -2,
  katastrophe: -3, abzocke: -3, miserabel: -3, lächerlich: -2, schämt: -2,
  amo: 3, adoro: 3, odio: -3, odeio: -3, love: 3, hate: -3, best: 3, worst: -3,
};

export type EmoticonPolarity = 1 | -1 | 0;

/** ASCII emoticons (tokenized by the emoticon pattern) and their polarity. */
export function emoticonPolarity(e: string): EmoticonPolarity {
  if (e === '<3' || e === '^^' || e === '^_^' || e === '(:' || e === 'xd' || e === 'xD') return 1;
  if (e === '</3' || e === '):') return -1;
  const last = e[e.length - 1];
  if (last === ')' || last === ']' || last === 'D' || last === 'P' || last === 'p' || last === '*' || last === '3') return 1;
  if (last === '(' || last === '[' || last === '/' || last === '\\' || last === '|') return -1;
  return 0;
}
