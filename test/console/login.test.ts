// The console of a broker with users, in a real browser: it shows its login form (the API answers 401), refuses
// a wrong password with the broker's message, logs in through the form into a session cookie, shows a super user
// every topic and a user with one ACL only that topic (and the broker's refusal on a page it may not see), and
// logs out back to the form.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startBroker, type Broker } from '@klog/broker';
import { createClient } from '@klog/client';
import { launchBrowser, screenshotPath } from './browser.js';

const PASSWORD = 'correct horse battery staple';

let dataDir: string;
let broker: Broker;
let browser: Browser;
let base: string;
const pageProblems: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'klog-console-login-'));
  broker = await startBroker({ dataDir, host: '127.0.0.1', port: 0, httpPort: 0, logLevel: 'silent', superUsers: ['admin'] });
  base = `http://127.0.0.1:${broker.httpPort}`;
  const anonymous = createClient({ brokers: [`127.0.0.1:${broker.port}`] });
  await anonymous.admin().addUser('admin', PASSWORD); // the first user, from loopback, before there are users
  await anonymous.close();
  const admin = createClient({ brokers: [`127.0.0.1:${broker.port}`], sasl: { mechanism: 'scram-sha-256', username: 'admin', password: PASSWORD } });
  try {
    await admin.admin().addUser('viewer', PASSWORD);
    for (const t of ['orders', 'payments']) await admin.admin().createTopic(t);
    await admin.producer().send({ topic: 'orders', messages: [{ key: 'k1', value: 'first order' }] });
    await admin.admin().addAcl({ principal: 'User:viewer', operation: 'read', resourceType: 'topic', resourceName: 'orders', prefix: false, allow: true });
  } finally {
    await admin.close();
  }
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await broker?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => pageProblems.push(`script error: ${e.message}`));
  return { context, page };
}

async function logIn(page: Page, user: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function topicNames(page: Page): Promise<string[]> {
  await page.locator('.topic-table').waitFor({ timeout: 10_000 });
  const names = await page.locator('.topic-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-topic') ?? ''));
  return names.filter((n) => !n.startsWith('__'));
}

describe('the console of a broker with users', () => {
  it('shows the login form, refuses a wrong password, and lets a super user in to every topic; logout returns to the form', async () => {
    const { context, page } = await freshPage();
    try {
      await page.goto(`${base}/#/topics`);
      await page.getByRole('form', { name: 'Log in' }).waitFor({ timeout: 10_000 });
      await page.screenshot({ path: screenshotPath('login') });

      await logIn(page, 'admin', 'wrong password');
      await expect(page.getByRole('alert').textContent({ timeout: 10_000 })).resolves.toMatch(/Login refused.*401.*SASL_AUTHENTICATION_FAILED/s);
      expect(await page.getByLabel('Password').inputValue()).toBe('');

      await logIn(page, 'admin', PASSWORD);
      expect((await topicNames(page)).sort()).toEqual(['orders', 'payments']);
      // The session is an HttpOnly cookie: scripts on the page cannot read it.
      expect(await page.evaluate(() => document.cookie)).toBe('');
      expect((await context.cookies()).find((c) => c.name === 'klog_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      await page.screenshot({ path: screenshotPath('login-admin-topics') });

      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('form', { name: 'Log in' }).waitFor({ timeout: 10_000 });
      const after = await page.evaluate(async () => (await fetch('/api/v1/topics')).status);
      expect(after).toBe(401);
    } finally {
      await context.close();
    }
  });

  it('shows a user only what its ACLs allow', async () => {
    const { context, page } = await freshPage();
    try {
      await page.goto(`${base}/#/topics`);
      await logIn(page, 'viewer', PASSWORD);
      expect(await topicNames(page)).toEqual(['orders']);
      await page.screenshot({ path: screenshotPath('login-viewer-topics') });

      await page.goto(`${base}/#/topics/orders`);
      await expect(page.getByText('first order').first().textContent({ timeout: 10_000 })).resolves.toContain('first order');

      await page.goto(`${base}/#/topics/payments`);
      await expect(page.getByRole('alert').first().textContent({ timeout: 10_000 })).resolves.toMatch(/TOPIC_AUTHORIZATION_FAILED.*User:viewer is not authorized to describe topic payments/s);
    } finally {
      await context.close();
    }
    expect(pageProblems).toEqual([]);
  });
});
