import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogLine } from '../../../../gateway/contract/types.ts';
import { LogBuffer } from '../../../../gateway/providers/local/log-buffer.ts';

const line = (text: string, instance = 'fn-1', second = 0): LogLine => ({
  name: 'fn',
  namespace: 'openfaas-fn',
  instance,
  timestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, second)).toISOString(),
  text,
});

async function collect(it: AsyncIterable<LogLine>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of it) out.push(l.text);
  return out;
}

const never = new AbortController().signal;

test('keeps the last `capacity` lines', async () => {
  const b = new LogBuffer(3);
  for (const t of ['a', 'b', 'c', 'd']) b.push(line(t));
  assert.deepEqual(await collect(b.read({ follow: false }, never)), ['b', 'c', 'd']);
});

test('filters by instance and since, then takes the tail', async () => {
  const b = new LogBuffer();
  b.push(line('a', 'fn-1', 1));
  b.push(line('b', 'fn-2', 2));
  b.push(line('c', 'fn-1', 3));
  b.push(line('d', 'fn-1', 4));
  const since = new Date(Date.UTC(2024, 0, 1, 0, 0, 2));
  assert.deepEqual(await collect(b.read({ follow: false, since }, never)), ['b', 'c', 'd']);
  assert.deepEqual(await collect(b.read({ follow: false, instance: 'fn-1', tail: 2 }, never)), [
    'c',
    'd',
  ]);
  assert.deepEqual(await collect(b.read({ follow: false, tail: 0 }, never)), []);
  assert.deepEqual(await collect(b.read({ follow: false, tail: 10 }, never)), ['a', 'b', 'c', 'd']);
});

test('follow yields new lines until aborted', async () => {
  const b = new LogBuffer();
  b.push(line('old'));
  const abort = new AbortController();
  const seen: string[] = [];
  const done = (async () => {
    for await (const l of b.read({ follow: true, tail: 1 }, abort.signal)) {
      seen.push(l.text);
      if (l.text === 'new-2') abort.abort();
    }
  })();
  b.push(line('new-1'));
  b.push(line('new-2'));
  await done;
  assert.deepEqual(seen, ['old', 'new-1', 'new-2']);
});

test('close ends followers', async () => {
  const b = new LogBuffer();
  const done = collect(b.read({ follow: true }, never));
  b.push(line('x'));
  b.close();
  assert.deepEqual(await done, ['x']);
});
