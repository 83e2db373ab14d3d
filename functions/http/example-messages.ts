// Signed federation messages for the reference's examples, made once with fixed test keys (Ed25519 secrets of
// 32 bytes of 7 for the holon, 9 for the witness): they verify, so an example sent as is takes the real path.

export const ORIGIN = 'coop.example/holons/circular-economy'
export const VERIFIER_KEY =
  'coop.example/holons/circular-economy+80b30c00+AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs'
/** A signed checkpoint of size 4, and a second one of the same size with another root (an equivocation). */
export const CHECKPOINT =
  'coop.example/holons/circular-economy\n4\ndqtw3EZ3W2QajnFQewcUWu0Rrl78C6qUrAaHavKzv1w=\n\n— coop.example/holons/circular-economy gLMMAN9qwG+jp6aQ7vl5FnW60WYv82QlGw3FqwiusRKpAav0zbja67TmYqmTkBwaXdwJImUo4fu1SczgTuxBgchiIQQ=\n'
export const CHECKPOINT_FORK =
  'coop.example/holons/circular-economy\n4\nYN4HZGPseo+qr1b7gVwBM3joYrcFJrJ5XrZcokAlFAo=\n\n— coop.example/holons/circular-economy gLMMALPYoOHjvAVBA/wRn9TqaSlHTUeHlft68jslzwbdOVekWkLdW96HN9JZiep2a6IrCO86FvpzVulB7Nyjd+6GzwE=\n'

export const ARTIFACT = {
  type: 'omega.rhizome.artifact',
  v: 1,
  mvk_id: 'circular-economy',
  holon: 'circular-economy',
  origin: 'coop.example/holons/circular-economy',
  verifier_key: 'coop.example/holons/circular-economy+80b30c00+AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs',
  kernel_version: 1,
  kernel_digest: '8070b22f3ca75010f208d855ba9e939a4d16b0133dbf9b6aa1b5009eb05acb81',
  invariants: [
    {
      name: 'Non_Spoliation',
      threshold: 0.94,
      weight: 1,
    },
    {
      name: 'Traceability',
      threshold: 1,
      weight: 2,
    },
  ],
  checkpoint:
    'coop.example/holons/circular-economy\n4\ndqtw3EZ3W2QajnFQewcUWu0Rrl78C6qUrAaHavKzv1w=\n\n— coop.example/holons/circular-economy gLMMAN9qwG+jp6aQ7vl5FnW60WYv82QlGw3FqwiusRKpAav0zbja67TmYqmTkBwaXdwJImUo4fu1SczgTuxBgchiIQQ=\n',
  issued_at: '2026-11-30T12:00:00.000Z',
  signature: 'OS1SxJer076tJVjojcIeaxDZ9UWBPGnBTj7oKCBhCtDACLnxUgzn0NaXQoN6IqJuiZwgGY8sMe5h65j338J9DA==',
}

export const ALERT = {
  type: 'omega.rhizome.alert',
  v: 1,
  holon: 'circular-economy',
  origin: 'coop.example/holons/circular-economy',
  verifier_key: 'coop.example/holons/circular-economy+80b30c00+AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs',
  decision: 'ALERT',
  threat: 0.72,
  beat: 12,
  issued_at: '2026-11-30T12:05:00.000Z',
  signature: 'hNi+NCwvFjyhC6E8627ftq68H7CtjGc7tEfWY4D+8XqRSKcbyN0uYpH2jZeJUarBL7EwfMlIYKqlYMYaMNIAAw==',
}

export const COSIGNATURE = {
  origin: ORIGIN,
  holon: 'circular-economy',
  note: CHECKPOINT,
  witness: 'witness.example',
  witness_key: '/RckOFqgx1tk+3jNYC+h2ZH96/drE8WO1wLqyDXp9hg=',
  line: '— witness.example pQNntgAAAABpLDHAYD9dQ3MJaaL4CjoLjwgN/apIT9lSniGSstazXJkG18oVnXKuGIT/WWSUVG5TWV8Nza8h13LowJMShj9i/VKbBg==',
}
