'use strict';
const os = require('node:os');

/** Facts about the machine the replica runs on, as JSON. */
module.exports = async () => ({
  hostname: os.hostname(),
  platform: `${os.platform()} ${os.release()}`,
  arch: os.arch(),
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  totalMemoryBytes: os.totalmem(),
  freeMemoryBytes: os.freemem(),
  uptimeSeconds: Math.round(os.uptime()),
  node: process.version,
});
