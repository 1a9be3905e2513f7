// The web console in a real browser against a real broker: each page shows the broker's own numbers, records
// are found by key and by timestamp, the produce form and the live tail work end to end, a group's offsets
// are reset (with its dry run and typed confirmation) or, while a member is live, refused, its lag is charted from
// the event stream, and a queue shows its counts and re-drives its dead letter.
// Screenshots of every page go to test/.output/console/ (and, with KLOG_README_SCREENSHOTS=1, to docs/images/).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startBroker, type Broker } from '@klog/broker';
import { createClient, type Client, type Producer, type Queue } from '@klog/client';
import { startMember, type Member } from '../broker/group-fixture.js';
import { waitUntil } from '../broker/fixture.js';
import { launchBrowser, screenshotPath } from './browser.js';

const RECORDS = 1_234;
/** Record i of `orders` was made at T0 + i seconds: a timestamp search has known answers. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 3 * 3_600_000;
const README_IMAGES = fileURLToPath(new URL('../../docs/images/', import.meta.url));

let dataDir: string;
let broker: Broker;
let client: Client;
let browser: Browser;
let page: Page;
let base: string;
let audit: Member;
let traffic: { stop: () => Promise<void> };
/** A member of the `fulfilment` queue holding one record in flight. */
let worker: Queue;
/** Script errors and anything the broker's Content-Security-Policy blocked, from every page the tests open. */
const pageProblems: string[] = [];

/** Steady produce traffic on `clicks` (which the live `audit` member consumes) so that the rate chart moves. */
function startTraffic(producer: Producer): { stop: () => Promise<void> } {
  let running = true;
  const done = (async () => {
    for (let n = 0; running; n++) {
      await producer.send({ topic: 'clicks', messages: Array.from({ length: Math.round(120 + 100 * Math.sin(n / 20)) }, (_, i) => ({ value: `click ${n}.${i} `.repeat(8) })) });
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { stop: async () => { running = false; await done; } };
}

function watchForProblems(p: Page): void {
  p.on('pageerror', (e) => pageProblems.push(`script error: ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) pageProblems.push(m.text());
  });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(name) });
  if (process.env.KLOG_README_SCREENSHOTS === '1') copyFileSync(screenshotPath(name), join(README_IMAGES, `console-${name}.png`));
}

async function open(hash: string): Promise<void> {
  await page.goto(`${base}/${hash}`);
}

/** The text of the first element matching `selector`, once it exists. */
async function text(selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent({ timeout: 10_000 })) ?? '';
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'klog-console-test-'));
  broker = await startBroker({ dataDir, host: '127.0.0.1', port: 0, httpPort: 0, logLevel: 'silent' });
  base = `http://127.0.0.1:${broker.httpPort}`;
  client = createClient({ brokers: [`127.0.0.1:${broker.port}`], clientId: 'console-test' });
  const admin = client.admin();
  await admin.createTopic('orders', { partitions: 3 });
  await admin.createTopic('clicks', { partitions: 2 });
  const producer = client.producer({ lingerMs: 2 });
  await producer.send({
    topic: 'orders',
    messages: Array.from({ length: RECORDS }, (_, i) => ({
      key: `order-${i}`,
      value: JSON.stringify({ order: i, item: ['widget', 'gadget', 'gizmo'][i % 3], qty: 1 + (i % 7) }),
      timestamp: T0 + i * 1000,
      headers: i % 4 === 0 ? [{ key: 'source', value: 'checkout' }] : [],
    })),
  });
  // a group with committed offsets and no members: caught up, and free to be reset
  await admin.resetOffsets('billing', 'orders', 'latest');
  // a group with a live member: its offsets may not be moved
  audit = await startMember(client, 'audit', { topics: ['clicks'] });
  await waitUntil(() => audit.consumer.assignmentOfGroup().length === 2, 'the audit member owns both partitions of clicks');
  // a queue with ready, in-flight and dead records: 12 jobs, one accepted, one rejected (dead), one held
  await admin.createTopic('jobs', { partitions: 2 });
  await producer.send({ topic: 'jobs', messages: Array.from({ length: 12 }, (_, i) => ({ key: `job-${i}`, value: `job ${i}` })) });
  worker = client.queue({ name: 'fulfilment', topics: ['jobs'], start: 'earliest', deadLetterTopic: 'jobs.dlq', lockMs: 600_000 });
  const taken = [];
  while (taken.length < 3) taken.push(...await worker.receive({ max: 3 - taken.length, maxWaitMs: 5_000 }));
  await taken[0].accept();
  await taken[1].reject('out of stock');
  traffic = startTraffic(producer);
  browser = await launchBrowser();
  console.log(`console test: ${browser.version()} at ${base}`);
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  watchForProblems(page);
});

afterAll(async () => {
  await traffic?.stop();
  await browser?.close();
  await worker?.close();
  await audit?.consumer.close();
  await client?.close();
  await broker?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('web console', () => {
  it('overview: the broker, its listeners, and live produce and consume rates', async () => {
    await open('#/overview');
    expect(await text('[data-stat=topics] .stat-value')).toBe('6'); // orders, clicks, jobs, jobs.dlq and the internal __consumer_offsets and __share_group_state
    expect(await text('[data-stat=groups] .stat-value')).toBe('2');
    expect(await text('.facts')).toContain(`127.0.0.1:${broker.port}`);
    expect(await text('.facts')).toContain(dataDir);
    // two samples make a rate; wait for traffic in both directions, then a few seconds of chart
    await expect.poll(() => text('[data-stat=produce-rate] .stat-value'), { timeout: 10_000 }).not.toMatch(/^0(\.0)? rec/);
    await expect.poll(() => text('[data-stat=consume-rate] .stat-value'), { timeout: 10_000 }).not.toMatch(/^0(\.0)? rec/);
    await page.waitForTimeout(14_000); // some seconds of chart for the screenshot
    await shot('overview');
    await traffic.stop();
  });

  it('topics: partitions and records of each topic', async () => {
    await open('#/topics');
    const row = page.locator('tr[data-topic=orders]');
    expect(await row.locator('td').nth(1).textContent()).toBe('3');
    expect(await row.locator('[data-col=records]').textContent()).toBe('1,234');
    await shot('topics');

    await open('#/topics/no-such-topic');
    expect(await page.getByRole('alert').textContent()).toMatch(/Loading the topic failed.*HTTP 404 UNKNOWN_TOPIC/s);
  });

  it('topic: partitions, settings, and records found by key and by timestamp', async () => {
    await open('#/topics/orders');
    await page.locator('.partition-table').waitFor();
    expect(await page.locator('.panel h2').first().textContent()).toContain('1,234 records');
    expect(await page.locator('.partition-table tbody tr').count()).toBe(3);
    expect(await text('.config-table')).toContain('default');

    await page.locator('input[name=key]').fill('order-777');
    await page.locator('#messages button[type=submit]').click();
    await expect.poll(() => page.locator('#messages tbody tr').count()).toBe(1);
    expect(await text('#messages tbody td.key')).toBe('order-777');
    expect(await text('#messages tbody td.value')).toContain('"order":777');

    // from an instant, over all partitions: the first record of each partition at or after it
    await page.locator('input[name=key]').fill('');
    await page.locator('select[name=from]').selectOption('timestamp');
    await page.locator('input[name=timestamp]').fill(String(T0 + 1_000 * 1_000));
    await page.locator('select[name=limit]').selectOption('20');
    await page.locator('#messages button[type=submit]').click();
    await expect.poll(() => page.locator('#messages tbody td.key').allTextContents()).toContain('order-1000');
    const keys = await page.locator('#messages tbody td.key').allTextContents();
    expect(keys.every((k) => Number(k.replace('order-', '')) >= 1_000)).toBe(true);
    expect(await text('.search-status')).toContain('20 shown');

    await page.locator('#messages').getByRole('radio', { name: 'JSON' }).check({ force: true });
    await shot('topic');
  });

  it('consumer groups: lag per group, and a reset of offsets with a dry run and a typed confirmation', async () => {
    await open('#/groups');
    expect(await text('tr[data-group=billing] [data-col=lag]')).toBe('0');
    expect(await page.locator('tr[data-group=audit] td').nth(2).textContent()).toBe('1');
    await shot('groups');

    await open('#/groups/billing');
    expect(await text('[data-stat=lag]')).toBe('0');
    await page.locator('select[name=reset-to]').selectOption('earliest');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.locator('.reset-table tbody tr').count()).toBe(3);
    expect(await page.locator('.reset-table tbody tr td:nth-child(4)').allTextContents()).toEqual(['0', '0', '0']);
    const apply = page.getByRole('button', { name: 'Apply reset' });
    expect(await apply.isDisabled()).toBe(true);
    await page.locator('input[name=confirm-group]').fill('billin');
    expect(await apply.isDisabled()).toBe(true);
    await page.locator('input[name=confirm-group]').fill('billing');
    await page.evaluate(() => scrollTo(0, 0));
    await shot('group');
    await apply.click();
    await expect.poll(() => text('[data-stat=lag]')).toBe('1,234');
    await open('#/groups');
    expect(await text('tr[data-group=billing] [data-col=lag]')).toBe('1,234');
  });

  it('consumer groups: the lag chart is drawn from the event stream and its latest figure is the API\'s lag', async () => {
    await open('#/groups/billing');
    const chart = page.locator('#lag-chart');
    await expect.poll(() => chart.getAttribute('data-points'), { timeout: 15_000 }).toMatch(/^([3-9]|\d\d+)$/);
    const { groups } = await (await fetch(`${base}/api/v1/groups`)).json();
    const lagSum = groups.find((g: { groupId: string }) => g.groupId === 'billing').lagSum;
    expect(lagSum).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-stat=live-lag]').getAttribute('data-lag')).toBe(String(lagSum));
    // drawn: the plot's canvas has painted pixels, not only a blank element
    const painted = await chart.locator('canvas').first().evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(100);
  });

  it('consumer groups: the refusal while a member is live is shown', async () => {
    await open('#/groups/audit');
    expect(await text('[data-stat=members]')).toBe('1');
    await page.getByRole('button', { name: 'Preview' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/live members.*HTTP 409 NON_EMPTY_GROUP/s);
  });

  it('queues: ready, in-flight and dead records per queue and partition, and a re-drive of the dead letter', async () => {
    await waitUntil(async () => {
      const dlq = await (await fetch(`${base}/api/v1/topics/jobs.dlq`)).json();
      return dlq.partitions?.some((p: { logEndOffset: number }) => p.logEndOffset > 0);
    }, 'the dead letter is written');
    await open('#/queues');
    expect(await text('tr[data-queue=fulfilment] [data-col=ready]')).toBe('9');
    expect(await text('tr[data-queue=fulfilment] [data-col=in-flight]')).toBe('1');
    expect(await text('tr[data-queue=fulfilment] [data-col=dead]')).toBe('1');
    await shot('queues');

    await open('#/queues/fulfilment');
    expect(await text('[data-stat=ready]')).toBe('9');
    expect(await text('[data-stat=members]')).toBe('1');
    const api = await (await fetch(`${base}/api/v1/queues/fulfilment`)).json();
    for (const p of api.partitions) {
      expect(await text(`tr[data-partition="jobs:${p.partition}"] [data-col=ready]`)).toBe(String(p.ready));
      expect(await text(`tr[data-partition="jobs:${p.partition}"] [data-col=dead]`)).toBe(String(p.archived));
    }
    expect(await page.locator(`tr[data-member="${worker.memberId}"]`).count()).toBe(1);
    await page.getByRole('button', { name: 'Re-drive dead letters' }).click();
    await page.getByRole('button', { name: 'Re-drive', exact: true }).click();
    await expect.poll(() => page.locator('[data-moved]').getAttribute('data-moved', { timeout: 10_000 })).toBe('1');
    await expect.poll(() => text('[data-stat=ready]')).toBe('10');
    await page.evaluate(() => scrollTo(0, 0));
    await shot('queue');
  });

  it('produce: the form produces a record, which the topic then shows', async () => {
    await open('#/produce?topic=orders');
    await page.locator('input[name=key]').fill('from-console');
    await page.locator('textarea[name=value]').fill('{"hello":"console"}');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header 1 name').fill('trace-id');
    await page.getByLabel('Header 1 value').fill('abc-123');
    await page.getByRole('button', { name: 'Produce', exact: true }).click();
    const done = page.locator('[data-produced]');
    await done.waitFor();
    const [partition, offset] = (await done.getAttribute('data-produced'))!.split(':').map(Number);
    const stored = await client.admin().fetchOffsets('orders', 'latest');
    expect(stored.find((p) => p.partition === partition)?.offset).toBe(offset + 1);
    await shot('produce');

    await done.getByRole('link', { name: 'Show it' }).click();
    await expect.poll(() => page.locator('#messages tbody td.key').first().textContent()).toBe('from-console');
    expect(await text('#messages tbody tr')).toContain('trace-id: abc-123');
  });

  it('live tail: records produced by a client appear, newest on top', async () => {
    await open('#/topics/orders');
    await page.getByRole('switch').check();
    await expect.poll(() => page.locator('[data-tail-state]').getAttribute('data-tail-state')).toBe('live');
    const producer = client.producer();
    await producer.send({ topic: 'orders', messages: [{ key: 'tailed-1', value: 'first' }] });
    await expect.poll(() => page.locator('#tail tbody td.key').allTextContents()).toEqual(['tailed-1']);
    await producer.send({ topic: 'orders', messages: [{ key: 'tailed-2', value: 'second' }] });
    await expect.poll(() => page.locator('#tail tbody td.key').allTextContents()).toEqual(['tailed-2', 'tailed-1']);
    await producer.close();
  });

  it('narrow window, dark mode: nothing overflows the page sideways', async () => {
    const narrow = await browser.newPage({ viewport: { width: 420, height: 800 }, colorScheme: 'dark' });
    watchForProblems(narrow);
    try {
      const pages = { '#/overview': '.facts', '#/topics/orders': '#messages tbody tr', '#/produce': '.produce-form', '#/groups/billing': '.offset-table',
        '#/queues': '.queue-table', '#/queues/fulfilment': '.queue-partition-table' };
      for (const [hash, content] of Object.entries(pages)) {
        await narrow.goto(`${base}/${hash}`);
        await narrow.locator(content).first().waitFor();
        expect(await narrow.evaluate(() => document.documentElement.scrollWidth), hash).toBeLessThanOrEqual(420);
      }
      await narrow.screenshot({ path: screenshotPath('narrow-dark'), fullPage: true });
    } finally {
      await narrow.close();
    }
  });

  it('read-only broker: the console offers no changes', async () => {
    const roDir = mkdtempSync(join(tmpdir(), 'klog-console-test-'));
    const ro = await startBroker({ dataDir: roDir, host: '127.0.0.1', port: 0, httpPort: 0, consoleReadOnly: true, logLevel: 'silent' });
    const p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    watchForProblems(p);
    const roClient = createClient({ brokers: [`127.0.0.1:${ro.port}`], clientId: 'console-test-ro' });
    try {
      await roClient.admin().createTopic('tasks');
      await roClient.admin().createQueue({ name: 'inbox', topics: ['tasks'], deadLetterTopic: 'tasks.dlq' });
      await p.goto(`http://127.0.0.1:${ro.httpPort}/#/overview`);
      expect(await p.locator('.nav-meta').textContent()).toContain('read-only');
      expect(await p.locator('.nav nav a').allTextContents()).toEqual(['Overview', 'Topics', 'Consumer groups', 'Queues']);
      await p.goto(`http://127.0.0.1:${ro.httpPort}/#/produce`);
      expect(await p.locator('main .notice').textContent()).toContain('read-only');
      await p.goto(`http://127.0.0.1:${ro.httpPort}/#/queues/inbox`);
      await p.locator('[data-stat=ready]').waitFor();
      expect(await p.getByRole('button', { name: 'Re-drive dead letters' }).count()).toBe(0);
    } finally {
      await roClient.close();
      await p.close();
      await ro.close();
      rmSync(roDir, { recursive: true, force: true });
    }
  });

  it('no page threw, and the broker\'s Content-Security-Policy blocked nothing the console needs', () => {
    expect(pageProblems).toEqual([]);
  });
});
