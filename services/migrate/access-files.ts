import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BrandSettings } from '../domain/brand-settings.ts';
import { OUTPUTS, renderAccess, ROOT } from './access.ts';

export interface AccessSync {
  /** Generated files whose checked-in content differs (written unless check). */
  differing: string[];
  /** Brand dashboards no longer generated (removed unless check). */
  stale: string[];
}

/**
 * Brings the files access.ts generates up to date with infra/brands.yaml and the dashboards, or with
 * `check` only reports what differs. `npm run clickhouse:access` and `npm run dashboards` (the brand
 * folders copy the dashboards) both call it.
 */
export function syncAccessFiles(
  options: { check?: boolean; brandsFile?: string; log?: (line: string) => void } = {},
): AccessSync {
  const brands = BrandSettings.load(options.brandsFile ?? join(ROOT, 'infra/brands.yaml')).file;
  const files = renderAccess(brands);
  const brandDir = join(ROOT, OUTPUTS.brandDashboards);
  const stale = existsSync(brandDir)
    ? readdirSync(brandDir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.json'))
        .map((f) => `${OUTPUTS.brandDashboards}/${f}`)
        .filter((f) => !(f in files))
    : [];
  const differing = Object.entries(files)
    .filter(([path, content]) => !existsSync(join(ROOT, path)) || readFileSync(join(ROOT, path), 'utf8') !== content)
    .map(([path]) => path);
  if (!options.check) {
    for (const path of differing) {
      mkdirSync(dirname(join(ROOT, path)), { recursive: true });
      writeFileSync(join(ROOT, path), files[path]!);
      options.log?.(`wrote ${path}`);
    }
    for (const path of stale) {
      rmSync(join(ROOT, path));
      options.log?.(`removed ${path}`);
    }
  }
  return { differing, stale };
}
