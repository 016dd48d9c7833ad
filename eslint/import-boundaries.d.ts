// Types for eslint/import-boundaries.js (plain JS so that eslint.config.js loads it without a TS loader).
export const EXCEPTIONS: ReadonlyArray<readonly [string, string, string]>;
export function area(rel: string): string;
export function allowed(from: string, to: string): boolean;
export function exceptionsFor(from: string, to: string): number[];
export function tsFiles(dir: string): string[];
export interface RestrictedZone {
  target: string | string[];
  from: string | string[];
  except?: string[];
  message: string;
}
export function restrictedZones(root: string): RestrictedZone[];
