/**
 * `${VAR}` and `${VAR:-default}` substitution, applied to the stack file's text before it is
 * parsed, as faas-cli's `--envsubst` does.
 *
 * - `${VAR}`: the value of VAR; unset gives the empty string.
 * - `${VAR:-default}`: the value of VAR, or `default` when VAR is unset or empty. The default
 *   is taken literally up to the first `}` (no nesting).
 * - `$${VAR}`: the literal text `${VAR}`, for annotations that must keep it.
 * - Anything else, such as `$VAR` without braces or `${VAR=x}`, is left as written: a stack
 *   file's `fprocess` often holds shell text like `sh -c "echo $HOME"`.
 *
 * Substituted values are inserted as-is, so a value holding YAML syntax (`: `, `#`, a newline)
 * changes the document, exactly as with faas-cli; quote the `${...}` in the YAML when in doubt.
 *
 * @example
 * envsubst('image: ${REGISTRY:-ttl.sh}/echo', { REGISTRY: undefined }); // 'image: ttl.sh/echo'
 *
 * @module
 */
import type { Env } from './types.ts';

const REFERENCE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-)([^}]*))?\}/g;

export function envsubst(text: string, env: Env): string {
  return text.replace(
    REFERENCE,
    (whole, escape: string, name: string, hasDefault: string | undefined, fallback = '') => {
      if (escape) return whole.slice(1);
      const value = env[name];
      if (hasDefault && (value === undefined || value === '')) return fallback;
      return value ?? '';
    },
  );
}
