/**
 * `npm run simulators`: every registered carrier's simulator (plus the generic OAuth server)
 * on one port, PORT (default 4010). Prints base URLs and account ids, never secrets.
 * `npm run simulators -- --dev-vars` also writes `.dev.vars`, so that `wrangler dev` runs the
 * Worker against these simulators.
 */
import { writeFile } from 'node:fs/promises';
import { workerDevVars } from './dev-vars.ts';
import { createGenericOAuth, GENERIC_OAUTH_ID } from './generic-oauth.ts';
import { loadRegisteredSimulators, startSandbox } from './server.ts';

const port = Number(process.env.PORT ?? 4010);
const host = process.env.HOST ?? '127.0.0.1';
const simulators = { ...(await loadRegisteredSimulators()), [GENERIC_OAUTH_ID]: createGenericOAuth };
const sandbox = await startSandbox({ host, port, simulators, consentPage: true });

console.log(`sandbox listening on ${sandbox.url}`);
for (const id of Object.keys(simulators)) {
  const accounts = sandbox.accounts(id).map((a) => a.id);
  console.log(`  ${id.padEnd(16)} ${sandbox.baseUrl(id)}  accounts: ${accounts.join(', ') || '(none)'}`);
}
console.log(`  control API      ${sandbox.url}/_control`);

if (process.argv.includes('--dev-vars')) {
  const { text } = workerDevVars(sandbox);
  await writeFile('.dev.vars', text, { mode: 0o600 });
  console.log('wrote .dev.vars: `npx wrangler dev` now runs the Worker against these simulators');
}

const stop = (): void => {
  sandbox.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
