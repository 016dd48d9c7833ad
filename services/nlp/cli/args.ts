// Minimal argv parsing shared by the nlp CLIs (flags: --name value, --flag).

export function parseArgs(argv: readonly string[]): { get(name: string): string | undefined; has(name: string): boolean } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) values.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) values.set(a.slice(2), argv[++i]!);
    else flags.add(a.slice(2));
  }
  return { get: (n) => values.get(n), has: (n) => flags.has(n) || values.has(n) };
}
