// POST /v1/verify: stateless verification of receipts, proofs, checkpoints, equivocation and exports.
import { createRoute } from '@hono/zod-openapi'
import { VerifyReport as VerifyReportSchema, VerifyRequest } from '../../../schemas/ledger.ts'
import { verifyBundle } from '../../attestation/index.ts'
import {
  auditExport,
  Checks,
  detectEquivocation,
  hexToBytes,
  NoteError,
  type VerifyReport,
  verifyCheckpoint,
  verifyReceipt,
} from '../../ledger/index.ts'
import { sha3Tree, verifyConsistency, verifyInclusion } from '../../merkle/index.ts'
import { json, jsonBody, problems, router } from '../openapi.ts'

const route = createRoute({
  method: 'post',
  path: '/v1/verify',
  tags: ['ledger'],
  summary:
    'Verify a receipt, a proof, a checkpoint signature, two checkpoints for equivocation, an export, or a zero-knowledge attestation',
  description:
    'Stateless. Answers 200 with `valid` and every check by name; `first_bad_index` places the first bad ledger ' +
    'entry when it can be placed. Hashes are SHA3-256 (RFC 6962 tree shape). Kind `zk` checks an attestation bundle ' +
    '(`npm run prove`): the receipt of its `attestation.committed` entry, the statement rebuilt from the kernel, and the ' +
    'Groth16 proof on BN254 (pure TypeScript pairing, about 10 ms of CPU, docs/attestation.md).',
  request: { body: jsonBody(VerifyRequest) },
  responses: {
    200: json(VerifyReportSchema, 'the verdict and its checks'),
    ...problems('validation_failed'),
  },
})

function single(name: string, ok: boolean, detail?: string): VerifyReport {
  const checks = new Checks()
  checks.add(name, ok, detail)
  return checks.report()
}

function verify(req: VerifyRequest): VerifyReport {
  switch (req.kind) {
    case 'receipt':
      return verifyReceipt(req.receipt as Parameters<typeof verifyReceipt>[0], req.verifier_key)
    case 'inclusion':
      return single(
        `inclusion of leaf ${req.index} in a tree of size ${req.size}`,
        verifyInclusion(
          sha3Tree,
          req.index,
          req.size,
          hexToBytes(req.leaf_hash),
          req.inclusion.map(hexToBytes),
          hexToBytes(req.root),
        ),
      )
    case 'consistency':
      return single(
        `consistency of size ${req.from} with size ${req.to}`,
        verifyConsistency(
          sha3Tree,
          req.from,
          req.to,
          req.proof.map(hexToBytes),
          hexToBytes(req.root_from),
          hexToBytes(req.root_to),
        ),
      )
    case 'checkpoint':
      try {
        const c = verifyCheckpoint(req.checkpoint, req.verifier_key)
        return single('checkpoint is signed by the key', true, `${c.origin} size ${c.size}`)
      } catch (e) {
        if (e instanceof NoteError) return single('checkpoint is signed by the key', false, e.message)
        throw e
      }
    case 'equivocation':
      return detectEquivocation(req.checkpoints[0], req.checkpoints[1], req.verifier_key)
    case 'export':
      return auditExport(req.export, req.verifier_key)
    case 'zk':
      return verifyBundle(req)
  }
}

export const verifier = router().openapi(route, (c) => c.json(verify(c.req.valid('json')), 200))
