// SHA3-256 of canonical JSON: the digests that tie a tick's inputs and plan to the ledger.
import { canonicalJson } from '../canonical/index.ts'
import { toHex, utf8 } from '../ledger/encoding.ts'
import { sha3_256 } from '../merkle/keccak.ts'

export const digestOf = (value: unknown): string => toHex(sha3_256(utf8(canonicalJson(value))))
