/**
 * Typed reads of one map entry of a stack file. Each returns the value, or undefined when the
 * entry is absent or wrong, in which case it has recorded a problem naming the field: the field
 * path is the dotted path from the document root (`functions.echo.labels`).
 *
 * @module
 */
import type { Entry, YamlReader } from './yaml-reader.ts';

export function readString(r: YamlReader, entry: Entry, path: string): string | undefined {
  if (entry.value === null) return undefined;
  const text = r.text(entry.value);
  if (text === undefined) r.problem(entry.line, `${path} must be a string`);
  return text;
}

export function readBool(r: YamlReader, entry: Entry, path: string): boolean | undefined {
  if (entry.value === null) return undefined;
  const value = r.bool(entry.value);
  if (value === undefined) r.problem(entry.line, `${path} must be true or false`);
  return value;
}

/** A map of strings; a null value is the empty string. */
export function readStringMap(r: YamlReader, entry: Entry, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (entry.value === null) return out;
  const entries = r.entries(entry.value);
  if (entries === undefined) {
    r.problem(entry.line, `${path} must be a map of strings`);
    return out;
  }
  for (const item of entries) {
    const text = item.value === null ? '' : r.text(item.value);
    if (text === undefined) r.problem(item.line, `${path}.${item.key} must be a string`);
    else out[item.key] = text;
  }
  return out;
}

export function readStringList(r: YamlReader, entry: Entry, path: string): string[] {
  if (entry.value === null) return [];
  const items = r.items(entry.value);
  if (items === undefined) {
    r.problem(entry.line, `${path} must be a list of strings`);
    return [];
  }
  const out: string[] = [];
  items.forEach((item, index) => {
    const text = r.text(item.node);
    if (text === undefined || text === '') {
      r.problem(item.line, `${path}[${index}] must be a non-empty string`);
    } else out.push(text);
  });
  return out;
}

/**
 * The entries of a map-valued field keyed by name, with a warning for each key not in `known`.
 * A null value (`limits:` alone) is an empty map; a value that is not a map is a problem and
 * gives undefined.
 */
export function readSection(
  r: YamlReader,
  entry: Entry,
  path: string,
  known: readonly string[],
): Map<string, Entry> | undefined {
  if (entry.value === null) return new Map();
  const entries = r.entries(entry.value);
  if (entries === undefined) {
    r.problem(entry.line, `${path} must be a map`);
    return undefined;
  }
  return byKey(r, entries, path, known);
}

/** Indexes entries by key; unknown keys are warned about (with their full path) and dropped. */
export function byKey(
  r: YamlReader,
  entries: readonly Entry[],
  path: string,
  known: readonly string[],
): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const entry of entries) {
    const full = path ? `${path}.${entry.key}` : entry.key;
    if (known.includes(entry.key)) out.set(entry.key, entry);
    else r.warn(entry.line, `unknown key ${full} (ignored)`);
  }
  return out;
}
