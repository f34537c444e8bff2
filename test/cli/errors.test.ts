/** What main.ts prints for a failure: one line, whatever failed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commanderLine, failureLine } from '../../cli/errors.ts';
import { StackError } from '../../cli/stack/errors.ts';

test('a stack file with several problems: the first, and a count of the others', () => {
  const err = new StackError('STACK_INVALID', ['s.yml:1: a', 's.yml:4: b', 's.yml:9: c']);
  assert.equal(failureLine(err), 'Error: s.yml:1: a (and 2 more; FAAS_DEBUG=1 lists all)');
  assert.equal(failureLine(new StackError('STACK_INVALID', ['s.yml:1: a'])), 'Error: s.yml:1: a');
  assert.equal(failureLine(new Error('down')), 'Error: down');
});

test("commander's messages become one `Error: …` line", () => {
  assert.equal(
    commanderLine("error: unknown option '--gatewy'\n(Did you mean --gateway?)\n"),
    "Error: unknown option '--gatewy' (Did you mean --gateway?)\n",
  );
});
