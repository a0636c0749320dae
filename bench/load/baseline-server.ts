import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NewEvent } from '@app/event-store';

/**
 * The bare baseline of `bench:load`: `POST /tickets` parses the body and inserts the row of a `TicketOpened` event, as
 * the domain records it, into the store's `events` table with the store's pragmas, one `BEGIN IMMEDIATE` transaction
 * per request; nothing else. Arguments: the port, the SQLite file and a JSON file holding the sample event.
 */
const [port, path, sampleFile] = process.argv.slice(2);
if (!port || !path || !sampleFile) throw new Error('usage: baseline-server <port> <events.db> <sample-event.json>');
const sample = JSON.parse(readFileSync(sampleFile, 'utf8')) as NewEvent<Record<string, unknown>>;
const metadata = JSON.stringify(sample.metadata);

const db = new Database(path, { timeout: 5_000 });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
const insert = db.prepare<[string, string, string, string, string]>(
  'INSERT INTO events (stream, revision, id, type, data, metadata) VALUES (?, 0, ?, ?, ?, ?)',
);
const append = db.transaction((stream: string, data: string) =>
  insert.run(stream, randomUUID(), sample.type, data, metadata),
);

const server = createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/tickets') {
    response.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    const ticketId = randomUUID();
    const data = {
      ...sample.data,
      ticketId,
      customerId: body.customerId,
      channel: body.channel,
      subject: body.subject,
    };
    append.immediate(`ticket-${ticketId}`, JSON.stringify(data));
    response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: ticketId }));
  });
});

server.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`listening on ${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => server.close(() => db.close()));
