import type { Random } from './random.ts';
import type { Language } from './texts/index.ts';

/**
 * Turns a phrasebook template into a short social text: fills the slots and adds the variation
 * real posts have (emoji, hashtags, slang, shouting, missing capitals, repeated punctuation).
 */
export interface TextContext {
  brand: string;
  products: readonly string[];
  cities: readonly string[];
}

const NEG_EMOJI = ['😡', '😤', '🤬', '😩', '👎', '🙄', '😒'];
const POS_EMOJI = ['😍', '❤️', '👏', '🙌', '😊', '🔥', '✨'];

export type Tone = 'negative' | 'neutral' | 'positive';

export function fillTemplate(template: string, rng: Random, ctx: TextContext): string {
  return template
    .replace(/\{(\w+)\}/g, (_, slot: string) => {
      switch (slot) {
        case 'product':
          return rng.pick(ctx.products);
        case 'order':
          return `#${rng.int(100000, 999999)}`;
        case 'days':
          return String(rng.int(3, 21));
        case 'brand':
          return ctx.brand.charAt(0).toUpperCase() + ctx.brand.slice(1);
        case 'city':
          return rng.pick(ctx.cities);
        case 'handle':
          return `promo_${rng.int(10, 9999)}`;
        default:
          return slot;
      }
    })
    .replace(/#(\w+)down/g, (_, b: string) => `#${b.toLowerCase()}down`);
}

/** A customer text with random surface variation; brand replies use `fillTemplate` only (they are tidy). */
export function customerText(
  template: string,
  tone: Tone,
  rng: Random,
  ctx: TextContext,
  slang: readonly string[],
  _lang: Language,
): string {
  let text = fillTemplate(template, rng, ctx);
  if (rng.chance(0.15)) text = text.charAt(0).toLowerCase() + text.slice(1);
  if (tone === 'negative' && rng.chance(0.08)) text = text.toUpperCase();
  if (rng.chance(0.12)) text = `${rng.pick(slang)} ${text}`;
  if (tone !== 'neutral' && rng.chance(0.35)) {
    const emoji = rng.pick(tone === 'negative' ? NEG_EMOJI : POS_EMOJI);
    text = `${text} ${rng.chance(0.3) ? emoji.repeat(rng.int(2, 3)) : emoji}`;
  }
  if (tone === 'negative' && rng.chance(0.2)) text = text.replace(/[.!?]*$/, rng.pick(['!!', '!!!', '?!', '...']));
  if (rng.chance(0.1)) text = `${text} #${ctx.brand.toLowerCase()}`;
  return text;
}
