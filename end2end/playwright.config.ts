// Playwright drives Debian's Chromium against the real server, started here on a free port with a fresh
// SQLite database and the demo mesh. `make e2e` picks the port and builds the site first.
import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

const port = process.env.AGORA_E2E_PORT ?? '3100';
const oidcPort = process.env.AGORA_E2E_OIDC_PORT ?? '3190';
const issuer = `http://127.0.0.1:${oidcPort}`;
const baseURL = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, '..');
const binary = process.env.AGORA_E2E_BIN ?? path.join(root, 'target', 'debug', 'agora');
const database = process.env.AGORA_E2E_DB ?? path.join(os.tmpdir(), `agora-e2e-${port}.db`);

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: [
    {
      // A real OAuth2/OIDC server (npm oauth2-mock-server), offered on /login as "Company SSO".
      command: `node "${path.join(__dirname, 'oidc', 'server.mjs')}" ${oidcPort}`,
      url: `${issuer}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `rm -f "${database}" "${database}-wal" "${database}-shm" && "${binary}" seed && exec "${binary}" serve`,
      url: `${baseURL}/readyz`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        DATABASE_URL: `sqlite://${database}`,
        AGORA_ADDR: `127.0.0.1:${port}`,
        LEPTOS_SITE_ROOT: path.join(root, 'target', 'site'),
        RUST_LOG: 'warn',
        AGORA_AUTH_PROVIDERS: 'sso',
        AGORA_AUTH_SSO_ISSUER: issuer,
        AGORA_AUTH_SSO_CLIENT_ID: 'agora-e2e',
        AGORA_AUTH_SSO_LABEL: 'Company SSO',
        // The personas stay available for journeys that need a given role.
        AGORA_DEMO_LOGIN: 'true',
        // Expiry and reminders run every second, so a journey can see the job's effect.
        AGORA_JOB_INTERVAL_SECONDS: '1',
        // The journeys sign in many times from one address.
        AGORA_SIGNIN_RATE_LIMIT_PER_MINUTE: '1000',
        // Parallel journeys browse anonymously from one address too.
        AGORA_ANON_RATE_LIMIT_PER_SECOND: '0',
      },
    },
  ],
});
