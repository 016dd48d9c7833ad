/**
 * `brandpulse erase --brand <brand> --author <platform>:<platform user id>`: erase one author of one
 * brand for good (docs/security.md, "Erasure"). Needs the ingest's PSEUDONYM_KEY (to find the
 * author's pseudonym from the raw id, which is never stored) and the master keys. Prints the request
 * id once the erasure is durably recorded; the sink blanks the ClickHouse rows right after.
 */
import { userInfo } from 'node:os';
import { createKafka, durableProducer } from '../shared/kafka.ts';
import { createLogger } from '../shared/logger.ts';
import { AuthorKeyLog } from '../shared/author-key-log.ts';
import { loadMasterKeys } from '../shared/author-key-config.ts';
import { loadIngestConfig } from './config.ts';
import { hmacPseudonymizer } from './pseudonym.ts';
import { parseAuthor, recordErasure } from '../shared/erasure-log.ts';
import { parseCommandLine, UsageError } from '../shared/usage.ts';

export const ERASE_USAGE = `usage: brandpulse erase --brand <brand> --author <platform>:<platform user id>
  Erases one author of one brand for good (crypto-shredding, docs/security.md): prints the request id once
  recorded; the sink blanks the ClickHouse rows right after. Needs PSEUDONYM_KEY and AUTHOR_KEYS_MASTER_KEYS.`;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommandLine(argv, ERASE_USAGE, { brand: { type: 'string' }, author: { type: 'string' } });
  const problems: string[] = [];
  if (!values.brand || !/^[A-Za-z0-9._-]+$/.test(values.brand))
    problems.push('--brand: required, the brand id (e.g. acme)');
  const author = values.author ? parseAuthor(values.author) : '--author: required, <platform>:<platform user id>';
  if (typeof author === 'string') problems.push(author.startsWith('--author') ? author : `--author: ${author}`);
  if (problems.length > 0 || typeof author === 'string') throw new UsageError(problems.join('; '));
  const config = loadIngestConfig();
  const logger = createLogger('erase', config.LOG_LEVEL);
  const { kafka, topics } = createKafka(config, logger, 'erase');
  const master = loadMasterKeys();
  const keys = new AuthorKeyLog({ kafka, topic: topics.name('authorKeys'), master, logger });
  const producer = durableProducer(kafka);
  try {
    await Promise.all([keys.start(), producer.connect()]);
    const r = await recordErasure(
      {
        keys,
        producer,
        keysTopic: topics.name('authorKeys'),
        erasuresTopic: topics.name('authorErasures'),
        master,
        pseudonymize: hmacPseudonymizer(config.PSEUDONYM_KEY),
        pseudonymKey: config.PSEUDONYM_KEY,
      },
      {
        brand: values.brand!,
        platform: author.platform,
        platformUserId: author.id,
        requestedBy: `cli:${userInfo().username}`,
      },
    );
    console.log(
      JSON.stringify({
        status: 'recorded',
        request_id: r.request_id,
        brand: r.brand,
        platform: r.platform,
        requested_at: new Date(r.requested_at).toISOString(),
      }),
    );
  } finally {
    await keys.stop();
    await producer.disconnect().catch(() => undefined);
  }
}
