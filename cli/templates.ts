/**
 * Function templates: `./template/<lang>/` in the project (faas-cli's layout) wins over the
 * templates shipped in this repository's `templates/`. Each has a template.yml (language,
 * fprocess, mode, welcome_message) and a `function/` folder that `faas new` copies.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CliError } from './errors.ts';

export const BUILTIN_TEMPLATES = fileURLToPath(new URL('../templates', import.meta.url));

export interface Template {
  readonly name: string;
  readonly dir: string;
  readonly fprocess: string;
  readonly mode: 'fork' | 'prefork' | 'streaming' | 'http';
  readonly welcome: string;
}

const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

async function roots(cwd: string): Promise<string[]> {
  const local = join(cwd, 'template');
  return (await exists(local)) ? [local, BUILTIN_TEMPLATES] : [BUILTIN_TEMPLATES];
}

export async function listTemplates(cwd: string): Promise<string[]> {
  const names = new Set<string>();
  for (const root of await roots(cwd)) {
    for (const e of await readdir(root, { withFileTypes: true }))
      if (e.isDirectory()) names.add(e.name);
  }
  return [...names].sort();
}

export async function findTemplate(cwd: string, lang: string): Promise<Template> {
  const name = lang === 'Dockerfile' ? 'dockerfile' : lang;
  for (const root of await roots(cwd)) {
    const dir = join(root, name);
    if (/^[a-z0-9][-a-z0-9_.]*$/i.test(name) && (await exists(join(dir, 'template.yml')))) {
      const doc = (parse(await readFile(join(dir, 'template.yml'), 'utf8')) ?? {}) as Record<
        string,
        unknown
      >;
      const mode = (doc.mode as Template['mode'] | undefined) ?? 'fork';
      return {
        name,
        dir,
        fprocess: String(doc.fprocess ?? ''),
        mode,
        welcome: String(doc.welcome_message ?? ''),
      };
    }
  }
  throw new CliError(
    `unknown template ${JSON.stringify(lang)}: choose one of ${(await listTemplates(cwd)).join(', ')} (faas template list)`,
  );
}
