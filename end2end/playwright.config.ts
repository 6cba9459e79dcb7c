// Playwright drives Debian's Chromium against the real server, started here on a free port with a fresh
// SQLite database and the demo mesh. `make e2e` picks the port and builds the site first.
import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

const port = process.env.AGORA_E2E_PORT ?? '3100';
const baseURL = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, '..');
const binary = process.env.AGORA_E2E_BIN ?? path.join(root, 'target', 'debug', 'agora');
const database = process.env.AGORA_E2E_DB ?? path.join(os.tmpdir(), `agora-e2e-${port}.db`);

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
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
      },
    },
  ],
});
