// The kernel attestation circuit: committed slot values satisfy every enabled invariant (a DNF of linear atoms).
pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/bitify.circom";

// value[index] and present[index] by a one-hot IsEqual scan; an index >= S selects value 0, presence 0.
template SelectSlot(S) {
    signal input index;
    signal input value[S];
    signal input present[S];
    signal output v;
    signal output p;

    component hit[S];
    signal vs[S];
    signal ps[S];
    var accV = 0;
    var accP = 0;
    for (var j = 0; j < S; j++) {
        hit[j] = IsEqual();
        hit[j].in[0] <== index;
        hit[j].in[1] <== j;
        vs[j] <== hit[j].out * value[j];
        ps[j] <== hit[j].out * present[j];
        accV += vs[j];
        accP += ps[j];
    }
    v <== accV;
    p <== accP;
}

// The truth of one atom: L = ca*va + cb*vb + k compared with 0 per kind, or a presence test.
// Bounds (checked by the caller's encoder and by the range checks here): |ca|, |cb| < 2^64, |value| < 2^94,
// |k| < 2^190, so |L| < 2^190 + 2^159 < 2^W for W >= 191, and L + 2^W never wraps the field (p ~ 2^253.6).
template AtomTruth(S, W) {
    signal input kind;
    signal input ia;
    signal input ib;
    signal input ca;
    signal input cb;
    signal input kk;
    signal input value[S];
    signal input present[S];
    signal output t;

    component sa = SelectSlot(S);
    component sb = SelectSlot(S);
    sa.index <== ia;
    sb.index <== ib;
    for (var j = 0; j < S; j++) {
        sa.value[j] <== value[j];
        sa.present[j] <== present[j];
        sb.value[j] <== value[j];
        sb.present[j] <== present[j];
    }

    signal pab <== sa.p * sb.p;
    signal termA <== ca * sa.v;
    signal termB <== cb * sb.v;
    signal L <== termA + termB + kk;

    // L >= 0 iff bit W of L + 2^W is set; Num2Bits also refuses |L| >= 2^W (no proof then).
    component sign = Num2Bits(W + 1);
    sign.in <== L + 2 ** W;
    signal ge <== sign.out[W];
    component zero = IsZero();
    zero.in <== L;
    signal eq <== zero.out;
    signal gt <== ge * (1 - eq);

    // kind 1..6 one-hot; kind 0 or > 6 leaves every flag 0, so the atom is false.
    component is[6];
    for (var q = 0; q < 6; q++) {
        is[q] = IsEqual();
        is[q].in[0] <== kind;
        is[q].in[1] <== q + 1;
    }
    signal u1 <== is[0].out * ge;
    signal u2 <== is[1].out * gt;
    signal u3 <== is[2].out * eq;
    signal u4 <== is[3].out * (1 - eq);
    signal cmp <== (u1 + u2 + u3 + u4) * pab;
    signal u5 <== is[4].out * sa.p;
    signal u6 <== is[5].out * (1 - sa.p);
    t <== cmp + u5 + u6;
}

// A conjunction of the atoms whose bit is set in mask (an empty mask is true).
template Clause(P) {
    signal input mask;
    signal input t[P];
    signal output out;

    component bits = Num2Bits(P);
    bits.in <== mask;
    signal bt[P];
    signal acc[P];
    for (var a = 0; a < P; a++) {
        bt[a] <== bits.out[a] * t[a];
        if (a == 0) {
            acc[a] <== 1 - bits.out[a] + bt[a];
        } else {
            acc[a] <== acc[a - 1] * (1 - bits.out[a] + bt[a]);
        }
    }
    out <== acc[P - 1];
}

template KernelAttest(S, P, C, I, W) {
    signal input commitment;
    signal input kind[P];
    signal input ia[P];
    signal input ib[P];
    signal input ca[P];
    signal input cb[P];
    signal input k[P];
    signal input mask[C];
    signal input owner[C];
    signal input enabled[I];
    signal input value[S];
    signal input present[S];
    signal input blinding;

    // 1. presence is boolean, an absent slot holds 0, and |value| < 2^94 (value + 2^94 fits in 95 bits).
    component range[S];
    var presentBits = 0;
    for (var j = 0; j < S; j++) {
        present[j] * (1 - present[j]) === 0;
        value[j] * (1 - present[j]) === 0;
        range[j] = Num2Bits(95);
        range[j].in <== value[j] + 2 ** 94;
        presentBits += present[j] * 2 ** j;
    }

    // 2. the commitment the ledger entry records: Poseidon(value[0..S-1], presence bitmap, blinding).
    component hash = Poseidon(S + 2);
    for (var j = 0; j < S; j++) {
        hash.inputs[j] <== value[j];
    }
    hash.inputs[S] <== presentBits;
    hash.inputs[S + 1] <== blinding;
    commitment === hash.out;

    // 3. atoms.
    component atom[P];
    for (var a = 0; a < P; a++) {
        atom[a] = AtomTruth(S, W);
        atom[a].kind <== kind[a];
        atom[a].ia <== ia[a];
        atom[a].ib <== ib[a];
        atom[a].ca <== ca[a];
        atom[a].cb <== cb[a];
        atom[a].kk <== k[a];
        for (var j = 0; j < S; j++) {
            atom[a].value[j] <== value[j];
            atom[a].present[j] <== present[j];
        }
    }

    // 4. clauses.
    component clause[C];
    for (var c = 0; c < C; c++) {
        clause[c] = Clause(P);
        clause[c].mask <== mask[c];
        for (var a = 0; a < P; a++) {
            clause[c].t[a] <== atom[a].t;
        }
    }

    // 5. invariant i holds iff one of its clauses holds: 1 - prod_c (1 - [owner_c == i] * cl_c).
    component own[I][C];
    signal pick[I][C];
    signal none[I][C];
    for (var i = 0; i < I; i++) {
        for (var c = 0; c < C; c++) {
            own[i][c] = IsEqual();
            own[i][c].in[0] <== owner[c];
            own[i][c].in[1] <== i + 1;
            pick[i][c] <== own[i][c].out * clause[c].out;
            if (c == 0) {
                none[i][c] <== 1 - pick[i][c];
            } else {
                none[i][c] <== none[i][c - 1] * (1 - pick[i][c]);
            }
        }
        // holds_i = 1 - none[i][C-1]; an enabled invariant must hold.
        enabled[i] * none[i][C - 1] === 0;
    }
}

component main {public [commitment, kind, ia, ib, ca, cb, k, mask, owner, enabled]} = KernelAttest(8, 32, 24, 8, 192);
