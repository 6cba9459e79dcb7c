import * as path from 'node:path';
import { test, expect, hydrated } from './fixtures';

test('the marketplace lists the seeded data products and opens a product page', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/products');
  await expect(page).toHaveTitle('Marketplace · Agora');
  const cards = page.locator('article[data-product]');
  await expect(cards.first()).toBeVisible();
  expect(await cards.count()).toBeGreaterThanOrEqual(30);
  await expect(page.locator('[data-product="customer-orders"]')).toContainText('Sales Operations');
  // Styled by the Tailwind build: cards have a white background and rounded corners.
  const card = page.locator('[data-product="customer-orders"]');
  await expect(card).toHaveCSS('background-color', 'rgb(255, 255, 255)');
  await hydrated(page);
  await page.screenshot({ path: path.join(__dirname, '..', '..', 'docs', 'marketplace.png') });

  await page.locator('[data-product="customer-orders"] h3 a').click();
  await expect(page).toHaveURL(/\/products\/sales\/customer-orders$/);
  await expect(page).toHaveTitle('Customer Orders · Agora');
  await expect(page.locator('.prose h1')).toHaveText('Customer Orders');
  await expect(page.locator('[data-port="events"]')).toContainText('kafka://events.prod/sales.order-events.v4');
  await expect(page.getByText('Marcus Bell')).toBeVisible();
});

test('the quick filter narrows the cards in place once the page is hydrated', async ({ page }) => {
  await page.goto('/products');
  await hydrated(page);
  const count = page.getByTestId('result-count');
  await expect(count).toHaveText(/^\d+ data products$/);
  await page.getByTestId('quick-filter').fill('ledger');
  await expect(page.locator('[data-product="general-ledger"]')).toBeVisible();
  await expect(page.locator('[data-product="customer-orders"]')).toBeHidden();
  await expect(count).toHaveText(/^1 of \d+ data products$/);
  await page.getByTestId('quick-filter').fill('');
  await expect(page.locator('[data-product="customer-orders"]')).toBeVisible();
});

test('domain chips and the header search narrow the marketplace through the URL', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.locator('#site-search').fill('forecast');
  await page.locator('#site-search').press('Enter');
  await expect(page).toHaveURL(/\/products\?q=forecast/);
  await expect(page.locator('[data-product="sales-forecast"]')).toBeVisible();
  await expect(page.locator('[data-product="general-ledger"]')).toHaveCount(0);

  await page.goto('/products?domain=finance');
  await expect(page.locator('[data-product="general-ledger"]')).toBeVisible();
  await expect(page.locator('[data-product="customer-orders"]')).toHaveCount(0);
});

test('an unknown product shows the not-found page', async ({ page }) => {
  const response = await page.goto('/products/sales/does-not-exist');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
});
