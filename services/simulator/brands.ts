import { BrandSettings } from '../domain/brand-settings.ts';
import { easterSunday, WEEKDAYS, type CalendarSpec } from '../domain/business-hours.ts';
import type { WeeklyHours } from './business-hours.ts';
import { hash32 } from './random.ts';
import type { Language } from './texts/index.ts';

/**
 * How each simulated brand's community looks: where its customers write from and in which
 * languages, what it sells, and how its team works (hours, speed, coverage).
 */
export interface BrandProfile {
  brand: string;
  /** Relative share of the simulated traffic. */
  weight: number;
  hours: WeeklyHours;
  languages: Readonly<Record<Language, number>>;
  /** Platform → weight. Private-message platforms produce one-to-one threads. */
  platforms: Readonly<Record<string, number>>;
  products: readonly string[];
  cities: readonly string[];
  agents: readonly string[];
  specialists: readonly string[];
  /** Median first-reply delay in business minutes. */
  medianReplyMinutes: number;
  /** Share of threads needing a reply that get one. */
  replyRate: number;
  /** Share of urgent threads answered outside business hours by the on-call person. */
  onCallShare: number;
}

export const PRIVATE_PLATFORMS = new Set(['messenger', 'whatsapp', 'instagram_dm']);

const ITALIAN_HOLIDAYS = [
  '2025-12-25',
  '2025-12-26',
  '2026-01-01',
  '2026-01-06',
  '2026-04-06',
  '2026-04-25',
  '2026-05-01',
  '2026-06-02',
  '2026-08-15',
  '2026-11-01',
  '2026-12-08',
  '2026-12-25',
  '2026-12-26',
  '2027-01-01',
  '2027-01-06',
];

const acme: BrandProfile = {
  brand: 'acme',
  weight: 0.6,
  hours: {
    timeZone: 'Europe/Rome',
    // A lunch break, and a Saturday morning shift.
    days: {
      1: [
        ['09:00', '13:00'],
        ['14:00', '18:00'],
      ],
      2: [
        ['09:00', '13:00'],
        ['14:00', '18:00'],
      ],
      3: [
        ['09:00', '13:00'],
        ['14:00', '18:00'],
      ],
      4: [
        ['09:00', '13:00'],
        ['14:00', '18:00'],
      ],
      5: [
        ['09:00', '13:00'],
        ['14:00', '18:00'],
      ],
      6: [['09:00', '13:00']],
    },
    holidays: ITALIAN_HOLIDAYS,
  },
  languages: { it: 62, en: 14, es: 7, fr: 6, de: 6, pt: 5 },
  platforms: { instagram: 30, facebook: 22, x: 12, youtube: 6, messenger: 12, whatsapp: 6, trustpilot: 5, forum: 7 },
  products: ['AcmePhone X2', 'AcmeBuds Pro', 'Acme Watch 3', 'AcmeBook Air', 'abbonamento Acme+'],
  cities: ['Milano', 'Roma', 'Torino', 'Napoli', 'Bologna', 'Firenze', 'Madrid', 'Lyon', 'München', 'Lisboa'],
  agents: ['agent-giulia', 'agent-marco', 'agent-sara', 'agent-luca', 'agent-elena'],
  specialists: ['spec-tech-paolo', 'spec-billing-anna'],
  medianReplyMinutes: 35,
  replyRate: 0.93,
  onCallShare: 0.3,
};

const globex: BrandProfile = {
  brand: 'globex',
  weight: 0.4,
  hours: {
    timeZone: 'Europe/Madrid',
    days: {
      1: [['08:00', '20:00']],
      2: [['08:00', '20:00']],
      3: [['08:00', '20:00']],
      4: [['08:00', '20:00']],
      5: [['08:00', '20:00']],
      6: [['10:00', '14:00']],
      7: [['10:00', '14:00']],
    },
    holidays: [
      '2025-12-25',
      '2026-01-01',
      '2026-01-06',
      '2026-05-01',
      '2026-08-15',
      '2026-10-12',
      '2026-12-08',
      '2026-12-25',
      '2027-01-01',
    ],
  },
  languages: { it: 40, es: 22, en: 16, pt: 10, fr: 6, de: 6 },
  platforms: { facebook: 28, instagram: 18, x: 20, youtube: 4, messenger: 14, forum: 10, google_reviews: 6 },
  products: ['Globex Fiber 1G', 'router GX-500', 'Globex TV box', 'Globex Mobile', 'app MyGlobex'],
  cities: ['Roma', 'Milano', 'Barcelona', 'Valencia', 'Porto', 'Sevilla', 'Genova', 'Bari'],
  agents: ['agent-carla', 'agent-jordi', 'agent-nuria', 'agent-pietro'],
  specialists: ['spec-network-ines', 'spec-billing-tomas'],
  medianReplyMinutes: 60,
  replyRate: 0.88,
  onCallShare: 0.15,
};

export const BRAND_PROFILES: Readonly<Record<string, BrandProfile>> = { acme, globex };

/**
 * The business hours the metrics use (infra/brands.yaml, or $BRANDS_FILE) in the simulator's form,
 * so the simulated team works exactly when the SLA clock runs. Yearly and Easter-relative holidays
 * are expanded for the years around now.
 */
export function hoursFromSpec(spec: CalendarSpec, years: readonly number[]): WeeklyHours {
  const days: Record<number, [string, string][]> = {};
  WEEKDAYS.forEach((d, i) => {
    const periods = spec.week[d];
    if (periods?.length) days[i + 1] = periods.map((p) => p.split('-').map((x) => x.trim()) as [string, string]);
  });
  const pad = (n: number) => String(n).padStart(2, '0');
  const holidays: string[] = [];
  for (const h of spec.holidays) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(h)) holidays.push(h);
    else if (/^\d{2}-\d{2}$/.test(h)) for (const y of years) holidays.push(`${y}-${h}`);
    else {
      const m = /^easter([+-]\d+)?$/.exec(h);
      if (!m) continue;
      for (const y of years) {
        const e = easterSunday(y);
        const date = new Date(Date.UTC(y, e.month - 1, e.day + Number(m[1] ?? 0)));
        holidays.push(`${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`);
      }
    }
  }
  return { timeZone: spec.time_zone, days: days, holidays };
}

let settings: BrandSettings | null | undefined;
function configuredHours(brand: string): WeeklyHours | null {
  if (settings === undefined) {
    try {
      settings = BrandSettings.load();
    } catch {
      settings = null; // no brands file: the built-in hours below
    }
  }
  if (!settings) return null;
  const spec = settings.file.brands[brand]?.business_hours ?? settings.file.defaults.business_hours;
  const year = new Date().getUTCFullYear();
  return hoursFromSpec(spec, [year - 2, year - 1, year, year + 1, year + 2]);
}

/** The profile of a known brand; any other brand gets a copy of acme's team under its own name. */
export function brandProfile(brand: string): BrandProfile {
  const hours = configuredHours(brand);
  const known = BRAND_PROFILES[brand];
  if (known) return hours ? { ...known, hours } : known;
  const h = hash32(brand);
  return {
    ...acme,
    brand,
    weight: 0.3,
    products: [`${brand} One`, `${brand} Plus`, `app ${brand}`],
    agents: [`agent-${brand}-${h % 97}`, `agent-${brand}-${(h >> 8) % 97}`],
    specialists: [`spec-${brand}`],
    ...(hours ? { hours } : {}),
  };
}
