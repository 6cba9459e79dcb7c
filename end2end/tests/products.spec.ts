import { test, expect, hydrated, signInAs } from './fixtures';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: marketing-campaign-reach
name: Campaign Reach
version: 1.0.0
status: active
schema:
  - name: reach
    physicalType: table
    properties:
      - name: campaign_id
        logicalType: string
        required: true
        description: Campaign key
      - name: people_reached
        logicalType: integer
        description: Distinct people who saw the campaign
slaProperties:
  - property: availability
    value: 99.5
    unit: percent
  - property: frequency
    value: 1
    unit: d
`;

test('a domain owner creates a product, imports a contract and publishes; a consumer sees it', async ({ page }) => {
  await signInAs(page, 'Domain owner');
  await page.goto('/products/new');
  await hydrated(page);
  await page.locator('#field-domain').selectOption('marketing');
  await page.locator('#field-owner_team').selectOption('marketing-analytics');
  await page.getByLabel('Name', { exact: true }).fill('Campaign Reach');
  await page.getByLabel('Summary').fill('Weekly reach and frequency per campaign.');
  await page.locator('#field-kind').selectOption('aggregate');
  await page.getByLabel('Tags').fill('campaigns, reach');
  await page
    .locator('#field-description')
    .fill('# Campaign Reach\n\n<img src=x onerror="window.__xss = 1">\n\n[harmless](javascript:window.__xss=2)\n\nReach per week.');
  await page.getByRole('button', { name: 'Create draft' }).click();
  await expect(page).toHaveURL(/\/products\/marketing\/campaign-reach\/edit$/);
  await hydrated(page);

  const addPort = page.getByTestId('add-port');
  await addPort.getByLabel('Port id').fill('warehouse');
  await addPort.getByLabel('Name').fill('Snowflake table');
  await addPort.getByLabel('Location').fill('NORTHWIND.MARKETING.CAMPAIGN_REACH');
  await addPort.getByRole('button', { name: 'Add port' }).click();
  await expect(page.locator('[data-edit-port="warehouse"]')).toBeVisible();

  // A broken contract names the line, the path and the rule, and changes nothing.
  await page.locator('#field-yaml').fill(CONTRACT.replace('logicalType: integer', 'logicalType: count'));
  await page.getByRole('button', { name: 'Import contract' }).click();
  await expect(page.getByTestId('import-errors')).toContainText('schema[0].properties[1].logicalType: line 16: must be one of');
  await page.locator('#field-yaml').fill(CONTRACT);
  await page.getByRole('button', { name: 'Import contract' }).click();
  await expect(page.getByTestId('import-result')).toHaveText('Contract marketing-campaign-reach created.');

  const publish = page.getByTestId('publish');
  await publish.getByLabel('Version').fill('1.0.0');
  await publish.getByLabel('Change summary').fill('First release');
  await publish.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByTestId('product-version')).toHaveText('v1.0.0');

  await signInAs(page, 'Consumer');
  await page.goto('/products/marketing/campaign-reach');
  await hydrated(page);
  await expect(page.getByTestId('product-version')).toHaveText('v1.0.0');
  await expect(page.locator('.prose h1')).toHaveText('Campaign Reach');
  // The XSS attempt is gone: no handler, no javascript: link, nothing ran.
  await expect(page.locator('.prose img[onerror]')).toHaveCount(0);
  await expect(page.locator('.prose a[href^="javascript:"]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await page.locator('[data-tab="Contract & SLA"]').click();
  await expect(page.locator('[data-sla="availability"]')).toContainText('99.5 %');
  await expect(page.locator('[data-sla="frequency"]')).toContainText('daily');
  await page.locator('[data-tab="Versions"]').click();
  await expect(page.locator('[data-version="1.0.0"]')).toContainText('First release');
  await expect(page.locator('[data-tab="Edit"]')).toHaveCount(0);
});

test('the schema tab filters 1 of many columns as you type', async ({ page }) => {
  await page.goto('/products/sales/customer-orders/schema');
  await hydrated(page);
  await expect(page.locator('[data-column="order_id"]')).toBeVisible();
  await page.getByTestId('schema-filter').fill('email');
  await expect(page.locator('[data-column="customer_email"]')).toBeVisible();
  await expect(page.locator('[data-column="order_id"]')).toBeHidden();
});
