import * as path from 'node:path';
import { test, expect, hydrated } from './fixtures';

test('the marketplace lists the seeded data products and opens a product page', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/products');
  await expect(page).toHaveTitle('Marketplace · Agora');
  const cards = page.locator('article[data-product]');
  await expect(cards.first()).toBeVisible();
  expect(Number(await page.getByTestId('result-count').getAttribute('data-total'))).toBeGreaterThanOrEqual(30);
  await expect(cards).toHaveCount(24);
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

test('search as you type, narrow by two facets, and share the URL', async ({ page, browser }) => {
  await page.goto('/products');
  await hydrated(page);
  const count = page.getByTestId('result-count');
  const all = Number(await count.getAttribute('data-total'));
  await page.locator('#market-search').pressSequentially('custom', { delay: 40 });
  // The URL follows the box without a full reload; matched words are marked.
  await expect(page).toHaveURL(/[?&]q=custom/);
  await expect(count).toContainText('for “custom”');
  const found = Number(await count.getAttribute('data-total'));
  expect(found).toBeLessThan(all);
  await expect(page.locator('article[data-product] mark').first()).toBeVisible();
  await expect(page.locator('#market-search')).toBeFocused();

  await page.locator('[data-facet="domain"] a[data-value="sales"]').click();
  await expect(page).toHaveURL(/domain=sales/);
  await page.locator('[data-facet="pii"] a[data-value="yes"]').click();
  await expect(page).toHaveURL(/pii=yes/);
  const narrowed = Number(await count.getAttribute('data-total'));
  expect(narrowed).toBeGreaterThan(0);
  expect(narrowed).toBeLessThanOrEqual(found);
  const shown = await page.locator('article[data-product]').evaluateAll((els) => els.map((e) => e.getAttribute('data-product')));

  // A fresh page (another browser context) at the same URL shows the same results.
  const url = page.url();
  const fresh = await (await browser.newContext()).newPage();
  await fresh.goto(url);
  await expect(fresh.getByTestId('result-count')).toHaveAttribute('data-total', String(narrowed));
  expect(await fresh.locator('article[data-product]').evaluateAll((els) => els.map((e) => e.getAttribute('data-product')))).toEqual(shown);
  await fresh.close();

  // Back undoes the last facet.
  await page.goBack();
  await expect(page).not.toHaveURL(/pii=yes/);
  await expect(count).toHaveAttribute('data-total', /\d+/);
});

test('no results say so and offer a way out', async ({ page }) => {
  await page.goto('/products?q=revnue');
  await expect(page.getByTestId('no-results')).toBeVisible();
  await page.getByTestId('did-you-mean').click();
  await expect(page).toHaveURL(/q=revenue/);
  await expect(page.locator('article[data-product]').first()).toBeVisible();

  await page.goto('/products?q=orders&domain=people');
  await expect(page.getByTestId('no-results')).toBeVisible();
  await page.locator('[data-remove-facet="domain"]').click();
  await expect(page.locator('[data-product="customer-orders"]')).toBeVisible();
});

test('the header search and domain tiles lead to the marketplace through the URL', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await expect(page.getByTestId('most-subscribed').locator('article[data-product]').first()).toBeVisible();
  await expect(page.getByTestId('trusted')).toBeVisible();
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

test('the mesh map shows domains and consumption, and a node opens its product', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  await page.getByRole('link', { name: 'Mesh map' }).click();
  await expect(page).toHaveURL(/\/mesh$/);
  await page.screenshot({ path: path.join(__dirname, '..', '..', 'docs', 'mesh-map.png'), fullPage: true });
  const map = page.getByTestId('mesh-map');
  await expect(map).toBeVisible();
  expect(await map.locator('[data-group]').count()).toBeGreaterThanOrEqual(7);
  expect(await map.locator('[data-edge]').count()).toBeGreaterThan(0);
  await page.getByRole('link', { name: 'Finance', exact: true }).first().click();
  await expect(page).toHaveURL(/\/mesh\?domain=finance$/);
  await map.locator('[data-node="/products/finance/general-ledger"]').click();
  await expect(page).toHaveURL(/\/products\/finance\/general-ledger$/);
});
