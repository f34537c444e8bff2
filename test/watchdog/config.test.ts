import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, DEFAULTS, configWarnings, readConfig } from '../../watchdog/config.ts';
import { formatDuration, parseDuration } from '../../watchdog/duration.ts';

test('durations accept seconds and Go durations', () => {
  assert.equal(parseDuration('10'), 10_000);
  assert.equal(parseDuration('1.5'), 1500);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('2h'), 7_200_000);
  for (const bad of ['', 'abc', '10x', '-5', '1m30', 's'])
    assert.equal(parseDuration(bad), undefined, bad);
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(250), '250ms');
});

test('defaults: fork mode on 8080 with metrics on 8081, classic-watchdog values', () => {
  const c = readConfig({ fprocess: 'cat' });
  assert.deepEqual(c.fprocess, ['cat']);
  assert.equal(c.mode, 'fork');
  assert.equal(c.port, 8080);
  assert.equal(c.metricsPort, 8081);
  assert.equal(c.execTimeoutMs, 0);
  assert.equal(c.healthcheckIntervalMs, c.writeTimeoutMs);
  assert.equal(c.cgiHeaders, true);
  assert.equal(c.combineOutput, true);
  assert.equal(c.maxRequestBytes, 10 * 1024 * 1024);
  assert.equal(c.maxRequestBytes, DEFAULTS.maxRequestBytes.fork);
});

test('max_request_bytes: 10Mi where the body is buffered, no limit where it is streamed', () => {
  const upstream = { upstream_url: 'http://127.0.0.1:3000' };
  const limit = (env: Record<string, string>) =>
    readConfig({ fprocess: 'x', ...upstream, ...env }).maxRequestBytes;
  assert.equal(limit({ mode: 'fork' }), 10 * 1024 * 1024);
  assert.equal(limit({ mode: 'prefork' }), 10 * 1024 * 1024);
  assert.equal(limit({ mode: 'streaming' }), 0);
  assert.equal(limit({ mode: 'http' }), 0);
  assert.equal(limit({ mode: 'streaming', max_request_bytes: '1Mi' }), 1024 * 1024);
  assert.equal(limit({ mode: 'fork', max_request_bytes: '0' }), 0);
});

test('every key is read', () => {
  const c = readConfig({
    fprocess: 'node  handler.js --flag',
    mode: 'prefork',
    read_timeout: '5',
    write_timeout: '1m',
    exec_timeout: '2500ms',
    healthcheck_interval: '3s',
    write_debug: 'true',
    debug_headers: 'true',
    content_type: 'application/json',
    marshal_request: 'true',
    cgi_headers: 'false',
    combine_output: 'false',
    suppress_lock: 'true',
    prefix_logs: 'false',
    port: '9000',
    metrics_port: '9001',
    bind_address: '127.0.0.1',
    max_inflight: '4',
    max_request_bytes: '2Mi',
    prefork_pool: '3',
  });
  assert.deepEqual(c.fprocess, ['node', 'handler.js', '--flag']);
  assert.equal(c.mode, 'prefork');
  assert.equal(c.readTimeoutMs, 5000);
  assert.equal(c.writeTimeoutMs, 60_000);
  assert.equal(c.execTimeoutMs, 2500);
  assert.equal(c.healthcheckIntervalMs, 3000);
  assert.equal(c.writeDebug, true);
  assert.equal(c.debugHeaders, true);
  assert.equal(c.contentType, 'application/json');
  assert.equal(c.marshalRequest, true);
  assert.equal(c.cgiHeaders, false);
  assert.equal(c.combineOutput, false);
  assert.equal(c.suppressLock, true);
  assert.equal(c.prefixLogs, false);
  assert.equal(c.port, 9000);
  assert.equal(c.metricsPort, 9001);
  assert.equal(c.bindAddress, '127.0.0.1');
  assert.equal(c.maxInflight, 4);
  assert.equal(c.maxRequestBytes, 2 * 1024 * 1024);
  assert.equal(c.preforkPool, 3);
});

test('of-watchdog names are accepted', () => {
  const c = readConfig({ function_process: 'cat', mode: 'serializing' });
  assert.equal(c.mode, 'fork');
  const h = readConfig({
    fprocess: 'node server.js',
    mode: 'http',
    http_upstream_url: 'http://127.0.0.1:3000',
  });
  assert.equal(h.upstreamUrl?.port, '3000');
});

test('one error names every bad key and value', () => {
  let err: unknown;
  try {
    readConfig({
      mode: 'turbo',
      exec_timeout: 'soon',
      port: '70000',
      max_inflight: '-1',
      max_request_bytes: 'lots',
    });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ConfigError);
  assert.match(err.message, /fprocess is required/);
  assert.match(err.message, /mode="turbo" is not one of fork, streaming, prefork, http/);
  assert.match(err.message, /exec_timeout="soon" is not a duration \(use 10 or 1m30s\)/);
  assert.match(err.message, /port="70000" is not a whole number from 0 to 65535/);
  assert.match(err.message, /max_inflight="-1"/);
  assert.match(err.message, /max_request_bytes="lots"/);
  assert.equal(err.problems.length, 6);
});

test('http mode needs an http upstream_url; ports must differ', () => {
  assert.throws(
    () => readConfig({ fprocess: 'x', mode: 'http' }),
    /upstream_url is required in http mode/,
  );
  assert.throws(
    () => readConfig({ fprocess: 'x', mode: 'http', upstream_url: 'ftp://h' }),
    /upstream_url="ftp:\/\/h" is not an http:\/\/ URL/,
  );
  assert.throws(
    () => readConfig({ fprocess: 'x', port: '9', metrics_port: '9' }),
    /metrics_port=9 must differ/,
  );
});

test('booleans: only the exact string "true" is true, unset or empty keeps the default', () => {
  // CONTRACT §3.1: OpenFaaS images with cgi_headers=1 or TRUE start, reading them as false.
  for (const v of ['1', 'TRUE', 'True', 'yes', ' true', 'false']) {
    const c = readConfig({ fprocess: 'x', cgi_headers: v, write_debug: v });
    assert.equal(c.cgiHeaders, false, v);
    assert.equal(c.writeDebug, false, v);
  }
  const c = readConfig({ fprocess: 'x', cgi_headers: '', write_debug: 'true' });
  assert.equal(c.cgiHeaders, true);
  assert.equal(c.writeDebug, true);
  // Read as false, but said so at start: a value that is neither true nor false is likely a slip.
  const env = { fprocess: 'x', cgi_headers: '1', combine_output: 'false' };
  assert.deepEqual(configWarnings(readConfig(env), env), [
    'cgi_headers="1" is read as false: only "true" is true',
  ]);
});

test('read_timeout=0 and write_timeout=0 mean no limit, as in the classic watchdog', () => {
  const c = readConfig({
    fprocess: 'x',
    read_timeout: '0',
    write_timeout: '0s',
    exec_timeout: '1m',
  });
  assert.equal(c.readTimeoutMs, 0);
  assert.equal(c.writeTimeoutMs, 0);
  assert.deepEqual(configWarnings(c), [], 'no write_timeout, so no exec_timeout beyond it');
});

test('durations past the longest Node.js timer (~24.8 days) are refused at start', () => {
  // Node fires a longer timer after 1 ms: exec_timeout=720h would answer every request 408.
  let err: unknown;
  try {
    readConfig({ fprocess: 'x', exec_timeout: '720h', write_timeout: '2147483648ms' });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ConfigError);
  assert.deepEqual(err.problems, [
    'write_timeout="2147483648ms" is not at most 596h31m23.647s, the longest timer Node.js keeps',
    'exec_timeout="720h" is not at most 596h31m23.647s, the longest timer Node.js keeps',
  ]);
  const c = readConfig({ fprocess: 'x', exec_timeout: '2147483647ms', write_timeout: '596h' });
  assert.equal(c.execTimeoutMs, 2 ** 31 - 1);
});

test('an exec_timeout beyond write_timeout is warned about', () => {
  const c = readConfig({ fprocess: 'x', exec_timeout: '2m', write_timeout: '1m' });
  assert.match(configWarnings(c)[0]!, /exec_timeout 2m0s exceeds write_timeout 1m0s/);
  assert.deepEqual(configWarnings(readConfig({ fprocess: 'x' })), []);
});
