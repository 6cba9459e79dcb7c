import { test, expect, hydrated, signInAs } from './fixtures';

test('a steward finds the weakest domain, drills into it and approves a waiver', async ({ page }) => {
  await signInAs(page, 'Data steward');
  await page.getByRole('link', { name: 'Governance' }).click();
  await expect(page).toHaveURL(/\/governance$/);
  const score = Number(await page.getByTestId('mesh-score').textContent());
  expect(score).toBeGreaterThan(0);
  expect(score).toBeLessThanOrEqual(100);
  await expect(page.getByTestId('heatmap')).toBeVisible();
  await expect(page.getByTestId('trend-chart')).toBeVisible();

  // Domains are listed worst first: open the first one.
  const weakest = page.locator('[data-domain]').first();
  const name = (await weakest.locator('a').textContent())!.trim();
  await weakest.locator('a').click();
  await expect(page).toHaveURL(/\/governance\/domains\//);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
  await expect(page.getByTestId('domain-matrix').locator('[data-outcome="fail"]').first()).toBeVisible();

  // The Marketing team asked to be excused from the support-channel policy for Customer Segments.
  await page.goto('/governance/waivers');
  await hydrated(page);
  const request = page.locator('[data-waiver][data-status="requested"]', { hasText: 'Customer Segments' });
  await request.getByPlaceholder('Note to the team').fill('Until the new support desk opens');
  await request.getByRole('button', { name: 'Approve waiver' }).click();
  await expect(page.locator('[data-waiver][data-status="approved"]', { hasText: 'Customer Segments' })).toBeVisible();

  // The product page now shows the check as waived.
  await page.goto('/products/marketing/customer-segments');
  await expect(page.getByTestId('compliance').locator('[data-check="support"]')).toHaveAttribute('data-outcome', 'waived');
});

test('a consumer cannot open the waiver review queue', async ({ page }) => {
  await signInAs(page, 'Consumer');
  const response = await page.goto('/governance/waivers');
  expect(response!.status()).toBe(403);
  await expect(page.getByRole('alert')).toContainText('stewards only');
});

test('a product owner sees failing checks with fixes and asks for a waiver', async ({ page }) => {
  await signInAs(page, 'Domain owner');
  await page.goto('/products/marketing/marketing-attribution');
  await hydrated(page);
  const panel = page.getByTestId('compliance');
  await expect(panel).toBeVisible();
  const failing = panel.locator('[data-outcome="fail"]').first();
  await expect(failing).toContainText('Fix:');
  await failing.getByText('Request a waiver').click();
  await failing.locator('textarea[name="justification"]').fill('Being migrated to the new warehouse this quarter');
  await failing.getByRole('button', { name: 'Ask the stewards' }).click();
  await expect(panel.getByTestId('waiver-requested')).toBeVisible();

  await signInAs(page, 'Data steward');
  await page.goto('/governance/waivers');
  await expect(page.locator('[data-waiver][data-status="requested"]', { hasText: 'Being migrated' })).toBeVisible();
});
