// A Groth16 proof as snarkjs writes it (no imports: the ledger's verify request and attestations both use it).
import { z } from '@hono/zod-openapi'

/** A field element or coordinate as snarkjs writes it: canonical decimal, no sign, no leading zeros. */
export const decimal = z.string().regex(/^(0|[1-9][0-9]{0,76})$/, 'a canonical decimal integer')

export const Groth16Proof = z
  .strictObject({
    pi_a: z.tuple([decimal, decimal, decimal]),
    pi_b: z.tuple([z.tuple([decimal, decimal]), z.tuple([decimal, decimal]), z.tuple([decimal, decimal])]),
    pi_c: z.tuple([decimal, decimal, decimal]),
    protocol: z.literal('groth16'),
    curve: z.literal('bn128'),
  })
  .openapi('Groth16Proof', {
    description: 'a Groth16 proof on BN254 exactly as snarkjs writes it (projective, z = 1)',
  })

export type Groth16Proof = z.infer<typeof Groth16Proof>
