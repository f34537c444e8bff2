// Runner for the node-http template. In prefork mode the watchdog hands the request's method,
// path, query and headers on fd 3 and takes the status and headers on fd 4 (docs/watchdog.md);
// in fork mode they come from the Http_* environment and the status from the exit code.
'use strict';
const { readFileSync, writeSync, closeSync } = require('node:fs');
const handler = require('./function/handler.js');

function readEvent() {
  const body = readFileSync(0);
  if (process.env.FAAS_REQUEST_FD) {
    const meta = JSON.parse(readFileSync(Number(process.env.FAAS_REQUEST_FD), 'utf8'));
    return { ...meta, body };
  }
  const headers = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('Http_') && !['Http_Method', 'Http_Path', 'Http_Query'].includes(k)) {
      headers[k.slice(5).replaceAll('_', '-').toLowerCase()] = v;
    }
  }
  const e = process.env;
  return {
    method: e.Http_Method,
    path: e.Http_Path || '/',
    query: e.Http_Query || '',
    headers,
    body,
  };
}

async function main() {
  const event = readEvent();
  const res = (await handler(event, { env: process.env })) || {};
  const body = res.body === undefined ? '' : res.body;
  const out = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const headers = { ...(res.headers || {}) };
  if (!headers['content-type'] && typeof body === 'object' && !Buffer.isBuffer(body)) {
    headers['content-type'] = 'application/json';
  }
  if (process.env.FAAS_RESPONSE_FD) {
    const fd = Number(process.env.FAAS_RESPONSE_FD);
    writeSync(fd, JSON.stringify({ status: res.statusCode || 200, headers }));
    closeSync(fd);
  }
  writeSync(1, out);
  closeSync(1); // with fd 4 closed too, the watchdog can answer before this process exits
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exitCode = 1;
});
