import { performance } from 'node:perf_hooks';
import { SystemClock } from '@app/clock';
import { configOrExit, storeOptionsOf } from '@app/config';
import { UPCASTERS } from '@app/domain';
import { openEventStore } from '@app/event-store';
import { forgetReadModels, openReadModelDb, ProjectionRunner, READ_MODELS, readModelsPathOf } from '@app/projections';
import type { CliCommand } from '../command';
import { formatElapsed, progressReporter } from '../format';

/**
 * `cli rebuild-projections`: throws the read models of `READ_MODELS_PATH` away and rebuilds them from the whole log.
 * Other tables of the file (reactor checkpoints) are kept. An API process using the file sees the new tables once
 * restarted.
 */
export const rebuildProjectionsCommand: CliCommand = {
  summary: 'rebuild every read model from the start of the log, with a progress bar and the events per second',
  usage: 'cli rebuild-projections',
  options: [],
  run: async () => {
    const config = configOrExit();
    const store = await openEventStore(config.EVENT_STORE_URL, UPCASTERS, storeOptionsOf(config));
    const db = openReadModelDb(readModelsPathOf(config));
    try {
      let total = 0;
      for await (const _event of store.readAll()) total++;
      forgetReadModels(db);
      const runner = new ProjectionRunner(store, db, READ_MODELS, new SystemClock());
      const progress = progressReporter(total, 'events');
      const started = performance.now();
      const applied = await runner.catchUp(({ events }) => progress.update(events));
      const elapsedMs = performance.now() - started;
      progress.end();
      const perSecond = Math.round(applied / Math.max(elapsedMs / 1000, 1e-6));
      process.stdout.write(
        `rebuilt ${READ_MODELS.length} read models from ${applied} events in ${formatElapsed(elapsedMs)}: ${perSecond} events/s\n`,
      );
      return 0;
    } finally {
      db.close();
      await store.close();
    }
  },
};
