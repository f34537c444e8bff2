/** The alert path's pure half: the webhook body's shape and the 2018/19 replica rules, as tables. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFaasError } from '../../../gateway/contract/errors.ts';
import { alertReplicas, parseAlerts } from '../../../gateway/scaling/alert.ts';
import type { AlertStatus } from '../../../gateway/scaling/alert.ts';
import { scaleSettings } from '../../../gateway/scaling/labels.ts';

const labels = (min?: number, max?: number, factor?: number): Record<string, string> => ({
  ...(min === undefined ? {} : { 'com.openfaas.scale.min': String(min) }),
  ...(max === undefined ? {} : { 'com.openfaas.scale.max': String(max) }),
  ...(factor === undefined ? {} : { 'com.openfaas.scale.factor': String(factor) }),
});

test('alertReplicas: firing steps by ceil(max × factor / 100) up to max; resolved goes to min', () => {
  const cases: [string, AlertStatus, number, Record<string, string>, number][] = [
    ['defaults (1/20/20): step 4 from 1', 'firing', 1, {}, 5],
    ['defaults: keeps stepping', 'firing', 5, {}, 9],
    ['defaults: capped at max 20', 'firing', 18, {}, 20],
    ['already at max stays there', 'firing', 20, {}, 20],
    ['max 4 factor 50: step 2', 'firing', 1, labels(1, 4, 50), 3],
    ['max 4 factor 50: 3 → 4, not 5', 'firing', 3, labels(1, 4, 50), 4],
    ['factor 25 of max 10 rounds up to 3', 'firing', 2, labels(1, 10, 25), 5],
    ['factor 1 still steps by 1', 'firing', 1, labels(1, 20, 1), 2],
    ['factor 100 goes straight to max', 'firing', 1, labels(1, 7, 100), 7],
    ['from zero, firing steps up', 'firing', 0, labels(0, 4, 50), 2],
    ['above max (scaled by hand): firing caps to max', 'firing', 9, labels(1, 4, 50), 4],
    ['resolved returns to min', 'resolved', 4, labels(2, 4, 50), 2],
    ['resolved at min stays', 'resolved', 1, {}, 1],
    ['resolved below min (scaled by hand) goes to min', 'resolved', 1, labels(3, 6, 50), 3],
  ];
  for (const [why, status, current, l, want] of cases) {
    const d = alertReplicas(status, current, scaleSettings(l));
    assert.equal(d.action, 'scale', why);
    assert.equal(d.action === 'scale' && d.replicas, want, why);
  }
});

test('alertReplicas: skipped, with a reason, when the alert path is off for the function', () => {
  const cases: [string, AlertStatus, number, Record<string, string>, RegExp][] = [
    ['factor 0', 'firing', 1, labels(1, 4, 0), /factor 0 is outside 1\.\.100/],
    ['factor 0 on resolved too', 'resolved', 4, labels(1, 4, 0), /factor 0/],
    ['factor above 100', 'firing', 1, labels(1, 4, 101), /factor 101 is outside/],
    ['min == max', 'firing', 3, labels(3, 3, 50), /min == max \(3\)/],
    ['min == max on resolved', 'resolved', 3, labels(3, 3), /min == max/],
    ['resolved at zero (scaled to zero) stays there', 'resolved', 0, labels(0, 4), /zero/],
  ];
  for (const [why, status, current, l, reason] of cases) {
    const d = alertReplicas(status, current, scaleSettings(l));
    assert.equal(d.action, 'skip', why);
    assert.match(d.reason, reason, why);
  }
});

test('alertReplicas: the gateway ceiling (max_replicas) bounds the max label', () => {
  const d = alertReplicas('firing', 1, scaleSettings(labels(1, 50, 100), 5));
  assert.deepEqual(d.action === 'scale' && d.replicas, 5);
});

test('parseAlerts: reads status and labels.function_name of every alert, ignores the rest', () => {
  const body = {
    receiver: 'scale-up',
    status: 'firing',
    alerts: [
      { status: 'firing', labels: { alertname: 'APIHighInvocationRate', function_name: 'echo' } },
      { status: 'resolved', labels: { function_name: 'wc.openfaas-fn' }, annotations: {} },
    ],
    groupLabels: { alertname: 'APIHighInvocationRate' },
    version: '4',
  };
  assert.deepEqual(parseAlerts(body), [
    { status: 'firing', functionName: 'echo' },
    { status: 'resolved', functionName: 'wc.openfaas-fn' },
  ]);
  assert.deepEqual(parseAlerts({ alerts: [] }), []);
});

test('parseAlerts: a wrong shape is INVALID_REQUEST with the contract message and the field', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not an object', [1, 2], /must be a JSON object/],
    ['null', null, /must be a JSON object/],
    ['a string', 'alerts', /must be a JSON object/],
    ['no alerts', { status: 'firing' }, /alerts: must be an array/],
    ['alerts an object', { alerts: { 0: {} } }, /alerts: must be an array/],
    ['an alert not an object', { alerts: [7] }, /alerts\[0\]: must be an object/],
    ['unknown status', { alerts: [{ status: 'pending', labels: {} }] }, /alerts\[0\]\.status/],
    ['no labels', { alerts: [{ status: 'firing' }] }, /alerts\[0\]\.labels: must be an object/],
    [
      'no function_name',
      { alerts: [{ status: 'firing', labels: { alertname: 'x' } }] },
      /function_name: must be a non-empty string/,
    ],
    [
      'function_name a number',
      { alerts: [{ status: 'resolved', labels: { function_name: 7 } }] },
      /function_name/,
    ],
    [
      'the second alert is wrong',
      { alerts: [{ status: 'firing', labels: { function_name: 'a' } }, { status: 1 }] },
      /alerts\[1\]/,
    ],
  ];
  for (const [why, body, detail] of cases) {
    assert.throws(
      () => parseAlerts(body),
      (err: unknown) =>
        isFaasError(err, 'INVALID_REQUEST') &&
        err.message.startsWith('Unable to parse alert, bad format.') &&
        detail.test(err.message),
      why,
    );
  }
});
