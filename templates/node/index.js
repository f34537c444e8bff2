// Classic runner: the whole body on stdin, the handler's return value on stdout.
'use strict';
const { readFileSync } = require('node:fs');
const handler = require('./function/handler.js');

Promise.resolve()
  .then(() => handler(readFileSync(0, 'utf8')))
  .then((result) => {
    const out =
      typeof result === 'string' || Buffer.isBuffer(result) ? result : JSON.stringify(result);
    process.stdout.write(out ?? '');
  })
  .catch((err) => {
    process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  });
