/** The conformance suite against the in-memory FakeProvider the route tests use. */
import { FakeProvider } from '../gateway/fake-provider.ts';
import { conformance } from './suite.ts';

conformance('fake', async () => ({
  provider: new FakeProvider(),
  images: { echo: 'echo', env: 'env', secret: 'secret' },
  invokes: false,
  checksImages: false,
  close: async () => undefined,
}));
