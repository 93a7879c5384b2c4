// Start script for the example CRM API, used by CI and by hand:
//   npx tsx providers/crm-customer-api/server.ts --port 8080 [--rename-customer-id]
// Env: PORT, CRM_RENAME_CUSTOMER_ID=1 (the breaking variant), CRM_API_TOKEN (require a bearer token),
// CRM_DISABLE_PROVIDER_STATES=1 (hide the state endpoint). Prints "listening on <url>" once ready.
import { parseArgs } from 'node:util';
import { startCrmApi } from './app';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'rename-customer-id': { type: 'boolean' },
    },
  });
  const port = Number(values.port ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`crm-customer-api: --port must be 0-65535, got ${values.port ?? process.env.PORT}\n`);
    process.exitCode = 2;
    return;
  }
  const rename =
    values['rename-customer-id'] === true ||
    process.env.CRM_RENAME_CUSTOMER_ID === '1' ||
    process.env.CRM_RENAME_CUSTOMER_ID === 'true';
  const api = await startCrmApi({
    port,
    host: values.host ?? '127.0.0.1',
    renameCustomerId: rename,
    ...(process.env.CRM_API_TOKEN ? { token: process.env.CRM_API_TOKEN } : {}),
    providerStates: process.env.CRM_DISABLE_PROVIDER_STATES !== '1',
  });
  process.stdout.write(
    `crm-customer-api listening on ${api.url}${rename ? ' (variant: customer.customerId renamed to customer.customer_id)' : ''}\n`,
  );
  const stop = () => {
    void api.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`crm-customer-api: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
