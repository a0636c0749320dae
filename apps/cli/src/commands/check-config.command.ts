import { configOrExit, shownValue, storeOptionsOf } from '@app/config';
import { UPCASTERS } from '@app/domain';
import { openEventStore } from '@app/event-store';
import { openPublishedPolicies, PolicyFileRejected } from '@app/policy';
import type { CliCommand } from '../command';

/**
 * `cli check-config`: the environment, then the policy book, validated as the engine does at start (every file of
 * `POLICIES_DIR`, then the versions published in the log); prints the effective configuration and the versions.
 */
export const checkConfigCommand: CliCommand = {
  summary: 'validate the environment and the policy folder as the start does; print the effective configuration',
  usage: 'cli check-config',
  options: [],
  run: async () => {
    const config = configOrExit();
    const store = await openEventStore(config.EVENT_STORE_URL, UPCASTERS, storeOptionsOf(config));
    try {
      const book = await (await openPublishedPolicies(config.POLICIES_DIR, store)).current();
      const shown = {
        ...config,
        EVENT_STORE_URL: shownValue('EVENT_STORE_URL', config.EVENT_STORE_URL),
        REDIS_URL: shownValue('REDIS_URL', config.REDIS_URL),
        API_KEYS: config.API_KEYS?.map(({ name, role }) => ({ name, role, key: '(hidden)' })),
        ALERT_WEBHOOKS: config.ALERT_WEBHOOKS?.map(({ secret, ...target }) => ({
          ...target,
          ...(secret ? { secret: '(hidden)' } : {}),
        })),
        ALERT_WEBHOOK_SECRET: shownValue('ALERT_WEBHOOK_SECRET', config.ALERT_WEBHOOK_SECRET),
        policyVersions: book.versions().map(({ version, effectiveFrom }) => ({ version, effectiveFrom })),
      };
      process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof PolicyFileRejected)) throw error;
      process.stderr.write(`${error.message}\n`);
      return 1;
    } finally {
      await store.close();
    }
  },
};
