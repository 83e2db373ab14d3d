// A commit's full answer (CommitReceipt) as JSON text, written from parts computed once per commit.
import { type Receipt, ReceiptJson } from '../../functions/ledger/index.ts'

/** One event's line of a full answer: its gate result as JSON text (its events row holds the same text). */
export interface AnswerLine {
  eventId: string
  seq: number
  duplicate: boolean
  resultJson: string
  receipt: Receipt
}

export interface AnswerHead {
  holon: string
  kernel_version: number
  committed: number
  duplicates: number
}

/**
 * For gate results (named members, none of them array indices or the line's own names, as the GateResult schema
 * has them), `JSON.stringify` of the CommitReceipt `{...head, results: [{event_id, seq, duplicate, ...result, receipt}]}`
 * byte for byte (test/ledger/answer.test.ts holds them together), without building that object: each gate
 * result is serialised once for its row and its line, and the receipts' shared parts once per batch.
 */
export function fullAnswerJson(head: AnswerHead, lines: readonly AnswerLine[]): string {
  const receipts = new ReceiptJson()
  const parts = lines.map((l) => {
    // The result's members sit between `duplicate` and `receipt`, as the spread placed them.
    const members = l.resultJson === '{}' ? '' : `${l.resultJson.slice(1, -1)},`
    return `{"event_id":${JSON.stringify(l.eventId)},"seq":${JSON.stringify(l.seq)},"duplicate":${l.duplicate},${members}"receipt":${receipts.write(l.receipt)}}`
  })
  return `{"holon":${JSON.stringify(head.holon)},"kernel_version":${JSON.stringify(head.kernel_version)},"committed":${JSON.stringify(head.committed)},"duplicates":${JSON.stringify(head.duplicates)},"results":[${parts.join(',')}]}`
}
