// High-frequency function words that are (nearly) exclusive to one supported language. Used as a
// cheap first stage of language identification: most messages contain several of them, and
// counting them is ~10x cheaper than running the n-gram detector, which remains the fallback for
// everything ambiguous and for every other language.

export const STOPWORDS: Readonly<Record<string, readonly string[]>> = {
  it: ['il', 'che', 'di', 'non', 'della', 'per', 'sono', 'una', 'questo', 'anche', 'mi', 'ci', 'gli', 'nel', 'alla', 'perché', 'più', 'ho', 'hai', 'ha', 'ma', 'come', 'del', 'delle', 'dei', 'sei', 'siamo', 'cosa', 'tutti', 'oggi', 'già', 'ancora', 'quando', 'fatto', 'essere', 'sempre', 'solo', 'io', 'tu', 'lui', 'noi', 'voi', 'c\'', 'è', 'l\'', 'dell\'', 'nn', 'molto', 'grazie', 'questa', 'quello', 'poi'],
  en: ['the', 'and', 'is', 'are', 'you', 'to', 'of', 'this', 'that', 'with', 'for', 'have', 'was', 'what', 'it', 'my', 'not', 'be', 'just', 'but', 'at', 'on', 'they', 'will', 'can', 'your', 'i\'m', 'don\'t', 'about', 'all', 'we', 'so', 'get', 'out', 'if', 'when', 'how', 'from', 'he', 'she', 'it\'s', 'would', 'there', 'been', 'has', 'do', 'why', 'who', 'an', 'or'],
  es: ['el', 'los', 'las', 'que', 'de', 'en', 'y', 'es', 'por', 'para', 'con', 'una', 'pero', 'muy', 'más', 'mi', 'yo', 'lo', 'le', 'se', 'del', 'al', 'como', 'esta', 'este', 'todo', 'hay', 'también', 'porque', 'cuando', 'ya', 'nos', 'hoy', 'eso', 'sus', 'son', 'fue', 'tiene', 'estoy', 'ser', 'qué', 'sí', 'bien', 'gracias', 'nada', 'hace', 'vez', 'ahora', 'tu', 'usted'],
  fr: ['le', 'les', 'des', 'est', 'et', 'un', 'une', 'du', 'pour', 'pas', 'que', 'qui', 'dans', 'sur', 'avec', 'ce', 'je', 'vous', 'nous', 'il', 'elle', 'au', 'aux', 'mais', 'ne', 'plus', 'tout', 'c\'', 'j\'', 'd\'', 'l\'', 'n\'', 'qu\'', 'sont', 'cette', 'très', 'bien', 'être', 'fait', 'aussi', 'ça', 'leur', 'même', 'par', 'mon', 'ma', 'ses', 'merci', 'comme', 'son'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'ich', 'ein', 'eine', 'zu', 'den', 'mit', 'sich', 'auf', 'für', 'im', 'dem', 'auch', 'es', 'wie', 'sie', 'wir', 'aber', 'noch', 'nur', 'schon', 'mal', 'wenn', 'was', 'bei', 'von', 'hat', 'habe', 'sind', 'war', 'kein', 'keine', 'mir', 'mich', 'du', 'dass', 'oder', 'heute', 'jetzt', 'gibt', 'einen', 'immer', 'doch', 'euch', 'ihr'],
  pt: ['o', 'os', 'as', 'que', 'de', 'não', 'um', 'uma', 'é', 'para', 'com', 'do', 'da', 'dos', 'das', 'no', 'na', 'em', 'mais', 'mas', 'eu', 'você', 'voce', 'muito', 'meu', 'minha', 'isso', 'esse', 'essa', 'tá', 'ta', 'tem', 'foi', 'vai', 'só', 'ser', 'pra', 'pq', 'porque', 'também', 'quando', 'ele', 'ela', 'nao', 'já', 'hoje', 'vc', 'tô', 'obrigado', 'aqui'],
};

/** word -> bitmask of languages (index in STOPWORD_LANGS). */
export const STOPWORD_LANGS = Object.keys(STOPWORDS);
export const STOPWORD_MASK: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  STOPWORD_LANGS.forEach((lang, i) => {
    for (const w of STOPWORDS[lang]!) m.set(w, (m.get(w) ?? 0) | (1 << i));
  });
  return m;
})();
