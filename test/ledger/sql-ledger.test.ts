// The shared SQL ledger: one transaction entry point, all-or-nothing, receipts from memory, and its pure helpers.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { ed25519 } from '@noble/curves/ed25519.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { gate } from '../../durable-objects/holon/commit.ts'
import { Db } from '../../durable-objects/shared/db.ts'
import { SqlLedger } from '../../durable-objects/shared/sql-ledger.ts'
import { BudgetExceededError } from '../../functions/budget/index.ts'
import { canonicalJson, canonicalObject } from '../../functions/canonical/index.ts'
import { unwrap } from '../../functions/http/holon-client.ts'
import { ApiError } from '../../functions/http/problems.ts'
import { compileKernel, currentState, initialAggregates } from '../../functions/kernel/index.ts'
import { ed25519Signer, verifyReceipt } from '../../functions/ledger/index.ts'
import { inclusionProof, inclusionProofs, type NodeReader, sha3Tree } from '../../functions/merkle/index.ts'
import { KernelSpec } from '../../schemas/kernel.ts'
import { contractKernel } from '../support/kernels.ts'

/** A fresh ledger in a holon object's SQLite (the object's migrations created the ledger tables). */
async function withLedger<T>(f: (ledger: SqlLedger, db: Db) => T): Promise<T> {
  const stub = env.HOLON.getByName(`sql-ledger-${crypto.randomUUID()}`)
  return runInDurableObject(stub, (_instance, state) => {
    const db = new Db(state.storage)
    const meta = Object.fromEntries(SqlLedger.newMeta('test.example/ledger'))
    return f(new SqlLedger(db, 'scratch', meta), db)
  })
}

describe('SqlLedger.transact', () => {
  it('is all-or-nothing: a throwing transaction leaves rows and memory as they were', async () => {
    await withLedger((ledger, db) => {
      ledger.transact((appends) => appends.append('pulse.configured', { n: 0 }))
      const root = ledger.root()
      expect(() =>
        ledger.transact((appends) => {
          appends.append('pulse.configured', { n: 1 })
          appends.append('pulse.configured', { n: 2 })
          throw new Error('boom')
        }),
      ).toThrow('boom')
      expect(ledger.size).toBe(1)
      expect(ledger.root()).toEqual(root)
      expect(db.one<{ n: number }>('SELECT count(*) AS n FROM ledger')?.n).toBe(1)
      expect(db.one<{ n: number }>('SELECT count(*) AS n FROM checkpoints')?.n).toBe(1)
      // The next transaction continues the chain from entry 0, not from the rolled-back appends.
      const next = ledger.transact((appends) => appends.append('pulse.configured', { n: 3 }))
      expect(next.value).toBe(1)
      expect(next.entries[0]?.entry.prev).toBe(ledger.receiptFor(0).leaf_hash)
    })
  })

  it('seals nothing when nothing was appended, and appends return the indexes the entries get', async () => {
    await withLedger((ledger, db) => {
      const empty = ledger.transact(() => 'nothing')
      expect(empty).toMatchObject({ value: 'nothing', entries: [], checkpoint: null })
      expect(db.one<{ n: number }>('SELECT count(*) AS n FROM checkpoints')?.n).toBe(0)
      const sealed = ledger.transact((appends) =>
        [0, 1, 2].map((n) => appends.append('pulse.configured', { n })),
      )
      expect(sealed.value).toEqual([0, 1, 2])
      expect(sealed.entries.map((s) => s.entry.index)).toEqual([0, 1, 2])
      expect(sealed.checkpoint?.size).toBe(3)
    })
  })

  it('receipts computed from memory equal those read back from SQLite and verify offline', async () => {
    await withLedger((ledger) => {
      ledger.transact((appends) => {
        for (let n = 0; n < 37; n++) appends.append('pulse.configured', { n })
      })
      const sealed = ledger.transact((appends) => {
        for (let n = 0; n < 29; n++) appends.append('pulse.configured', { n })
      })
      const receipts = ledger.receipts(sealed)
      expect(receipts).toHaveLength(29)
      for (const receipt of receipts) {
        expect(verifyReceipt(receipt, ledger.verifierKey).valid).toBe(true)
        expect(receipt).toEqual(ledger.receiptFor(receipt.index))
      }
    })
  })

  it('stores event entries with the canonical text given for the event, byte for byte', async () => {
    await withLedger((ledger, db) => {
      const event = { id: 'e', b: [1, 2.5, 'x'], a: { z: null, y: true } }
      const sealed = ledger.transact((appends) =>
        appends.append('event.committed', { event, verdict: 'admit' }, { event: canonicalJson(event) }),
      )
      const row = db.one<{ body: string }>('SELECT body FROM ledger WHERE idx = 0')
      expect(row?.body).toBe(canonicalJson(sealed.entries[0]?.entry))
    })
  })
})

describe('canonicalObject', () => {
  it('equals canonical JSON of the whole object, whichever members come pre-canonicalised', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
        fc.func(fc.boolean()),
        (members, pick) => {
          const clean = JSON.parse(JSON.stringify(members)) as Record<string, unknown>
          const given = Object.fromEntries(
            Object.entries(clean)
              .filter(([k]) => pick(k))
              .map(([k, v]) => [k, canonicalJson(v)]),
          )
          expect(canonicalObject(clean, given)).toBe(canonicalJson(clean))
        },
      ),
    )
  })
})

describe('inclusionProofs', () => {
  it('equals one inclusion proof per leaf', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.array(fc.nat(), { maxLength: 20 }), (size, picks) => {
        const leaf = (i: number) => sha3Tree.leaf(new Uint8Array([i & 255, i >> 8]))
        const nodes = new Map<string, Uint8Array>()
        const levels: Uint8Array[][] = [Array.from({ length: size }, (_, i) => leaf(i))]
        for (let level = 0; (levels[level] as Uint8Array[]).length > 1; level++) {
          const row = levels[level] as Uint8Array[]
          const up: Uint8Array[] = []
          for (let i = 0; i + 1 < row.length; i += 2)
            up.push(sha3Tree.node(row[i] as Uint8Array, row[i + 1] as Uint8Array))
          levels.push(up)
        }
        levels.forEach((row, level) => {
          row.forEach((h, i) => {
            nodes.set(`${level}:${i}`, h)
          })
        })
        const read: NodeReader = (level, index) => nodes.get(`${level}:${index}`) as Uint8Array
        const indices = picks.map((p) => p % size)
        expect(inclusionProofs(sha3Tree, read, indices, size)).toEqual(
          indices.map((i) => inclusionProof(sha3Tree, read, i, size)),
        )
      }),
    )
  })
})

describe('work budgets across RPC', () => {
  it('a budget_exceeded refusal unwraps to the budget_exceeded problem naming the budget', () => {
    const reply = {
      ok: false as const,
      failure: {
        code: 'budget_exceeded' as const,
        budget: 'expression_steps',
        limit: 1000,
        unit: 'steps',
        cpu_ms: 5,
        message: 'the expression_steps budget is exhausted',
      },
    }
    let thrown: unknown
    try {
      unwrap('h', reply)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(ApiError)
    expect(thrown).toMatchObject({
      code: 'budget_exceeded',
      extensions: { budget: 'expression_steps', limit: 1000, unit: 'steps', cpu_ms: 5 },
    })
  })

  it("the holon's gate answers a budget exceeded by kernel evaluation as a refusal, not an exception", async () => {
    const kernel = compileKernel(KernelSpec.parse(contractKernel))
    const states = initialAggregates(kernel)
    const live = {
      holon: 'h',
      meta: {},
      createdAt: '',
      version: 1,
      kernel,
      states,
      current: currentState(kernel, states, undefined),
      counts: { events: 0, rejections: 0, overrides: 0 },
    }
    // Evaluation that runs out of budget, as a budgeted CEL evaluation throws it (out of any per-expression catch).
    const exhausted = new BudgetExceededError('expression_steps', 10, 'steps', 1, 'out of steps')
    const spent = Object.defineProperty({ ...kernel }, 'invariants', {
      get: () => {
        throw exhausted
      },
    })
    const reply = gate({ ...live, kernel: spent }, [{ id: 'e', contributed: 1, returned: 1 }], {})
    expect(reply).toEqual({
      ok: false,
      failure: {
        code: 'budget_exceeded',
        budget: 'expression_steps',
        limit: 10,
        unit: 'steps',
        cpu_ms: 1,
        message: 'out of steps',
      },
    })
  })
})

describe('ed25519Signer', () => {
  it('signs exactly as ed25519.sign does, with the same public key', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 300 }),
        (secret, message) => {
          const signer = ed25519Signer(secret)
          expect(signer.publicKey).toEqual(ed25519.getPublicKey(secret))
          expect(signer.sign(message)).toEqual(ed25519.sign(message, secret))
        },
      ),
      { numRuns: 40 },
    )
  })
})
