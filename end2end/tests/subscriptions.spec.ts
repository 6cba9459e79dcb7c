import { test, expect, hydrated, signInAs } from './fixtures';

test('a consumer requests access, the owner approves, the consumer has it and is told', async ({ page }) => {
  await signInAs(page, 'Consumer');
  await page.goto('/products/marketing/campaign-performance');
  await page.getByTestId('subscribe').click();
  await expect(page).toHaveURL(/\/subscribe$/);
  await hydrated(page);
  const form = page.getByTestId('subscribe');
  await form.locator('#sub-port').selectOption({ label: 'Metrics API (API, manual approval)' });
  await form.locator('#sub-team').selectOption('cx-insights');
  await form.locator('#sub-purpose').fill('Complaints per campaign, for the monthly CX review');
  await form.getByRole('button', { name: 'Request access' }).click();
  await expect(form.locator('[data-field-error="accept_terms"]')).toContainText('accept the terms');
  await form.getByLabel('I accept the terms of use of this data contract').check();
  await form.getByRole('button', { name: 'Request access' }).click();
  await expect(page).toHaveURL(/\/subscriptions$/);
  const requested = page.locator('[data-status="requested"]', { hasText: 'Metrics API' });
  await expect(requested).toBeVisible();

  await signInAs(page, 'Domain owner');
  await expect(page.getByTestId('unread')).toBeVisible();
  await page.getByTestId('bell').click();
  await expect(page).toHaveURL(/\/inbox$/);
  await hydrated(page);
  const request = page.locator('[data-request]', { hasText: 'Complaints per campaign' });
  await request.getByRole('button', { name: 'Approve' }).click();
  await expect(request).toHaveCount(0);
  await expect(page.locator('[data-subscriber]', { hasText: 'Complaints per campaign' })).toBeVisible();

  await signInAs(page, 'Consumer');
  await page.goto('/subscriptions');
  const active = page.locator('[data-status="approved"]', { hasText: 'Metrics API' });
  await expect(active).toContainText('https://data.northwind.example/marketing/campaign-performance/v2');
  await page.goto('/inbox');
  await expect(page.locator('[data-notification="approved"]', { hasText: 'Campaign Performance (Metrics API)' })).toBeVisible();
});

test('an automatic port grants access at once', async ({ page }) => {
  await signInAs(page, 'Consumer');
  await page.goto('/products/sales/daily-revenue/subscribe');
  await hydrated(page);
  const form = page.getByTestId('subscribe');
  await form.locator('#sub-purpose').fill('Revenue next to ticket volume per channel');
  await form.getByLabel('I accept the terms of use of this data contract').check();
  await form.getByRole('button', { name: 'Request access' }).click();
  await expect(page).toHaveURL(/\/subscriptions$/);
  await expect(page.locator('[data-status="approved"]', { hasText: 'Daily Revenue' })).toBeVisible();
});

test('the expiry job reminds consumers before access ends', async ({ page }) => {
  await signInAs(page, 'Consumer');
  // The seeded Returns subscription ends in 10 days; the job (every second here) reminds 14 days ahead.
  await expect(async () => {
    await page.goto('/inbox');
    await expect(page.locator('[data-notification="expiring"]', { hasText: 'Returns' })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
});
