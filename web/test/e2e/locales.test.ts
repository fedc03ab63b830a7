// The two catalogues say the same things: every key in Vietnamese exists in English and back,
// every key the code asks for exists, and every error code of the API has words in both.
import {
  ERROR_CODES,
  KNOWN_MACHINE_TYPES,
  PURPOSES,
  MEMBER_CATEGORIES,
  GENDERS,
  BOOKING_STATUSES,
} from '@fablab/shared';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import en from '../../src/locales/en.json';
import vi from '../../src/locales/vi.json';
import { repoRoot } from './helpers/server';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : flatten(value, `${prefix}${key}.`),
  );
}

/** i18next plural forms (key_one, key_other) stand for the bare key. */
const base = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');

function has(tree: Tree, key: string): boolean {
  const keys = new Set(flatten(tree).map(base));
  return keys.has(key);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sourceFiles(file) : /\.tsx?$/.test(name) ? [file] : [];
  });
}

describe('locales', () => {
  test('Vietnamese and English have the same keys', () => {
    const viKeys = new Set(flatten(vi as Tree).map(base));
    const enKeys = new Set(flatten(en as Tree).map(base));
    expect([...viKeys].filter((k) => !enKeys.has(k))).toEqual([]);
    expect([...enKeys].filter((k) => !viKeys.has(k))).toEqual([]);
  });

  test('every key the code asks for exists', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(path.join(repoRoot, 'web/src'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((key) => !has(vi as Tree, key) || !has(en as Tree, key));
    expect(missing).toEqual([]);
  });

  test('every API error code, enum and known machine type has words in both languages', () => {
    const needed = [
      ...ERROR_CODES.map((c) => `errors.${c}`),
      ...KNOWN_MACHINE_TYPES.map((c) => `machineTypes.${c}`),
      ...PURPOSES.map((c) => `purposes.${c}`),
      ...MEMBER_CATEGORIES.map((c) => `categories.${c}`),
      ...GENDERS.map((c) => `genders.${c}`),
      ...BOOKING_STATUSES.map((c) => `bookingStatus.${c}`),
    ];
    for (const tree of [vi, en] as Tree[]) expect(needed.filter((key) => !has(tree, key))).toEqual([]);
  });
});
