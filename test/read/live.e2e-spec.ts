import { eventually } from '@app/clock/test-support/eventually';
import { type Engine, KEYS, startEngine } from '../api/support/engine';

interface LiveMessage {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** Reads Server-Sent Events from `/live` into a list until aborted. */
const listen = async (url: string, key: string) => {
  const abort = new AbortController();
  const messages: LiveMessage[] = [];
  const response = await fetch(`${url}/live`, { headers: { authorization: `Bearer ${key}` }, signal: abort.signal });
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const type =
          block
            .find((line) => line.startsWith('event:'))
            ?.slice(6)
            .trim() ?? 'message';
        const data =
          block
            .find((line) => line.startsWith('data:'))
            ?.slice(5)
            .trim() ?? '{}';
        messages.push({ type, data: JSON.parse(data) as Record<string, unknown> });
      }
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });
  /** The first message on /live that `match` accepts, once one came; fails after 10 s naming `what` and the messages. */
  const heard = (what: string, match: (message: LiveMessage) => boolean): Promise<LiveMessage> =>
    eventually(
      () => {
        const found = messages.find(match);
        if (!found) throw new Error(`no ${what} on /live: ${JSON.stringify(messages)}`);
        return found;
      },
      10_000,
      20,
    );
  const close = async (): Promise<void> => {
    abort.abort();
    await reading;
  };
  return { response, messages, heard, close, ended: reading };
};

describe('GET /live', () => {
  let engine: Engine;
  let isClosed: boolean;

  beforeEach(async () => {
    engine = await startEngine({ now: '2026-11-30T21:00:00.000Z' });
    isClosed = false;
  });

  afterEach(async () => {
    if (!isClosed) await engine.close();
  });

  it('streams queue changes, breaches and escalations as they are applied', async () => {
    const live = await listen(engine.url, KEYS.ops);
    expect(live.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const customer = await engine.call('POST', '/customers', {
      as: 'admin',
      body: { name: 'Acme', licences: 20, plan: 'premium' },
    });
    const ticket = await engine.call('POST', '/tickets', {
      as: 'agent',
      body: {
        customerId: customer.json.id,
        channel: 'email',
        subject: 'Import fails',
        receivedAt: '2026-11-30T13:00:00Z',
      },
    });
    const ticketId = ticket.json.id as string;

    const queued = await live.heard('queue change', (m) => m.type === 'queue' && m.data.ticketId === ticketId);
    expect(queued.data.item).toMatchObject({ ticketId, plan: 'premium', customerName: 'Acme' });
    const breach = await live.heard('breach', (m) => m.type === 'breach' && m.data.ticketId === ticketId);
    expect(breach.data).toMatchObject({ kind: 'breach', deadline: '2026-11-30T17:00:00.000Z' });
    await live.heard('escalation', (m) => m.type === 'escalation' && m.data.ticketId === ticketId);
    await live.heard(
      'breached status',
      (m) => m.type === 'queue' && (m.data.item as { status?: string } | null)?.status === 'breached',
    );

    await engine.call('POST', `/tickets/${ticketId}/responses`, { as: 'agent', body: {} });
    await live.heard(
      'the ticket leaving the queue',
      (m) => m.type === 'queue' && m.data.ticketId === ticketId && m.data.item === null,
    );
    await live.close();
  });

  it("ends every listener's stream when the api shuts down, so that it closes at once", async () => {
    const live = await listen(engine.url, KEYS.ops);
    await live.heard('the first ping', (m) => m.type === 'ping');

    let timer: NodeJS.Timeout | undefined;
    const stillOpen = new Promise<string>((resolve) => (timer = setTimeout(resolve, 3_000, 'still open after 3 s')));
    const closing = engine.close().then(() => 'closed');
    const outcome = await Promise.race([closing, stillOpen]);
    clearTimeout(timer);
    await closing;
    isClosed = true;

    expect(outcome).toBe('closed');
    await live.ended;
  });

  it('needs an API key', async () => {
    const response = await fetch(`${engine.url}/live`);
    expect(response.status).toBe(401);
  });
});
