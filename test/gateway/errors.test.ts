/** The error catalogue, the status table and docs/errors.md list the same codes. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES } from '../../gateway/contract/errors.ts';
import { STATUS } from '../../gateway/http/error-table.ts';

test('every code has a status and a documented row with that status', () => {
  const doc = readFileSync('docs/errors.md', 'utf8');
  const rows = new Map(
    [...doc.matchAll(/^\| `([A-Z_]+)`\s*\| (\d{3})\s*\|/gm)].map((m) => [m[1]!, Number(m[2])]),
  );
  assert.deepEqual([...rows.keys()].sort(), Object.keys(ERROR_CODES).sort());
  for (const [code, status] of rows)
    assert.equal(STATUS[code as keyof typeof STATUS], status, code);
});
