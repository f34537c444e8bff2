/**
 * `faas new NAME --append FILE`: the function added to `functions:` of an existing stack file.
 * The file is edited as a YAML document, not as text, so the function lands under `functions:`
 * wherever that is, and comments, key order and the other sections stay as written. Pure.
 *
 * @example
 * const text = appendFunction(await readFile('stack.yml', 'utf8'), 'stack.yml', 'hello', fn);
 *
 * @module
 */
import { isMap, isScalar, parseDocument } from 'yaml';
import { CliError } from '../errors.ts';
import { yamlProblem } from './yaml-reader.ts';

/** The entry `faas new` writes: what a build needs. */
export type NewFunction = { lang: string; handler: string; image: string };

/** `text` with `functions.<name>` set to `fn`; refuses a name the file already has. */
export function appendFunction(text: string, file: string, name: string, fn: NewFunction): string {
  const doc = parseDocument(text);
  const [syntax] = doc.errors;
  if (syntax) throw new CliError(`--append ${file}: not valid YAML (${yamlProblem(file, syntax)})`);
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new CliError(`--append ${file}: not a stack file (its top level is not a map)`);
  }
  const functions = doc.get('functions', true);
  if (functions === undefined || (isScalar(functions) && functions.value === null)) {
    doc.set('functions', doc.createNode({ [name]: fn }));
  } else if (!isMap(functions)) {
    throw new CliError(`--append ${file}: functions is not a map, so ${name} cannot be added`);
  } else if (functions.has(name)) {
    throw new CliError(
      `function ${name} already exists in ${file}: choose another name, or remove it from ${file} first`,
    );
  } else {
    functions.set(name, doc.createNode(fn));
  }
  // lineWidth 0: long values stay on one line rather than being folded
  return doc.toString({ lineWidth: 0 });
}
