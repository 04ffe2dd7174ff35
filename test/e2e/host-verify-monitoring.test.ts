import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../support/fake-slack/types.js';
import { createGitFixture, type GitFixture } from '../rollback/strategies/git/git-fixture.js';
import { standinPath, type StandinPath } from '../support/standins/standin-path.js';
import {
  startFakeAlertmanager,
  type FakeAlertmanager,
} from '../support/fake-monitoring/fake-alertmanager.js';
import { startFakePrometheus, type FakePrometheus } from '../support/fake-monitoring/fake-prometheus.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';

const CHANNEL = 'C0DEPLOYS';
const ERROR_RATE = 'sum(rate(http_requests_total{app="gitapp",code=~"5.."}[5m]))';

/** The channel's status message of the service's rollback, and the texts of its thread. */
function status(bot: TestBot): FakeMessage | undefined {
  return bot.slack.messages(CHANNEL).find((m) => m.text.startsWith('Rollback of gitapp'));
}
/** The thread as Slack shows it (mrkdwn: `<` is sent as `&lt;`). */
const thread = (bot: TestBot): string =>
  (status(bot)?.replies ?? []).map((r) => `${r.text}\n${JSON.stringify(r.blocks ?? [])}`).join('\n');
const statusText = (bot: TestBot): string =>
  `${status(bot)?.text ?? ''}\n${JSON.stringify(status(bot)?.blocks ?? [])}`;

describe('verify.alerts and verify.metrics on a host strategy: Slack -> queue -> worker -> real git checkout', () => {
  let alertmanager: FakeAlertmanager;
  let prometheus: FakePrometheus;
  let standins: StandinPath;
  let git: GitFixture;
  let bot: TestBot;

  beforeAll(async () => {
    [alertmanager, prometheus] = await Promise.all([startFakeAlertmanager(), startFakePrometheus()]);
  });
  afterAll(async () => {
    await Promise.all([alertmanager?.close(), prometheus?.close()]);
  });

  beforeEach(async () => {
    standins = await standinPath();
    git = createGitFixture(standins.dir);
    alertmanager.requests.splice(0);
    prometheus.requests.splice(0);
    bot = await startTestBot({
      services: {
        gitapp: {
          name: 'gitapp',
          channel: CHANNEL,
          strategy: 'git',
          git: { path: git.work, restart: ['true'] },
          verify: {
            alerts: { alertmanagerUrl: alertmanager.url, matchers: ['service="gitapp"'] },
            metrics: [
              {
                name: 'error-rate',
                prometheusUrl: prometheus.url,
                query: ERROR_RATE,
                op: '<',
                value: 0.05,
              },
            ],
          },
        },
      },
    });
  });
  afterEach(async () => {
    await bot?.close();
    await standins?.cleanup();
  });

  const rollBack = async (): Promise<string> => {
    const { body } = await bot.slash('gitapp v0.7.0');
    expect(body.text).toMatch(/job gitapp-/);
    await bot.slack.waitFor(() => /Rolled back gitapp|failed/i.test(status(bot)?.text ?? ''), 60_000);
    return status(bot)?.text ?? '';
  };

  it('passes when no alert fires and the metric is under its threshold, each reported in the status', async () => {
    alertmanager.setAlerts([{ labels: { alertname: 'DiskFull', service: 'billing' } }]);
    prometheus.setAnswer(ERROR_RATE, { vector: [{ metric: {}, value: 0.01 }] });
    expect(await rollBack()).toMatch(/Rolled back gitapp/);
    expect(git.git(git.work, 'rev-parse', 'HEAD')).toBe(git.sha['v0.7.0']);
    expect(statusText(bot)).toContain('no alerts firing, error-rate ok');
    await bot.slack.waitFor(() => thread(bot).includes('error-rate: 0.01 &lt; 0.05'), 20_000);
    expect(thread(bot)).toContain('No alerts firing for service="gitapp"');
    // Asked once each, with the service's matcher and query.
    expect(alertmanager.requests.map((u) => u.searchParams.getAll('filter'))).toEqual([['service="gitapp"']]);
    expect(prometheus.requests.map((u) => u.searchParams.get('query'))).toEqual([ERROR_RATE]);
  });

  it('fails verification on a firing alert and a metric over its threshold, naming both', async () => {
    alertmanager.setAlerts([{ labels: { alertname: 'HighErrorRate', service: 'gitapp', severity: 'page' } }]);
    prometheus.setAnswer(ERROR_RATE, { vector: [{ metric: {}, value: 0.2 }] });
    expect(await rollBack()).toMatch(/failed/i);
    // The checkout itself happened: the failure is in verification, as the runbook's checklist says.
    expect(git.git(git.work, 'rev-parse', 'HEAD')).toBe(git.sha['v0.7.0']);
    expect(statusText(bot)).toContain('1 alert firing for service=\\"gitapp\\": HighErrorRate');
    await bot.slack.waitFor(() => thread(bot).includes('error-rate: 0.2 is not &lt; 0.05'), 20_000);
  });

  it('says plainly when Alertmanager cannot be asked, without failing the rollback for it', async () => {
    alertmanager.injectFault({ status: 503, times: 100 });
    prometheus.setAnswer(ERROR_RATE, { vector: [{ metric: {}, value: 0.01 }] });
    expect(await rollBack()).toMatch(/Rolled back gitapp/);
    expect(statusText(bot)).toContain('alerts not checked, error-rate ok');
    await bot.slack.waitFor(() => /alerts: not checked: .*503/.test(thread(bot)), 20_000);
  });
});
