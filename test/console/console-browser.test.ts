import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoBot, type DemoBot } from '../demo/start-demo-bot.js';
import { launchChromium } from './launch-chromium.js';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

/** The console in a real browser against the real bot in local mode and the real demo app. */
describe('local web console in headless Chromium', () => {
  let env: DemoBot;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    env = await startDemoBot('console-browser', (demo) => ({
      // A service whose verification hangs (an interruptible step), so there is a running rollback to cancel.
      slow: {
        name: 'slow',
        environment: 'staging',
        channel: '#slow',
        strategy: 'git',
        git: { path: demo.appDir, restart: [process.execPath, '--version'] },
        verify: {
          smoke: { command: [process.execPath, '-e', 'setTimeout(() => {}, 60000)'], timeout: '2m' },
        },
      },
      // The demo app again, behind the two-person rule: one approval by someone other than the requester.
      gated: { ...demo.service, name: 'gated', environment: 'production', approval: { required: 1 } },
    }));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    await mkdir(ARTIFACTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  }, 60_000);

  it('rolls the demo back from a typed command, updating the status message live without a reload', async () => {
    await page.goto(env.url);
    await expect.poll(() => page.textContent('#live')).toBe('live');
    await page.fill('#me', 'Alice');
    // Set on this document only: a reload would lose it.
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    await page.fill('#command', 'demo v0.7.0 --reason "5xx on checkout after the v0.8.0 deploy"');
    await page.press('#command', 'Enter');

    const plan = page.locator('article.ephemeral[data-reply="plan"]');
    await plan.waitFor();
    expect(await plan.textContent()).toContain('Only visible to you');
    expect(await plan.locator('h2').textContent()).toBe('Rollback plan for demo (demo)');
    expect(await plan.locator('.actions-list').textContent()).toMatch(
      /git -C \S+ checkout --detach [0-9a-f]{40} --/,
    );

    const card = page.locator('article.status-card');
    await card.waitFor();
    const firstState = await card.getAttribute('data-state');
    expect(['queued', 'running', 'succeeded']).toContain(firstState);
    await page.waitForSelector('article.status-card[data-state="succeeded"]', { timeout: 30_000 });

    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(
      true,
    );
    expect(await card.count()).toBe(1);
    expect(await card.locator('[data-testid="outcome"]').textContent()).toMatch(
      /^Rolled back demo from v0\.8\.0 \([0-9a-f]{7}\) to v0\.7\.0 \([0-9a-f]{7}\) in \d+ s\.$/,
    );
    expect(await card.locator('.facts').textContent()).toContain('Alice via console');
    const steps = await card.locator('.step').evaluateAll((items) => items.map((li) => li.className));
    expect(steps).toEqual(Array(steps.length).fill('step step-done'));
    // The thread: what each step saw (the smoke test compares /health with the checked-out VERSION), then checklists.
    const thread = card.locator('details.thread');
    expect(await thread.textContent()).toMatch(/answers v0\.7\.0, the version checked out \(v0\.7\.0\)/);
    expect(await thread.locator('.checklist').count()).toBeGreaterThan(0);
    // Fitted to the demo (git, no systemd unit): its work tree, drawn as code; no systemctl line, no counter.
    const checks = (await thread.locator('.checklist').allTextContents()).join('\n');
    expect(checks).not.toMatch(/systemctl|<service>|\d+\/\d+ done|`/);
    expect(await thread.locator('.checklist code').allTextContents()).toContain(
      `git -C ${env.demo.appDir} describe --tags --always`,
    );

    // It really happened: the work tree is at v0.7.0 and the restarted process answers v0.7.0.
    const health = (await (await fetch(env.demo.healthUrl)).json()) as { version: string };
    expect(health.version).toBe('v0.7.0');
    const tag = await execa('git', ['-C', env.demo.appDir, 'describe', '--tags', '--exact-match', 'HEAD']);
    expect(tag.stdout).toBe('v0.7.0');

    await thread.evaluate((el) => el.setAttribute('open', ''));
    await card.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 64));
    await page.screenshot({ path: join(ARTIFACTS, 'console-rollback.png') });
  });

  it('ticks a checklist item with a click: the card is redrawn live with who ticked it, and the tick is audited', async () => {
    const card = page.locator('article.status-card[data-job-id^="demo-"]').first();
    const jobId = (await card.getAttribute('data-job-id')) as string;
    await card.locator('details.thread').evaluate((el) => el.setAttribute('open', ''));
    const box = card.locator('input[data-tick]:not(:checked)').first();
    const listId = (await box.getAttribute('data-list')) as string;
    const itemId = (await box.getAttribute('data-item')) as string;
    const input = `input[data-list="${listId}"][data-item="${itemId}"]`;
    const item = `article.status-card[data-job-id="${jobId}"] ${input}`;
    const version = Number(await card.getAttribute('data-version'));

    // Not from the console page: a page of another site (its Origin), or a form it posts (not JSON).
    const untick = { action: 'untick', jobId, listId: 'verify', itemId: 'health', name: 'Mallory' };
    const forged = await fetch(`${env.url}/console/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify(untick),
    });
    expect(forged.status).toBe(403);
    const form = await fetch(`${env.url}/console/actions`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(untick),
    });
    expect(form.status).toBe(415);
    expect(Number(await card.getAttribute('data-version'))).toBe(version);

    await box.click();
    await expect
      .poll(async () => Number(await card.getAttribute('data-version')), { timeout: 10_000 })
      .toBeGreaterThan(version);
    expect(await page.locator(item).isChecked()).toBe(true);
    expect(await card.locator(`label:has(${input}) .ticked-by`).textContent()).toMatch(/^— Alice \S/);

    const listed = (await (await fetch(`${env.url}/api/audit?jobId=${jobId}&limit=100`)).json()) as {
      entries: { type: string; actor: { name: string; source: string }; detail?: string }[];
    };
    expect(listed.entries.find((e) => e.type === 'checklist_ticked')).toMatchObject({
      actor: { name: 'Alice', source: 'console' },
      detail: `${listId}/${itemId}`,
    });
  });

  it('cancels a running rollback with the Cancel button; the card turns cancelled live', async () => {
    await page.fill('#command', 'slow v0.6.0');
    await page.press('#command', 'Enter');
    const card = page.locator('article.status-card[data-job-id^="slow-"]');
    await page.waitForSelector(
      'article.status-card[data-job-id^="slow-"] .step-running[data-step="verify"]',
      { timeout: 20_000 },
    );
    await card.locator('button[data-action="cancel"]').click();

    await page.waitForSelector('article.status-card[data-job-id^="slow-"][data-state="cancelled"]', {
      timeout: 20_000,
    });
    expect(await card.locator('[data-testid="outcome"]').textContent()).toMatch(
      /^Cancelled at step Verify the service/,
    );
    expect(await card.locator('button[data-action]').count()).toBe(0);
    expect(await page.locator('article.ephemeral').last().textContent()).toContain(
      'Alice clicked Cancel rollback on job slow-',
    );
    // The plan answered to the command sits above the status message it started, as in a channel.
    const order = await page
      .locator('#feed > article')
      .evaluateAll((items) =>
        items.map((a) => a.getAttribute('data-reply') ?? a.getAttribute('data-job-id')?.split('-')[0]),
      );
    expect(order.slice(-3)).toEqual(['plan', 'slow', 'notice']);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.screenshot({ path: join(ARTIFACTS, 'console-cancel.png') });
  });

  it("waits for approval, refuses the requester's own approval, and runs once someone else clicks Approve", async () => {
    await page.fill('#command', 'gated v0.7.0 --forward --reason "checkout errors"');
    await page.press('#command', 'Enter');
    const selector = 'article.status-card[data-job-id^="gated-"]';
    await page.waitForSelector(`${selector}[data-state="awaiting_approval"]`, { timeout: 30_000 });
    const card = page.locator(selector);
    expect(await card.locator('[data-testid="outcome"]').textContent()).toMatch(
      /^Waiting for approval to roll back gated from v0\.6\.0 \([0-9a-f]{7}\) to v0\.7\.0 \([0-9a-f]{7}\) \(0 of 1 approvals\)\.$/,
    );
    // Earlier tests left the shared work tree at v0.6.0, so v0.7.0 is a roll forward: asked for, and marked.
    expect(await card.textContent()).toContain('v0.7.0 is newer than the current v0.6.0 (--forward)');
    expect(await card.locator('button[data-action]').allTextContents()).toEqual([
      'Approve',
      'Cancel rollback',
    ]);

    await card.locator('button[data-action="approve"]').click();
    const refusal = page.locator('article.ephemeral[data-reply="error"]').last();
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/Alice clicked Approve on job gated-/);
    expect(await card.getAttribute('data-state')).toBe('awaiting_approval');

    await page.fill('#me', 'Bob');
    await card.locator('button[data-action="approve"]').click();
    await page.waitForSelector(`${selector}[data-state="succeeded"]`, { timeout: 30_000 });
    expect(await page.locator('article.ephemeral[data-reply="notice"]').last().textContent()).toMatch(
      /Bob clicked Approve on job gated-.*Approved/s,
    );
    expect(await card.locator('.facts').textContent()).toMatch(/Approvals1 of 1 \(Bob\)/);
    const health = (await (await fetch(env.demo.healthUrl)).json()) as { version: string };
    expect(health.version).toBe('v0.7.0');

    await card.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 200));
    await page.screenshot({ path: join(ARTIFACTS, 'console-approval.png') });
  });
});
