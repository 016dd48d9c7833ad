import type { FastifyInstance } from 'fastify';
import { mediaTypeOf } from '../body.ts';
import type { TimeWindow } from '../../shared/limits.ts';
import { validateEvent, type CanonicalEvent } from '../canonical.ts';
import type { Intake } from '../intake.ts';
import { sendError, sendOutcome } from '../responses.ts';
import { CommentThreads, mapMetaNotification } from './mapping.ts';
import { verifySignature } from './signature.ts';

export interface MetaRoutesOptions {
  intake: Intake;
  timeWindow: TimeWindow;
  appSecret?: string | undefined;
  verifyToken?: string | undefined;
  /** Facebook Page id or Instagram account id → brand. */
  accounts: ReadonlyMap<string, string>;
  retryAfterSeconds: number;
}

/**
 * GET  /webhooks/meta: the subscription handshake (hub.mode=subscribe, hub.verify_token, hub.challenge).
 * POST /webhooks/meta: notifications (Facebook Page feed and Messenger, Instagram comments and
 * Direct, WhatsApp Business), accepted only with a valid X-Hub-Signature-256 over the raw body.
 * Answered 200 once every mapped event is acknowledged by Kafka; 503 otherwise, so that Meta
 * redelivers (the event ids come from Meta's own ids, so the redelivery is harmless). Parts that
 * cannot be mapped, including events outside the bounds, are listed as ignored in a 200: a 4xx
 * would make Meta redeliver the same body for hours and then disable the subscription.
 * /webhooks/whatsapp is the same endpoint, for apps that give WhatsApp its own callback URL.
 */
export function registerMetaRoutes(app: FastifyInstance, opts: MetaRoutesOptions): void {
  const threads = new CommentThreads();
  for (const path of ['/webhooks/meta', '/webhooks/whatsapp']) registerEndpoint(app, path, opts, threads);
}

function registerEndpoint(app: FastifyInstance, path: string, opts: MetaRoutesOptions, threads: CommentThreads): void {
  app.get(path, async (request, reply) => {
    if (!opts.verifyToken)
      return sendError(reply, 404, 'not_configured', 'Meta webhooks are not configured (META_VERIFY_TOKEN)');
    const q = request.query as Record<string, string | undefined>;
    if (q['hub.mode'] !== 'subscribe' || q['hub.verify_token'] !== opts.verifyToken || !q['hub.challenge']) {
      return sendError(reply, 403, 'verification_failed', 'hub.mode must be subscribe and hub.verify_token must match');
    }
    return reply.code(200).type('text/plain').send(q['hub.challenge']);
  });

  app.post(path, async (request, reply) => {
    if (!opts.appSecret)
      return sendError(reply, 404, 'not_configured', 'Meta webhooks are not configured (META_APP_SECRET)');
    const raw = request.body as Buffer;
    if (mediaTypeOf(request.headers['content-type']) !== 'json' || !Buffer.isBuffer(raw)) {
      return sendError(reply, 415, 'unsupported_media_type', 'Meta notifications are application/json');
    }
    const signature = request.headers['x-hub-signature-256'];
    if (!verifySignature(raw, typeof signature === 'string' ? signature : undefined, opts.appSecret)) {
      return sendError(reply, 401, 'bad_signature', 'X-Hub-Signature-256 is missing or does not match the body');
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      return sendError(reply, 400, 'invalid_json', `body is not valid JSON: ${(err as Error).message}`);
    }
    const mapped = mapMetaNotification(body, {
      accounts: opts.accounts,
      pseudonymize: opts.intake.pseudonymize,
      threads,
      receivedAt: opts.intake.clock(),
    });
    const events: CanonicalEvent[] = [];
    mapped.events.forEach((candidate, i) => {
      const v = validateEvent(candidate, i, opts.timeWindow);
      if (v.ok) events.push(v.event);
      else
        mapped.ignored.push({
          entry: -1,
          change: i,
          reason: `mapped event is invalid: ${v.issues.map((x) => `${x.path} ${x.message}`).join('; ')}`,
        });
    });
    if (mapped.ignored.length > 0) request.log.info({ ignored: mapped.ignored }, 'meta notification parts ignored');
    if (events.length === 0) return reply.code(200).send({ accepted: 0, ignored: mapped.ignored });
    const outcome = await opts.intake.accept(events, 'meta-webhook', raw.length);
    if (outcome.kind !== 'accepted') return sendOutcome(reply, outcome, events.length, opts.retryAfterSeconds);
    return reply.code(200).send({
      accepted: outcome.events.length,
      event_ids: outcome.events.map((e) => e.event_id),
      ignored: mapped.ignored,
    });
  });
}
