import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Enricher } from '../../services/enricher/enricher.ts';
import { signBody } from '../../services/ingest/meta/signature.ts';
import { createIngestService, type IngestService } from '../../services/ingest/service.ts';
import { applyMigrations } from '../../services/migrate/apply.ts';
import { createAnalyzer } from '../../services/nlp/index.ts';
import { Sink } from '../../services/sink/sink.ts';
import { AuthorKeyLog } from '../../services/shared/author-key-log.ts';
import { loadMasterKeys } from '../../services/shared/author-key-config.ts';
import { ClickHouseWriter, ProjectorStep } from '../../services/sink/steps.ts';
import { ThreadProjector } from '../../services/threads/projector.ts';
import { isolatedClickHouse, isolatedConfig, isolatedKafka, logger } from '../support/stack.ts';
import { codec, rows, waitFor } from '../int/sink/support.ts';
import { ingestConfigFor } from '../int/ingest/support.ts';
import {
  comment,
  customerMessage,
  feed,
  messaging,
  PAGE,
  pageEcho,
  PHONE_ID,
  waEcho,
  waText,
  whatsapp,
} from '../unit/ingest/meta-payloads.ts';

/**
 * Meta webhooks, signed, through ingest → Kafka → enricher → sink → ClickHouse: the numbers the
 * adapters exist for. A Facebook comment edited twice shows the second edit; a question its author
 * removes an hour later is an hour-long withdrawn wait; a Messenger and a WhatsApp conversation
 * each give a first response time.
 */
const SECRET = 'meta-e2e-secret';

describe('Meta adapters end to end', () => {
  const config = isolatedConfig('metae2e');
  let kafka: Awaited<ReturnType<typeof isolatedKafka>>;
  let ch: Awaited<ReturnType<typeof isolatedClickHouse>>;
  let service: IngestService;
  let base: string;

  beforeAll(async () => {
    kafka = await isolatedKafka(config);
    ch = await isolatedClickHouse(config);
    await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
    service = createIngestService(
      ingestConfigFor(config, { META_APP_SECRET: SECRET, META_ACCOUNTS: `${PAGE}:acme,${PHONE_ID}:acme` }),
      logger,
    );
    base = await service.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await service?.close();
    await kafka?.cleanup();
    await ch?.cleanup();
  });

  const send = async (body: unknown) => {
    const raw = Buffer.from(JSON.stringify(body));
    const res = await fetch(`${base}/webhooks/meta`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, SECRET) },
      body: raw,
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { accepted: number }).accepted;
  };

  it('edits, removals and private conversations give the right rows in the analyst views', async () => {
    const t0 = Math.floor(Date.now() / 1000) - 6 * 3600;
    const accepted = [
      // A comment, edited at +10 and +20 minutes.
      await send(feed(comment('add', { created_time: t0 }), t0 + 2)),
      await send(feed(comment('edited', { message: 'It came broken, I want a refund' }), t0 + 600)),
      await send(feed(comment('edited', { message: 'Where is my refund for the broken parcel?' }), t0 + 1200)),
      // A question removed by its author an hour after posting.
      await send(
        feed(
          comment('add', { comment_id: '555_800', message: 'Where is my refund? Nobody answers', created_time: t0 }),
          t0 + 1,
        ),
      ),
      await send(feed(comment('remove', { comment_id: '555_800' }), t0 + 3600)),
      // Messenger: a question, the Page answers ten minutes later.
      await send(
        messaging([
          customerMessage('mid.e2e.1', t0 * 1000, 'Where is my order? It is late'),
          pageEcho('mid.e2e.2', (t0 + 600) * 1000, 'It ships tomorrow, sorry!'),
        ]),
      ),
      // WhatsApp: a problem, the business answers from the WhatsApp Business app 400 s later.
      await send(
        whatsapp(
          'messages',
          waText('wamid.e2e.1', String(t0), 'My router is not working, no internet since this morning'),
        ),
      ),
      await send(
        whatsapp(
          'smb_message_echoes',
          waEcho({
            id: 'wamid.e2e.2',
            timestamp: String(t0 + 400),
            type: 'text',
            text: { body: 'Please restart it, we are checking' },
          }),
        ),
      ),
    ];
    expect(accepted).toEqual([1, 1, 1, 1, 1, 2, 1, 1]);

    const analyzer = await createAnalyzer();
    // Ingest seals texts and author ids with the author keys (docs/security.md, "Erasure"): the stages read them with the same keys.
    const keys = () =>
      new AuthorKeyLog({
        kafka: kafka.kafka,
        topic: kafka.topics.name('authorKeys'),
        master: loadMasterKeys(),
        logger,
      });
    const enricher = new Enricher(
      { kafka: kafka.kafka, codec, analyzer, logger, keys: keys() },
      {
        sourceTopic: kafka.topics.name('conversationEvents'),
        targetTopic: kafka.topics.name('enrichedEvents'),
        deadLetterTopic: kafka.topics.name('deadLetters'),
        groupId: 'meta-e2e-enricher',
      },
    );
    const sink = new Sink(
      {
        kafka: kafka.kafka,
        codec,
        logger,
        keys: keys(),
        steps: [
          new ClickHouseWriter(ch.client),
          new ProjectorStep(new ThreadProjector({ clickhouse: ch.client, logger })),
        ],
      },
      {
        sourceTopic: kafka.topics.name('enrichedEvents'),
        deadLetterTopic: kafka.topics.name('deadLetters'),
        groupId: 'meta-e2e-sink',
        maxRows: 1000,
        maxWaitMs: 100,
      },
    );
    await enricher.start();
    await sink.start();
    // Each expectation is polled until it holds (a thread's events may land in several sink batches).
    const settled = async <T>(what: string, query: string, expected: T[]) =>
      waitFor(
        what,
        () => rows<T>(ch.client, query),
        (v) => JSON.stringify(v) === JSON.stringify(expected),
        60_000,
      );
    try {
      await waitFor(
        'all nine events stored',
        async () => (await rows<{ n: string }>(ch.client, 'SELECT count() AS n FROM events FINAL'))[0]?.n,
        (n) => Number(n) === 9,
      );
      const edited = await settled(
        'the second edit in v_messages',
        `SELECT text, edited, toUnixTimestamp(last_edit_time) AS last_edit, removed FROM v_messages WHERE message_id = '555_777'`,
        [{ text: 'Where is my refund for the broken parcel?', edited: 1, last_edit: t0 + 1200, removed: 0 }],
      );
      expect(edited).toHaveLength(1);
      const withdrawn = await settled(
        'an hour-long withdrawn wait',
        `SELECT kind, end_reason, calendar_s FROM v_waiting_periods WHERE thread_id = '555_800'`,
        [{ kind: 'withdrawn', end_reason: 'withdrawn', calendar_s: 3600 }],
      );
      expect(withdrawn).toHaveLength(1);
      const frt = await settled(
        'Messenger and WhatsApp FRTs',
        `SELECT platform, frt_calendar_s FROM v_thread_response WHERE platform IN ('messenger', 'whatsapp') ORDER BY platform`,
        [
          { platform: 'messenger', frt_calendar_s: 600 },
          { platform: 'whatsapp', frt_calendar_s: 400 },
        ],
      );
      expect(frt).toHaveLength(2);
    } finally {
      await Promise.all([sink.stop(), enricher.stop()]);
    }
  });
});
