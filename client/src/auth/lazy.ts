/** The sign-in flows (auth/flows.ts), a bundle of their own (dist/signInFlows.js) loaded on first use. */
import * as path from 'path';

export type FlowsModule = typeof import('./flows');

let loaded: FlowsModule | undefined;

export function flows(): FlowsModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require(path.join(__dirname, 'signInFlows.js')) as FlowsModule);
}
