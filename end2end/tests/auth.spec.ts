import { test, expect, hydrated, signInAs } from './fixtures';

test('sign in through the OIDC provider, land where you were, and sign out', async ({ page }) => {
  await page.goto('/products');
  await page.getByRole('link', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/login\?return_to=\/products$/);
  await page.getByRole('button', { name: 'Continue with Company SSO' }).click();
  // The provider redirects straight back; Agora verifies the ID token and starts a session.
  await expect(page).toHaveURL(/\/products$/);
  await expect(page.getByTestId('user-name')).toHaveText('Casey Jordan');
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'agora_session');
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Lax');

  await page.getByTestId('user-menu').locator('summary').click();
  await page.getByTestId('sign-out').click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  expect((await page.context().cookies()).find((c) => c.name === 'agora_session')).toBeUndefined();
});

test('administration is for admins; others are told they may not', async ({ page }) => {
  await signInAs(page, 'Consumer');
  const refused = await page.goto('/admin');
  expect(refused?.status()).toBe(403);
  await expect(page.getByRole('alert')).toContainText('you may not open the administration pages');

  await signInAs(page, 'Platform admin');
  await page.goto('/admin');
  await hydrated(page);
  await expect(page.locator('tr[data-domain="marketing"]')).toBeVisible();
  await page.locator('#domain-field-slug').fill('Bad Slug');
  await page.locator('#domain-field-name').fill('Product');
  await page.getByRole('button', { name: 'Create domain' }).click();
  await expect(page.locator('[data-field-error="slug"]').first()).toContainText('lowercase');
  await page.locator('#domain-field-slug').fill('product');
  await page.getByRole('button', { name: 'Create domain' }).click();
  await expect(page.locator('tr[data-domain="product"]')).toBeVisible();
});

test('a personal API token is shown once and can be revoked', async ({ page }) => {
  await signInAs(page, 'Domain owner');
  await page.goto('/settings/tokens');
  await hydrated(page);
  await page.getByLabel('Name').fill('nightly pipeline');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByTestId('new-token')).toContainText('agora_');
  const row = page.locator('tr[data-token="nightly pipeline"]');
  await expect(row).toHaveAttribute('data-state', 'active');
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toHaveAttribute('data-state', 'revoked');
});
