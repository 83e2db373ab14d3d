// The live channel's messages (GET /v1/holons/{id}/live, a WebSocket): what the holon object pushes to readers.
import { z } from '@hono/zod-openapi'
import { Verdict } from './evaluation.ts'
import { Decision } from './pulse.ts'

/** Most events listed in one commit message; a larger batch lists its newest ones (page `/events` for the rest). */
export const LIVE_BATCH_LIST = 100

const holon = z.string().describe('the holon id')
const at = z.string().describe('ISO-8601 time of the ledger transaction')

export const LiveHello = z
  .object({
    type: z.literal('hello'),
    holon,
    seq: z.number().int().describe('events committed so far (the newest seq)'),
    ledger_size: z.number().int().describe('ledger entries so far'),
    beat: z.number().int().describe('pulse beats so far'),
  })
  .openapi('LiveHello', { description: 'sent once, on connect: where the holon stands' })

const CommittedEvent = z.object({
  seq: z.number().int(),
  ledger_index: z
    .number()
    .int()
    .describe('GET /v1/holons/{id}/ledger/receipts/{ledger_index} for its receipt'),
  event_id: z.string(),
  verdict: Verdict,
  torsion: z.number(),
})

export const LiveCommit = CommittedEvent.extend({
  type: z.literal('commit'),
  holon,
  at,
  committed: z
    .number()
    .int()
    .min(1)
    .describe('events this transaction committed; the flat members are the newest'),
  events: z
    .array(CommittedEvent)
    .max(LIVE_BATCH_LIST)
    .optional()
    .describe(`a batch's events, oldest first; at most the newest ${LIVE_BATCH_LIST}`),
}).openapi('LiveCommit', {
  description:
    'one per committed transaction (never for a refused or rolled-back batch); duplicates are not sent',
})

export const LiveRefusal = z
  .object({
    type: z.literal('refusal'),
    holon,
    event_id: z.string(),
    ledger_index: z.number().int().describe('the ledgered refusal'),
    verdict: Verdict,
    torsion: z.number(),
    at,
  })
  .openapi('LiveRefusal', { description: 'an event the gate refused (its refusal is ledgered)' })

export const LiveBeat = z
  .object({
    type: z.literal('beat'),
    holon,
    beat: z.number().int(),
    decision: Decision,
    threat: z.number(),
    coherence: z.number().describe('abs(T_sync), the KAIROS coherence at this beat'),
    at: z.string().describe('ISO-8601 time of the beat'),
  })
  .openapi('LiveBeat', { description: 'one per pulse beat' })

export const LivePong = z
  .object({ type: z.literal('pong') })
  .openapi('LivePong', { description: 'the answer to a client message {"type":"ping"}' })

export const LiveMessage = z
  .discriminatedUnion('type', [LiveHello, LiveCommit, LiveRefusal, LiveBeat, LivePong])
  .openapi('LiveMessage', {
    description:
      'A message of the live channel (JSON text frames). The channel is read-only: clients may send ' +
      '{"type":"ping"} (answered {"type":"pong"}); anything else is ignored and counted.',
  })

export type LiveHello = z.infer<typeof LiveHello>
export type LiveCommit = z.infer<typeof LiveCommit>
export type LiveRefusal = z.infer<typeof LiveRefusal>
export type LiveBeat = z.infer<typeof LiveBeat>
export type LiveMessage = z.infer<typeof LiveMessage>
