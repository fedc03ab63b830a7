// Small helpers shared by the bench scripts: command-line flags, a seeded PRNG and percentiles.
import { prng } from '../src/db/seed/demo.js';

/** `--name value` and `--flag` from argv. */
export function parseArgs(argv: readonly string[]): Map<string, string | true> {
  const args = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) args.set(name, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) args.set(name, argv[++i]!);
    else args.set(name, true);
  }
  return args;
}

export function intArg(args: Map<string, string | true>, name: string, fallback: number, min = 1, max = 1_000): number {
  const raw = args.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`--${name} must be an integer between ${min} and ${max}`);
  return n;
}

/** A seeded random source with the helpers the generator needs. */
export function randomSource(seed: number) {
  const next = prng(seed);
  const source = {
    next,
    /** An integer in [min, max]. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T,
    /** Picks by weight: [[value, weight], ...]. */
    weighted: <T>(list: ReadonlyArray<readonly [T, number]>): T => {
      const total = list.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [value, w] of list) {
        r -= w;
        if (r < 0) return value;
      }
      return list[list.length - 1]![0];
    },
    chance: (p: number) => next() < p,
    /** A version-4 UUID from the seeded stream, so that a run is reproducible to the id. */
    uuid: () => {
      const bytes = Array.from({ length: 16 }, () => Math.floor(next() * 256));
      bytes[6] = (bytes[6]! & 0x0f) | 0x40;
      bytes[8] = (bytes[8]! & 0x3f) | 0x80;
      const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  };
  return source;
}
export type RandomSource = ReturnType<typeof randomSource>;

/** The p-th percentile (0–100) of the samples, nearest-rank. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? NaN;
}

export function formatMs(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}
