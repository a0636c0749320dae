import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { configSchema } from '@app/config';

const ROOT = join(__dirname, '..');

interface Service {
  readonly restart?: string;
  readonly healthcheck?: { readonly test?: readonly string[] };
  readonly ports?: readonly string[];
  readonly networks?: readonly string[];
  readonly environment?: Readonly<Record<string, string | number>>;
  readonly command?: readonly string[];
}
interface Compose {
  readonly services: Readonly<Record<string, Service>>;
  readonly networks?: Readonly<Record<string, { readonly internal?: boolean } | null>>;
}

const read = (file: string): Compose => parse(readFileSync(join(ROOT, file), 'utf8'), { merge: true }) as Compose;
const hasComposePlugin = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;

describe('docker-compose.yml, fit for a first production try', () => {
  const compose = read('docker-compose.yml');
  const services = Object.entries(compose.services);

  it('restarts and health-checks every service', () => {
    expect(services.filter(([, service]) => service.restart !== 'unless-stopped').map(([name]) => name)).toEqual([]);
    expect(services.filter(([, service]) => !service.healthcheck?.test?.length).map(([name]) => name)).toEqual([]);
  });

  it('keeps EventStoreDB and Redis off every host port, on a network with no route out', () => {
    expect(compose.networks?.internal?.internal).toBe(true);
    for (const name of ['eventstore', 'redis']) {
      expect([name, compose.services[name]?.ports, compose.services[name]?.networks]).toEqual([
        name,
        undefined,
        ['internal'],
      ]);
    }
  });

  it('makes Redis require a password, which the engine sends', () => {
    expect(compose.services.redis?.command?.join(' ')).toContain('--requirepass');
    expect(compose.services.api?.environment?.REDIS_URL).toMatch(/^redis:\/\/:\$\{REDIS_PASSWORD\}@redis:/);
  });

  it('passes the engine only variables it knows', () => {
    const known = Object.keys(configSchema.shape);
    for (const name of ['api', 'worker-1', 'worker-2']) {
      const unknown = Object.keys(compose.services[name]?.environment ?? {}).filter((v) => !known.includes(v));
      expect([name, unknown]).toEqual([name, []]);
    }
  });

  it('has a secure EventStoreDB variant: certificates on, and the engine connecting with TLS and a user', () => {
    const secure = read('docker-compose.esdb-secure.yml');
    expect(secure.services.eventstore?.environment?.EVENTSTORE_INSECURE).toBe('false');
    expect(secure.services.eventstore?.environment?.EVENTSTORE_CERTIFICATE_FILE).toEqual(expect.any(String));
    for (const name of ['api', 'worker-1', 'worker-2']) {
      expect(secure.services[name]?.environment?.EVENT_STORE_URL).toMatch(
        /^esdb:\/\/admin:\$\{ESDB_PASSWORD.*tls=true/,
      );
    }
  });

  const files = ['docker-compose.yml', 'docker-compose.esdb-secure.yml'];
  if (hasComposePlugin) {
    it('is valid for docker compose', () => {
      const check = spawnSync('docker', ['compose', ...files.flatMap((file) => ['-f', file]), 'config', '--quiet'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, API_KEYS: 'x', REDIS_PASSWORD: 'x', ESDB_PASSWORD: 'x' },
      });
      expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
    });
  } else {
    it('is well-formed YAML, keys unique, every alias defined (docker compose is not installed here)', () => {
      for (const file of files) {
        const document = parseDocument(readFileSync(join(ROOT, file), 'utf8'), { uniqueKeys: true, merge: true });
        expect([file, [...document.errors, ...document.warnings].map(String)]).toEqual([file, []]);
      }
    });
  }
});
