import { test, expect } from './fixtures';

// Chromium drops tabs and newlines from a Location before resolving it, so `Location: /<TAB>/evil.example`
// once took a signed-in browser to http://evil.example/ (issue 14). Agora now answers with `/` instead.
const tabbed = `/login?return_to=${encodeURIComponent('/\t/evil.example')}`;

test.beforeEach(async ({ context }) => {
  // Should the browser still head for evil.example, it finds nothing there instead of waiting on DNS.
  await context.route((url) => url.hostname.endsWith('evil.example'), (route) => route.abort());
});

test('signing in through the provider with a tab in return_to stays on Agora', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  await page.goto(tabbed);
  await page.getByRole('button', { name: 'Continue with Company SSO' }).click();
  await expect(page).toHaveURL((url) => url.origin === origin && url.pathname === '/');
  await expect(page.getByTestId('user-menu')).toBeVisible();
  expect(new URL(page.url()).origin).toBe(origin);
});

test('demo sign-in with a tab in return_to stays on Agora', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  await page.goto(tabbed);
  await page.locator('button[data-persona="Consumer"]').click();
  await expect(page).toHaveURL((url) => url.origin === origin && url.pathname === '/');
  await expect(page.getByTestId('user-menu')).toBeVisible();
  expect(new URL(page.url()).origin).toBe(origin);
});
