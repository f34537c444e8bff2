/**
 * Reads a parsed YAML document node by node, keeping the line of each key so that every problem
 * and warning names `FILE:LINE: field`. Problems and warnings are collected, never thrown, so one
 * pass reports all of them. Aliases (`*x`) are followed and merge keys (`<<: *x`) expanded, with
 * the map's own keys taking precedence.
 *
 * Scalar leniency, as faas-cli's Go YAML decoding: where a string is expected, a number or
 * boolean is taken as the text written (`1.0` stays `1.0`, `true` is `true`); a null value
 * (`KEY:` with nothing after it, often an unset `${VAR}`) counts as absent, and in a map of
 * strings it is the empty string. Booleans accept `true`/`false` and YAML 1.1's `yes`/`no`/
 * `on`/`off`, as Go's yaml.v3 does for a bool field.
 *
 * @module
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node, YAMLError } from 'yaml';
import { StackError } from './errors.ts';

/** One key of a map: its text, the line of the key, and its value (null when empty). */
export type Entry = { key: string; line: number; value: Node | null };

const TRUE_WORDS = new Set(['true', 'yes', 'on', 'y']);
const FALSE_WORDS = new Set(['false', 'no', 'off', 'n']);
const MAX_ALIAS_DEPTH = 32;

type Note = { line: number; text: string };

export class YamlReader {
  private readonly problemNotes: Note[] = [];
  private readonly warningNotes: Note[] = [];

  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** 1-based line where `node` starts (1 when it has no position). */
  lineOf(node: unknown): number {
    const offset = (node as { range?: readonly number[] } | null | undefined)?.range?.[0];
    return offset === undefined ? 1 : this.lines.linePos(offset).line;
  }

  problem(line: number, text: string): void {
    this.problemNotes.push({ line, text });
  }

  warn(line: number, text: string): void {
    this.warningNotes.push({ line, text });
  }

  /** Each problem as `FILE:LINE: text`, in line order. */
  get problems(): string[] {
    return this.format(this.problemNotes);
  }

  /** Each warning as `FILE:LINE: text`, in line order. */
  get warnings(): string[] {
    return this.format(this.warningNotes);
  }

  private format(notes: readonly Note[]): string[] {
    return [...notes]
      .sort((a, b) => a.line - b.line)
      .map((note) => `${this.file}:${note.line}: ${note.text}`);
  }

  /** Follows aliases; a null scalar becomes null. */
  resolve(node: unknown): Node | null {
    let current = node;
    for (let depth = 0; isAlias(current) && depth < MAX_ALIAS_DEPTH; depth++) {
      current = current.resolve(this.doc) ?? null;
    }
    if (current === null || current === undefined || isAlias(current)) return null;
    if (isScalar(current) && current.value === null) return null;
    return current as Node;
  }

  /** The keys of a map node in file order, or undefined when `node` is not a map. */
  entries(node: Node | null): Entry[] | undefined {
    if (!isMap(node)) return undefined;
    const own: Entry[] = [];
    const merged: Entry[] = [];
    for (const pair of node.items) {
      const keyNode = this.resolve(pair.key);
      const line = this.lineOf(pair.key);
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol' && keyNode.source === '<<') {
        merged.push(...this.mergeSources(pair.value, line));
        continue;
      }
      const key = this.text(keyNode);
      if (key === undefined) {
        this.problem(line, 'map keys must be plain strings');
        continue;
      }
      own.push({ key, line, value: this.resolve(pair.value) });
    }
    const ownKeys = new Set(own.map((entry) => entry.key));
    const inherited = merged.filter((entry) => !ownKeys.has(entry.key));
    return [...own, ...dedupeFirst(inherited)];
  }

  private mergeSources(value: unknown, line: number): Entry[] {
    const source = this.resolve(value);
    const maps = isSeq(source) ? source.items.map((item) => this.resolve(item)) : [source];
    const out: Entry[] = [];
    for (const map of maps) {
      const entries = this.entries(map);
      if (entries) out.push(...entries);
      else this.problem(line, 'a merge key (<<) must refer to a map or a list of maps');
    }
    return out;
  }

  /** The text of a non-null scalar (numbers and booleans as written), else undefined. */
  text(node: Node | null): string | undefined {
    if (!isScalar(node)) return undefined;
    const { value } = node;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
      return node.source ?? String(value);
    }
    return undefined;
  }

  /** Items of a sequence node, aliases followed, or undefined when `node` is not a sequence. */
  items(node: Node | null): { node: Node | null; line: number }[] | undefined {
    if (!isSeq(node)) return undefined;
    return node.items.map((item) => {
      return { node: this.resolve(item), line: this.lineOf(item) };
    });
  }

  bool(node: Node | null): boolean | undefined {
    if (!isScalar(node)) return undefined;
    if (typeof node.value === 'boolean') return node.value;
    if (typeof node.value !== 'string' || node.type !== 'PLAIN') return undefined;
    const word = node.value.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return undefined;
  }
}

function dedupeFirst(entries: Entry[]): Entry[] {
  const seen = new Set<string>();
  return entries.filter((entry) => !seen.has(entry.key) && seen.add(entry.key));
}

/** A YAML library error or warning as `FILE:LINE: message (column N)`. */
export function yamlProblem(file: string, error: YAMLError): string {
  const pos = error.linePos?.[0];
  const message = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? '';
  return pos ? `${file}:${pos.line}: ${message} (column ${pos.col})` : `${file}:1: ${message}`;
}

/**
 * Parses `text` as YAML whose top level must be a map (`shape` says what it must hold):
 * STACK_SYNTAX for malformed YAML, STACK_INVALID when the top level is not a map.
 */
export function openYamlMap(
  text: string,
  file: string,
  shape: string,
): { r: YamlReader; entries: Entry[]; yamlWarnings: string[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true });
  if (doc.errors.length > 0) {
    throw new StackError(
      'STACK_SYNTAX',
      doc.errors.map((e) => yamlProblem(file, e)),
      { cause: doc.errors[0] },
    );
  }
  const r = new YamlReader(file, doc, lines);
  const root = r.resolve(doc.contents);
  const entries = root === null ? [] : r.entries(root);
  if (entries === undefined) {
    r.problem(r.lineOf(root), shape);
    throw new StackError('STACK_INVALID', r.problems);
  }
  return { r, entries, yamlWarnings: doc.warnings.map((w) => yamlProblem(file, w)) };
}
