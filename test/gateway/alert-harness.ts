/** createApp with a FakeProvider and a real Scaler, and Alertmanager webhook bodies, for the /system/alert tests. */
import type { TestContext } from 'node:test';
import request from 'supertest';
import { createApp } from '../../gateway/app.ts';
import type { ScalingMode } from '../../gateway/config.ts';
import { GatewayMetrics } from '../../gateway/http/metrics.ts';
import { FunctionCache } from '../../gateway/invoke/function-cache.ts';
import { createInvoker } from '../../gateway/invoke/proxy.ts';
import type { Logger } from '../../gateway/log.ts';
import { Scaler } from '../../gateway/scaling/scaler.ts';
import { ADMIN } from './app-harness.ts';
import { FakeProvider } from './fake-provider.ts';

export const NS = 'openfaas-fn';

export function buildAlertApp(
  t: TestContext,
  options: { scaling?: ScalingMode; maxRequestBytes?: number } = {},
) {
  const provider = new FakeProvider();
  const lines: string[] = [];
  const logger: Logger = { info: (m) => lines.push(m), error: (m) => lines.push(`ERROR ${m}`) };
  const metrics = new GatewayMetrics(async () =>
    (await provider.list(NS)).map((f) => ({ name: f.name, replicas: f.replicas })),
  );
  const functions = new FunctionCache(provider, 0);
  const maxRequestBytes = options.maxRequestBytes ?? 1024 * 1024;
  const invoker = createInvoker({
    resolver: provider,
    functions,
    metrics,
    namespace: NS,
    upstreamTimeoutMs: 5000,
    maxRequestBytes,
    readyWaitMs: 0,
  });
  t.after(() => invoker.close());
  const scaler = new Scaler({ provider, functions, logger });
  const app = createApp({
    provider,
    invoker,
    functions,
    metrics,
    scaler,
    scaling: options.scaling ?? 'both',
    logger,
    credentials: ADMIN,
    namespace: NS,
    maxRequestBytes,
    maxReplicas: 20,
    version: 'test',
  });
  const deploy = (service: string, l: Record<string, string> = {}) =>
    provider.deploy({
      service,
      image: 'img',
      namespace: NS,
      labels: l,
      annotations: {},
      secrets: [],
      constraints: [],
    });
  const replicas = async (name: string) => (await provider.get(name, NS)).replicas;
  const alert = (body: unknown) =>
    request(app)
      .post('/system/alert')
      .auth(ADMIN.user, ADMIN.password)
      .send(body as object);
  return { app, provider, scaler, lines, deploy, replicas, alert };
}

export const scaleLabels = (min: number, max: number, factor: number) => ({
  'com.openfaas.scale.min': String(min),
  'com.openfaas.scale.max': String(max),
  'com.openfaas.scale.factor': String(factor),
});

/** An Alertmanager webhook body as version 4 sends it. */
export function webhook(alerts: [status: 'firing' | 'resolved', functionName: string][]) {
  return {
    receiver: 'scale-up',
    status: alerts.some(([s]) => s === 'firing') ? 'firing' : 'resolved',
    alerts: alerts.map(([status, function_name]) => ({
      status,
      labels: {
        alertname: 'APIHighInvocationRate',
        function_name,
        service: 'gateway',
        severity: 'major',
      },
      annotations: { summary: `High invocation total on ${function_name}` },
      startsAt: '2024-01-01T00:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: 'abc',
    })),
    groupLabels: { alertname: 'APIHighInvocationRate' },
    commonLabels: { alertname: 'APIHighInvocationRate', service: 'gateway' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: '{}:{alertname="APIHighInvocationRate"}',
    truncatedAlerts: 0,
  };
}
