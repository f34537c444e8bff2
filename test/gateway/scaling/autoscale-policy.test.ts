/**
 * The built-in autoscaler's policies as timelines: a simulated function receives a load, is
 * sampled every tick, and each tick's decision is applied before the next (knative's
 * expectScale style). Time is a number; nothing sleeps.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide, idle, loadAt } from '../../../gateway/scaling/autoscale-policy.ts';
import type { Decision } from '../../../gateway/scaling/autoscale-policy.ts';
import { scaleSettings } from '../../../gateway/scaling/labels.ts';
import type { ScaleSettings } from '../../../gateway/scaling/labels.ts';
import type { LoadSample } from '../../../gateway/scaling/load-signals.ts';
import type { ScaleChange } from '../../../gateway/scaling/scaler.ts';

const TICK = 2000;
const WINDOW = 30_000;

const settings = (labels: Record<string, string>): ScaleSettings =>
  scaleSettings({ 'com.openfaas.scale.min': '1', 'com.openfaas.scale.max': '10', ...labels });

/** A function under a load that changes over time, sampled and scaled tick by tick. */
class Timeline {
  now = 0;
  replicas: number;
  last: ScaleChange | undefined;
  readonly history: LoadSample[] = [];
  readonly decisions: (Decision & { at: number })[] = [];
  #completed = 0;
  #busyMs = 0;

  constructor(
    readonly s: ScaleSettings,
    replicas = s.min,
  ) {
    this.replicas = replicas;
  }

  /** `ticks` ticks at `rps` completions/s with `inFlight` requests in flight throughout. */
  run(ticks: number, rps: number, inFlight = 0): this {
    for (let i = 0; i < ticks; i++) {
      this.now += TICK;
      this.#completed += (rps * TICK) / 1000;
      this.#busyMs += inFlight * TICK;
      this.history.push({
        at: this.now,
        completed: this.#completed,
        inFlight,
        busyMs: this.#busyMs,
        lastRequestAt: rps > 0 || inFlight > 0 ? this.now : undefined,
      });
      const d = decide(this.history, this.now, this.s, this.replicas, this.last, WINDOW);
      if (d) this.apply(d, 'autoscaler');
    }
    return this;
  }

  apply(d: Decision, source: ScaleChange['source']): void {
    this.decisions.push({ ...d, at: this.now });
    this.last = { at: this.now, source, from: this.replicas, to: d.replicas };
    this.replicas = d.replicas;
  }
}

test('rps: a ramp from 0 to 20 rps with target 5 reaches 4 replicas within one tick', () => {
  const t = new Timeline(settings({ 'com.openfaas.scale.target': '5' })).run(5, 0);
  t.run(1, 20);
  assert.equal(t.replicas, 4);
  assert.equal(t.decisions.at(-1)!.reason, '20.0 rps over target 5/replica');
});

test('rps: up at once, bounded by max', () => {
  const t = new Timeline(settings({ 'com.openfaas.scale.target': '5' })).run(3, 0);
  t.run(1, 200);
  assert.equal(t.replicas, 10);
});

test('a short dip does not scale down', () => {
  const t = new Timeline(settings({ 'com.openfaas.scale.target': '5' })).run(5, 20);
  assert.equal(t.replicas, 4);
  t.run(3, 0).run(5, 20);
  assert.equal(t.replicas, 4);
  assert.equal(t.decisions.length, 1);
});

test('a sustained drop scales down only after the window, to the peak of the window', () => {
  const t = new Timeline(settings({ 'com.openfaas.scale.target': '5' })).run(20, 20);
  const dropAt = t.now;
  t.run(20, 5);
  assert.equal(t.replicas, 1);
  const down = t.decisions.at(-1)!;
  assert.equal(down.replicas, 1);
  assert.ok(down.at - dropAt >= WINDOW, `scaled down ${down.at - dropAt} ms after the drop`);
  assert.ok(down.at - dropAt <= WINDOW + 2 * TICK);
  assert.match(down.reason, /5\.0 rps over target 5\/replica, lower for 30s/);
});

test('a step down holds the highest value of the window', () => {
  const t = new Timeline(settings({ 'com.openfaas.scale.target': '5' })).run(20, 40);
  assert.equal(t.replicas, 8);
  t.run(10, 15); // 3 replicas' worth for 20 s: not yet
  assert.equal(t.replicas, 8);
  t.run(6, 0); // the window now holds 15 rps and 0 rps: down to 3, not 1
  assert.equal(t.replicas, 3);
  t.run(20, 0);
  assert.equal(t.replicas, 1);
});

test('no scale down before the history covers the window (just started)', () => {
  const t = new Timeline(settings({ 'com.openfaas.scale.target': '5' }), 6).run(14, 0);
  assert.equal(t.replicas, 6);
  t.run(2, 0);
  assert.equal(t.replicas, 1);
});

test('an alert change inside the window is not undone; after the window it may be', () => {
  const t = new Timeline(settings({ 'com.openfaas.scale.target': '5' })).run(20, 5);
  t.apply({ replicas: 5, reason: 'alert firing' }, 'alert');
  t.run(14, 5);
  assert.equal(t.replicas, 5, 'no scale down within 30 s of the alert');
  t.run(2, 5);
  assert.equal(t.replicas, 1);
  assert.equal(t.last?.source, 'autoscaler');
});

test('an alert scale-up does not stop the autoscaler going further up', () => {
  const t = new Timeline(settings({ 'com.openfaas.scale.target': '5' })).run(10, 0);
  t.apply({ replicas: 3, reason: 'alert firing' }, 'alert');
  t.run(1, 40);
  assert.equal(t.replicas, 8);
});

test('an alert scale-down (resolved) is not reversed within the window', () => {
  const t = new Timeline(settings({ 'com.openfaas.scale.target': '5' })).run(10, 20);
  t.apply({ replicas: 1, reason: 'alert resolved' }, 'alert');
  t.run(5, 20);
  assert.equal(t.replicas, 1);
  t.run(11, 20);
  assert.equal(t.replicas, 4);
});

test('a scale request is not undone within the window, to zero or up; after it the load decides', () => {
  const t = new Timeline(settings({ 'com.openfaas.scale.target': '5' })).run(10, 20);
  assert.equal(t.replicas, 4);
  t.apply({ replicas: 0, reason: 'scale request' }, 'api');
  t.run(14, 20);
  assert.equal(t.replicas, 0, 'scaled to zero by hand, kept there under load for 30 s');
  t.run(2, 20);
  assert.equal(t.replicas, 4);
  t.apply({ replicas: 8, reason: 'scale request' }, 'api');
  t.run(14, 0);
  assert.equal(t.replicas, 8, 'scaled up by hand, kept there with no load for 30 s');
  t.run(2, 0);
  assert.equal(t.replicas, 1);
});

test('min == max: never changes', () => {
  const s = settings({ 'com.openfaas.scale.min': '3', 'com.openfaas.scale.max': '3' });
  const t = new Timeline(s).run(5, 500).run(40, 0);
  assert.equal(t.replicas, 3);
  assert.equal(t.decisions.length, 0);
});

test('below min is raised at once; with load the floor is 1 even for min 0', () => {
  assert.equal(new Timeline(settings({ 'com.openfaas.scale.min': '2' }), 1).run(1, 0).replicas, 2);
  const zeroMin = new Timeline(settings({ 'com.openfaas.scale.min': '0' }), 3).run(30, 0);
  assert.equal(zeroMin.replicas, 1, 'the autoscaler never takes a function to zero');
});

test('a function at zero with no load stays at zero; load brings it up', () => {
  const t = new Timeline(settings({ 'com.openfaas.scale.target': '5' }), 0).run(10, 0);
  assert.equal(t.replicas, 0);
  t.run(1, 12);
  assert.equal(t.replicas, 3);
});

test('capacity: desired follows the average number in flight', () => {
  const s = settings({ 'com.openfaas.scale.type': 'capacity', 'com.openfaas.scale.target': '2' });
  const t = new Timeline(s).run(3, 0).run(1, 1, 7);
  assert.equal(t.replicas, 4);
  assert.equal(t.decisions.at(-1)!.reason, '7.0 in flight over target 2/replica');
  t.run(20, 1, 2);
  assert.equal(t.replicas, 1);
});

test('the rate is taken over the last few seconds of samples, not one instant', () => {
  const s = (at: number, completed: number): LoadSample => ({
    at,
    completed,
    inFlight: 0,
    busyMs: 0,
    lastRequestAt: at,
  });
  const h = [s(0, 0), s(1000, 10), s(2000, 30), s(3000, 60), s(4000, 100)];
  assert.equal(loadAt(h, 4, 'rps'), (100 - 30) / 2); // 2000..4000
  assert.equal(loadAt(h, 0, 'rps'), 0);
  assert.equal(loadAt([s(0, 0), s(10_000, 50)], 1, 'rps'), 5); // sparse: the previous sample
});

test('idle: labelled functions go to 0 after zero-duration without a request', () => {
  const s = settings({
    'com.openfaas.scale.zero': 'true',
    'com.openfaas.scale.zero-duration': '5m',
  });
  const at = (t: number, last: number | undefined, inFlight = 0) => ({
    at: t,
    inFlight,
    lastRequestAt: last,
  });
  assert.equal(idle(at(299_999, 0), s, 1, 0, true), undefined);
  assert.deepEqual(idle(at(300_000, 0), s, 2, 0, true), {
    replicas: 0,
    reason: 'no request for 300s',
  });
  assert.equal(idle(at(400_000, 0, 1), s, 1, 0, true), undefined, 'a request in flight');
  assert.equal(idle(at(400_000, 0), s, 0, 0, true), undefined, 'already at zero');
  assert.equal(idle(at(400_000, 0), s, 1, 0, false), undefined, 'provider cannot');
  assert.equal(idle(at(400_000, 200_000), s, 1, 0, true), undefined, 'a later request');
  assert.equal(idle(at(400_000, undefined), s, 1, 200_000, true), undefined, 'seen late');
  assert.ok(idle(at(500_000, undefined), s, 1, 200_000, true), 'never called, seen 5m ago');
});

test('idle: without the label, or labelled false, never', () => {
  const plain = settings({});
  const off = settings({ 'com.openfaas.scale.zero': 'false' });
  assert.equal(
    idle({ at: 3_600_000, inFlight: 0, lastRequestAt: 0 }, plain, 1, 0, true),
    undefined,
  );
  assert.equal(idle({ at: 3_600_000, inFlight: 0, lastRequestAt: 0 }, off, 1, 0, true), undefined);
});
