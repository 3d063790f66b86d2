// Browser test of the web pages, driven by BrowserIT (./mvnw verify) against two real pods A and B:
// headless Debian chromium through playwright-core (no browser download). Prints one JSON line
// {"ok", "checks": {name: {"ok", "detail"}}, "consoleErrors": [...], "expectedNetworkErrors": [...], "screenshots": [...]} and exits 0 only when
// every check passed and no page logged a console error.
//
// env: POD_A, POD_B (base URLs), TOKEN (admin JWT), PRODUCT, OTHER, CATEGORY, SCREENSHOTS (folder),
//      CHROMIUM (default /usr/bin/chromium)
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) {
    throw new Error('missing environment variable ' + name);
  }
  return value;
};
const A = env('POD_A');
const B = env('POD_B');
const TOKEN = env('TOKEN');
const PRODUCT = env('PRODUCT');
const OTHER = env('OTHER');
const CATEGORY = env('CATEGORY');
const SHOTS = env('SCREENSHOTS');
const LIVE_DEADLINE_MS = 2000;

const checks = {};
const consoleErrors = [];
const expectedNetworkErrors = [];
const screenshots = [];
const check = (name, ok, detail) => { checks[name] = { ok: Boolean(ok), detail: String(detail ?? '') }; };

/** A write through the admin API of a pod, as another admin would make it. */
async function patchPrice(base, id, price, ifMatch) {
  const headers = { Authorization: 'Bearer ' + TOKEN, 'Content-Type': 'application/json' };
  if (ifMatch) {
    headers['If-Match'] = ifMatch;
  }
  const response = await fetch(base + '/admin/products/' + id + '/price', {
    method: 'PATCH', headers, body: '{"price":' + price + '}',
  });
  if (response.status !== 200) {
    throw new Error('PATCH ' + id + ' on ' + base + ': ' + response.status + ' ' + await response.text());
  }
  return response.json();
}

async function open(context, url, name) {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() !== 'error') {
      return;
    }
    // Chromium logs every 4xx answer to fetch() as a console error; the admin console's 412 is asked for (the
    // conflict test) and handled, so it is reported apart. Anything else counts.
    if (name === 'admin' && /status of 412 \(Precondition Failed\)/.test(m.text())) {
      expectedNetworkErrors.push(name + ': ' + m.text());
    } else {
      consoleErrors.push(name + ': ' + m.text());
    }
  });
  page.on('pageerror', (e) => consoleErrors.push(name + ': ' + e.message));
  await page.goto(url, { waitUntil: 'load' });
  return page;
}

async function shoot(page, name) {
  const path = join(SHOTS, name + '.png');
  await page.screenshot({ path, fullPage: true });
  screenshots.push(path);
}

const priceOf = (page) => page.locator('[data-product="' + PRODUCT + '"] [data-field="price"]').first().textContent();
const waitLive = (page) => page.waitForFunction(
  () => document.querySelector('[data-live-state]')?.textContent === 'live', null, { timeout: 15000 });

mkdirSync(SHOTS, { recursive: true });
const browser = await chromium.launch({
  executablePath: env('CHROMIUM', '/usr/bin/chromium'),
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });

  const home = await open(context, A + '/ui/', 'home');
  check('home lists the category', await home.locator('a[href="/ui/categories/' + CATEGORY + '"]').count() === 1, CATEGORY);
  await shoot(home, 'home');

  const category = await open(context, A + '/ui/categories/' + CATEGORY, 'category');
  await waitLive(category);
  check('category lists the product', await category.locator('[data-product="' + PRODUCT + '"]').count() === 1, PRODUCT);

  const dashboard = await open(context, A + '/ui/dashboard', 'dashboard');
  await waitLive(dashboard);

  // An open product page on pod A, a price written through pod B: the page shows it without a reload.
  const product = await open(context, A + '/ui/products/' + PRODUCT, 'product');
  await waitLive(product);
  const before = await priceOf(product);
  await product.evaluate(() => { window.__sameDocument = true; });
  const written = await patchPrice(B, PRODUCT, '23.45');
  const started = Date.now();
  let shown = false;
  try {
    await product.waitForFunction((id) => document.querySelector('[data-product="' + id + '"] [data-field="price"]')
      .textContent === '23.45', PRODUCT, { timeout: LIVE_DEADLINE_MS });
    shown = true;
  } catch (e) {
    shown = false;
  }
  const took = Date.now() - started;
  const sameDocument = await product.evaluate(() => window.__sameDocument === true);
  check('product page shows the price written through another pod within 2 s', shown && sameDocument,
    before + ' -> ' + (await priceOf(product)) + ' in ' + took + ' ms (version ' + written.version + '), same document: ' + sameDocument);
  check('the superseded price is gone from the product page', !(await product.content()).includes('>' + before + '<'), before);
  check('product page shows the new version', (await product.locator('[data-field="version"]').textContent()) === String(written.version), written.version);
  await shoot(product, 'product');

  await category.waitForFunction((id) => document.querySelector('[data-product="' + id + '"] [data-field="price"]')
    .textContent === '23.45', PRODUCT, { timeout: 5000 }).then(() => true, () => false)
    .then((ok) => check('category page shows the new price', ok, PRODUCT));
  await shoot(category, 'category');

  const row = dashboard.locator('#feed tr[data-change="' + PRODUCT + '"]').first();
  const rowShown = await row.waitFor({ timeout: 5000 }).then(() => true, () => false);
  const rowText = rowShown ? await row.textContent() : '';
  check('dashboard feed shows the change', rowShown && rowText.includes('23.45') && rowText.includes(String(written.version)), rowText);
  await dashboard.waitForFunction(() => document.getElementById('applied').textContent !== '–', null, { timeout: 5000 });
  await dashboard.waitForTimeout(1500); // a second poll, so that the charts have two points
  check('dashboard shows feed health', (await dashboard.locator('#feed-state').textContent()) === 'healthy',
    await dashboard.locator('#feed-state').textContent());
  const outbox = await dashboard.locator('#outbox').textContent();
  const answers = await dashboard.locator('#errors tr').count();
  check('dashboard shows the operational panels', outbox !== '–' && answers === 4
    && (await dashboard.locator('#checks-state').textContent()) !== '–', 'outbox ' + outbox + ', answer rows ' + answers);
  await shoot(dashboard, 'dashboard');

  // Admin console on pod A: a price change with If-Match, then a conflict (412) and its retry.
  const admin = await open(context, A + '/ui/admin', 'admin');
  await admin.fill('#token', TOKEN);
  await admin.click('#token-form button[type=submit]');
  check('the token is in session storage only', await admin.evaluate(() => sessionStorage.length === 1 && localStorage.length === 0
    && document.cookie === ''), 'sessionStorage');
  await admin.fill('#product-id', OTHER);
  await admin.click('#load-form button[type=submit]');
  await admin.locator('#price-form').waitFor({ state: 'visible' });
  await admin.fill('#new-price', '15.25');
  await admin.click('#price-form button[type=submit]');
  const saved = await admin.locator('#price-result .ok').waitFor({ timeout: 5000 }).then(() => admin.locator('#price-result').textContent(), () => '');
  check('admin console changes a price', saved.includes('15.25'), saved);

  await patchPrice(B, OTHER, '16.00'); // another admin, meanwhile
  await admin.fill('#new-price', '17.50');
  await admin.click('#price-form button[type=submit]');
  const conflict = await admin.locator('#price-result .conflict').waitFor({ timeout: 5000 })
    .then(() => admin.locator('#price-result').textContent(), () => admin.locator('#price-result').textContent());
  check('admin console shows a 412 conflict', conflict.includes('412') && conflict.includes('Precondition'), conflict);
  check('admin console shows the fresh price', (await admin.locator('[data-current-price]').textContent()) === '16.00',
    await admin.locator('#current').textContent());
  await shoot(admin, 'admin');
  await admin.click('#retry');
  const retried = await admin.locator('#price-result .ok').waitFor({ timeout: 5000 }).then(() => admin.locator('#price-result').textContent(), () => '');
  check('admin console retries on the fresh version', retried.includes('17.50'), retried);

  await admin.fill('#csv', 'id,price\n' + OTHER + ',18.00\nno-such-product,1.00');
  await admin.click('#batch-form button[type=submit]');
  const batch = await admin.locator('#batch-result table').waitFor({ timeout: 5000 }).then(() => admin.locator('#batch-result').textContent(), () => '');
  check('admin console sends a CSV batch', batch.includes('1 of 2 prices changed') && batch.includes('404'), batch);
  await admin.fill('#csv', 'not a csv line');
  await admin.click('#batch-form button[type=submit]');
  check('admin console renders a problem', (await admin.locator('#batch-result .problem').textContent()).includes('Bad CSV'), 'Bad CSV');

  // Small screens: no horizontal scrolling of the page itself.
  await product.setViewportSize({ width: 375, height: 700 });
  check('product page fits a phone screen', await product.evaluate(() => document.documentElement.scrollWidth <= 375),
    await product.evaluate(() => document.documentElement.scrollWidth));
  for (const page of context.pages()) {
    await page.close();
  }
} catch (e) {
  check('script', false, e.stack || e);
} finally {
  await browser.close();
}
const ok = Object.values(checks).every((c) => c.ok) && consoleErrors.length === 0;
console.log(JSON.stringify({ ok, checks, consoleErrors, expectedNetworkErrors, screenshots }));
process.exit(ok ? 0 : 1);
