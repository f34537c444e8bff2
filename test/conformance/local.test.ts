/** The conformance suite against the local provider: real watchdog processes on loopback. */
import { IMAGES, localHarness } from '../gateway/providers/local/harness.ts';
import { conformance } from './suite.ts';

conformance('local', async () => {
  const harness = await localHarness();
  return {
    provider: await harness.provider(),
    images: IMAGES,
    invokes: true,
    checksImages: true,
    close: () => harness.close(),
  };
});
