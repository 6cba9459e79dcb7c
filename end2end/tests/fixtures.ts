// Shared test set-up: fail any test whose page logs an error or throws (a wasm panic shows up here).
import { test as base, expect, Page } from '@playwright/test';

export const test = base.extend<{ errors: string[] }>({
  errors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        // Expected refusals (404, 403, 422...) are logged by Chromium as failed loads; only 5xx count.
        const expectedRefusal = /Failed to load resource: the server responded with a status of 4\d\d/.test(m.text());
        if (m.type() === 'error' && !expectedRefusal) errors.push(`console: ${m.text()}`);
      });
      await use(errors);
      expect(errors, 'errors in the browser').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the wasm has hydrated the server-rendered page. */
export async function hydrated(page: Page) {
  // The debug wasm is large; on a busy two-core machine compiling it can take several seconds.
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
}

/** Signs in as one of the demo personas from /login (by role label, e.g. "Data steward"). */
export async function signInAs(page: Page, role: string) {
  await page.goto('/login');
  await page.locator(`button[data-persona="${role}"]`).click();
  await expect(page.getByTestId('user-menu')).toBeVisible();
}
