/** Service log lines: the engine's frames and line format, ordering keys. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  demuxLines,
  parseLogLine,
  timeKey,
} from '../../../../gateway/providers/swarm/service-logs.ts';

const who = { name: 'fn', namespace: 'openfaas-fn' };
const RAW =
  '2026-12-03T20:23:37.266878333Z com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,' +
  'com.docker.swarm.task.id=t1 Forking fprocess: cat';

test('a line: timestamp, task id as instance, text with its spaces', () => {
  assert.deepEqual(parseLogLine(RAW, who), {
    ...who,
    instance: 't1',
    timestamp: '2026-12-03T20:23:37.266878333Z',
    text: 'Forking fprocess: cat',
  });
  assert.equal(parseLogLine('garbage', who), undefined);
});

const frame = (stream: number, text: string): Buffer => {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};

test('frames split anywhere still give whole lines, per stream', async () => {
  const all = Buffer.concat([frame(1, 'a1\na2\n'), frame(2, 'b1'), frame(2, '\n'), frame(1, 'a3')]);
  const chunks = [all.subarray(0, 5), all.subarray(5, 17), all.subarray(17)];
  const lines: string[] = [];
  for await (const l of demuxLines(
    (async function* () {
      yield* chunks;
    })(),
  ))
    lines.push(l);
  assert.deepEqual(lines, ['a1', 'a2', 'b1', 'a3']);
});

test('time keys order trimmed RFC3339Nano fractions correctly', () => {
  // compared raw, '.26Z' sorts after '.261Z' ('Z' > '1')
  assert.ok('2026-01-01T00:00:00.26Z' > '2026-01-01T00:00:00.261Z');
  assert.ok(timeKey('2026-01-01T00:00:00.26Z') < timeKey('2026-01-01T00:00:00.261Z'));
  assert.ok(timeKey('2026-01-01T00:00:01Z') > timeKey('2026-01-01T00:00:00.9Z'));
});
