import { test, hydrated, signInAs } from './fixtures';

// Every product tab, loaded fresh while signed in, hydrates without a mismatch (the fixture fails the test on
// any browser error). Guards the rule that no boundary or resource is created inside a resolved Suspend.
test('every product tab hydrates for a signed-in user', async ({ page }) => {
  test.setTimeout(120_000);
  await signInAs(page, 'Data steward');
  for (const product of ['/products/sales/customer-orders', '/products/marketing/campaign-performance']) {
    for (const tab of ['', '/schema', '/contract', '/quality', '/ports', '/versions']) {
      await page.goto(product + tab);
      await hydrated(page);
    }
  }
});
