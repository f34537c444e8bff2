/** faas-cli's logs flags as the /system/logs query (CONTRACT §5.2); time is an argument. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logsQuery } from '../../../cli/commands/logs.ts';

const now = new Date('2024-05-01T12:00:00Z');

const cases: [string, Parameters<typeof logsQuery>[1], string][] = [
  ['defaults: follow, every line', { tail: true }, 'name=fn&follow=true'],
  ['--tail=false --lines 5', { tail: false, lines: 5 }, 'name=fn&follow=false&tail=5'],
  ['--follow follows', { tail: false, follow: true }, 'name=fn&follow=true'],
  ['--lines 0 is every line', { tail: false, lines: 0 }, 'name=fn&follow=false'],
  ['--lines -1 is every line', { tail: false, lines: -1 }, 'name=fn&follow=false'],
  [
    '--since 5m is a time 5 minutes before now',
    { tail: false, since: 300_000 },
    'name=fn&follow=false&since=2024-05-01T11%3A55%3A00.000Z',
  ],
  [
    '--since-time wins over --since',
    { tail: true, since: 300_000, sinceTime: new Date('2024-01-02T15:04:05+02:00') },
    'name=fn&follow=true&since=2024-01-02T13%3A04%3A05.000Z',
  ],
];

for (const [name, flags, query] of cases) {
  test(`logs query: ${name}`, () => assert.equal(logsQuery('fn', flags, now).toString(), query));
}
