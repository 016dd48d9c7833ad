import { de } from './de.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import { it } from './it.ts';
import { pt } from './pt.ts';
import type { Language, Phrasebook } from './types.ts';

export * from './types.ts';

export const PHRASEBOOKS: Readonly<Record<Language, Phrasebook>> = { it, en, es, fr, de, pt };
